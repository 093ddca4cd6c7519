"""core/views/geo.py: what the map draws, where, and what it lists instead of drawing.

Groups: the placing rules of `place_totals` on a small gazetteer written for the tests (a city with
a district, a district without a coordinate, a governorate with a point, a duplicate city row);
the reconciliation with the trend chart on a real database; sizes, weeks and clicks; the layers;
Arabic labels for deck.gl's TextLayer.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.extraction.gazetteer import Place
from core.i18n import catalogue as i18n
from core.storage import queries
from core.storage import store as store_mod
from core.views import counting, filters, geo, map_layers, trends
from tests.ui import map_population as mp

GAZ = {
    "c": Place("c", "المدينة", "Town (generic point)", 35.95, 39.0, "city", "exact", "gv", "src"),
    "c2": Place("c2", "المدينة", "Town", 35.951, 39.001, "city", "exact", "gv", "src"),  # the same city again
    "d": Place("d", "الحي", "the Quarter", 35.96, 39.01, "district", "approx", "c", "src"),
    "dx": Place("dx", "حي بلا نقطة", "No-point quarter", None, None, "district", None, "c", "src"),
    "t": Place("t", "البلدة", "Townlet", 35.8, 38.5, "town", "exact", "gv", "src"),
    "gv": Place("gv", "محافظة", "Province", 36.0, 38.9, "governorate", "approx", None, "src"),
}


def row(best, place_id=None, place=None, group="civilians", perpetrator=None, article="a", lo=None, hi=None,
        date="2017-08-14", fid="f1"):
    return {"article_id": article, "figure_id": fid, "best": best, "min": lo, "max": hi, "number_text": str(best),
            "group": group, "perpetrator": perpetrator, "place_id": place_id, "place": place, "event_date":
            dt.date.fromisoformat(date), "kind": "incident", "date": date, "source": None, "sentence": "s",
            "title": "t", "outlet": "o", "status": "killed"}


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def by_key(totals: pd.DataFrame) -> dict[str, dict]:
    return {r["key"]: r for r in totals.to_dict("records")}


# ---------------------------------------------------------------- placing rules


def test_district_with_coordinate_is_a_point():
    t = by_key(geo.place_totals(frame(row(5, "d", "حي الحي")), gaz=GAZ))
    assert (t["d"]["shape"], t["d"]["lat"], t["d"]["lon"], t["d"]["best"]) == ("point", 35.96, 39.01, 5)


def test_city_with_districts_named_alone_is_a_ring_never_a_district():
    t = by_key(geo.place_totals(frame(row(6, "c", "المدينة")), gaz=GAZ))
    assert t["c"]["shape"] == "ring"
    assert set(t) == {"c"}


def test_duplicate_city_row_joins_the_first_city():
    t = by_key(geo.place_totals(frame(row(2, "c2", "المدينة"), row(3, "c", "المدينة", article="b")), gaz=GAZ))
    assert set(t) == {"c"} and t["c"]["best"] == 5 and t["c"]["reports"] == 2


def test_two_villages_of_one_name_far_apart_stay_two_places():
    gaz = {**GAZ,
           "v1": Place("v1", "الحمرة", "Hamra", 35.90, 39.10, "village", "exact", "gv", "src"),
           "v2": Place("v2", "الحمرة", "Hamra", 36.20, 38.80, "village", "exact", "gv", "src")}
    t = by_key(geo.place_totals(frame(row(1, "v1"), row(2, "v2", fid="f2")), gaz=gaz))
    assert (t["v1"]["best"], t["v2"]["best"]) == (1, 2)


def test_town_without_districts_is_a_point():
    assert by_key(geo.place_totals(frame(row(4, "t", "البلدة")), gaz=GAZ))["t"]["shape"] == "point"


@pytest.mark.parametrize(
    "place_id, place, key, reason",
    [
        ("dx", "حي بلا نقطة", "dx", "no_coordinate"),
        ("gv", "محافظة", "gv", "wide_area"),  # it has a point, but the text does not say where in it
        (None, "قرية مجهولة", "قرية مجهولة", "not_in_gazetteer"),
        (None, None, geo.NOT_STATED, "not_stated"),
    ],
    ids=["no-coordinate", "governorate", "unknown-village", "no-place"],
)
def test_places_that_cannot_be_drawn_are_kept_with_a_reason(place_id, place, key, reason):
    t = by_key(geo.place_totals(frame(row(7, place_id, place)), gaz=GAZ))
    assert (t[key]["shape"], t[key]["reason"], t[key]["best"]) == (None, reason, 7)
    assert t[key]["lat"] is None or math.isnan(t[key]["lat"])  # never a coordinate made up


def test_totals_add_ranges_figures_and_distinct_reports():
    rows = frame(row(5, "d", lo=5, hi=8), row(3, "d", article="a", fid="f2", group="children"),
                 row(2, "d", article="b", lo=1))
    d = by_key(geo.place_totals(rows, gaz=GAZ))["d"]
    assert (d["best"], d["low"], d["high"], d["figures"], d["reports"]) == (10, 9, 13, 3, 2)
    assert d["breakdown"] == (("civilians", 7), ("children", 3))


def test_breakdown_by_perpetrator_names_missing_ones_not_stated():
    rows = frame(row(5, "d", perpetrator="coalition"), row(2, "d", fid="f2"))
    d = by_key(geo.place_totals(rows, by="perpetrator", gaz=GAZ))["d"]
    assert d["breakdown"] == (("coalition", 5), (geo.NOT_STATED, 2))


def test_unknown_colour_switch_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="group, perpetrator"):
        geo.place_totals(frame(row(1, "d")), by="source", gaz=GAZ)


def test_summary_parts_add_up_to_the_total():
    rows = frame(row(5, "d"), row(6, "c"), row(4, "gv"), row(2, None, "x"), row(1, None, None))
    s = geo.summary(geo.place_totals(rows, gaz=GAZ))
    assert (s["points"], s["rings"], s["unplaced"], s["total"]) == (5, 6, 7, 18)


def test_nothing_to_draw_gives_empty_totals():
    assert geo.place_totals(pd.DataFrame(columns=queries.MAP_COLUMNS)).empty
    assert geo.summary(geo.place_totals(pd.DataFrame(columns=queries.MAP_COLUMNS)))["total"] == 0


# ---------------------------------------------------------------- the same total as the trend chart


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    s = store_mod.Store.open(tmp_path_factory.mktemp("geo") / "geo.duckdb")
    mp.populate_places(s)
    yield s
    s.close()


@pytest.mark.parametrize(
    "f",
    [
        filters.Filters(),
        filters.Filters(status="injured"),
        filters.Filters(kinds="tolls"),
        filters.Filters(groups=("civilians", "children")),
        filters.Filters(perpetrators=("coalition", filters.NOT_STATED)),
        filters.Filters(places=("nb-mashlab", "rq-city", "حي الرميلة")),
        filters.Filters(date_from=dt.date(2017, 8, 14), date_to=dt.date(2017, 8, 27)),
        filters.Filters(sources=("SOHR",)),
    ],
    ids=["default", "injured", "tolls-only", "groups", "perpetrators", "places", "dates", "source"],
)
def test_map_adds_up_what_the_trend_chart_adds_up(db, f):
    totals = geo.place_totals(queries.map_figures(db, f))
    s = geo.summary(totals)
    assert s["points"] + s["rings"] + s["unplaced"] == s["total"]
    assert s["total"] == counting.totals(queries.weekly_totals(db, f))["best"]
    prepared = counting.prepare_rows(queries.trend_rows(db))
    assert s["total"] == counting.totals(counting.weekly_from_rows(prepared, f))["best"]


@pytest.mark.parametrize("by", geo.COLOUR_BY)
def test_the_map_page_totals_added_up_in_the_database_are_those_of_its_rows(db, by):
    """The page has DuckDB add up its places (`queries.map_sums`): the same points, rings, table and
    breakdowns as adding up the rows in pandas, for every week of the replay and up to it."""
    weekly_rows = queries.map_figures(db, filters.Filters())
    first, last = queries.map_span(db, filters.Filters())
    assert geo.weeks_between(first, last) == geo.weeks(weekly_rows) and len(geo.weeks(weekly_rows)) > 1
    periods = [("all", None)] + [(p, w) for p in ("week", "to_week") for w in geo.weeks(weekly_rows)]
    for f in (filters.Filters(), filters.Filters(groups=("civilians",)), filters.Filters(status="injured")):
        rows = queries.map_figures(db, f)
        for period, week in periods:
            in_db = geo.totals_of(queries.map_sums(db, f, by, geo.repeats(), *geo.period_dates(period, week)), by)
            in_pandas = geo.place_totals(geo.in_period(rows, period, week), by)
            assert len(in_db) == len(in_pandas), (f, period, week)
            pd.testing.assert_frame_equal(in_db, in_pandas, check_dtype=False, obj=str((f, period, week)))


def test_populated_database_totals(db):
    s = geo.summary(geo.place_totals(queries.map_figures(db, filters.Filters())))
    assert (s["points"], s["rings"], s["total"]) == (mp.POINTS, mp.RING, mp.TOTAL)


def test_trend_total_of_a_week_and_up_to_a_week(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    rows = queries.map_figures(db, filters.Filters())
    for period in ("week", "to_week"):
        for week in geo.weeks(rows):
            shown = geo.summary(geo.place_totals(geo.in_period(rows, period, week)))["total"]
            assert shown == geo.trend_total(weekly, period, week), (period, week)


# ---------------------------------------------------------------- sizes, weeks, clicks


def test_circle_area_is_proportional_to_killed():
    assert map_layers.radius(40, 40) == geo.MAX_RADIUS_PX
    assert map_layers.radius(10, 40) == pytest.approx(geo.MAX_RADIUS_PX / 2)
    assert map_layers.radius(0, 40) == 0
    assert map_layers.radius(1, 10_000) == geo.MIN_RADIUS_PX  # one death stays visible


def test_nested_discs_each_ring_stands_for_its_group():
    rows = frame(row(9, "d"), row(7, "d", group="children", fid="f2"))
    discs = map_layers.point_rings(geo.place_totals(rows, gaz=GAZ), "group", scale_max=16)
    assert [(d["category"], d["killed"], d["radius"]) for d in discs] == [
        ("civilians", 9, geo.MAX_RADIUS_PX),  # the whole place: 16 killed
        ("children", 7, round(map_layers.radius(7, 16), 2)),  # drawn on top: the inner 7
    ]
    assert discs[0]["colour"][:3] == [0x4C, 0x78, 0xA8]


def test_group_colours_are_the_trend_chart_colours():
    assert geo.GROUP_COLOURS == {g: trends._SERIES_COLOURS[g] for g in filters.GROUP_SERIES}


def test_weeks_include_empty_weeks_between_first_and_last():
    rows = frame(row(1, "d", date="2017-08-02"), row(1, "d", date="2017-08-24", fid="f2"))
    assert geo.weeks(rows) == [dt.date(2017, 7, 31), dt.date(2017, 8, 7), dt.date(2017, 8, 14), dt.date(2017, 8, 21)]


def test_one_week_and_up_to_a_week():
    rows = frame(row(1, "d", date="2017-08-02"), row(2, "d", date="2017-08-09", fid="f2"),
                 row(4, "d", date="2017-08-16", fid="f3"))
    assert list(geo.in_period(rows, "week", dt.date(2017, 8, 7))["best"]) == [2]
    assert list(geo.in_period(rows, "to_week", dt.date(2017, 8, 7))["best"]) == [1, 2]
    assert len(geo.in_period(rows, "all", dt.date(2017, 8, 7))) == 3
    with pytest.raises(ValueError, match="all, week, to_week"):
        geo.in_period(rows, "month", None)


def test_a_place_key_stands_for_its_repeated_gazetteer_rows():
    assert geo.ids_of("c", gaz=GAZ) == ["c", "c2"]
    assert geo.ids_of("قرية س", gaz=GAZ) == ["قرية س"]
    keys = geo.place_keys(frame(row(2, "c2"), row(1, None, "قرية س"), row(1)), gaz=GAZ)
    assert list(keys) == ["c", "قرية س", geo.NOT_STATED]


def test_each_place_lists_exactly_the_figures_it_adds_up(db):
    f = filters.Filters()
    totals = geo.place_totals(queries.map_figures(db, f))
    for r in totals.to_dict("records"):
        listed = queries.map_place_figures(db, f, geo.ids_of(r["key"]))
        assert (len(listed), int(listed["best"].sum())) == (r["figures"], r["best"]), r["key"]


def test_place_figures_of_one_week_of_the_replay(db):
    f = filters.Filters()
    week = dt.date(2017, 8, 14)
    listed = queries.map_place_figures(db, f, ["sp-tabqa", "nb-mashlab"], *geo.period_dates("week", week))
    assert list(listed["place_id"]) == ["sp-tabqa"]  # Mashlab's figure is of the week before
    assert list(listed["sentence"]) == ["قتل 9 مقاتلين في مدينة الطبقة."]
    assert geo.period_dates("to_week", week) == (None, dt.date(2017, 8, 20))
    assert geo.period_dates("all", week) == (None, None)


@pytest.mark.parametrize(
    "state, key",
    [
        ({"selection": {"indices": {geo.POINTS_LAYER: [2]}, "objects": {geo.POINTS_LAYER: [{"key": "nb-badu"}]}}},
         "nb-badu"),
        ({"selection": {"indices": {geo.RING_LAYER: [0]}, "objects": {geo.RING_LAYER: [{"key": "rq-city"}]}}},
         "rq-city"),
        ({"selection": {"indices": {}, "objects": {}}}, None),
        (None, None),
        ({"selection": {"objects": {"other": [{"key": "x"}]}}}, None),
    ],
    ids=["point", "ring", "cleared", "none", "unknown-layer"],
)
def test_click_on_the_map_gives_the_place(state, key):
    assert geo.pick_from_selection(state) == key


# ---------------------------------------------------------------- layers and tables


def test_unplaced_table_lists_every_place_not_drawn_with_its_reason():
    rows = frame(row(5, "d"), row(4, "gv"), row(2, None, "قرية مجهولة"), row(1))
    table = geo.unplaced_table(geo.place_totals(rows, gaz=GAZ))
    place, reason = i18n.t("map.col.place"), i18n.t("map.col.reason")
    assert dict(zip(table[place], table[reason], strict=True)) == {
        "محافظة — Province": i18n.t("map.reason.wide_area"),
        "قرية مجهولة": i18n.t("map.reason.not_in_gazetteer"),
        i18n.t("common.not_stated"): i18n.t("map.reason.not_stated"),
    }


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_reason_and_kind_has_a_message(lang):
    for key in [*(f"map.reason.{r}" for r in geo.REASONS), *(f"map.kind.{k}" for k in geo.POINT_PRECISIONS),
                *(f"map.period.{p}" for p in geo.PERIODS), *(f"map.view.{v}" for v in geo.VIEWS),
                *(f"map.colour_by.{c}" for c in geo.COLOUR_BY), *(f"map.labels.{x}" for x in geo.LABEL_LANGS)]:
        assert key in i18n.messages(lang), key


def test_base_layer_draws_each_place_once_and_only_with_a_coordinate():
    base = {d["key"]: d for d in map_layers.base_points(GAZ, labels="en")}
    assert set(base) == {"c", "d", "t"}  # c2 repeats c; dx has no point; gv is too wide
    assert base["c"]["label"] == "Town" and base["d"]["name_ar"] == "الحي"


def test_deck_has_no_basemap_unless_tiles_are_asked_for(db):
    totals = geo.place_totals(queries.map_figures(db, filters.Filters()))
    offline = json.loads(map_layers.deck(totals).to_json())
    assert "cartocdn" not in json.dumps(offline) and offline["mapStyle"] == "__MAP_STYLE__"
    online = json.loads(map_layers.deck(totals, tiles=True).to_json())
    assert online["mapStyle"] == geo.TILES_URL


def _near(path, lon, lat, km):
    return min(math.hypot((x - lon) * 90.0, (y - lat) * 111.0) for x, y in path) < km


def test_base_map_has_the_districts_with_raqqa_and_its_arabic_name():
    districts = map_layers.base_geography("en")["districts"]
    names = {(d["name_en"], d["name_ar"]) for d in districts}
    assert len({n for n, _ in names}) == 61  # OCHA's 61 districts (mintaqa)
    assert {("Ar-Raqqa", "مركز الرقة"), ("Ath-Thawrah", "الثورة"), ("Tell Abiad", "تل أبيض")} <= names
    raqqa = next(d for d in districts if d["name_en"] == "Ar-Raqqa")
    assert raqqa["line1"] == "district (administrative)"
    xs, ys = [x for x, _ in raqqa["polygon"]], [y for _, y in raqqa["polygon"]]
    assert min(xs) < 39.01 < max(xs) and min(ys) < 35.95 < max(ys)  # the city lies in its district


def test_khabur_runs_from_hasakah_to_the_euphrates_and_the_balikh_reaches_raqqa():
    rivers = {d["name_en"]: d for d in map_layers.base_geography("ar")["lines"] if d["kind"] == "river"}
    khabur, balikh = rivers["Khabur"], rivers["Balikh"]
    assert khabur["name_ar"] == "الخابور" and khabur["line1"] == "نهر"
    assert _near(khabur["path"], 40.75, 36.50, 3) and _near(khabur["path"], 40.43, 35.15, 3)  # al-Hasakah, al-Busayrah
    assert _near(balikh["path"], 38.95, 36.70, 6) and _near(balikh["path"], 39.01, 35.95, 10)  # Tal Abyad, Raqqa
    assert {"Euphrates", "Khabur", "Balikh"} <= set(rivers)


def test_governorate_outlines_are_drawn_over_the_districts_and_rivers_over_all():
    lines = map_layers.base_geography("en")["lines"]
    kinds = [d["kind"] for d in lines]
    assert kinds.index("river") > max(i for i, k in enumerate(kinds) if k == "governorate")
    assert kinds.count("governorate") >= 14


def test_base_map_file_stays_small():
    assert geo.GEO_FILE.stat().st_size < 200_000  # simplified for the country and city views


def test_map_sent_to_the_browser_stays_small_with_the_districts(db):
    totals = geo.place_totals(queries.map_figures(db, filters.Filters()))
    sent = map_layers.deck(totals, view="syria").to_json()
    assert len(sent.encode()) < 300_000  # compact JSON: pydeck's indentation tripled it
    assert json.loads(sent)["layers"][0]["id"] == geo.DISTRICTS_LAYER


def test_tooltips_carry_no_article_text(db):
    totals = geo.place_totals(queries.map_figures(db, filters.Filters()))
    spec = json.loads(map_layers.deck(totals).to_json())
    text = json.dumps(spec, ensure_ascii=False)
    assert "<script>" not in text and "onerror" not in text and "<b>حي</b>" not in text


# ---------------------------------------------------------------- Arabic labels


def _is_form(c: str) -> str | None:
    dec = unicodedata.decomposition(c)
    return dec.split()[0][1:-1] if dec.startswith("<") else None


def test_arabic_label_is_joined_and_in_visual_order():
    label = map_layers.visual_arabic("المشلب")
    # visual order: the last letter (ب, final form) first, the alef (isolated) last
    assert [_is_form(c) for c in label] == ["final", "medial", "medial", "medial", "initial", "isolated"]
    assert unicodedata.normalize("NFKC", label)[::-1] == "المشلب"


def test_lam_alef_becomes_one_ligature():
    assert map_layers.visual_arabic("لا") == "\ufefb"
    assert map_layers.visual_arabic("الأندلس")[-2:] == "\ufef7\ufe8d"  # لأ as one glyph, then the isolated alef


def test_right_joining_letters_break_the_word():
    label = map_layers.visual_arabic("بدر")
    assert [_is_form(c) for c in label] == ["isolated", "final", "initial"]  # د never joins the ر after it


def test_digits_and_latin_keep_their_order_in_an_arabic_label():
    label = map_layers.visual_arabic("شارع 23 شباط")
    assert " 23 " in label
    assert unicodedata.normalize("NFKC", label) == "طابش 23 عراش"
    assert map_layers.visual_arabic("حارة البدو al-Badu").startswith("al-Badu ")


def test_diacritics_and_tatweel_are_dropped_from_labels():
    assert map_layers.visual_arabic("الرَّقّـة") == map_layers.visual_arabic("الرقة")


def test_english_label_is_unchanged():
    assert map_layers.visual_arabic("al-Mashlab (landmark)") == "al-Mashlab (landmark)"


@given(st.text())
def test_visual_arabic_never_raises(text):
    assert isinstance(map_layers.visual_arabic(text), str)
