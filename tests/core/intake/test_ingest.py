"""Ingest: one path from uploaded bytes to stored article and figures (real DuckDB files)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from core.extraction import extract
from core.intake import ingest
from core.storage.store import Store

ROOT = Path(__file__).resolve().parents[3]

ARTICLE = "قتل 12 مدنيا بينهم ثلاثة أطفال في قصف على مدينة الرقة يوم الأحد، وفق المرصد السوري لحقوق الإنسان.\n"
QUIET = "افتتح معرض الكتاب في دمشق أبوابه أمس بمشاركة 120 دار نشر من 15 دولة.\n"


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "ingest.duckdb")
    yield s
    s.close()


def test_article_with_figures_is_added_and_its_numbers_are_reported(store):
    res = ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "a.txt", published=dt.date(2017, 8, 22))
    assert res.status == "added", res.message
    assert [f.best for f in res.figures] == [12, 3]
    assert "12" in res.message
    stored = store.get_article(res.article_id)
    assert stored.text == ARTICLE
    assert stored.published == dt.date(2017, 8, 22) and stored.published_source == "user"
    assert [f.best for f in store.figures_of(res.article_id)] == [12, 3]


def test_same_bytes_twice_is_told_already_in_the_database_with_the_date(store):
    first = ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "a.txt")
    second = ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "copy.txt")
    assert second.status == "duplicate"
    assert "already in the database" in second.message
    assert first.added_at.strftime("%Y-%m-%d") in second.message
    assert store.counts()["articles"] == 1


def test_same_text_in_another_encoding_is_the_same_article(store):
    ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "a.txt")
    res = ingest.ingest_bytes(store, ARTICLE.encode("cp1256"), "a-windows.txt")
    assert res.status == "duplicate"


def test_header_gives_publication_date_title_and_outlet(store):
    text = "date: 2017-08-22\ntitle: عنوان تجريبي\noutlet: وكالة تجريبية\n\n" + ARTICLE
    res = ingest.ingest_bytes(store, text.encode("utf-8"), "h.txt")
    art = store.get_article(res.article_id)
    assert art.published == dt.date(2017, 8, 22) and art.published_source == "header"
    assert art.title == "عنوان تجريبي" and art.outlet == "وكالة تجريبية"
    assert art.text == ARTICLE
    # «يوم الأحد» resolves against the header's date: Sunday 20 August 2017
    assert res.figures[0].date == "2017-08-20"


def test_article_without_casualties_is_stored_and_user_told_none_found(store):
    res = ingest.ingest_bytes(store, QUIET.encode("utf-8"), "quiet.txt")
    assert res.status == "added"
    assert res.figures == []
    assert "no casualty figures were found" in res.message
    assert store.counts()["articles"] == 1


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02\xff\xfe\x00\x00\x13" * 50, "junk.txt", "binary"),
        ("هذا نص".encode() * 10, "virus.exe", "unsupported_type"),
        (b"1234 5678 !!! ???", "digits.txt", "no_text"),
    ],
    ids=["empty-file", "binary-junk", "unsupported-type", "no-letters"],
)
def test_bad_upload_gets_a_specific_reason_and_leaves_database_unchanged(store, data, name, reason):
    res = ingest.ingest_bytes(store, data, name)
    assert res.status == "error"
    assert res.reason == reason
    assert name in res.message
    assert store.counts() == {"articles": 0, "figures": 0, "reviews": 0, "places": store.counts()["places"]}


def test_file_over_the_size_limit_is_refused(store):
    res = ingest.ingest_bytes(store, ARTICLE.encode("utf-8") * 100, "big.txt", max_bytes=1000)
    assert res.status == "error" and res.reason == "too_large"
    assert store.counts()["articles"] == 0


def test_extractor_failure_mid_article_leaves_nothing_behind(store, monkeypatch):
    def boom(text, published=None, lang=None):
        raise RuntimeError("rule bug")

    monkeypatch.setattr(extract, "extract", boom)
    res = ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "a.txt")
    assert res.status == "error" and res.reason == "extractor"
    assert store.counts()["articles"] == 0 and store.counts()["figures"] == 0


def test_reextract_replaces_figures_and_keeps_reviews(store, monkeypatch):
    res = ingest.ingest_bytes(store, ARTICLE.encode("utf-8"), "a.txt")
    store.cursor().execute(
        "INSERT INTO reviews (review_id, article_id, figure_id, figure_start, figure_end, number_text, action, field, "
        "old_value, new_value, note, reviewer, created_at) "
        "VALUES ('r1', ?, 'f1', 0, 0, '12', 'confirm', NULL, NULL, NULL, NULL, 'tester', now())",
        [res.article_id],
    )
    real = extract.extract
    monkeypatch.setattr(extract, "extract", lambda t, p=None, lang=None: real(t, p, lang)[:1])
    assert ingest.reextract(store) == 1
    assert [f.best for f in store.figures_of(res.article_id)] == [12]
    assert store.counts()["reviews"] == 1


def test_command_line_ingests_a_folder_and_prints_a_summary(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "two.txt").write_text(QUIET, encoding="utf-8")
    (folder / "dup.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "bad.exe").write_bytes(b"MZ\x00\x00")
    db = tmp_path / "cli.duckdb"
    res = subprocess.run(
        [sys.executable, "-m", "core.intake.ingest", str(folder), "--db", str(db), "--published", "2017-08-22"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert "2 added" in res.stdout and "1 already in the database" in res.stdout and "1 refused" in res.stdout
    assert "unsupported_type: 1" in res.stdout


@pytest.mark.parametrize("sent, name", [
    ("report %22final%22.txt", 'report "final".txt'),
    ("two%0Alines.txt", "two\nlines.txt"),
    ("100% sure.txt", "100% sure.txt"),
    ("تقرير.txt", "تقرير.txt"),
])
def test_uploaded_file_name_is_kept_as_the_users_system_gave_it(store, sent, name):
    assert ingest.browser_file_name(sent) == name
    res = ingest.ingest_bytes(store, "قتل 3 مدنيين في الرقة.".encode() + sent.encode(), ingest.browser_file_name(sent))
    assert store.get_article(res.article_id).filename == name


def test_command_line_rejects_a_malformed_date(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "core.intake.ingest", str(tmp_path), "--published", "22/08/2017"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 2
    assert "--published must be a date like 2017-08-22" in res.stderr
