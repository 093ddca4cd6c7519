"""The dashboard on a real archive: every article of ``../shared/corpus/dev`` loaded into a fresh
database, trends and map opened in a real browser. The headline adds up no incident beyond one
incident's bound and says what it holds back, with a link to the list.

Skipped when the corpus is absent (it lives in /work/shared, outside the repository). Screenshots go
to tests/artifacts/ (git-ignored): ``archive_trends.png``, ``archive_held.png`` (the list),
``archive_map.png``; look at them after a
change to the headline, the held-back list, the chart or the map.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.intake import ingest
from core.storage.store import Store
from tests.browser.conftest import ARTIFACTS, ROOT, serve_dashboard
from tests.browser.test_browser import _shot, _wait_idle

DEV = ROOT.parent / "shared" / "corpus" / "dev" / "articles"


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    """Base URL of a dashboard serving a database with every dev article."""
    if not DEV.is_dir():
        pytest.skip(f"dev corpus not found at {DEV} (it lives in /work/shared, outside the repository)")
    tmp = tmp_path_factory.mktemp("archive")
    db_path = tmp / "archive.duckdb"
    store = Store.open(db_path)
    files = [(p.read_bytes(), p.name) for p in sorted(DEV.glob("*.txt"))]
    assert all(r.ok for r in ingest.ingest_many(store, files))
    store.close()
    with serve_dashboard(db_path, tmp) as url:
        yield url


def test_archive_headline_says_what_it_holds_back_and_links_to_the_list(archive_server, page):
    page.goto(archive_server)
    expect(page.get_by_role("heading", name="Weekly casualty trends")).to_be_visible()
    _wait_idle(page)
    line = page.get_by_text("wait for review before they are added up")
    expect(line).to_be_visible()
    link = line.get_by_role("link", name="See the list")
    expect(link).to_have_attribute("href", "#held-back")
    expect(page.locator("#held-back")).to_have_count(1)
    total = page.locator('[data-testid="stMetric"]').filter(has_text="Killed (added up)")
    print("headline:", total.inner_text().replace("\n", " "), "|", line.inner_text())
    _shot(page, "archive_trends.png")
    link.click()  # the link scrolls to the list, which names every held figure and why
    held_table = page.locator('[data-testid="stDataFrame"]').last
    expect(held_table).to_be_visible()
    _wait_idle(page)
    page.screenshot(path=ARTIFACTS / "archive_held.png")
    page.goto(archive_server + "/map")
    _wait_idle(page)
    expect(page.get_by_role("heading", name="Where people were killed")).to_be_visible()
    page.wait_for_timeout(2500)  # WebGL draws after the element appears
    _shot(page, "archive_map.png")
    assert (ARTIFACTS / "archive_trends.png").exists()
