"""Loading the word lists in ``data/lexicon/``: one JSON file per kind of word.

Every lexicon file has the same shape::

    {
      "_doc": "what the file is for and what each attribute means",
      "entries": {
        "canonical_key": {"surfaces": ["form one", "form two"], "attr": "..."},
        ...
      }
    }

The key is what a Figure stores (e.g. perpetrator ``coalition``); surfaces are how texts write
it (kept as evidence only). Loading validates the file and reports every problem at once, naming
the file and the key; a duplicate key is an error, never a silent overwrite. Files are read once
per process; `clear_caches()` lets tests reload them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from core.extraction.normalize import norm

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicon"
VERSION_FILE = LEXICON_DIR / "VERSION"


class LexiconError(ValueError):
    """A lexicon data file is missing, malformed or inconsistent."""


def reject_duplicate_keys(pairs: list[tuple[str, Any]], error: type[ValueError] | None = None) -> dict[str, Any]:
    """``object_pairs_hook`` for json.loads: a key given twice is an error, not a silent overwrite."""
    seen: dict[str, Any] = {}
    dups = []
    for k, v in pairs:
        if k in seen:
            dups.append(k)
        seen[k] = v
    if dups:
        raise (error or LexiconError)(f"duplicate key(s): {', '.join(sorted(set(dups)))}")
    return seen


@cache
def load(name: str) -> dict[str, dict[str, Any]]:
    """Entries of ``data/lexicon/<name>.json``, validated. Raises `LexiconError`."""
    path = LEXICON_DIR / f"{name}.json"
    if not path.exists():
        raise LexiconError(f"{path}: lexicon file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=reject_duplicate_keys)
    except LexiconError as err:
        raise LexiconError(f"{path}: {err}") from err
    except json.JSONDecodeError as err:
        raise LexiconError(f"{path}: not valid JSON: {err}") from err
    problems: list[str] = []
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise LexiconError(f"{path}: expected an object with a non-empty 'entries' object")
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            problems.append(f"entry '{key}' is not an object")
            continue
        surfaces = entry.get("surfaces")
        if not isinstance(surfaces, list) or not surfaces:
            problems.append(f"entry '{key}' has no 'surfaces' list")
        elif not all(isinstance(s, str) and s.strip() for s in surfaces):
            problems.append(f"entry '{key}' has an empty or non-string surface")
    if problems:
        raise LexiconError(f"{path}: " + "; ".join(problems))
    if name != INFLECTION and any("inflect" in e for e in entries.values()):
        entries = _with_inflections(entries)
    return entries


# ---- inflection: one word listed, every form of it matched -------------------------------------
INFLECTION = "inflection"
_PRONOUN_AFTER_PLURAL = {"ين": "ي", "ون": "و"}  # مقاتلين -> مقاتليه، مقاتلون -> مقاتلوه


def _noun_stem(word: str) -> str:
    """The form suffixes attach to: a final ة becomes ت (طفلة -> طفلت-)."""
    return word[:-1] + "ت" if word.endswith("ة") else word


def _inflect_noun(word: str, suffixes: list[str], plural: bool) -> list[str]:
    if " " in word or word.endswith(("ا", "ه")) or not "\u0621" <= word[:1] <= "\u064a":
        return []  # phrases, the accusative «طفلا», spelling variants «طفله» and Latin words
    if word.endswith("ى"):
        word = word[:-1] + "ا"  # قتلى -> قتلاهم
    if plural:
        for end, keep in _PRONOUN_AFTER_PLURAL.items():
            if word.endswith(end):
                return [word[: -len(end)] + keep + suf for suf in suffixes]
    return [_noun_stem(word) + suf for suf in suffixes]


def _sound_plural_stem_forms(word: str, suffixes: list[str]) -> list[str]:
    """Forms on the singular stem of a sound masculine plural: مسعفين -> مسعف، مسعفا، مسعفان.
    Broken plurals (أطفال، عمال) have no regular stem and give nothing."""
    if " " in word or not "\u0621" <= word[:1] <= "\u064a" or not word.endswith(("ين", "ون")) or len(word) < 5:
        return []
    return [pattern.replace("~", word[:-2]) for pattern in suffixes]


def _inflect_verb(stem: str, patterns: list[str]) -> list[str]:
    """Past and present forms of a verb from its past stem (قتل، أعدم، استشهد، لقي، قضى); in a
    phrase the first word is the verb («أودى بحياة» -> «أوديا بحياة»)."""
    if " " in stem:
        verb, rest = stem.split(" ", 1)
        return [f"{form} {rest}" for form in _inflect_verb(verb, patterns)]
    out = []
    bare = stem[1:] if stem[:1] in "أا" else stem  # أعدم -> يعدم، استشهد -> يستشهد
    for pat in patterns:
        prefix, _, suffix = pat.partition("~")
        if prefix:
            if stem.endswith(("ى", "ي")) or (len(stem) == 3 and stem[1] == "ا"):
                continue  # defective and hollow presents (يقضي، يلقى، يموت) are listed where needed
            out.append(prefix + bare + suffix)
        elif stem.endswith("ى"):  # قضى: قضت، قضيا، قضتا، قضوا، قضين
            s = stem[:-1]
            out.append({"": stem, "ا": s + "يا", "ن": s + "ين"}.get(suffix, s + suffix))
        elif stem.endswith("ي") and suffix.startswith("و"):  # لقي: لقوا
            out.append(stem[:-1] + suffix)
        else:
            out.append(stem + suffix)
    return out


def _with_inflections(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Entries plus, for each entry with ``inflect`` (noun | verb), one derived entry per rule of
    ``inflection.json`` (key ``KEY+RULE``) holding the forms that no entry lists already."""
    rules = load(INFLECTION)
    listed = {norm(s).strip() for e in entries.values() for s in e["surfaces"]}
    out = dict(entries)
    for key, entry in entries.items():
        how = entry.get("inflect")
        if how is None:
            continue
        attrs = {a: b for a, b in entry.items() if a not in ("surfaces", "inflect", "stems")}
        for rule_key, rule in rules.items():
            applies = rule["applies"]
            if how == "verb" and applies == "verb":
                forms = [f for stem in entry.get("stems", []) for f in _inflect_verb(stem, rule["surfaces"])]
            elif how == "noun" and applies == "noun_pl_stem" and entry.get("number") == "pl":
                forms = [f for w in entry["surfaces"] for f in _sound_plural_stem_forms(w, rule["surfaces"])]
            elif how == "noun" and applies == ("noun_pl" if entry.get("number") == "pl" else "noun_sg"):
                forms = [f for w in entry["surfaces"] for f in _inflect_noun(w, rule["surfaces"], applies == "noun_pl")]
            else:
                continue
            new = []
            for f in forms:
                n = norm(f).strip()
                if n not in listed:
                    listed.add(n)
                    new.append(f)
            if new:
                out[f"{key}+{rule_key}"] = {**attrs, **rule.get("sets", {}), "surfaces": new}
    return out


@cache
def surface_index(name: str) -> dict[str, str]:
    """Normalised surface -> key for one lexicon (longest-match lookups build on this).

    A surface claimed by two keys of the same file is an error."""
    index: dict[str, str] = {}
    clashes = []
    for key, entry in load(name).items():
        for s in entry["surfaces"]:
            n = norm(s).strip()
            if n in index and index[n] != key:
                clashes.append(f"'{s}' in '{index[n]}' and '{key}'")
            index[n] = key
    if clashes:
        raise LexiconError(f"{LEXICON_DIR / (name + '.json')}: surface(s) claimed twice: {'; '.join(clashes)}")
    return index


@cache
def version() -> str:
    """The lexicon version recorded with every extracted figure."""
    return VERSION_FILE.read_text(encoding="utf-8").strip() if VERSION_FILE.exists() else "0"


def clear_caches() -> None:
    load.cache_clear()
    surface_index.cache_clear()
    version.cache_clear()
