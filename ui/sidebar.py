"""The sidebar of every page: add articles, and the filters shared by all pages.

The filters are kept in the URL, so a view can be shared by copying the address: on a session's
first run the widgets start from the URL's parameters (`core.views.filters.filters_from_params`), and
every run writes the current filters back (`sync_url`). The parameters hold data keys, not labels,
so a link works in every interface language. Each widget owns its key below; `filters()` reads
them back, validated, as one `core.views.filters.Filters`.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.i18n import catalogue as i18n
from core.intake import uploads
from core.storage import access
from core.views import filters as filters_mod
from core.views import page_tables
from ui import common

UPLOAD_TYPES = ["txt", "html", "htm", "docx", "pdf"]
RESULTS_KEY = "upload_results"
# Widget keys double as URL parameter names.
K_DATES, K_GROUPS, K_PERPS, K_PLACES, K_SOURCES, K_KINDS, K_STATUS = (
    "dates", "group", "perpetrator", "place", "source", "kinds", "status",
)
K_CORR, K_PASSING = "corroboration", "passing"
URL_KEY = "_url_filters"  # the filters the session's first URL asked for


def show() -> None:
    """Draw the sidebar: who may edit, the upload panel (for those who may) and filters (the
    language picker comes first, see `language_picker`)."""
    with st.sidebar:
        _access_panel()
        if common.may_edit():
            _upload_panel()
        _filters_panel()


# ---- who may edit (issue 20) ------------------------------------------------------------------------
def _access_panel() -> None:
    """Public view, signed in as…, sign in to edit, or "anyone here can edit"."""
    t = common.t
    if common.public():
        st.info(t("access.public"), icon=":material/visibility:")
    elif not common.sign_in_configured():
        st.caption(t("access.anyone"))
    elif (who := common.editor()) is not None:
        st.caption(common.md("access.signed_in", name=who.name, account=who.account))
        st.button(t("access.sign_out"), key="sign_out", on_click=st.logout, icon=":material/logout:")
    else:
        st.caption(t("access.sign_in_hint"))
        st.button(t("access.sign_in"), key="sign_in", type="primary", on_click=st.login,
                  args=(common.sign_in_provider(),), icon=":material/login:")


# ---- upload ---------------------------------------------------------------------------------------
def _upload_panel() -> None:
    t = common.t
    st.header(t("upload.header"))
    with st.form("upload_form", clear_on_submit=True, border=False):
        files = st.file_uploader(
            t("upload.files"), type=UPLOAD_TYPES, accept_multiple_files=True, key="upload_files",
            help=t("upload.files_help"),
        )
        st.caption(t("upload.limits", limit=common.number(uploads.MAX_BYTES_DEFAULT / 1024 / 1024)))
        pasted = st.text_area(t("upload.paste"), key="upload_paste", height=90)
        with st.expander(t("upload.batch_details")):
            published = st.date_input(t("upload.published"), value=None, key="upload_published")
            outlet = st.text_input(t("upload.outlet"), key="upload_outlet")
            url = st.text_input(t("upload.url"), key="upload_url")
        submitted = st.form_submit_button(t("upload.submit"), type="primary", use_container_width=True)
    if submitted:
        if not files and not (pasted or "").strip():
            st.warning(t("upload.nothing"))
        else:
            try:
                st.session_state[RESULTS_KEY] = _ingest(files or [], pasted, published, outlet, url)
            except access.AccessError as err:  # signed out meanwhile, or a read-only database
                st.error(str(err))
            common.refresh()
    _show_results(st.session_state.get(RESULTS_KEY) or [])


def _ingest(files: list, pasted: str | None, published: dt.date | None, outlet: str, url: str) -> list[dict]:
    """Store the batch through `core.intake.ingest`, with a progress bar; results as plain dicts."""
    from core.intake import ingest

    db = common.get_store()
    total = len(files) + (1 if (pasted or "").strip() else 0)
    bar = st.progress(0.0, text=common.t("upload.progress", done=0, total=total))

    def progress(done: int, _total: int | None, name: str | None) -> None:
        bar.progress(min(done / total, 1.0), text=common.t("upload.progress", done=done, total=total))

    with common.writing():
        results = ingest.ingest_many(
            db, ((f.getvalue(), ingest.browser_file_name(f.name)) for f in files), published, outlet.strip() or None,
            url.strip() or None, progress=progress,
        )
        if (pasted or "").strip():
            results.append(ingest.ingest_text(db, pasted, published, outlet.strip() or None, url.strip() or None))
            progress(total, total, None)
    bar.empty()
    return [
        {
            "status": r.status, "name": r.filename or common.t("upload.pasted_name"), "message": r.message,
            "article_id": r.article_id, "figures": page_tables.figure_summary(r.figures, common.lang()),
            "n": len(r.figures), "added_at": r.added_at,
        }
        for r in results
    ]


def _show_results(results: list[dict]) -> None:
    md = common.md
    for r in results:
        if r["status"] == "added":
            if r["n"]:
                st.success(md("upload.added", name=r["name"], n=r["n"], figures=r["figures"]))
            else:
                st.success(md("upload.added_none", name=r["name"]))
        elif r["status"] == "duplicate" and r.get("added_at"):
            # the time the article was first added, as the command line gives it
            st.info(md("upload.duplicate_added", name=r["name"], when=r["added_at"].strftime("%Y-%m-%d %H:%M")))
        elif r["status"] == "duplicate":
            st.info(md("upload.duplicate", name=r["name"]))
        else:
            st.error(md("upload.refused", name=r["name"], reason=common.upload_reason(r["message"])))
        if r.get("article_id") and r["status"] != "error":
            st.page_link(
                "ui/pages/articles.py", label=common.t("upload.open_article"), icon=":material/article:",
                query_params={"article": r["article_id"]},
            )


# ---- filters ----------------------------------------------------------------------------------------
def url_filters() -> filters_mod.Filters:
    """The filters in the URL this session was opened with (read once, on its first run)."""
    if URL_KEY not in st.session_state:
        qp = st.query_params
        st.session_state[URL_KEY] = filters_mod.filters_from_params({k: qp.get_all(k) for k in filters_mod.URL_PARAMS})
    return st.session_state[URL_KEY]


def _filters_panel() -> None:
    t, lang = common.t, common.lang()
    opts = common.options(common.db_path())
    start = url_filters()
    dates = tuple(d for d in (start.date_from, start.date_to) if d)
    st.header(t("filters.header"))
    st.date_input(t("filters.dates"), value=dates, key=K_DATES, format="YYYY-MM-DD")
    # Choices whose labels are in the interface language: the data keys are kept in
    # st.session_state[K_…], drawn by a widget of the language (common.language_widget).
    common.language_widget(
        st.multiselect, K_GROUPS, list(start.groups), t("filters.groups"), list(filters_mod.GROUP_SERIES),
        format_func=partial(common.fmt_label, "group", lang), placeholder=t("filters.all"),
    )
    for label, key, values, options, kind in (
        ("filters.perpetrators", K_PERPS, start.perpetrators, opts["perpetrators"], "perpetrator"),
        ("filters.places", K_PLACES, start.places, list(opts["places"]), None),
        ("filters.sources", K_SOURCES, start.sources, opts["sources"], "source"),
    ):
        fmt = partial(common.fmt_label, kind, lang) if kind else partial(common.fmt_place, lang, opts["places"])
        common.language_widget(
            st.multiselect, key, [v for v in values if v in options], t(label), options, format_func=fmt,
            placeholder=t("filters.all"),
        )
    common.language_widget(
        st.radio, K_KINDS, start.kinds, t("filters.kinds"), list(filters_mod.KINDS),
        format_func=partial(common.fmt_message, "filters.kinds", lang), horizontal=True,
    )
    common.language_widget(  # how sure (issue 17): corroborated / single source / disputed
        st.multiselect, K_CORR, list(start.corroboration), t("filters.corroboration"),
        list(filters_mod.CORROBORATION), format_func=partial(common.fmt_message, "corroboration", lang),
        placeholder=t("filters.all"),
    )
    common.language_widget(st.checkbox, K_PASSING, start.passing, t("filters.passing"))
    st.button(t("filters.reset"), key="filters_reset", on_click=_reset)


def status_control(container=st) -> str:
    """Killed or injured: a page's switch, started from the URL like the sidebar filters."""
    lang = common.lang()
    value = container.segmented_control(
        common.t("trends.status"), list(filters_mod.STATUSES), key=K_STATUS, default=url_filters().status,
        required=True, format_func=partial(common.fmt_message, "trends.status", lang),
    )
    return value or "killed"


def sync_url(f: filters_mod.Filters) -> None:
    """Write the filters into the URL (only our parameters; others, such as ``article``, stay)."""
    wanted = filters_mod.filters_to_params(f)
    qp = st.query_params
    for key in filters_mod.URL_PARAMS:
        value = wanted.get(key)
        try:
            if value is None:
                if key in qp:
                    del qp[key]
            elif (qp.get_all(key) if isinstance(value, list) else qp.get(key)) != value:
                qp[key] = value
        except StreamlitAPIException:  # a widget of the page binds this parameter itself
            continue


def _reset() -> None:
    st.session_state[K_DATES] = ()
    for k in (K_GROUPS, K_PERPS, K_PLACES, K_SOURCES, K_CORR):
        st.session_state[k] = []
    st.session_state[K_KINDS] = "both"
    st.session_state[K_PASSING] = False


def filters(status: str | None = None) -> filters_mod.Filters:
    """The current filters (as the sidebar widgets hold them), validated, and written to the URL.

    An invalid combination (a range that ends before it starts) shows one error and falls back
    to no date range."""
    ss = st.session_state
    values = dict(
        status=status or ss.get(K_STATUS) or url_filters().status,
        kinds=ss.get(K_KINDS) or "both",
        dates=ss.get(K_DATES) or (),
        groups=ss.get(K_GROUPS) or (),
        perpetrators=ss.get(K_PERPS) or (),
        places=ss.get(K_PLACES) or (),
        sources=ss.get(K_SOURCES) or (),
        corroboration=ss.get(K_CORR) or (),
        passing=bool(ss.get(K_PASSING)),
    )
    try:
        f = filters_mod.filters_from_values(**values)
    except filters_mod.FilterError:
        st.error(common.t("filters.bad_dates"))
        values["dates"] = ()
        f = filters_mod.filters_from_values(**values)
    sync_url(f)
    return f


# ---- language ----------------------------------------------------------------------------------------
def language_picker() -> None:
    """The interface language (``?lang=ar`` in the URL), drawn before the navigation so page
    titles use it too. Without ``lang`` in the URL the browser's language is taken (when it is
    one we have), else English. The URL names the language whenever it is not the English a
    browser without preference would get, so a reload or a shared link keeps it.

    In a right-to-left language, two display options follow (`display_options`)."""
    langs = i18n.languages()
    if len(langs) < 2:
        return
    if common.LANG_KEY not in st.session_state:
        wanted = st.query_params.get(common.LANG_KEY)
        st.session_state[common.LANG_KEY] = wanted if wanted in langs else common.browser_lang()
    _keep(common.LANG_KEY)
    lang = st.sidebar.selectbox(
        common.t("sidebar.language"), langs, key=common.LANG_KEY, format_func=common.fmt_language,
    )
    if lang == i18n.DEFAULT_LANG and common.browser_lang() == i18n.DEFAULT_LANG:
        st.query_params.pop(common.LANG_KEY, None)
    elif st.query_params.get(common.LANG_KEY) != lang:
        st.query_params[common.LANG_KEY] = lang
    display_options()


def display_options() -> None:
    """Eastern Arabic digits and the month names (Levantine or MSA), for a right-to-left
    language; kept in the URL (``digits=arab``, ``months=msa``) when not the default."""
    base = common.base_lang()
    ss, qp = st.session_state, st.query_params
    if common.DIGITS_KEY not in ss:
        ss[common.DIGITS_KEY] = qp.get(common.DIGITS_KEY) == "arab"
    styles = [common.LOCAL_MONTHS, *i18n.variants(base)]
    if common.MONTHS_KEY not in ss or ss[common.MONTHS_KEY] not in styles:
        wanted = qp.get(common.MONTHS_KEY)
        ss[common.MONTHS_KEY] = wanted if wanted in styles else common.LOCAL_MONTHS
    if not i18n.is_rtl(base):
        return
    _keep(common.DIGITS_KEY)
    _keep(common.MONTHS_KEY)
    eastern = st.sidebar.toggle(common.t("sidebar.digits"), key=common.DIGITS_KEY, help=common.t("sidebar.digits_help"))
    months = common.LOCAL_MONTHS
    if len(styles) > 1:
        months = st.sidebar.radio(
            common.t("sidebar.months"), styles, key=common.MONTHS_KEY, horizontal=True,
            format_func=partial(common.fmt_message, "sidebar.months", common.lang()),
        )
    for key, value in ((common.DIGITS_KEY, "arab" if eastern else None),
                       (common.MONTHS_KEY, None if months == common.LOCAL_MONTHS else months)):
        if value is None:
            qp.pop(key, None)
        elif qp.get(key) != value:
            qp[key] = value


def _keep(key: str) -> None:
    """Hold a widget's value across runs for a widget drawn before ``st.navigation``.

    Streamlit gives such a widget another identity on the second run of a session (the active
    page's hash is part of it), so without this the language fell back to English at the first
    click after opening ``?lang=ar``. Writing the value back before the widget is drawn makes it
    the widget's value whatever its identity (Streamlit's documented "retain state" idiom)."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
