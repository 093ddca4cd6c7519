"""Arabic text normalisation that remembers where every character came from.

Matching runs on a normalised copy of the text (no diacritics or tatweel, one alef, ى→ي, ة→ه,
Western digits, presentation forms unfolded), but every span we report must index the text as
uploaded. `normalize` therefore returns the normalised string together with ``offsets``:
``offsets[i]`` is the index in the original text of normalised character ``i`` (and
``offsets[len(norm)]`` is ``len(original)``), so ``Normalized.orig_span(a, b)`` maps a match back.

camel-tools' data-free helpers do the letter work (`camel_tools.utils.normalize`,
`camel_tools.utils.dediac`); they are applied one character at a time so that offsets stay exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
# Arabic thousands separator and decimal separator; Arabic comma and semicolon stay as they are.
_PUNCT = {"٬": ",", "٫": ".", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
# Zero-width and bidi controls, tatweel: dropped.
_DROP = set("\u0640\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


@lru_cache(maxsize=8192)
def _fold_char(ch: str, fold_teh: bool) -> str:
    """Normalised form of one original character (may be empty or several characters)."""
    if ch in _DROP:
        return ""
    if ch in _PUNCT:
        return _PUNCT[ch]
    o = ord(ch)
    if o in _DIGITS:
        return _DIGITS[o]
    # Presentation forms (PDF text) and compatibility characters unfold to letters.
    if 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        ch = unicodedata.normalize("NFKC", ch)
    else:
        ch = normalize_unicode(ch) if o > 0x7F else ch
    ch = dediac_ar(ch)
    ch = normalize_alef_ar(ch)
    ch = normalize_alef_maksura_ar(ch)
    if fold_teh:
        ch = normalize_teh_marbuta_ar(ch)
    # Arabic letters with hamza on waw/ya are kept: ؤ/ئ carry meaning in numbers (مئة).
    return ch


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Span in the original text of the normalised slice ``text[start:end]``."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1

    def orig_index(self, i: int) -> int:
        return self.offsets[i]


@lru_cache(maxsize=2)
def _tables(fold_teh: bool) -> tuple[dict[int, str | None], frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """A str.translate table for every character whose fold is 0 or 1 character, the set of
    dropped characters, and patterns finding dropped and expanding (1 → n) characters."""
    table: dict[int, str | None] = {}
    dropped: set[str] = set()
    expanding: list[str] = []
    for o in list(range(0x80, 0x2500)) + list(range(0xFB50, 0xFF00)):
        ch = chr(o)
        folded = _fold_char(ch, fold_teh)
        if folded == ch:
            continue
        if folded == "":
            table[o] = None
            dropped.add(ch)
        elif len(folded) == 1:
            table[o] = folded
        else:
            expanding.append(ch)
    drop_re = re.compile("[" + re.escape("".join(sorted(dropped))) + "]")
    expand_re = re.compile("[" + re.escape("".join(expanding)) + "]" if expanding else r"(?!x)x")
    return table, frozenset(dropped), drop_re, expand_re


def normalize(text: str, fold_teh: bool = True) -> Normalized:
    """Normalise Arabic text for matching and keep a map back to the original offsets.

    >>> n = normalize("قُتِلَ ٢٧ مدنيّاً")
    >>> n.text
    'قتل 27 مدنيا'
    >>> s, e = n.orig_span(4, 6); "قُتِلَ ٢٧ مدنيّاً"[s:e]
    '٢٧'
    """
    table, dropped, drop_re, expand_re = _tables(fold_teh)
    if not expand_re.search(text):
        # fast path: every character folds to at most one character
        norm_text = text.translate(table)
        if drop_re.search(text):
            offsets_fast = [i for i, ch in enumerate(text) if ch not in dropped]
        else:
            offsets_fast = list(range(len(text)))
        offsets_fast.append(len(text))
        return Normalized(text, norm_text, tuple(offsets_fast))
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            offsets.append(i)
            continue
        folded = _fold_char(ch, fold_teh)
        for c in folded:
            out.append(c)
            offsets.append(i)
    offsets.append(len(text))
    return Normalized(text, "".join(out), tuple(offsets))


def norm(text: str, fold_teh: bool = True) -> str:
    """Normalised text only (for lexicon surfaces and comparisons)."""
    return normalize(text, fold_teh).text
