"""Dates in Arabic and English news text, resolved against the publication date.

    >>> import datetime as dt
    >>> [(m.text, m.date, m.kind) for m in find_dates("قتل 27 مدنيا أمس الاثنين", dt.date(2017, 8, 22))]
    [('أمس الاثنين', '2017-08-21', 'relative')]
    >>> [(m.text, m.date) for m in find_dates("منذ الخامس من حزيران/يونيو 2017", None)]
    [('الخامس من حزيران/يونيو 2017', '2017-06-05')]
    >>> find_dates("since 5 June", dt.date(2017, 8, 22))[0].since
    True

What is read (each form has a test in ``tests/core/test_dates.py``):

- **Weekdays** «الأحد», «يوم الأحد», «ليل الإثنين», «صباح الأحد», "on Tuesday", "Monday night": the most
  recent such day on or before publication (wire reports say "on Tuesday" for today).
  «الخميس الماضي/الفائت», "last Thursday": strictly before publication. «ليل الثلاثاء – الأربعاء»
  (the night of Tuesday to Wednesday) is dated to the evening it starts.
- **Relative days** «اليوم», «أمس», «أول (من) أمس», «البارحة», «مساء أمس», «فجر اليوم الثلاثاء»,
  «أمس الاثنين» (the relative word wins; a weekday that disagrees is logged), "yesterday"; relative
  months and years («الشهر الماضي», «العام الحالي», "last year").
- **Absolute dates** «22 آب 2017», «4 أكتوبر/تشرين الأول 2017», «الـ 5 من حزيران / يونيو الفائت من العام
  2017», «الخامس من حزيران», "2017-08-22", "22/8/2017", "August 22, 2017", "22 August 2017", "Aug. 22".
  A weekday or relative word right before one («الأربعاء 4 أكتوبر», «اليوم الـ 28 من آب») is one match.
- **Months** «خلال سبتمبر», «في شهر أيلول/سبتمبر», "in September": YYYY-MM; **years** «عام 2017»,
  "in 2014", «صيف 2012»: YYYY. A missing year is the latest such month on or before publication
  (after «الماضي» strictly before the publication month, after «المقبل» the next one, after «الجاري»
  the publication year); with no publication date and no year the date is None.
- ``since`` is set after منذ / since / starting from; ``range_start`` on the first of two dates
  joined as «بين X و Y», «من X إلى Y», "between X and Y", "from X to Y" (a bare day borrows the month
  of the second: "between 27 and 30 August", «يومي 12 و13 آب»; a first month without a year takes the
  year written on the second). «قبل يومين», "two days ago" count back from publication.

Not read (known limits): Hijri dates; weeks («الأسبوع الماضي»); «منذ ثلاثة أيام» (period or 'ago');
named events («ثورة 25 يناير» resolves like any 25 January); without a publication date a year
written elsewhere in the article is not borrowed; «بعد منتصف ليل الأربعاء الخميس» is dated to Wednesday.

All word lists are data: ``data/lexicon/months.json``, ``weekdays.json``, ``relative_days.json`` and
``day_ordinals.json`` (fields documented in their ``_doc``). Matching runs on the normalised text of
`core.normalize` (computed here with str.replace, identical result, or passed in as ``normalized``)
and every span indexes the original text. `find_dates` never raises on any text; a broken lexicon
file raises `core.lexicon.LexiconError`.

How it works: three regular expressions find *anchors* in the normalised text (digit groups and
numeric dates; Arabic month, weekday, relative and ordinal words, as a trie; the same for Latin
words, in the lower-cased text). A small parser joins neighbouring anchors by the text between
them (double month forms, day + month + year, weekday + date) and looks at the few words around
them (ليل، الماضي، منذ، شهر، عام), reading the words before an anchor backwards in a reversed copy
of the text, so no regex scans for them. A 3 KB article takes a few tenths of a millisecond.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core import lexicon
from core.normalize import Normalized, norm, normalize

log = logging.getLogger(__name__)

KINDS = ("weekday", "relative", "absolute", "month", "year")
PRECISIONS = ("day", "month", "year")
_YEARS = range(1900, 2101)
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class DateMatch:
    """One date expression: its span in the original text and its resolved value."""

    start: int
    end: int  # span in ORIGINAL text of the whole date expression
    text: str
    date: str | None  # 'YYYY-MM-DD' | 'YYYY-MM' | 'YYYY' | None when it cannot be resolved
    precision: str | None  # 'day' | 'month' | 'year' | None
    kind: str  # 'weekday' | 'relative' | 'absolute' | 'month' | 'year'
    since: bool  # preceded by منذ / since / starting from
    range_start: bool  # first element of "between X and Y" / "من X إلى Y" / "from X to Y"
    lang: str


# ---- public helpers -----------------------------------------------------------------------------
def resolve_weekday(weekday: int, published: dt.date, strictly_before: bool = False) -> dt.date:
    """The most recent ``weekday`` (Monday = 0) on or before ``published`` (strictly before if asked).

    >>> resolve_weekday(1, dt.date(2017, 8, 22))  # "on Tuesday" in a Tuesday report
    datetime.date(2017, 8, 22)
    >>> resolve_weekday(1, dt.date(2017, 8, 22), strictly_before=True)
    datetime.date(2017, 8, 15)
    """
    delta = (published.weekday() - weekday) % 7
    if strictly_before and delta == 0:
        delta = 7
    return published - dt.timedelta(days=delta)


_ISO_RE = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*"
)


def parse_iso(value: str | None) -> dt.date | None:
    """'YYYY-MM-DD' (optionally followed by 'THH:MM...') as a date; None when missing or invalid.

    >>> parse_iso("2017-08-22T10:30"), parse_iso("2017-02-30"), parse_iso(None)
    (datetime.date(2017, 8, 22), None, None)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _ISO_RE.fullmatch(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# ---- fast normalisation with offsets -------------------------------------------------------------
class _Folding:
    """`core.normalize`'s per-character folding, applied with str.replace instead of a char loop.

    Every character's folding is learnt from `core.normalize` itself, so the result is identical:
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
    """The same result as `core.normalize.normalize(text)`, several times faster on news text."""
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


class _Parser:
    def __init__(self, g: _Grammar, t: str, published: dt.date | None):
        self.g = g
        self.t = t
        self.pub = published
        self.a = _anchors(g, t)
        self.n = len(self.a)
        self.floor = 0  # no hit may start before the end of the previous one
        self.rt = t[::-1]  # reversed text: the words before a position are matched forwards in it
        self._left: dict[int, list[tuple[str, int]]] = {}

    # -- small helpers
    def gap(self, e: int, k: int) -> str:
        return self.t[e : self.a[k].s]

    def left_words(self, pos: int) -> list[tuple[str, int]]:
        """Up to five words before ``pos``, nearest first, as (word, start); stops at punctuation."""
        words = self._left.get(pos)
        if words is None:
            words = []
            rt, n = self.rt, len(self.t)
            rp = n - pos
            for _ in range(5):
                m = _REV_WORD.match(rt, rp)
                if m is None:
                    break
                words.append((m.group(1)[::-1], n - m.end(1)))
                rp = m.end()
            self._left[pos] = words
        if words and words[-1][1] < self.floor:
            words = [w for w in words if w[1] >= self.floor]
        return words

    def before(self, role: _LeftRole, pos: int) -> int:
        """Start of a phrase of ``role`` ending right before ``pos`` (or -1)."""
        return role.match(self.left_words(pos))

    def extend_left(self, role: _LeftRole, pos: int, repeat: int = 3) -> int:
        for _ in range(repeat):
            p = self.before(role, pos)
            if p < 0 or p == pos:
                break
            pos = p
        return pos

    def word_before(self, pos: int) -> str:
        words = self.left_words(pos)
        return words[0][0] if words else ""

    def word_after(self, pos: int) -> str:
        m = self.g.word_after.match(self.t, pos)
        return m.group(1) if m else ""

    def is_year(self, k: int) -> bool:
        a = self.a[k]
        return a.kind == "N" and len(a.raw) == 4 and a.value in _YEARS and a.suffix in ("", "م")

    def is_day(self, k: int) -> bool:
        a = self.a[k]
        if a.kind == "O":
            return True
        return a.kind == "N" and 1 <= a.value <= 31 and len(a.raw) <= 2 and a.suffix != "م"

    # -- resolution
    def infer_year(self, month: int, qualifier: str | None) -> int | None:
        if self.pub is None:
            return None
        y, pm = self.pub.year, self.pub.month
        if qualifier == "past":
            return y if month < pm else y - 1
        if qualifier == "next":
            return y if month > pm else y + 1
        if qualifier == "current":
            return y
        return y if month <= pm else y - 1

    def weekday_date(self, wd: int, qualifier: str | None) -> dt.date | None:
        if self.pub is None:
            return None
        if qualifier == "next":
            return self.pub + dt.timedelta(days=(wd - self.pub.weekday()) % 7 or 7)
        return resolve_weekday(wd, self.pub, strictly_before=qualifier == "past")

    # -- month tail: double forms, qualifier, year
    def month_tail(self, j: int) -> tuple[int, int | None, str | None, int, int, bool, bool]:
        """(month, year, qualifier, end, next anchor, double form seen, year seen) from month anchor j."""
        t = self.t
        m = self.a[j]
        month = m.value
        end = m.e
        k = j + 1
        paren = False
        double = False
        while k < self.n and self.a[k].kind == "M" and self.a[k].value == month:
            gap = self.gap(end, k)
            if (_PAREN_GAP if paren else _DOUBLE_GAP).fullmatch(gap):
                paren = paren or "(" in gap
                double = True
                end = self.a[k].e
                k += 1
            else:
                break
        if paren:
            pm = _PAREN_CLOSE.match(t, end)
            if pm:
                end = pm.end()
        qualifier = None
        for name, rx in (
            ("past", self.g.past_after),
            ("next", self.g.next_after),
            ("current", self.g.current_after),
        ):
            qm = rx.match(t, end)
            if qm:
                qualifier, end = name, qm.end()
                break
        year = None
        if k < self.n and self.is_year(k):
            gap = self.gap(end, k)
            if self.g.year_gap.fullmatch(gap) or _MONTH_YEAR_GAP_EN.fullmatch(gap):
                year = self.a[k].value
                end = self.a[k].e
                k += 1
        return month, year, qualifier, end, k, double, year is not None

    def month_context_ok(self, j: int, start: int) -> bool:
        """A needs_context month (آب, May) alone: only after شهر or a listed word."""
        w = self.a[j].word
        assert w is not None
        if not w.entry.get("needs_context"):
            return True
        if self.before(self.g.month_word_before, start) >= 0:
            return True
        ctx = w.entry.get("context_before")
        if ctx:
            role = self.g.context_before.get(w.key)
            if role is None:
                role = self.g.context_before[w.key] = _LeftRole(ctx, conj=False)
            if self.before(role, start) >= 0:
                return True
        return False

    def lang_of(self, *ks: int) -> str:
        for k in ks:
            w = self.a[k].word
            if w is not None:
                return w.lang
        return ""

    # -- rules
    def absolute(self, i: int) -> _Hit | None:
        """A day-precise date starting at anchor i (numeric, day + month, English month + day)."""
        a = self.a[i]
        if a.kind == "D":
            return self.numeric(i)
        if self.is_day(i) and i + 1 < self.n and self.a[i + 1].kind == "M":
            return self.day_month(i)
        if a.kind == "M" and a.word is not None and a.word.lang == "en":
            return self.month_day(i)
        return None

    def numeric(self, i: int) -> _Hit | None:
        a = self.a[i]
        parts = re.split(r"[-/.]", a.raw)
        nums = [int(p) for p in parts]
        if len(parts[0]) == 4:
            y, mo, d = nums
        elif len(parts[2]) == 4:
            d, mo, y = nums
            if mo > 12 and d <= 12:
                d, mo = mo, d
        else:
            return None
        if y not in _YEARS:
            return None
        try:
            date = dt.date(y, mo, d)
        except ValueError:
            return None
        return _Hit(
            a.s,
            a.e,
            "absolute",
            date.isoformat(),
            "day",
            "",
            i + 1,
            year=y,
            month=mo,
            day=d,
            year_stated=True,
        )

    def day_month(self, i: int) -> _Hit | None:
        a = self.a[i]
        j = i + 1
        if not self.g.day_month_gap.fullmatch(self.gap(a.e, j)):
            return None
        if a.kind == "O" and self.word_before(a.s) in self.g.not_after:
            return None
        if a.kind == "N" and a.suffix and self.a[j].word and self.a[j].word.lang == "ar":
            return None
        month, year, qualifier, end, k, _, _ = self.month_tail(j)
        day = a.value
        if day > calendar.monthrange(year or 2000, month)[1]:
            return None
        s = a.s
        p = self.before(self.g.the_before, s)
        if p >= 0:
            s = p
        y = year if year is not None else self.infer_year(month, qualifier)
        date = dt.date(y, month, day).isoformat() if y is not None else None
        return _Hit(
            s,
            end,
            "absolute",
            date,
            "day" if date else None,
            self.lang_of(j),
            k,
            year=y,
            month=month,
            day=day,
            year_stated=year is not None,
        )

    def month_day(self, i: int) -> _Hit | None:
        j = i + 1
        if j >= self.n or self.a[j].kind != "N" or not self.is_day(j) or self.a[j].suffix == "م":
            return None
        if not _MONTH_DAY_GAP.fullmatch(self.gap(self.a[i].e, j)):
            return None
        month, day, end, k = self.a[i].value, self.a[j].value, self.a[j].e, j + 1
        year = None
        if k < self.n and self.is_year(k) and _MONTH_YEAR_GAP_EN.fullmatch(self.gap(end, k)):
            year, end, k = self.a[k].value, self.a[k].e, k + 1
        if year is None and not self.a[j].suffix:
            # "In August 22 people were killed": a bare number after "in August" is a count
            nxt = self.t[end : end + 2]
            closed = (
                not nxt
                or not nxt.strip()
                and not re.match(r"\s+[A-Za-z]", self.t[end : end + 3])
                or nxt[0] in ",.;:)"
            )
            if self.before(self.g.period_words_en, self.a[i].s) >= 0 and not closed:
                return None
        if day > calendar.monthrange(year or 2000, month)[1]:
            return None
        y = year if year is not None else self.infer_year(month, None)
        date = dt.date(y, month, day).isoformat() if y is not None else None
        return _Hit(
            self.a[i].s,
            end,
            "absolute",
            date,
            "day" if date else None,
            "en",
            k,
            year=y,
            month=month,
            day=day,
            year_stated=year is not None,
        )

    def month_alone(self, i: int) -> _Hit | None:
        a = self.a[i]
        month, year, qualifier, end, k, double, _ = self.month_tail(i)
        s = a.s
        p = self.before(self.g.period_before, s)
        if p >= 0:
            s = p
        if year is None and not double and qualifier is None and not self.month_context_ok(i, a.s):
            return None
        if year is None and qualifier is None:
            prev = self.before(self.g.past_before, s)
            if prev >= 0:
                qualifier, s = "past", prev
            else:
                nxt = self.before(self.g.next_before, s)
                if nxt >= 0:
                    qualifier, s = "next", nxt
        y = year if year is not None else self.infer_year(month, qualifier)
        date = f"{y:04d}-{month:02d}" if y is not None else None
        return _Hit(
            s,
            end,
            "month",
            date,
            "month" if date else None,
            self.lang_of(i),
            k,
            year=y,
            month=month,
            year_stated=year is not None,
        )

    def year(self, i: int) -> _Hit | None:
        a = self.a[i]
        s = a.s
        p = self.before(self.g.year_word_before, s)
        in_span = p >= 0
        if in_span:
            s = p
        for rx in (self.g.period_before, self.g.season_before):
            p = self.before(rx, s)
            if p >= 0:
                s, in_span = p, True
                break
        if not in_span:
            if self.before(self.g.year_ctx_before, s) < 0 and self.before(self.g.since_before, s) < 0:
                return None
            # "resulted in 2000 deaths": a round number followed by a word is a count
            if a.value % 100 == 0 and re.match(r"\s*[^\W\d_]", self.t[a.e : a.e + 3]):
                return None
        lang = (
            "en"
            if _LATIN_LETTER.search(self.t[s : a.s])
            else ("ar" if _ARABIC_LETTER.search(self.t[s : a.s]) else "")
        )
        return _Hit(s, a.e, "year", str(a.value), "year", lang, i + 1, year=a.value, year_stated=True)

    def weekday(self, i: int) -> _Hit | None:
        a = self.a[i]
        w = a.word
        assert w is not None
        if w.not_followed_by and self.word_after(a.e) in w.not_followed_by:
            return None
        s = self.extend_left(self.g.time_before, a.s)
        qualifier = None
        p = self.before(self.g.past_before, s)
        if p >= 0:
            qualifier, s = "past", p
        else:
            p = self.before(self.g.next_before, s)
            if p >= 0:
                qualifier, s = "next", p
        s = self.extend_left(self.g.time_before, s)
        end, k, wd, first = a.e, i + 1, a.value, None
        if (
            k < self.n
            and self.a[k].kind == "W"
            and self.a[k].value == (wd + 1) % 7
            and _PAIR_GAP.fullmatch(self.gap(end, k))
        ):
            first, wd, end, k = a.value, self.a[k].value, self.a[k].e, k + 1  # «ليل الثلاثاء – الأربعاء»
        for name, rx in (
            ("past", self.g.past_after),
            ("next", self.g.next_after),
            ("current", self.g.current_after),
        ):
            qm = rx.match(self.t, end)
            if qm:
                qualifier, end = (name if name != "current" else qualifier), qm.end()
                break
        tm = self.g.time_after.match(self.t, end)
        if tm:
            end = tm.end()
        # a date right after: «الأربعاء 4 أكتوبر/تشرين الأول 2017», "Tuesday, August 22"
        if k < self.n and first is None:
            h = self.absolute(k)
            if h is not None and _MERGE_GAP.fullmatch(self.t[end : h.s]):
                self.check_weekday(h, a.value, a)
                h.s, h.lang = s, h.lang or w.lang
                return h
        # a night from one day to the next is dated to the evening it starts
        d = self.weekday_date(first if first is not None else wd, qualifier)
        date = d.isoformat() if d else None
        return _Hit(s, end, "weekday", date, "day" if date else None, w.lang, k)

    def check_weekday(self, h: _Hit, wd: int, a: _A) -> None:
        if h.date and len(h.date) == 10:
            d = dt.date.fromisoformat(h.date)
            if d.weekday() != wd:
                log.debug("weekday %r disagrees with date %s", a.raw, h.date)

    def relative(self, i: int) -> _Hit | None:
        a = self.a[i]
        w = a.word
        assert w is not None
        e = w.entry
        if w.lang == "en" and a.raw[:1].isupper():
            before = self.t[max(0, a.s - 3) : a.s].rstrip()
            if before and (before[-1].isalnum() or before[-1] in ",;"):
                return None  # 'Ariha Today', 'Russia Today': a name
        s = self.extend_left(self.g.time_before, a.s)
        k, end = i + 1, a.e
        wd = None
        # «أمس الاثنين», «اليوم (الخميس)», "yesterday (Monday)"
        if k < self.n and self.a[k].kind == "W" and e.get("unit", "day") == "day":
            gap = self.gap(end, k)
            if _REL_WEEKDAY_GAP.fullmatch(gap):
                wa = self.a[k]
                nf = wa.word.not_followed_by if wa.word else frozenset()
                if not (nf and self.word_after(wa.e) in nf):
                    wd, end, k = wa.value, wa.e, k + 1
                    if gap.strip():
                        cm = _CLOSE_BRACKET.match(self.t, end)
                        if cm:
                            end = cm.end()
        # «اليوم الـ 28 من آب», «أمس الثلاثاء 22 آب»
        if k < self.n and e.get("unit", "day") == "day":
            h = self.absolute(k)
            if h is not None and _MERGE_GAP.fullmatch(self.t[end : h.s]):
                if wd is not None:
                    self.check_weekday(h, wd, a)
                h.s, h.lang = s, h.lang or w.lang
                return h
        if wd is None:
            if w.not_followed_by and self.word_after(end).lower() in w.not_followed_by:
                return None
            if w.not_preceded_by and self.word_before(s).lower() in w.not_preceded_by:
                return None
            if e.get("needs_context") and s == a.s:
                return None
        date, precision = None, None
        if self.pub is not None:
            unit = e.get("unit", "day")
            if unit == "day":
                d = self.pub + dt.timedelta(days=a.value)
                if wd is not None and d.weekday() != wd:
                    log.debug("relative %r names weekday %d, but the date is %s", a.raw, wd, d)
                date, precision = d.isoformat(), "day"
            elif unit == "month":
                mi = self.pub.year * 12 + self.pub.month - 1 + a.value
                date, precision = f"{mi // 12:04d}-{mi % 12 + 1:02d}", "month"
            elif unit == "year":
                date, precision = f"{self.pub.year + a.value:04d}", "year"
        return _Hit(s, end, "relative", date, precision, w.lang, k)

    def part_of_month(self, i: int) -> _Hit | None:
        """«الأسبوع الأول من حزيران»: the month, with the phrase before it in the span."""
        a = self.a[i]
        words = self.left_words(a.s)
        if not words or words[0][0] not in self.g.not_after or i + 1 >= self.n or self.a[i + 1].kind != "M":
            return None
        if not self.g.day_month_gap.fullmatch(self.gap(a.e, i + 1)):
            return None
        h = self.month_alone(i + 1)
        if h is not None:
            h.s = words[0][1]
        return h

    def borrowed_day(self, i: int) -> list[_Hit] | None:
        """«بين 27 و30 آب», "between 27 and 30 August", «يومي 12 و13 آب»: the bare first day
        borrows the month (and is a range start after بين / من / between / from)."""
        a = self.a[i]
        if not self.is_day(i) or a.kind != "N" or i + 1 >= self.n:
            return None
        h2 = self.absolute(i + 1)
        if h2 is None or h2.day is None or h2.month is None:
            return None
        if not self.g.range_close_gap.fullmatch(self.t[a.e : h2.s]):
            return None
        s = a.s
        p = self.before(self.g.the_before, s)
        if p >= 0:
            s = p
        is_range = self.before(self.g.range_open_before, s) >= 0
        if not is_range and not (
            _AND_GAP.fullmatch(self.t[a.e : h2.s]) and self.before(self.g.day_list_before, s) >= 0
        ):
            return None  # «في 10 و11 نيسان» is a list of two days; «قتل 10 و11 جريحا» is not a date
        if a.value > calendar.monthrange(h2.year or 2000, h2.month)[1]:
            return None
        date = dt.date(h2.year, h2.month, a.value).isoformat() if h2.year is not None else None
        h1 = _Hit(
            s,
            a.e,
            "absolute",
            date,
            "day" if date else None,
            h2.lang,
            i + 1,
            range_start=is_range,
            year=h2.year,
            month=h2.month,
            day=a.value,
            year_stated=h2.year_stated,
        )
        return [h1, h2]

    def run(self) -> list[_Hit]:
        hits: list[_Hit] = []
        i = 0
        while i < self.n:
            a = self.a[i]
            hs: list[_Hit] | None = None
            try:
                h = None
                if a.s < self.floor:
                    h = None
                elif a.kind in ("D", "N", "O"):
                    h = self.absolute(i)
                    if h is None and a.kind == "O":
                        h = self.part_of_month(i)
                    if h is None and a.kind == "N":
                        if self.is_year(i):
                            h = self.year(i)
                        else:
                            hs = self.borrowed_day(i)
                elif a.kind == "M":
                    h = self.absolute(i) or self.month_alone(i)
                elif a.kind == "W":
                    h = self.weekday(i)
                elif a.kind == "R":
                    h = self.relative(i)
                if h is not None:
                    hs = [h]
            except (ValueError, OverflowError, TypeError, IndexError, AssertionError) as err:
                log.debug("skipping date candidate %r: %s", a.raw, err)
                hs = None
            if hs:
                for h in hs:
                    if h.s < self.floor:
                        h.s = self.a[i].s
                    hits.append(h)
                    self.floor = h.e
                i = max(hs[-1].next, i + 1)
            else:
                i += 1
        self.mark_since_and_ranges(hits)
        return hits

    @staticmethod
    def share_year(h: _Hit, nxt: _Hit) -> None:
        """«بين آب/أغسطس وتشرين الأول/أكتوبر 2015»: the first date takes the year written on the second."""
        if h.year_stated or not nxt.year_stated or h.month is None or nxt.month is None or nxt.year is None:
            return
        y = nxt.year - (1 if (h.month, h.day or 0) > (nxt.month, nxt.day or 32) else 0)
        h.year, h.year_stated = y, True
        if h.precision == "month" or h.kind == "month":
            h.date, h.precision = f"{y:04d}-{h.month:02d}", "month"
        elif h.day is not None and h.day <= calendar.monthrange(y, h.month)[1]:
            h.date, h.precision = dt.date(y, h.month, h.day).isoformat(), "day"

    def mark_since_and_ranges(self, hits: list[_Hit]) -> None:
        g = self.g
        prev_end = 0
        for n, h in enumerate(hits):
            self.floor = prev_end
            if self.before(g.since_before, h.s) >= 0:
                h.since = True
            if not h.range_start and n + 1 < len(hits):
                nxt = hits[n + 1]
                gap = self.t[h.e : nxt.s]
                if g.range_close_gap.fullmatch(gap) and (
                    self.before(g.range_open_before, h.s) >= 0
                    or (gap.strip() in "-–—" and h.precision == nxt.precision == "day")
                ):
                    h.range_start = True
                    self.share_year(h, nxt)
            prev_end = h.e


# ---- entry point ---------------------------------------------------------------------------------
def as_date(value: Any) -> dt.date | None:
    """A day from a date, datetime, pandas Timestamp or ISO string; None for anything else
    (None, NaN, NaT, text that is not a date)."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)  # ISO strings, numpy.datetime64
    return parse_iso(text[:10]) if len(text) >= 10 and text[4:5] == "-" else None


def find_dates(
    text: str, published: dt.date | None, *, normalized: Normalized | None = None
) -> list[DateMatch]:
    """Every date expression in ``text``, in text order, non-overlapping. Never raises.

    ``published`` resolves weekdays, relative words and missing years; without it they are
    still reported, with ``date`` None. ``normalized`` may pass `core.normalize.normalize(text)`
    when the caller already has it.
    """
    try:
        if not isinstance(text, str) or not text:
            return []
        nt: Normalized | _Mapped = (
            normalized if normalized is not None and normalized.original == text else _fold(text)
        )
        hits = _Parser(_grammar(), nt.text, as_date(published)).run()
        out: list[DateMatch] = []
        for h in hits:
            s, e = nt.orig_span(h.s, h.e)
            e = _TRAILING_MARKS.match(text, e).end()  # «أمسِ»: the last letter's diacritics belong to it
            lang = h.lang or ("ar" if _ARABIC_LETTER.search(text, max(0, s - 80), e + 80) else "en")
            out.append(DateMatch(s, e, text[s:e], h.date, h.precision, h.kind, h.since, h.range_start, lang))
        return out
    except lexicon.LexiconError:
        raise
    except Exception:  # a bad text must never sink the article
        log.exception("find_dates failed")
        return []
