"""Trends, articles and incidents in a real browser, in English and in Arabic, with screenshots to
look at (tests/artifacts/pages_<lang>_<what>.png): the summary above the chart and the running-toll
table; the article list naming the outlet and linking the web page (an empty cell when there is
none, never "None"); the incident list with its sources column on the page.

Uses the server and browser of ``conftest.py`` (its own module-scoped server: a fresh database).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core.i18n import catalogue as i18n
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import _upload, _wait_idle

LINKED = ("linked.txt", "title: Strike on a bakery\noutlet: Test Wire\nurl: https://example.org/news/strike-17\n"
          "date: 2017-08-16\n\nTwelve civilians were killed in an air strike on al-Mashlab in Raqqa on 15 August 2017.")


def _main(page: Page):
    return page.locator('[data-testid="stMain"]')


def _load_samples(page: Page, base: str) -> None:
    page.goto(base + "/?lang=en")
    expect(page.locator("h1").first).to_be_visible()
    _wait_idle(page)
    load = page.get_by_role("button", name=i18n.t("empty.load_samples", "en"))
    if load.count():
        load.click()
        expect(load).to_have_count(0)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    _upload(page, *[LINKED[0], LINKED[1].encode()])


def test_trends_articles_and_incidents_read_right_in_both_languages(app_server, page):
    _load_samples(page, app_server)
    for lang in ("en", "ar"):
        # Trends: the summary above the chart, then the running-toll table.
        page.goto(f"{app_server}/?lang={lang}")
        _wait_idle(page)
        main = _main(page)
        expect(main.get_by_text(i18n.t("trends.summary.largest", lang, items="").rstrip(".").strip(), exact=False)
               .first).to_be_visible()
        range_value = main.locator('[data-testid="stMetric"]').filter(
            has_text=i18n.t("trends.metric_range", lang)).locator('[data-testid="stMetricValue"]')
        assert ("إلى" in range_value.inner_text()) == (lang == "ar")
        page.screenshot(path=ARTIFACTS / f"pages_{lang}_trends_summary.png")
        expect(main.get_by_role("heading", name=i18n.t("trends.tolls_title", lang))).to_have_count(1)
        toll_table = main.locator('[data-testid="stDataFrame"]').filter(has=page.locator("canvas")).last
        toll_table.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=ARTIFACTS / f"pages_{lang}_trends_tolls.png")

        # Articles: the outlet's name, the web page linked, no "None" where there is no address.
        page.goto(f"{app_server}/articles?lang={lang}")
        _wait_idle(page)
        table = _main(page).locator('[data-testid="stDataFrame"]').first
        expect(table).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=ARTIFACTS / f"pages_{lang}_articles.png")
        # the grid draws on a canvas; its cells are also in an accessible table
        cells = table.locator('[role="gridcell"]')
        texts = cells.all_inner_texts()
        assert "Test Wire" in texts
        assert "None" not in texts and "none" not in texts
        # the accessible cells hold the link's address (drawn as "original ↗", see the screenshot)
        assert texts.count("https://example.org/news/strike-17") == 1

        # Incidents: every column, sources included, on the page without scrolling sideways.
        page.goto(f"{app_server}/incidents?lang={lang}")
        _wait_idle(page)
        incidents = _main(page).locator('[data-testid="stDataFrame"]').first
        expect(incidents).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=ARTIFACTS / f"pages_{lang}_incidents.png")
        assert i18n.t("col.sources", lang) in incidents.locator('[role="columnheader"]').all_inner_texts()
        scroller = incidents.locator(".dvn-scroller").first  # the grid's scrolling area (glide-data-grid)
        widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert widths[0] <= widths[1] + 1, f"the table scrolls sideways: {widths}"
