"""The number grammar of `core.extraction.numbers`: the number-word lexicon, the tokens of a
normalised text and the parser that reads digits and number words (1-999,999, all gender and case
forms, compounds with و, scale words) into values.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from core.extraction import lexicon
from core.extraction.normalize import norm

log = logging.getLogger(__name__)
# --------------------------------------------------------------------------- lexicon


# Digits with separators between digits, or a run of letters (normalised text: digits are ASCII).
_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")


_COMMA_GROUPS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


_DOT_GROUPS_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


_DIGIT_RUN_RE = re.compile(r"[0-9]+")


_MAX_DIGITS = 15


_MAX_GAP = 4  # characters of blank between two words of one phrase


_CACHE_MAX = 50_000


_BELOW = frozenset({"unit", "ten", "teen", "tens"})


_GROUP = _BELOW | {"hundred", "hundreds"}


@lru_cache(maxsize=1)
def _qualifier_last_words() -> frozenset[str]:
    """Every word a qualifier can end with, also with a glued prefix: a cheap first check."""
    lex = _lex()
    lasts = {k[-1] for k in lex.qual}
    glued = {p + w for w in lasts for p, _c, d in lex.prefixes if not d}
    return frozenset(lasts | glued)


@dataclass(frozen=True)
class _Entry:
    key: str
    kind: str
    value: int
    low: int | None = None
    high: int | None = None
    magnitude: int = 0
    needs: frozenset[str] = frozenset()
    definite: bool = False
    plural: bool = False


@dataclass(frozen=True)
class _Lex:
    words: dict[str, _Entry]
    strict: frozenset[str]
    prefixes: tuple[tuple[str, bool, bool], ...]  # (surface, is_conj, is_definite), longest first
    qual: dict[tuple[str, ...], str]
    qual_after: frozenset[tuple[str, ...]]
    qual_max_len: int
    prefix_map: dict[str, tuple[bool, bool]]  # glued prefix -> (is_conj, is_definite)
    prefix_max: int
    cache: dict[str, _Word | None]  # token text -> reading (bounded)


def _key(s: str) -> str:
    return s.lower() if s.isascii() else s


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    words: dict[str, _Entry] = {}
    strict: set[str] = set()
    prefixes: list[tuple[str, bool, bool]] = []
    for key, e in lexicon.load("numbers").items():
        kind = e.get("type", "")
        forms = [_key(norm(s).strip()) for s in e["surfaces"]]
        strict.update(_key(norm(s).strip()) for s in e.get("strict", []))
        if kind == "prefix":
            prefixes.extend((f, False, bool(e.get("definite"))) for f in forms)
            continue
        if kind == "conj":
            prefixes.extend((_key(norm(s).strip()), True, False) for s in e.get("glued", []))
        entry = _Entry(
            key=key,
            kind=kind,
            value=int(e.get("value", 0)),
            low=e.get("low"),
            high=e.get("high"),
            magnitude=int(e.get("magnitude", e.get("value", 0))),
            needs=frozenset(e.get("needs", [])),
            definite=bool(e.get("definite")),
            plural=bool(e.get("plural")),
        )
        for f in forms:
            words[f] = entry
    prefixes.sort(key=lambda p: -len(p[0]))
    qual: dict[tuple[str, ...], str] = {}
    after: set[tuple[str, ...]] = set()
    for key, e in lexicon.load("qualifiers").items():
        for s in e["surfaces"]:
            qual[tuple(_key(norm(s)).split())] = key
        for s in e.get("follows", []):
            after.add(tuple(_key(norm(s)).split()))
    pmap = {p: (c, d) for p, c, d in prefixes}
    return _Lex(
        words,
        frozenset(strict),
        tuple(prefixes),
        qual,
        frozenset(after),
        max(map(len, qual)),
        pmap,
        max(map(len, pmap)),
        {},
    )


@lru_cache(maxsize=1)
def _qualifier_bounds() -> dict[str, str]:
    return {k: e.get("bounds", "") for k, e in lexicon.load("qualifiers").items()}


def clear_caches() -> None:
    """Forget the compiled lexicons (after editing the data files in a test)."""
    _lex.cache_clear()
    _qualifier_bounds.cache_clear()
    _qualifier_last_words.cache_clear()


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int  # in normalised text
    end: int
    text: str  # lower-cased when ASCII
    digits: bool


def _tokens(nt: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(nt):
        s, a, b = m.group(), m.start(), m.end()
        if not s[0].isdigit():
            toks.append(_Tok(a, b, _key(s), False))
        elif "," in s and not _COMMA_GROUPS_RE.fullmatch(s):
            # "1,2" or "3,4,5": a list, not a thousands separator: each run is its own number.
            for d in _DIGIT_RUN_RE.finditer(s):
                toks.append(_Tok(a + d.start(), a + d.end(), d.group(), True))
        else:
            toks.append(_Tok(a, b, s, True))
    return toks


@dataclass(frozen=True, slots=True)
class _Word:
    entry: _Entry
    offset: int  # characters of glued prefix before the number word
    conj: bool  # the glued prefix is the conjunction


def _lookup(lex: _Lex, tok: _Tok) -> _Word | None:
    """Number-lexicon reading of a word token, stripping one glued prefix if needed (cached)."""
    if tok.digits:
        return None
    t = tok.text
    try:
        return lex.cache[t]
    except KeyError:
        pass
    if len(lex.cache) >= _CACHE_MAX:
        lex.cache.clear()
    w = lex.cache[t] = _read_word(lex, t)
    return w


def _read_word(lex: _Lex, t: str) -> _Word | None:
    e = lex.words.get(t)
    if e is not None:
        return _Word(e, 0, False)
    for n in range(min(lex.prefix_max, len(t) - 1), 0, -1):
        pre = lex.prefix_map.get(t[:n])
        if pre is None:
            continue
        conj, definite = pre
        rest = t[n:]
        e = lex.words.get(rest)
        if e is None:
            continue
        if definite and (not e.definite or rest in lex.strict):
            continue
        if (rest in lex.strict or len(rest) < 3) and not conj:
            continue
        return _Word(e, n, conj)
    return None


# --------------------------------------------------------------------------- grammar

# Parser state: (total, cur, below, last, last_scale). cur holds the hundreds of the current group,
# below the part under 100; last is the type of the last component; last_scale the last scale used.
_State = tuple[int, int, int, str, int]
_START: _State = (0, 0, 0, "", 10**18)


def _place(st: _State, e: _Entry) -> _State | None:
    """Put a component into an empty slot."""
    total, cur, below, _last, lscale = st
    k = e.kind
    if k in _BELOW:
        if below:
            return None
        return (total, cur, e.value, k, lscale)
    if k in ("hundred", "hundreds"):
        if cur or below:
            return None
        return (total, e.value, 0, "hundred", lscale)
    if k in ("scale", "scale_dual"):
        mag = e.magnitude if k == "scale_dual" else e.value
        if cur or below or mag >= lscale:
            return None
        return (total + e.value, 0, 0, "scale", mag)
    return None


def _step(st: _State, e: _Entry, conj: bool, hyphen: bool, latin: bool) -> _State | None:
    total, cur, below, last, lscale = st
    k = e.kind
    if hyphen:  # twenty-one
        if last == "tens" and k == "unit" and latin:
            return (total, cur, below + e.value, "tens_unit", lscale)
        return None
    if conj:
        if last == "unit" and k == "tens" and below < 10:  # خمسة وعشرون
            return (total, cur, below + e.value, "tens_unit", lscale)
        if last == "hundred" and k in _BELOW:
            return _place(st, e)
        if last == "scale" and k in _GROUP | {"scale", "scale_dual"}:
            return _place(st, e)
        return None
    if k == "ten" and last == "unit" and below < 10 and not latin:  # ثلاثة عشر
        return (total, cur, below + 10, "teen", lscale)
    if k == "unit" and last == "tens" and latin:  # twenty one
        return (total, cur, below + e.value, "tens_unit", lscale)
    if k == "hundred" and not cur and below and last in ("unit", "teen", "tens_unit", "tens", "ten"):
        return (total, below * 100, 0, "hundred", lscale)  # ثلاث مئة, fifteen hundred
    if k == "scale" and (cur or below) and e.value < lscale:  # ثلاثة آلاف
        return (total + (cur + below) * e.value, 0, 0, "scale", e.value)
    if latin and last in ("hundred", "scale") and k in _GROUP:  # one thousand two hundred five
        return _place(st, e)
    return None


def _gap(nt: str, a: int, b: int, latin: bool) -> str | None:
    """'' for a blank gap, '-' for an English hyphen, None when the gap breaks a phrase."""
    if b - a > _MAX_GAP:
        return None
    g = nt[a:b]
    if not g.strip(" \t"):
        return ""
    if latin and g.strip(" \t") == "-":
        return "-"
    return None


@dataclass(frozen=True, slots=True)
class _Phrase:
    i: int  # first token
    j: int  # one past the last token
    a: int  # span in normalised text
    b: int
    value: int | None
    low: int | None
    high: int | None
    script: str
    latin: bool


def _digits_value(s: str, scale: int | None) -> int | None:
    if len(s) > _MAX_DIGITS + 4:
        return None
    if "," in s:
        s = s.replace(",", "")
    if "." in s:
        if scale is None:
            if _DOT_GROUPS_RE.fullmatch(s):
                return int(s.replace(".", ""))
            return None
        if s.count(".") != 1:
            return None
        ip, fp = s.split(".")
        if len(ip) > _MAX_DIGITS or len(fp) > 6:
            return None
        v = int(ip) * scale + (int(fp) * scale) // (10 ** len(fp))
        return v
    if len(s) > _MAX_DIGITS:
        return None
    return int(s) * (scale or 1)


def _next_word(toks: list[_Tok], j: int, nt: str, latin: bool) -> tuple[_Tok, str] | None:
    if j >= len(toks):
        return None
    g = _gap(nt, toks[j - 1].end, toks[j].start, latin or toks[j].text.isascii())
    if g is None:
        return None
    return toks[j], g


def _read_scale_after(
    lex: _Lex, toks: list[_Tok], j: int, nt: str, latin: bool, allow_link: bool
) -> tuple[_Entry, int] | None:
    """A scale word right after token j-1 (optionally after English 'of'): (entry, next index)."""
    nw = _next_word(toks, j, nt, latin)
    if nw is None or nw[1]:
        return None
    w = _lookup(lex, nw[0])
    if w is not None and allow_link and w.entry.kind == "link":
        nw2 = _next_word(toks, j + 1, nt, latin)
        if nw2 is None or nw2[1]:
            return None
        w = _lookup(lex, nw2[0])
        j += 1
    if w is None or w.entry.kind != "scale" or w.offset and not w.entry.definite:
        return None
    return w.entry, j + 1


def _is_latin(tok: _Tok) -> bool:
    return tok.text.isascii()


def _parse_at(lex: _Lex, toks: list[_Tok], i: int, nt: str) -> _Phrase | None:
    tok = toks[i]
    if tok.digits:
        prev = nt[tok.start - 1] if tok.start else " "
        nxt = nt[tok.end] if tok.end < len(nt) else " "
        if (prev.isascii() and prev.isalpha()) or (nxt.isascii() and nxt.isalpha()):
            return None  # F16, MH17, 5th, 10km
        sc = _read_scale_after(lex, toks, i + 1, nt, False, False)
        if sc is not None:
            v = _digits_value(tok.text, sc[0].value)
            if v is not None:
                end_tok = toks[sc[1] - 1]
                return _Phrase(i, sc[1], tok.start, end_tok.end, v, v, v, "mixed", _is_latin(end_tok))
        v = _digits_value(tok.text, None)
        if v is None:
            return None
        return _Phrase(i, i + 1, tok.start, tok.end, v, v, v, "digits", False)

    w = _lookup(lex, tok)
    if w is None:
        return None
    e = w.entry
    latin = _is_latin(tok)
    a = tok.start + w.offset
    if e.kind == "vague" or (e.kind in ("scale", "hundred") and e.low is not None):
        # a vague word, or a scale word alone that the lexicon reads as vague (آلاف, several hundred)
        lo, hi, j = e.low, e.high, i + 1
        sc = _read_scale_after(lex, toks, i + 1, nt, latin, True)
        if sc is not None and sc[0].value > e.value and lo is not None and hi is not None:
            lo, hi, j = lo * sc[0].value, (hi + 1) * sc[0].value - 1, sc[1]
        return _Phrase(i, j, a, toks[j - 1].end, None, lo, hi, "vague", latin)
    if e.kind not in _GROUP | {"scale", "scale_dual"}:
        return None
    if e.needs and not _satisfied(lex, toks, i, nt, e):
        return None
    st = _place(_START, e)
    if st is None:
        return None
    j = i + 1
    while j < len(toks):
        nw = _next_word(toks, j, nt, latin)
        if nw is None:
            break
        nt_tok, g = nw
        conj = False
        k = j
        w2 = _lookup(lex, nt_tok)
        if w2 is not None and w2.entry.kind == "conj" and not g:
            # detached و / and: the number word must follow
            nw2 = _next_word(toks, j + 1, nt, latin)
            if nw2 is None or nw2[1]:
                break
            k = j + 1
            nt_tok = nw2[0]
            w2 = _lookup(lex, nt_tok)
            conj = True
        if w2 is None or w2.offset and not w2.conj and not conj:
            break
        if w2.conj:
            if conj:
                break  # و وثلاثة
            conj = True
        tok_latin = _is_latin(nt_tok)
        if tok_latin != latin:
            break
        if w2.entry.needs and not _satisfied(lex, toks, k, nt, w2.entry):
            break
        new = _step(st, w2.entry, conj, g == "-", latin)
        if new is None:
            break
        st = new
        j = k + 1
    total, cur, below, _last, _ls = st
    v = total + cur + below
    if v <= 0:
        return None
    return _Phrase(i, j, a, toks[j - 1].end, v, v, v, "words", latin)


def _satisfied(lex: _Lex, toks: list[_Tok], i: int, nt: str, e: _Entry) -> bool:
    nw = _next_word(toks, i + 1, nt, _is_latin(toks[i]))
    if nw is None or nw[1]:
        return False
    w = _lookup(lex, nw[0])
    return w is not None and w.offset == 0 and w.entry.kind in e.needs
