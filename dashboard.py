"""The Raqqa Casualty Tracker dashboard: ``streamlit run dashboard.py``.

The database is ``$CASUALTY_DB`` (default ``data/casualties.duckdb``). This file sets the page up,
draws the sidebar shared by every page and hands over to the page chosen in the navigation.
Pages are listed in `PAGES`, explicitly (no folder discovery): adding one is one line.
"""

from __future__ import annotations

import logging

import streamlit as st

from ui import common, sidebar

# (file, title key in data/i18n, icon); the first one opens by default.
PAGES = [
    ("ui/pages/trends.py", "nav.trends", ":material/bar_chart:"),
    ("ui/pages/articles.py", "nav.articles", ":material/article:"),
    ("ui/pages/map.py", "nav.map", ":material/map:"),
    ("ui/pages/incidents.py", "nav.incidents", ":material/join:"),
    ("ui/pages/review.py", "nav.review", ":material/fact_check:"),
]


def _logging() -> None:
    root = logging.getLogger("core")
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)


_logging()
st.set_page_config(page_title=common.t("app.title"), page_icon="📊", layout="wide")
sidebar.language_picker()
common.apply_direction()
nav = st.navigation([
    st.Page(path, title=common.t(title), icon=icon, default=i == 0) for i, (path, title, icon) in enumerate(PAGES)
])
common.get_store()
sidebar.show()
nav.run()
