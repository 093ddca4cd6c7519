"""Every page in English and in Arabic in a real browser: no English word left on an Arabic page
that the project controls, and counts spoken with the right plural in both ("1 figure", never
"1 figures" or "figure(s)"; Arabic «رقم واحد», never «رقم/أرقام»).

Uses the server and browser of ``conftest.py`` (its own module-scoped server: a fresh database).
Screenshots go to tests/artifacts/ (git-ignored): ``lang_<lang>_<page>.png``; look at them.
What is not ours and may stay Latin on an Arabic page: the articles' own words (titles, outlets,
file names, the article text), Streamlit's icon names (drawn as icons), the empty date field's
``yyyy``/``mm``/``dd`` segments (Streamlit's), and format names such as CSV or PDF.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.extraction import gazetteer
from core.i18n import catalogue as i18n
from tests.browser.test_browser import _shot, _wait_idle

PAGES = ["", "articles", "map", "incidents", "review"]
ONE_FIGURE = ("one.txt", "title: Raqqa report\noutlet: Test Wire\ndate: 2017-08-14\n\n"
              "One civilian was killed in an air strike on Raqqa on 13 August 2017.")
BAD_PDF = ("bad.pdf", b"this is not a PDF at all")
# Latin words on a page that are not the interface's: Streamlit's date segments, file formats, and the
# map data's source and licence, named as their owners write them (Natural Earth, CC BY-IGO 3.0).
NOT_OURS = {"yyyy", "mm", "dd", "CSV", "Parquet", "GeoJSON", "PDF", "txt", "html", "docx", "pdf", "MB", "ZIP", "README",
            "Natural", "Earth", "CC", "BY", "IGO"}
WRONG_PLURAL = re.compile(
    r"\(s\)|\b1 (?:civilians|children|women|fighters|people|figures|reports|incidents|articles|tolls)\b"
    r"|\b(?:[02-9]|\d\d+) (?:civilian|child|woman|fighter|person|figure|report|incident|article)\b(?! (?:of|is|was))"
)
# An Arabic plural written both ways («رقم/أرقام») or a count of one with a plural noun.
WRONG_PLURAL_AR = re.compile(r"[\u0600-\u06ff]+/[\u0600-\u06ff]+|(?<![\d٠-٩])[1١] (?:أرقام|قتلى|جرحى|تقارير|حوادث|أخبار|مقالات)")

# The texts of the page a journalist reads, without the article's own text, icons (ligature names)
# and charts (checked by test_arabic_browser.py).
_TEXTS_JS = """() => {
  const skip = '[data-testid="stIconMaterial"], .article-text, [data-testid="stPlotlyChart"], script, style,'
             + ' [data-testid="stDeckGlJsonChart"], [data-testid="stFileUploaderFile"]';
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('[data-testid="stApp"]'), NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest(skip)) continue;
    const el = node.parentElement, rect = el.getBoundingClientRect();
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) || rect.width < 2 || rect.height < 2
        || rect.right < 0 || rect.bottom < 0 || getComputedStyle(el).fontSize === '0px') continue;
    out.push(node.textContent.trim());
  }
  return out;
}"""


def _texts(page: Page) -> list[str]:
    return page.evaluate(_TEXTS_JS)


def _sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def _user_words(page: Page) -> set[str]:
    """Latin words the articles bring (titles, outlets, file names): shown as they were written."""
    words: set[str] = set()
    for name, text in (ONE_FIGURE, BAD_PDF):
        words |= set(re.findall(r"[A-Za-z]+", name + (text if isinstance(text, str) else "")))
    from pathlib import Path

    for place in gazetteer.all_places():  # the "Place (English)" column names places in English on purpose
        words |= set(re.findall(r"[A-Za-z]+", place.name_en or ""))
    for path in (Path(__file__).resolve().parents[2] / "data" / "samples").glob("*"):
        words |= set(re.findall(r"[A-Za-z]+", path.name + " " + path.read_text(encoding="utf-8", errors="replace")))
    return words


def _walk(page: Page, base: str, lang: str) -> list[str]:
    texts = []
    for name in PAGES:
        page.goto(f"{base}/{name}?lang={lang}")
        _wait_idle(page)
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(500)
        _wait_idle(page)
        _shot(page, f"lang_{lang}_{name or 'trends'}.png")
        texts += [f"{name or 'trends'}: {x}" for x in _texts(page)]
    return texts


def test_every_page_speaks_the_interface_language_with_the_right_plurals(app_server, page):
    page.goto(app_server + "/?lang=en")
    load = page.get_by_role("button", name=i18n.t("empty.load_samples", "en"))
    load.click()
    expect(load).to_have_count(0)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    _wait_idle(page)
    side = _sidebar(page)
    for name, data in (ONE_FIGURE, BAD_PDF):
        side.locator('input[type="file"]').set_input_files(
            files=[{"name": name, "mimeType": "application/octet-stream",
                    "buffer": data.encode() if isinstance(data, str) else data}])
        expect(side.get_by_text(name, exact=True)).to_be_visible()
        side.get_by_role("button", name=i18n.t("upload.submit", "en")).click()
        _wait_idle(page)
        if name == "bad.pdf":
            error = side.locator('[data-testid="stAlertContainer"]').filter(has_text="bad.pdf").last
            expect(error).to_contain_text("bad.pdf was not added: the file is damaged")
            assert error.inner_text().count("bad.pdf") == 1
        else:
            expect(side.locator('[data-testid="stAlertContainer"]').filter(has_text="one.txt").last).to_contain_text(
                "one.txt: added, 1 figure found: 1 civilian killed.")

    # The uploader says the project's limit once, in the interface's words.
    uploader = side.locator('[data-testid="stFileUploader"]')
    expect(uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"]')).to_be_hidden()
    expect(side.get_by_text(i18n.t("upload.limits", "en", limit=5))).to_be_visible()
    assert "50MB" not in side.inner_text()

    english = _walk(page, app_server, "en")
    assert [x for x in english if WRONG_PLURAL.search(x)] == []

    # Arabic, chosen in the sidebar, then every page.
    page.goto(app_server + "/?lang=en")
    _wait_idle(page)
    side.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=i18n.t("language.ar", "ar")).click()
    _wait_idle(page)
    expect(page.get_by_role("heading", name=i18n.t("trends.title", "ar"))).to_be_visible()
    button = side.locator('[data-testid="stFileUploaderDropzone"] button p')
    content = button.evaluate("el => getComputedStyle(el, '::after').content")
    assert i18n.t("upload.browse", "ar") in content
    side.locator('input[type="file"]').set_input_files(
        files=[{"name": BAD_PDF[0], "mimeType": "application/pdf", "buffer": BAD_PDF[1]}])
    expect(side.get_by_text(BAD_PDF[0], exact=True)).to_be_visible()
    side.get_by_role("button", name=i18n.t("upload.submit", "ar")).click()
    _wait_idle(page)
    error = side.locator('[data-testid="stAlertContainer"]').filter(has_text="bad.pdf").last
    expect(error).to_contain_text(i18n.t("upload.detail.it does not start like a PDF", "ar"))
    assert error.inner_text().count("bad.pdf") == 1

    arabic = _walk(page, app_server, "ar")
    allowed = NOT_OURS | _user_words(page)
    english_left = sorted({x for x in arabic if set(re.findall(r"[A-Za-z]{2,}", x.split(": ", 1)[1])) - allowed})
    assert english_left == []
    assert [x for x in arabic if WRONG_PLURAL_AR.search(x)] == []


def _choose(page: Page, box, label: str) -> None:
    """Pick the option `label` in a select box or multiselect (typed, then clicked in its list)."""
    box.get_by_role("combobox").click()
    box.get_by_role("combobox").fill(label)
    page.get_by_role("option").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_the_series_the_show_choice_and_the_groups_picked_stay_picked_and_speak_arabic_after_switching_the_language(
        app_server, page):
    en, ar = "en", "ar"
    page.goto(app_server + "/?lang=en")
    expect(page.locator("h1").first).to_be_visible()
    _wait_idle(page)
    load = page.get_by_role("button", name=i18n.t("empty.load_samples", en))
    if load.count():
        load.click()
        expect(load).to_have_count(0)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    _wait_idle(page)
    side = _sidebar(page)

    def series_box(lang):
        return page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
            has_text=i18n.t("trends.pick_series", lang))

    def show_radio(lang):
        return side.locator('[data-testid="stRadio"]').filter(has_text=i18n.t("filters.kinds", lang))

    def groups_box(lang):
        return side.locator('[data-testid="stMultiSelect"]').filter(has_text=i18n.t("filters.groups", lang))

    _choose(page, series_box(en), i18n.t("series.children", en))
    _wait_idle(page)
    show_radio(en).get_by_text(i18n.t("filters.kinds.incidents", en), exact=True).click()
    _wait_idle(page)
    _choose(page, groups_box(en), i18n.label("group", "civilians", en))
    page.keyboard.press("Escape")
    _wait_idle(page)
    expect(series_box(en).get_by_role("combobox")).to_have_value(i18n.t("series.children", en))
    expect(show_radio(en).get_by_role("radio", name=i18n.t("filters.kinds.incidents", en), exact=True)).to_be_checked()

    _choose(page, side.locator('[data-testid="stSelectbox"]').first, i18n.t("language.ar", ar))
    _wait_idle(page)
    expect(page.get_by_role("heading", name=i18n.t("trends.title", ar))).to_be_visible()

    def still_picked_in_arabic() -> None:
        expect(series_box(ar).get_by_role("combobox")).to_have_value(i18n.t("series.children", ar))
        expect(show_radio(ar).get_by_role("radio", name=i18n.t("filters.kinds.incidents", ar), exact=True)).to_be_checked()
        expect(groups_box(ar)).to_contain_text(i18n.label("group", "civilians", ar))

    still_picked_in_arabic()
    # and on the next run (any other click), still the same choices
    side.get_by_text(i18n.t("sidebar.digits", ar), exact=True).click()
    _wait_idle(page)
    still_picked_in_arabic()
