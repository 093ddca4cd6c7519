"""The date grammar of `core.extraction.dates`: the fast normalisation with offsets, the anchor
patterns built once from the month, weekday, relative-day and ordinal lexicons, and the anchors
found in a text. What the anchors mean is decided in `date_parser`.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.extraction import lexicon
from core.extraction.normalize import Normalized, norm, normalize

log = logging.getLogger(__name__)
_YEARS = range(1900, 2101)


_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


_LATIN_LETTER = re.compile(r"[A-Za-z]")

# ---- fast normalisation with offsets -------------------------------------------------------------
class _Folding:
    """`core.extraction.normalize`'s per-character folding, applied with str.replace instead of a char loop.

    Every character's folding is learnt from `core.extraction.normalize` itself, so the result is identical:
    characters that fold to themselves are *safe*, those that fold to one other character are
    *mapped* (ى→ي, أ→ا, ٣→3), those that fold to nothing are *dropped* (diacritics, tatweel), the
    rest are *expanded* (ligatures, «…» → «...»). Characters are learnt as texts bring them."""

    _SEED = "".join(chr(c) for r in ((0x80, 0x100), (0x600, 0x700), (0x2000, 0x2070)) for c in range(*r))

    def __init__(self) -> None:
        self.safe: set[str] = set()
        self.mapped: dict[str, str] = {}
        self.dropped: set[str] = set()
        self.expanded: dict[str, str] = {}
        for ch in self._SEED:
            self._learn(ch)
        self._compile()

    def _learn(self, ch: str) -> None:
        f = normalize(ch).text
        if f == ch:
            self.safe.add(ch)
        elif len(f) == 1:
            self.mapped[ch] = f
        elif not f:
            self.dropped.add(ch)
        else:
            self.expanded[ch] = f

    def _compile(self) -> None:
        known = "".join(sorted(self.safe | set(self.mapped) | self.dropped | set(self.expanded)))
        self.unknown_re = re.compile("[^\x00-\x7f" + _char_class(known) + "]")
        # one character class, so that the regex engine skips ordinary text at full speed
        irregular = "".join(sorted(self.dropped | set(self.expanded)))
        self.irregular_re = re.compile("[" + _char_class(irregular) + "]+")
        self.pairs = sorted(self.mapped.items())

    def learn_from(self, text: str) -> bool:
        """Learn the unknown characters of ``text``; False when too many are known already."""
        new = set(self.unknown_re.findall(text))
        if len(self.safe) + len(self.mapped) + len(self.expanded) + len(new) > 50000:
            return False
        for ch in new:
            self._learn(ch)
        if new:
            self._compile()
        return not self.unknown_re.search(text)


def _char_class(chars: str) -> str:
    """A compact regex character class body for ``chars`` (sorted), with ranges."""
    out: list[str] = []
    codes = [ord(c) for c in chars]
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = chr(codes[i]), chr(codes[j])
        out.append(re.escape(a) if i == j else f"{re.escape(a)}-{re.escape(b)}")
        i = j + 1
    return "".join(out)


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    return _Folding()


class _Mapped:
    """Normalised text plus a compact map back to the original: one segment per stretch of text
    that maps one to one, starting after each dropped run; an expanded character («…» → «...»)
    is a *collapsed* segment whose characters all map to it."""

    __slots__ = ("text", "_norm_starts", "_orig_starts", "_collapsed", "_full")

    def __init__(
        self,
        text: str,
        norm_starts: list[int],
        orig_starts: list[int],
        collapsed: list[bool],
        full: Normalized | None = None,
    ):
        self.text = text
        self._norm_starts = norm_starts
        self._orig_starts = orig_starts
        self._collapsed = collapsed
        self._full = full

    def orig_index(self, i: int) -> int:
        if self._full is not None:
            return self._full.offsets[i]
        k = bisect_right(self._norm_starts, i) - 1
        if self._collapsed[k]:
            return self._orig_starts[k]
        return self._orig_starts[k] + (i - self._norm_starts[k])

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        if self._full is not None:
            return self._full.orig_span(start, end)
        if end <= start:
            o = self.orig_index(start)
            return o, o
        return self.orig_index(start), self.orig_index(end - 1) + 1


def _fold(text: str) -> _Mapped:
    f = _folding()
    if f.unknown_re.search(text) and not f.learn_from(text):
        full = normalize(text)
        return _Mapped(full.text, [], [], [], full)
    s = text
    for a, b in f.pairs:
        if a in s:
            s = s.replace(a, b)  # one character for one: positions unchanged
    norm_starts, orig_starts, collapsed = [0], [0], [False]
    parts: list[str] = []
    pos = npos = 0
    expanded = f.expanded
    for m in f.irregular_re.finditer(s):
        a, b = m.span()
        parts.append(s[pos:a])
        npos += a - pos
        for k in range(a, b):
            x = expanded.get(s[k])
            if x is not None:  # one character folding to several: all of them map to it
                norm_starts.append(npos)
                orig_starts.append(k)
                collapsed.append(True)
                parts.append(x)
                npos += len(x)
                norm_starts.append(npos)
                orig_starts.append(k + 1)
                collapsed.append(False)
        norm_starts.append(npos)
        orig_starts.append(b)
        collapsed.append(False)
        pos = b
    if pos == 0:
        return _Mapped(s, norm_starts, orig_starts, collapsed)
    parts.append(s[pos:])
    return _Mapped("".join(parts), norm_starts, orig_starts, collapsed)


def fast_normalize(text: str) -> Normalized:
    """The same result as `core.extraction.normalize.normalize(text)`, several times faster on news text."""
    m = _fold(text)
    if m._full is not None:
        return m._full
    offsets = [m.orig_index(i) for i in range(len(m.text))]
    offsets.append(len(text))
    return Normalized(text, m.text, tuple(offsets))


# ---- the grammar, built once from the lexicons ---------------------------------------------------
def _trie_regex(words: list[str]) -> str:
    """A regex matching any of ``words`` (longest first), factored as a trie so it scans fast.
    A space in a word matches any run of whitespace."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _surfaces(entry: dict[str, Any]) -> list[str]:
    return [" ".join(norm(s).split()) for s in entry["surfaces"]]


def _is_latin(s: str) -> bool:
    return not _ARABIC_LETTER.search(s)


class _LeftRole:
    """Phrases that may stand right before a date expression (ليل، منذ، عام، last): looked up word
    by word, backwards, so no regex has to scan for them. conj = a glued و/ف is allowed on the first
    word; preps = glued prepositions allowed after it (only before ال if preps_need_article);
    skip = phrases allowed between the phrase and the expression («منذ شهر أيلول»)."""

    def __init__(
        self,
        phrases: list[str],
        conj: bool = True,
        preps: str = "",
        preps_need_article: bool = False,
        skip: list[str] | None = None,
    ):
        self.phrases = {" ".join(p.lower().split()) for p in phrases}
        self.maxlen = max((len(p.split()) for p in self.phrases), default=0)
        self.conj = conj
        self.preps = preps
        self.preps_need_article = preps_need_article
        self.skip = {" ".join(p.lower().split()) for p in skip or []}
        self.skip_maxlen = max((len(p.split()) for p in self.skip), default=0)
        by_last: dict[str, set[int]] = {}
        for p in self.phrases:
            ws = p.split()
            if len(ws) > 1:
                by_last.setdefault(ws[-1], set()).add(len(ws))
        self.lengths_by_last = {k: sorted(v, reverse=True) for k, v in by_last.items()}

    def strip(self, word: str) -> list[tuple[str, int]]:
        """The first word and its variants without glued و/ف and prepositions, with the chars removed."""
        out = [(word, 0)]
        if self.conj and len(word) > 2 and word[0] in "وف":
            out.append((word[1:], 1))
        for w, n in list(out):
            if (
                self.preps
                and len(w) > 2
                and w[0] in self.preps
                and (not self.preps_need_article or w[1:3] == "ال")
            ):
                out.append((w[1:], n + 1))
        return out

    def match(self, words: list[tuple[str, int]]) -> int:
        """Start of the phrase ending at the nearest word of ``words`` (nearest first), or -1."""
        if not words:
            return -1
        offsets = [0]
        if self.skip:
            for k in range(1, min(self.skip_maxlen, len(words)) + 1):
                if " ".join(w for w, _ in reversed(words[:k])).lower() in self.skip:
                    offsets.append(k)
        for off in offsets:
            if off >= len(words):
                continue
            near = words[off][0].lower()
            for k in self.lengths_by_last.get(near, ()):
                if off + k > len(words):
                    continue
                seq = words[off : off + k]
                rest = " ".join(w for w, _ in reversed(seq[:-1])).lower()
                first, start = seq[-1]
                for w, n in self.strip(first):
                    if w.lower() + " " + rest in self.phrases:
                        return start + n
            first, start = words[off]
            for w, n in self.strip(first):
                if w.lower() in self.phrases:
                    return start + n
        return -1


@dataclass
class _Word:
    kind: str  # 'M' month | 'W' weekday | 'R' relative | 'O' ordinal day
    key: str
    entry: dict[str, Any]
    value: int  # month, weekday, offset or day
    lang: str
    not_followed_by: frozenset[str] = frozenset()
    not_preceded_by: frozenset[str] = frozenset()


class _Grammar:
    def __init__(self) -> None:
        self.words_ci: dict[str, _Word] = {}  # normalised (Latin lower-cased) surface -> word
        self.words_cs: dict[str, _Word] = {}  # case-sensitive Latin surfaces, exactly as written
        ar: list[str] = []
        en_ci: list[str] = []
        en_cs: list[str] = []
        roles: dict[str, list[str]] = {}

        def add(kind: str, key: str, entry: dict[str, Any], value: int) -> None:
            for s in _surfaces(entry):
                latin = _is_latin(s)
                w = _Word(
                    kind,
                    key,
                    entry,
                    value,
                    "en" if latin else "ar",
                    frozenset(norm(x).lower() for x in entry.get("not_followed_by", [])),
                    frozenset(norm(x).lower() for x in entry.get("not_preceded_by", [])),
                )
                if latin and entry.get("case_sensitive"):
                    self.words_cs[s] = w
                    en_cs.append(s)
                elif latin:
                    self.words_ci[s.lower()] = w
                    en_ci.append(s.lower())
                else:
                    self.words_ci[s] = w
                    ar.append(s)

        def role(entry: dict[str, Any]) -> None:
            roles.setdefault(entry["role"], []).extend(_surfaces(entry))

        for key, e in lexicon.load("months").items():
            add("M", key, e, int(e["month"])) if "month" in e else role(e)
        for key, e in lexicon.load("weekdays").items():
            add("W", key, e, int(e["weekday"])) if "weekday" in e else role(e)
        for key, e in lexicon.load("relative_days").items():
            add("R", key, e, int(e["offset"])) if "offset" in e else role(e)
        for key, e in lexicon.load("day_ordinals").items():
            add("O", key, e, int(e["day"])) if "day" in e else role(e)
        self.roles = roles

        # Arabic words: a glued و/ف (and ب/ل/ك before ال) may precede; Latin words are matched
        # in the lower-cased text (much faster than IGNORECASE), their case is checked afterwards.
        self.arabic_re = re.compile(
            r"(?<!\w)(?P<pre>[وف]?(?:[بلك](?=ال))?)(?P<w>" + _trie_regex(ar) + r")(?!\w)"
        )
        self.latin_re = re.compile(
            r"(?P<w>" + _trie_regex(sorted({*en_ci, *(w.lower() for w in en_cs)})) + r")(?!\w)(?P<dot>\.)?"
        )

        def alt(*names: str) -> str:
            ws = sorted({w for n in names for w in roles.get(n, [])}, key=len, reverse=True)
            return (
                "(?:" + "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ws) + ")"
                if ws
                else "(?!)"
            )

        ci = re.IGNORECASE
        # words before an expression: matched word by word, backwards from where it starts
        skip = [*roles.get("month_word", []), "the"]
        self.time_before = _LeftRole(roles.get("time_before", []))
        self.past_before = _LeftRole(roles.get("past_before", []), conj=False)
        self.next_before = _LeftRole(roles.get("next_before", []), conj=False)
        self.period_before = _LeftRole(roles.get("period_part", []), preps="بل")
        self.season_before = _LeftRole(roles.get("season", []), preps="بل")
        self.year_word_before = _LeftRole(roles.get("year_word", []), preps="بل", preps_need_article=True)
        self.year_ctx_before = _LeftRole(roles.get("year_context", []))
        self.month_word_before = _LeftRole(roles.get("month_word", []), preps="بل")
        self.since_before = _LeftRole(roles.get("since", []), skip=skip)
        self.range_open_before = _LeftRole(roles.get("range_open", []), skip=skip)
        self.day_list_before = _LeftRole(roles.get("day_list_open", []))
        self.the_before = _LeftRole(["ال", "the"])
        self.period_words_en = _LeftRole(["in", "during", "throughout"], conj=False)
        self.context_before: dict[str, _LeftRole] = {}
        self.not_after = {w for w in roles.get("not_after", [])}
        # words after an expression
        self.past_after = re.compile(r"\s+" + alt("past_after") + r"(?!\w)")
        self.next_after = re.compile(r"\s+" + alt("next_after") + r"(?!\w)")
        self.current_after = re.compile(r"\s+" + alt("current_after") + r"(?!\w)")
        self.time_after = re.compile(r"\s+" + alt("time_after") + r"(?!\w)", ci)
        self.word_after = re.compile(r"\s*(\w+)")
        # gaps between a day and its month («5 من شهر حزيران», "5th of June") and a month and its
        # year («آب الجاري من العام 2017», "August, 2017")
        self.day_month_gap = re.compile(r"\s*(?:(?:من|of|the)\s+)?(?:" + alt("month_word") + r"\s+)?", ci)
        self.year_gap = re.compile(r"\s*[,،]?\s*(?:(?:من|of)\s+)?(?:" + alt("year_word") + r"\s+)?", ci)
        self.range_close_gap = re.compile(
            r"\s*[,،]?\s*[وف]?" + alt("range_close") + r"\s*(?:(?:ال|the)\s*)?", ci
        )


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    return _Grammar()


def clear_caches() -> None:
    """Forget the compiled grammar (after a lexicon file changed; tests)."""
    _grammar.cache_clear()


# gaps between anchors, matched in full on the normalised text (more in _Grammar, built from data)
_MONTH_DAY_GAP = re.compile(r"\.?\s*(?:the\s+)?", re.IGNORECASE)
_DOUBLE_GAP = re.compile(r"\s*(?:[/\\|(\-–—]\s*)?")
_PAREN_GAP = re.compile(r"\s*[/\\|\-–—،,]\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")
_MONTH_YEAR_GAP_EN = re.compile(r"\s*,?\s*(?:of\s+)?", re.IGNORECASE)
_PAIR_GAP = re.compile(r"\s*(?:[-–—/]\s*)?")
_AND_GAP = re.compile(r"\s*(?:و|،|,|and)\s*", re.IGNORECASE)
_MERGE_GAP = re.compile(r"\s*[,،]?\s*")
_REL_WEEKDAY_GAP = re.compile(r"\s*[(\[«\"]?\s*")
_CLOSE_BRACKET = re.compile(r"\s*[)\]»\"]")
_TRAILING_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]*")
_REV_WORD = re.compile(r"[\s\-–—]*(\w+)")  # one word before a position, read in the reversed text


# ---- anchors and hits ----------------------------------------------------------------------------
class _A:
    """An anchor: one month/weekday/relative/ordinal word, number or numeric date."""

    __slots__ = ("kind", "s", "e", "value", "word", "suffix", "raw")

    def __init__(
        self,
        kind: str,
        s: int,
        e: int,
        value: Any,
        word: _Word | None = None,
        suffix: str = "",
        raw: str = "",
    ):
        self.kind = kind  # 'M' 'W' 'R' 'O' 'N' 'D'
        self.s = s
        self.e = e
        self.value = value
        self.word = word
        self.suffix = suffix
        self.raw = raw


@dataclass
class _Hit:
    s: int
    e: int
    kind: str
    date: str | None
    precision: str | None
    lang: str
    next: int  # index of the first anchor not consumed
    since: bool = False
    range_start: bool = False
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_stated: bool = False  # the year is written, not inferred from the publication date


# Digits: the pattern starts with a digit so that the regex engine can skip to digits quickly;
# the left boundary (no letter, digit or separator before, except a glued و/ف or ال) is checked
# in Python. A numeric date is three groups with one separator: 2017-08-22, 22/8/2017, 27.05.2017.
_DIGITS_RE = re.compile(
    r"(?P<num>[0-9]{1,4})(?:(?P<sep>[-/.])(?P<d2>[0-9]{1,2})(?P=sep)(?P<d3>[0-9]{1,4})(?![\w/]|[-.][0-9]))?"
    r"(?P<suf>st|nd|rd|th|م)?(?![\w/:]|[.,][0-9])"
)
_NO_NUMBER_BEFORE = frozenset(".,/:")


def _digits_left_ok(t: str, s: int, date: bool) -> bool:
    if s == 0:
        return True
    c = t[s - 1]
    if c.isalnum() or c == "_":
        return c in "وف" or t[s - 2 : s] == "ال"
    return c not in _NO_NUMBER_BEFORE and not (date and c == "-")


def _anchors(g: _Grammar, t: str) -> list[_A]:
    out: list[_A] = []
    for m in _DIGITS_RE.finditer(t):
        s = m.start()
        nd = m.group("d3") is not None
        if not _digits_left_ok(t, s, nd):
            continue
        if nd:
            raw = t[s : m.end("d3")]
            out.append(_A("D", s, m.end("d3"), raw, raw=raw))
        else:
            suffix = m.group("suf") or ""
            out.append(_A("N", s, m.end(), int(m.group("num")), suffix=suffix.lower(), raw=m.group("num")))
    n_digits = len(out)
    if _ARABIC_LETTER.search(t):
        for m in g.arabic_re.finditer(t):
            key = " ".join(m.group("w").split())
            w = g.words_ci.get(key)
            if w is not None:
                out.append(_A(w.kind, m.start("w"), m.end("w"), w.value, w, raw=key))
    if _LATIN_LETTER.search(t):
        low = t.lower()
        if len(low) != len(t):  # a rare letter whose lower case is longer: keep positions exact
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in t)
        for m in g.latin_re.finditer(low):
            s, e = m.span("w")
            if s and (t[s - 1].isalnum() or t[s - 1] in "_."):
                continue
            key = " ".join(t[s:e].split())
            w = g.words_cs.get(key) or g.words_ci.get(key.lower())
            if w is None:
                continue
            if m.group("dot") and w.kind == "M" and w.entry.get("case_sensitive"):
                e = m.end()  # "Aug." keeps its full stop
            out.append(_A(w.kind, s, e, w.value, w, raw=key))
    if 0 < n_digits < len(out) or len(out) > n_digits + 1:
        out.sort(key=lambda a: a.s)
    return out
