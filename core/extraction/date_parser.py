"""Date resolution for `core.extraction.dates`: the parser that joins neighbouring anchors
(`date_grammar`) into date expressions and resolves them against the publication date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re

from core.extraction.date_grammar import (
    _A,
    _AND_GAP,
    _ARABIC_LETTER,
    _CLOSE_BRACKET,
    _DOUBLE_GAP,
    _LATIN_LETTER,
    _MERGE_GAP,
    _MONTH_DAY_GAP,
    _MONTH_YEAR_GAP_EN,
    _PAIR_GAP,
    _PAREN_CLOSE,
    _PAREN_GAP,
    _REL_WEEKDAY_GAP,
    _REV_WORD,
    _YEARS,
    _anchors,
    _Grammar,
    _Hit,
    _LeftRole,
)

log = logging.getLogger(__name__)
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

    def day_of_relative_month(self, i: int) -> _Hit | None:
        """«الخامس والعشرين من الشهر الماضي», «العاشر من الشهر الجاري», "the 5th of last month":
        a day of the month a relative word names."""
        a = self.a[i]
        if not self.is_day(i) or i + 1 >= self.n or self.a[i + 1].kind != "R":
            return None
        r = self.a[i + 1]
        if r.word is None or r.word.entry.get("unit") != "month":
            return None
        if not self.g.day_month_gap.fullmatch(self.gap(a.e, i + 1)):
            return None
        date = None
        if self.pub is not None:
            mi = self.pub.year * 12 + self.pub.month - 1 + r.value
            y, m = mi // 12, mi % 12 + 1
            if a.value > calendar.monthrange(y, m)[1]:
                return None
            date = dt.date(y, m, a.value).isoformat()
        s = a.s
        p = self.before(self.g.the_before, s)
        if p >= 0:
            s = p
        lang = r.word.lang
        return _Hit(s, r.e, "relative", date, "day" if date else None, lang, i + 2)

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
                    h = self.absolute(i) or self.day_of_relative_month(i)
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
