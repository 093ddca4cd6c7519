"""The entrypoint, dashboard.py: navigation, the sidebar on every page, a locked database."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.i18n import catalogue as i18n
from core.storage.store import Store
from tests.ui import apptest
from tests.ui.apptest import app, texts
from tests.ui.population import populate
from ui.common import widget_key

PAGES = ["ui/pages/trends.py", "ui/pages/articles.py"]


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
        i18n.t("filters.corroboration"),
    ]


def test_filters_are_kept_when_switching_pages(db):
    at = app()
    at.sidebar.multiselect(key=widget_key("group", "en")).set_value(["fighters"]).run()
    at.switch_page("ui/pages/articles.py").run()
    at.switch_page("ui/pages/trends.py").run()
    assert not at.exception
    assert at.sidebar.multiselect(key=widget_key("group", "en")).value == ["fighters"]


def test_hostile_place_name_is_offered_as_plain_text(db):
    at = app()
    assert "<b>حي</b>" in at.sidebar.multiselect(key=widget_key("place", "en")).options
    assert [h.proto.body for h in at.get("html") if not h.proto.body.lstrip().startswith("<style>")] == []  # only our CSS


@pytest.mark.parametrize("argv, key", [
    ([], "error.db_locked"),
    (["streamlit", "run", "dashboard.py"], "error.db_locked_dashboard"),  # stands for a second dashboard
    (["-m", "core.intake.ingest"], "error.db_locked_command"),  # stands for a command-line import
], ids=["other-program", "another-dashboard", "command-line-import"])
def test_database_held_by_another_program_gives_one_clear_error_naming_it(tmp_path, monkeypatch, argv, key):
    path = tmp_path / "locked.duckdb"
    close = apptest.use_database(monkeypatch, path)
    code = f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        at = app()
        assert not at.exception
        values = {
            "error.db_locked": {"holder": f"{holder.pid}: {' '.join([sys.executable, '-c', code])[:120]}"},
            "error.db_locked_dashboard": {"pid": holder.pid},
            "error.db_locked_command": {"command": "python -m core.intake.ingest", "pid": holder.pid},
        }[key]
        assert texts(at.error) == [i18n.md(key, "en", path=path.resolve(), **values)]
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



def test_legacy_pages_folder_handling_cannot_run_a_page_alone(monkeypatch):
    """Streamlit runs a page file on its own (no sidebar, no page setup) when it finds a ``pages/``
    folder next to the entrypoint, until ``st.navigation`` has run once. There is none: the page
    scripts live in ``ui/pages/``, so a fresh server uses ``dashboard.py``'s navigation only."""
    from streamlit.runtime.pages_manager import PagesManager

    assert not (apptest.ENTRYPOINT.parent / "pages").exists()
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)  # as in a fresh process
    PagesManager(str(apptest.ENTRYPOINT))
    assert PagesManager.uses_pages_directory is False


def test_page_run_after_a_fresh_start_goes_through_the_dashboard(db):
    """A shared link opened first after the server starts runs through dashboard.py (AppTest
    resets Streamlit's legacy-folder flag before every run, as a fresh server has it) and the page
    gets its sidebar, with no workaround in the pages."""
    at = app()
    at.run()
    assert not at.exception
    assert texts(at.title) == [i18n.t("trends.title")]
    assert [u.label for u in at.sidebar.file_uploader] == [i18n.t("upload.files")]
