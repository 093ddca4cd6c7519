"""An editor signs in with OpenID Connect, adds an article, reviews a figure and finds their own
identity in the figure's history and on the article (issue 20).

Real parts only: a local OpenID Connect provider (`oidc_provider_mock`, a Flask app on a thread of
this test, offline) as Streamlit's own end-to-end auth tests do; the dashboard served by
``streamlit run`` with an ``[auth]`` table in a ``secrets.toml`` of its own (``HOME`` points the
server at it: Streamlit reads ``~/.streamlit/secrets.toml``); Debian's Chromium signs in through
the provider's authorisation page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, _free_port, serve_dashboard
from tests.browser.test_browser import _sidebar, _upload, _wait_idle

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

EMAIL, NAME = "alice@newsroom.example", "Alice Editor"
TEXT = "date: 2017-08-14\n\nقتل 9 مدنيين يوم الأحد 13 آب/أغسطس 2017 في غارة على حي الدرعية في الرقة.".encode()

SECRETS = """[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-cookie-secret-for-this-test-only"
client_id = "casualty-tracker"
client_secret = "not-a-real-secret"
server_metadata_url = "http://localhost:{provider}/.well-known/openid-configuration"
"""


@pytest.fixture(scope="module")
def editors_server(tmp_path_factory):
    """The editors' dashboard (sign-in configured) and the provider it signs in with."""
    tmp = tmp_path_factory.mktemp("editors")
    user = oidc_provider_mock.User(sub="alice", claims={"email": EMAIL, "name": NAME})
    with oidc_provider_mock.run_server_in_thread(user_claims=[user]) as provider:
        port = _free_port()
        (tmp / ".streamlit").mkdir()
        (tmp / ".streamlit" / "secrets.toml").write_text(SECRETS.format(port=port, provider=provider.server_port))
        with serve_dashboard(tmp / "editors.duckdb", tmp, port=port, env={"HOME": str(tmp)}) as url:
            yield url


def test_signed_in_editor_uploads_reviews_and_sees_their_identity_in_the_history(editors_server, page):
    page.goto(editors_server)
    side = _sidebar(page)
    # Not signed in: no upload, a way to sign in.
    expect(side.get_by_role("button", name="Sign in to edit")).to_be_visible()
    expect(side.locator('input[type="file"]')).to_have_count(0)

    side.get_by_role("button", name="Sign in to edit").click()
    page.get_by_role("button", name="alice").click()  # the provider's page: sign in as the editor
    expect(side.get_by_text(re.compile(rf"Signed in as {NAME}"))).to_be_visible()
    expect(side.get_by_text(EMAIL)).to_be_visible()

    _upload(page, "darriya.txt", TEXT)
    expect(side.get_by_text(re.compile(r"darriya\.txt: added"))).to_be_visible()

    page.get_by_role("link", name="Review").click()
    _wait_idle(page)
    expect(page.get_by_text(re.compile(rf"Reviewing as {NAME} \({re.escape(EMAIL)}, signed in\)"))).to_be_visible()
    page.get_by_role("button", name="Confirm as it is").click()
    _wait_idle(page)
    expect(page.get_by_text("Confirmed.")).to_be_visible()

    # The article: who added it and who changed its figure, from the stored records.
    _sidebar(page).get_by_role("link", name="Open the article").first.click()
    _wait_idle(page)
    expect(page.get_by_text(re.compile(rf"Added on .* by {NAME} \({re.escape(EMAIL)}\)"))).to_be_visible()
    expect(page.get_by_text(re.compile(rf"confirmed by {NAME} \({re.escape(EMAIL)}\)"))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "signed_in_article.png"), full_page=True)
