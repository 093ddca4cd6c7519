"""Number phrases in Arabic and English news text: digits, number words, vague quantities, qualifiers.

`find_numbers(text)` returns every number phrase in order, with its span in the text as uploaded;
`parse_number(phrase)` reads one whole phrase. All words live in ``data/lexicon/numbers.json`` and
``data/lexicon/qualifiers.json`` (their ``_doc`` fields describe each attribute); this module holds
only the grammar. Finding nothing gives ``[]``/``None``; no input raises.

How a text is read
------------------
1. The text is normalised (`core.extraction.normalize`: one alef, ى→ي, ة→ه, Eastern Arabic and Persian digits
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
from dataclasses import dataclass

from core.extraction.normalize import Normalized, normalize
from core.extraction.number_words import (
    _MAX_GAP,
    _Lex,
    _lex,
    _lookup,
    _parse_at,
    _Phrase,
    _qualifier_bounds,
    _qualifier_last_words,
    _Tok,
    _tokens,
)

log = logging.getLogger(__name__)

_AFTER_WINDOW = 3  # words between a number and a following qualifier
_SENTENCE_END = frozenset(".!?؟؛;:\n\r")


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


# --------------------------------------------------------------------------- qualifiers


def _strip_clitic(lex: _Lex, word: str) -> list[tuple[str, int]]:
    out = [(word, 0)]
    for p, _conj, definite in lex.prefixes:
        if not definite and len(word) > len(p) + 1 and word.startswith(p):
            out.append((word[len(p) :], len(p)))
    return out


def _blank(nt: str, a: int, b: int) -> bool:
    return b - a <= _MAX_GAP and not nt[a:b].strip(" \t")




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

    ``normalized`` may pass ``core.extraction.normalize.normalize(text)`` when the caller already has it.
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
