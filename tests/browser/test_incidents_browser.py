"""The Incidents page in a real browser: two articles reporting one strike (17, then 27 a day
later) are one incident, counted once on the trends page; the incident's reports side by side.

Uses the server and browser of ``conftest.py``; its own module-scoped server, so a fresh database.
Screenshots go to tests/artifacts/ (git-ignored): look at them after a change to the page.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_browser import _shot, _total, _upload, _wait_idle

STRIKE = [
    ("afp.txt", "title: غارة على المشلب\ndate: 2017-08-14\n\n"
     "قتل 17 مدنيا يوم الأحد 13 آب/أغسطس 2017 في غارة على حي المشلب في الرقة."),
    ("sohr.txt", "title: ارتفاع حصيلة غارة المشلب\ndate: 2017-08-15\n\n"
     "ارتفع عدد القتلى المدنيين في غارة يوم الأحد 13 آب/أغسطس 2017 على حي المشلب في الرقة إلى 27 مدنيا."),
]


def test_one_strike_two_articles_is_counted_once_and_listed_with_both_reports(app_server, page: Page):
    page.goto(app_server)
    expect(page.get_by_role("heading", name="Weekly casualty trends")).to_be_visible()
    for name, text in STRIKE:
        _upload(page, name, text.encode())
    expect(_total(page)).to_have_text("27")  # not 17 + 27

    page.goto(app_server + "/incidents")
    _wait_idle(page)
    expect(page.get_by_role("heading", name="Incidents: one event, many reports")).to_be_visible()
    pick = page.locator('[data-testid="stSelectbox"]').filter(has_text="Incident").first
    pick.click()
    page.get_by_role("option").first.click()
    _wait_idle(page)
    expect(page.get_by_text("Counted once on the charts as 27 (range 17–27), from 2 reports.")).to_be_visible()
    expect(page.get_by_role("heading", name="Its reports, side by side")).to_be_visible()
    _shot(page, "incidents_01_reports.png")
