"""The page queries of `core.storage.store` count incidents: one strike reported by two articles (AFP 17,
then SOHR 27 a day later) is added up once, as 27, on the chart and on the map (real DuckDB file
under tmp_path, no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.incidents import aggregate
from core.storage import incident_queries, queries
from core.storage.store import Store
from core.views import counting, filters, geo
from tests.ui import population as pop

S1 = "قتل 17 مدنيا بينهم 5 أطفال في غارة على حي المشلب."
S2 = "ارتفعت حصيلة الغارة على حي المشلب إلى 27 قتيلا مدنيا."
WEEK = dt.date(2017, 8, 7)


@pytest.fixture
def db(tmp_path):
    place = {"date": "2017-08-10", "place": "حي المشلب", "place_id": "nb-mashlab", "place_precision": "district"}
    s = Store.open(tmp_path / "i.duckdb")
    s.add_articles([
        (pop.article("s1", S1, "غارة", "2017-08-10", outlet="AFP"),
         [pop.figure(S1, "f1", "17", 17, source="AFP", perpetrator="coalition", **place),
          pop.figure(S1, "f2", "5", 5, group="children", part_of="f1", source="AFP", **place)]),
        (pop.article("s2", S2, "ارتفاع الحصيلة", "2017-08-11", outlet="SOHR"),
         [pop.figure(S2, "f1", "27", 27, source="SOHR", **place)]),
    ])
    aggregate.recompute(s)
    yield s
    s.close()


def test_chart_adds_the_strike_once_with_its_latest_count_and_range(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    rows = weekly.set_index("series").loc[:, ["best", "low", "high", "figures"]].to_dict("index")
    assert rows == {"civilians": {"best": 27, "low": 17, "high": 27, "figures": 1},
                    "of_which_children": {"best": 5, "low": 5, "high": 5, "figures": 1}}


@pytest.mark.parametrize("source, total", [("AFP", 27), ("SOHR", 27), ("RBSS", 0)])
def test_source_filter_keeps_an_incident_if_any_report_has_the_source(db, source, total):
    f = filters.Filters(sources=(source,))
    sql = counting.totals(queries.weekly_totals(db, f))["best"]
    rows = counting.totals(counting.weekly_from_rows(counting.prepare_rows(queries.trend_rows(db)), f))["best"]
    assert sql == rows == total


def test_perpetrator_named_by_one_report_is_the_incidents(db):
    f = filters.Filters(perpetrators=("coalition",))
    assert counting.totals(queries.weekly_totals(db, f))["best"] == 27


def test_map_counts_the_strike_once_and_shows_the_sentence_that_gave_its_count(db):
    f = filters.Filters()
    totals = geo.place_totals(queries.map_figures(db, f))
    assert totals[["key", "best", "low", "high"]].to_dict("records") == [
        {"key": "nb-mashlab", "best": 27, "low": 17, "high": 27}]
    listed = queries.map_place_figures(db, f, ["nb-mashlab"])
    assert list(listed["sentence"]) == [S2] and list(listed["reports"]) == [2]


def test_figures_behind_the_week_are_both_reports_of_the_one_incident(db):
    behind = queries.figures_behind(db, filters.Filters(), WEEK, "total")
    assert sorted(behind["best"]) == [17, 27]
    assert behind["incident_id"].nunique() == 1
    parts = queries.figures_behind(db, filters.Filters(), WEEK, "of_which_children")
    assert list(parts["best"]) == [5]


def test_split_decision_makes_two_incidents_on_the_chart(db):
    aggregate.split_out(db, ("s2", "f1"), [("s1", "f1")], "Lina")
    assert counting.totals(queries.weekly_totals(db, filters.Filters()))["best"] == 44
    aggregate.merge(db, [("s2", "f1")], [("s1", "f1")], "Lina")
    assert counting.totals(queries.weekly_totals(db, filters.Filters()))["best"] == 27
    assert aggregate.is_current(db)


def test_the_headline_counts_every_incident_not_only_the_latest_page(tmp_path):
    # three strikes on three days; the largest is the oldest, beyond a page of the two latest
    s = Store.open(tmp_path / "h.duckdb")
    strikes = [("a1", "2017-08-01", "حي المشلب", "nb-mashlab", 40, "coalition"),
               ("a2", "2017-08-09", "حارة البدو", "nb-badu", 6, None),
               ("a3", "2017-08-16", "حي الدرعية", "nb-dariya", 3, "is")]
    for aid, day, place, pid, n, perp in strikes:
        text = f"قتل {n} مدنيا في غارة على {place}."
        s.add_articles([(pop.article(aid, text, "غارة", day, outlet="AFP"),
                         [pop.figure(text, "f1", str(n), n, source="AFP", perpetrator=perp, date=day, place=place,
                                     place_id=pid, place_precision="district")])])
    aggregate.recompute(s)
    try:
        facts = incident_queries.headline_facts(s, filters.Filters(), "killed", largest=1)
        assert facts["incidents"] == 3 and facts["counted"] == 49 and facts["named"] == 43
        assert facts["largest"].loc[0, "best_people"] == 40 and str(facts["largest"].loc[0, "date"])[:10] == "2017-08-01"
        page = incident_queries.incident_list(s, filters.Filters(), limit=2)
        assert 40 not in set(page["best_civilians"])  # the page alone would have missed it
    finally:
        s.close()
