"""The gazetteer of `core.extraction.places`: ``data/gazetteer/`` loaded, validated and indexed
(`Place`, `get_place`, `all_places`), and the tokens place names are matched on.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from core.extraction import lexicon
from core.extraction.normalize import norm, normalize

log = logging.getLogger(__name__)

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "data" / "gazetteer"
PREFIX_LEXICON = "place_prefixes"

KINDS = ("district", "landmark", "city", "town", "village", "governorate", "country", "region")
NEEDS = ("prefix", "context", "raqqa", "never")
_BASE_COLUMNS = ("id", "name_ar", "name_en", "aliases_ar", "aliases_en", "lat", "lon", "precision", "source")
# A place in one of these counts as "the text names Raqqa" for aliases that need it.
_RAQQA_ROOTS = ("rq-city", "gv-raqqa", "rg-raqqa")
_MAX_UNKNOWN_LIST = 8


class GazetteerError(ValueError):
    """A gazetteer data file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Place:
    """One gazetteer row."""

    id: str
    name_ar: str
    name_en: str
    lat: float | None
    lon: float | None
    precision: (
        str  # 'district' | 'landmark' | 'city' | 'town' | 'village' | 'governorate' | 'country' | 'region'
    )
    coord_precision: str | None  # the gazetteer's exact / approx, None without a coordinate
    parent: str | None
    source: str

# --------------------------------------------------------------------------------------------
# Tokens

_AR = "\u0621-\u065f\u0670-\u06d3\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefc\u200c\u200d"
_TOKEN_RE = re.compile(
    rf"(?P<ar>[{_AR}]+)"
    r"|(?P<en>[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+)"
    r"|(?P<num>[0-9\u0660-\u0669\u06F0-\u06F9]+)"
    r"|(?P<punct>[^\s\w\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|_)"
)
_CONJ = "وف"
_PREP = "بلك"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_WORD_JOINERS = "-'\u2019\u2018`\u02bf\u02be\u2010\u2011"


class _Tok(NamedTuple):
    text: str  # normalised Arabic word, folded lower-case Latin word, ASCII digits, or the character
    kind: str  # ar | en | num | punct
    start: int  # span in the text as given
    end: int
    raw: str  # as written


def _norm_word(raw: str, kind: str) -> str:
    if kind == "ar":
        return norm(raw)
    if kind == "en":
        decomposed = unicodedata.normalize("NFKD", raw)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    if kind == "num":
        return raw.translate(_DIGITS)
    return raw


@lru_cache(maxsize=4096)
def _cut_offset(raw: str, cut: int) -> int:
    """Characters of ``raw`` (as written) covering its first ``cut`` normalised characters."""
    return normalize(raw).offsets[cut] if cut else 0


_new_tok = tuple.__new__  # builds a _Tok without the Python-level NamedTuple constructor (hot loop)
_WORD_CACHE: dict[tuple[str, str], str] = {}
_WORD_CACHE_MAX = 1 << 17


@lru_cache(maxsize=4096)
def _ends_with_teh(raw: str) -> bool:
    return norm(raw, fold_teh=False).endswith("ة")


def _tokens(text: str) -> list[_Tok]:
    """Tokens of the text as written; each carries its normalised form and its span."""
    out: list[_Tok] = []
    cache = _WORD_CACHE
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "punct"
        raw = m.group()
        if kind == "punct":
            if (
                raw in _WORD_JOINERS
                and out
                and out[-1].kind == "en"
                and out[-1].end == m.start()
                and m.end() < len(text)
                and text[m.end()].isascii()
                and text[m.end()].isalpha()
            ):
                continue  # Deir ez-Zor, Dar'iya: the joiner is not a token of its own
            word = raw
        else:
            word = cache.get((raw, kind))
            if word is None:
                if len(cache) > _WORD_CACHE_MAX:
                    cache.clear()
                word = cache[(raw, kind)] = _norm_word(raw, kind)
            if not word:
                continue
        out.append(_new_tok(_Tok, (word, kind, m.start(), m.end(), raw)))
    return out


def _alias_tokens(alias: str) -> tuple[str, ...]:
    return tuple(t.text for t in _tokens(alias) if t.kind != "punct")


@lru_cache(maxsize=65536)
def _glue_forms(word: str) -> tuple[tuple[str, int, bool], ...]:
    """(form, characters stripped, a preposition was stripped) for an Arabic word, word itself first."""
    forms = [(word, 0, False)]
    bases = [(word, 0)]
    if len(word) > 2 and word[0] in _CONJ:
        bases.append((word[1:], 1))
        forms.append((word[1:], 1, False))
    for base, cut in bases:
        if len(base) > 3 and base.startswith("لل"):
            forms.append(("ال" + base[2:], cut + 1, True))
        elif len(base) > 2 and base[0] in _PREP:
            forms.append((base[1:], cut + 1, True))
    return tuple(forms)


def _strip_al(tokens: tuple[str, ...]) -> tuple[str, ...]:
    if tokens and len(tokens[0]) > 3 and tokens[0].startswith("ال"):
        return (tokens[0][2:],) + tokens[1:]
    return tokens


# --------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class _Alias:
    place_id: str
    tokens: tuple[str, ...]
    lang: str
    needs: frozenset[str]
    not_before: frozenset[str]
    prefixed: bool  # the alias itself starts with a prefix word (حي تشرين, مدينة الثورة)


@dataclass(frozen=True)
class _Prefix:
    key: str
    precision: str
    resolves: frozenset[str]
    count: str
    rural: bool
    opaque: bool
    unknown_names: bool  # an unknown name after it is a place (قرية فتاتيش); False for plurals and سد


@dataclass
class _Gazetteer:
    places: dict[str, Place]
    matched: set[str]
    raqqa_ids: frozenset[str]
    index: dict[tuple[str, ...], list[_Alias]]
    firsts: set[str]
    max_len: int
    prefixes: dict[str, _Prefix]
    en_before: dict[tuple[str, ...], _Prefix]
    en_after: dict[tuple[str, ...], _Prefix]
    context: set[str]
    directions: dict[tuple[str, ...], None]
    stop: set[str]
    name_heads: set[str]
    quotes: set[str]
    core_drop: set[str] = field(default_factory=set)
    rural_ids: frozenset[str] = frozenset()  # countrysides: names written ريف X
    en_first: frozenset[str] = frozenset()  # first words of English prefix phrases
    countryside_of: dict[str, str] = field(default_factory=dict)  # city or governorate id -> its ريف row
    teh_prefixes: frozenset[str] = frozenset()  # prefix words written with ة (بلدة, not بلده 'his country')
    hot: dict[str, bool] = field(default_factory=dict)  # word -> can start a match (filled as texts are read)

    def can_start(self, word: str, kind: str) -> bool:
        if kind == "ar":
            return any(f in self.firsts or f in self.prefixes for f, _, _ in _glue_forms(word))
        return kind == "en" and (word in self.firsts or word in self.en_first)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise GazetteerError(f"{path}: gazetteer file not found")
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise GazetteerError(f"{path}: missing column(s) {', '.join(missing)}")
            return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise GazetteerError(f"{path}: cannot read: {err}") from err


def _float(value: str, where: str, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        problems.append(f"{where}: not a number: {value!r}")
        return None


def _split(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


def _name_without_note(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def _load_prefixes() -> dict[str, dict]:
    try:
        return lexicon.load(PREFIX_LEXICON)
    except lexicon.LexiconError as err:
        raise GazetteerError(f"place prefixes: {err}") from err


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    problems: list[str] = []
    entries = _load_prefixes()
    prefixes: dict[str, _Prefix] = {}
    en_before: dict[tuple[str, ...], _Prefix] = {}
    en_after: dict[tuple[str, ...], _Prefix] = {}
    context: set[str] = set()
    directions: dict[tuple[str, ...], None] = {}
    stop: set[str] = set()
    name_heads: set[str] = set()
    quotes: set[str] = set()
    teh_prefixes: set[str] = set()
    lex_path = lexicon.LEXICON_DIR / f"{PREFIX_LEXICON}.json"
    for key, e in entries.items():
        role = e.get("role")
        if role in ("prefix", "en_before", "en_after"):
            resolves = frozenset(e.get("resolves", ()))
            bad = sorted(set(resolves) - set(KINDS))
            if e.get("precision") not in KINDS or bad:
                problems.append(
                    f"{lex_path}: entry '{key}': unknown precision/kind {e.get('precision')!r} {bad}"
                )
                continue
            p = _Prefix(
                key,
                e["precision"],
                resolves,
                e.get("count", "one"),
                bool(e.get("rural")),
                bool(e.get("opaque")),
                bool(e.get("unknown_names", True)),
            )
            for s in e["surfaces"]:
                toks = _alias_tokens(s)
                if role == "prefix":
                    prefixes[toks[0]] = p
                    if norm(s, fold_teh=False).endswith("ة"):
                        teh_prefixes.add(toks[0])
                elif role == "en_before":
                    en_before[toks] = p
                else:
                    en_after[toks] = p
        elif role == "context":
            context.update(_alias_tokens(s)[0] for s in e["surfaces"])
        elif role == "direction_adjective":
            directions.update((_alias_tokens(s), None) for s in e["surfaces"])
        elif role == "stop":
            stop.update(_alias_tokens(s)[0] for s in e["surfaces"])
        elif role == "name_head":
            name_heads.update(_alias_tokens(s)[0] for s in e["surfaces"])
        elif role == "quote":
            quotes.update(e["surfaces"])
        else:
            problems.append(f"{lex_path}: entry '{key}': unknown role {role!r}")

    # -- rows
    kinds = {
        r["id"]: r for r in _read_csv(GAZETTEER_DIR / "place_kinds.csv", ("id", "kind", "parent", "match"))
    }
    rows: list[tuple[str, dict[str, str], str, str | None, bool]] = []
    for fname in ("raqqa_districts.csv", "syria_places.csv"):
        for r in _read_csv(GAZETTEER_DIR / fname, _BASE_COLUMNS):
            k = kinds.get(r["id"])
            if k is None:
                problems.append(f"{GAZETTEER_DIR / 'place_kinds.csv'}: no row for '{r['id']}' ({fname})")
                continue
            rows.append((fname, r, k["kind"], k["parent"] or None, k["match"] != "no"))
    for r in _read_csv(GAZETTEER_DIR / "extra_places.csv", _BASE_COLUMNS + ("kind", "parent")):
        rows.append(("extra_places.csv", r, r["kind"], r["parent"] or None, True))

    places: dict[str, Place] = {}
    aliases: dict[str, list[tuple[str, str]]] = {}
    matched: set[str] = set()
    for fname, r, kind, parent, use in rows:
        where = f"{GAZETTEER_DIR / fname}: '{r['id']}'"
        if r["id"] in places:
            problems.append(f"{where}: duplicate id")
            continue
        if kind not in KINDS:
            problems.append(f"{where}: unknown kind {kind!r}")
        lat = _float(r["lat"], where, problems)
        lon = _float(r["lon"], where, problems)
        if (lat is None) != (lon is None):
            problems.append(f"{where}: lat and lon must both be given or both be empty")
        elif lat is not None and lon is not None and not (29 <= lat <= 38 and 34 <= lon <= 49):
            problems.append(f"{where}: coordinate {lat},{lon} outside Syria/Iraq")
        if lat is not None and not r["source"]:
            problems.append(f"{where}: coordinate without a source")
        places[r["id"]] = Place(
            r["id"],
            r["name_ar"],
            r["name_en"],
            lat,
            lon,
            kind,
            r["precision"] or None if lat is not None else None,
            parent,
            r["source"],
        )
        if use:
            matched.add(r["id"])
            names = [(r["name_ar"], "ar"), (_name_without_note(r["name_en"]), "en")]
            names += [(a, "ar") for a in _split(r["aliases_ar"])] + [
                (a, "en") for a in _split(r["aliases_en"])
            ]
            aliases[r["id"]] = names
    for pid, p in places.items():
        if p.parent is not None and p.parent not in places:
            problems.append(f"'{pid}': parent '{p.parent}' is not a gazetteer id")
    for r in _read_csv(GAZETTEER_DIR / "extra_aliases.csv", ("place_id", "alias", "lang", "source")):
        if r["place_id"] not in aliases:
            problems.append(
                f"{GAZETTEER_DIR / 'extra_aliases.csv'}: unknown or unmatched place '{r['place_id']}'"
            )
            continue
        aliases[r["place_id"]].append((r["alias"], r["lang"]))

    # -- rules for ambiguous aliases, keyed by (place, alias tokens without the article)
    rules: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], frozenset[str]]] = {}
    bare_rules: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], frozenset[str]]] = {}
    amb_path = GAZETTEER_DIR / "ambiguous_aliases.csv"
    for r in _read_csv(amb_path, ("alias", "place_id", "lang", "needs", "not_before", "reason")):
        needs = frozenset(_split(r["needs"].replace("+", "|")))
        where = f"{amb_path}: '{r['alias']}' ({r['place_id']})"
        if not needs <= set(NEEDS):
            problems.append(f"{where}: unknown need(s) {sorted(needs - set(NEEDS))}; expected {NEEDS}")
        if not r["reason"]:
            problems.append(f"{where}: no reason given")
        toks = _alias_tokens(r["alias"])
        known = {_strip_al(_alias_tokens(a)) for a, _ in aliases.get(r["place_id"], [])}
        if _strip_al(toks) not in known:
            problems.append(f"{where}: not an alias of that place")
        nb = frozenset(_alias_tokens(w)[0] for w in _split(r["not_before"]))
        rules[(r["place_id"], toks)] = (needs, nb)
        if _strip_al(toks) != toks:  # a row written with ال also covers the name without it
            bare_rules[(r["place_id"], _strip_al(toks))] = (needs, nb)

    # -- the index
    index: dict[tuple[str, ...], list[_Alias]] = {}
    for pid, names in aliases.items():
        seen: set[tuple[str, ...]] = set()
        for name, lang in names:
            toks = _alias_tokens(name)
            if not toks or toks in seen:
                continue
            seen.add(toks)
            prefixed = len(toks) > 1 and toks[0] in prefixes
            rest = toks[1:] if prefixed else toks
            needs, nb = (
                rules.get((pid, rest))
                or bare_rules.get((pid, rest))
                or bare_rules.get((pid, _strip_al(rest)), (frozenset(), frozenset()))
            )
            if prefixed:
                needs = needs - {"prefix", "context"}
            index.setdefault(toks, []).append(_Alias(pid, toks, lang, needs, nb, prefixed))
    clashes = []
    for toks, lst in index.items():
        usable = [a for a in lst if "never" not in a.needs]
        if len({a.place_id for a in usable}) > 1:
            clashes.append(f"'{' '.join(toks)}': {', '.join(sorted({a.place_id for a in usable}))}")
    if clashes:
        problems.append(
            "alias claimed by several places (resolve in ambiguous_aliases.csv or place_kinds.csv): "
            + "; ".join(clashes)
        )
    if problems:
        raise GazetteerError("gazetteer: " + "; ".join(problems))

    countryside_of: dict[str, str] = {}
    for pid, p in places.items():
        toks = _alias_tokens(p.name_ar)
        if pid in matched and len(toks) > 1 and toks[0] in prefixes and prefixes[toks[0]].rural:
            for a in index.get(toks[1:], ()):
                countryside_of.setdefault(a.place_id, pid)
            if p.parent and places[p.parent].precision == "governorate":
                countryside_of.setdefault(p.parent, pid)
    raqqa = set(_RAQQA_ROOTS) | {pid for pid, p in places.items() if p.parent == "rq-city"}
    core_drop = (
        {w for w, p in prefixes.items() if not p.rural}
        | context
        | {t for d in directions for t in d}
        | {w for toks, p in [*en_before.items(), *en_after.items()] if not p.rural for w in toks}
        | {"of", "the", "and"}
    )
    return _Gazetteer(
        places=places,
        matched=matched,
        raqqa_ids=frozenset(raqqa),
        index=index,
        firsts={t[0] for t in index},
        max_len=max(len(t) for t in index),
        prefixes=prefixes,
        en_before=en_before,
        en_after=en_after,
        context=context,
        directions=directions,
        stop=stop,
        name_heads=name_heads,
        quotes=quotes,
        core_drop=core_drop,
        en_first=frozenset(t[0] for t in en_before),
        countryside_of=countryside_of,
        teh_prefixes=frozenset(teh_prefixes),
        rural_ids=frozenset(
            pid
            for pid, p in places.items()
            if (t := _alias_tokens(p.name_ar)) and t[0] in prefixes and prefixes[t[0]].rural
        ),
    )


def clear_caches() -> None:
    """Forget the loaded gazetteer (tests that edit data files call this)."""
    _gazetteer.cache_clear()
    _glue_forms.cache_clear()
    _WORD_CACHE.clear()
    _cut_offset.cache_clear()
    _ends_with_teh.cache_clear()


def get_place(place_id: str) -> Place | None:
    """The gazetteer row with this id, or None."""
    return _gazetteer().places.get(place_id)


def all_places() -> list[Place]:
    """Every gazetteer row, in file order (places without a coordinate included)."""
    return list(_gazetteer().places.values())
