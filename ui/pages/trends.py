"""Trends: weekly killed (or injured) by victim group, each incident counted once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from functools import partial

import pandas as pd
import streamlit as st

from core.incidents import reviewed
from core.storage import incident_queries, queries
from core.views import counting, export, filters, held, page_tables, trends
from ui import common, sidebar

t, md = common.t, common.md
lang = common.lang()
CHART_KEY, PICK_WEEK, PICK_SERIES = "trend_chart", "pick_week", "pick_series"


@st.cache_data(show_spinner=False, max_entries=64)
def _headline(path: str, data_version: tuple, f: filters.Filters) -> dict:
    return incident_queries.headline_facts(common.get_store(), f, f.status)


@st.cache_data(show_spinner=False, max_entries=8)
def _toll_cues(path: str, data_version: tuple) -> pd.DataFrame:
    return queries.toll_cues(common.get_store())


def _on_chart_select() -> None:
    """A click on the chart chooses the week and series listed under it."""
    state = st.session_state.get(CHART_KEY) or {}
    pick = trends.pick_from_selection((state.get("selection") or {}).get("points"))
    if pick:
        st.session_state[PICK_WEEK] = pick[0].isoformat()
        st.session_state[PICK_SERIES] = pick[1]


st.title(t("trends.title"))
st.caption(t("trends.caption"))
path = common.db_path()

common.stop_if_empty(path, "empty.trends", "samples_trends")

f = sidebar.filters(status=sidebar.status_control())
weekly = common.weekly(path, f)
tolls = trends.fill_toll_periods(common.tolls(path, f), _toll_cues(path, common.version(path)))
notes = common.notes(path, f)
held_items = common.held(path, f.status)

if weekly.empty and tolls.empty:
    st.info(t("trends.no_match"))
else:
    total = counting.totals(weekly)
    c1, c2, c3 = st.columns(3)
    c1.metric(t(f"trends.metric_total.{f.status}"), common.number(total["best"]))
    c2.metric(t("trends.metric_range"), common.number_range(total["low"], total["high"]))
    c3.metric(t("trends.metric_tolls"), common.number(len(tolls)))
    if not f.passing and st.toggle(t("trends.passing_toggle"), key="trend_passing"):
        # the newsroom's publication check (core.incidents.corroboration) beside all totals
        passing = counting.totals(common.weekly(path, dataclasses.replace(f, passing=True)))
        st.markdown(md("trends.passing_total", value=common.number(passing["best"]), total=common.number(total["best"])))
    held_line = held.headline_line(held_items, lang)  # what the total leaves out until reviewed
    if held_line:
        st.markdown(held_line)
    summary = trends.headline_summary(_headline(path, common.version(path), f), weekly, f.status, lang)
    if summary:
        st.markdown(f'<p class="trend-summary" dir="auto">{html.escape(summary)}</p>', unsafe_allow_html=True)
    common.plotly_chart(
        trends.chart(weekly, tolls, f.status, lang), key=CHART_KEY, on_select=_on_chart_select,
        selection_mode="points", config={"displaylogo": False},
    )
    if not tolls.empty:
        st.subheader(t("trends.tolls_title"))
        st.caption(t("trends.tolls_caption"))
        st.dataframe(trends.toll_table(tolls, lang), hide_index=True, key="toll_table")

note = trends.notes_text(notes, lang)
if note:
    st.caption(note)

with st.expander(t("trends.how_title")):
    st.markdown(t("trends.how_body"))

# ---- download what the filters select (core.views.export; columns in the README) -------------------------
common.export_buttons(f, export.FORMATS, "export_")

# ---- the figures behind a point ------------------------------------------------------------------
st.subheader(t("trends.behind_title"))
weeks = sorted({*map(dt.date.isoformat, weekly["week"]), *map(dt.date.isoformat, tolls["week"])}, reverse=True)
series_options = [filters.TOTAL, *filters.GROUP_SERIES, *filters.OF_WHICH, filters.TOLL, "undated", "vague"]
c1, c2 = st.columns(2)
# The week and series are kept as data keys in st.session_state[PICK_WEEK/PICK_SERIES] (the chart click
# writes them), drawn by a widget of the interface language (common.language_widget).
week = common.language_widget(
    c1.selectbox, PICK_WEEK, None, t("trends.pick_week"), weeks, index=None,
    placeholder=t("trends.pick_week_placeholder"), format_func=partial(common.fmt_week, lang),
)
series = common.language_widget(
    c2.selectbox, PICK_SERIES, filters.TOTAL, t("trends.pick_series"), series_options,
    format_func=partial(common.fmt_message, "series", lang),
)
if week is None and series not in ("undated", "vague"):
    st.caption(t("trends.behind_hint"))
else:
    picked = dt.date.fromisoformat(week) if week else None
    rows = reviewed.figures_behind(common.get_store(), f, picked, series)
    if rows.empty:
        st.info(t("trends.behind_none"))
    else:
        event = st.dataframe(
            page_tables.behind_table(rows, lang), hide_index=True, key="behind_table",
            on_select="rerun", selection_mode="single-row",
            column_config={
                t("col.link"): st.column_config.LinkColumn(display_text=t("col.link_text")),
                t("col.sentence"): st.column_config.TextColumn(width="large"),
            },
        )
        picked = page_tables.picked_figure(rows, event.selection.rows if event else None)
        if picked is None:
            st.caption(t("trends.behind_pick_row"))
        else:  # the whole sentence, and a plain link: no hover needed to open it
            st.markdown(f'<blockquote class="picked-sentence" dir="auto">{html.escape(picked["sentence"])}</blockquote>',
                        unsafe_allow_html=True)
            st.markdown(f'<a href="{html.escape(picked["link"])}" target="_self">{html.escape(t("trends.open_article"))}</a>',
                        unsafe_allow_html=True)

# ---- figures held back from the total until a reviewer confirms them (core.incidents.plausibility) -----
if held_items:
    st.subheader(t("held.title", n=len(held_items)), anchor=held.ANCHOR)
    st.caption(t("held.caption"))
    st.dataframe(
        held.table(held_items, lang), hide_index=True, key="held_table",
        column_config={
            t("col.link"): st.column_config.LinkColumn(display_text=t("col.link_text")),
            t("col.sentence"): st.column_config.TextColumn(width="large"),
        },
    )
