"""What every page shares: the cached database, cached queries, the interface language.

Streamlit caching lives here, never in `core/`: `st.cache_resource` holds the one `Store` of the
process (per database file), `st.cache_data` holds query results keyed by the filters. After an
upload, `refresh()` clears the query caches so every chart shows the new figures.

The interface language is a locale tag (`core.i18n`): ``en``, ``ar``, or Arabic with Eastern
digits and/or MSA month names (``ar-u-nu-arab-x-msa``), from the sidebar's settings. Pages pass
`lang()` to `core` and show numbers, dates and charts through `number`, `date` and
`plotly_chart`, so every setting reaches them. `apply_direction` lays the page out right-to-left
in Arabic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from core.i18n import catalogue as i18n
from core.i18n import charts
from core.incidents import reviewed, reviewing
from core.storage import access, queries
from core.storage import store as store_mod
from core.views import counting, filters, trends, upload_errors

LANG_KEY = "lang"
DIGITS_KEY = "digits"  # True: Eastern Arabic digits (URL: digits=arab)
MONTHS_KEY = "months"  # "local" or a catalogue variant such as "msa" (URL: months=msa)
LOCAL_MONTHS = "local"


def base_lang() -> str:
    """The interface language chosen in the sidebar (``en``, ``ar``), without display options."""
    value = st.session_state.get(LANG_KEY) or i18n.DEFAULT_LANG
    return value if value in i18n.languages() else i18n.DEFAULT_LANG


def lang() -> str:
    """The interface locale: the language plus its display options (Eastern digits and month
    names only apply to a right-to-left language that offers them)."""
    base = base_lang()
    if not i18n.is_rtl(base):
        return base
    variant = st.session_state.get(MONTHS_KEY)
    variant = variant if variant in i18n.variants(base) else None
    return i18n.make_tag(base, bool(st.session_state.get(DIGITS_KEY)), variant)


def browser_lang() -> str:
    """The language the browser asks for (``navigator.language``, else ``Accept-Language``)."""
    try:
        locale = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (bare script run)
        locale = None
    try:
        accept = st.context.headers.get("Accept-Language")
    except Exception:  # noqa: BLE001 - AppTest has no request headers
        accept = None
    return i18n.browser_language(locale, accept)


def t(key: str, **values: object) -> str:
    """A message in the interface language (plain text: for widgets, tables and charts)."""
    return i18n.t(key, lang(), **values)


def md(key: str, **values: object) -> str:
    """A message for Markdown elements; the values (user text) are escaped."""
    return i18n.md(key, lang(), **values)


def number(n: Any) -> str:
    """A number for a metric or a caption, grouped, in the interface's digits."""
    return i18n.format_number(n, lang())


def number_range(low: Any, high: Any) -> str:
    return f"{number(low)}–{number(high)}"


def date(d: Any, style: str | None = None) -> str:
    """A date in the interface's month names and digits (`core.i18n.catalogue.format_date`)."""
    return i18n.format_date(d, lang(), style)


def upload_reason(message: str) -> str:
    """Why an upload was refused, in the interface language, without the file name that the
    message around it gives ("bad.pdf was not added: the file is damaged…";
    `core.views.upload_errors.upload_error`)."""
    return upload_errors.upload_error(message, lang(), named=False)


def plotly_chart(fig: Any, config: dict | None = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` for a figure made in `core`, in the interface language: Arabic texts
    isolated right-to-left, month names and digits of the locale (`core.i18n.charts.localize_chart`)."""
    loc = lang()
    return st.plotly_chart(charts.localize_chart(fig, loc), config=charts.chart_config(loc, config), **kwargs)


RTL_CSS = """
<style>
/* Arabic interface: text, widgets and tables run right-to-left (st.dataframe's grid follows the
   direction of its container), the sidebar's contents too. */
[data-testid="stMain"], [data-testid="stSidebarContent"] { direction: rtl; }
[data-testid="stMain"] :is(h1, h2, h3, h4, p, li, label, summary, [data-testid="stCaptionContainer"],
  [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"], [data-testid="stMetricValue"],
  [data-testid="stAlertContainer"], [data-testid="stWidgetLabel"]),
[data-testid="stSidebarContent"] :is(h1, h2, h3, p, li, label, summary, [data-testid="stMarkdownContainer"],
  [data-testid="stWidgetLabel"], [data-testid="stAlertContainer"]) { text-align: right; }
[data-testid="stMarkdownContainer"] :is(ul, ol) { padding-inline-start: 1.5em; padding-inline-end: 0; }
/* A heading that is not Arabic (an English article's title) keeps its own direction. */
[data-testid="stHeading"] :is(h1, h2, h3) { unicode-bidi: plaintext; text-align: start; }
/* Typed text follows its own direction; a date field (Streamlit's segments yyyy-mm-dd) stays
   left-to-right, whole, so "2017-08-01 – 2017-08-31" reads in order and is not clipped. */
[data-testid="stMain"] input, [data-testid="stSidebarContent"] :is(input, textarea) {
  text-align: start; unicode-bidi: plaintext; }
[data-testid="stDateInputField"] { direction: ltr; unicode-bidi: isolate; }
[data-testid="stDateInputField"] [data-testid="stDateInputFieldsScroller"] { direction: ltr; }
/* Segmented controls: Streamlit draws their joined borders for left-to-right only; mirrored, the
   first option sits on the right with its rounded corner there, and the labels are turned back. */
[data-testid="stButtonGroup"] [role="radiogroup"]:has(> button[data-variant="segmented_control"]) {
  direction: ltr; transform: scaleX(-1); }
[data-testid="stButtonGroup"] button[data-variant="segmented_control"] > * { transform: scaleX(-1); }
/* Charts and maps keep their own left-to-right geometry (axes, legend); their texts are isolated
   right-to-left by core.i18n.charts.localize_chart. */
[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"] { direction: ltr; }
</style>
"""


# Streamlit's file uploader writes its own English texts, which no parameter changes (Streamlit
# 1.67; streamlit/streamlit#13500): "Upload" on its button and "50MB per file • TXT, …" under it.
# The hint is hidden (the sidebar says the project's own limit once, `upload.limits`), and the
# button's text is drawn from the catalogue over Streamlit's.
UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "%s"; font-size: 0.875rem; }
</style>
"""


def _css_string(text: str) -> str:
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in text)


def apply_direction() -> None:
    """Lay the page out in the interface language's direction (call once per run, early), and
    put the interface's words on Streamlit's uploader."""
    st.html(UPLOADER_CSS % _css_string(t("upload.browse")))
    if i18n.is_rtl(lang()):
        st.html(RTL_CSS)


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> store_mod.Store:
    return store_mod.Store.open(path)


def locked_message(path: str, holder: store_mod.LockHolder) -> str:
    """Who holds the database file and what this dashboard's user can do about it."""
    if holder.kind == "dashboard":
        return md("error.db_locked_dashboard", path=path, pid=holder.pid)
    if holder.kind == "command":
        return md("error.db_locked_command", path=path, command=holder.command, pid=holder.pid)
    if holder.kind == "other" and holder.command:
        return md("error.db_locked", path=path, holder=f"{holder.pid}: {holder.command}")
    return md("error.db_locked_unknown", path=path)


def get_store() -> store_mod.Store:
    """The database of this process ($CASUALTY_DB or data/casualties.duckdb).

    If another program holds the file, the page says so in one sentence and stops."""
    path = str(store_mod.resolve_path())
    try:
        return _open_store(path)
    except store_mod.DatabaseLockedError as err:
        st.error(locked_message(path, err.holder))
        st.stop()
    except (store_mod.StoreError, access.AccessError) as err:
        st.error(md("error.db_open", path=path, reason=err))
        st.stop()
    raise AssertionError("unreachable")


def refresh() -> None:
    """Forget cached query results (after an upload)."""
    st.cache_data.clear()


def version(path: str) -> tuple:
    """The database's data version (`core.storage.queries.data_version`): cached results are keyed by it.

    The charts count incidents (`core.incidents.aggregate`); if the figures changed without them being
    regrouped (a database filled by another program, or from before incidents), it is done here."""
    from core.incidents import aggregate

    db = get_store()
    v = queries.data_version(db)
    if aggregate.ensure_current(db, v):
        v = queries.data_version(db)
    return v


@st.cache_resource(show_spinner=False, max_entries=2)
def _rows(path: str, data_version: tuple) -> pd.DataFrame:
    # cache_resource, not cache_data: the rows are shared read-only, never copied per run.
    return counting.prepare_rows(reviewed.trend_rows(get_store()))


def rows(path: str) -> pd.DataFrame:
    """Every figure a trend chart may show, prepared once per data version (`core.trends`)."""
    return _rows(path, version(path))


# Cached results are keyed by the data version, so they change with the data (even when another
# session uploaded); the page-facing functions take only the path and the filters.
@st.cache_data(show_spinner=False, max_entries=64)
def _article_count(path: str, data_version: tuple) -> int:
    return queries.article_count(get_store())


@st.cache_data(show_spinner=False, max_entries=64)
def _weekly(path: str, data_version: tuple, f: filters.Filters) -> pd.DataFrame:
    return counting.weekly_from_rows(rows(path), f)


@st.cache_data(show_spinner=False, max_entries=64)
def _tolls(path: str, data_version: tuple, f: filters.Filters) -> pd.DataFrame:
    return counting.tolls_from_rows(rows(path), f)


@st.cache_data(show_spinner=False, max_entries=64)
def _notes(path: str, data_version: tuple, f: filters.Filters) -> dict[str, int]:
    return counting.notes_from_rows(rows(path), f)


@st.cache_data(show_spinner=False, max_entries=8)
def _held(path: str, data_version: tuple, status: str) -> list:
    return reviewing.load_held(get_store(), status)


def held(path: str, status: str) -> list:
    """Figures of a status held back from totals until reviewed (`core.incidents.reviewing.load_held`)."""
    return _held(path, version(path), status)


@st.cache_data(show_spinner=False, max_entries=8)
def _options(path: str, data_version: tuple) -> dict:
    return counting.options_from_rows(rows(path), queries.place_names(get_store()))


@st.cache_data(show_spinner=False, max_entries=64)
def _articles(path: str, data_version: tuple, search: str) -> pd.DataFrame:
    return queries.list_articles(get_store(), search)


def article_count(path: str) -> int:
    return _article_count(path, version(path))


def weekly(path: str, f: filters.Filters) -> pd.DataFrame:
    """Weekly sums by series for the filters (`core.views.counting.weekly_from_rows`)."""
    return _weekly(path, version(path), f)


def tolls(path: str, f: filters.Filters) -> pd.DataFrame:
    """Running-toll markers for the filters (`core.views.counting.tolls_from_rows`)."""
    return _tolls(path, version(path), f)


def notes(path: str, f: filters.Filters) -> dict[str, int]:
    """What the chart leaves out (`core.views.counting.notes_from_rows`)."""
    return _notes(path, version(path), f)


def options(path: str) -> dict:
    """Values the sidebar filters offer (`core.views.counting.options_from_rows`)."""
    return _options(path, version(path))


def articles(path: str, search: str) -> pd.DataFrame:
    return _articles(path, version(path), search)


def db_path() -> str:
    return str(get_store().path)


def load_samples_button(key: str) -> None:
    """The empty state's way in: a button that loads the project's own sample articles (for those
    who may edit, `may_edit`)."""
    if not may_edit():
        return
    if st.button(t("empty.load_samples"), key=key, type="primary"):
        with st.spinner(t("empty.loading_samples")), writing():
            from core.intake import ingest

            results = ingest.ingest_many(get_store(), trends.sample_articles())
        refresh()
        added = sum(r.status == "added" for r in results)
        failed = [r for r in results if r.status == "error"]
        st.session_state["samples_loaded"] = added
        for r in failed:
            st.error(md("upload.refused", name=r.filename or "", reason=upload_reason(r.message)))
        if not failed:
            st.rerun()


# ---- who may edit (issue 20) -----------------------------------------------------------------------------
def public() -> bool:
    """The public read-only view (``CASUALTY_MODE=public``): no write control is drawn."""
    try:
        return access.public_mode()
    except access.AccessError as err:  # a mistyped mode: say so, and write nothing
        st.error(str(err))
        st.stop()
    raise AssertionError("unreachable")


def sign_in_configured() -> bool:
    """Is sign-in set up (an ``[auth]`` table in ``.streamlit/secrets.toml``)? Without it, anyone
    who reaches the dashboard can edit, as on a single laptop."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def sign_in_provider() -> str | None:
    """The provider `st.login` uses: the one named ``[auth.NAME]`` table, else the ``[auth]`` table's own."""
    named = [k for k, v in st.secrets["auth"].items() if hasattr(v, "keys")]
    return named[0] if len(named) == 1 else None


def editor() -> access.Editor | None:
    """The signed-in editor (from ``st.user``: email or sub, and name); None when nobody is signed in
    or sign-in is not configured."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return None
    return access.Editor.from_claims(st.user.to_dict())


def may_edit() -> bool:
    """May this browser add, review, split or merge? Never in the public view; with sign-in
    configured, only when signed in; without it, anyone."""
    if public():
        return False
    return not sign_in_configured() or editor() is not None


@contextmanager
def writing() -> Iterator[None]:
    """Around every write of a page (callbacks too, which run before the page's script): the
    storage records the signed-in editor with it, and refuses it when sign-in is configured and
    nobody is signed in (`core.storage.access`)."""
    with access.acting_as(editor(), required=sign_in_configured()):
        yield


# ---- widgets whose option labels are in the interface language ------------------------------------
def widget_key(key: str, locale: str | None = None) -> str:
    """The key of the widget that holds `key` in the interface locale (`language_widget`)."""
    return f"{key}@{locale or lang()}"


def _adopt(key: str, wkey: str) -> None:
    st.session_state[key] = st.session_state[wkey]


def language_widget(widget: Any, key: str, start: Any, *args: Any, **kwargs: Any) -> Any:
    """Draw a keyed choice widget (``st.selectbox``, ``st.radio``, ``st.multiselect``…) whose
    ``format_func`` gives labels in the interface language, holding its value across a language
    switch.

    Streamlit (1.67) sends such a widget's value between browser and server as the option's
    label, and a keyed widget keeps its identity when its labels change: after a language switch
    the browser still held the English label, so the select box went on showing it and a radio
    lost its selection. Here the option itself (never its label) is kept in
    ``st.session_state[key]`` (`start` until it is set; callbacks such as a chart click may write
    it), and the widget's key, hence its identity, includes the locale (`widget_key`): each
    language draws a new widget that starts from the kept value, in its own labels. Returns the
    widget's value. Pass no ``default``/``index`` (``index=None`` for a select box that may stay
    empty is fine)."""
    ss = st.session_state
    if key not in ss:
        ss[key] = start
    wkey = widget_key(key)
    if wkey not in ss or ss[wkey] != ss[key]:
        ss[wkey] = ss[key]
    value = widget(*args, key=wkey, on_change=_adopt, args=(key, wkey), **kwargs)
    ss[key] = value  # what Streamlit kept (it drops an option that is gone)
    return value


# ---- display functions for widgets (top-level, so session state can pickle them) ----------------
def fmt_label(kind: str, lang: str, key: str) -> str:
    """A data key's display name; `filters.NOT_STATED` reads "not stated"."""
    return i18n.t("common.not_stated", lang) if key == filters.NOT_STATED else i18n.label(kind, key, lang)


def fmt_message(prefix: str, lang: str, key: str) -> str:
    return i18n.t(f"{prefix}.{key}", lang)


def fmt_place(lang: str, names: dict[str, str], key: str) -> str:
    """A place filter option: a gazetteer id in the interface language, else as written."""
    if key == filters.NOT_STATED:
        return i18n.t("common.not_stated", lang)
    named = i18n.place_name(key, lang)
    return named if named != key else str(names.get(key) or key)


def fmt_week(lang: str, iso: str) -> str:
    return i18n.t("trends.week_of", lang, date=i18n.format_date(iso, lang))


def fmt_language(key: str) -> str:
    return i18n.t(f"language.{key}", key)


def stop_if_empty(path: Any, message_key: str, samples_key: str) -> None:
    """A page's empty state: what to do, the sample-articles button, and nothing more."""
    if article_count(path) == 0:
        st.info(t(message_key) if may_edit() else t("empty.read_only"))
        load_samples_button(samples_key)
        st.stop()


def export_buttons(f: Any, formats: tuple[str, ...], key_prefix: str) -> None:
    """Download buttons for what the filters ``f`` select (core.views.export; columns in the README)."""
    from functools import partial

    from core.views import export

    st.caption(t("export.caption"))
    for col, fmt in zip(st.columns(len(formats)), formats, strict=True):
        col.download_button(
            t(f"export.button.{fmt}"), partial(export.export_bytes, get_store(), fmt, f),
            file_name=export.file_name(fmt), mime=export.MIME[fmt], help=t(f"export.help.{fmt}"),
            on_click="ignore", key=f"{key_prefix}{fmt}", icon=":material/download:",
        )
