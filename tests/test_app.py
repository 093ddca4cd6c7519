"""The entrypoint, dashboard.py: navigation, the sidebar on every page, a locked database."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.i18n import catalogue as i18n
from core.storage.store import Store
from tests.pages import apptest
from tests.pages.apptest import app, texts
from tests.pages.population import populate

PAGES = ["pages/trends.py", "pages/articles.py"]


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch):
    apptest.navigation_only(monkeypatch)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    close = apptest.use_database(monkeypatch, path)
    populate(Store.open(path))
    yield path
    close()


def test_navigation_lists_the_pages_from_the_dashboard_file():
    import ast

    tree = ast.parse(apptest.ENTRYPOINT.read_text(encoding="utf-8"))
    pages = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PAGES")
    listed = [e.elts[0].value for e in pages.elts]
    assert listed[: len(PAGES)] == PAGES  # trends opens by default; later issues append pages
    assert all((apptest.ROOT / p).is_file() for p in listed)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_the_sidebar(db, page):
    at = app(page)
    assert not at.exception
    labels = [u.label for u in at.sidebar.file_uploader]
    assert labels == [i18n.t("upload.files")]
    assert [m.label for m in at.sidebar.multiselect] == [
        i18n.t("filters.groups"), i18n.t("filters.perpetrators"), i18n.t("filters.places"), i18n.t("filters.sources"),
    ]


def test_filters_are_kept_when_switching_pages(db):
    at = app()
    at.sidebar.multiselect(key="group").set_value(["fighters"]).run()
    at.switch_page("pages/articles.py").run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="group").value == ["fighters"]


def test_hostile_place_name_is_offered_as_plain_text(db):
    at = app()
    assert "<b>حي</b>" in at.sidebar.multiselect(key="place").options
    assert not at.get("html")


def test_database_held_by_another_program_gives_one_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.duckdb"
    close = apptest.use_database(monkeypatch, path)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); "
                               "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        at = app()
        assert not at.exception
        assert texts(at.error) == [i18n.md("error.db_locked", "en", path=path.resolve())]
    finally:
        holder.kill()
        holder.wait()
        close()


def test_arabic_interface_is_chosen_from_the_url(db):
    if "ar" not in i18n.languages():
        pytest.skip("no Arabic catalogue yet")
    at = app(query_params={"lang": "ar"})
    assert not at.exception
    assert texts(at.title) == [i18n.t("trends.title", "ar")]



def test_page_run_without_the_dashboard_reruns_through_it(db, monkeypatch):
    """A shared link opened first after the server starts runs the page file alone (legacy
    ``pages/`` folder mode); the page then reruns through dashboard.py and gets its sidebar."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    monkeypatch.setattr(app_test, "PagesManager", PagesManager)  # the real, legacy-prone behaviour
    at = app()
    at.run()  # AppTest re-detects the pages/ folder here, as a fresh server does
    assert not at.exception
    assert texts(at.title) == [i18n.t("trends.title")]
    assert [u.label for u in at.sidebar.file_uploader] == [i18n.t("upload.files")]
