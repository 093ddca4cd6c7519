"""Two journalists upload at the same moment from two browsers: both are stored, both are told
the truth, and the trends page shows the sum (issue 9).

Its own server and database (module-scoped `app_server` from conftest), a browser context per journalist.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import _sidebar, _total, _wait_idle

A = "date: 2017-08-14\n\nقتل 9 مدنيين يوم الأحد 13 آب/أغسطس 2017 في غارة على حي الدرعية في الرقة.".encode()
B = "date: 2017-08-22\n\nقتل 6 مدنيين يوم الإثنين 21 آب/أغسطس 2017 في قصف على حي المشلب في الرقة.".encode()
SAME = "date: 2017-09-05\n\nقتل 4 مدنيين يوم الإثنين 4 أيلول/سبتمبر 2017 في قصف على حي الرميلة في الرقة.".encode()


def _choose(page, name: str, data: bytes) -> None:
    side = _sidebar(page)
    side.locator('input[type="file"]').set_input_files(files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
    expect(side.get_by_text(name, exact=True)).to_be_visible()


def _both_click(p1, p2) -> None:
    """Press both 'Add' buttons back to back, then wait for both script runs."""
    b1 = _sidebar(p1).get_by_role("button", name="Add to the database")
    b2 = _sidebar(p2).get_by_role("button", name="Add to the database")
    b1.click(no_wait_after=True)
    b2.click(no_wait_after=True)
    _wait_idle(p1)
    _wait_idle(p2)


def test_two_browsers_uploading_at_once_are_both_stored_and_summed(app_server, new_page):
    p1, p2 = new_page(), new_page()
    for p in (p1, p2):
        p.goto(app_server)
        expect(p.get_by_role("heading", name="Weekly casualty trends")).to_be_visible()

    _choose(p1, "darriya.txt", A)
    _choose(p2, "mashlab.txt", B)
    _both_click(p1, p2)
    expect(_sidebar(p1).get_by_text(re.compile(r"darriya\.txt: added"))).to_be_visible()
    expect(_sidebar(p2).get_by_text(re.compile(r"mashlab\.txt: added"))).to_be_visible()

    # The same article from both at the same moment: stored once, each told the truth.
    _choose(p1, "same-1.txt", SAME)
    _choose(p2, "same-2.txt", SAME)
    _both_click(p1, p2)
    told = [
        _sidebar(p).locator('[data-testid="stAlert"]').filter(has_text=re.compile(r"same-\d\.txt")).inner_text()
        for p in (p1, p2)
    ]
    assert sum(": added" in t for t in told) == 1, told  # the other says "already in the database (added …)"
    assert sum("already in the database" in t for t in told) == 1, told

    p1.reload()
    _wait_idle(p1)
    expect(_total(p1)).to_have_text(str(9 + 6 + 4))
    p1.screenshot(path=ARTIFACTS / "two_journalists.png", full_page=True)
