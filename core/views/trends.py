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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from core.extraction.dates import as_date as _as_date
from core.i18n import catalogue as i18n
from core.i18n.charts import number_ticks
from core.incidents.grouping import toll_period
from core.views.counting import totals, weekly_totals_by_week
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
        i18n.t("trends.notes.group_count", lang, n=i18n.format_number(n, lang),
               group=i18n.label("group", k[len(prefix):], lang, count=n))
        for k, n in sorted(notes.items()) if k.startswith(prefix) and n
    ]
    if not parts:
        n = notes.get("undated_sum", 0)
        return i18n.t("trends.notes.group_count", lang, n=i18n.format_number(n, lang),
                      group=i18n.label("group", "people", lang, count=n))
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
    drawn = drawable_tolls(tolls)
    if not drawn.empty:
        # A running toll covers a period: a red segment from its first to its last day (16–22 Aug
        # is drawn over those days, not in the next week's column), a diamond on its last day. Its
        # label is on hover and in the table under the chart: labels on the chart pile up.
        records = drawn.to_dict("records")
        labels = [esc(toll_label(r, lang)) for r in records]
        fig.add_scatter(
            x=[pd.Timestamp(e) + pd.Timedelta(hours=12) for e in drawn["_end"]], y=drawn["best"],
            name=esc(i18n.t("series.toll", lang)), mode="markers", yaxis="y2", text=labels,
            marker={"symbol": "diamond", "size": 12, "color": "#C0392B", "line": {"width": 1, "color": "#fff"}},
            customdata=[[w.isoformat(), TOLL] for w in drawn["week"]],
            hovertemplate="%{text}<extra></extra>", cliponaxis=False,
        )
        # The segments: one line trace broken by gaps, not one layout shape each (plotly checks
        # every shape again on each one added: 1,800 toll markers took minutes).
        xs: list = []
        ys: list = []
        for r in records:
            end = pd.Timestamp(r["_end"]) + pd.Timedelta(hours=12)
            start = pd.Timestamp(r["_start"]) if r["_start"] is not None else end
            xs += [start, end, None]
            ys += [r["best"], r["best"], None]
        fig.add_scatter(x=xs, y=ys, mode="lines", yaxis="y2", line={"color": "#C0392B", "width": 3},
                        hoverinfo="skip", showlegend=False, connectgaps=False, name=TOLL_SEGMENTS)
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
    _sparse_axis(fig, weekly, drawn)
    _cap_outliers(fig, tot, lang)
    if not drawn.empty:
        vals, texts = number_ticks(float(drawn["best"].max()) * 1.15, lang, target=5)
        fig.update_layout(yaxis2={
            "title": i18n.t("chart.y2_title", lang), "overlaying": "y", "side": "right",
            "range": [0, vals[-1]], "tickvals": vals, "ticktext": texts, "showgrid": False, "color": "#C0392B",
        })
    return fig


TOLL_SEGMENTS = "toll_periods"  # the trace of the tolls' period segments (not in the legend)
TOLL_MAX_DAYS = 35  # a toll over a longer period (a month's, a year's, the whole war's) is listed, not drawn


def _toll_days(r: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    end = _as_date(r.get("date")) or _as_date(r.get("event_date"))
    start = _as_date(r.get("date_from"))
    return start, end


def drawable_tolls(tolls: pd.DataFrame | None) -> pd.DataFrame:
    """The running tolls the chart draws, with ``_start`` and ``_end`` (their first and last day):
    those with a last day and a period of at most `TOLL_MAX_DAYS`. Longer ones ("since 2011",
    a year's report) are in the table under the chart only: one week's marker would misstate them."""
    if tolls is None or tolls.empty:
        return pd.DataFrame(columns=[*(tolls.columns if tolls is not None else []), "_start", "_end"])
    keep, starts, ends = [], [], []
    for r in tolls.to_dict("records"):
        start, end = _toll_days(r)
        ok = end is not None and (start is None or 0 <= (end - start).days <= TOLL_MAX_DAYS)
        keep.append(ok)
        starts.append(start)
        ends.append(end)
    out = tolls.assign(_start=starts, _end=ends)
    return out[keep].reset_index(drop=True)


def toll_table(tolls: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The running tolls as a table beside the chart: who, how many, over which period, and
    whether the chart draws it (a toll over more than `TOLL_MAX_DAYS` days is not drawn)."""
    rows = []
    for r in (tolls.to_dict("records") if tolls is not None else []):
        start, end = _toll_days(r)
        source = r.get("source")
        who = i18n.label("source", source, lang) if source and source != NOT_STATED else i18n.t("toll.unattributed", lang)
        if start and end:
            period = i18n.t("chart.toll_period", lang, start=short_date(start, lang), end=short_date(end, lang))
        elif end:
            period = i18n.t("chart.toll_until", lang, end=short_date(end, lang))
        else:
            period = i18n.t("common.date_unknown", lang)
        drawn = end is not None and (start is None or (end - start).days <= TOLL_MAX_DAYS)
        rows.append({
            i18n.t("chart.toll_col_source", lang): who,
            i18n.t("chart.toll_col_count", lang): i18n.format_number(int(r["best"]), lang),
            i18n.t("chart.toll_col_period", lang): period,
            i18n.t("chart.toll_col_drawn", lang): i18n.t("chart.toll_drawn" if drawn else "chart.toll_not_drawn", lang),
        })
    return pd.DataFrame(rows)


def fill_toll_periods(tolls: pd.DataFrame, cues: pd.DataFrame | None) -> pd.DataFrame:
    """`tolls` with ``date_from`` filled where the toll's words give its period without a start
    date («خلال أسبوع», "this month": `core.incidents.grouping.toll_period`), so that the chart
    draws "125 in the week to 22 Aug" over 16–22 Aug. `cues` is `core.storage.queries.toll_cues`."""
    if tolls is None or tolls.empty or cues is None or cues.empty:
        return tolls
    # only the cues of the tolls shown (a few hundred markers, not every toll in the database)
    cues = cues.merge(tolls[["article_id", "id"]].drop_duplicates(), on=["article_id", "id"], how="inner")
    periods = {}
    for r in cues.to_dict("records"):
        extra = r.get("extra")
        try:
            r["extra"] = json.loads(extra) if isinstance(extra, str) else None
        except ValueError:
            r["extra"] = None
        p = toll_period(r)
        if p is not None:
            periods[(r["article_id"], r["id"])] = p[0].isoformat()
    out = tolls.copy()
    out["date_from"] = [
        d if isinstance(d, str) and d else periods.get((a, i), d)
        for d, a, i in zip(out["date_from"], out["article_id"], out["id"], strict=True)
    ]
    return out


_MIN_WEEKS_SHOWN = 8


def _sparse_axis(fig: Any, weekly: pd.DataFrame, tolls: pd.DataFrame) -> None:
    """A few weeks of data still look like weeks: the date axis spans at least `_MIN_WEEKS_SHOWN`
    weeks around them, so one week is one bar among empty weeks, not one wide block."""
    days = [pd.Timestamp(w) for w in weekly["week"]] if not weekly.empty else []
    days += [pd.Timestamp(d) for d in tolls["_end"]] if not tolls.empty else []
    days += [pd.Timestamp(d) for d in tolls["_start"] if d is not None] if not tolls.empty else []
    if not days:
        return
    first, last = min(days), max(days) + _WEEK
    span = (last - first).days
    if span >= _MIN_WEEKS_SHOWN * 7:
        return
    pad = pd.Timedelta(days=(_MIN_WEEKS_SHOWN * 7 - span) / 2)
    fig.update_xaxes(range=[(first - pad).isoformat(), (last + pad).isoformat()], dtick=7 * 24 * 3600 * 1000,
                     tick0="2017-01-02", tickformat="%d %b\n%Y")


OUTLIER_FACTOR = 4.0  # a week above 4× the next largest is an outlier: the axis is cut above the others


def outlier_weeks(totals: pd.DataFrame) -> tuple[float | None, list[tuple[Any, int]]]:
    """The axis top that keeps every ordinary week readable, and the weeks above it (week, total),
    when one or a few weeks dwarf the rest (a misread whole-war toll, a massacre); else (None, [])."""
    if totals is None or len(totals) < 3:
        return None, []
    tops = sorted(((float(h), w, int(b)) for w, b, h in zip(totals["week"], totals["best"], totals["high"], strict=True)),
                  reverse=True)
    values = [t for t, _, _ in tops]
    for k in range(1, min(3, len(values) - 1) + 1):  # at most three weeks are cut off
        rest = values[k]
        if rest > 0 and values[k - 1] > OUTLIER_FACTOR * rest:
            return rest * 1.25, [(w, b) for _, w, b in tops[:k]]
    return None, []


def _cap_outliers(fig: Any, totals: pd.DataFrame, lang: str) -> None:
    top, outliers = outlier_weeks(totals)
    if top is None:
        return
    fig.update_layout(yaxis={"range": [0, top], "autorange": False, "rangemode": "normal"})
    for week, best in outliers:
        fig.add_annotation(
            x=_mid_week(pd.Series([week])).iloc[0], y=top, yref="y", text=html.escape(i18n.t(
                "chart.outlier", lang, n=i18n.format_number(best, lang))),
            showarrow=True, arrowhead=2, ax=0, ay=-28, font={"size": 12, "color": "#7B241C"},
            bgcolor="rgba(255,255,255,0.85)", bordercolor="#7B241C", borderwidth=1,
        )


# ---- the headline in plain words ----------------------------------------------------------------------
_HEAD_GROUPS = ("civilians", "fighters", "people")  # breakdowns (children, women) are inside these


def _incident_count(row: Mapping[str, Any]) -> int | None:
    """An incident's count for the summary: its head groups added up (children and women counted
    inside civilians are not added again; alone, they are the count)."""
    def get(g: str) -> int | None:
        v = row.get(f"best_{g}")
        return None if v is None or pd.isna(v) else int(v)
    head = [v for g in _HEAD_GROUPS if (v := get(g)) is not None]
    if head:
        return sum(head)
    rest = [v for g in ("children", "women") if (v := get(g)) is not None]
    return max(rest) if rest else None


def headline_summary(incidents: pd.DataFrame | Mapping[str, Any] | None, weekly: pd.DataFrame, status: str = "killed",
                     lang: str = i18n.DEFAULT_LANG, largest: int = 2) -> str | None:
    """Two or three short sentences above the chart, in plain words: how many were killed (or
    injured) in the period and in how many incidents, the largest incidents (count, place, day),
    and the share of the dead in incidents whose perpetrator the reports name.

    The total is the chart's (`weekly`, the counting rule); `incidents` is
    `core.storage.incident_queries.headline_facts` for the same filters (over every incident), or a
    frame of incidents like `incident_list`'s. None when there is nothing."""
    if weekly is None or weekly.empty:
        return None
    total = int(totals(weekly)["best"])
    if isinstance(incidents, Mapping):
        n_incidents, all_n, known = incidents["incidents"], incidents["counted"], incidents["named"]
        top = [(r, _incident_count(r)) for r in incidents["largest"].to_dict("records")][:largest]
    else:
        inc = incidents if incidents is not None else pd.DataFrame()
        if not inc.empty and "status" in inc:
            inc = inc[inc["status"] == status]
        rows = [(r, n) for r in inc.to_dict("records") if (n := _incident_count(r)) is not None
                and r.get("date") is not None and not pd.isna(r.get("date"))]
        n_incidents, all_n = len(rows), sum(n for _, n in rows)
        known = sum(n for r, n in rows if isinstance(r.get("perpetrator"), str) and r["perpetrator"] not in ("", "unknown"))
        top = sorted(rows, key=lambda x: (-x[1], str(x[0].get("date"))))[:largest]
    weeks = sorted(weekly["week"])
    start, end = weeks[0], weeks[-1] + dt.timedelta(days=6)
    parts = [i18n.t(f"trends.summary.total.{status}", lang, n=i18n.format_number(total, lang),
                    incidents=i18n.t("count.dated_incidents", lang, n=n_incidents),
                    start=short_date(start, lang), end=short_date(end, lang))]
    if top:
        items = []
        for r, n in top:
            pid, written = r.get("place_id"), r.get("place")
            # a place outside the gazetteer is quoted as the article wrote it, isolated so that its
            # script (Arabic in an English sentence) does not reorder the sentence around it
            place = i18n.place_name(pid, lang) if isinstance(pid, str) and pid else (
                i18n.t("trends.summary.as_written", lang, place=written) if isinstance(written, str) and written
                else i18n.t("common.not_stated", lang))
            items.append(i18n.t("trends.summary.incident", lang, n=i18n.format_number(n, lang), place=place,
                                date=short_date(r.get("date"), lang)))
        parts.append(i18n.t("trends.summary.largest", lang, items=i18n.t("trends.notes.group_sep", lang).join(items)))
        if all_n:
            parts.append(i18n.t("trends.summary.perpetrator", lang, share=i18n.format_number(round(100 * known / all_n), lang)))
    return " ".join(parts)


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
