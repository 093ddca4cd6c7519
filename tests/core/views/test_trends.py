"""The counting rule, the chart and the article view of `core.trends`, and the page queries of
`core.storage.store` that apply the same rule in SQL (real DuckDB file under tmp_path, no mocks)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.storage import queries
from core.storage.store import Store
from core.views import article_view, counting, filters, page_tables, trends
from tests.ui import population as pop

D = dt.date


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "t.duckdb")
    pop.populate(s)
    yield s
    s.close()


def _rows(s: Store) -> pd.DataFrame:
    return counting.prepare_rows(queries.trend_rows(s))


def _all_figures(s: Store) -> pd.DataFrame:
    return s.cursor().execute("SELECT * FROM figures").df()


def _week(df: pd.DataFrame, week: dt.date, series: str) -> tuple[int, int, int]:
    row = df[(df["week"] == week) & (df["series"] == series)].iloc[0]
    return int(row["best"]), int(row["low"]), int(row["high"])


# ---- the counting rule ---------------------------------------------------------------------------
def test_repeat_and_part_are_not_added_to_the_total(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    assert _week(weekly, D(2017, 8, 7), "civilians") == (12, 12, 12)
    assert _week(weekly, D(2017, 8, 7), "of_which_children") == (4, 4, 4)
    assert counting.totals(weekly)["best"] == pop.TOTAL_KILLED


def test_superseded_count_is_not_added_and_does_not_set_the_low_end(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    # best 9, once; the earlier count 6, revised in the same article, is not a disagreement
    assert _week(weekly, D(2017, 8, 28), "civilians") == (9, 9, 9)


def test_range_sums_min_and_max_and_open_ended_max_shows_as_best(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    assert _week(weekly, D(2017, 8, 14), "civilians") == (37, 37, 42)
    assert _week(weekly, D(2017, 8, 14), "fighters") == (20, 20, 20)
    assert (counting.totals(weekly)["low"], counting.totals(weekly)["high"]) == pop.TOTAL_RANGE


def test_running_toll_is_a_marker_never_a_sum(db):
    f = filters.Filters()
    weekly = queries.weekly_totals(db, f)
    assert D(2017, 8, 21) not in set(weekly["week"])
    tolls = counting.tolls_from_rows(_rows(db), f)
    assert list(tolls["best"]) == [125]
    assert list(tolls["tolls"]) == [1]
    assert trends.toll_label(tolls.iloc[0].to_dict()) == "SOHR: 125 in the week to 21 Aug 2017"


def test_week_starts_on_monday_of_the_event_date(db):
    weekly = queries.weekly_totals(db, filters.Filters())
    assert all(w.weekday() == 0 for w in weekly["week"])


def test_undated_and_vague_figures_are_counted_apart(db):
    notes = counting.notes_from_rows(_rows(db), filters.Filters())
    assert notes == {"undated": 1, "undated_sum": 3, "undated_sum.civilians": 3, "undated_tolls": 0, "vague": 1}


def test_date_filter_does_not_hide_the_undated_count(db):
    f = filters.Filters(date_from=D(2017, 8, 20), date_to=D(2017, 8, 31))
    assert counting.notes_from_rows(_rows(db), f)["undated"] == 1
    assert counting.totals(queries.weekly_totals(db, f))["best"] == 9


def test_injured_status_counts_only_injured(db):
    weekly = queries.weekly_totals(db, filters.Filters(status="injured"))
    assert counting.totals(weekly)["best"] == pop.TOTAL_INJURED


@pytest.mark.parametrize(
    "filters",
    [
        filters.Filters(),
        filters.Filters(status="injured"),
        filters.Filters(groups=("fighters",)),
        filters.Filters(groups=("civilians",), perpetrators=("coalition",)),
        filters.Filters(perpetrators=(filters.NOT_STATED,)),
        filters.Filters(sources=("SOHR",)),
        filters.Filters(places=("حي البدو", filters.NOT_STATED)),
        filters.Filters(date_from=D(2017, 8, 14), date_to=D(2017, 8, 20)),
        filters.Filters(kinds="tolls"),
    ],
    ids=["default", "injured", "fighters", "coalition-civilians", "no-perpetrator", "sohr", "places",
         "one-week", "tolls-only"],
)
def test_sql_pandas_and_prepared_rows_aggregations_agree(db, filters):
    sql = queries.weekly_totals(db, filters).reset_index(drop=True)
    pandas = counting.weekly_from_frame(queries.trend_rows(db), filters).reset_index(drop=True)
    rows = counting.weekly_from_rows(_rows(db), filters).reset_index(drop=True)
    pd.testing.assert_frame_equal(sql, pandas, check_dtype=False)
    pd.testing.assert_frame_equal(sql, rows, check_dtype=False)


def test_figures_behind_a_week_are_the_ones_added_up(db):
    f = filters.Filters()
    rows = queries.figures_behind(db, f, D(2017, 8, 14), "total")
    assert sorted(rows["best"]) == [7, 20, 30]
    assert set(rows["title"]) == {"حصيلة أسبوعية", "ارتفاع الحصيلة"}
    toll = queries.figures_behind(db, f, D(2017, 8, 21), "toll")
    assert list(toll["best"]) == [125]


def test_filter_options_offer_not_stated_for_missing_values(db):
    opts = counting.options_from_rows(_rows(db), queries.place_names(db))
    assert filters.NOT_STATED in opts["perpetrators"]
    assert {"coalition", "regime"} <= set(opts["perpetrators"])
    assert opts["first"] == D(2017, 8, 13) and opts["last"] == D(2017, 9, 4)


def test_article_search_ignores_wildcards(db):
    assert list(queries.list_articles(db, "الرميلة")["id"]) == ["a3"]
    assert queries.list_articles(db, "%").empty
    assert len(queries.list_articles(db)) == 5


def test_empty_database_gives_empty_frames(tmp_path):
    s = Store.open(tmp_path / "e.duckdb")
    try:
        f = filters.Filters()
        assert queries.weekly_totals(s, f).empty
        rows = _rows(s)
        assert counting.weekly_from_rows(rows, f).empty
        assert counting.tolls_from_rows(rows, f).empty
        assert counting.notes_from_rows(rows, f)["undated"] == 0
        assert counting.options_from_rows(rows)["first"] is None
        assert queries.article_count(s) == 0
        assert counting.weekly_from_frame(queries.trend_rows(s), f).empty
    finally:
        s.close()


# ---- filters -------------------------------------------------------------------------------------
def test_date_range_ending_before_it_starts_is_refused_with_both_dates():
    with pytest.raises(filters.FilterError, match="2017-08-01.*2017-08-20"):
        filters.Filters(date_from=D(2017, 8, 20), date_to=D(2017, 8, 1))


def test_unknown_status_and_kind_are_both_named():
    with pytest.raises(filters.FilterError) as err:
        filters.Filters(status="dead", kinds="some")
    assert "'dead'" in str(err.value) and "'some'" in str(err.value)


def test_half_picked_date_range_filters_from_its_start():
    f = filters.filters_from_values(dates=[D(2017, 8, 1)])
    assert (f.date_from, f.date_to) == (D(2017, 8, 1), None)


def test_filters_survive_the_url_round_trip():
    f = filters.Filters(status="injured", kinds="tolls", date_from=D(2017, 8, 1), date_to=D(2017, 8, 31),
                       groups=("children", "women"), perpetrators=("coalition", filters.NOT_STATED),
                       places=("حي البدو",), sources=("SOHR",))
    assert filters.filters_from_params(filters.filters_to_params(f)) == f
    assert filters.filters_to_params(filters.Filters()) == {}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "dead"}, filters.Filters()),
        ({"from": "2017-13-45"}, filters.Filters()),
        ({"from": "2017-08-31", "to": "2017-08-01"}, filters.Filters(date_from=D(2017, 8, 31))),
        ({"group": ["aliens", "women", "women"]}, filters.Filters(groups=("women",))),
        ({"kinds": ["tolls", "nonsense"]}, filters.Filters(kinds="tolls")),
    ],
    ids=["bad-status", "bad-date", "reversed-range", "unknown-and-repeated-group", "last-valid-kind"],
)
def test_nonsense_in_url_parameters_is_ignored(params, expected):
    assert filters.filters_from_params(params) == expected


# ---- chart ---------------------------------------------------------------------------------------
def test_chart_stacks_groups_and_puts_tolls_on_their_own_axis(db):
    f = filters.Filters()
    fig = trends.chart(queries.weekly_totals(db, f), counting.tolls_from_rows(_rows(db), f))
    by_name = {t.name: t for t in fig.data}
    assert fig.layout.barmode == "stack"
    assert by_name["Running tolls"].yaxis == "y2"
    assert list(by_name["Running tolls"].text) == ["SOHR: 125 in the week to 21 Aug 2017"]
    assert by_name["of which children"].mode == "markers"
    total = by_name["Total added up (with range)"]
    assert list(total.y) == [12, 57, 9, 5]
    assert list(total.error_y.array) == [0, 5, 0, 0]


def test_chart_escapes_source_names_in_labels():
    tolls = pd.DataFrame([{"week": D(2017, 8, 21), "event_date": D(2017, 8, 21), "source": "<b>x</b>",
                           "best": 3, "date": "2017-08-21", "date_from": None}])
    fig = trends.chart(pd.DataFrame(columns=filters.WEEKLY_COLUMNS), tolls)
    assert fig.data[0].text[0] == "&lt;b&gt;x&lt;/b&gt;: 3 up to 21 Aug 2017"


def test_undated_fighters_are_called_fighters_not_people():
    notes = {"undated": 1, "undated_sum": 200, "undated_sum.fighters": 200, "vague": 0, "undated_tolls": 0}
    assert "(200 fighters;" in trends.notes_text(notes)
    assert "200 من المقاتلين" in trends.notes_text(notes, "ar")


def test_notes_mention_only_what_is_left_out():
    assert trends.notes_text({"undated": 0, "undated_sum": 0, "vague": 0, "undated_tolls": 0}) is None
    assert trends.notes_text({"undated": 0, "undated_sum": 0, "vague": 2, "undated_tolls": 1}) == (
        "Not on the chart: 2 reports with a vague number such as “dozens”, not added up; "
        "1 running toll with no date."
    )


def test_click_on_a_bar_picks_its_week_and_series():
    points = [{"x": "2017-08-14", "customdata": ["2017-08-14", "fighters", 20, 20, 1]}]
    assert trends.pick_from_selection(points) == (D(2017, 8, 14), "fighters")


@pytest.mark.parametrize("points", [None, [], [{"x": 1}], [{"customdata": ["x", "fighters"]}],
                                    [{"customdata": ["2017-08-14", "nonsense"]}]],
                         ids=["none", "empty", "no-customdata", "bad-date", "bad-series"])
def test_unusable_click_picks_nothing(points):
    assert trends.pick_from_selection(points) is None


@pytest.mark.parametrize(
    ("row", "label"),
    [
        ({"source": "SOHR", "best": 125, "date": "2017-08-21", "date_from": "2017-08-15"},
         "SOHR: 125 in the week to 21 Aug 2017"),
        ({"source": "SOHR", "best": 900, "date": "2017-08-31", "date_from": "2017-08-01"},
         "SOHR: 900 from 1 Aug 2017 to 31 Aug 2017"),
        ({"source": None, "best": 40, "date": "2017-08-21", "date_from": None}, "Unattributed: 40 up to 21 Aug 2017"),
        ({"source": "RBSS", "best": 7, "date": None, "date_from": None}, "RBSS: 7"),
    ],
    ids=["week", "month", "no-source", "no-date"],
)
def test_toll_label_names_source_count_and_period(row, label):
    assert trends.toll_label(row) == label


# ---- article view ----------------------------------------------------------------------------------
def test_article_html_escapes_markup_and_marks_numbers_in_place():
    text = pop.HOSTILE_TEXT
    fig = pop.figure(text, "f1", "5", 5)
    out = article_view.article_html(text, article_view.figure_marks([fig], "f1"), "ar")
    assert "<img" not in out and "<b>" not in out
    assert "&lt;img src=x onerror=&quot;" in out or "&lt;img src=x onerror=\"" in out
    assert '<mark id="fig-f1"' in out and ">5</mark>" in out
    assert 'dir="rtl"' in out


def test_article_html_keeps_every_character_of_the_text():
    import html as html_mod
    import re

    text = "قتل 12 مدنيا.\nثم 3 <أطفال> & غيرهم."
    figs = [pop.figure(text, "f1", "12", 12), pop.figure(text, "f2", "3", 3)]
    out = article_view.article_html(text, article_view.figure_marks(figs, "f2"), "ar")
    body = out[out.index("<div"):]
    assert html_mod.unescape(re.sub(r"<[^>]+>", "", body)) == text


def test_selected_figure_sentence_is_wrapped_and_id_is_safe():
    text = "خبر أول. قتل 4 مدنيين في القصف. خبر آخر."
    fig = pop.figure(text, 'f1"><script>', "4", 4)
    out = article_view.article_html(text, article_view.figure_marks([fig], fig.id), "ar")
    assert '<span class="selected-sentence">' in out
    assert "<script>" not in out
    assert 'id="fig-f1script"' in out
    assert "<script>" not in article_view.scroll_script('f1"><script>').replace("<script>(function", "", 1)


def test_marks_outside_the_text_are_ignored():
    out = article_view.article_html("قصير", [article_view.Mark(2, 99, "f1")], "ar")
    assert "<mark" not in out


def test_figure_table_says_why_a_figure_is_not_added(db):
    table = page_tables.figure_table(db.figures_of("a3"))
    counted = list(table["On the chart"])
    assert counted == ["replaced by a later count", "added up", "added up", "added up",
                       "vague number, not added up"]


def test_sample_articles_are_labelled_as_samples():
    samples = trends.sample_articles()
    assert len(samples) >= 3
    for data, name in samples:
        header = data.decode("utf-8").split("\n\n", 1)[0]
        assert "عينة" in header or "Sample" in header, name


def test_several_tolls_in_a_week_show_the_largest_and_how_many(db):
    text = "وثق المرصد مقتل 130 مدنيا خلال أسبوع. ووثقت الشبكة 90 قتيلا. وقال المرصد إن الحصيلة 128."
    db.add_articles([(pop.article("t1", text, "حصائل", "2017-08-23"), [
        pop.figure(text, "f1", "130", 130, kind="toll", date="2017-08-22", source="SOHR"),
        pop.figure(text, "f2", "90", 90, kind="toll", date="2017-08-22", source="SNHR"),
        pop.figure(text, "f3", "128", 128, kind="toll", date="2017-08-23", source="SOHR"),
    ])])
    tolls = counting.tolls_from_rows(_rows(db), filters.Filters())
    assert sorted(zip(tolls["source"], tolls["best"], tolls["tolls"], strict=True)) == [
        ("SNHR", 90, 1), ("SOHR", 130, 3),
    ]
    only = counting.tolls_from_rows(_rows(db), filters.Filters(sources=("SNHR",)))
    assert list(only["best"]) == [90]
    assert counting.tolls_from_rows(_rows(db), filters.Filters(kinds="incidents")).empty


def test_a_weeks_toll_is_drawn_over_its_own_days_with_round_right_axis_ticks():
    tolls = pd.DataFrame([{"week": D(2017, 8, 21), "event_date": D(2017, 8, 22), "source": "SOHR", "best": 125,
                           "min": 125, "max": 125, "date": "2017-08-22", "date_from": None, "article_id": "a",
                           "id": "f1", "tolls": 1}])
    cues = pd.DataFrame([{"article_id": "a", "id": "f1", "date": "2017-08-22", "date_from": None,
                          "date_precision": "day", "extra": '{"kind_cue": "خلال أسبوع"}'}])
    tolls = trends.fill_toll_periods(tolls, cues)
    fig = trends.chart(pd.DataFrame(columns=filters.WEEKLY_COLUMNS), tolls)
    (segment,) = [d for d in fig.data if d.name == trends.TOLL_SEGMENTS]
    assert [str(x)[:10] for x in segment.x] == ["2017-08-16", "2017-08-22", "None"]
    assert list(segment.y) == [125, 125, None] and segment.yaxis == "y2"
    assert fig.data[0].text[0] == "SOHR: 125 in the week to 22 Aug 2017"  # on hover, not drawn on the chart
    assert fig.data[0].mode == "markers"
    assert all(float(v).is_integer() and v % 10 == 0 for v in fig.layout.yaxis2.tickvals)


def test_a_toll_over_years_is_listed_not_drawn_as_one_weeks_marker():
    tolls = pd.DataFrame([{"week": D(2017, 8, 21), "event_date": D(2017, 8, 22), "source": "SOHR", "best": 300000,
                           "min": 300000, "max": 300000, "date": "2017-08-22", "date_from": "2011-03-15",
                           "article_id": "a", "id": "f1", "tolls": 1}])
    assert trends.drawable_tolls(tolls).empty
    assert list(trends.toll_table(tolls)["On the chart"]) == ["no: period too long"]


def test_one_outlier_week_does_not_flatten_the_others():
    weekly = pd.DataFrame([
        {"week": D(2017, 8, 7), "series": "civilians", "best": 12, "low": 12, "high": 12, "figures": 1},
        {"week": D(2017, 8, 14), "series": "civilians", "best": 20, "low": 20, "high": 20, "figures": 1},
        {"week": D(2017, 8, 21), "series": "civilians", "best": 300000, "low": 300000, "high": 300000, "figures": 1},
    ])
    fig = trends.chart(weekly, pd.DataFrame(columns=counting.TOLL_COLUMNS))
    assert fig.layout.yaxis.range[1] == 25  # 1.25 × the largest ordinary week
    assert "300,000" in fig.layout.annotations[0].text and "axis cut" in fig.layout.annotations[0].text


def test_a_single_week_is_shown_among_empty_weeks():
    weekly = pd.DataFrame([{"week": D(2017, 8, 14), "series": "civilians", "best": 27, "low": 27, "high": 27,
                            "figures": 1}])
    fig = trends.chart(weekly, pd.DataFrame(columns=counting.TOLL_COLUMNS))
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert (end - start).days >= 8 * 7 - 1


def test_headline_summary_says_total_incidents_largest_and_named_perpetrators():
    weekly = pd.DataFrame([{"week": D(2017, 8, 14), "series": "civilians", "best": 27, "low": 27, "high": 27,
                            "figures": 1}])
    incidents = pd.DataFrame([{"id": "i1", "status": "killed", "date": D(2017, 8, 20), "place_id": "nb-badu",
                               "place": "حارة البدو", "perpetrator": "coalition", "best_civilians": 27,
                               "best_children": 7}])
    text = trends.headline_summary(incidents, weekly, "killed")
    assert text.startswith("27 killed from 14 Aug 2017 to 20 Aug 2017, in 1 dated incident.")
    assert "Largest: 27 in Harat al-Badu on 20 Aug 2017." in text and "100% of them" in text


def test_headline_summary_quotes_a_place_outside_the_gazetteer_as_written_and_isolated():
    weekly = pd.DataFrame([{"week": D(2017, 8, 14), "series": "civilians", "best": 5, "low": 5, "high": 5,
                            "figures": 1}])
    incidents = pd.DataFrame([{"id": "i1", "status": "killed", "date": D(2017, 8, 20), "place_id": None,
                               "place": "مزرعة الجسر", "perpetrator": None, "best_civilians": 5}])
    text = trends.headline_summary(incidents, weekly, "killed")
    assert "Largest: 5 in “\u2068مزرعة الجسر\u2069” (as written) on 20 Aug 2017." in text
    arabic = trends.headline_summary(incidents, weekly, "killed", lang="ar")
    assert "«\u2068مزرعة الجسر\u2069»" in arabic


def test_a_chart_with_two_thousand_toll_markers_draws_each_period_once():
    weeks = [D(2014, 1, 6) + dt.timedelta(weeks=i) for i in range(400)]
    tolls = pd.DataFrame([{"week": w, "event_date": w + dt.timedelta(days=2), "source": s, "best": 100 + i, "min": 100,
                           "max": 100, "date": (w + dt.timedelta(days=2)).isoformat(), "date_from": w.isoformat(),
                           "article_id": f"a{i}", "id": "f1", "tolls": 1}
                          for i, (w, s) in enumerate((w, s) for w in weeks for s in ("SOHR", "RBSS", "SANA", "SNHR", "X"))])
    fig = trends.chart(pd.DataFrame(columns=filters.WEEKLY_COLUMNS), tolls)
    (segments,) = [d for d in fig.data if d.name == trends.TOLL_SEGMENTS]
    assert len(segments.x) == 3 * 2000 and not fig.layout.shapes
    assert len(fig.data[0].x) == 2000  # one diamond per toll marker


def test_headline_summary_from_facts_over_every_incident_names_the_largest():
    weekly = pd.DataFrame([{"week": D(2017, 8, 14), "series": "civilians", "best": 49, "low": 49, "high": 49,
                            "figures": 3}])
    largest = pd.DataFrame([{"id": "i1", "date": D(2017, 8, 1), "place_id": "nb-badu", "place": "حارة البدو",
                             "perpetrator": "coalition", "best_people": 40}])
    facts = {"incidents": 3, "counted": 49, "named": 43, "largest": largest}
    text = trends.headline_summary(facts, weekly, "killed", largest=1)
    assert "in 3 dated incidents." in text and "Largest: 40 in Harat al-Badu on 1 Aug 2017." in text
    assert "88% of them" in text
