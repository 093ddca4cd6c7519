"""What the dashboard pages show, in plain Python: filters, the counting rule, the chart, the article view.

No SQL here (that is `core.storage.store`) and no Streamlit (pages import this module, not the other way).

**The counting rule** — a weekly chart must never add the same dead twice:

- The unit is the *incident* (`core.incidents.grouping`): the reports of one event by several articles
  (SOHR's 17, AFP's revised 27) are one incident, counted once with its best count (the latest
  report's), and its range from the smallest to the largest count any report gave.
- Added up: incidents with the chosen status (killed by default), per victim group their reports
  are about. Within an article, breakdowns (``part_of``), repeats (``same_as``) and superseded
  counts are never added on their own: they belong to their report.
- An incident's children/women counts that are breakdowns are their own series, "of which
  children" / "of which women", drawn as lines over the bars, never stacked on them.
- Running tolls (``kind == "toll"``) are markers with their label ("SOHR: 125 in the week to
  21 Aug"), on their own axis, never summed.
- An incident without a number (``best`` empty: «عشرات», "dozens") is not added; pages say how many.
- Week: the ISO week (starting Monday) of the incident's date (else its earliest report's event
  date). Incidents without one are counted apart as "date unknown", never dropped silently.
- Filters look at the incident: its status, date, perpetrator and place; a source filter keeps an
  incident if any of its reports has one of the sources.

The rule is written three times, and tests check that all three agree: in SQL
(`core.storage.queries.weekly_totals`, the reference), in plain pandas over the rows of
`core.storage.queries.trend_rows` (`weekly_from_frame`), and over `TrendRows` (`weekly_from_rows`, what the
page uses: the rows are read once per data version, then any filters are answered from numpy arrays
in milliseconds). ``bench/dashboard.py`` times them on a million figures.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core import i18n
from core.extraction.dates import as_date as _as_date

STATUSES = ("killed", "injured")
KINDS = ("both", "incidents", "tolls")
GROUP_SERIES = ("civilians", "children", "women", "fighters", "people")
PART_GROUPS = ("children", "women")
OF_WHICH = tuple(f"of_which_{g}" for g in PART_GROUPS)
TOTAL = "total"
TOLL = "toll"
NOT_STATED = "-"  # filter value for "no perpetrator / source / place given"
SOURCE_SEP = "\x1f"  # joins an incident's sources in its row (as `core.storage.incident_queries.SOURCE_SEP`)

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples"

WEEKLY_COLUMNS = ["week", "series", "best", "low", "high", "figures"]

_SERIES_COLOURS = {
    "civilians": "#4C78A8", "children": "#F58518", "women": "#B279A2", "fighters": "#72B7B2",
    "people": "#9D9D9D", "of_which_children": "#E45756", "of_which_women": "#8E44AD",
}


class FilterError(ValueError):
    """A filter value that makes no sense (e.g. a date range that ends before it starts)."""


@dataclass(frozen=True)
class Filters:
    """The view a journalist chose in the sidebar; shared by all pages and kept in the URL.

    Empty tuples mean "all". `perpetrators`, `sources` and `places` may contain `NOT_STATED`
    for figures that name none. `places` holds a gazetteer id, else the place as written."""

    status: str = "killed"
    kinds: str = "both"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    groups: tuple[str, ...] = ()
    perpetrators: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = []
        if self.status not in STATUSES:
            problems.append(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if self.kinds not in KINDS:
            problems.append(f"kinds must be one of {', '.join(KINDS)}, not {self.kinds!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            problems.append(f"the date range ends ({self.date_to}) before it starts ({self.date_from})")
        for name in ("groups", "perpetrators", "places", "sources"):
            if not isinstance(getattr(self, name), tuple):
                problems.append(f"{name} must be a tuple")
        if problems:
            raise FilterError("Invalid filters: " + "; ".join(problems) + ".")

    @property
    def incidents(self) -> bool:
        return self.kinds in ("both", "incidents")

    @property
    def tolls(self) -> bool:
        return self.kinds in ("both", "tolls")


def filters_from_values(
    status: str | None = None,
    kinds: str | None = None,
    dates: Sequence[dt.date] | None = None,
    groups: Iterable[str] | None = None,
    perpetrators: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
) -> Filters:
    """`Filters` from widget values (a date range may have 0, 1 or 2 ends picked so far)."""
    dates = list(dates or [])
    return Filters(
        status=status or "killed",
        kinds=kinds or "both",
        date_from=dates[0] if dates else None,
        date_to=dates[1] if len(dates) > 1 else None,
        groups=tuple(groups or ()),
        perpetrators=tuple(perpetrators or ()),
        places=tuple(places or ()),
        sources=tuple(sources or ()),
    )


# ---- filters in the address bar ------------------------------------------------------------------
# A view is shared by its URL. The parameters hold data keys, never interface labels, so a link
# made in the Arabic interface opens the same view in the English one.
URL_PARAMS = ("status", "kinds", "from", "to", "group", "perpetrator", "place", "source")
_MULTI = (("group", "groups"), ("perpetrator", "perpetrators"), ("place", "places"), ("source", "sources"))


def filters_to_params(f: Filters) -> dict[str, str | list[str]]:
    """The URL parameters of `f`; defaults are left out to keep links short."""
    out: dict[str, str | list[str]] = {}
    if f.status != "killed":
        out["status"] = f.status
    if f.kinds != "both":
        out["kinds"] = f.kinds
    if f.date_from:
        out["from"] = f.date_from.isoformat()
    if f.date_to:
        out["to"] = f.date_to.isoformat()
    for param, attr in _MULTI:
        if getattr(f, attr):
            out[param] = list(getattr(f, attr))
    return out


def filters_from_params(params: Mapping[str, str | Sequence[str]]) -> Filters:
    """`Filters` from URL parameters (`filters_to_params`). A link is typed or pasted by people:
    values that make no sense are ignored, never an error."""

    def all_of(name: str) -> list[str]:
        v = params.get(name)
        return [] if v is None else [v] if isinstance(v, str) else [str(x) for x in v]

    def one(name: str, allowed: Sequence[str], default: str) -> str:
        values = [v for v in all_of(name) if v in allowed]
        return values[-1] if values else default

    def day(name: str) -> dt.date | None:
        values = all_of(name)
        return _as_date(values[-1]) if values else None

    start, end = day("from"), day("to")
    if start and end and start > end:
        end = None
    groups = [g for g in dict.fromkeys(all_of("group")) if g in GROUP_SERIES]
    return Filters(
        status=one("status", STATUSES, "killed"), kinds=one("kinds", KINDS, "both"), date_from=start, date_to=end,
        groups=tuple(groups), **{attr: tuple(dict.fromkeys(all_of(param))) for param, attr in _MULTI[1:]},
    )


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
_FIELDS = ("status", "series", "group", "perpetrator", "place", "source")
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
    """What the chart leaves out: countable figures with no date (``undated``, ``undated_sum``; the
    date filter does not hide them), with no number (``vague``) and tolls with no date."""
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


# ---- labels --------------------------------------------------------------------------------------
def short_date(d: dt.date | str | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """``21 Aug 2017``-style date in the interface locale (`core.i18n.format_date`: its month
    names and digits; a month-precision date reads ``Aug 2017``)."""
    return i18n.format_date(d, lang)


def toll_label(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"SOHR: 125 in the week to 21 Aug 2017" — how a running toll is named on the chart."""
    source = row.get("source")
    who = i18n.label("source", source, lang) if source and source != NOT_STATED else i18n.t("toll.unattributed", lang)
    n = int(row["best"])
    end = _as_date(row.get("date")) or _as_date(row.get("event_date"))
    start = _as_date(row.get("date_from"))
    if end and start:
        days = (end - start).days
        if 5 <= days <= 7:
            return i18n.t("toll.week_to", lang, source=who, n=n, end=short_date(end, lang))
        return i18n.t("toll.between", lang, source=who, n=n, start=short_date(start, lang), end=short_date(end, lang))
    if end:
        return i18n.t("toll.up_to", lang, source=who, n=n, end=short_date(end, lang))
    return i18n.t("toll.undated", lang, source=who, n=n)


def notes_text(notes: Mapping[str, int], lang: str = i18n.DEFAULT_LANG) -> str | None:
    """One sentence on what the chart leaves out (from `notes_from_rows`), or None."""
    parts = [
        i18n.t(f"trends.notes.{key}", lang, n=notes[key], people=notes.get("undated_sum", 0))
        for key in ("undated", "vague", "undated_tolls")
        if notes.get(key)
    ]
    return i18n.t("trends.notes", lang, items="; ".join(parts)) if parts else None


def series_label(series: str, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t(f"series.{series}", lang)


# ---- the chart -----------------------------------------------------------------------------------
_WEEK = pd.Timedelta(days=7)
_BAR_WIDTH_MS = 6 * 24 * 3600 * 1000  # a bar covers Monday to Saturday, leaving a gap


def _mid_week(weeks: pd.Series) -> pd.Series:
    """Where a week is drawn on the date axis: its middle (Thursday noon), so a bar covers its week."""
    return pd.to_datetime(weeks) + _WEEK / 2


def _points(df: pd.DataFrame, series: str, lang: str) -> list[list[Any]]:
    """``customdata`` of a trace: [week ISO date, series, low, high, figures, week label]."""
    return [
        [w.isoformat(), series, int(lo), int(hi), int(n), i18n.t("trends.week_of", lang, date=short_date(w, lang))]
        for w, lo, hi, n in zip(df["week"], df["low"], df["high"], df["figures"], strict=True)
    ]


def chart(weekly: pd.DataFrame, tolls: pd.DataFrame, status: str = "killed", lang: str = i18n.DEFAULT_LANG):
    """The weekly chart: stacked bars by victim group, the min–max range of each week's total as
    error bars, "of which" lines, and running tolls as labelled markers on a second axis.

    Every point carries ``customdata`` starting with ``[week ISO date, series]`` so a click can
    list the figures behind it (`pick_from_selection`). All text that came from articles (source
    names in toll labels) is HTML-escaped: Plotly renders a subset of HTML in labels and hovers."""
    import plotly.graph_objects as go

    esc = html.escape
    fig = go.Figure()
    hover = (
        "<b>{name}</b><br>%{{customdata[5]}}: %{{y}}<br>" + esc(i18n.t("chart.hover_range", lang))
        + " %{{customdata[2]}}–%{{customdata[3]}}<br>" + esc(i18n.t("chart.hover_figures", lang))
        + " %{{customdata[4]}}<extra></extra>"
    )
    for series in GROUP_SERIES:
        s = weekly[weekly["series"] == series]
        if s.empty:
            continue
        name = esc(series_label(series, lang))
        fig.add_bar(
            x=_mid_week(s["week"]), y=s["best"], width=_BAR_WIDTH_MS, name=name,
            marker_color=_SERIES_COLOURS[series], customdata=_points(s, series, lang),
            hovertemplate=hover.format(name=name),
        )
    tot = weekly_totals_by_week(weekly) if not weekly.empty else pd.DataFrame()
    if not tot.empty:
        name = esc(i18n.t("series.total", lang))
        fig.add_scatter(
            x=_mid_week(tot["week"]), y=tot["best"], name=name, mode="markers",
            marker={"symbol": "line-ew-open", "size": 16, "color": "#222", "line": {"width": 2}},
            error_y={"type": "data", "symmetric": False, "array": (tot["high"] - tot["best"]).tolist(),
                     "arrayminus": (tot["best"] - tot["low"]).tolist(), "color": "#222", "thickness": 1.5, "width": 8},
            customdata=_points(tot, TOTAL, lang), hovertemplate=hover.format(name=name),
        )
    for series in OF_WHICH:
        s = weekly[weekly["series"] == series]
        if s.empty:
            continue
        name = esc(series_label(series, lang))
        fig.add_scatter(
            x=_mid_week(s["week"]), y=s["best"], name=name, mode="markers",
            marker={"size": 11, "symbol": "circle", "color": _SERIES_COLOURS[series],
                    "line": {"width": 1.5, "color": "#fff"}},
            customdata=_points(s, series, lang), hovertemplate=hover.format(name=name),
        )
    if tolls is not None and not tolls.empty:
        labels = [esc(toll_label(r, lang)) for r in tolls.to_dict("records")]
        fig.add_scatter(
            x=_mid_week(tolls["week"]), y=tolls["best"], name=esc(i18n.t("series.toll", lang)),
            mode="markers+text", yaxis="y2", text=labels, textposition="top center", textfont={"size": 11},
            marker={"symbol": "diamond", "size": 12, "color": "#C0392B", "line": {"width": 1, "color": "#fff"}},
            customdata=[[w.isoformat(), TOLL] for w in tolls["week"]],
            hovertemplate="%{text}<extra></extra>", cliponaxis=False,
        )
    fig.update_layout(
        barmode="stack",
        height=480,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis={"title": i18n.t("chart.x_title", lang), "type": "date"},
        yaxis={"title": i18n.t(f"chart.y_title.{status}", lang), "rangemode": "tozero"},
        clickmode="event+select",
        hovermode="closest",
    )
    if tolls is not None and not tolls.empty:
        top = float(tolls["best"].max()) * 1.25
        fig.update_layout(yaxis2={
            "title": i18n.t("chart.y2_title", lang), "overlaying": "y", "side": "right",
            "range": [0, top], "showgrid": False, "color": "#C0392B",
        })
    return fig


def pick_from_selection(points: Sequence[Mapping[str, Any]] | None) -> tuple[dt.date, str] | None:
    """(week, series) of the first clicked chart point, from its ``customdata``; None if unusable."""
    for p in points or ():
        cd = p.get("customdata") if isinstance(p, Mapping) else None
        if not cd or len(cd) < 2:
            continue
        try:
            week = dt.date.fromisoformat(str(cd[0])[:10])
        except ValueError:
            continue
        series = str(cd[1])
        if series in (*GROUP_SERIES, *OF_WHICH, TOTAL, TOLL):
            return week, series
    return None


# ---- the article view ----------------------------------------------------------------------------
def anchor_id(figure_id: str) -> str:
    """A safe HTML id for a figure's mark in the article view (``fig-f3``)."""
    safe = "".join(c for c in str(figure_id) if c.isascii() and (c.isalnum() or c in "-_"))
    return f"fig-{safe}"


@dataclass(frozen=True)
class Mark:
    """A stretch of article text to highlight: a figure's number (or, `sentence`, its sentence)."""

    start: int
    end: int
    figure_id: str
    title: str = ""
    selected: bool = False
    sentence: bool = False
    classes: tuple[str, ...] = field(default=())


def figure_marks(figures: Iterable[Any], selected: str | None, lang: str = i18n.DEFAULT_LANG) -> list[Mark]:
    """Marks for the numbers of `figures` (objects with Figure's fields) and the selected sentence."""
    marks = []
    for f in figures:
        counted = f.kind == "incident" and f.part_of is None and f.same_as is None
        tip = i18n.t(
            "article.mark_title", lang,
            n=f.number_text if f.best is None else f.best,
            group=i18n.label("group", f.group, lang), status=i18n.label("status", f.status, lang),
            kind=i18n.label("kind", f.kind, lang),
        )
        cls = ["fig", f"fig-{f.kind}"] + (["fig-counted"] if counted else ["fig-not-counted"])
        marks.append(Mark(f.start, f.end, f.id, tip, f.id == selected, False, tuple(cls)))
        if f.id == selected and f.sentence:
            marks.append(Mark(f.sentence_start, f.sentence_start + len(f.sentence), f.id, "", True, True))
    return marks


ARTICLE_CSS = """
.article-text { white-space: pre-wrap; line-height: 2; font-size: 1.08rem; unicode-bidi: plaintext;
  padding: 0.5rem 1rem; border: 1px solid rgba(128,128,128,.3); border-radius: .5rem; max-height: 70vh; overflow-y: auto; }
.article-text mark.fig { background: #ffe08a; color: inherit; padding: 0 .15em; border-radius: .2em; }
.article-text mark.fig-toll { background: #f7c6c0; }
.article-text mark.fig-not-counted { background: #e3e3e3; }
.article-text mark.selected { outline: 3px solid #d62728; background: #ffb347; }
.article-text span.selected-sentence { background: rgba(255, 179, 71, .25); }
"""


def article_html(text: str, marks: Sequence[Mark], lang: str | None = "ar") -> str:
    """The article as HTML: every character escaped, marks wrapped around their stretches.

    The text is untrusted (an upload may contain ``<script>``): nothing from it is ever
    interpreted as markup. Marks that fall outside the text are ignored."""
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in valid), *(m.end for m in valid)})
    out = []
    first_piece: set[str] = set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b], quote=False)
        for m in sorted((m for m in valid if m.start <= a and b <= m.end and not m.sentence), key=lambda m: m.end - m.start):
            cls = " ".join((*m.classes, "selected") if m.selected else m.classes)
            attrs = f' class="{html.escape(cls)}" title="{html.escape(m.title)}" data-figure="{html.escape(m.figure_id)}"'
            if m.figure_id not in first_piece:
                attrs = f' id="{anchor_id(m.figure_id)}"' + attrs
                first_piece.add(m.figure_id)
            piece = f"<mark{attrs}>{piece}</mark>"
        opens = sum(1 for m in valid if m.sentence and m.start == a)
        closes = sum(1 for m in valid if m.sentence and m.end == b)
        out.append('<span class="selected-sentence">' * opens + piece + "</span>" * closes)
    direction = "rtl" if (lang or "").startswith("ar") else "auto"
    return (
        f"<style>{ARTICLE_CSS}</style>"
        f'<div class="article-text" dir="{direction}" lang="{html.escape(lang or "")}">{"".join(out)}</div>'
    )


def scroll_script(figure_id: str) -> str:
    """A small script that scrolls the article view to a figure's mark (our code only, no user text)."""
    target = json.dumps(anchor_id(figure_id))
    return (
        "<script>(function(){var n=0;function go(){var d=window.parent&&window.parent.document||document;"
        f"var el=document.getElementById({target})||d.getElementById({target});"
        "if(el){el.scrollIntoView({block:'center'});}else if(n++<40){setTimeout(go,100);}}go();})();</script>"
    )


# ---- samples -------------------------------------------------------------------------------------
def sample_articles() -> list[tuple[bytes, str]]:
    """The project's own sample articles (``data/samples/*.txt``) as (bytes, file name)."""
    return [(p.read_bytes(), p.name) for p in sorted(SAMPLES_DIR.glob("*.txt"))]


# ---- tables the pages show ----------------------------------------------------------------------
def figure_summary(figures: Sequence[Any], lang: str = i18n.DEFAULT_LANG, limit: int = 6) -> str:
    """"27 civilians killed; 7 children killed (of which)" — the numbers an upload found."""
    parts = []
    for f in figures[:limit]:
        n = f.number_text if f.best is None else f.best
        text = i18n.t(
            "summary.figure", lang, n=n, group=i18n.label("group", f.group, lang),
            status=i18n.label("status", f.status, lang),
        )
        if f.part_of:
            text += " " + i18n.t("summary.part", lang)
        elif f.same_as:
            text += " " + i18n.t("summary.repeat", lang)
        elif f.kind != "incident":
            text += " " + i18n.t("summary.kind", lang, kind=i18n.label("kind", f.kind, lang))
        parts.append(text)
    if len(figures) > limit:
        parts.append(i18n.t("summary.more", lang, n=len(figures) - limit))
    return "; ".join(parts)


def article_link(article_id: str, figure_id: str | None = None) -> str:
    """Relative address of the article view (deep link), optionally marking one figure."""
    from urllib.parse import urlencode

    q = {"article": article_id}
    if figure_id:
        q["figure"] = figure_id
    return "articles?" + urlencode(q)


def _range_text(lo: Any, best: Any, hi: Any, number_text: str | None = None, lang: str = i18n.DEFAULT_LANG) -> str:
    if best is None or pd.isna(best):
        return number_text or ""
    lo = best if lo is None or pd.isna(lo) else lo
    hi = best if hi is None or pd.isna(hi) else hi
    return i18n.digits(f"{int(best)}" if lo == hi == best else f"{int(best)} ({int(lo)}–{int(hi)})", lang)


def _place_text(place_id: Any, written: Any, lang: str) -> str:
    """A figure's place in the interface language: the gazetteer's name, else as written."""
    pid, written = _na(place_id), _na(written)
    return i18n.place_name(pid, lang) if pid else (written or i18n.t("common.not_stated", lang))


def behind_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The figures behind a chart point, as the page shows them (one row per figure)."""
    lab = i18n.label
    rows = []
    for r in df.to_dict("records"):
        rows.append({
            i18n.t("col.count", lang): _range_text(r.get("min"), r.get("best"), r.get("max"), r.get("number_text"), lang),
            i18n.t("col.link", lang): article_link(r["article_id"], r.get("figure_id")),
            i18n.t("col.date", lang): i18n.format_date(r.get("date"), lang),
            i18n.t("col.group", lang): lab("group", r.get("group"), lang),
            i18n.t("col.kind", lang): lab("kind", r.get("kind"), lang),
            i18n.t("col.place", lang): _place_text(r.get("place_id"), r.get("place"), lang),
            i18n.t("col.perpetrator", lang): lab("perpetrator", _na(r.get("perpetrator")), lang),
            i18n.t("col.source", lang): lab("source", _na(r.get("source")), lang),
            i18n.t("col.outlet", lang): _na(r.get("outlet")) or "",
            i18n.t("col.sentence", lang): r.get("sentence"),
            i18n.t("col.title", lang): _na(r.get("title")) or "",
        })
    return pd.DataFrame(rows)


def figure_table(
    figures: Sequence[Any], lang: str = i18n.DEFAULT_LANG, rejected: Iterable[str] = ()
) -> pd.DataFrame:
    """An article's figures, in text order: what was read (with reviews applied) and how the
    chart treats it; ``rejected`` are the ids of figures a reviewer rejected."""
    lab = i18n.label
    rejected = set(rejected)
    rows = []
    for f in figures:
        if f.id in rejected:
            counted = i18n.t("counted.rejected", lang)
        elif f.part_of:
            counted = i18n.t("counted.part", lang, parent=f.part_of)
        elif f.same_as:
            counted = i18n.t("counted.repeat", lang, other=f.same_as)
        elif f.kind != "incident":
            counted = i18n.t(f"counted.{f.kind}", lang)
        elif f.best is None:
            counted = i18n.t("counted.vague", lang)
        else:
            counted = i18n.t("counted.yes", lang)
        rows.append({
            i18n.t("col.id", lang): f.id,
            i18n.t("col.number", lang): f.number_text,
            i18n.t("col.count", lang): _range_text(f.min, f.best, f.max, f.number_text, lang),
            i18n.t("col.status", lang): lab("status", f.status, lang),
            i18n.t("col.group", lang): lab("group", f.group, lang),
            i18n.t("col.kind", lang): lab("kind", f.kind, lang),
            i18n.t("col.counted", lang): counted,
            i18n.t("col.date", lang): i18n.format_date(f.date, lang),
            i18n.t("col.place", lang): _place_text(f.place_id, f.place, lang),
            i18n.t("col.perpetrator", lang): lab("perpetrator", f.perpetrator, lang),
            i18n.t("col.source", lang): lab("source", f.source, lang),
        })
    return pd.DataFrame(rows)


def articles_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The searchable article list: title, outlet, date, figures found, link to the view."""
    out = pd.DataFrame({
        i18n.t("col.title", lang): df["title"].fillna("").astype(str),
        i18n.t("col.outlet", lang): df["outlet"].fillna("").astype(str),
        i18n.t("col.published", lang): [i18n.format_date(_as_date(d), lang) if _as_date(d) else "" for d in df["published"]],
        i18n.t("col.figures", lang): df["figures"].astype(int),
        i18n.t("col.link", lang): [article_link(a) for a in df["id"]],
    })
    return out


def _na(v: Any) -> Any:
    if v is None or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


# ---- incidents -------------------------------------------------------------------------------------
INCIDENT_GROUPS = ("civilians", "people", "children", "women", "fighters")


def _incident_groups(df: pd.DataFrame) -> list[str]:
    present = {c.removeprefix("best_") for c in df.columns if c.startswith("best_")}
    return [g for g in INCIDENT_GROUPS if g in present] + sorted(present - set(INCIDENT_GROUPS))


def incident_label(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"12 Aug 2017 · Mashlab · 27 civilians · 2 reports": how an incident is offered in a picker."""
    day = short_date(_as_date(row.get("date")), lang)
    place = _na(row.get("place_id")) or _na(row.get("place"))
    where = i18n.place_name(place, lang) if place else i18n.t("common.not_stated", lang)
    counts = [
        f"{int(row[f'best_{g}'])} {i18n.label('group', g, lang)}"
        for g in INCIDENT_GROUPS if _na(row.get(f"best_{g}")) is not None
    ]
    n = int(row.get("reports") or 0)
    return " · ".join([day, where, *counts[:2], i18n.t("incidents.n_reports", lang, n=n)])


def incident_counts(row: Mapping[str, Any]) -> tuple[int | None, int | None, int | None]:
    """(best, min, max) of an `core.storage.incident_queries.incident_list` row for its main victim group."""
    for g in INCIDENT_GROUPS:
        best = _na(row.get(f"best_{g}"))
        if best is not None:
            lo, hi = _na(row.get(f"min_{g}")), _na(row.get(f"max_{g}"))
            return int(best), int(best if lo is None else lo), int(best if hi is None else hi)
    return None, None, None


def incident_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Incidents as the Incidents page lists them: date, place in Arabic and English, perpetrator,
    per victim group the best count with its range (min–max over the reports), how many reports."""
    lab = i18n.label
    groups = _incident_groups(df)
    rows = []
    for r in df.to_dict("records"):
        pid, written = _na(r.get("place_id")), _na(r.get("place"))
        row = {
            i18n.t("col.date", lang): short_date(_as_date(r.get("date")), lang),
            i18n.t("col.place_ar", lang): i18n.place_name(pid, "ar") if pid else (written or ""),
            i18n.t("col.place_en", lang): i18n.place_name(pid, "en") if pid else "",
            i18n.t("col.perpetrator", lang): lab("perpetrator", _na(r.get("perpetrator")), lang),
        }
        for g in groups:
            row[lab("group", g, lang).capitalize()] = _range_text(r.get(f"min_{g}"), _na(r.get(f"best_{g}")), r.get(f"max_{g}"), None, lang)
        row[i18n.t("col.reports", lang)] = int(r.get("reports") or 0)
        row[i18n.t("col.sources", lang)] = ", ".join(
            lab("source", s, lang) if s != NOT_STATED else i18n.t("common.not_stated", lang)
            for s in str(r.get("sources") or "").split(", ") if s
        )
        rows.append(row)
    return pd.DataFrame(rows)


def report_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """One incident's reports side by side: outlet, publication date, count, sentence, article link."""
    lab = i18n.label
    rows = []
    for r in df.to_dict("records"):
        rows.append({
            i18n.t("col.outlet", lang): _na(r.get("outlet")) or "",
            i18n.t("col.title", lang): _na(r.get("title")) or "",
            i18n.t("col.published", lang): short_date(_as_date(r.get("published")), lang),
            i18n.t("col.count", lang): _range_text(r.get("min"), _na(r.get("best")), r.get("max"), r.get("number_text"), lang),
            i18n.t("col.group", lang): lab("group", r.get("group"), lang),
            i18n.t("col.sentence", lang): r.get("sentence") or "",
            i18n.t("col.source", lang): lab("source", _na(r.get("source")), lang),
            i18n.t("col.date", lang): i18n.format_date(r.get("date"), lang),
            i18n.t("col.place", lang): _place_text(r.get("place_id"), r.get("place"), lang),
            i18n.t("col.link", lang): article_link(r["article_id"], r.get("figure_id")),
        })
    return pd.DataFrame(rows)


def report_label(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"SOHR, 11 Aug 2017: 27" — a report in a picker."""
    who = _na(row.get("outlet")) or _na(row.get("title")) or _na(row.get("article_id")) or ""
    n = row.get("number_text") if _na(row.get("best")) is None else int(row["best"])
    return f"{who}, {short_date(_as_date(row.get('published')), lang)}: {n}"


def toll_comparison_text(c: Any, lang: str = i18n.DEFAULT_LANG) -> str:
    """"Incidents documented here account for 88 of the 125 reported by SOHR for 15–21 Aug 2017."
    `c` is a `core.incidents.grouping.TollComparison`."""
    toll = c.toll
    source = _na(toll.get("source"))
    who = i18n.label("source", source, lang) if source else i18n.t("toll.unattributed", lang)
    if c.period is None:
        return i18n.t("incidents.toll_no_period", lang, reported=c.reported, source=who)
    return i18n.t(
        "incidents.toll_compare", lang, accounted=c.accounted, reported=c.reported, source=who,
        start=short_date(c.period[0], lang), end=short_date(c.period[1], lang), n=len(c.incidents),
    )
