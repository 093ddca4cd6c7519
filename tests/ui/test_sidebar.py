"""The sidebar on every page: uploads through the file chooser or pasted text, and the empty
state's sample articles. These run the real extractor (`core.intake.ingest`) on our own sentences."""

from __future__ import annotations

from core.i18n import catalogue as i18n
from core.storage.store import Store
from tests.ui.apptest import app, texts

ARTICLE = (
    "title: اختبار رفع ملف\ndate: 2017-08-14\n\n"
    "قتل 12 مدنيا بينهم أربعة أطفال يوم الأحد 13 آب/أغسطس 2017 في غارة للتحالف الدولي على حي الدرعية في الرقة."
).encode()


def _upload(at, files, pasted: str | None = None):
    at.sidebar.file_uploader(key="upload_files").set_value(files)
    if pasted is not None:
        at.sidebar.text_area(key="upload_paste").input(pasted)
    submit = next(b for b in at.sidebar.button if b.label == i18n.t("upload.submit"))
    submit.click().run()
    return at


def _metric(at, key: str) -> str:
    return next(m.value for m in at.metric if m.label == i18n.t(key))


def test_uploaded_article_reports_its_figures_and_the_chart_appears(empty_db):
    at = app()
    assert not at.get("plotly_chart")
    _upload(at, ("raqqa.txt", ARTICLE, "text/plain"))
    assert not at.exception
    (message,) = texts(at.sidebar.success)
    assert message.startswith("raqqa\\.txt: added, 2 figures found: 12 civilians killed")
    assert len(at.get("plotly_chart")) == 1
    assert _metric(at, "trends.metric_total.killed") == "12"


def test_same_article_twice_is_reported_as_already_in_the_database(empty_db):
    at = app()
    _upload(at, ("raqqa.txt", ARTICLE, "text/plain"))
    _upload(at, ("copy.txt", ARTICLE, "text/plain"))
    assert not at.exception
    # the time it was first added, as the command line and the README give it
    (added_at,) = [a.added_at for a in Store.open(empty_db).iter_articles()]
    when = added_at.strftime("%Y-%m-%d %H:%M")
    assert texts(at.sidebar.info) == [i18n.md("upload.duplicate_added", "en", name="copy.txt", when=when)]
    assert "(added " in i18n.t("upload.duplicate_added", "en", name="copy.txt", when=when)
    assert _metric(at, "trends.metric_total.killed") == "12"


def test_many_files_each_get_their_own_result(empty_db):
    at = app()
    other = "قتل 3 مدنيين في قصف على حي البدو يوم 20 آب/أغسطس 2017.".encode()
    _upload(at, [("a.txt", ARTICLE, "text/plain"), ("b.txt", other, "text/plain"),
                 ("empty.txt", b"", "text/plain")])
    assert not at.exception
    assert len(at.sidebar.success) == 2
    (refused,) = texts(at.sidebar.error)
    assert refused.startswith("empty\\.txt was not added: ")


def test_refused_file_name_with_markup_is_shown_as_text(empty_db):
    at = app()
    _upload(at, ('<img src=x onerror="alert(1)">.txt', b"", "text/plain"))
    (refused,) = texts(at.sidebar.error)
    assert refused.startswith("\\<img src=x onerror=\"alert\\(1\\)\"\\>\\.txt was not added")


def test_pasted_text_is_added(empty_db):
    at = app()
    _upload(at, None, pasted="قتل 7 مدنيين في قصف على حي البدو يوم 15 آب/أغسطس 2017.")
    assert not at.exception
    (message,) = texts(at.sidebar.success)
    assert message.startswith(i18n.md("upload.pasted_name", "en"))
    assert _metric(at, "trends.metric_total.killed") == "7"


def test_submitting_nothing_asks_for_a_file(empty_db):
    at = app()
    _upload(at, None)
    assert texts(at.sidebar.warning) == [i18n.t("upload.nothing")]


def test_sample_articles_button_fills_the_empty_dashboard(empty_db):
    at = app()
    next(b for b in at.button if b.label == i18n.t("empty.load_samples")).click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    at.switch_page("ui/pages/articles.py").run()
    titles = list(at.dataframe[0].value[i18n.t("col.title")])
    assert titles and all(("عينة" in t or "Sample" in t) for t in titles)
