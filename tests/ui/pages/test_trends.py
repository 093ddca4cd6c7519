"""The trends page under AppTest, on an empty and on a populated database (no mocks).

The populated database is described in `tests/ui/population.py`: what the chart must add up
and what it must leave out.
"""

from __future__ import annotations

from core.i18n import catalogue as i18n
from tests.ui import population as pop
from tests.ui.apptest import app, texts
from ui.common import widget_key


def _metric(at, label_key: str) -> str:
    label = i18n.t(label_key)
    return next(m.value for m in at.metric if m.label == label)


def test_empty_database_says_how_to_add_articles(empty_db):
    at = app()
    assert not at.exception
    assert texts(at.title) == [i18n.t("trends.title")]
    assert i18n.t("empty.trends") in texts(at.info)
    assert i18n.t("empty.load_samples") in [b.label for b in at.button]
    assert not at.get("plotly_chart")


def test_chart_adds_each_killed_figure_once(populated_db):
    at = app()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert _metric(at, "trends.metric_total.killed") == f"{pop.TOTAL_KILLED:,}"
    assert _metric(at, "trends.metric_range") == "{:,}–{:,}".format(*pop.TOTAL_RANGE)
    assert _metric(at, "trends.metric_tolls") == "1"


def test_arabic_range_reads_low_to_high_in_words_not_a_dash_that_bidi_swaps(populated_db):
    at = app(query_params={"lang": "ar"})
    value = next(m.value for m in at.metric if m.label == i18n.t("trends.metric_range", "ar"))
    low, high = pop.TOTAL_RANGE
    assert value == f"{i18n.format_number(low, 'ar')} إلى {i18n.format_number(high, 'ar')}"
    assert "–" not in value and "-" not in value


def test_undated_and_vague_figures_are_reported_not_dropped(populated_db):
    at = app()
    (note,) = [c for c in texts(at.caption) if c.startswith("Not on the chart")]
    assert note == (
        "Not on the chart: 1 incident with no known date (3 civilians; choose “Date unknown” below to list it); "
        "1 report with a vague number such as “dozens”, not added up."
    )


def test_injured_switch_shows_injured(populated_db):
    at = app()
    at.segmented_control(key="status").set_value("injured").run()
    assert not at.exception
    assert _metric(at, "trends.metric_total.injured") == f"{pop.TOTAL_INJURED:,}"


def test_group_filter_in_sidebar_narrows_the_chart_and_goes_into_the_url(populated_db):
    at = app()
    at.sidebar.multiselect(key=widget_key("group", "en")).set_value(["fighters"]).run()
    assert not at.exception
    assert _metric(at, "trends.metric_total.killed") == f"{pop.FIGHTERS:,}"
    assert at.query_params.get("group") == "fighters"


def test_injured_switch_goes_into_the_url(populated_db):
    at = app()
    at.segmented_control(key="status").set_value("injured").run()
    assert at.query_params.get("status") == "injured"


def test_link_made_in_the_arabic_interface_opens_the_same_view_in_english(populated_db):
    at = app(query_params={"group": "fighters", "from": "2017-08-01", "to": "2017-08-31", "lang": "ar"})
    assert texts(at.title) == [i18n.t("trends.title", "ar")]
    english = app(query_params={k: v for k, v in at.query_params.items() if k != "lang"})
    assert not english.exception
    assert english.sidebar.multiselect(key=widget_key("group", "en")).value == ["fighters"]
    assert _metric(english, "trends.metric_total.killed") == f"{pop.FIGHTERS:,}"


def test_nonsense_in_a_link_is_ignored(populated_db):
    at = app(query_params={"group": ["fighters", "aliens"], "status": "dead", "from": "yesterday"})
    assert not at.exception
    assert at.sidebar.multiselect(key=widget_key("group", "en")).value == ["fighters"]
    assert _metric(at, "trends.metric_total.killed") == f"{pop.FIGHTERS:,}"


def test_shared_link_with_filters_opens_the_same_view(populated_db):
    at = app(query_params={"group": "fighters"})
    assert not at.exception
    assert at.sidebar.multiselect(key=widget_key("group", "en")).value == ["fighters"]
    assert _metric(at, "trends.metric_total.killed") == f"{pop.FIGHTERS:,}"


def test_tolls_only_shows_no_sum_but_the_toll_marker(populated_db):
    at = app()
    at.sidebar.radio(key=widget_key("kinds", "en")).set_value("tolls").run()
    assert not at.exception
    assert _metric(at, "trends.metric_total.killed") == "0"
    assert _metric(at, "trends.metric_tolls") == "1"


def test_filter_matching_nothing_says_so(populated_db):
    at = app()
    at.sidebar.multiselect(key=widget_key("perpetrator", "en")).set_value(["regime"]).run()
    at.sidebar.multiselect(key=widget_key("source", "en")).set_value(["SOHR"]).run()
    assert not at.exception
    assert i18n.t("trends.no_match") in texts(at.info)


def test_choosing_a_week_lists_the_figures_behind_it(populated_db):
    at = app()
    at.selectbox(key=widget_key("pick_week", "en")).set_value("2017-08-14").run()
    assert not at.exception
    table = at.dataframe[-1].value
    counts = sorted(table[i18n.t("col.count")])
    assert counts == ["20", "30 (30–35)", "7"]
    links = list(table[i18n.t("col.link")])
    assert "articles?article=a2&figure=f2" in links


def test_of_which_children_lists_the_part_not_the_total(populated_db):
    at = app()
    at.selectbox(key=widget_key("pick_week", "en")).set_value("2017-08-07").run()
    at.selectbox(key=widget_key("pick_series", "en")).set_value("of_which_children").run()
    table = at.dataframe[-1].value
    assert list(table[i18n.t("col.count")]) == ["4"]
    assert list(table[i18n.t("col.group")]) == ["children"]


def test_date_unknown_figures_are_listed(populated_db):
    at = app()
    at.selectbox(key=widget_key("pick_series", "en")).set_value("undated").run()
    table = at.dataframe[-1].value
    assert list(table[i18n.t("col.count")]) == ["3"]
    assert list(table[i18n.t("col.date")]) == [i18n.t("common.date_unknown")]


def test_hostile_article_text_stays_plain_text_in_the_table(populated_db):
    at = app()
    at.selectbox(key=widget_key("pick_week", "en")).set_value("2017-09-04").run()
    table = at.dataframe[-1].value
    assert list(table[i18n.t("col.title")]) == [pop.HOSTILE_TITLE]
    assert [h.proto.body for h in at.get("html") if not h.proto.body.lstrip().startswith("<style>")] == []  # only our CSS
    assert not [m for m in at.markdown if "onerror" in m.value]


def test_how_the_chart_counts_is_explained(populated_db):
    at = app()
    assert i18n.t("trends.how_title") in [e.label for e in at.main.expander]


# ---- each event once ---------------------------------------------------------------------------
S1 = "قتل 17 مدنيا في غارة على حي المشلب."
S2 = "ارتفعت حصيلة الغارة على حي المشلب إلى 27 قتيلا مدنيا."


def test_two_articles_reporting_one_strike_show_its_latest_count_once(empty_db):
    from core.storage.store import Store

    place = {"date": "2017-08-10", "place": "حي المشلب", "place_id": "nb-mashlab", "place_precision": "district"}
    Store.open(empty_db).add_articles([
        (pop.article("s1", S1, "غارة على المشلب", "2017-08-10", outlet="AFP"),
         [pop.figure(S1, "f1", "17", 17, source="AFP", **place)]),
        (pop.article("s2", S2, "ارتفاع الحصيلة", "2017-08-11", outlet="SOHR"),
         [pop.figure(S2, "f1", "27", 27, source="SOHR", **place)]),
    ])  # no recompute here: the page regroups figures that were added without it
    at = app()
    assert not at.exception
    assert _metric(at, "trends.metric_total.killed") == "27"  # not 44
    assert _metric(at, "trends.metric_range") == "17–27"
    at.sidebar.multiselect(key=widget_key("source", "en")).set_value(["AFP"]).run()  # the incident has an AFP report
    assert _metric(at, "trends.metric_total.killed") == "27"


def test_a_week_and_series_set_as_a_chart_click_sets_them_are_shown_picked_and_list_the_figures(populated_db):
    at = app()
    # what the chart's click callback (_on_chart_select) writes: data keys, not labels
    at.session_state["pick_week"] = "2017-08-07"
    at.session_state["pick_series"] = "civilians"
    at.run()
    assert not at.exception
    assert at.selectbox(key=widget_key("pick_week", "en")).value == "2017-08-07"
    assert at.selectbox(key=widget_key("pick_series", "en")).value == "civilians"
    assert i18n.t("col.sentence") in at.dataframe[-1].value.columns


def test_the_total_that_passes_the_publication_check_is_shown_beside_all(populated_db):
    at = app()
    at.toggle(key="trend_passing").set_value(True).run()
    assert not at.exception
    lines = [m.value.replace("\\", "") for m in at.markdown]
    # nothing in the sample is counted by two independent bodies: none of it passes yet
    assert f"Passing the publication check: 0 of {pop.TOTAL_KILLED:,}." in lines


def test_a_link_asking_for_disputed_incidents_only_opens_with_that_filter(populated_db):
    at = app(query_params={"corroboration": "disputed"})
    assert not at.exception
    assert at.sidebar.multiselect(key=widget_key("corroboration", "en")).value == ["disputed"]
    assert _metric(at, "trends.metric_total.killed") == "0"  # no incident is disputed; the toll stays
