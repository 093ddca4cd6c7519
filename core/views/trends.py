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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from core.extraction.dates import as_date as _as_date
from core.i18n import catalogue as i18n
from core.views.counting import weekly_totals_by_week
from core.views.filters import GROUP_SERIES, NOT_STATED, OF_WHICH, TOLL, TOTAL

_SERIES_COLOURS = {
    "civilians": "#4C78A8", "children": "#F58518", "women": "#B279A2", "fighters": "#72B7B2",
    "people": "#9D9D9D", "of_which_children": "#E45756", "of_which_women": "#8E44AD",
}


SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"

# ---- labels --------------------------------------------------------------------------------------
def short_date(d: dt.date | str | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """``21 Aug 2017``-style date in the interface locale (`core.i18n.catalogue.format_date`: its month
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


def undated_people(notes: Mapping[str, int], lang: str = i18n.DEFAULT_LANG) -> str:
    """The undated killed by victim group, in words: "200 fighters", "27 civilians, 200 fighters"
    (the group a figure names, never "people" for fighters); the plain sum without groups."""
    prefix = "undated_sum."
    parts = [
        i18n.t("trends.notes.group_count", lang, n=i18n.format_number(n, lang), group=i18n.label("group", k[len(prefix):], lang))
        for k, n in sorted(notes.items()) if k.startswith(prefix) and n
    ]
    if not parts:
        return i18n.t("trends.notes.group_count", lang, n=i18n.format_number(notes.get("undated_sum", 0), lang),
                      group=i18n.label("group", "people", lang))
    return i18n.t("trends.notes.group_sep", lang).join(parts)


def notes_text(notes: Mapping[str, int], lang: str = i18n.DEFAULT_LANG) -> str | None:
    """One sentence on what the chart leaves out (from `notes_from_rows`), or None."""
    parts = [
        i18n.t(f"trends.notes.{key}", lang, n=notes[key], people=undated_people(notes, lang))
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


# ---- samples -------------------------------------------------------------------------------------
def sample_articles() -> list[tuple[bytes, str]]:
    """The project's own sample articles (``data/samples/*.txt``) as (bytes, file name)."""
    return [(p.read_bytes(), p.name) for p in sorted(SAMPLES_DIR.glob("*.txt"))]
