"""The page queries of `core.storage.queries` answered with reviewed figure values (corrections
applied, rejected figures left out): what the trends and map pages read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from core.incidents import reviews
from core.storage import queries
from core.storage.store import Store


def trend_rows(store: Store) -> pd.DataFrame:
    """`trend_rows` with reviewed values (what the trends page must read)."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.trend_rows(r)


def weekly_totals(store: Store, f: Any) -> pd.DataFrame:
    """`weekly_totals` with reviewed values."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.weekly_totals(r, f)


def map_figures(store: Store, f: Any) -> pd.DataFrame:
    """`map_figures` with reviewed values (what the map page must read)."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.map_figures(r, f)


def map_sums(store: Store, f: Any, by: str, repeats: dict[str, str], date_from: dt.date | None = None,
             date_to: dt.date | None = None) -> pd.DataFrame:
    """`map_sums` with reviewed values."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.map_sums(r, f, by, repeats, date_from, date_to)


def map_span(store: Store, f: Any) -> tuple[dt.date | None, dt.date | None]:
    """`map_span` with reviewed values."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.map_span(r, f)


def figures_behind(
    store: Store, f: Any, week: dt.date | None, series: str, limit: int = 500
) -> pd.DataFrame:
    """`figures_behind` with reviewed values."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.figures_behind(r, f, week, series, limit)


def map_place_figures(store: Store, f: Any, keys: Iterable[str], date_from: dt.date | None = None,
                               date_to: dt.date | None = None, limit: int = 500) -> pd.DataFrame:
    """`map_place_figures` with reviewed values."""
    with queries.reviewed(store, reviews.apply_to_rows) as r:
        return queries.map_place_figures(r, f, keys, date_from, date_to, limit)
