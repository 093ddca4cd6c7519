"""The dashboard in Arabic in a real browser: right-to-left pages, shaped Arabic inside the charts,
Arabic month names and, as an option, Eastern Arabic digits.

Uses the server and browser of ``conftest.py`` (its own module-scoped server: a fresh database).
Screenshots go to tests/artifacts/ (git-ignored): ``ar_*.png``. Look at them after a change to the
pages or the catalogue: text must run right-to-left, Arabic letters joined, "(…)" the right way
round, inside the chart too. What a script can check is checked below: the direction the browser
computed for each block, the right-to-left isolates around every chart text, the font and the
month names Plotly drew.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.i18n import catalogue as i18n
from core.i18n import charts
from core.intake import decode, ingest
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import _shot, _wait_idle

AR = "ar"
ARTICLES = [
    ("daraiya.txt", "title: غارة على الدرعية\ndate: 2017-08-14\n\n"
     "قتل 12 مدنيا بينهم أربعة أطفال يوم الأحد 13 آب/أغسطس 2017 في غارة للتحالف الدولي على حي الدرعية في الرقة، "
     "بحسب المرصد السوري لحقوق الإنسان."),
    ("badu.txt", "title: قصف على البدو\ndate: 2017-08-23\n\n"
     "قتل 7 مدنيين في قصف على حي البدو في الرقة يوم الثلاثاء 22 آب/أغسطس 2017."),
    ("mashlab.txt", "title: المشلب\ndate: 2017-09-05\n\n"
     "قتل 5 مدنيين يوم 4 أيلول/سبتمبر 2017 في قصف على حي المشلب في الرقة."),
    ("toll.txt", "title: حصيلة\ndate: 2017-09-06\n\n"
     "وثق المرصد السوري لحقوق الإنسان مقتل 1250 مدنيا في الرقة منذ بداية الحملة حتى 5 أيلول/سبتمبر 2017."),
]
MONTH_AUG = i18n.month_name(8, AR)  # آب (Levantine, CLDR ar_SY, the default)


def _sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def _upload(page: Page, name: str, data: bytes) -> None:
    side = _sidebar(page)
    side.locator('input[type="file"]').set_input_files(files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
    expect(side.get_by_text(name, exact=True)).to_be_visible()
    side.get_by_role("button", name=i18n.t("upload.submit", AR)).click()
    _wait_idle(page)


def _direction(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).direction")


def _metric(page: Page, key: str):
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=i18n.t(key, AR))
    return metric.locator('[data-testid="stMetricValue"]')


def _chart_texts(page: Page, css: str) -> list[str]:
    return page.locator(f'[data-testid="stPlotlyChart"] {css}').all_text_contents()


def test_arabic_pages_run_right_to_left_with_shaped_text_in_the_charts(app_server, page):
    page.goto(app_server + "/?lang=ar")
    expect(page.get_by_role("heading", name=i18n.t("trends.title", AR))).to_be_visible()
    for name, text in ARTICLES:
        _upload(page, name, text.encode())

    # An upload error in Arabic (the English message of core.intake.decode, translated).
    _upload(page, "noise.txt", bytes(range(256)) * 8)
    error = _sidebar(page).locator('[data-testid="stAlertContainer"]').filter(has_text="noise.txt").last
    expect(error).to_contain_text("وليس نص مقال")

    # The page and the sidebar run right-to-left; the title sits on the right.
    assert _direction(page, '[data-testid="stMain"]') == "rtl"
    assert _direction(page, '[data-testid="stSidebarContent"]') == "rtl"
    main = page.locator('[data-testid="stMain"] [data-testid="stMainBlockContainer"]').bounding_box()
    title = page.get_by_role("heading", name=i18n.t("trends.title", AR)).locator("span").first.bounding_box()
    assert main["x"] + main["width"] - (title["x"] + title["width"]) < 0.1 * main["width"]
    assert title["x"] - main["x"] > 0.3 * main["width"]
    expect(_metric(page, "trends.metric_total.killed")).to_have_text("24")

    # The chart: Arabic legend and axis titles isolated right-to-left, Arabic month names, a font
    # with Arabic glyphs.
    chart = page.locator('[data-testid="stPlotlyChart"]')
    expect(chart.locator(".barlayer .point").first).to_be_visible()
    legend = _chart_texts(page, ".legendtext")
    assert charts.isolate(i18n.t("series.civilians", AR), AR) in legend
    assert all(text.startswith(i18n.RLI) for text in legend)
    assert charts.isolate(i18n.t("chart.x_title", AR), AR) in _chart_texts(page, ".g-xtitle text")
    assert any(MONTH_AUG in text for text in _chart_texts(page, ".xtick text"))
    font = chart.locator(".legendtext").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Sans Arabic" in font
    _shot(page, "ar_01_trends.png")

    # Hovering a bar: the hover text is Arabic, aligned right.
    box = chart.locator(".barlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover.first).to_contain_text(i18n.t("chart.hover_range", AR))
    chart.screenshot(path=ARTIFACTS / "ar_02_trends_hover.png")
    page.mouse.move(5, 5)

    # Eastern Arabic digits and MSA month names, from the sidebar, kept in the URL.
    _sidebar(page).get_by_text(i18n.t("sidebar.digits", AR)).click()
    _wait_idle(page)
    _sidebar(page).get_by_text(i18n.t("sidebar.months.msa", AR)).click()
    _wait_idle(page)
    expect(page).to_have_url(re.compile(r"(?=.*[?&]digits=arab)(?=.*[?&]months=msa)"))
    expect(_metric(page, "trends.metric_total.killed")).to_have_text("٢٤")
    # the chart is drawn again after the switch: wait for its MSA month names, not for a moment
    expect(chart.locator(".xtick text").filter(has_text="أغسطس").first).to_be_attached()
    ticks = _chart_texts(page, ".xtick text") + _chart_texts(page, ".ytick text")
    assert any("أغسطس" in text for text in ticks)
    assert any(c in "".join(ticks) for c in "١٢٣٤٥٦٧٨٩") and not any(c in "".join(ticks) for c in "123456789")
    _shot(page, "ar_03_trends_eastern_msa.png")

    # The map page, same settings from the URL.
    page.goto(app_server + "/map?lang=ar&digits=arab")
    _wait_idle(page)
    expect(page.get_by_role("heading", name=i18n.t("map.title", AR))).to_be_visible()
    expect(page.locator('[data-testid="stMain"]').first).to_have_css("direction", "rtl")  # once styled
    expect(page.locator('[data-testid="stDeckGlJsonChart"] canvas').first).to_be_visible()
    page.wait_for_timeout(2500)  # WebGL draws after the element appears
    _shot(page, "ar_04_map.png")

    # The article view: the article right-to-left, its figures marked, the table in Arabic.
    first_id = ingest.article_id(decode.decode_upload(ARTICLES[0][1].encode(), ARTICLES[0][0]).text)
    page.goto(f"{app_server}/articles?lang=ar&article={first_id}")
    _wait_idle(page)
    text = page.locator(".article-text")
    expect(text).to_have_attribute("dir", "rtl")
    expect(text.locator("mark.fig").first).to_be_visible()
    expect(page.get_by_role("heading", name=i18n.t("article.figures_title", AR))).to_be_visible()
    assert _direction(page, '[data-testid="stMain"]') == "rtl"
    page.wait_for_timeout(500)
    _shot(page, "ar_05_article.png")

    # English interface: the page runs left-to-right, the Arabic article still right-to-left.
    page.goto(f"{app_server}/articles?lang=en&article={first_id}")
    _wait_idle(page)
    expect(page.locator(".article-text")).to_have_attribute("dir", "rtl")
    assert _direction(page, '[data-testid="stMain"]') == "ltr"
    _shot(page, "ar_06_article_english_interface.png")
