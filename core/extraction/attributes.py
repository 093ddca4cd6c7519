"""Step 5 of the extractor (`core.extraction.extract`): kind, date, place, perpetrator, side and
source of each count, read in its clause and shared within repeats and breakdowns.
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_left

from core.extraction import dates as dates_mod
from core.extraction import numbers
from core.extraction.candidates import _next_word, _prev_word
from core.extraction.context import (
    _CLAUSE_PUNCT,
    _DATE_RANK,
    _LOOKBACK,
    _PLACE_RANK,
    Cand,
    _Context,
    _find,
    _fw,
    _is,
    _window,
)
from core.extraction.links import _root
from core.extraction.normalize import normalize
from core.extraction.perpetrators import MIXED, _article_perpetrator, _fallback_perpetrator, _named_for_blasts
from core.extraction.tokens import Mention, Token

log = logging.getLogger(__name__)




def _kind(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """A running or period total (toll) or one event (incident)."""
    if c.kind == "superseded":
        return
    lo, hi = _window(ctx, cands, c)
    lo = max(lo, c.ti - 8)
    if _find(ctx, "kind_cues", lo, hi, roles=("event",)):
        return  # «ثاني أكبر مجزرة منذ ...»: a count of one massacre, whatever period is named beside it
    gm = c.group_mention
    if gm is not None and gm.attrs.get("remains"):
        slo, shi = ctx.sentence_span(c.sent)
        grave = _find(ctx, "kind_cues", slo, shi, roles=("grave",))
        if grave is not None:  # «تم إخراج 11 جثة من مقبرة البانوراما»: bodies of many days
            c.kind, c.kind_cue = "toll", grave.surface
            c.extra["background"] = True  # a grave's tally states no period for the counts after it
            return
    so_far = _find(ctx, "kind_cues", lo, hi, roles=("fighting_tally",))
    if so_far is not None:
        slo, shi = ctx.sentence_span(c.sent)
        battle = _find(ctx, "attack_terms", slo, shi, roles=("battle",)) or any(
            "هجوم" in t.forms for t in ctx.tokens[slo:shi]
        )
        one_event = _find(ctx, "kind_cues", slo, shi, roles=("event",))  # «… المجزرة»: fighting inside one event
        if battle and one_event is None:  # «إثر هجوم شنه التنظيم … ما أسفر حتى الآن عن مقتل 21»: the fighting's running total
            c.kind, c.kind_cue = "toll", so_far.surface
            return
    opening = _opening_since(ctx, c, lo)
    for m in opening + ctx.mentions_in("kind_cues", lo, hi):
        role = m.attrs.get("role")
        if role == "toll_word":
            c.kind, c.kind_cue = "toll", m.surface
            return
        if role == "toll_period":
            if _inside_a_day(ctx, m):
                continue  # «في الخامس والعشرين من الشهر الماضي»: the month of a day, not a period
            if _next_is_short_time(ctx, m.j):
                continue  # «خلال الـ 24 ساعة»، "over the past 24 hours": one day's events
            if any(_is(ctx.tokens[k], "superlative") for k in range(max(0, m.i - 6), m.i)):
                continue  # «أكبر نصر عسكري منذ عام 2016»: a comparison, not the count's period
            if normalize(m.surface).text.lower() in _fw("since"):
                since = _date_at(ctx, m.j)
                if since is not None and not _long_ago(ctx, since) and not (
                    since.kind == "weekday" and _perfect_in(ctx, lo, hi) and not _time_of_day_after(ctx, m.j)
                ):
                    continue
                if since is None and _ago(ctx, m, lo, hi):
                    continue  # «قُتل منذ نحو شهر ثلاثة عناصر»: a month ago, one event
                nxt = ctx.m("kind_cues", m.j)
                if since is None and nxt and nxt.attrs.get("role") == "short_since" and not (
                    nxt.attrs.get("day") and _perfect_in(ctx, lo, hi)
                ):
                    continue  # "since this morning": one day's count; but "since Saturday, 68 have been killed" runs over days
                # a sentence opening with «منذ» is background: it sets no period for what follows
                c.extra["background"] = _opens_sentence(ctx, m)
            c.kind, c.kind_cue = "toll", m.surface
            return
    # «خلال الـ 48 ساعة الماضية»، «خلال ستة أيام»، "over 72 hours": a counted span longer than a day
    span = _counted_span(ctx, lo, hi)
    if span is not None and not _names_a_day(ctx, lo, hi):
        c.kind, c.kind_cue = "toll", span
        return
    # «خلال سبتمبر», "in September": a whole month is a period (also when no publication date gives its year)
    opens = _opening_date(ctx, c, ctx.sentence_span(c.sent)[0] + 1)
    for n in opens + list(ctx.dates_in(lo, hi)):
        d, a = ctx.dates[n], ctx.date_toks[n][0]
        if d.since:
            continue
        if d.precision == "year":  # «في عام 2018»: a count dated by a year alone is the year's tally
            c.kind, c.kind_cue = "toll", d.text
            return
        whole_month = d.precision == "month" or (d.precision is None and d.kind == "month")
        before = ctx.tokens[_skip_month_part(ctx, a - 1)] if a > 0 else None
        opening = before is not None and _is(before, "opening_month") and n in opens
        if whole_month and before is not None and not _names_a_day(ctx, lo, hi) and (
            opening or _is(before, "period_before_month")
        ):
            c.kind, c.kind_cue = "toll", ctx.text[ctx.tokens[a - 1].start : d.end]
            return
    # "between 27 and 30 August", «من 13 حتى 15 نيسان»: counts over a range of several days
    span_days = _range_days(ctx, lo, hi)
    if span_days is not None and span_days >= 1:
        c.kind, c.kind_cue = "toll", ctx.dates[ctx.dates_in(lo, hi)[0]].text
        return
    # «وبالإضافة إلى 16 مدنيا ...» after a toll in the same sentence continues its breakdown
    k = _prev_word(ctx, c.ti, ctx.sentence_span(c.sent)[0])
    also = ctx.m("connectives", k) if k >= 0 else None
    if also and also.attrs.get("role") == "also":
        prev = [
            o for o in cands[max(0, c.n - _LOOKBACK) : c.n]
            if o.sent == c.sent and o.tj <= c.ti and o.parent is None and o.kind == "toll"
        ]
        if prev:
            c.kind, c.kind_cue, c.parent = "toll", also.surface, prev[0]
            return


def _time_of_day_after(ctx: _Context, k: int) -> bool:
    """'since Monday evening': a time of day within the «since» phrase keeps it short."""
    return any(
        m.attrs.get("role") == "short_since" and not m.attrs.get("day") for m in ctx.mentions_in("kind_cues", k, k + 3)
    )


def _perfect_in(ctx: _Context, lo: int, hi: int) -> bool:
    """A present perfect of a killing verb ('have been killed', 'has killed') in tokens [lo, hi): a
    running count (not 'clashes have rocked the city, leaving 23 dead')."""
    for k in range(lo, hi):
        if not _is(ctx.tokens[k], "perfect"):
            continue
        q = k + 1
        while q < hi and q <= k + 3 and _is(ctx.tokens[q], "auxiliary"):
            q += 1
        if any(m.i <= q < m.j for m in ctx.mentions_in("casualty_terms", k, min(hi, q + 1))):
            return True
    return False


def _inside_a_day(ctx: _Context, m: Mention) -> bool:
    for n in ctx.dates_in(max(0, m.i - 8), m.j):
        a, b = ctx.date_toks[n]
        # without a publication date «الخامس والعشرين من الشهر الماضي» stays unresolved: still a day
        if a <= m.i and m.j <= b and dates_mod.names_a_day(ctx.dates[n]):
            return True
    return False


def _opening_since(ctx: _Context, c: Cand, lo: int) -> list[Mention]:
    """"Since the truce in March 2016, 900 civilians have been killed": a sentence that opens with
    «منذ»/since states the period of the count its main clause gives, however long the clause."""
    s_lo = ctx.sentence_span(c.sent)[0]
    if lo <= s_lo:
        return []
    k = s_lo + (ctx.tokens[s_lo].text in ("و", "and"))
    m = ctx.m("kind_cues", k)
    if m is None or not _opens_sentence(ctx, m) or m.attrs.get("role") != "toll_period":
        return []
    # "Last month, bombings in two cities killed 170": an English period opening the sentence governs it too
    return [m] if m.attrs.get("governs_sentence") or normalize(m.surface).text.lower() in _fw("since") else []


def _opening_date(ctx: _Context, c: Cand, lo: int) -> list[int]:
    """"In May, more than 60 civilians were killed by barrel bombs": a month that opens the sentence
    dates the count of its main clause, however far the count is (the index of that date, if any)."""
    s_lo = ctx.sentence_span(c.sent)[0]
    if lo <= s_lo:
        return []
    k = s_lo + (ctx.tokens[s_lo].text in ("و", "and"))
    if not (_is(ctx.tokens[k], "period_before_month") or _is(ctx.tokens[k], "opening_month")):
        return []
    return [n for n in ctx.dates_in(k, k + 4) if _skip_month_part(ctx, ctx.date_toks[n][0] - 1) == k]


def _skip_month_part(ctx: _Context, k: int) -> int:
    """The word before a month, past words for a part of it: «in early April» is still April."""
    while k > 0 and _is(ctx.tokens[k], "month_part"):
        k -= 1
    return k


def _opens_sentence(ctx: _Context, m: Mention) -> bool:
    k = ctx.sentence_span(ctx.sent_of[m.i])[0]
    return m.i == k or (m.i == k + 1 and ctx.tokens[k].text in ("و", "and"))


def _range_days(ctx: _Context, lo: int, hi: int) -> int | None:
    """Days between the two ends of a date range in tokens [lo, hi), or None."""
    r = ctx.dates_in(lo, hi)
    for n in r:
        d = ctx.dates[n]
        if not d.range_start or n + 1 >= len(ctx.dates):
            continue
        end = ctx.dates[n + 1]
        try:
            return (dt.date.fromisoformat(end.date) - dt.date.fromisoformat(d.date)).days
        except (TypeError, ValueError):
            return None
    return None


def _date_at(ctx: _Context, k: int) -> dates_mod.DateMatch | None:
    """The first date in the clause that starts at token k («منذ توقيع الاتفاق في أيلول 2018،»)."""
    end = k
    while end < min(len(ctx.tokens), k + 12) and ctx.tokens[end].text not in _CLAUSE_PUNCT:
        end += 1
    r = ctx.dates_in(k, max(end, k + 4))
    return ctx.dates[r[0]] if r else None


def _long_ago(ctx: _Context, d: dates_mod.DateMatch) -> bool:
    """Is a «since» date far enough back to make a period total (not «since last night»)?"""
    if d.precision in ("month", "year"):
        return True
    if d.date and ctx.published:
        try:
            return (ctx.published - dt.date.fromisoformat(d.date)).days >= 3
        except ValueError:
            return True
    return d.kind == "absolute"


def _continue_tolls(ctx: _Context, cands: list[Cand]) -> None:
    """A period stated once governs the report's counts that follow it, across places, causes and
    paragraphs («قتل 3000 شخص خلال أيلول ... وقتلت قوات النظام 790 مدنيا في حلب»), until a count
    names a day of its own («أمس»، «يوم الأحد»، «15 آب»): then the report tells of one event."""
    heads = [c for c in cands if c.parent is None and c.kind != "superseded"]
    for a, b in zip(heads, heads[1:], strict=False):
        # «100 شهيد وقرابة 1162 مصاب ... خلال شهر نيسان»: counts joined by «و» share the period after them
        if a.kind == "incident" and b.kind == "toll" and a.sent == b.sent and _joined_by_and(ctx, a, b):
            a.kind, a.kind_cue = "toll", b.kind_cue
            a.extra["toll_by_context"] = True
        # "killed 122 militants and eight fighters": the second count of one verb shares the first's period
        elif a.kind == "toll" and b.kind == "incident" and a.sent == b.sent and _joined_by_and(ctx, a, b) and (
            not _names_a_day(ctx, b.ti, b.tj + 3)
        ):
            b.kind, b.kind_cue = "toll", a.kind_cue
            b.extra["toll_by_context"] = True
    period: Cand | None = None
    for c in cands:
        if c.parent is not None or c.kind == "superseded":
            continue
        if c.kind == "toll":
            if period is not None and not _new_topic_between(ctx, period, c):
                c.period = period  # the same report: a total without a place of its own is counted over the same area
            period = None if c.extra.get("background") else c
            continue
        if period is None or c.same is not None:
            continue
        lo, hi = _window(ctx, cands, c, tight=False)
        if _names_a_day(ctx, lo, hi) or _find(ctx, "kind_cues", lo, hi, roles=("event",)) or _new_topic_between(ctx, period, c):
            period = None
            continue
        c.kind, c.kind_cue, c.period = "toll", period.kind_cue, period
        c.extra["toll_by_context"] = True


def _joined_by_and(ctx: _Context, a: Cand, b: Cand) -> bool:
    """Only «و» (with a qualifier) stands between count a's noun and count b: «100 شهيد وقرابة 1162»."""
    between = ctx.tokens[a.tj : b.ti]
    if not between or len(between) > 3:
        return False
    first = between[0]
    return first.text == "و" or first.text == "and" or (first.kind == "ar" and first.text.startswith("و"))


def _same_kind_in_repeats(cands: list[Cand]) -> None:
    """Mentions of the same count share its kind: a headline that repeats a period total is a toll too."""
    tolls = {id(_root(c)): c for c in cands if c.kind == "toll" and c.parent is None}
    for c in cands:
        t = tolls.get(id(_root(c)))
        if t is not None and c.kind == "incident" and c.parent is None:
            c.kind, c.kind_cue, c.period = "toll", t.kind_cue, t
            c.extra["toll_by_repeat"] = True


def _names_a_day(ctx: _Context, lo: int, hi: int) -> bool:
    """A day of its own: a date with a day, or «أمس»/«الأحد» even when no publication date resolves it."""
    for n in ctx.dates_in(lo, hi):
        d, (a, b) = ctx.dates[n], ctx.date_toks[n]
        if d.since or d.range_start:
            continue
        if _dates_the_report(ctx, a, b):
            # «وكان المرصد قال في السادس من سبتمبر الماضي، إن …»: a statement of another day tells of its own event
            if d.kind == "absolute" and dates_mod.names_a_day(d):
                return True
            continue
        if d.precision == "day" or d.kind in ("relative", "weekday"):
            return True
    return False


def _new_topic_between(ctx: _Context, a: Cand, b: Cand) -> bool:
    """«إلى ذلك»، «من جهة أخرى», "meanwhile" between two counts: the article turns to another story."""
    return any(m.attrs.get("new_topic") for m in ctx.mentions_in("connectives", a.tj, b.ti))


def _counted_span(ctx: _Context, lo: int, hi: int) -> str | None:
    """«خلال [الـ] N unit» with a span of more than a day; its text, else None."""
    for k in range(lo, hi):
        if not _is(ctx.tokens[k], "period_before_month"):
            continue
        q = _next_word(ctx, k + 1, hi)
        if q >= 0 and ctx.tokens[q].text == "ال":
            q = _next_word(ctx, q + 1, hi)
        if q < 0 or q + 1 >= hi:
            continue
        nm = ctx.tokens[q]
        if nm.kind == "num":
            count = int(nm.text) if nm.text.isdigit() else None
        else:
            count = numbers.parse_number(nm.text)
        u = ctx.m("non_casualty", q + 1)
        if count is None or not (u and u.key == "time"):
            continue
        if _longer_than_a_day(count, ctx.tokens[q + 1]):
            return ctx.text[ctx.tokens[k].start : ctx.tokens[q + 1].end]
    return None


def _longer_than_a_day(count: int, unit: Token) -> bool:
    """N hours (or minutes) over 24, more than one day, or any number of weeks, months, years:
    «الـ 48 ساعة»، «ستة أيام», 'during one week'."""
    if _is(unit, "hour_units"):
        return count > 24
    return count > 1 or not _is(unit, "short_time")


def _ago(ctx: _Context, since: Mention, lo: int, hi: int) -> bool:
    """«منذ يومين»، «منذ نحو شهر» after a killing verb: a time ago, not the start of a period —
    unless the clause raises a total («ارتفع عدد القتلى منذ أسبوع إلى ...»)."""
    if ctx.tokens[since.i].kind != "ar":
        return False
    k = _next_word(ctx, since.j, hi)
    for _ in range(2):  # «نحو»، «قرابة», or a number of units: «منذ ثلاثة أيام»
        if k >= 0 and (ctx.tokens[k].kind == "num" or _is(ctx.tokens[k], "about")):
            k = _next_word(ctx, k + 1, hi)
    u = ctx.m("non_casualty", k) if k >= 0 else None
    if not (u and u.i == k and u.key == "time"):
        return False
    return _find(ctx, "kind_cues", lo, hi, roles=("rose", "toll_word")) is None


def _next_is_short_time(ctx: _Context, k: int) -> bool:
    """A span of one day at most follows: «الـ 24 ساعة», "the past hours" (48 hours is a period)."""
    k = _next_word(ctx, k, len(ctx.tokens))
    if k < 0:
        return False
    hours = None  # how many of the unit
    if ctx.tokens[k].kind == "num" and k + 1 < len(ctx.tokens):
        hours = int(ctx.tokens[k].text) if ctx.tokens[k].text.isdigit() else None
        k += 1
    u = ctx.m("non_casualty", k)
    if not (u and u.key == "time" and _is(ctx.tokens[k], "short_time")):
        return False
    return hours is None or not _longer_than_a_day(hours, ctx.tokens[k])


def _dates_in(ctx: _Context, c: Cand, lo: int, hi: int) -> tuple[dates_mod.DateMatch | None, dates_mod.DateMatch | None]:
    """(best resolved date, «since» date) in tokens [lo, hi): explicit dates first, then nearest."""
    found = []
    since = None
    for n in ctx.dates_in(lo, hi):
        d, (a, b) = ctx.dates[n], ctx.date_toks[n]
        if d.since:
            since = d
            continue
        if d.range_start or not d.date or _dates_the_report(ctx, a, b):
            continue
        dist = a - c.tj if a >= c.tj else c.ti - b
        found.append((-_DATE_RANK.get(d.kind, 0), dist, d))
    found.sort(key=lambda x: (x[0], x[1]))
    return (found[0][2] if found else None), since


def _dates_the_report(ctx: _Context, a: int, b: int) -> bool:
    """«أعلنت وزارة الدفاع أمس الاثنين أن ...»: a date between a verb of saying and «أن»."""
    after = [ctx.m("connectives", k) for k in range(b, min(len(ctx.tokens), b + 2))]
    if not any(m and m.attrs.get("role") == "that" for m in after):
        return False
    before = [ctx.m("connectives", k) for k in range(max(0, a - 6), a)]
    if not any(m and m.attrs.get("role") == "report" for m in before):
        return False
    # «أوضح الناشطون، ليل الثلاثاء، أن ...»: a time of day dates the event, not the statement
    return not _is(ctx.tokens[a], "time_of_day")


def _date(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    d, since = _dates_in(ctx, c, *_window(ctx, cands, c))
    if d is None and since is None:
        d, since = _dates_in(ctx, c, *_window(ctx, cands, c, tight=False))
    if d is not None and c.kind == "toll" and since is None and _after_since_word(ctx, d):
        d, since = None, d  # «منذ اندلاع الثورة في آذار 2011»: where the period starts, not its date
    if d is None and since is None and c.kind == "toll" and c.period is not None and c.period.date_value:
        p = c.period  # a total carried into a report's period is dated as that period
        c.date, c.date_value, c.date_precision, c.date_from = p.date, p.date_value, p.date_precision, p.date_from
        return
    if d is not None:
        c.date, c.date_value, c.date_precision = d, d.date, d.precision
        if c.kind == "toll" and d.precision == "month":
            c.date_value = _month_end(d.date, ctx.published)  # a toll is dated by the end of its period
        elif c.kind == "toll" and d.precision == "year" and d.date:
            c.date_value, c.date_precision = _month_end(f"{d.date[:4]}-12", ctx.published), "day"
    if since is not None:
        if c.kind == "toll" and since.date:
            c.date_from = since.date
        if c.date_value is None and ctx.published:
            c.date_value, c.date_precision = ctx.published.isoformat(), "day"
            c.date = since
    if c.date_value is None and c.kind == "toll" and ctx.published and c.parent is None:
        c.date_value, c.date_precision = ctx.published.isoformat(), "day"  # a breakdown takes its total's


def _after_since_word(ctx: _Context, d: dates_mod.DateMatch) -> bool:
    """The date closes a «منذ ...» / "since ..." phrase: a since word before it in its clause
    ("Since Moscow and Ankara reached a deal in September 2018")."""
    a = bisect_left(ctx.starts, d.start)
    for k in range(a - 1, max(-1, a - 13), -1):
        t = ctx.tokens[k]
        if t.text in _CLAUSE_PUNCT or _is(t, "until"):
            return False
        if _is(t, "since"):
            return True
    return False


def _month_end(value: str, published: dt.date | None) -> str:
    y, m = int(value[:4]), int(value[5:7])
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    if published and published < last:
        last = published
    return last.isoformat()


def _main_city(ctx: _Context) -> int | None:
    """The first city (else governorate) the article names: where its tolls are counted."""
    for rank in ("city", "governorate"):
        for n, p in enumerate(ctx.places):
            if p.precision == rank and not p.rural:
                return n
    return None


def _best_place(
    ctx: _Context, c: Cand, lo: int, hi: int, right_only: bool = False, nearest: bool = False
) -> int | None:
    best = None
    for n in ctx.places_in(lo, hi):
        p, (a, b) = ctx.places[n], ctx.place_toks[n]
        if not right_only or a >= c.tj:
            dist = a - c.tj if a >= c.tj else c.ti - b
            rank = _PLACE_RANK.get(p.precision, 0) if not p.rural else 3
            key = (-abs(dist),) if nearest else (rank, a >= c.tj, -abs(dist))
            if best is None or key > best[0]:
                best = (key, n)
    return best[1] if best else None


_NEAR = frozenset({"قرب", "بالقرب", "بقرب", "near", "outside", "خارج"})


def _place(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    """The most precise place named in the figure's clause (then sentence), with the places
    coordinated with it: «حارتي السخاني والبدو ومنطقة الحديقة البيضاء»."""
    if c.extra.get("by_place"):  # «هم 30 في محافظة حلب و2 في إدلب»: each count's own place, right after it
        n = _best_place(ctx, c, c.tj, min(len(ctx.tokens), c.tj + 4), right_only=True, nearest=True)
        if n is not None:
            c.place = ctx.places[n]
            return
    if c.kind == "toll":
        lo, hi = _window(ctx, cands, c)
        # the area a total is counted over is named right after it: «مقتل 6964 مدنيا في سوريا»
        near = c.tj
        while near < min(hi, c.tj + 8) and ctx.tokens[near].text not in _CLAUSE_PUNCT:
            near += 1
        n = _best_place(ctx, c, lo, near, right_only=True, nearest=True)
        if n is None:  # further on, only the place of the attack: «بقصف ... على مناطق متفرقة بريف الرقة»
            far = _best_place(ctx, c, lo, hi, right_only=True, nearest=True)
            if far is not None:
                a = ctx.place_toks[far][0]
                if any(m.attrs.get("role") == "attack" for m in ctx.mentions_in("attack_terms", max(lo, a - 6), a)):
                    n = far
        if n is None and c.period is not None and c.period.place is not None:
            c.place, c.place_span = c.period.place, c.period.place_span  # the report's area
            return
        if n is None:
            n = _main_city(ctx)
    else:
        n = _best_place(ctx, c, *_window(ctx, cands, c))
        if n is None:
            n = _best_place(ctx, c, *_window(ctx, cands, c, tight=False))
    if n is None:
        return
    c.place = ctx.places[n]
    a = ctx.place_toks[n][0]
    near = [ctx.tokens[k].text for k in range(max(0, a - 2), a)]
    c.extra["place_near"] = any(w in _NEAR for w in near)  # «قرب تدمر»: somewhere near it, not in it
    last = n
    while last + 1 < len(ctx.places):
        _, b = ctx.place_toks[last]
        a2, _ = ctx.place_toks[last + 1]
        between = ctx.tokens[b:a2]
        glued = a2 == b and ctx.tokens[a2].text.startswith("و")
        if glued or (len(between) == 1 and between[0].text == "و"):
            last += 1
        else:
            break
    if last > n:
        c.place_span = (ctx.places[n].start, ctx.places[last].end)


def _source(ctx: _Context, cands: list[Cand], c: Cand) -> None:
    lo, hi = ctx.sentence_span(c.sent)
    best = None
    starts = ctx.mention_i["sources"]
    k = bisect_left(starts, c.ti)
    for idx in (k - 1, k):  # the nearest source on either side, within the sentence
        if 0 <= idx < len(starts) and lo <= starts[idx] < hi:
            s = ctx.mentions["sources"][idx]
            d = abs(s.i - c.ti)
            if best is None or d < best[0]:
                best = (d, s)
    if best:
        c.source, c.source_mention = best[1].key, best[1]


def _article_source(ctx: _Context) -> Mention | None:
    keys = {m.key for m in ctx.mentions["sources"]}
    if len(keys) == 1:
        return ctx.mentions["sources"][0]
    return None


def _share_attributes(ctx: _Context, cands: list[Cand]) -> None:
    groups: dict[int, list[Cand]] = {}
    for c in cands:
        groups.setdefault(id(_root(c)), []).append(c)
    for members in groups.values():
        placed = max(
            (m for m in members if m.place),
            key=lambda m: _PLACE_RANK.get(m.place.precision, 0) if not m.place.rural else 3,
            default=None,
        )
        place = placed.place if placed else None
        dated = sorted((m for m in members if m.date_value), key=lambda m: -_DATE_RANK.get(m.date.kind, 0) if m.date else 0)
        perp = next((m for m in members if m.perpetrator and m.perpetrator != "unknown"), None) or next(
            (m for m in members if m.perpetrator), None
        )
        src = next((m for m in members if m.source), None)
        groups = {m.group for m in members}
        named = {m.group for m in members if m.group_from_noun and m.group != "people"}
        civilian_counts = {m.best for m in members if m.group == "civilians"}
        for m in members:
            if m.group == "people" and m.best in civilian_counts:
                m.group = "civilians"  # the same count said again («27 شخصا» repeating «27 مدنيا»)
            elif m.group == "people" and not m.group_from_noun and len(named) == 1:
                m.group = next(iter(named))  # "70 dead" repeats "70 fighters"
            if place and (m.place is None or _PLACE_RANK.get(place.precision, 0) > _PLACE_RANK.get(m.place.precision, 0)):
                m.place, m.place_span = place, placed.place_span
            if dated and not m.date_value:
                m.date, m.date_value, m.date_precision = dated[0].date, dated[0].date_value, dated[0].date_precision
            if perp and (m.perpetrator is None or (m.perpetrator == "unknown" and perp.perpetrator != "unknown" and not m.perp_mention)):
                m.perpetrator, m.perp_mention = perp.perpetrator, perp.perp_mention
                m.mixed_perpetrators = m.mixed_perpetrators or perp.mixed_perpetrators
            if src and not m.source:
                m.source, m.source_mention = src.source, src.source_mention
    # breakdowns take what their total says, where they say nothing themselves
    for c in cands:
        p = c.parent
        if p is None:
            continue
        if c.kind == "incident" and p.kind != "incident":
            c.kind = p.kind
        if c.place is None:
            c.place, c.place_span = p.place, p.place_span
        if c.date_value is None:
            c.date, c.date_value, c.date_precision, c.date_from = p.date, p.date_value, p.date_precision, p.date_from
        if c.perpetrator is None and not c.mixed_perpetrators:
            c.perpetrator, c.perp_mention = p.perpetrator, p.perp_mention
            c.mixed_perpetrators = p.mixed_perpetrators
        if c.source is None:
            c.source, c.source_mention = p.source, p.source_mention
    for c in cands:  # an earlier count is of the same event as the count that replaced it
        n = c.newer
        if n is not None:
            if c.place is None:
                c.place, c.place_span = n.place, n.place_span
            if c.date_value is None:
                c.date, c.date_value, c.date_precision = n.date, n.date_value, n.date_precision
            if c.perpetrator in (None, "unknown") and not c.perp_mention and n.perpetrator:
                c.perpetrator, c.perp_mention = n.perpetrator, n.perp_mention
            if c.source is None:
                c.source, c.source_mention = n.source, n.source_mention
    _date_from_lead(ctx, cands)
    _inherit_from_previous(cands)
    # a guessed group (قتلى، العشرات) takes the group of the victims the article is about
    explicit = {c.group for c in cands if c.group_from_noun}
    for c in cands:
        if c.group == "people" and not c.group_from_noun:
            p = c.parent
            if p is not None and p.group == "civilians" and explicit:
                c.group = "civilians"
    art_src = _article_source(ctx)
    art_perp = _article_perpetrator(ctx, cands)
    blast_named: bool | None = None
    for c in cands:
        if c.source is None and art_src is not None:
            c.source, c.source_mention = art_src.key, art_src
        if c.perpetrator is None and not c.mixed_perpetrators:
            if art_perp == MIXED:
                c.mixed_perpetrators = True
            else:
                if blast_named is None:
                    blast_named = _named_for_blasts(ctx, cands, art_perp)
                perp = _fallback_perpetrator(ctx, c, art_perp, blast_named)
                if perp == MIXED:
                    c.mixed_perpetrators = True
                else:
                    c.perpetrator = perp
                c.extra["perpetrator_from_article"] = True


def _date_from_lead(ctx: _Context, cands: list[Cand]) -> None:
    """«كثّفت الطائرات الحربية، اليوم الأربعاء، غاراتها ...» then counts with no day of their own:
    the day the report's lead names dates the events it goes on to count, up to the first count
    that has a date of its own («سقط ضحايا يوم الأحد ... 4 قتلى ... وأصيب سبعة منتصف الشهر»)."""
    if not cands:
        return
    dated = [n for n, c in enumerate(cands) if c.kind == "incident" and c.date_value]
    undated = cands[: dated[0]] if dated else cands
    first = cands[0]
    for n, d in enumerate(ctx.dates):
        a, b = ctx.date_toks[n]
        if a > first.ti and ctx.sent_of[a] != first.sent:
            return  # only a date before the first count, or in its sentence, leads the report
        if any((m := ctx.m("connectives", k)) and m.attrs.get("role") == "report" for k in range(max(0, a - 3), a)):
            continue  # "the WHO said on Wednesday": when it was said
        if dated and d.kind == "absolute" and ctx.published and d.date == ctx.published.isoformat():
            continue  # the page's dateline («Wed 05 Apr 2017») when the article dates its events itself
        if d.date and d.precision == "day" and not d.since and not d.range_start and not _dates_the_report(ctx, a, b):
            for c in undated:
                if c.kind == "incident" and c.date_value is None and not c.extra.get("new_topic"):
                    c.date, c.date_value, c.date_precision = d, d.date, d.precision
                    c.extra["date_from_lead"] = True
            return


def _dates_from_parts(cands: list[Cand]) -> None:
    """A total with no date of its own takes the date its breakdowns give («قتل خمسون مدنيا ...
    وأوضح الناشطون، ليل الثلاثاء، أن ... مقتل أربعين مدنيا»)."""
    for c in cands:
        p = c.parent
        if p is not None and p.date_value is None and c.date_value is not None and p.kind == c.kind == "incident":
            p.date, p.date_value, p.date_precision = c.date, c.date_value, c.date_precision
            p.extra["date_from_parts"] = True


def _inherit_from_previous(cands: list[Cand]) -> None:
    """A report goes on about the same event until it names another: a count that names no place
    or date takes those of the count before it («وأكدت المصادر استشهاد ثلاثين مدنيا» after «... في حي
    التوسيعة اليوم الجمعة»). Tolls keep their own."""
    prev: Cand | None = None
    for c in cands:
        if c.kind == "toll":
            continue
        same_story = prev is not None and (
            c.perpetrator in (None, "unknown") or prev.perpetrator in (None, "unknown") or c.perpetrator == prev.perpetrator
        ) and not c.extra.get("new_topic")
        if prev is not None and prev.kind != "toll" and same_story:
            if c.place is None and prev.place is not None:
                c.place, c.place_span = prev.place, prev.place_span
                c.extra["place_from_context"] = True
            if c.date_value is None and prev.date_value is not None:
                c.date, c.date_value, c.date_precision = prev.date, prev.date_value, prev.date_precision
                c.extra["date_from_context"] = True
        prev = c
    # a headline before the body: it reports the event the body dates
    first_dated = next((c for c in cands if c.kind == "incident" and c.date_value and c.parent is None), None)
    if first_dated is not None:
        for c in cands:
            if c is first_dated:
                break
            if c.kind == "incident" and c.date_value is None and c.perpetrator in (first_dated.perpetrator, None, "unknown"):
                c.date, c.date_value, c.date_precision = first_dated.date, first_dated.date_value, first_dated.date_precision
                c.extra["date_from_context"] = True
