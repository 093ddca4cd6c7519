"""Incidents: one event, many reports (short articles written for the project)."""

from __future__ import annotations

import datetime as dt
import itertools

from core.extraction.extract import extract
from core.incidents import grouping as incidents
from core.incidents.grouping import Decision, build_incidents, compare_toll, reports_from_figures


def _rows(article_id: str, text: str, published: dt.date, outlet: str = "") -> list[dict]:
    rows = []
    for f in extract(text, published):
        d = f.to_dict()
        d.update(article_id=article_id, published=published, outlet=outlet)
        rows.append(d)
    return rows


SOHR_MONDAY = "قتل 17 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق المرصد السوري."
AFP_TUESDAY = "ارتفعت حصيلة قتلى قصف التحالف الدولي يوم الأحد على حارة البدو في الرقة إلى 27 مدنيا بينهم سبعة أطفال."
OTHER_DISTRICT = "قتل 17 مدنيا يوم الأحد في قصف للتحالف الدولي على حي المشلب في مدينة الرقة."
OTHER_DAY = "قتل 17 مدنيا يوم الجمعة في قصف للتحالف الدولي على حارة البدو في مدينة الرقة."
ENGLISH = "A US-led coalition air strike killed 27 civilians on Sunday in the Harat al-Badu district of Raqqa, the monitor said."
WEEKLY = "وارتفعت حصيلة قتلى غارات التحالف الدولي على مدينة الرقة خلال أسبوع إلى 125 مدنيا، وفق المرصد السوري."

MON, TUE = dt.date(2017, 8, 21), dt.date(2017, 8, 22)


def _incidents(*articles, decisions=()):
    rows = [r for a in articles for r in _rows(*a)]
    reports, _ = reports_from_figures(rows)
    return build_incidents(reports, decisions)


def test_two_outlets_with_17_and_27_are_one_incident_with_the_revision_as_best():
    (inc,) = _incidents(("sohr", SOHR_MONDAY, MON), ("afp", AFP_TUESDAY, TUE))
    c = inc.counts["civilians"]
    assert (c.min, c.max, c.best) == (17, 27, 27)
    assert inc.articles == 2
    assert inc.place_id == "nb-badu" and inc.date == dt.date(2017, 8, 20)
    assert inc.counts["children"].best == 7


REVISED_IN_ONE_ARTICLE = ("أفاد المرصد السوري بمقتل 17 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة "
                          "الرقة، ثم ارتفعت حصيلة القتلى إلى 27 مدنيا.")


def test_a_count_its_own_article_revised_does_not_widen_the_range():
    (inc,) = _incidents(("sohr", REVISED_IN_ONE_ARTICLE, TUE))
    c = inc.counts["civilians"]
    assert (c.min, c.max, c.best) == (27, 27, 27)


def test_same_count_in_another_district_is_another_incident():
    assert len(_incidents(("a", SOHR_MONDAY, MON), ("b", OTHER_DISTRICT, MON))) == 2


def test_same_count_on_another_day_is_another_incident():
    assert len(_incidents(("a", SOHR_MONDAY, MON), ("b", OTHER_DAY, MON))) == 2


def test_english_and_arabic_reports_of_one_strike_are_one_incident():
    (inc,) = _incidents(("ar", AFP_TUESDAY, TUE), ("en", ENGLISH, TUE))
    assert inc.articles == 2 and inc.counts["civilians"].best == 27


def test_weekly_toll_is_compared_with_its_incidents_not_added():
    rows = _rows("sohr", SOHR_MONDAY, MON) + _rows("afp", AFP_TUESDAY, TUE) + _rows("week", WEEKLY, TUE)
    reports, tolls = reports_from_figures(rows)
    incs = build_incidents(reports)
    assert len(incs) == 1 and len(tolls) == 1
    cmp = compare_toll(tolls[0], incs)
    assert (cmp.accounted, cmp.reported) == (27, 125)
    assert cmp.period == (dt.date(2017, 8, 16), TUE)


def test_same_articles_in_any_order_give_the_same_incidents():
    articles = [("sohr", SOHR_MONDAY, MON), ("afp", AFP_TUESDAY, TUE), ("en", ENGLISH, TUE), ("b", OTHER_DISTRICT, MON)]
    seen = set()
    for perm in itertools.permutations(articles):
        incs = _incidents(*perm)
        seen.add(tuple(sorted((i.id, tuple(sorted(r.key for r in i.reports))) for i in incs)))
    assert len(seen) == 1


def test_a_journalists_split_keeps_two_reports_apart():
    incs = _incidents(("sohr", SOHR_MONDAY, MON), ("afp", AFP_TUESDAY, TUE))
    (a, b) = [r.key for r in incs[0].reports]
    split = Decision(a, b, "split", dt.datetime(2026, 1, 1), "editor")
    assert len(_incidents(("sohr", SOHR_MONDAY, MON), ("afp", AFP_TUESDAY, TUE), decisions=[split])) == 2


def test_a_journalists_merge_joins_reports_the_rules_keep_apart_and_the_latest_decision_wins():
    arts = [("a", SOHR_MONDAY, MON), ("b", OTHER_DISTRICT, MON)]
    keys = [r.key for i in _incidents(*arts) for r in i.reports]
    merge = Decision(keys[0], keys[1], "merge", dt.datetime(2026, 1, 1), "editor")
    assert len(_incidents(*arts, decisions=[merge])) == 1
    undo = Decision(keys[1], keys[0], "split", dt.datetime(2026, 1, 2), "editor")
    assert len(_incidents(*arts, decisions=[merge, undo])) == 2


def test_reports_with_neither_an_event_date_nor_a_publication_date_are_not_merged_automatically():
    undated = "قتل 17 مدنيا في قصف على حارة البدو."
    assert len(_incidents(("a", undated, None), ("b", undated.replace("17", "18"), None))) == 2


# ---- one event told by outlets that say it differently (issue 17) ------------------------------
DATED_21 = "قتل 21 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق المرصد السوري."
UNDATED_18 = "قتل 18 مدنيا في قصف للتحالف الدولي على مدينة الرقة، بحسب ناشطين."
UNDATED_FAR = "قتل 60 مدنيا في قصف للتحالف الدولي على مدينة الرقة، بحسب ناشطين."
UNPLACED_19 = "قتل 19 مدنيا يوم الأحد في قصف للتحالف الدولي، بحسب الدفاع المدني."
UNPLACED_RUSSIA = "قتل 20 مدنيا يوم الأحد في قصف للطيران الروسي، بحسب الدفاع المدني."
TOWN_70 = "قتل 70 شخصا يوم الأحد في قصف للنظام على مدينة خان شيخون، وفق المرصد السوري."
GOVERNORATE_72 = "قتل 72 شخصا يوم الأحد في قصف للنظام على محافظة إدلب، وفق منظمة الصحة العالمية."


def test_an_undated_report_joins_the_strike_of_the_days_before_its_publication_when_counts_are_close():
    (inc,) = _incidents(("sohr", DATED_21, MON), ("act", UNDATED_18, TUE))
    c = inc.counts["civilians"]
    assert (c.min, c.max) == (18, 21) and inc.date == dt.date(2017, 8, 20)


def test_an_undated_report_with_a_far_count_or_published_long_after_stays_apart():
    assert len(_incidents(("sohr", DATED_21, MON), ("act", UNDATED_FAR, TUE))) == 2
    assert len(_incidents(("sohr", DATED_21, MON), ("act", UNDATED_18, dt.date(2017, 8, 30)))) == 2


def test_an_undated_report_does_not_join_a_strike_after_its_publication():
    assert len(_incidents(("sohr", DATED_21, dt.date(2017, 8, 21)), ("act", UNDATED_18, dt.date(2017, 8, 19)))) == 2


def test_a_report_without_a_place_joins_the_same_day_strike_with_a_close_count_and_the_same_perpetrator():
    (inc,) = _incidents(("sohr", DATED_21, MON), ("cd", UNPLACED_19, MON))
    assert inc.place_id == "nb-badu" and inc.counts["civilians"].min == 19
    assert len(_incidents(("sohr", DATED_21, MON), ("cd", UNPLACED_RUSSIA, MON))) == 2


def test_a_town_and_its_governorate_are_one_place_but_two_towns_are_not():
    (inc,) = _incidents(("sohr", TOWN_70, MON), ("who", GOVERNORATE_72, MON))
    assert inc.place_id == "sp-khan-shaykhun"
    assert incidents._places_match("sp-khan-shaykhun", "gv-idlib")
    assert not incidents._places_match("sp-khan-shaykhun", "sp-ariha")


def test_two_strikes_on_one_day_in_two_districts_of_the_city_stay_two_incidents_beside_an_undated_report():
    incs = _incidents(("a", SOHR_MONDAY, MON), ("b", OTHER_DISTRICT, MON), ("c", UNDATED_18, TUE))
    assert sorted(i.articles for i in incs) == [1, 2]
    assert len(incs) == 2


def test_places_match_a_district_and_its_city_but_not_two_districts():
    assert incidents._places_match("nb-badu", "rq-city")
    assert not incidents._places_match("nb-badu", "nb-mashlab")
