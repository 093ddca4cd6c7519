"""The articles page (the evidence) under AppTest: the list, the search, the article view."""

from __future__ import annotations

from core.i18n import catalogue as i18n
from core.storage.store import Store
from tests.ui import apptest
from tests.ui import population as pop
from tests.ui.apptest import app, texts

PAGE = "ui/pages/articles.py"


def _article_html(at) -> str:
    """The article view's HTML after its style sheet."""
    body = next(h.proto.body for h in at.html if "article-text" in h.proto.body)
    return body.split("</style>", 1)[1]


def test_empty_database_offers_the_sample_articles(empty_db):
    at = app(PAGE)
    assert not at.exception
    assert texts(at.title) == [i18n.t("articles.title")]
    assert i18n.t("empty.articles") in texts(at.info)
    assert i18n.t("empty.load_samples") in [b.label for b in at.button]


def test_list_shows_every_article_with_its_figure_count(populated_db):
    at = app(PAGE)
    assert not at.exception
    table = at.dataframe[0].value
    counts = dict(zip(table[i18n.t("col.title")], table[i18n.t("col.figures")], strict=True))
    assert counts["غارة على الدرعية"] == 4
    assert counts[pop.HOSTILE_TITLE] == 1
    assert len(table) == 5


def test_search_finds_articles_by_their_text(populated_db):
    at = app(PAGE)
    at.text_input(key="q").input("الرميلة").run()
    assert not at.exception
    assert list(at.dataframe[0].value[i18n.t("col.title")]) == ["ارتفاع الحصيلة"]


def test_search_without_match_says_so(populated_db):
    at = app(PAGE)
    at.text_input(key="q").input("لا يوجد هذا النص").run()
    assert i18n.t("articles.none_found") in texts(at.info)


def test_deep_link_opens_article_with_every_figure_marked(populated_db):
    at = app(PAGE, {"article": "a1"})
    assert not at.exception
    body = _article_html(at)
    assert body.count("<mark") == 4
    assert 'dir="rtl"' in body
    table = at.dataframe[0].value
    assert list(table[i18n.t("col.id")]) == ["f3", "f1", "f2", "f4"]
    on_chart = dict(zip(table[i18n.t("col.id")], table[i18n.t("col.counted")], strict=True))
    assert on_chart["f1"] == i18n.t("counted.yes")
    assert on_chart["f2"] == i18n.t("counted.part", parent="f1")
    assert on_chart["f3"] == i18n.t("counted.repeat", other="f1")


def test_figure_in_link_is_marked_in_its_sentence(populated_db):
    at = app(PAGE, {"article": "a2", "figure": "f2"})
    assert not at.exception
    body = _article_html(at)
    assert 'id="fig-f2"' in body
    assert 'class="fig fig-incident fig-counted selected"' in body
    assert '<span class="selected-sentence">' in body
    assert any("scrollIntoView" in h.proto.body for h in at.html)


def test_unknown_figure_in_link_shows_the_article_and_says_so(populated_db):
    at = app(PAGE, {"article": "a2", "figure": "f99"})
    assert i18n.t("article.figure_not_found") in texts(at.warning)
    assert "selected" not in _article_html(at)


def test_unknown_article_id_says_it_is_not_in_the_database(populated_db):
    at = app(PAGE, {"article": "no-such-article"})
    assert not at.exception
    assert i18n.t("article.not_found") in texts(at.error)


def test_markup_in_an_article_is_shown_as_text(populated_db):
    at = app(PAGE, {"article": "a5"})
    assert not at.exception
    body = _article_html(at)
    assert "<img" not in body and "<b>" not in body
    assert "&lt;img src=x onerror=" in body
    assert "\\<script\\>" in at.header[0].value
    assert not any("<script" in h.proto.body for h in at.html)


def test_article_link_with_a_snapshot_shows_the_figures_stored_then_on_a_lake(tmp_path, monkeypatch):
    from core.intake import ingest

    lake = f"ducklake:sqlite:{tmp_path / 'catalog.sqlite'}"
    monkeypatch.setenv("CASUALTY_DATA", str(tmp_path / "lake-data"))
    close = apptest.use_database(monkeypatch, tmp_path / "unused.duckdb")
    monkeypatch.setenv("CASUALTY_DB", lake)
    store = Store.open(lake)
    try:
        (added,) = ingest.ingest_many(store, [("date: 2016-05-02\n\nقتل 17 مدنيا في غارة على حي المشلب يوم الأحد، "
                                                "بحسب ناشطين.\n".encode(), "r.txt")])
        then = store.current_snapshot()
        store.replace_figures(added.article_id, [], "a later extractor")
        at = app(PAGE, {"article": added.article_id, "snapshot": str(then)})
        assert not at.exception
        assert any(f"snapshot {then} " in x for x in texts(at.info))
        assert list(at.dataframe[0].value[i18n.t("col.number")]) == ["17"]
        now = app(PAGE, {"article": added.article_id})
        assert i18n.t("article.no_figures") in texts(now.info)
    finally:
        close()
        store.close()


def test_article_link_with_a_snapshot_on_a_database_file_says_snapshots_need_a_lake(populated_db):
    at = app(PAGE, {"article": "a1", "snapshot": "3"})
    assert not at.exception
    assert any("keeps no snapshots" in x for x in texts(at.error))
