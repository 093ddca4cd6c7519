"""One misread figure must not make the headline absurd: figures held back until a reviewer confirms them.

Our own invented sentences, written to real DuckDB files under tmp_path. The size and scope cases
store hand-made figures read as one *incident* (what a misreading extractor, or a database from an
older one, leaves behind): the guard at the counting level must catch them whatever the extractor
says. The date cases go through intake (`core.intake.ingest`), where dates that cannot be are set
aside. Every case checks the trends headline, the map and the export's ``adds_up`` rows, and that a
reviewer's confirmation brings the figure back.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.extraction.figure import Figure
from core.incidents import aggregate, plausibility, reviewed, reviewing
from core.intake import ingest
from core.storage.store import Store
from core.views import counting, export, filters, held
from tests.ui import population as pop

PLAUSIBLE = "قتل 12 مدنيا في غارة على حي البدو."
WAR = "أسفرت الحرب منذ اندلاعها عن مقتل 350000 شخص."
YEAR = "وثقت الشبكة مقتل 1200 مدني خلال عام 2018 على يد قوات النظام."
GOVERNORATE = "قتل 640 مدنيا في عموم محافظة دير الزور."
WIDGET = "24° الرقة\n1.3 دولار\nالأربعاء 3 كانون الأول 2025\n\nقتل 9 مدنيين أمس في قصف على حي البدو.\n"
FUTURE = "date: 2017-08-22\n\nقتل 5 مدنيين في 3 أيلول 2017 في قصف على حي البدو.\n"


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "held.duckdb")
    s.add_articles([(pop.article("a0", PLAUSIBLE, "غارة", "2017-08-21"),
                     [pop.figure(PLAUSIBLE, "f1", "12", 12, date="2017-08-20", place_id="nb-badu")])])
    aggregate.recompute(s)
    yield s
    s.close()


def _add(db: Store, aid: str, text: str, surface: str, best: int, **kw) -> None:
    fig = pop.figure(text, "f1", surface, best, **{"date": "2017-08-20", "group": "people", **kw})
    db.add_articles([(pop.article(aid, text, "تقرير", "2017-08-21"), [fig])])
    aggregate.recompute(db)


def _headline(db: Store, status: str = "killed") -> int:
    """What the trends page shows as "Killed (added up)"."""
    rows = counting.prepare_rows(reviewed.trend_rows(db))
    return counting.totals(counting.weekly_from_rows(rows, filters.Filters(status=status)))["best"]


def _map_total(db: Store) -> int:
    return int(reviewed.map_figures(db, filters.Filters())["best"].sum())


def _export_total(db: Store) -> int:
    df = export.frame(db)
    return int(df.loc[df["adds_up"] & (df["status"] == "killed"), "best"].sum())


def _totals(db: Store) -> tuple[int, int, int]:
    return _headline(db), _map_total(db), _export_total(db)


def _confirm(db: Store, aid: str, fid: str = "f1") -> None:
    reviewing.confirm(db, aid, fid, "Lina", note="checked the report", at=dt.datetime(2026, 1, 3, 10, 0))


@pytest.mark.parametrize(("aid", "text", "surface", "best", "reasons"), [
    ("war", WAR, "350000", 350000, ("over_bound", "scope_war")),
    ("year", YEAR, "1200", 1200, ("scope_year",)),
    ("governorate", GOVERNORATE, "640", 640, ("scope_region",)),
])
def test_a_tally_read_as_one_incident_waits_for_review_then_counts_once_confirmed(db, aid, text, surface, best,
                                                                                 reasons):
    assert _totals(db) == (12, 12, 12)
    _add(db, aid, text, surface, best)
    assert _totals(db) == (12, 12, 12)  # trends headline, map and export agree: held back
    items = reviewing.load_held(db, "killed")
    assert [(h.row["article_id"], h.reasons) for h in items] == [(aid, reasons)]
    line = held.headline_line(items)
    assert line.startswith("1 figure waits for review") and f"(#{held.ANCHOR})" in line
    first = reviewing.load_queue(db)[0]
    assert (first.row["article_id"], first.reasons[: len(reasons)]) == (aid, reasons)
    _confirm(db, aid)
    assert _totals(db) == (12 + best,) * 3
    assert reviewing.load_held(db) == []


def test_a_count_beyond_one_incident_names_the_bound_and_why(db):
    _add(db, "big", "قتل 2000 شخص في القصف.", "2000", 2000)
    (item,) = reviewing.load_held(db)
    assert item.reasons == ("over_bound",)
    assert "above 1,500" in held.reasons_text(item.row, item.reasons)
    assert plausibility.bound("killed") == 1500 and plausibility.bound("injured") == 5000


def test_an_earlier_count_beyond_the_bound_does_not_stretch_the_range(db):
    text = "يذكر أن حصيلة سابقة أفادت بمقتل 290000 شخص."
    _add(db, "old", text, "290000", 290000, kind="superseded")
    rows = counting.prepare_rows(reviewed.trend_rows(db))
    assert counting.totals(counting.weekly_from_rows(rows, filters.Filters()))["high"] == 12


def test_a_correction_below_the_bound_counts_without_a_confirmation(db):
    _add(db, "typo", "قتل 2000 شخص في القصف.", "2000", 2000)
    reviewing.correct(db, "typo", "f1", "Omar", {"best": 20}, at=dt.datetime(2026, 1, 3, 9, 0))
    assert _totals(db) == (32, 32, 32)


def test_a_rejected_tally_stays_out_and_leaves_the_list(db):
    _add(db, "war", WAR, "350000", 350000)
    reviewing.reject(db, "war", "f1", "Omar", at=dt.datetime(2026, 1, 3, 9, 0))
    assert _totals(db) == (12, 12, 12) and reviewing.load_held(db) == []


def test_the_single_incident_sentence_is_not_held(db):
    assert plausibility.hold_reasons({"kind": "incident", "status": "killed", "best": 12, "sentence": PLAUSIBLE}) == ()
    assert plausibility.hold_reasons({"kind": "toll", "status": "killed", "best": 350000, "sentence": WAR}) == ()
    assert plausibility.hold_reasons({"kind": "incident", "status": "killed", "best": 7, "part_of": "f1",
                                      "sentence": WAR}) == ()


# ---- dates that cannot be ---------------------------------------------------------------------------
def test_a_page_clock_is_not_a_publication_date_and_dates_read_from_it_wait_for_review(db):
    result = ingest.ingest_bytes(db, WIDGET.encode(), "widget.txt")
    assert result.status == "added"
    art = db.get_article(result.article_id)
    assert art.published is None  # 3 Dec 2025 was the page's clock, beside the weather and the dollar
    (fig,) = result.figures
    aside = fig.extra["date_set_aside"]
    assert (fig.date, aside["reason"], aside["published"]) == (None, "published_clock", "2025-12-03")
    assert aside["date"] in ("2025-12-02", "2025-12-03")  # «أمس» read against the clock, or the clock line itself
    assert _totals(db) == (12, 12, 12)
    (item,) = reviewing.load_held(db)
    assert "the page's clock" in held.reasons_text(item.row, item.reasons)
    shown = dict(reviewing.article_figures(db, result.article_id))
    assert held.date_note(next(iter(shown)).to_dict()).startswith("f1: date unknown.")
    _confirm(db, result.article_id)
    assert _totals(db) == (21, 21, 21)  # confirmed: counted, with the date that was read


def test_a_date_after_publication_is_unknown_with_its_reason_until_confirmed(db):
    result = ingest.ingest_bytes(db, FUTURE.encode(), "future.txt")
    (fig,) = result.figures
    assert fig.date is None and fig.extra["date_set_aside"]["reason"] == "date_after_publication"
    assert _totals(db) == (12, 12, 12)
    (item,) = reviewing.load_held(db)
    assert "after the article's publication (22 Aug 2017)" in held.reasons_text(item.row, item.reasons)
    reviewing.correct(db, result.article_id, "f1", "Omar", {"date": "2017-08-03"}, at=dt.datetime(2026, 1, 3, 9, 0))
    assert _totals(db) == (17, 17, 17)  # a reviewer's date counts without a confirmation


def test_a_date_in_the_future_at_ingest_is_set_aside():
    text = "قتل 5 مدنيين في 3 أيلول 2017 في قصف على حي البدو."
    pub = ingest.Published(None, None)
    (fig,) = ingest.checked_figures(text, pub, "ar", today=dt.date(2017, 9, 1))
    assert fig.date is None and fig.extra["date_set_aside"]["reason"] == "date_in_future"
    (kept,) = ingest.checked_figures(text, pub, "ar", today=dt.date(2017, 9, 4))
    assert kept.date == "2017-09-03"


def test_a_copyright_line_is_not_read_as_the_dateline():
    body = "© 2025 جميع الحقوق محفوظة 5 آذار 2025\nالثلاثاء 22 آب 2017\nقتل 4 مدنيين أمس.\n"
    pub = ingest._published(None, {}, body, today=dt.date(2026, 1, 1))
    assert (pub.date, pub.source) == (dt.date(2017, 8, 22), "inferred")


def test_a_dateline_equal_to_the_day_of_upload_is_taken_for_the_clock():
    body = "الثلاثاء 22 آب 2017\nقتل 4 مدنيين أمس.\n"
    assert ingest._published(None, {}, body, today=dt.date(2017, 8, 22)).suspect_reason == "published_clock"
    assert ingest._published(None, {}, body, today=dt.date(2026, 1, 1)).date == dt.date(2017, 8, 22)


def test_held_figures_are_listed_largest_first_with_a_count_per_reason(db):
    _add(db, "year", YEAR, "1200", 1200)
    _add(db, "war", WAR, "350000", 350000)
    items = reviewing.load_held(db, "killed")
    assert [h.row["article_id"] for h in items] == ["war", "year"]
    assert plausibility.reason_counts(items) == {"over_bound": 1, "scope_war": 1, "scope_year": 1}
    assert len(held.table(items)) == 2


def test_figure_from_old_database_is_held_when_it_is_opened(db):
    """An incident above the bound stored by an older version: the incidents are recomputed."""
    _add(db, "war", WAR, "350000", 350000)
    db.cursor().execute("UPDATE incident_state SET version = 'from an older version'").fetchall()
    assert aggregate.ensure_current(db)
    assert _headline(db) == 12


def test_figure_round_trips_with_its_set_aside_date():
    f = Figure.from_dict(plausibility.set_aside(pop.figure(PLAUSIBLE, "f1", "12", 12, date="2017-08-20").to_dict(),
                                                "date_in_future"))
    assert f.date is None and Figure.from_dict(f.to_dict()).extra == f.extra
