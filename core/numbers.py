"""Number phrases in Arabic and English news text: digits, number words, vague quantities, qualifiers.

`find_numbers(text)` returns every number phrase in order, with its span in the text as uploaded;
`parse_number(phrase)` reads one whole phrase. All words live in ``data/lexicon/numbers.json`` and
``data/lexicon/qualifiers.json`` (their ``_doc`` fields describe each attribute); this module holds
only the grammar. Finding nothing gives ``[]``/``None``; no input raises.

How a text is read
------------------
1. The text is normalised (`core.normalize`: one alef, ى→ي, ة→ه, Eastern Arabic and Persian digits
   to ASCII, ``٬``→``,`` and ``٫``→``.``) and cut into tokens: runs of digits (with ``,``/``.``
   separators between digits) and runs of letters. Digits never join across a space, and digits
   glued to Arabic letters are still found (``الـ18``, ``و4``). Digits glued to Latin letters
   (``F16``, ``5th``, ``10km``) are not counts and are skipped.
2. Digits: ``19,663`` = 19663 (``,`` groups must have three digits, otherwise each part is its own
   number); ``1.5`` is a decimal only before a scale word (``1.5 مليون``); ``3.000`` with three-digit
   groups and no scale word is read as 3000; any other decimal is skipped. Longer than 15 digits:
   skipped. A scale word after digits multiplies them (``25 ألف`` = 25000, ``3 آلاف`` = 3000,
   ``2 million``); ``script`` is then ``'mixed'``.
3. Words (``script='words'``) are read by a small state machine over lexicon types:
   a unit followed by عشر/عشرة makes a teen (ثلاثة عشر, إحدى عشرة, اثنا عشر; أحد/إحدى/اثنا alone are
   never numbers: «أحد المدنيين», «يوم الأحد»); unit + و + tens (خمسة و عشرين, ثلاثة وأربعين);
   unit + مئة (ثلاث مئة), a complete hundreds word (مئتان, ثلاثمائة), then و + the rest
   (مئة وخمسون); anything before a scale multiplies it (ثلاثة الاف, خمسة وعشرين ألفا); after a
   scale, و + a smaller part (ألف ومئتان وخمسون = 1250). English: twenty-one / twenty one,
   a hundred, two hundred and five, one thousand two hundred, two dozen.
   Ordinals are never numbers, and block the عشر after them (الثامنة عشرة = eighteenth). ال is
   accepted only on words whose entry says ``definite`` (الثلاثة yes; الاثنين = Monday and
   العشرين = the twentieth no); ``strict`` short words (ست, سبع, خمس, ثمان, تسع) count only as a bare
   token or with a glued و (never السبع, لست).
4. Vague words (``script='vague'``, ``value=None``, ``vague=True``) carry a range in low/high:

   ============================  =================  ==========================================
   words                          low..high          why
   ============================  =================  ==========================================
   عشرات، العشرات، tens           20..99             plural of ten; news use it from ~20
   dozens / scores                24..99 / 40..99    at least two dozen / two score
   مئات، المئات، hundreds          200..999           as specified for the extractor
   آلاف، الآلاف، ألوف              3000..9999         ألفين is the dual, so the plural is 3+
   thousands (English)            3000..9999         same entry as آلاف
   vague x scale                  low*S..(high+1)*S-1  عشرات الآلاف = 20000..99999,
                                                      مئات الآلاف / hundreds of thousands = 200000..999999
   ============================  =================  ==========================================

5. Qualifiers (``qualifiers.json``) directly before the number (أكثر من، ما لا يقل عن، بنحو، more than,
   at least) or, for surfaces listed in ``follows``, within three words after it on the same sentence
   («10 مواطنين على الأقل») unless that qualifier already opens the next number. `NumberMatch.bounds`
   turns value + qualifier into the gold (min, best, max) convention.

Spans: ``start``/``end`` index the ORIGINAL text and cover the number phrase only: a glued و/ب/ل/ف
or ال before the first word is left out (``وثلاثة`` → ``ثلاثة``), except where the lexicon lists the
definite form itself (``العشرات``). «في المئة/بالمئة» after a number is not read as 100 (ال on مئة is
not accepted); the number before it is reported and the extractor decides about percentages.
Years, ages, phone numbers are reported like any number: the extractor decides.

Known limits: ألفا alone is read as 1000 (it is also the dual construct «ألفا شخص» = 2000);
a compound that skips و after a scale («ثلاثة آلاف خمسمائة») stops at the scale; «half a dozen»
reads «a dozen» = 12; English «several/a few» are not part of the span (the bare scale after them
is vague); ranges («20 إلى 30») are two numbers; «واحد» in «كل واحد» is reported as 1.

>>> [(m.text, m.value) for m in find_numbers("قتل ثلاثة وعشرون مدنيا و١٤ طفلاً")]
[('ثلاثة وعشرون', 23), ('١٤', 14)]
>>> m = find_numbers("أكثر من 200 قتيل")[0]; (m.qualifier, m.bounds())
('more_than', (200, 200, None))
>>> m = find_numbers("عشرات الآلاف")[0]; (m.vague, m.low, m.high, m.bounds())
(True, 20000, 99999, (None, None, None))
>>> parse_number("ألف ومئتان وخمسون")
1250
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from core import lexicon
from core.normalize import Normalized, norm, normalize

log = logging.getLogger(__name__)

# Digits with separators between digits, or a run of letters (normalised text: digits are ASCII).
_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")
_COMMA_GROUPS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DOT_GROUPS_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DIGIT_RUN_RE = re.compile(r"[0-9]+")
_MAX_DIGITS = 15
_AFTER_WINDOW = 3  # words between a number and a following qualifier
_MAX_GAP = 4  # characters of blank between two words of one phrase
_SENTENCE_END = frozenset(".!?؟؛;:\n\r")
_CACHE_MAX = 50_000
_BELOW = frozenset({"unit", "ten", "teen", "tens"})
_GROUP = _BELOW | {"hundred", "hundreds"}


@dataclass(frozen=True)
class NumberMatch:
    """One number phrase. Spans index the original text; see the module docstring for the grammar."""

    start: int
    end: int
    text: str
    value: int | None
    low: int | None
    high: int | None
    vague: bool
    qualifier: str | None
    qualifier_span: tuple[int, int] | None
    script: str
    lang: str

    def bounds(self) -> tuple[int | None, int | None, int | None]:
        """(min, best, max) in the gold convention of the evaluation corpus.

        >>> find_numbers("نحو 30 شخصا")[0].bounds()
        (None, 30, None)
        """
        if self.vague or self.value is None:
            return (None, None, None)
        v = self.value
        kind = _qualifier_bounds().get(self.qualifier) if self.qualifier else None
        if kind == "min":
            return (v, v, None)
        if kind == "approx":
            return (None, v, None)
        if kind == "max":
            return (None, v, v)
        return (v, v, v)


# --------------------------------------------------------------------------- lexicon


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


# --------------------------------------------------------------------------- qualifiers


def _strip_clitic(lex: _Lex, word: str) -> list[tuple[str, int]]:
    out = [(word, 0)]
    for p, _conj, definite in lex.prefixes:
        if not definite and len(word) > len(p) + 1 and word.startswith(p):
            out.append((word[len(p) :], len(p)))
    return out


def _blank(nt: str, a: int, b: int) -> bool:
    return b - a <= _MAX_GAP and not nt[a:b].strip(" \t")


@lru_cache(maxsize=1)
def _qualifier_last_words() -> frozenset[str]:
    """Every word a qualifier can end with, also with a glued prefix: a cheap first check."""
    lex = _lex()
    lasts = {k[-1] for k in lex.qual}
    glued = {p + w for w in lasts for p, _c, d in lex.prefixes if not d}
    return frozenset(lasts | glued)


def _qualifier_before(lex: _Lex, toks: list[_Tok], i: int, lo: int, nt: str) -> tuple[str, int, int] | None:
    """Qualifier whose last word directly precedes token i (tokens from index lo on are free)."""
    if i == 0 or toks[i - 1].text not in _qualifier_last_words():
        return None
    for n in range(min(lex.qual_max_len, i - lo), 0, -1):
        seq = toks[i - n : i + 1]
        if any(t.digits for t in seq[:-1]):
            continue
        if not all(_blank(nt, seq[x].end, seq[x + 1].start) for x in range(n)):
            continue
        rest = tuple(t.text for t in seq[1:-1])
        for first, off in _strip_clitic(lex, seq[0].text):
            key = lex.qual.get((first, *rest))
            if key is not None:
                return key, seq[0].start + off, seq[-2].end
    return None


def _qualifier_after(
    lex: _Lex, toks: list[_Tok], j: int, stop: int, nt: str, starts: set[int]
) -> tuple[str, int, int] | None:
    """A 'follows' qualifier within _AFTER_WINDOW words after token j-1, before token index stop."""
    words = 0
    k = j
    while k < stop and words <= _AFTER_WINDOW:
        gap = nt[toks[k - 1].end : toks[k].start]
        if any(c in _SENTENCE_END for c in gap) or toks[k].digits:
            return None
        for n in range(lex.qual_max_len, 0, -1):
            seq = toks[k : k + n]
            if len(seq) < n or k + n > stop:
                continue
            tup = tuple(t.text for t in seq)
            if tup in lex.qual_after and all(_blank(nt, seq[x].end, seq[x + 1].start) for x in range(n - 1)):
                if k + n in starts and _blank(nt, seq[-1].end, toks[k + n].start):
                    return None  # "على الأقل 3": it opens the next number
                return lex.qual[tup], seq[0].start, seq[-1].end
        words += 1
        k += 1
    return None


# --------------------------------------------------------------------------- API


def _ordinal_blocks(lex: _Lex, toks: list[_Tok], i: int, nt: str) -> bool:
    """Token i is the ten of an ordinal teen (الثامنة عشرة, الحادي عشر)."""
    if i == 0 or not _blank(nt, toks[i - 1].end, toks[i].start):
        return False
    prev = toks[i - 1].text
    for w, _off in _strip_clitic(lex, prev) + [
        (prev[len(p) :], 0) for p, _c, d in lex.prefixes if d and prev.startswith(p)
    ]:
        e = lex.words.get(w)
        if e is not None and e.kind == "ordinal":
            return True
    return False


def _lang(phrase: _Phrase, toks: list[_Tok]) -> str:
    if phrase.script != "digits":
        return "en" if phrase.latin else "ar"
    for k in (phrase.j, phrase.i - 1, phrase.j + 1, phrase.i - 2):
        if 0 <= k < len(toks) and not toks[k].digits:
            return "en" if toks[k].text.isascii() else "ar"
    return "ar"


def find_numbers(text: str, *, normalized: Normalized | None = None) -> list[NumberMatch]:
    """Every number phrase of ``text``, in order and non-overlapping. Never raises.

    ``normalized`` may pass ``core.normalize.normalize(text)`` when the caller already has it.
    """
    try:
        return _find(text, normalized)
    except Exception:  # noqa: BLE001 - a bad input must never sink an article
        log.debug("find_numbers failed on %r", text[:80], exc_info=True)
        return []


def _find(text: str, normalized: Normalized | None) -> list[NumberMatch]:
    if not isinstance(text, str) or not text:
        return []
    n = normalized if normalized is not None and normalized.original == text else normalize(text)
    nt = n.text
    lex = _lex()
    toks = _tokens(nt)
    phrases: list[_Phrase] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not tok.digits:
            w = _lookup(lex, tok)
            if w is None or (w.entry.kind == "ten" and _ordinal_blocks(lex, toks, i, nt)):
                i += 1
                continue
        p = _parse_at(lex, toks, i, nt)
        if p is None:
            i += 1
            continue
        phrases.append(p)
        i = p.j
    starts = {p.i for p in phrases}
    out: list[NumberMatch] = []
    prev_end = 0
    for idx, p in enumerate(phrases):
        q = _qualifier_before(lex, toks, p.i, prev_end, nt)
        if q is None and p.value is not None:
            stop = phrases[idx + 1].i if idx + 1 < len(phrases) else len(toks)
            q = _qualifier_after(lex, toks, p.j, stop, nt, starts)
        prev_end = p.j
        s, e = n.orig_span(p.a, p.b)
        qspan = n.orig_span(q[1], q[2]) if q else None
        out.append(
            NumberMatch(
                start=s,
                end=e,
                text=text[s:e],
                value=p.value,
                low=p.low,
                high=p.high,
                vague=p.value is None,
                qualifier=q[0] if q else None,
                qualifier_span=qspan,
                script=p.script,
                lang=_lang(p, toks),
            )
        )
    return out


def parse_number(phrase: str) -> int | None:
    """The exact value of a whole phrase that is one number, else None (vague words give None).

    >>> parse_number("٢٥ ألف"), parse_number("ثلاثة الاف"), parse_number("twenty-one"), parse_number("أحد")
    (25000, 3000, 21, None)
    """
    try:
        ms = find_numbers(phrase)
        if len(ms) != 1:
            return None
        m = ms[0]
        if phrase[: m.start].strip() or phrase[m.end :].strip(" \t\n.،,"):
            return None
        return m.value
    except Exception:  # noqa: BLE001
        return None
