"""Who may write (issue 20): the public read-only mode refuses writes in the storage layer, and the
signed-in editor is recorded with every article, review and merge/split. Real database files."""

from __future__ import annotations

import datetime as dt

import pytest

from core.extraction.figure import Figure
from core.incidents import aggregate, reviewing
from core.storage import access, incident_queries, queries
from core.storage.store import Store, StoreError

ALICE = access.Editor(name="Alice Editor", account="alice@newsroom.example")


def _figure(fid: str = "f1", start: int = 5, best: int = 12) -> Figure:
    return Figure(
        id=fid, start=start, end=start + 2, number_text=str(best), sentence=f"Shelling killed {best} civilians.",
        sentence_start=0, min=best, best=best, max=best, status="killed", group="civilians", date="2017-08-20",
        date_precision="day",
    )


def _article(aid: str) -> dict:
    return {"id": aid, "text": "Shelling killed 12 civilians.", "added_at": dt.datetime(2026, 1, 2, 3, 4),
            "published": dt.date(2017, 8, 22)}


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "t.duckdb"
    s = Store.open(path, read_only=False)
    s.add_articles([(_article("a1"), [_figure()]), (_article("a2"), [_figure(best=14)])])
    s.close()
    return path


def test_public_mode_store_refuses_to_add_an_article_and_the_file_is_unchanged(db_file):
    public = Store.open(db_file, read_only=True)
    try:
        with pytest.raises(access.ReadOnlyError, match="public read-only view"):
            public.add_articles([(_article("a3"), [_figure()])])
        assert public.counts()["articles"] == 2
    finally:
        public.close()


def test_public_mode_store_refuses_reviews_and_merges_but_shows_the_figures(db_file):
    public = Store.open(db_file, read_only=True)
    try:
        assert [f.best for f in public.figures_of("a1")] == [12]
        with pytest.raises(access.ReadOnlyError):
            reviewing.confirm(public, "a1", "f1", "Someone")
        with pytest.raises(access.ReadOnlyError):
            aggregate.merge(public, [("a1", "f1")], [("a2", "f1")], "Someone")
        assert queries.review_count(public) == 0
        assert incident_queries.incident_decision_rows(public) == []
    finally:
        public.close()


def test_casualty_mode_public_opens_the_database_read_only(db_file, monkeypatch):
    monkeypatch.setenv(access.MODE_ENV, "public")
    public = Store.open(db_file)
    try:
        assert public.read_only
        with pytest.raises(access.ReadOnlyError):
            public.add_articles([(_article("a3"), [_figure()])])
    finally:
        public.close()


def test_a_mistyped_mode_is_refused_rather_than_opening_for_writing(monkeypatch):
    monkeypatch.setenv(access.MODE_ENV, "pubilc")
    with pytest.raises(access.AccessError, match="pubilc"):
        access.mode()


def test_public_mode_without_a_database_file_says_so_and_creates_nothing(tmp_path):
    path = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match="no database at"):
        Store.open(path, read_only=True)
    assert not path.exists()


def test_signed_in_editor_is_recorded_with_the_article_review_and_merge(tmp_path):
    s = Store.open(tmp_path / "e.duckdb", read_only=False)
    try:
        with access.acting_as(ALICE, required=True):
            s.add_articles([(_article("a1"), [_figure()]), (_article("a2"), [_figure(best=14)])])
            reviewing.confirm(s, "a1", "f1", "typed name is not used")
            aggregate.merge(s, [("a1", "f1")], [("a2", "f1")], "typed name is not used")
        assert queries.added_by(s, "a1") == ("Alice Editor", "alice@newsroom.example")
        (review,) = queries.reviews_of(s, ["a1"])
        assert (review["reviewer"], review["account"]) == ("Alice Editor", "alice@newsroom.example")
        (decision,) = incident_queries.incident_decision_rows(s)
        assert (decision["who"], decision["account"]) == ("Alice Editor", "alice@newsroom.example")
    finally:
        s.close()


def test_without_sign_in_configured_anyone_can_edit_and_no_account_is_recorded(tmp_path):
    s = Store.open(tmp_path / "o.duckdb", read_only=False)
    try:
        s.add_articles([(_article("a1"), [_figure()])])
        reviewing.confirm(s, "a1", "f1", "Rana")
        assert queries.added_by(s, "a1") == (None, None)
        (review,) = queries.reviews_of(s, ["a1"])
        assert (review["reviewer"], review["account"]) == ("Rana", None)
    finally:
        s.close()


def test_when_sign_in_is_required_nobody_signed_in_cannot_write(tmp_path):
    s = Store.open(tmp_path / "r.duckdb", read_only=False)
    try:
        with access.acting_as(None, required=True), pytest.raises(access.SignInRequired):
            s.add_articles([(_article("a1"), [_figure()])])
        assert s.counts()["articles"] == 0
    finally:
        s.close()


def test_editor_from_openid_claims_prefers_email_then_subject():
    assert access.Editor.from_claims({"email": "a@x.example", "sub": "123", "name": "A"}) == access.Editor("A", "a@x.example")
    assert access.Editor.from_claims({"sub": "123"}) == access.Editor("123", "123")
    assert access.Editor.from_claims({"name": "no id"}) is None
