"""The review page under AppTest, on a real temporary database (no mocks).

The populated database is `tests/ui/population.py`: the trends page adds up 83 killed. A
review changes that total on the trends page, whether it counts figures or incidents: a1/f1 is
12 civilians killed on its own (no other report of that strike), a2/f2 is 7 civilians.
"""

from __future__ import annotations

from core.i18n import catalogue as i18n
from core.incidents import reviewing, reviews
from core.storage import incident_queries, queries
from core.storage import store as store_mod
from tests.ui import population as pop
from tests.ui.apptest import app, texts

REVIEW = "ui/pages/review.py"


def _key(name: str, item: str) -> str:
    return f"rv_{name}_{item.replace('/', '_')}"


def _killed(at) -> int:
    label = i18n.t("trends.metric_total.killed")
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def _reviewing(name: str = "Lina"):
    at = app(REVIEW)
    at.text_input(key="rv_name_input").input(name)
    at.button(key="rv_name_submit").click().run()
    assert not at.exception
    return at


def _pick(at, item: str):
    at.selectbox(key="rv_pick").set_value(item).run()
    assert not at.exception
    return at


def _history(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_empty_database_says_how_to_add_articles(empty_db):
    at = app(REVIEW)
    assert not at.exception
    assert texts(at.title) == [i18n.t("review.title")]
    assert i18n.t("empty.review") in texts(at.info)


def test_reviewer_name_is_asked_once_per_session(populated_db):
    at = app(REVIEW)
    assert not at.exception
    assert not at.get("selectbox") or "rv_pick" not in [s.key for s in at.selectbox]
    at.button(key="rv_name_submit").click().run()
    assert i18n.t("review.error.no_name") in texts(at.error)
    at.text_input(key="rv_name_input").input("Lina")
    at.button(key="rv_name_submit").click().run()
    assert "Reviewing as **Lina**." in texts(at.caption)
    at.switch_page("ui/pages/trends.py").run()
    at.switch_page(REVIEW).run()
    assert not at.exception
    assert "Reviewing as **Lina**." in texts(at.caption)
    assert "rv_name_input" not in [t.key for t in at.text_input]


def test_doubtful_figures_are_offered_first(populated_db):
    at = _reviewing()
    # the vague «عشرات» fighters: vague, low confidence, no perpetrator, no place
    assert at.selectbox(key="rv_pick").value == "a3/f5"
    assert any(i.startswith("Needs a look:") and "vague number" in i for i in texts(at.info))


def test_correct_then_confirm_changes_the_trend_total_and_the_history(populated_db):
    at = app()
    before = _killed(at)
    assert before == pop.TOTAL_KILLED
    at.switch_page(REVIEW).run()
    at.text_input(key="rv_name_input").input("Lina")
    at.button(key="rv_name_submit").click().run()
    _pick(at, "a1/f1")
    at.number_input(key=_key("best", "a1/f1")).set_value(10)
    at.text_area(key=_key("note", "a1/f1")).input("hospital list")
    at.button(key="rv_correct").click().run()
    assert not at.exception
    assert i18n.t("review.done.correct") in texts(at.success)
    assert "corrected best count from 12 to 10" in _history(at)
    assert "by Lina" in _history(at) and "hospital list" in _history(at)
    at.button(key="rv_confirm").click().run()
    assert not at.exception
    assert i18n.t("review.done.confirm") in texts(at.success)
    at.switch_page("ui/pages/trends.py").run()
    assert not at.exception
    assert _killed(at) == before - 2
    at.switch_page(REVIEW).run()
    at.segmented_control(key="rv_view").set_value("reviewed").run()
    _pick(at, "a1/f1")
    assert "confirmed by Lina" in _history(at)
    db = store_mod.Store.open(populated_db)
    assert [r["action"] for r in incident_queries.review_rows(db)] == ["correct"] * 3 + ["confirm"]


def test_rejected_figure_leaves_the_trends_and_map_and_can_be_restored(populated_db):
    at = _reviewing()
    _pick(at, "a2/f2")
    at.button(key="rv_reject").click().run()
    assert not at.exception
    assert i18n.t("review.done.reject") in texts(at.success)
    at.switch_page("ui/pages/trends.py").run()
    assert _killed(at) == pop.TOTAL_KILLED - 7
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    assert not at.error  # the map still reconciles with the trends total
    at.switch_page(REVIEW).run()
    at.segmented_control(key="rv_view").set_value("reviewed").run()
    _pick(at, "a2/f2")
    assert i18n.t("review.rejected_note") in texts(at.warning)
    at.button(key="rv_restore").click().run()
    assert not at.exception
    at.switch_page("ui/pages/trends.py").run()
    assert _killed(at) == pop.TOTAL_KILLED


def test_bad_value_shows_one_error_and_records_nothing(populated_db):
    at = _reviewing()
    _pick(at, "a1/f1")
    at.text_input(key=_key("date", "a1/f1")).input("2017-13-40")
    at.button(key="rv_correct").click().run()
    assert not at.exception
    (error,) = texts(at.error)
    assert error.startswith("The review was not saved:") and "2017-13-40" in error
    assert queries.review_count(store_mod.Store.open(populated_db)) == 0


def test_saving_unchanged_values_says_so(populated_db):
    at = _reviewing()
    _pick(at, "a1/f1")
    at.button(key="rv_correct").click().run()
    assert texts(at.error) == [i18n.t("review.error.nothing")]


def test_form_shows_the_recorded_values_after_a_correction(populated_db):
    at = _reviewing()
    _pick(at, "a1/f1")
    at.number_input(key=_key("best", "a1/f1")).set_value(10)
    at.button(key="rv_correct").click().run()
    assert [at.number_input(key=_key(f, "a1/f1")).value for f in ("min", "best", "max")] == [10, 10, 10]
    at.button(key="rv_correct").click().run()
    assert texts(at.error) == [i18n.t("review.error.nothing")]


def test_a_note_needs_text_and_is_added_to_the_history(populated_db):
    at = _reviewing("Omar")
    _pick(at, "a3/f3")
    at.button(key="rv_note").click().run()
    assert texts(at.error) == [i18n.t("review.error.note")]
    at.text_area(key=_key("note", "a3/f3")).input("ask the local council")
    at.button(key="rv_note").click().run()
    assert i18n.t("review.done.note") in texts(at.success)
    assert "note by Omar" in _history(at) and "ask the local council" in _history(at)
    assert at.text_area(key=_key("note", "a3/f3")).value == ""  # ready for the next note


def test_article_text_in_the_context_is_shown_as_text(populated_db):
    at = _reviewing()
    _pick(at, "a5/f1")
    html = "".join(h.proto.body for h in at.get("html"))
    assert "&lt;img" in html and "<img" not in html
    assert reviews.NO_NAME not in html


def test_arabic_interface_reviews_too(populated_db):
    at = app(REVIEW, query_params={"lang": "ar"})
    assert texts(at.title) == [i18n.t("review.title", "ar")]
    at.text_input(key="rv_name_input").input("لينا")
    at.button(key="rv_name_submit").click().run()
    _pick(at, "a1/f1")
    at.button(key="rv_confirm").click().run()
    assert not at.exception
    assert i18n.t("review.done.confirm", "ar") in texts(at.success)


def test_trends_and_map_offer_the_three_downloads(populated_db):
    at = app()
    assert [b.proto.label for b in at.get("download_button")] == ["CSV", "Parquet", "GeoJSON"]
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    assert len(at.get("download_button")) == 3



def test_article_view_marks_a_rejected_figure_and_keeps_showing_it(tmp_path, monkeypatch):
    """A reviewer's rejection takes the figure off the trends, not off the article view."""
    import datetime as dt

    from core.intake import ingest
    from core.storage.store import Store
    from tests.ui.apptest import app as app_at
    from tests.ui.apptest import use_database

    db = tmp_path / "rejected.duckdb"
    close = use_database(monkeypatch, db)
    try:
        s = Store.open(db)
        res = ingest.ingest_text(s, "قتل 12 مدنيا في قصف على حي الدرعية يوم الأحد.\n", published=dt.date(2017, 8, 22))
        reviewing.reject(s, res.article_id, "f1", "Lina", "a rerun of an old story")
        at = app_at("ui/pages/articles.py", {"article": res.article_id})
        assert not at.exception
        row = at.dataframe[0].value.iloc[0].tolist()
        assert i18n.t("counted.rejected") in row
    finally:
        close()
