"""Incidents: one event, many reports. Each incident with its reports side by side, split and merge.

The charts count incidents (`core.incidents.grouping`, stored by `core.incidents.aggregate`). Here a journalist
checks the grouping: every report of an incident (outlet, publication date, count, sentence, link
to the article), a button to split a report out and one to merge two incidents. Decisions go
through `core.incidents.aggregate` (append-only, with who and when) and survive regrouping and re-extraction.
The reviewer's name is asked once per browser session (the same key as the Review page).
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.i18n import catalogue as i18n
from core.incidents import aggregate, reviews
from core.storage import incident_queries
from core.views import filters, page_tables, sureness
from ui import common, sidebar

t, md = common.t, common.md
lang = common.lang()
path = common.db_path()
NAME, NAME_INPUT, PICK, SPLIT, MERGE, FLASH = "reviewer", "inc_name_input", "inc_pick", "inc_split", "inc_merge", "inc_flash"
VERDICT, VERDICT_NOTE = "inc_verdict", "inc_verdict_note"
EXPORT_FORMATS = ("csv", "geojson")
DONE = {"split": "incidents.done_split", "merge": "incidents.done_merge", "verdict": "incidents.done_verdict"}


@st.cache_data(show_spinner=False, max_entries=64)
def _incidents(path: str, data_version: tuple, f: filters.Filters) -> pd.DataFrame:
    return incident_queries.incident_list(common.get_store(), f)


@st.cache_data(show_spinner=False, max_entries=256)
def _reports(path: str, data_version: tuple, incident_id: str) -> pd.DataFrame:
    return incident_queries.incident_reports_of(common.get_store(), incident_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _toll_texts(path: str, data_version: tuple, lang: str) -> list[str]:
    return [page_tables.toll_comparison_text(c, lang) for c in aggregate.toll_comparisons(common.get_store())]


def _set_name() -> None:
    try:
        st.session_state[NAME] = reviews.check_name(st.session_state.get(NAME_INPUT) or "")
    except reviews.ReviewError:
        st.session_state[FLASH] = ("error", t("incidents.error_name"))


def _change_name() -> None:
    st.session_state.pop(NAME, None)


def _verdict(report: tuple) -> None:
    """A button: the reviewer marks the incident corroborated or disputed (or withdraws the mark)."""
    ss = st.session_state
    db = common.get_store()
    signed = common.editor()
    who = signed.name if signed else ss.get(NAME) or ""
    try:
        with common.writing():
            aggregate.decide_status(db, report, ss.get(VERDICT) or "", who, ss.get(VERDICT_NOTE) or "")
    except ValueError as err:
        ss[FLASH] = ("error", t("incidents.error_other", reason=err))
        return
    common.refresh()
    ss[PICK] = incident_queries.incident_of_report(db, *report)
    ss[VERDICT_NOTE] = ""
    ss[FLASH] = ("success", t(DONE["verdict"]))


def _decide(action: str, keys: tuple, others: tuple) -> None:
    """A button: record the decision (which regroups the incidents), forget cached results and
    keep showing the incident the journalist was looking at."""
    ss = st.session_state
    db, who = common.get_store(), ss.get(NAME) or ""
    signed = common.editor()
    who = signed.name if signed else who
    try:
        with common.writing():
            if action == "split":
                aggregate.split_out(db, keys[0], others, who)
                follow = others[0]
            else:
                aggregate.merge(db, keys, others, who)
                follow = keys[0]
    except ValueError as err:  # StoreError and our checks are ValueErrors
        ss[FLASH] = ("error", t("incidents.error_other", reason=err))
        return
    common.refresh()
    ss[PICK] = incident_queries.incident_of_report(db, *follow)
    ss[MERGE] = []
    ss[FLASH] = ("success", t(DONE[action]))


st.title(t("incidents.title"))
st.caption(t("incidents.caption"))
common.stop_if_empty(path, "empty.incidents", "samples_incidents")

f = sidebar.filters(status=sidebar.status_control())
version = common.version(path)
listing = _incidents(path, version, f)
flash = st.session_state.pop(FLASH, None)
if flash:
    getattr(st, flash[0])(flash[1])

if listing.empty:
    st.info(t("incidents.no_match"))
else:
    st.subheader(t("incidents.list_title", n=common.number(len(listing))))
    st.dataframe(
        page_tables.incident_table(listing, lang), hide_index=True, key="incident_table",
        column_config={c: st.column_config.Column(width=w) for c, w in page_tables.incident_widths(listing, lang).items()},
    )

    # ---- one incident's reports side by side -----------------------------------------------------
    ids = list(listing["id"])
    labels = {r["id"]: page_tables.incident_label(r, lang) for r in listing.to_dict("records")}
    if st.session_state.get(PICK) not in ids:
        st.session_state.pop(PICK, None)
    # language_widget: the pickers keep their choice, in the new language's labels, after a switch
    picked = common.language_widget(
        st.selectbox, PICK, None, t("incidents.pick"), ids, index=None, placeholder=t("incidents.pick_placeholder"),
        format_func=labels.get,
    )
    if picked:
        reports = _reports(path, version, picked)
        st.subheader(t("incidents.reports_title"))
        best, low, high = page_tables.incident_counts(listing[listing["id"] == picked].iloc[0].to_dict())
        if best is not None:
            st.caption(t("incidents.best_note", best=common.number(best), low=common.number(low),
                         high=common.number(high), n=len(reports)))
        row = listing[listing["id"] == picked].iloc[0].to_dict()
        st.markdown(i18n.md_escape(" ".join(x for x in (
            sureness.status_text(row, lang), sureness.passes_text(bool(row.get("passes")), lang),
            sureness.why_text(reports.to_dict("records"), lang)) if x)))
        st.dataframe(
            page_tables.report_table(reports, lang), hide_index=True, key="report_table",
            column_config={
                t("col.link"): st.column_config.LinkColumn(display_text=t("col.link_text")),
                t("col.sentence"): st.column_config.TextColumn(width="large"),
            },
        )

    # ---- decisions: split a report out, merge two incidents (for those who may edit) ---------------
    signed_in = common.editor()
    who = signed_in.name if signed_in else st.session_state.get(NAME)
    editing = common.may_edit()
    if not editing:
        st.caption(t("access.decisions_read_only"))
    elif signed_in:
        st.caption(md("incidents.deciding_signed_in", name=signed_in.name, account=signed_in.account))
    elif not who:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input(t("incidents.name"), key=NAME_INPUT, max_chars=reviews.MAX_NAME)
        c2.button(t("incidents.name_submit"), key="inc_name_submit", on_click=_set_name)
    else:
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.caption(md("incidents.deciding_as", name=who))
        c2.button(t("incidents.change_name"), key="inc_change_name", on_click=_change_name)
    if editing:
        st.caption(t("incidents.history"))

    if picked:  # ---- how sure: a reviewer's decision, kept in the history ----------------------------
        st.markdown(f"**{t('incidents.verdict_title')}**")
        st.caption(sureness.rule_text(lang))
        if editing:
            c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
            common.language_widget(c1.selectbox, VERDICT, "corroborated", t("incidents.verdict_pick"),
                                   list(sureness.VERDICTS), format_func=partial(common.fmt_message, "verdict", lang))
            c2.text_input(t("incidents.verdict_note"), key=VERDICT_NOTE, max_chars=500)
            head = (reports.iloc[0]["article_id"], reports.iloc[0]["figure_id"])
            st.button(t("incidents.verdict_button"), key="inc_verdict_button", disabled=not who, on_click=_verdict,
                      args=(head,))
        history = sureness.history_lines(aggregate.status_history(common.get_store(), picked), lang)
        for line in history or [t("incidents.no_verdicts")]:
            st.markdown("- " + i18n.md_escape(line))

    if picked and editing:
        st.markdown(f"**{t('incidents.split_title')}**")
        keys = [(r["article_id"], r["figure_id"]) for r in reports.to_dict("records")]
        if len(keys) < 2:
            st.caption(t("incidents.split_single"))
        else:
            names = {f"{a}/{b}": page_tables.report_label(r, lang) for (a, b), r in zip(keys, reports.to_dict("records"),
                                                                                      strict=True)}
            if st.session_state.get(SPLIT) not in names:
                st.session_state[SPLIT] = next(iter(names))
            chosen = common.language_widget(st.selectbox, SPLIT, next(iter(names)), t("incidents.split_pick"),
                                            list(names), format_func=names.get)
            one = tuple(chosen.split("/", 1))
            st.button(
                t("incidents.split_button"), key="inc_split_button", disabled=not who, on_click=_decide,
                args=("split", (one,), tuple(k for k in keys if k != one)),
            )

    if editing:
        st.markdown(f"**{t('incidents.merge_title')}**")
        if st.session_state.get(MERGE):
            st.session_state[MERGE] = [i for i in st.session_state[MERGE] if i in ids]
        pair = common.language_widget(st.multiselect, MERGE, [], t("incidents.merge_pick"), ids, max_selections=2,
                                      format_func=labels.get, placeholder=t("incidents.merge_placeholder"))
        if len(pair) == 2:
            a_keys = tuple(map(tuple, _reports(path, version, pair[0])[["article_id", "figure_id"]].to_numpy().tolist()))
            b_keys = tuple(map(tuple, _reports(path, version, pair[1])[["article_id", "figure_id"]].to_numpy().tolist()))
            st.button(t("incidents.merge_button"), key="inc_merge_button", disabled=not who, on_click=_decide,
                      args=("merge", a_keys, b_keys))
        else:
            st.caption(t("incidents.merge_need_two"))

# ---- running tolls against the incidents --------------------------------------------------------
st.subheader(t("incidents.tolls_title"))
tolls = _toll_texts(path, version, lang)
if not tolls:
    st.caption(t("incidents.no_tolls"))
for text in tolls:
    st.markdown("- " + i18n.md_escape(text))

# ---- download what the filters select (core.views.export) ----------------------------------------------
common.export_buttons(f, EXPORT_FORMATS, "inc_export_")
