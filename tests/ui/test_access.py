"""Who may change what, as a visitor sees it (issue 20): the public view (``CASUALTY_MODE=public``)
draws no write control on any page, and without sign-in the sidebar says anyone here can edit."""

from __future__ import annotations

import ast

import pytest

from core.i18n import catalogue as i18n
from core.incidents import aggregate, reviewing
from core.storage import access, incident_queries
from core.storage.store import Store
from tests.ui import apptest
from tests.ui.population import populate

# Every page the navigation lists, read from dashboard.py (importing it would run the app).
PAGES = [e.elts[0].value for e in next(
    n.value for n in ast.parse(apptest.ENTRYPOINT.read_text()).body
    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "PAGES").elts]
ALICE = access.Editor(name="Alice Editor", account="alice@newsroom.example")


@pytest.fixture
def public_db(tmp_path, monkeypatch):
    """A database filled (and reviewed by a signed-in editor) in edit mode, then shown read-only."""
    path = tmp_path / "published.duckdb"
    close = apptest.use_database(monkeypatch, path)
    s = Store.open(path, read_only=False)
    populate(s)
    with access.acting_as(ALICE, required=True):
        reviewing.correct(s, "a1", "f1", "typed", {"best": 11})
        aggregate.merge(s, [("a1", "f1")], [("a2", "f2")], "typed")
    aggregate.ensure_current(s)
    s.close()
    monkeypatch.setenv(access.MODE_ENV, "public")
    yield path
    close()


def _write_controls(at) -> list[str]:
    """Every control on the page that could change the database: uploads, pasted text, review
    fields, and buttons other than resetting the filters (downloads are not buttons here)."""
    found = [f"file_uploader {e.label}" for e in at.get("file_uploader")]
    found += [f"text_area {e.label}" for e in at.text_area]
    found += [f"number_input {e.label}" for e in at.number_input]
    allowed = {i18n.t("filters.reset")}
    found += [f"button {b.label}" for b in at.button if b.label not in allowed]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_public_view_shows_the_page_without_any_write_control(public_db, page):
    at = apptest.app(page)
    assert not at.exception, at.exception
    assert not at.error, apptest.texts(at.error)
    assert _write_controls(at) == []
    assert i18n.t("access.public") in apptest.texts(at.sidebar.info)


def test_public_article_view_shows_who_added_it_and_who_changed_its_figure(public_db):
    at = apptest.app("ui/pages/articles.py", {"article": "a1"})
    assert not at.exception, at.exception
    assert _write_controls(at) == []
    shown = "\n".join(apptest.texts(at.caption) + apptest.texts(at.markdown)).replace("\\", "")  # Markdown escapes
    assert "who added it was not recorded" in shown  # populated without sign-in
    assert "Alice Editor (alice@newsroom.example)" in shown  # the correction, signed in


def test_public_view_of_an_empty_database_offers_no_sample_button(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    close = apptest.use_database(monkeypatch, path)
    Store.open(path, read_only=False).close()
    monkeypatch.setenv(access.MODE_ENV, "public")
    try:
        at = apptest.app()
        assert not at.exception, at.exception
        assert _write_controls(at) == []
        assert apptest.texts(at.main.info) == [i18n.t("empty.read_only")]  # not "add articles on the left"
    finally:
        close()


def test_public_view_without_a_database_file_says_there_is_none(tmp_path, monkeypatch):
    path = tmp_path / "never.duckdb"
    close = apptest.use_database(monkeypatch, path)
    monkeypatch.setenv(access.MODE_ENV, "public")
    try:
        at = apptest.app()
        assert any("no database at" in e for e in apptest.texts(at.error))
        assert not path.exists()
    finally:
        close()


def test_without_sign_in_the_sidebar_says_anyone_here_can_edit_and_offers_the_upload(empty_db):
    at = apptest.app()
    assert i18n.t("access.anyone") in apptest.texts(at.sidebar.caption)
    assert at.get("file_uploader")


def test_anyone_can_edit_is_said_in_arabic_too(empty_db):
    at = apptest.app(query_params={"lang": "ar"})
    assert i18n.t("access.anyone", "ar") in apptest.texts(at.sidebar.caption)


# ---- sign-in configured (the editors' view), under AppTest's seeded st.user ----------------------------
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test only",
                 "client_id": "tracker", "client_secret": "test only",
                 "server_metadata_url": "http://localhost:1/.well-known/openid-configuration"}}


def _editors_app(user: dict, page: str | None = None) -> apptest.AppTest:
    at = apptest.AppTest.from_file(str(apptest.ENTRYPOINT), default_timeout=apptest.TIMEOUT)
    at.secrets.update(AUTH)
    at.user = user
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_with_sign_in_a_visitor_not_signed_in_gets_a_sign_in_button_and_no_write_control(populated_db, page):
    at = _editors_app({"is_logged_in": False}, page)
    assert not at.exception, at.exception
    assert [b.label for b in at.sidebar.button if b.label != i18n.t("filters.reset")] == [i18n.t("access.sign_in")]
    assert [c for c in _write_controls(at) if c != f"button {i18n.t('access.sign_in')}"] == []


def test_a_signed_in_editor_reviews_under_their_account_not_a_typed_name(populated_db):
    at = _editors_app({"is_logged_in": True, "email": ALICE.account, "name": ALICE.name, "sub": "alice-1"},
                      "ui/pages/review.py")
    assert not at.exception, at.exception
    assert at.get("file_uploader")  # the editor may add articles
    assert not [t for t in at.text_input if t.label == i18n.t("review.name")]  # no name to type
    at.button(key="rv_confirm").click().run()
    assert not at.exception, at.exception
    s = Store.open(populated_db)
    rows = [r for r in incident_queries.review_rows(s) if r["action"] == "confirm"]
    assert [(r["reviewer"], r["account"]) for r in rows] == [(ALICE.name, ALICE.account)]
