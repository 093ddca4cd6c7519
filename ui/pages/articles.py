"""Articles: the evidence. A searchable list, and each article with its figures marked in place.

Deep link: ``articles?article=<id>&figure=<figure id>`` opens an article scrolled to a figure.
The article text is untrusted: `core.views.article_view.article_html` escapes every character of it.
"""

from __future__ import annotations

import streamlit as st

from core.i18n import catalogue as i18n
from core.incidents import reviewing
from core.storage import queries
from core.views import article_view, held, page_tables, review_text, trends
from ui import common

t, md = common.t, common.md
lang = common.lang()
path = common.db_path()
SEARCH_KEY, LIST_KEY = "q", "article_list"


def _open_selected_article() -> None:
    rows = ((st.session_state.get(LIST_KEY) or {}).get("selection") or {}).get("rows") or []
    ids = st.session_state.get("article_list_ids") or []
    if rows and rows[0] < len(ids):
        st.query_params["article"] = ids[rows[0]]


def _mark_selected_figure(key: str, figure_ids: list[str]) -> None:
    rows = ((st.session_state.get(key) or {}).get("selection") or {}).get("rows") or []
    if rows and rows[0] < len(figure_ids):
        st.query_params["figure"] = figure_ids[rows[0]]


def show_article(article_id: str, selected: str | None) -> None:
    art = common.get_store().get_article(article_id)
    st.page_link("ui/pages/articles.py", label=t("article.back"), icon=":material/arrow_back:", query_params={})
    if art is None:
        st.error(t("article.not_found"))
        return
    reviewed = reviewing.article_figures(common.get_store(), article_id)  # reviewed values, rejections marked
    figures = [f for f, _ in reviewed]
    rejected = [f.id for f, state in reviewed if state.rejected]
    if selected and selected not in {f.id for f in figures}:
        st.warning(t("article.figure_not_found"))
        selected = None
    st.header(i18n.md_escape(art.title or art.filename or article_id))
    published = trends.short_date(art.published, lang) if art.published else t("common.date_unknown")
    st.caption(md(
        "article.meta", outlet=art.outlet or t("common.not_stated"), published=published,
        filename=art.filename or "—", n=len(figures),
    ))
    name, account = queries.added_by(common.get_store(), article_id)
    added = trends.short_date(art.added_at, lang) if art.added_at else t("common.date_unknown")
    st.caption(md("article.added_by", date=added, name=name, account=account or name) if name
               else md("article.added_by_unknown", date=added))
    if art.url and art.url.lower().startswith(("http://", "https://")):
        st.link_button(t("article.open_source"), art.url, icon=":material/open_in_new:")
    if not figures:
        st.info(t("article.no_figures"))
    st.html(article_view.article_html(art.text, article_view.figure_marks(figures, selected, lang), art.lang))
    if selected:
        st.html(article_view.scroll_script(selected), unsafe_allow_javascript=True)
    if figures:
        st.subheader(t("article.figures_title"))
        st.caption(t("article.figures_hint"))
        key = f"figures_{article_id}"
        holds = {k: held.reasons_text(next(f.to_dict() for f in figures if f.id == k), v, lang)
                 for k, v in held.article_holds(reviewed).items()}
        for note in filter(None, (held.date_note(f.to_dict(), lang) for f in figures)):
            st.caption(note)
        st.dataframe(
            page_tables.figure_table(figures, lang, rejected, holds), hide_index=True, key=key, on_select=lambda: _mark_selected_figure(
                key, [f.id for f in figures]), selection_mode="single-row",
        )
    st.subheader(t("article.changes_title"))
    changes = review_text.figure_changes(reviewed, lang)
    if not changes:
        st.caption(t("article.changes_none"))
    for label, lines in changes:
        st.markdown(f"**{i18n.md_escape(label)}**\n" + "\n".join(f"1. {i18n.md_escape(line)}" for line in lines))


st.title(t("articles.title"))
common.stop_if_empty(path, "empty.articles", "samples_articles")

article_id = st.query_params.get("article")
if article_id:
    show_article(article_id, st.query_params.get("figure"))
    st.stop()

search = st.text_input(t("articles.search"), key=SEARCH_KEY, placeholder=t("articles.search_placeholder"),
                       bind="query-params")
found = common.articles(path, search or "")
if found.empty:
    st.info(t("articles.none_found"))
else:
    st.caption(t("articles.count", n=len(found)))
    st.session_state["article_list_ids"] = list(found["id"])
    st.dataframe(
        page_tables.articles_table(found, lang), hide_index=True, key=LIST_KEY, on_select=_open_selected_article,
        selection_mode="single-row",
        column_config={
            t("col.link"): st.column_config.LinkColumn(display_text=t("col.open_text")),
            t("col.title"): st.column_config.TextColumn(width="large"),
            t("col.web"): st.column_config.LinkColumn(display_text=t("col.web_text")),
        },
    )
