"""The Incidents page under AppTest, on a real temporary database (no mocks).

Two articles report one strike on al-Mashlab (AFP 17, then SOHR 27 a day later): one incident,
counted once as 27 (range 17–27). The journalist splits SOHR's report out (two incidents: the charts
now add 17 + 27), then merges them back (27 again). The decisions are kept with who made them.
"""

from __future__ import annotations

import re

import pytest

from core.i18n import catalogue as i18n
from core.incidents import aggregate
from core.storage import incident_queries
from core.storage.store import Store
from core.views import filters
from tests.ui import population as pop
from tests.ui.apptest import app, texts
from ui.common import widget_key

PAGE = "ui/pages/incidents.py"
S1 = "قتل 17 مدنيا في غارة على حي المشلب."
S2 = "ارتفعت حصيلة الغارة على حي المشلب إلى 27 قتيلا مدنيا."
T3 = "وثق المرصد مقتل 40 مدنيا في الرقة خلال الأسبوع من 7 إلى 13 آب."


@pytest.fixture
def strike_db(empty_db):
    place = {"date": "2017-08-10", "place": "حي المشلب", "place_id": "nb-mashlab", "place_precision": "district"}
    s = Store.open(empty_db)
    s.add_articles([
        (pop.article("s1", S1, "غارة على المشلب", "2017-08-10", outlet="AFP"),
         [pop.figure(S1, "f1", "17", 17, source="AFP", perpetrator="coalition", **place)]),
        (pop.article("s2", S2, "ارتفاع الحصيلة", "2017-08-11", outlet="SOHR"),
         [pop.figure(S2, "f1", "27", 27, source="SOHR", **place)]),
        (pop.article("s3", T3, "حصيلة أسبوعية", "2017-08-14", outlet="SOHR"),
         [pop.figure(T3, "f1", "40", 40, kind="toll", date="2017-08-13", date_from="2017-08-07", source="SOHR",
                     place="الرقة", place_id="rq-city", place_precision="city")]),
    ])
    aggregate.recompute(s)
    return empty_db


def _table(at, key: str):
    """The incident list ("incident_table", first) or the chosen incident's reports (second)."""
    return at.dataframe[{"incident_table": 0, "report_table": 1}[key]].value


def _ids(path) -> list[str]:
    return list(incident_queries.incident_list(Store.open(path))["id"])


def _trends_total(at) -> str:
    at.switch_page("ui/pages/trends.py").run()
    label = i18n.t("trends.metric_total.killed")
    value = next(m.value for m in at.metric if m.label == label)
    at.switch_page(PAGE).run()
    return value


def _name(at, who: str = "Lina"):
    at.text_input(key="inc_name_input").input(who)
    at.button(key="inc_name_submit").click().run()


def test_empty_database_says_how_to_add_articles(empty_db):
    at = app(PAGE)
    assert not at.exception
    assert texts(at.title) == [i18n.t("incidents.title")]
    assert i18n.t("empty.incidents") in texts(at.info)
    assert not at.dataframe


def test_one_strike_reported_twice_is_one_incident_with_both_reports_side_by_side(strike_db):
    at = app(PAGE)
    assert not at.exception
    listing = _table(at, "incident_table")
    assert len(listing) == 1
    row = listing.iloc[0]
    assert row[i18n.t("col.place_ar")] == "المشلب" or "المشلب" in row[i18n.t("col.place_ar")]
    assert row[i18n.label("group", "civilians").capitalize()] == "27 (17–27)"
    assert row[i18n.t("col.reports")] == 2
    at.selectbox(key=widget_key("inc_pick", "en")).set_value(_ids(strike_db)[0]).run()
    reports = _table(at, "report_table")
    assert list(reports[i18n.t("col.outlet")]) == ["AFP", "SOHR"]
    assert "Counted once on the charts as 27 (range 17–27), from 2 reports." in texts(at.caption)
    assert list(reports[i18n.t("col.count")]) == ["17", "27"]
    assert list(reports[i18n.t("col.sentence")]) == [S1, S2]
    assert list(reports[i18n.t("col.link")]) == ["articles?article=s1&figure=f1", "articles?article=s2&figure=f1"]


def test_toll_is_compared_with_the_incidents_of_its_week(strike_db):
    at = app(PAGE)
    lines = [m.value.replace("\\", "") for m in at.markdown if "account for" in m.value]  # markdown-escaped
    assert lines == ["- Incidents documented here account for 27 of the 40 reported by SOHR for "
                     "7 Aug 2017–13 Aug 2017 (1 incident)."]


def test_decisions_need_a_name(strike_db):
    at = app(PAGE)
    at.selectbox(key=widget_key("inc_pick", "en")).set_value(_ids(strike_db)[0]).run()
    assert at.button(key="inc_split_button").disabled
    at.button(key="inc_name_submit").click().run()  # no name typed
    assert i18n.t("incidents.error_name") in texts(at.error)


def test_split_then_merge_back(strike_db):
    at = app(PAGE)
    _name(at)
    assert not at.exception
    at.selectbox(key=widget_key("inc_pick", "en")).set_value(_ids(strike_db)[0]).run()
    at.selectbox(key=widget_key("inc_split", "en")).set_value("s2/f1").run()
    at.button(key="inc_split_button").click().run()
    assert not at.exception
    assert i18n.t("incidents.done_split") in texts(at.success)
    assert len(_table(at, "incident_table")) == 2
    assert _trends_total(at) == "44"  # two events now: 17 + 27

    ids = _ids(strike_db)
    assert len(ids) == 2
    at.multiselect(key=widget_key("inc_merge", "en")).set_value(ids).run()
    at.button(key="inc_merge_button").click().run()
    assert not at.exception
    assert i18n.t("incidents.done_merge") in texts(at.success)
    assert len(_table(at, "incident_table")) == 1
    assert _trends_total(at) == "27"

    s = Store.open(strike_db)
    decisions = incident_queries.incident_decision_rows(s)
    assert {d["action"] for d in decisions} == {"split", "merge"}
    assert {d["who"] for d in decisions} == {"Lina"}


def test_merge_and_pick_lists_keep_their_choice_and_speak_arabic_after_a_language_switch(strike_db):
    at = app(PAGE)
    ids = _ids(strike_db)
    at.selectbox(key=widget_key("inc_pick", "en")).set_value(ids[0]).run()
    at.multiselect(key=widget_key("inc_merge", "en")).set_value(ids[:1]).run()
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not at.exception
    pick = at.selectbox(key=widget_key("inc_pick", "ar"))
    merge = at.multiselect(key=widget_key("inc_merge", "ar"))
    assert pick.value == ids[0] and merge.value == ids[:1]
    assert all("المشلب" in o or "الرقة" in o for o in merge.options)
    assert not [o for o in merge.options + pick.options if re.search("[A-Za-z]", o)]


# ---- how sure (issue 17) ------------------------------------------------------------------------
def test_the_incident_says_how_sure_it_is_and_a_reviewer_marks_it_with_a_note_kept_in_history(strike_db):
    at = app(PAGE)
    _name(at, "Rania")
    listing = _table(at, "incident_table")
    assert list(listing[i18n.t("col.corroboration")]) == ["Single source"]
    assert list(listing[i18n.t("col.origins")]) == ["SOHR 27"]  # AFP carried a count: it did not count
    at.selectbox(key=widget_key("inc_pick", "en")).set_value(_ids(strike_db)[0]).run()
    lines = [m.value.replace("\\", "") for m in at.markdown]
    assert any(v.startswith("Single source. Counted by: SOHR 27. Does not pass the publication check.") for v in lines)
    assert any("Joined: same day, same place (al-Mashlab), counts 17–27" in v for v in lines)
    reports = _table(at, "report_table")
    assert list(reports[i18n.t("col.origin")]) == ["not stated", "SOHR"]
    assert list(reports[i18n.t("col.relays")]) == ["AFP", ""]  # SOHR's own site is no relay
    assert "- No reviewer has marked this incident yet." in lines

    at.selectbox(key="inc_verdict@en").set_value("corroborated").run()
    at.text_input(key="inc_verdict_note").input("hospital list of 27 names").run()
    at.button(key="inc_verdict_button").click().run()
    assert not at.exception
    assert i18n.t("incidents.done_verdict") in texts(at.success)
    listing = _table(at, "incident_table")
    assert list(listing[i18n.t("col.corroboration")]) == ["Corroborated"]
    lines = [m.value.replace("\\", "") for m in at.markdown]
    assert any("a reviewer's decision (the rule gives: Single source)" in v and "Passes the publication check." in v
               for v in lines)
    assert any("Rania: marked corroborated" in v and "hospital list of 27 names" in v for v in lines)


def test_the_status_filter_keeps_only_incidents_of_that_status(strike_db):
    at = app(PAGE)
    assert len(_table(at, "incident_table")) == 1
    s = Store.open(strike_db)
    f = filters.Filters(corroboration=("disputed",))
    assert incident_queries.incident_list(s, f).empty
    assert len(incident_queries.incident_list(s, filters.Filters(corroboration=("single_source",)))) == 1
    assert incident_queries.incident_list(s, filters.Filters(passing=True)).empty
