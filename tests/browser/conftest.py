"""A real dashboard server and a real browser for the smoke test.

`app_server` starts ``streamlit run dashboard.py`` headless on a free port against a temporary
database, writes the server log to a file (printed at teardown) and polls ``/_stcore/health``
until it answers ``ok``. `browser` drives Debian's Chromium through Playwright's executable path;
Playwright never downloads a browser here. Without ``/usr/bin/chromium`` the browser tests are
skipped on a workstation, and fail in CI (``$CI`` set), where the test command installs it.

Timeouts are set here and only here, for a loaded 2-core CI machine where a Streamlit script run
can take far longer than Playwright's 5 s defaults: every ``expect`` waits up to
`EXPECT_TIMEOUT_MS`, every action up to `ACTION_TIMEOUT_MS`, every navigation up to
`NAVIGATION_TIMEOUT_MS`. Tests get their pages from `page` or `new_page` (never from
``browser.new_context`` directly) and pass no timeouts of their own. They are upper bounds: a
fast machine does not wait them out.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "tests" / "artifacts"
EXPECT_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT_S = 120.0
VIEWPORT = {"width": 1400, "height": 1000}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = SERVER_START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError as err:
            last = err
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer 'ok' within {timeout:.0f} s") from last


@contextlib.contextmanager
def serve_dashboard(db_path: Path, tmp: Path, port: int | None = None, env: dict[str, str] | None = None):
    """Run the dashboard on `db_path` (`port`, default a free one, on 127.0.0.1; `env` added to the
    server's environment); yields its base URL and prints the server's log when it stops."""
    port = port or _free_port()
    log_path = tmp / "streamlit.log"
    env = {**os.environ, "CASUALTY_DB": str(db_path), "PYTHONUNBUFFERED": "1", **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        print("\n---- streamlit server log ----\n" + log_path.read_text(errors="replace"))


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """Base URL of a dashboard serving a fresh temporary database."""
    tmp = tmp_path_factory.mktemp("dashboard")
    with serve_dashboard(tmp / "browser.duckdb", tmp) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def _slow_machine_expect_timeout():
    """``expect(...)`` assertions wait up to `EXPECT_TIMEOUT_MS` (Playwright's default is 5 s)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium for the browser tests.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser):
    """``new_page()``: a page in a browser context of its own (one journalist), with the timeouts above;
    every context is closed at teardown."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def make(**context_options):
        context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page):
    return new_page()
