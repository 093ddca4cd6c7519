"""One smoke test in a real browser: upload through the sidebar, watch the chart change, open the
article view with its figure marked, and check that markup in an article never runs.

Screenshots go to tests/artifacts/ (git-ignored): look at them after a change to the pages.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.intake import decode, ingest
from tests.browser.conftest import ARTIFACTS

FIRST = (
    "title: اختبار المتصفح\ndate: 2017-08-14\n\n"
    "قتل 12 مدنيا بينهم أربعة أطفال يوم الأحد 13 آب/أغسطس 2017 في غارة للتحالف الدولي على حي الدرعية في الرقة."
).encode()
SECOND = "قتل 7 مدنيين في قصف على حي البدو في الرقة يوم الثلاثاء 22 آب/أغسطس 2017.".encode()
HOSTILE = (
    'title: <script>window.__pwned = "title"</script>عنوان <img src=x onerror="window.__pwned=\'title-img\'">\n'
    "date: 2017-09-05\n\n"
    '<script>window.__pwned = "body"</script>\n'
    'قتل 5 مدنيين يوم 4 أيلول/سبتمبر 2017 في قصف على حي الرميلة <img src=x onerror="window.__pwned=\'img\'">.\n'
    '<a href="javascript:window.__pwned=\'link\'">رابط</a>'
).encode()


def _sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def _wait_idle(page: Page) -> None:
    """Wait until the script run is over (Streamlit's running indicator is gone)."""
    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)


def _upload(page: Page, name: str, data: bytes) -> None:
    side = _sidebar(page)
    side.locator('input[type="file"]').set_input_files(files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
    expect(side.get_by_text(name, exact=True)).to_be_visible()
    side.get_by_role("button", name="Add to the database").click()
    # the run that stores the file ends with its result (added, already in, or an error) naming it:
    # waiting for that, not for a pause, keeps a loaded machine from reading the page too early
    expect(side.locator('[data-testid="stAlertContainer"]').filter(has_text=name).first).to_be_visible(timeout=120_000)
    _wait_idle(page)


def _total(page: Page):
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Killed (added up)")
    return metric.locator('[data-testid="stMetricValue"]')


def _shot(page: Page, name: str) -> None:
    _wait_idle(page)
    page.screenshot(path=ARTIFACTS / name, full_page=True)


def test_upload_chart_article_view_and_no_script_runs(app_server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # A shared link opened first on a fresh server still gets the whole dashboard.
    page.goto(app_server + "/articles")
    expect(page.get_by_role("heading", name="Articles", exact=True)).to_be_visible()
    expect(_sidebar(page).get_by_role("heading", name="Add articles")).to_be_visible()
    nav = page.locator('[data-testid="stSidebarNav"] a')
    expect(nav).to_have_count(5)  # trends, articles, map, incidents, review

    page.goto(app_server)
    expect(page.get_by_role("heading", name="Weekly casualty trends")).to_be_visible()
    expect(page.get_by_text("The database has no articles yet")).to_be_visible()
    _shot(page, "01_empty.png")

    # Upload through the sidebar: the empty state gives way to the chart.
    _upload(page, "raqqa.txt", FIRST)
    expect(_sidebar(page).get_by_text(re.compile(r"raqqa\.txt: added, \d+ figure"))).to_be_visible()
    chart = page.locator('[data-testid="stPlotlyChart"]')
    expect(chart).to_be_visible()
    expect(_total(page)).to_have_text("12")
    bars_before = chart.locator(".barlayer .point").count()
    _shot(page, "02_first_upload.png")

    # A second article in another week: the total and the bars change.
    _upload(page, "second.txt", SECOND)
    expect(_total(page)).to_have_text("19")
    expect(chart.locator(".barlayer .point")).not_to_have_count(bars_before)  # waits for Plotly to redraw
    assert chart.locator(".barlayer .point").count() > bars_before
    _shot(page, "03_second_upload.png")

    # Clicking a bar lists the figures behind it, with links to the article view.
    box = chart.locator(".barlayer .point").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _wait_idle(page)
    week = page.locator('[data-testid="stSelectbox"]').filter(has_text="Week").locator("input")
    expect(week).to_have_value("week of 7 Aug 2017")
    table = page.locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    _shot(page, "04_figures_behind.png")

    # Hostile markup in title and text: shown, never run.
    _upload(page, "hostile.txt", HOSTILE)
    expect(_sidebar(page).get_by_text(re.compile(r"hostile\.txt: added"))).to_be_visible()
    expect(_total(page)).to_have_text("24")

    # The article view, from the sidebar's link, with the figure marked.
    _sidebar(page).get_by_role("link", name="Open the article").last.click()
    _wait_idle(page)
    expect(page).to_have_url(re.compile(r"/articles\?article="))
    text = page.locator(".article-text")
    expect(text).to_be_visible()
    expect(text).to_contain_text("<script>")
    expect(text.locator("mark.fig")).to_have_text(["5"])
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    _shot(page, "05_hostile_article.png")

    # The first article opened on one figure (a deep link): marked in its sentence, scrolled to.
    first_id = ingest.article_id(decode.decode_upload(FIRST, "raqqa.txt").text)
    page.goto(f"{app_server}/articles?article={first_id}&figure=f2")
    _wait_idle(page)
    marked = page.locator(".article-text mark.selected")
    expect(marked).to_have_text("أربعة")
    expect(marked).to_be_in_viewport()
    expect(page.locator(".article-text .selected-sentence")).to_contain_text("مدنيا")
    _shot(page, "06_deep_link.png")

    page.goto(app_server + "/articles")
    _wait_idle(page)
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    page.wait_for_timeout(500)
    _shot(page, "07_article_list.png")

    # The same view in the Arabic interface, from the URL.
    page.goto(app_server + "/?lang=ar")
    expect(page.get_by_role("heading", name="اتجاهات الضحايا الأسبوعية")).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
    _shot(page, "08_arabic.png")

    assert dialogs == []
    assert page.evaluate("window.__pwned === undefined")
