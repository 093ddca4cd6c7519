"""A newsroom's archive: every article of ``../shared/corpus/dev`` loaded into a fresh database.

What the trends headline adds up must rest on plausible incidents: none beyond one incident's
bound (``data/plausibility.json``), none dated after its article was published, and what it holds
back is listed. Skipped when the corpus is absent (it lives in /work/shared, outside the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.incidents import plausibility, reviewed, reviewing
from core.intake import ingest
from core.storage.store import Store
from core.views import counting, filters, held

DEV = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "dev" / "articles"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    if not DEV.is_dir():
        pytest.skip(f"dev corpus not found at {DEV} (it lives in /work/shared, outside the repository)")
    s = Store.open(tmp_path_factory.mktemp("archive") / "archive.duckdb")
    files = [(p.read_bytes(), p.name) for p in sorted(DEV.glob("*.txt"))]
    assert all(r.ok for r in ingest.ingest_many(s, files))
    yield s
    s.close()


def _counted(archive: Store) -> list[tuple]:
    """Every count the incidents add up or span, with its status (what trends, map and exports read)."""
    return archive.cursor().execute(
        "SELECT i.status, c.best, c.min, c.max, i.id FROM incident_counts c JOIN incidents i ON i.id = c.incident_id"
    ).fetchall()


def test_archive_headline_adds_up_no_incident_beyond_one_incident(archive):
    over = [(status, best, lo, hi, iid) for status, best, lo, hi, iid in _counted(archive)
            if max(v for v in (best, lo, hi, 0) if v is not None) > plausibility.bound(status)]
    assert over == []


def test_archive_adds_up_no_event_dated_after_its_article(archive):
    late = archive.cursor().execute("""
        SELECT a.filename, f.id, f.date, a.published FROM incident_reports r
        JOIN figures f ON f.article_id = r.article_id AND f.id = r.figure_id
        JOIN articles a ON a.id = f.article_id
        WHERE f.event_date > a.published OR f.event_date > CAST(a.added_at AS DATE)""").fetchall()
    assert late == []
    rows = counting.prepare_rows(reviewed.trend_rows(archive))
    last = counting.options_from_rows(rows)["last"]
    newest = archive.cursor().execute("SELECT max(published) FROM articles").fetchall()[0][0]
    assert last <= newest


def test_archive_headline_says_what_it_holds_back(archive):
    items = reviewing.load_held(archive, "killed")
    assert items, "the dev corpus has a whole-war count and a page clock: something must be held back"
    line = held.headline_line(items)
    n = len(items)
    assert line.startswith(f"{n} figures wait for review" if n != 1 else "1 figure waits for review")
    rows = counting.prepare_rows(reviewed.trend_rows(archive))
    headline = counting.totals(counting.weekly_from_rows(rows, filters.Filters()))["best"]
    assert headline == int(reviewed.map_figures(archive, filters.Filters())["best"].sum())
