"""Map: where people were killed, each figure placed only as precisely as its article allows.

The map adds up the same figures as the trends page (`core.storage.queries.map_sums`); the points, the
"district not stated" ring and the table of figures that cannot be drawn add up to its total.
No basemap is loaded unless the user asks for online tiles: the page works with no internet.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from core.incidents import reviewed
from core.views import export, filters, geo, map_layers, page_tables, trends
from ui import common, sidebar

t, md = common.t, common.md
lang = common.lang()
MAP_KEY, PICK_PLACE, CLICKED = "place_map", "pick_place", "map_clicked"
K_COLOUR, K_LABELS, K_VIEW, K_TILES, K_PERIOD, K_WEEK = "colour", "labels", "view", "tiles", "period", "week"


@st.cache_data(show_spinner=False, max_entries=64)
def _span(path: str, data_version: tuple, f: filters.Filters) -> tuple[dt.date | None, dt.date | None]:
    return reviewed.map_span(common.get_store(), f)


@st.cache_data(show_spinner=False, max_entries=128)
def _totals(path: str, data_version: tuple, f: filters.Filters, by: str, period: str, week: str | None) -> pd.DataFrame:
    picked = dt.date.fromisoformat(week) if week else None
    sums = reviewed.map_sums(common.get_store(), f, by, geo.repeats(), *geo.period_dates(period, picked))
    return geo.totals_of(sums, by)


def _on_map_select() -> None:
    """A click on the map: the place is listed under it (if it has figures, see below)."""
    st.session_state[CLICKED] = geo.pick_from_selection(st.session_state.get(MAP_KEY))


st.title(t("map.title"))
st.caption(t("map.caption"))
path = common.db_path()

common.stop_if_empty(path, "empty.map", "samples_map")

f = sidebar.filters(status=sidebar.status_control())
version = common.version(path)
first, last = _span(path, version, f)
notes = common.notes(path, f)
weekly = common.weekly(path, f)  # what the trends page adds up: the map must reach the same total

c1, c2 = st.columns(2, vertical_alignment="bottom")
by = common.url_choice(c1, K_COLOUR, list(geo.COLOUR_BY), "group", t("map.colour_by"), "map.colour_by")
labels = common.url_choice(c2, K_LABELS, list(geo.LABEL_LANGS), "ar", t("map.labels"), "map.labels")
c3, c4 = st.columns(2, vertical_alignment="bottom")
view = common.url_choice(c3, K_VIEW, list(geo.VIEWS), "city", t("map.view"), "map.view")
tiles = c4.toggle(t("map.tiles"), key=K_TILES, value=False, help=t("map.tiles_help"))

weeks = [w.isoformat() for w in geo.weeks_between(first, last)]
c1, c2 = st.columns([3, 4], vertical_alignment="bottom")
period = common.url_choice(c1, K_PERIOD, list(geo.PERIODS), "all", t("map.period"), "map.period")
week = None
if period != "all" and weeks:
    if st.session_state.get(K_WEEK) not in weeks:
        st.session_state[K_WEEK] = weeks[0]
    week = common.language_widget(c2.select_slider, K_WEEK, weeks[0], t("map.week"), options=weeks,
                                  format_func=partial(common.fmt_week, lang))

picked_week = dt.date.fromisoformat(week) if week else None
all_totals = _totals(path, version, f, by, "all", None)
totals = _totals(path, version, f, by, period, week) if week else all_totals
counts = geo.summary(totals)
trend_total = geo.trend_total(weekly, period, picked_week)

if first is None:
    st.info(t("map.no_match"))
else:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("map.metric_points"), common.number(counts["points"]))
    m2.metric(t("map.metric_ring"), common.number(counts["rings"]))
    m3.metric(t("map.metric_unplaced"), common.number(counts["unplaced"]))
    m4.metric(t("map.metric_total"), common.number(trend_total))
    if counts["total"] != trend_total:
        st.error(t("map.disagree", map=counts["total"], trends=trend_total))
    if totals.empty:
        st.info(t("map.no_week"))
    st.pydeck_chart(
        map_layers.deck(totals, by, status=f.status, lang=lang, labels=labels, tiles=tiles, view=view,
                 scale_max=geo.scale_of(all_totals)),
        key=MAP_KEY, on_select=_on_map_select, selection_mode="single-object", height=map_layers.MAP_HEIGHT_PX,
        alt=t("map.alt"),
    )
    st.html(geo.legend_html(by, totals, lang))
    st.caption(t("map.sources"))
    st.subheader(t("map.unplaced_title"))
    st.caption(t("map.unplaced_caption"))
    unplaced = geo.unplaced_table(totals, lang)
    if unplaced.empty:
        st.caption(t("map.unplaced_none"))
    else:
        st.dataframe(unplaced, hide_index=True, key="unplaced_table")
    if period == "all":
        st.caption(t("map.reconcile", **counts))

items = [
    t(f"map.notes.{k}", n=notes[k], people=trends.undated_people(notes, lang)) for k in ("undated", "vague") if notes.get(k)
]
if items:
    st.caption(t("map.notes", items="; ".join(items)))

# ---- download what the filters select (core.views.export; columns in the README) -------------------------
common.export_buttons(f, export.FORMATS, "export_")

# ---- the figures behind a place ------------------------------------------------------------------
st.subheader(t("map.place_title"))
options = list(totals["key"])
clicked = st.session_state.pop(CLICKED, None)
if clicked in options:
    st.session_state[PICK_PLACE] = clicked
place = st.selectbox(
    t("map.pick_place"), options, key=PICK_PLACE, index=None,
    placeholder=t("map.pick_place_placeholder"), format_func=partial(geo.place_label, lang),
)
if place is not None:
    behind = reviewed.map_place_figures(
        common.get_store(), f, geo.ids_of(place), *geo.period_dates(period, picked_week)
    )
    if behind.empty:
        st.info(t("map.place_none"))
    else:
        st.dataframe(
            page_tables.behind_table(behind, lang), hide_index=True, key="place_figures",
            column_config={t("col.link"): st.column_config.LinkColumn(display_text=t("col.link_text"))},
        )
