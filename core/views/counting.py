"""The counting rule of the trend chart: incidents counted once, breakdowns as their own series,
tolls never summed. In pandas (the reference for the SQL of `core.storage.queries`, and the bench)
and on prepared numpy rows (`TrendRows`, what the page uses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.views.filters import GROUP_SERIES, NOT_STATED, SOURCE_SEP, WEEKLY_COLUMNS, Filters


# ---- the counting rule in pandas (reference for the SQL, and the bench) --------------------------
def week_start(dates: pd.Series) -> pd.Series:
    """The Monday of each date's ISO week (NaT stays NaT)."""
    d = pd.to_datetime(dates)
    return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.normalize()


def _matches(df: pd.DataFrame, f: Filters) -> pd.Series:
    m = df["status"] == f.status
    ev = pd.to_datetime(df["event_date"])
    if f.date_from:
        m &= ev >= pd.Timestamp(f.date_from)
    if f.date_to:
        m &= ev <= pd.Timestamp(f.date_to)
    if f.groups:
        m &= df["group"].isin(f.groups)
    if f.perpetrators:
        m &= df["perpetrator"].astype(object).fillna(NOT_STATED).isin(f.perpetrators)
    if f.places:
        m &= df["place"].astype(object).fillna(NOT_STATED).isin(f.places)
    if f.sources:
        wanted = set(f.sources)
        m &= df["source"].astype(object).fillna(NOT_STATED).map(lambda s: not wanted.isdisjoint(str(s).split(SOURCE_SEP)))
    toll = df["role"] == ROLE_TOLL
    if f.corroboration:
        m &= df["corroboration"].astype(object).isin(f.corroboration) | toll
    if f.passing:
        m &= (df["passes"].astype(object) == "yes") | toll
    return m


def weekly_from_frame(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Weekly sums by series (`WEEKLY_COLUMNS`) in plain pandas, from the rows of
    `core.storage.queries.trend_rows` (each incident once): the reference the other two are checked against."""
    if df.empty or not f.incidents:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    ok = (df["role"] != ROLE_TOLL) & df["best"].notna() & df["event_date"].notna() & _matches(df, f)
    top = df[ok]
    if top.empty:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    out = pd.DataFrame({
        "week": week_start(top["event_date"]).values, "series": top["series"].astype(str).values,
        "best": top["best"].astype("int64").values, "low": top["low"].astype("int64").values,
        "high": top["high"].astype("int64").values,
    })
    g = out.groupby(["week", "series"], sort=True)
    out = g[["best", "low", "high"]].sum()
    out["figures"] = g.size()
    out = out.reset_index()
    out["week"] = pd.to_datetime(out["week"]).dt.date
    for c in ("best", "low", "high", "figures"):
        out[c] = out[c].astype("int64")
    return out.sort_values(["week", "series"]).reset_index(drop=True)[WEEKLY_COLUMNS]


def totals(weekly: pd.DataFrame) -> dict[str, int]:
    """Sum of what the chart adds up (group series only, not the "of which" lines)."""
    top = weekly[weekly["series"].isin(GROUP_SERIES)] if not weekly.empty else weekly
    return {c: int(top[c].sum()) if not top.empty else 0 for c in ("best", "low", "high", "figures")}


def weekly_totals_by_week(weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per week: what the bars add up to, with the range (for the total marker)."""
    top = weekly[weekly["series"].isin(GROUP_SERIES)]
    if top.empty:
        return pd.DataFrame(columns=["week", "best", "low", "high", "figures"])
    return top.groupby("week", sort=True)[["best", "low", "high", "figures"]].sum().reset_index()


# ---- the counting rule on prepared rows (what the page uses) ------------------------------------
# `core.storage.queries.trend_rows` returns every figure a chart may show, once per data version; the page
# keeps them in memory as `TrendRows` (numpy arrays, prepared once) and the functions below
# aggregate them for any filters in milliseconds, even for a million figures. Tests check them
# against the SQL (`core.storage.queries.weekly_totals`) and the pandas reference above.
ROLE_COUNTABLE, ROLE_PART, ROLE_TOLL = 0, 1, 2
TOLL_COLUMNS = ["week", "event_date", "source", "best", "min", "max", "date", "date_from", "article_id", "id", "tolls"]
_EPOCH = dt.date(1970, 1, 1)
_FIELDS = ("status", "series", "group", "perpetrator", "place", "source", "corroboration", "passes")
_TOLL_INFO = ("date", "date_from", "article_id", "id")


@dataclass(frozen=True, eq=False)
class TrendRows:
    """The figures of `core.storage.queries.trend_rows` as arrays: one code array per filtered field (with
    its categories), the numbers (NaN when vague), the event day and its Monday as day numbers
    (-1 when undated), and what the weekly sums and the toll markers need, precomputed."""

    n: int
    categories: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    role: np.ndarray
    best: np.ndarray
    low: np.ndarray
    high: np.ndarray
    dated: np.ndarray
    day: np.ndarray
    week: np.ndarray
    week0: int
    weekly_key: np.ndarray  # week index × number of series + series code
    weekly_ok: np.ndarray  # dated, with a number, not a toll
    toll_order: np.ndarray  # toll rows (dated, with a number) by week, source, largest first
    toll_key: np.ndarray  # week index × number of sources + source code, in toll_order
    toll_info: pd.DataFrame  # date, date_from, article_id, id of the rows in toll_order

    @property
    def empty(self) -> bool:
        return self.n == 0


def prepare_rows(df: pd.DataFrame) -> TrendRows:
    """`core.storage.queries.trend_rows` prepared for fast aggregation (done once per data version)."""
    n = len(df)
    categories: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for c in _FIELDS:
        col = df[c] if isinstance(df[c].dtype, pd.CategoricalDtype) else df[c].astype("category")
        col = col.cat.add_categories([NOT_STATED]) if NOT_STATED not in col.cat.categories else col
        col = col.fillna(NOT_STATED)
        categories[c] = [str(v) for v in col.cat.categories]
        codes[c] = col.cat.codes.to_numpy().astype(np.int32)
    nums = {c: pd.to_numeric(df[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            for c in ("best", "low", "high")}
    ev = pd.to_datetime(df["event_date"]).to_numpy().astype("datetime64[D]")
    dated = ~np.isnat(ev)
    day = np.where(dated, ev.astype("int64"), -1)
    week = np.where(dated, day - (day + 3) % 7, -1)  # 1970-01-01 was a Thursday
    week0 = int(week[dated].min()) if dated.any() else 0
    week_idx = np.where(dated, (week - week0) // 7, 0)
    role = df["role"].to_numpy().astype(np.int8)
    has_number = ~np.isnan(nums["best"])
    n_series = max(len(categories["series"]), 1)
    toll_rows = np.nonzero((role == ROLE_TOLL) & dated & has_number)[0]
    info = df.iloc[toll_rows][list(_TOLL_INFO)].astype(object).reset_index(drop=True)
    order = np.lexsort((
        info["id"].astype(str).to_numpy(), info["article_id"].astype(str).to_numpy(),
        -day[toll_rows], -nums["best"][toll_rows], codes["source"][toll_rows], week[toll_rows],
    ))
    n_sources = max(len(categories["source"]), 1)
    return TrendRows(
        n=n, categories=categories, codes=codes, role=role, best=nums["best"], low=nums["low"],
        high=nums["high"], dated=dated, day=day, week=week, week0=week0,
        weekly_key=week_idx * n_series + codes["series"], weekly_ok=(role != ROLE_TOLL) & dated & has_number,
        toll_order=toll_rows[order], toll_key=(week_idx * n_sources + codes["source"])[toll_rows[order]],
        toll_info=info.iloc[order].reset_index(drop=True),
    )


def _is_any(rows: TrendRows, field: str, values: Iterable[str]) -> np.ndarray:
    cats = rows.categories[field]
    lut = np.zeros(len(cats) + 1, dtype=bool)  # the extra last entry answers code -1 (missing)
    values = set(values)
    for i, c in enumerate(cats):
        # an incident's sources are all its reports' (joined): it matches if any of them does
        lut[i] = (not values.isdisjoint(c.split(SOURCE_SEP))) if field == "source" else c in values
    return lut[rows.codes[field]]


def _rows_mask(rows: TrendRows, f: Filters, dates: bool = True) -> np.ndarray:
    m = _is_any(rows, "status", [f.status])
    for name, values in (("group", f.groups), ("perpetrator", f.perpetrators), ("place", f.places),
                         ("source", f.sources)):
        if values:
            m &= _is_any(rows, name, values)
    # how sure (`core.incidents.corroboration`): incidents only, as the SQL filters (tolls have no status)
    if f.corroboration:
        m &= _is_any(rows, "corroboration", f.corroboration) | (rows.role == ROLE_TOLL)
    if f.passing:
        m &= _is_any(rows, "passes", ["yes"]) | (rows.role == ROLE_TOLL)
    if dates:
        m = _date_mask(rows, f, m)
    return m


def _date_mask(rows: TrendRows, f: Filters, m: np.ndarray) -> np.ndarray:
    """`m` narrowed to the date range of `f` (undated figures fall outside any range)."""
    if not (f.date_from or f.date_to):
        return m
    m = m & rows.dated
    if f.date_from:
        m &= rows.day >= (f.date_from - _EPOCH).days
    if f.date_to:
        m &= rows.day <= (f.date_to - _EPOCH).days
    return m


def _day_to_date(days: Iterable[int]) -> list[dt.date]:
    return [_EPOCH + dt.timedelta(days=int(d)) for d in days]


def weekly_from_rows(rows: TrendRows, f: Filters) -> pd.DataFrame:
    """Weekly sums by series (`WEEKLY_COLUMNS`), the same as `core.storage.queries.weekly_totals`."""
    if rows.empty or not f.incidents:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    idx = np.flatnonzero(_rows_mask(rows, f) & rows.weekly_ok)
    if not len(idx):
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    key = rows.weekly_key[idx]
    size = int(key.max()) + 1
    count = np.bincount(key, minlength=size)
    sums = {c: np.bincount(key, weights=getattr(rows, c)[idx], minlength=size) for c in ("best", "low", "high")}
    (keys,) = np.nonzero(count)
    n_series = max(len(rows.categories["series"]), 1)
    out = pd.DataFrame({
        "week": _day_to_date(rows.week0 + (keys // n_series) * 7),
        "series": [rows.categories["series"][k] for k in keys % n_series],
        **{c: np.rint(sums[c][keys]).astype("int64") for c in ("best", "low", "high")},
        "figures": count[keys].astype("int64"),
    })
    return out.sort_values(["week", "series"]).reset_index(drop=True)[WEEKLY_COLUMNS]


def tolls_from_rows(rows: TrendRows, f: Filters, limit: int = 400) -> pd.DataFrame:
    """Running tolls to mark on the chart (`TOLL_COLUMNS`): per week and source the largest one,
    with how many tolls it stands for (``tolls``); the `limit` most recent weeks. Never summed."""
    if rows.empty or not f.tolls or not len(rows.toll_order):
        return pd.DataFrame(columns=TOLL_COLUMNS)
    keep = _rows_mask(rows, f)[rows.toll_order]
    if not keep.any():
        return pd.DataFrame(columns=TOLL_COLUMNS)
    key = rows.toll_key[keep]
    pos = np.nonzero(keep)[0]
    first = np.r_[True, key[1:] != key[:-1]]
    starts = np.nonzero(first)[0]
    counts = np.diff(np.r_[starts, len(key)])
    top_pos = pos[starts]  # positions in toll order of each group's largest toll
    idx = rows.toll_order[top_pos]
    weeks = rows.week[idx]
    recent = np.unique(weeks)[-limit:]
    sel = np.isin(weeks, recent)
    idx, top_pos, counts = idx[sel], top_pos[sel], counts[sel]
    info = rows.toll_info.iloc[top_pos]
    sources = [rows.categories["source"][c] for c in rows.codes["source"][idx]]
    return pd.DataFrame({
        "week": _day_to_date(rows.week[idx]), "event_date": _day_to_date(rows.day[idx]),
        "source": [None if s == NOT_STATED else s for s in sources],
        "best": rows.best[idx].astype("int64"), "min": rows.low[idx].astype("int64"),
        "max": rows.high[idx].astype("int64"), "date": info["date"].to_numpy(),
        "date_from": info["date_from"].to_numpy(), "article_id": info["article_id"].to_numpy(),
        "id": info["id"].to_numpy(), "tolls": counts.astype("int64"),
    })[TOLL_COLUMNS]


def notes_from_rows(rows: TrendRows, f: Filters) -> dict[str, int]:
    """What the chart leaves out: countable figures with no date (``undated``, ``undated_sum`` and per
    victim group ``undated_sum.<group>``; the date filter does not hide them), with no number (``vague``) and tolls with no date."""
    out = {"undated": 0, "undated_sum": 0, "undated_tolls": 0, "vague": 0}
    if rows.empty:
        return out
    nodate = _rows_mask(rows, f, dates=False)
    has_number = ~np.isnan(rows.best)
    if f.incidents:
        countable = rows.role == ROLE_COUNTABLE
        undated = nodate & countable & ~rows.dated & has_number
        out["undated"] = int(undated.sum())
        out["undated_sum"] = int(np.rint(rows.best[undated].sum()))
        groups = rows.codes["group"][undated]
        for code in np.unique(groups[groups >= 0]):  # "200 fighters", not "200 people"
            out[f"undated_sum.{rows.categories['group'][code]}"] = int(np.rint(rows.best[undated][groups == code].sum()))
        out["vague"] = int((_date_mask(rows, f, nodate) & countable & ~has_number).sum())
    if f.tolls:
        out["undated_tolls"] = int((nodate & (rows.role == ROLE_TOLL) & ~rows.dated).sum())
    return out


def options_from_rows(rows: TrendRows, place_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Values the sidebar filters can offer (groups, perpetrators, sources; places as key → name,
    each only if some figure has it) and the first and last event dates."""
    names = place_names or {}

    def values(name: str) -> list[str]:
        codes = rows.codes[name]
        present = np.flatnonzero(np.bincount(codes[codes >= 0])) if rows.n else []
        return sorted({v for c in present for v in rows.categories[name][c].split(SOURCE_SEP)})

    days = rows.day[rows.dated]
    return {
        "groups": values("group"), "perpetrators": values("perpetrator"), "sources": values("source"),
        "places": {k: (names.get(k) or k) for k in values("place")},
        "first": _day_to_date([days.min()])[0] if len(days) else None,
        "last": _day_to_date([days.max()])[0] if len(days) else None,
    }
