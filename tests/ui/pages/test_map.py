"""The map page under AppTest, on an empty and on a populated database (no mocks).

The database is `tests/ui/map_population.py`: the shared page population (places as written,
no gazetteer id) plus articles placed in the gazetteer the way the extractor places them. With the
default filters (killed, all dates):

==================  ==========================================  ===========================
place               figures                                     on the map
==================  ==========================================  ===========================
nb-mashlab          M1: 8 civilians (coalition) + a repeat      point: 8
nb-badu             M1: 3 children (regime)                     point: 3
sp-tabqa            M2: 9 fighters (SDF), 2017-08-15            point: 9 (a town)
rq-city             M3: 6 civilians "in Raqqa"                  ring "district not stated": 6
rg-raqqa            M3: 4 civilians, northern countryside       table: too wide for a point
nb-basil            M4: 5 civilians (no coordinate yet)         table: no coordinate
قرية فتاتيش         M4: 2 civilians (not in the gazetteer)      table: not in the gazetteer
(population)        83 killed, places as written only           table
==================  ==========================================  ===========================

Points 20, ring 6, table 11 + 83 = 94: total 120, the trends page's total.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.i18n import catalogue as i18n
from core.storage.store import Store
from core.views import geo, map_layers
from tests.ui import apptest
from tests.ui import map_population as mp
from tests.ui import population as pop
from tests.ui.apptest import app, texts
from tests.ui.map_population import populate_places
from ui.common import widget_key

MAP = "ui/pages/map.py"
POINTS, RING, TOTAL = mp.POINTS, mp.RING, mp.TOTAL
@pytest.fixture
def map_db(tmp_path, monkeypatch):
    path = tmp_path / "map.duckdb"
    close = apptest.use_database(monkeypatch, path)
    populate_places(Store.open(path))
    yield path
    close()


def _deck(at) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def _layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def _table(at, column_key: str):
    """The dataframe on the page that has the column `column_key` (a catalogue key), or None."""
    column = i18n.t(column_key)
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def _unplaced(at):
    return _table(at, "map.col.reason")


def _figures(at):
    return _table(at, "col.sentence")


def _metric(at, key: str) -> int:
    label = i18n.t(key)
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def _trends_total(at, status: str = "killed") -> int:
    """The total of the trends page, the sidebar filters kept (the status switch is the page's)."""
    at.switch_page("ui/pages/trends.py").run()
    if status != "killed":
        at.segmented_control(key="status").set_value(status).run()
    label = i18n.t(f"trends.metric_total.{status}")
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def test_empty_database_says_how_to_add_articles(empty_db):
    at = app(MAP)
    assert not at.exception
    assert texts(at.title) == [i18n.t("map.title")]
    assert i18n.t("empty.map") in texts(at.info)
    assert not at.get("deck_gl_json_chart")


def test_map_draws_places_sized_by_killed_without_a_basemap(map_db):
    at = app(MAP)
    assert not at.exception
    spec = _deck(at)
    assert [layer["id"] for layer in spec["layers"]] == [
        geo.DISTRICTS_LAYER, geo.WATER_LAYER, geo.LINES_LAYER, geo.EXTENT_LAYER, geo.BASE_LAYER, geo.POINTS_LAYER, geo.RING_OUTLINE, geo.RING_LAYER, geo.BASE_LABELS, geo.RING_LABELS,
    ]
    assert "cartocdn" not in json.dumps(spec) and spec["mapStyle"] == "__MAP_STYLE__"
    discs = _layer(spec, geo.POINTS_LAYER)["data"]
    outer = {d["key"]: d for d in sorted(discs, key=lambda d: d["radius"])}  # the largest disc of each place
    assert set(outer) == {"nb-mashlab", "nb-badu", "sp-tabqa"}
    assert {d["key"]: d["killed"] for d in discs} == {"nb-mashlab": 8, "nb-badu": 3, "sp-tabqa": 9}
    assert outer["sp-tabqa"]["radius"] == geo.MAX_RADIUS_PX  # the most killed at one place
    assert outer["nb-badu"]["radius"] < outer["nb-mashlab"]["radius"] < outer["sp-tabqa"]["radius"]
    mashlab = outer["nb-mashlab"]
    assert (mashlab["name_ar"], mashlab["name_en"]) == ("المشلب", "al-Mashlab")
    assert mashlab["line1"] == "Killed: 8 (range 8–8)" and "1 figure in 1 report" in mashlab["line3"]


def test_figures_named_only_as_the_city_are_a_ring_not_spread_over_districts(map_db):
    spec = _deck(app(MAP))
    (ring,) = _layer(spec, geo.RING_OUTLINE)["data"]
    assert (ring["key"], ring["killed"]) == ("rq-city", 6)
    assert _layer(spec, geo.RING_OUTLINE)["filled"] is False  # districts stay visible inside it
    assert _layer(spec, geo.RING_LAYER)["pickable"] is True  # its centre dot: tooltip and click
    (label,) = _layer(spec, geo.RING_LABELS)["data"]
    # in the language of the place names (Arabic by default), never English over Arabic names
    assert label["label"] == map_layers.visual_arabic(i18n.t("map.ring_label", "ar", name="الرقة", n=6))
    assert "rq-city" not in {d["key"] for d in _layer(spec, geo.POINTS_LAYER)["data"]}


def test_gazetteer_places_are_grey_labelled_points_with_arabic_joined_for_deck_gl(map_db):
    spec = _deck(app(MAP))
    base = {d["key"]: d for d in _layer(spec, geo.BASE_LAYER)["data"]}
    assert "nb-basil" not in base and "sp-raqqa" not in base  # no coordinate; a duplicate of rq-city
    assert base["nb-mashlab"]["label"] == map_layers.visual_arabic("المشلب")
    assert base["rq-city"]["label"] == ""  # the ring's label names the city
    labels = _layer(spec, geo.BASE_LABELS)
    assert labels["characterSet"] == "auto" and "Noto Sans Arabic" in labels["fontFamily"]


def test_english_labels_switch(map_db):
    at = app(MAP)
    at.segmented_control(key=widget_key("labels", "en")).set_value("en").run()
    base = {d["key"]: d for d in _layer(_deck(at), geo.BASE_LAYER)["data"]}
    assert base["nb-mashlab"]["label"] == "al-Mashlab"


def test_points_coloured_by_perpetrator_switch(map_db):
    at = app(MAP)
    by_group = {d["key"]: d["colour"] for d in _layer(_deck(at), geo.POINTS_LAYER)["data"]}
    at.segmented_control(key=widget_key("colour", "en")).set_value("perpetrator").run()
    assert not at.exception
    discs = _layer(_deck(at), geo.POINTS_LAYER)["data"]
    assert {d["key"]: d["category"] for d in discs} == {"nb-mashlab": "coalition", "nb-badu": "regime", "sp-tabqa": "sdf"}
    assert {d["key"]: d["colour"] for d in discs} != by_group


def test_map_totals_plus_unplaced_table_equal_the_trends_total(map_db):
    at = app(MAP)
    points, ring = _metric(at, "map.metric_points"), _metric(at, "map.metric_ring")
    table = _unplaced(at)
    unplaced = int(table[i18n.t("map.col.killed")].sum())
    assert (points, ring) == (POINTS, RING)
    assert points + ring + unplaced == _metric(at, "map.metric_total") == TOTAL
    assert _trends_total(at) == TOTAL


@pytest.mark.parametrize(
    "widget, key, value, total",
    [
        ("multiselect", "group", ["civilians"], TOTAL - pop.FIGHTERS - 9 - 3),
        ("multiselect", "perpetrator", ["coalition", "-"], TOTAL - 7 - 3 - 9),
        ("date_input", "dates", (dt.date(2017, 8, 14), dt.date(2017, 8, 27)), 7 + 30 + 20 + 9 + 6 + 4 + 5 + 2),
    ],
    ids=["group", "perpetrator", "dates"],
)
def test_reconciliation_holds_under_filters(map_db, widget, key, value, total):
    at = app(MAP)
    key = key if widget == "date_input" else widget_key(key, "en")  # a choice widget of the language
    getattr(at.sidebar, widget)(key=key).set_value(value).run()
    assert not at.exception
    table = _unplaced(at)
    unplaced = int(table[i18n.t("map.col.killed")].sum()) if table is not None else 0
    on_map = _metric(at, "map.metric_points") + _metric(at, "map.metric_ring") + unplaced
    assert on_map == _metric(at, "map.metric_total") == total
    assert _trends_total(at) == total


def test_unplaced_table_says_why_each_place_is_not_drawn(map_db):
    table = _unplaced(app(MAP))
    why = dict(zip(table[i18n.t("map.col.place")], table[i18n.t("map.col.reason")], strict=True))
    assert why["الباسل — al-Basil"] == i18n.t("map.reason.no_coordinate")
    assert why["ريف الرقة — Raqqa countryside"] == i18n.t("map.reason.wide_area")
    assert why["قرية فتاتيش"] == i18n.t("map.reason.not_in_gazetteer")
    assert why[i18n.t("common.not_stated")] == i18n.t("map.reason.not_stated")


def test_week_replay_shows_one_week_with_the_same_circle_scale(map_db):
    at = app(MAP)
    all_weeks = _layer(_deck(at), geo.POINTS_LAYER)["data"]
    at.segmented_control(key=widget_key("period", "en")).set_value("week").run()
    at.select_slider(key=widget_key("week", "en")).set_value("2017-08-14").run()
    assert not at.exception
    discs = _layer(_deck(at), geo.POINTS_LAYER)["data"]
    assert {d["key"] for d in discs} == {"sp-tabqa"}
    assert discs[0]["radius"] == next(d["radius"] for d in all_weeks if d["key"] == "sp-tabqa")
    at.segmented_control(key=widget_key("period", "en")).set_value("to_week").run()
    assert {d["key"] for d in _layer(_deck(at), geo.POINTS_LAYER)["data"]} == {"sp-tabqa", "nb-mashlab", "nb-badu"}


def test_choosing_a_place_lists_its_figures_with_sentences_and_links(map_db):
    at = app(MAP)
    at.selectbox(key="pick_place").set_value("nb-mashlab").run()
    assert not at.exception
    table = _figures(at)
    assert list(table[i18n.t("col.count")]) == ["8"]  # the repeat is not listed again
    assert list(table[i18n.t("col.sentence")]) == ["قتل 8 مدنيين في حي المشلب بالرقة."]
    assert list(table[i18n.t("col.link")]) == ["articles?article=m1&figure=f1"]


def test_hostile_place_text_stays_plain_text(map_db):
    at = app(MAP)
    at.selectbox(key="pick_place").set_value("<b>حي</b>").run()
    assert not at.exception
    table = _figures(at)
    assert list(table[i18n.t("col.title")]) == [pop.HOSTILE_TITLE]
    assert not [m for m in at.markdown if "onerror" in m.value]
    assert all("<b>" not in h.proto.body or "حي" not in h.proto.body for h in at.get("html"))


def test_map_uses_the_shared_sidebar_filters(map_db):
    at = app(MAP)
    at.sidebar.multiselect(key=widget_key("group", "en")).set_value(["fighters"]).run()
    assert not at.exception
    assert {d["key"] for d in _layer(_deck(at), geo.POINTS_LAYER)["data"]} == {"sp-tabqa"}
    assert _metric(at, "map.metric_total") == pop.FIGHTERS + 9


def test_filter_matching_nothing_says_so(map_db):
    at = app(MAP)
    at.sidebar.multiselect(key=widget_key("perpetrator", "en")).set_value(["regime"]).run()
    at.sidebar.multiselect(key=widget_key("source", "en")).set_value(["SOHR"]).run()
    assert not at.exception
    assert i18n.t("map.no_match") in texts(at.info)
    assert not at.get("deck_gl_json_chart")


def test_arabic_interface_draws_the_ring_label_in_joined_arabic(map_db):
    at = app(MAP)
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not at.exception
    assert texts(at.title) == [i18n.t("map.title", "ar")]
    (label,) = _layer(_deck(at), geo.RING_LABELS)["data"]
    assert label["label"] == map_layers.visual_arabic(i18n.t("map.ring_label", "ar", name="الرقة", n=RING))


def test_chosen_week_outside_new_filters_does_not_break_the_page(map_db):
    at = app(MAP)
    at.segmented_control(key=widget_key("period", "en")).set_value("week").run()
    at.select_slider(key=widget_key("week", "en")).set_value("2017-08-21").run()
    at.sidebar.multiselect(key=widget_key("group", "en")).set_value(["fighters"]).run()
    assert not at.exception
    assert at.select_slider(key=widget_key("week", "en")).value == "2017-08-14"  # the only week left
    assert {d["key"] for d in _layer(_deck(at), geo.POINTS_LAYER)["data"]} == {"sp-tabqa"}


def test_injured_switch_maps_the_injured(map_db):
    at = app(MAP)
    at.segmented_control(key="status").set_value("injured").run()
    assert not at.exception
    assert _metric(at, "map.metric_total") == pop.TOTAL_INJURED == _metric(at, "map.metric_unplaced")
    assert _trends_total(at, "injured") == pop.TOTAL_INJURED


def test_map_choices_go_into_the_url_as_options_and_open_the_same_in_arabic(map_db):
    at = app(MAP)
    at.segmented_control(key=widget_key("colour", "en")).set_value("perpetrator").run()
    at.segmented_control(key=widget_key("view", "en")).set_value("syria").run()
    assert not at.exception
    assert (at.query_params.get("colour"), at.query_params.get("view")) == ("perpetrator", "syria")
    arabic = app(MAP, query_params={"lang": "ar", "colour": "perpetrator", "view": "syria"})
    assert not arabic.exception
    assert arabic.segmented_control(key=widget_key("colour", "ar")).value == "perpetrator"
    assert arabic.segmented_control(key=widget_key("view", "ar")).value == "syria"
    old_link = app(MAP, query_params={"view": "Syria"})  # a label, as links used to carry: the default
    assert old_link.segmented_control(key=widget_key("view", "en")).value == "city"
