"""A small database the page tests share, written through `core.storage.store` (no extractor involved).

The articles are our own short Arabic sentences. Each figure is given by its surface (the loader
finds the span), so nobody counts Arabic offsets by hand. What the trend chart must add up, with
the default filters (killed, incidents and tolls):

=============  =========================================  ==========================
week (Mon)     figures                                    chart
=============  =========================================  ==========================
2017-08-07     A1: 12 civilians (+4 children part_of,     civilians 12, of which
               +12 repeat same_as)                        children 4
2017-08-14     A2: 7 civilians (+2 women part_of);        civilians 37 (range 37–42),
               A3: 30–35 civilians; "more than 20"        fighters 20 (20–20), of
               fighters (open-ended max)                  which women 2
2017-08-21     A2: SOHR toll 125, 15–21 Aug               toll marker only
2017-08-28     A3: 6 superseded by 9 civilians            civilians 9
2017-09-04     A5: 5 civilians (hostile markup)           civilians 5
(no date)      A4: 3 civilians                            "date unknown": 1 figure
(vague)        A3: «عشرات» fighters                       vague note: 1 report
=============  =========================================  ==========================

Killed, added up: 63 civilians + 20 fighters = 83 (range 80–88: each figure here is its own
incident; A3's superseded 6 is the low end of its revision's range). Injured: 20 people (A1).
A5 carries hostile markup in its title and text (it must only ever be shown as text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.extraction.figure import Figure
from core.incidents import aggregate
from core.storage.store import Store

TOTAL_KILLED = 83
TOTAL_RANGE = (83, 88)  # an incident's range runs over current reports: A3's earlier 6 (revised to 9 in the same article) is not its low end
TOTAL_INJURED = 20
FIGHTERS = 20
HOSTILE_TITLE = '<script>window.__pwned = 1</script>عنوان'
HOSTILE_TEXT = 'قتل 5 مدنيين <img src=x onerror="window.__pwned=1"> في <b>حي</b> [رابط](javascript:alert(1)) $x$.'


def figure(text: str, fid: str, surface: str, best: int | None, nth: int = 0, **kw: Any) -> Figure:
    """A figure whose number is the `nth` occurrence of `surface` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    s0 = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    e = text.find(".", start)
    e = len(text) if e < 0 else e + 1
    base: dict[str, Any] = dict(
        id=fid, start=start, end=start + len(surface), number_text=surface, sentence=text[s0:e],
        sentence_start=s0, min=best, best=best, max=best, status="killed", group="civilians",
        kind="incident", vague=best is None, rule_id="test", extractor_version="test",
    )
    base.update(kw)
    if base.get("date") and "date_precision" not in kw:
        base["date_precision"] = "day"
    if base.get("date") and "date_text" not in kw:
        base["date_text"] = base["date"]  # a date given here is stated in the article, not inferred
    return Figure(**base)


def article(aid: str, text: str, title: str, published: str | None, outlet: str = "عينة", **kw: Any) -> dict:
    d = {
        "id": aid, "text": text, "title": title, "outlet": outlet, "url": kw.get("url"),
        "published": dt.date.fromisoformat(published) if published else None, "published_source": "user",
        "lang": kw.get("lang", "ar"), "filename": f"{aid}.txt", "format": "txt", "encoding": "utf-8",
        "content_sha256": None, "added_at": dt.datetime(2026, 1, 1, 12, 0), "extractor_version": "test",
    }
    return d


T1 = "قصف على الدرعية: 12 قتيلا.\nقتل 12 مدنيا بينهم 4 أطفال في غارة للتحالف على حي الدرعية. وأصيب 20 شخصا."
T2 = ("وثق المرصد مقتل 125 مدنيا في الرقة خلال الأسبوع من 15 إلى 21 آب.\n"
      "وقتل 7 مدنيين بينهم امرأتان في قصف مدفعي على حي البدو.")
T3 = ("قتل 6 مدنيين في قصف على سوق المشلب ثم ارتفعت الحصيلة إلى 9.\n"
      "وقتل بين 30 و35 مدنيا في حي الرميلة. وقتل أكثر من 20 مقاتلا من التنظيم. وقتل عشرات المقاتلين.")
T4 = "قتل 3 مدنيين في قصف على قرية لم يذكر تاريخه."


def populate(store: Store) -> None:
    """Fill `store` with the five articles described in the module docstring."""
    a1 = [
        figure(T1, "f1", "12", 12, nth=1, date="2017-08-13", perpetrator="coalition", source="SOHR", place="حي الدرعية"),
        figure(T1, "f2", "4", 4, group="children", part_of="f1", date="2017-08-13", perpetrator="coalition",
               source="SOHR", place="حي الدرعية"),
        figure(T1, "f3", "12", 12, nth=0, same_as="f1", date="2017-08-13", perpetrator="coalition", source="SOHR"),
        figure(T1, "f4", "20", 20, status="injured", group="people", date="2017-08-13", perpetrator="coalition"),
    ]
    a2 = [
        figure(T2, "f1", "125", 125, kind="toll", date="2017-08-21", date_from="2017-08-15", source="SOHR",
               place="الرقة"),
        figure(T2, "f2", "7", 7, date="2017-08-15", perpetrator="regime", place="حي البدو"),
        figure(T2, "f3", "امرأتان", 2, group="women", part_of="f2", date="2017-08-15", perpetrator="regime",
               place="حي البدو"),
    ]
    a3 = [
        figure(T3, "f1", "6", 6, kind="superseded", date="2017-08-28", place="سوق المشلب"),
        figure(T3, "f2", "9", 9, date="2017-08-28", place="سوق المشلب"),
        figure(T3, "f3", "30", 30, min=30, max=35, date="2017-08-17", place="حي الرميلة"),
        figure(T3, "f4", "20", 20, min=20, max=None, qualifier="more_than", group="fighters", side="is",
               date="2017-08-16"),
        figure(T3, "f5", "عشرات", None, min=None, max=None, group="fighters", date="2017-08-16"),
    ]
    a4 = [figure(T4, "f1", "3", 3)]
    a5 = [figure(HOSTILE_TEXT, "f1", "5", 5, date="2017-09-04", place="<b>حي</b>")]
    store.add_articles([
        (article("a1", T1, "غارة على الدرعية", "2017-08-14", outlet="جريدة التجربة"), a1),
        (article("a2", T2, "حصيلة أسبوعية", "2017-08-22"), a2),
        (article("a3", T3, "ارتفاع الحصيلة", "2017-08-29"), a3),
        (article("a4", T4, "خبر بلا تاريخ", None), a4),
        (article("a5", HOSTILE_TEXT, HOSTILE_TITLE, "2017-09-05", outlet="<i>outlet</i>"), a5),
    ])
    aggregate.recompute(store)
