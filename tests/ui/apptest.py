"""Running the dashboard under Streamlit's AppTest against a real temporary database.

What every AppTest of this project needs: **a fresh database and fresh caches.** `use_database`
points ``$CASUALTY_DB`` at a file under ``tmp_path``, clears Streamlit's caches (the cached `Store`
and query results) and our catalogue cache, and closes the database afterwards.

The page scripts are in ``ui/pages/``, not in a ``pages/`` folder next to ``dashboard.py``, so
Streamlit's legacy folder discovery never runs a page on its own: AppTest needs no patching.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.i18n import catalogue as i18n
from core.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "dashboard.py"
TIMEOUT = 30


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
    """The dashboard after its first run, optionally switched to `page` (``ui/pages/articles.py``)."""
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
