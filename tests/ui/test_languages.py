"""Every page of the dashboard in each interface language, under AppTest on a real database.

The pages are the ones `dashboard.PAGES` lists (read from the file: importing it would run the
app). Each runs in English, in Arabic, and in Arabic with Eastern digits and MSA month names,
without an exception, with its title in that language and no English interface text left on an
Arabic page. Then what the language setting does: the browser's language as the default, the
choice kept in the URL, right-to-left layout, digits, month names, the chart, upload errors.
"""

from __future__ import annotations

import ast
import json
import re

import pytest

from core.i18n import catalogue as i18n
from core.intake import uploads
from core.views import upload_errors
from tests.ui import population as pop
from tests.ui.apptest import ENTRYPOINT, ROOT, app, texts
from ui.common import widget_key

AR, EASTERN_MSA = "ar", "ar-u-nu-arab-x-msa"
LANG_PARAMS = {
    "en": {},
    AR: {"lang": "ar"},
    EASTERN_MSA: {"lang": "ar", "digits": "arab", "months": "msa"},
}


def _pages() -> list[tuple[str, str]]:
    """(page file, catalogue key of its st.title) for every page in dashboard.PAGES."""
    tree = ast.parse(ENTRYPOINT.read_text(encoding="utf-8"))
    listed = next(
        ast.literal_eval(node.value) for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets)
    )
    out = []
    for path, _title, _icon in listed:
        source = (ROOT / path).read_text(encoding="utf-8")
        title = re.search(r"""st\.title\(\s*t\(\s*"([a-z0-9_.]+)"\s*\)\s*\)""", source)
        assert title, f"{path}: no st.title(t(...)) found"
        out.append((path, title.group(1)))
    return out


PAGES = _pages()


def _english_only() -> set[str]:
    """Interface texts that only English has (an Arabic page must not show any of them)."""
    en, ar = i18n.messages("en"), i18n.messages("ar")
    endonyms = {text for key, text in en.items() if key.startswith("language.")}  # "English" in the language picker
    return {text for key, text in en.items() if isinstance(text, str) and ar.get(key) != text
            and not i18n.placeholders(text) and len(text) > 3} - endonyms


_TEXT_ELEMENTS = {"title", "header", "subheader", "caption", "markdown", "text", "alert", "info", "warning",
                  "error", "success", "exception", "expandable"}


def _shown_texts(at) -> list[str]:
    """Every label, value, option and help text of the elements, table headers, chart texts."""
    out: list[str] = []
    for node in at._tree:
        shown = ("label", "help", "placeholder") + (("value",) if getattr(node, "type", None) in _TEXT_ELEMENTS else ())
        for attr in shown:
            try:
                v = getattr(node, attr, None)
            except Exception:  # noqa: BLE001 - some element values need a session to compute
                continue
            if isinstance(v, str):
                out.append(v)
        try:
            options = getattr(node, "options", None)
        except Exception:  # noqa: BLE001
            options = None
        if isinstance(options, (list, tuple)):
            out += [o for o in options if isinstance(o, str)]
    for df in at.dataframe:
        out += [str(c) for c in df.value.columns]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out += [tr.get("name", "") for tr in spec["data"]]
        out += [(spec["layout"].get(a) or {}).get("title", {}).get("text", "") for a in ("xaxis", "yaxis", "yaxis2")]
    return [s.replace(i18n.RLI, "").replace(i18n.PDI, "").replace(i18n.FSI, "") for s in out]


def _metric(at, key: str, lang: str) -> str:
    return next(m.value for m in at.metric if m.label == i18n.t(key, lang))


@pytest.mark.parametrize("lang", list(LANG_PARAMS))
@pytest.mark.parametrize(("page", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_every_page_runs_in_each_language_with_its_title(populated_db, page, title, lang):
    at = app(page, query_params=LANG_PARAMS[lang])
    assert not at.exception
    assert texts(at.title) == [i18n.t(title, lang)]
    if lang != "en":
        left = sorted(set(_shown_texts(at)) & _english_only())
        assert left == [], f"English interface text on the Arabic {page}"


@pytest.mark.parametrize(("page", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_every_page_runs_in_arabic_on_an_empty_database(empty_db, page, title):
    at = app(page, query_params={"lang": "ar"})
    assert not at.exception
    assert texts(at.title) == [i18n.t(title, AR)]


# ---- the language setting -------------------------------------------------------------------------
def _app_with_browser(locale: str | None, query_params: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ENTRYPOINT), default_timeout=30)
    at.context["locale"] = locale
    if query_params:
        at.query_params.update(query_params)
    return at.run()


def test_an_arabic_browser_opens_the_arabic_dashboard_and_the_url_says_so(populated_db):
    at = _app_with_browser("ar-SY")
    assert not at.exception
    assert texts(at.title) == [i18n.t("trends.title", AR)]
    assert at.query_params.get("lang") == "ar"


def test_a_browser_in_another_language_gets_english(populated_db):
    at = _app_with_browser("fr-FR")
    assert texts(at.title) == [i18n.t("trends.title", "en")]
    assert "lang" not in at.query_params


def test_english_chosen_in_an_arabic_browser_is_kept_in_the_url(populated_db):
    at = _app_with_browser("ar-SY")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert texts(at.title) == [i18n.t("trends.title", "en")]
    assert at.query_params.get("lang") == "en"


def test_the_link_wins_over_the_browser(populated_db):
    at = _app_with_browser("ar-SY", {"lang": "en"})
    assert texts(at.title) == [i18n.t("trends.title", "en")]


def test_arabic_lays_the_page_out_right_to_left_and_english_does_not(populated_db):
    arabic = app(query_params={"lang": "ar"})
    assert any("direction: rtl" in h.proto.body for h in arabic.get("html"))
    english = app()
    assert not any("direction: rtl" in h.proto.body for h in english.get("html"))


def test_digit_and_month_settings_show_only_in_arabic_and_go_into_the_url(populated_db):
    english = app()
    assert not [t for t in english.sidebar.toggle if t.key == "digits"]
    at = app(query_params={"lang": "ar"})
    assert _metric(at, "trends.metric_total.killed", AR) == f"{pop.TOTAL_KILLED}"
    at.sidebar.toggle(key="digits").set_value(True).run()
    at.sidebar.radio(key="months").set_value("msa").run()
    assert not at.exception
    assert at.query_params.get("digits") == "arab" and at.query_params.get("months") == "msa"
    assert _metric(at, "trends.metric_total.killed", AR) == i18n.format_number(pop.TOTAL_KILLED, EASTERN_MSA)
    low, high = pop.TOTAL_RANGE
    assert _metric(at, "trends.metric_range", AR) == f"{i18n.format_number(low, EASTERN_MSA)} إلى {i18n.format_number(high, EASTERN_MSA)}"
    week = i18n.t("trends.week_of", EASTERN_MSA, date=i18n.format_date("2017-08-07", EASTERN_MSA))
    assert week in at.selectbox(key=widget_key("pick_week", EASTERN_MSA)).options and "أغسطس" in week


def test_arabic_chart_speaks_arabic_and_a_click_still_lists_the_figures(populated_db):
    at = app(query_params={"lang": "ar"})
    (chart,) = at.get("plotly_chart")
    spec, config = json.loads(chart.proto.spec), json.loads(chart.proto.config)
    names = [tr["name"] for tr in spec["data"]]
    assert f"{i18n.RLI}{i18n.t('series.civilians', AR)}{i18n.PDI}" in names
    assert config["locales"][config["locale"]]["format"]["months"][7] == i18n.month_name(8, AR)
    assert config["displaylogo"] is False
    at.selectbox(key=widget_key("pick_week", AR)).set_value("2017-08-07").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert i18n.t("col.sentence", AR) in table.columns and len(table) >= 1


def test_refused_upload_is_explained_in_arabic(empty_db):
    at = app(query_params={"lang": "ar"})
    at.sidebar.file_uploader(key="upload_files").set_value(("empty.txt", b"", "text/plain"))
    submit = next(b for b in at.sidebar.button if b.label == i18n.t("upload.submit", AR))
    submit.click().run()
    assert not at.exception
    english = uploads.MESSAGES["empty"].format(name="empty.txt")
    assert texts(at.sidebar.error) == [
        i18n.md("upload.refused", AR, name="empty.txt", reason=upload_errors.upload_error(english, AR, named=False))
    ]
    assert "the file is empty" not in texts(at.sidebar.error)[0]
