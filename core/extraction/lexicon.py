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
    return entries


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
