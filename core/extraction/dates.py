"""Dates in Arabic and English news text, resolved against the publication date.

    >>> import datetime as dt
    >>> [(m.text, m.date, m.kind) for m in find_dates("قتل 27 مدنيا أمس الاثنين", dt.date(2017, 8, 22))]
    [('أمس الاثنين', '2017-08-21', 'relative')]
    >>> [(m.text, m.date) for m in find_dates("منذ الخامس من حزيران/يونيو 2017", None)]
    [('الخامس من حزيران/يونيو 2017', '2017-06-05')]
    >>> find_dates("since 5 June", dt.date(2017, 8, 22))[0].since
    True

What is read (each form has a test in ``tests/core/extraction/test_dates.py``):

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
- **A day of a relative month** «الخامس والعشرين من الشهر الماضي», "the 5th of last month": YYYY-MM-DD.

Not read (known limits): Hijri dates; weeks («الأسبوع الماضي»); «منذ ثلاثة أيام» (period or 'ago');
named events («ثورة 25 يناير» resolves like any 25 January); without a publication date a year
written elsewhere in the article is not borrowed; «بعد منتصف ليل الأربعاء الخميس» is dated to Wednesday.

All word lists are data: ``data/lexicon/months.json``, ``weekdays.json``, ``relative_days.json`` and
``day_ordinals.json`` (fields documented in their ``_doc``). Matching runs on the normalised text of
`core.extraction.normalize` (computed here with str.replace, identical result, or passed in as ``normalized``)
and every span indexes the original text. `find_dates` never raises on any text; a broken lexicon
file raises `core.extraction.lexicon.LexiconError`.

How it works: three regular expressions find *anchors* in the normalised text (digit groups and
numeric dates; Arabic month, weekday, relative and ordinal words, as a trie; the same for Latin
words, in the lower-cased text). A small parser joins neighbouring anchors by the text between
them (double month forms, day + month + year, weekday + date) and looks at the few words around
them (ليل، الماضي، منذ، شهر، عام), reading the words before an anchor backwards in a reversed copy
of the text, so no regex scans for them. A 3 KB article takes a few tenths of a millisecond.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from core.extraction import lexicon
from core.extraction.date_grammar import _ARABIC_LETTER, _TRAILING_MARKS, _fold, _grammar, _Mapped
from core.extraction.date_parser import _Parser
from core.extraction.normalize import Normalized, norm

log = logging.getLogger(__name__)

KINDS = ("weekday", "relative", "absolute", "month", "year")
PRECISIONS = ("day", "month", "year")


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
    still reported, with ``date`` None. ``normalized`` may pass `core.extraction.normalize.normalize(text)`
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


_STAND_IN_DAY = dt.date(2000, 1, 15)


def resolved_anyway(d: DateMatch) -> DateMatch:
    """``d`` itself when it resolved; else ``d`` read against a stand-in publication day, so that
    what it names (a day, a month) is known: «السادس من سبتمبر الماضي» names a day even in an
    article without a date. Its ``date`` is then only good for comparing with another such date."""
    if d.date is not None:
        return d
    again = find_dates(d.text, _STAND_IN_DAY)
    return again[0] if again else d


def names_a_day(d: DateMatch) -> bool:
    """Does the date expression name one day (resolved or not)?"""
    return resolved_anyway(d).precision == "day"


def infer_publication(
    text: str, *, normalized: Normalized | None = None, found: list[DateMatch] | None = None
) -> dt.date | None:
    """The publication day a text gives itself when none is known: a full date in it that is
    confirmed by the article calling that day «اليوم الأربعاء» / "today (Wednesday)" with the same
    weekday. A page's clock or a copyright year is never confirmed that way, so it is never taken.

    >>> infer_publication("دمشق 22 مايو 2017 / سقط اليوم (الاثنين) 6 قتلى")
    datetime.date(2017, 5, 22)
    >>> infer_publication("الجمعة 4 كانون الأول 2026. قتل اليوم الاثنين 6 مدنيين") is None
    True
    """
    if found is None:  # the text's dates read without a publication date
        found = find_dates(text, None, normalized=normalized)
    today_weekdays = {wd for d in found if d.kind == "relative" and (wd := _weekday_named(d.text)) is not None}
    if not today_weekdays:
        return None
    for d in found:
        if d.kind == "absolute" and d.precision == "day" and not d.since and not d.range_start:
            day = parse_iso(d.date)
            if day is not None and day.weekday() in today_weekdays:
                return day
    return None


def _weekday_named(span: str) -> int | None:
    """The weekday a «today» expression names («اليوم (الجمعة)» -> 4), else None."""
    words = set(norm(span).lower().replace("(", " ").replace(")", " ").split())
    for entry in lexicon.load("weekdays").values():
        if any(norm(s).lower() in words for s in entry["surfaces"]):
            return int(entry["weekday"])
    return None

