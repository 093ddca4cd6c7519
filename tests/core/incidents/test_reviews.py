"""Journalists' reviews: applied at read time, kept through re-extraction, never rewritten.

Real DuckDB files under tmp_path; the figures are written through `core.storage.store` (hand-made, so the
numbers are certain) or read by the real extractor where re-extraction is the point.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.extraction.figure import Figure
from core.incidents import aggregate, reviewed, reviewing, reviews
from core.intake import ingest
from core.storage import queries
from core.storage.store import Store
from core.views import counting, filters, review_text, trends
from tests.ui import population as pop

TEXT = "قتل 27 مدنيا في غارة على حي البدو. وقتل أكثر من 20 مقاتلا. وأصيب 4 أشخاص."
DAY = dt.datetime(2026, 1, 3, 10, 0)


def _fig(fid: str, surface: str, best: int | None, text: str = TEXT, **kw) -> Figure:
    return pop.figure(text, fid, surface, best, **{"date": "2017-08-20", "confidence": 0.9, **kw})


def _figures(text: str = TEXT) -> list[Figure]:
    return [
        _fig("f1", "27", 27, text, perpetrator="coalition", place_id="rq-city", place="الرقة"),
        _fig("f2", "20", 20, text, group="fighters", min=20, max=None, qualifier="more_than", confidence=0.6),
        _fig("f3", "4", 4, text, status="injured", group="people"),
    ]


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "review.duckdb")
    s.add_articles([(pop.article("a1", TEXT, "غارة", "2017-08-21"), _figures())])
    aggregate.recompute(s)
    yield s
    s.close()


def _reviewed(db, fid: str, aid: str = "a1") -> dict:
    return reviewing.current(db, aid, fid)[1]


def _killed_best(db) -> int:
    return int(aggregate.weekly(db, "killed", "civilians")["best"].sum())


def _snapshot(db) -> list[tuple]:
    return db.cursor().execute("SELECT * FROM reviews ORDER BY review_id").fetchall()


# ---- the current value -------------------------------------------------------------------------------
def test_corrected_best_count_is_what_incidents_add_up(db):
    assert _killed_best(db) == 27
    reviewing.correct(db, "a1", "f1", "Lina", {"best": 25}, note="hospital list", at=DAY)
    assert _reviewed(db, "f1")["best"] == 25
    assert _killed_best(db) == 25
    assert db.figures_of("a1")[0].best == 27  # what the extractor wrote is untouched


def test_exact_count_keeps_min_and_max_with_a_corrected_best(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"min": 27, "best": 25, "max": 27}, at=DAY)
    row = _reviewed(db, "f1")
    assert (row["min"], row["best"], row["max"]) == (25, 25, 25)


def test_range_that_does_not_hold_is_refused(db):
    with pytest.raises(reviews.ReviewError, match=r"lowest count \(30\) is above the best count \(25\)"):
        reviewing.correct(db, "a1", "f1", "Lina", {"min": 30, "best": 25}, at=DAY)
    assert queries.review_count(db) == 0


def test_latest_correction_wins_and_a_later_confirmation_keeps_it(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"best": 25}, at=DAY)
    reviewing.correct(db, "a1", "f1", "Omar", {"best": 26}, at=DAY + dt.timedelta(hours=1))
    reviewing.confirm(db, "a1", "f1", "Omar", at=DAY + dt.timedelta(hours=2))
    _, row, state = reviewing.current(db, "a1", "f1")
    assert row["best"] == 26
    assert state.status == "confirmed"
    assert set(state.corrected) == {"min", "best", "max"}


def test_correction_after_a_confirmation_needs_confirming_again(db):
    reviewing.confirm(db, "a1", "f1", "Omar", at=DAY)
    reviewing.correct(db, "a1", "f1", "Lina", {"perpetrator": "regime"}, at=DAY + dt.timedelta(hours=1))
    _, row, state = reviewing.current(db, "a1", "f1")
    assert (row["perpetrator"], state.status) == ("regime", "corrected")


def test_every_field_can_be_corrected_and_its_precision_follows(db):
    changes = {"status": "injured", "group": "children", "side": "is", "kind": "toll", "date": "2017-08",
               "place": "حي البدو", "place_id": "nb-badu", "perpetrator": "russia", "source": "SOHR",
               "min": 20, "best": 22, "max": 30}
    reviewing.correct(db, "a1", "f1", "Lina", changes, at=DAY)
    row = _reviewed(db, "f1")
    assert {f: row[f] for f in changes} == {**changes, "min": 20, "best": 22, "max": 30}
    assert row["date_precision"] == "month"
    assert row["place_precision"] == "district"


def test_empty_value_clears_a_field(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"perpetrator": "", "date": None}, at=DAY)
    row = _reviewed(db, "f1")
    assert (row["perpetrator"], row["date"], row["date_precision"]) == (None, None, None)


def test_bad_values_are_refused_naming_every_problem(db):
    with pytest.raises(reviews.ReviewError) as err:
        reviewing.correct(db, "a1", "f1", "Lina", {"status": "dead", "date": "2017-13-01", "best": "many",
                                                "place_id": "atlantis", "colour": "red"}, at=DAY)
    message = str(err.value)
    for part in ("status must be one of", "'2017-13-01' is not a real date", "'many' is not a whole number",
                 "'atlantis' is not in the gazetteer", "'colour' cannot be corrected"):
        assert part in message
    assert queries.review_count(db) == 0


def test_nothing_changed_is_said_not_recorded(db):
    with pytest.raises(reviews.ReviewError, match=reviews.NOTHING_CHANGED):
        reviewing.correct(db, "a1", "f1", "Lina", {"best": 27, "status": "killed", "perpetrator": "coalition"})
    assert queries.review_count(db) == 0


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_review_needs_the_reviewers_name(db, name):
    with pytest.raises(reviews.ReviewError, match=reviews.NO_NAME):
        reviewing.confirm(db, "a1", "f1", name)


def test_unknown_figure_is_a_clear_error(db):
    with pytest.raises(reviews.ReviewError, match="No figure f9 in article a1"):
        reviewing.confirm(db, "a1", "f9", "Lina")


def test_rejected_figure_leaves_the_counts_and_restoring_brings_it_back(db):
    reviewing.reject(db, "a1", "f1", "Omar", note="a film review, not a strike", at=DAY)
    assert _killed_best(db) == 0
    assert reviewing.current(db, "a1", "f1")[2].rejected
    with pytest.raises(reviews.ReviewError, match="already rejected"):
        reviewing.reject(db, "a1", "f1", "Omar")
    reviewing.restore(db, "a1", "f1", "Lina", at=DAY + dt.timedelta(hours=1))
    assert _killed_best(db) == 27


def test_note_changes_no_value_and_needs_text(db):
    with pytest.raises(reviews.ReviewError, match=reviews.NOTE_REQUIRED):
        reviewing.add_note(db, "a1", "f1", "Lina", "  ")
    reviewing.add_note(db, "a1", "f1", "Lina", "call the hospital", at=DAY)
    _, row, state = reviewing.current(db, "a1", "f1")
    assert (row["best"], state.status) == (27, "unreviewed")


def test_apply_to_rows_leaves_its_inputs_alone():
    row = {"article_id": "a", "id": "f1", "start": 0, "end": 2, "number_text": "27", "best": 27}
    fix = {"article_id": "a", "figure_start": 0, "figure_end": 2, "number_text": "27", "action": "correct",
           "field": "best", "new_value": "25", "created_at": DAY, "review_id": "r1"}
    out = reviews.apply_to_rows([row], [fix])
    assert out[0]["best"] == 25 and row["best"] == 27


def test_article_view_gets_reviewed_figures_with_rejected_ones_marked(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"best": 25}, at=DAY)
    reviewing.reject(db, "a1", "f3", "Omar", at=DAY)
    pairs = reviewing.article_figures(db, "a1")
    assert [(f.id, f.best, s.status) for f, s in pairs] == [
        ("f1", 25, "corrected"), ("f2", 20, "unreviewed"), ("f3", 4, "rejected"),
    ]


# ---- re-extraction ---------------------------------------------------------------------------------
def test_review_is_still_applied_after_reextraction_with_the_extractor(tmp_path):
    s = Store.open(tmp_path / "real.duckdb")
    try:
        res = ingest.ingest_text(s, "قتل 27 مدنيا في غارة للتحالف على حي البدو في الرقة يوم الأحد.",
                                 published=dt.date(2017, 8, 21))
        (fig,) = s.figures_of(res.article_id)
        reviewing.correct(s, res.article_id, fig.id, "Lina", {"best": 25}, at=DAY)
        reviewing.confirm(s, res.article_id, fig.id, "Omar", at=DAY + dt.timedelta(hours=1))
        assert ingest.reextract(s) == 1
        aggregate.recompute(s)
        (again,) = s.figures_of(res.article_id)
        assert again.best == 27
        _, row, state = reviewing.current(s, res.article_id, again.id)
        assert (row["best"], state.status, state.moved) == (25, "confirmed", False)
        assert int(aggregate.weekly(s)["best"].sum()) == 25
    finally:
        s.close()


def test_review_follows_a_figure_whose_span_moved_and_is_flagged(db):
    reviewing.correct(db, "a1", "f2", "Lina", {"best": 21}, at=DAY)
    wider = [f for f in _figures() if f.id != "f2"] + [
        pop.figure(TEXT, "f7", "أكثر من 20", 20, group="fighters", date="2017-08-20", extractor_version="2.0")
    ]
    db.replace_figures("a1", wider, "2.0")
    _, row, state = reviewing.current(db, "a1", "f7")
    assert (row["best"], state.moved) == (21, True)
    lines = review_text.history(reviewing.current(db, "a1", "f7")[0], state.reviews)
    assert "moved" in lines[-1] and "“20”" in lines[-1]


def test_review_stays_with_the_same_number_nearby_when_the_extractor_picks_another_occurrence():
    text = "قتل 12 مدنيا. قتل 12 مدنيا في الرقة."
    old = {"article_id": "a", "id": "f1", "start": 4, "end": 6, "number_text": "12", "best": 12}
    new = {"article_id": "a", "id": "f1", "start": text.index("12", 6), "end": text.index("12", 6) + 2,
           "number_text": "12", "best": 12}
    fix = {"article_id": "a", "figure_start": old["start"], "figure_end": old["end"], "number_text": "12",
           "action": "correct", "field": "best", "new_value": "11", "created_at": DAY, "review_id": "r1"}
    ((row, state),) = reviews.resolve([new], [fix])
    assert (row["best"], state.moved) == (11, True)


def test_review_of_a_vanished_figure_is_kept_as_an_orphan_not_applied_elsewhere():
    far = {"article_id": "a", "id": "f1", "start": 100, "end": 102, "number_text": "12", "best": 12}
    fix = {"article_id": "a", "figure_start": 4, "figure_end": 6, "number_text": "12", "action": "reject",
           "created_at": DAY, "review_id": "r1"}
    assert reviews.apply_to_rows([far], [fix]) == [far]
    assert reviews.orphans([far], [fix]) == [fix]


def test_a_moved_review_never_takes_over_a_figure_reviewed_in_its_own_right():
    rows = [{"article_id": "a", "id": "f1", "start": 10, "end": 12, "number_text": "12", "best": 12}]
    own = {"article_id": "a", "figure_start": 10, "figure_end": 12, "number_text": "12", "action": "confirm",
           "created_at": DAY, "review_id": "r1"}
    other = {"article_id": "a", "figure_start": 0, "figure_end": 2, "number_text": "12", "action": "reject",
             "created_at": DAY, "review_id": "r2"}
    ((_, state),) = reviews.resolve(rows, [own, other])
    assert state.status == "confirmed"


# ---- the history is append-only -------------------------------------------------------------------
def test_history_rows_are_never_updated_or_deleted(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"best": 25}, note="hospital list", at=DAY)
    reviewing.add_note(db, "a1", "f2", "Lina", "check the side", at=DAY)
    before = _snapshot(db)
    reviewing.correct(db, "a1", "f1", "Omar", {"best": 24}, at=DAY + dt.timedelta(days=1))
    reviewing.confirm(db, "a1", "f1", "Omar", at=DAY + dt.timedelta(days=1, hours=1))
    reviewing.reject(db, "a1", "f3", "Omar", at=DAY + dt.timedelta(days=1, hours=2))
    db.replace_figures("a1", [f.with_(extractor_version="2.0") for f in _figures()], "2.0")
    ingest.reextract(db)
    aggregate.recompute(db)
    after = _snapshot(db)
    assert set(before) <= set(after)
    assert [r for r in after if r in before] == before
    assert len(after) == len(before) + 1 + 1 + 1 + 2  # best, confirm, reject; min and max follow best once


def test_history_in_plain_words(db):
    reviewing.correct(db, "a1", "f1", "Lina", {"best": 25}, note="hospital list", at=DAY)
    reviewing.confirm(db, "a1", "f1", "Omar", at=DAY + dt.timedelta(days=1))
    raw, _, state = reviewing.current(db, "a1", "f1")
    assert review_text.history(raw, state.reviews) == [
        "extracted 27 civilians killed on 1 Jan 2026 (extractor test)",
        "corrected best count from 27 to 25, lowest count from 27 to 25, highest count from 27 to 25 by Lina "
        "on 3 Jan 2026: “hospital list”",
        "confirmed by Omar on 4 Jan 2026",
    ]
    arabic = review_text.history(raw, state.reviews, "ar")
    assert arabic[-1] == "أكّده Omar في 4 " + trends.short_date(dt.date(2026, 1, 4), "ar").split(" ", 1)[1]


# ---- what needs a look ------------------------------------------------------------------------------
def test_doubtful_figures_come_first_and_reviewed_ones_leave_the_queue(db):
    items = reviewing.load_queue(db)
    assert [i.row["id"] for i in items][:1] == ["f2"]  # low confidence, no perpetrator, no place
    assert set(items[0].reasons) == {"low_confidence", "no_perpetrator", "no_place"}
    assert items[-1].row["id"] == "f1" and items[-1].reasons == ()
    reviewing.confirm(db, "a1", "f2", "Omar", at=DAY)
    reviewing.reject(db, "a1", "f3", "Omar", at=DAY)
    todo = reviews.in_view(reviewing.load_queue(db), "to_review")
    assert [i.row["id"] for i in todo] == ["f1"]
    done = reviews.in_view(reviewing.load_queue(db), "reviewed")
    assert {i.row["id"]: i.state.status for i in done} == {"f2": "confirmed", "f3": "rejected"}


def test_reports_of_one_incident_that_disagree_are_flagged(tmp_path):
    s = Store.open(tmp_path / "conflict.duckdb")
    try:
        t1 = "قتل 17 مدنيا في غارة على حي البدو."
        t2 = "ارتفعت حصيلة الغارة على حي البدو إلى 27 مدنيا."
        common = dict(date="2017-08-20", place="حي البدو", place_id="nb-badu", perpetrator="coalition",
                      confidence=0.95)
        s.add_articles([
            (pop.article("a1", t1, "أ", "2017-08-21"), [pop.figure(t1, "f1", "17", 17, **common)]),
            (pop.article("a2", t2, "ب", "2017-08-22"), [pop.figure(t2, "f1", "27", 27, **common)]),
        ])
        assert aggregate.recompute(s) == 1  # one strike, two reports
        items = {i.row["article_id"]: i for i in reviewing.load_queue(s)}
        assert items["a1"].conflicts == (27,) and "conflict" in items["a1"].reasons
        assert items["a2"].conflicts == (17,)
        assert "27" in review_text.reasons_text(items["a1"])
    finally:
        s.close()


# ---- the dashboard's figure queries -------------------------------------------------------------------
@pytest.fixture
def pages_db(tmp_path):
    s = Store.open(tmp_path / "pages.duckdb")
    pop.populate(s)
    yield s
    s.close()


def _total(rows) -> int:
    return counting.totals(counting.weekly_from_rows(counting.prepare_rows(rows), filters.Filters()))["best"]


def test_trend_rows_use_corrections_and_leave_rejected_figures_out(pages_db):
    assert _total(reviewed.trend_rows(pages_db)) == pop.TOTAL_KILLED
    reviewing.correct(pages_db, "a1", "f1", "Lina", {"best": 10}, at=DAY)
    assert _total(reviewed.trend_rows(pages_db)) == pop.TOTAL_KILLED - 2
    reviewing.reject(pages_db, "a2", "f2", "Lina", at=DAY)
    assert _total(reviewed.trend_rows(pages_db)) == pop.TOTAL_KILLED - 2 - 7
    # the chart counts incidents, regrouped from the reviewed figures after every review
    assert _total(queries.trend_rows(pages_db)) == pop.TOTAL_KILLED - 2 - 7


def test_map_and_chart_lists_use_reviewed_values(pages_db):
    f = filters.Filters()
    reviewing.correct(pages_db, "a1", "f1", "Lina", {"best": 10}, at=DAY)
    reviewing.reject(pages_db, "a2", "f2", "Lina", at=DAY)
    rows = reviewed.map_figures(pages_db, f)
    assert int(rows["best"].sum()) == pop.TOTAL_KILLED - 2 - 7
    assert ("a2", "f2") not in set(zip(rows["article_id"], rows["figure_id"], strict=True))
    behind = reviewed.figures_behind(pages_db, f, dt.date(2017, 8, 7), "total")
    assert behind["best"].tolist() == [10]
    weekly = reviewed.weekly_totals(pages_db, f)
    assert int(weekly[weekly["series"].isin(filters.GROUP_SERIES)]["best"].sum()) == pop.TOTAL_KILLED - 9
    # the map counts incidents, regrouped from the reviewed figures after every review
    assert int(queries.map_figures(pages_db, f)["best"].sum()) == pop.TOTAL_KILLED - 9


def test_context_shows_the_sentence_with_the_number_marked_and_escaped(pages_db):
    art = pages_db.get_article("a5")
    (fig,) = queries.article_figure_rows(pages_db, ["a5"])
    html = review_text.context_html(art.text, fig)
    assert "<img" not in html and "&lt;img" in html
    assert 'data-figure="f1"' in html and "selected-sentence" in html
