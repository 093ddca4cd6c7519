"""The map page in a real browser: drawn with no basemap, with no request leaving localhost
(every other request is blocked and recorded), adding up to the trends page's total, with a
tooltip and a click that lists a place's figures.

Uses the server and browser of ``conftest.py``; its own module-scoped server, so a fresh database.
Screenshots go to tests/artifacts/ (git-ignored): look at them after a change to the map.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import _shot, _upload, _wait_idle

MAP_ARTICLES = [
    ("mashlab.txt", "title: غارة على المشلب\ndate: 2017-08-14\n\n"
     "قتل 9 مدنيين يوم الأحد 13 آب/أغسطس 2017 في غارة على حي المشلب في الرقة."),
    ("city.txt", "title: قصف على الرقة\ndate: 2017-08-16\n\n"
     "قتل 6 مدنيين يوم الثلاثاء 15 آب/أغسطس 2017 في قصف على مدينة الرقة."),
    ("tabqa.txt", "title: الطبقة\ndate: 2017-08-16\n\n"
     "قتل 4 مدنيين يوم الثلاثاء 15 آب/أغسطس 2017 في غارة على مدينة الطبقة."),
    ("village.txt", "title: قرية\ndate: 2017-08-23\n\n"
     "قتل 3 مدنيين يوم الثلاثاء 22 آب/أغسطس 2017 في قصف على قرية فتاتيش في ريف الرقة الشمالي."),
]
_LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob|about):")


def _metric_value(page: Page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_map_draws_offline_and_adds_up_to_the_trends_total(app_server, page):
    leaving: list[str] = []

    def only_local(route, request):
        if _LOCAL.match(request.url):
            route.continue_()
        else:
            leaving.append(request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(app_server)
    expect(page.get_by_role("heading", name="Weekly casualty trends")).to_be_visible()
    for name, text in MAP_ARTICLES:
        _upload(page, name, text.encode())
    # the four articles' 9 + 6 + 4 + 3 killed: wait for the page drawn after the last upload
    total = page.locator('[data-testid="stMetric"]').filter(has_text="Killed (added up)")
    expect(total.locator('[data-testid="stMetricValue"]')).to_have_text("22")
    trends_total = _metric_value(page, "Killed (added up)")

    page.goto(app_server + "/map")
    _wait_idle(page)
    expect(page.get_by_role("heading", name="Where people were killed")).to_be_visible()
    deck = page.locator('[data-testid="stDeckGlJsonChart"]')
    expect(deck.locator("canvas").first).to_be_visible()
    page.wait_for_timeout(2500)  # WebGL draws after the element appears
    parts = [_metric_value(page, label) for label in (
        "On the map (districts and towns)", "Raqqa, district not stated", "Not on the map (table)")]
    assert sum(parts) == _metric_value(page, "Total (as on the trends page)") == trends_total
    assert parts[0] > 0 and parts[1] > 0
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    _shot(page, "map_01_page.png")
    deck.screenshot(path=ARTIFACTS / "map_02_canvas.png")

    # The opening view is centred on Raqqa: its "district not stated" ring is in the middle.
    box = deck.locator("canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".deck-tooltip")
    expect(tooltip).to_contain_text("district not stated")
    deck.screenshot(path=ARTIFACTS / "map_03_tooltip.png")

    # A click lists the figures of that place, with their sentences.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("combobox", name="Place")).to_have_value("الرقة — Raqqa")
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(2)  # the unplaced table, the figures
    figures = page.locator('[data-testid="stDataFrame"]').last
    figures.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "map_04_click_figures.png")

    # Every place drawn, the towns around Raqqa included.
    page.locator('[data-testid="stButtonGroup"]').get_by_text("All places", exact=True).click()
    _wait_idle(page)
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    deck.screenshot(path=ARTIFACTS / "map_05_all_places.png")

    # The whole country: governorates, the Euphrates and Lake Assad, drawn from data/geo/ offline.
    # A governorate is named on hover (the labels that would not fit are not drawn).
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Syria", exact=True).click()
    _wait_idle(page)
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(2000)
    deck.screenshot(path=ARTIFACTS / "map_08_syria.png")
    box = deck.locator("canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.62)  # the desert of Homs
    expect(tooltip).to_contain_text("governorate")
    deck.screenshot(path=ARTIFACTS / "map_09_syria_governorate_hover.png")
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.set_viewport_size({"width": 1400, "height": 1000})
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "map_10_syria_page.png")

    # The Arabic interface: the ring's label is drawn in joined Arabic letters, the buttons whole.
    page.goto(app_server + "/map?lang=ar")
    _wait_idle(page)
    expect(page.get_by_role("heading", name="أين قُتل الناس")).to_be_visible()
    page.wait_for_timeout(2000)
    _shot(page, "map_06_arabic.png")
    page.locator('[data-testid="stDeckGlJsonChart"]').screenshot(path=ARTIFACTS / "map_07_arabic_canvas.png")
    for name in ("مدينة الرقة", "كل الأماكن", "سوريا"):  # not clipped: each button is as wide as its text
        button = page.locator('[data-testid="stButtonGroup"] button').filter(has_text=name)
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    page.locator('[data-testid="stButtonGroup"]').get_by_text("سوريا", exact=True).click()
    _wait_idle(page)
    deck = page.locator('[data-testid="stDeckGlJsonChart"]')
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(2000)
    deck.screenshot(path=ARTIFACTS / "map_11_arabic_syria.png")
    legend = page.locator(".map-legend")
    expect(legend).to_have_attribute("dir", "rtl")
    gaps = legend.evaluate("el => getComputedStyle(el).columnGap")
    assert gaps not in ("normal", "0px")  # the legend's entries stay apart

    assert leaving == [], f"requests left localhost: {leaving}"
