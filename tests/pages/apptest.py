"""Running the dashboard under Streamlit's AppTest against a real temporary database.

Two things every AppTest of this project needs:

- **A fresh database and fresh caches.** `use_database` points ``$CASUALTY_DB`` at a file under
  ``tmp_path``, clears Streamlit's caches (the cached `Store` and query results) and our catalogue
  cache, and closes the database afterwards.
- **Navigation only.** Streamlit 1.67's AppTest resets ``PagesManager.uses_pages_directory`` before
  every run, so an app with a ``pages/`` folder falls back to legacy folder discovery on its second
  run and executes the page without ``dashboard.py`` (the sidebar disappears). A real server sets
  the flag once, when ``st.navigation`` is first called; `navigation_only` restores that behaviour.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.i18n import catalogue as i18n
from core.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "dashboard.py"
TIMEOUT = 30


class _NavigationOnly(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", _NavigationOnly)


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    i18n.clear_caches()


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path):
    """Point the dashboard at `path`; returns a function that closes it again."""
    monkeypatch.setenv("CASUALTY_DB", str(path))
    clear_caches()

    def close() -> None:
        clear_caches()
        opened = Store._open.get(path.resolve())
        if opened is not None:
            opened.close()

    return close


def app(page: str | None = None, query_params: dict | None = None) -> AppTest:
    """The dashboard after its first run, optionally switched to `page` (``pages/articles.py``)."""
    at = AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT)
    if query_params:
        at.query_params.update(query_params)
    at.run()
    if page:
        at.switch_page(page)
        if query_params:
            at.query_params.update(query_params)
        at.run()
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]
