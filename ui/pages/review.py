"""Review: confirm, correct or reject the figures the machine read, the doubtful ones first.

Every action appends one row per change to the review history (`core.incidents.reviews`); the trends, map
and incidents use the reviewed values, and a rejected figure leaves them. The reviewer is the
signed-in editor when sign-in is configured, else a name asked once per browser session; the
public view (and a visitor not signed in) sees the queue and histories without the form.
"""

from __future__ import annotations

import streamlit as st

from core.extraction.figure import GROUPS, KINDS, STATUSES
from core.i18n import catalogue as i18n
from core.incidents import reviewing, reviews
from core.storage import access, queries
from core.storage import store as store_mod
from core.views import review_text, sureness
from ui import common

t, md = common.t, common.md
lang = common.lang()
path = common.db_path()
NAME, NAME_INPUT, VIEW, PICK, FLASH = "reviewer", "rv_name_input", "rv_view", "rv_pick", "rv_flash"
LIMIT = 500  # figures offered in the picker at once (the most doubtful first)
_MESSAGES = {reviews.NO_NAME: "review.error.no_name", reviews.NOTHING_CHANGED: "review.error.nothing",
             reviews.NOTE_REQUIRED: "review.error.note"}


def key(name: str, item_key: str) -> str:
    """A form widget's key: one set per figure, so switching figures starts from its values."""
    return f"rv_{name}_{item_key.replace('/', '_')}"


@st.cache_resource(show_spinner=False, max_entries=2)
def _queue(path: str, data_version: tuple) -> list[reviews.Item]:
    # cache_resource: shared read-only by the sessions, never copied per run.
    return reviewing.load_queue(common.get_store())


def _set_name() -> None:
    try:
        st.session_state[NAME] = reviews.check_name(st.session_state.get(NAME_INPUT) or "")
    except reviews.ReviewError as err:
        st.session_state[FLASH] = ("error", _message(err))


def _change_name() -> None:
    st.session_state.pop(NAME, None)


def _message(err: Exception) -> str:
    text = str(err)
    return t(_MESSAGES[text]) if text in _MESSAGES else t("review.error.other", reason=text)


def _form_values(row: dict, item_key: str) -> dict[str, object]:
    """What the form's widgets show for a figure: its recorded values ("" for none)."""
    values: dict[str, object] = {key(f, item_key): row.get(f) for f in reviews.COUNT_FIELDS}
    choices = {"status": STATUSES, "group": GROUPS, "kind": KINDS, "perpetrator": ["", *reviews.perpetrator_keys()],
               "place_id": ["", *queries.place_names(common.get_store())]}
    for f in reviews.FIELDS:
        if f in reviews.COUNT_FIELDS:
            continue
        value = row.get(f) or ""
        options = choices.get(f)
        values[key(f, item_key)] = value if options is None or value in options else (options[0] if options else "")
    values[key("note", item_key)] = ""
    return values


def _act(action: str, article_id: str, figure_id: str, item_key: str, next_key: str | None) -> None:
    """A form button: record the action, rebuild incidents, forget cached counts."""
    ss = st.session_state
    db, who, note = common.get_store(), ss.get(NAME) or "", ss.get(key("note", item_key)) or ""
    signed = common.editor()
    who = signed.name if signed else who
    try:
        with common.writing():
            if action == "correct":
                changes = {f: ss.get(key(f, item_key)) for f in reviews.FIELDS}
                reviewing.correct(db, article_id, figure_id, who, changes, note)
            elif action == "note":
                reviewing.add_note(db, article_id, figure_id, who, note)
            else:
                getattr(reviewing, action)(db, article_id, figure_id, who, note)
    except (reviews.ReviewError, store_mod.StoreError, access.AccessError) as err:
        ss[FLASH] = ("error", _message(err))
        return
    common.refresh()
    ss[FLASH] = ("success", t(f"review.done.{action}"))
    try:  # the form starts again from the recorded values (set, so the browser shows them too)
        ss.update(_form_values(reviewing.current(db, article_id, figure_id)[1], item_key))
    except reviews.ReviewError:
        pass
    if action in ("confirm", "reject") and ss.get(VIEW, "to_review") == "to_review" and next_key:
        ss[PICK] = next_key


st.title(t("review.title"))
st.caption(t("review.caption"))
common.stop_if_empty(path, "empty.review", "samples_review")

flash = st.session_state.pop(FLASH, None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])

# ---- who is reviewing: the signed-in editor, else a name asked once per browser session ------------
editing = common.may_edit()
signed_in = common.editor()
reviewer = signed_in.name if signed_in else st.session_state.get(NAME)
if not editing:
    st.caption(t("access.review_read_only"))
elif signed_in:
    st.caption(md("review.reviewing_signed_in", name=signed_in.name, account=signed_in.account))
elif not reviewer:
    with st.form("rv_name_form", border=False):
        st.text_input(t("review.name"), key=NAME_INPUT, max_chars=reviews.MAX_NAME, help=t("review.name_help"))
        st.form_submit_button(t("review.name_submit"), key="rv_name_submit", type="primary", on_click=_set_name)
    st.stop()
else:
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.caption(md("review.reviewing_as", name=reviewer))
    c2.button(t("review.change_name"), key="rv_change_name", on_click=_change_name)

# ---- the queue ------------------------------------------------------------------------------------
view = st.segmented_control(
    t("review.view"), list(reviews.VIEWS), key=VIEW, default="to_review", required=True,
    format_func={v: t(f"review.view.{v}") for v in reviews.VIEWS}.get,
) or "to_review"
items = reviews.in_view(_queue(path, common.version(path)), view)
if not items:
    st.info(t(f"review.none.{view}"))
    st.stop()
shown = items[:LIMIT]
look = sum(1 for i in items if i.reasons)
if look:
    st.caption(t("review.count", n=len(items), look=t("review.count_look", n=look), shown=len(shown)))
else:  # say so, rather than "0 of them need a human look"
    st.success(t("review.count_none", n=len(items), shown=len(shown)))
st.caption(t("review.sure_first"))  # how sure (core.incidents.corroboration) orders the queue
by_key = {i.key: i for i in shown}
keys = list(by_key)
if st.session_state.get(PICK) not in by_key:
    st.session_state[PICK] = keys[0]
picked = st.selectbox(
    t("review.pick"), keys, key=PICK, format_func={k: review_text.item_label(i, lang) for k, i in by_key.items()}.get,
)
item = by_key[picked]
row = item.row
pos = keys.index(picked)
next_key = keys[pos + 1] if pos + 1 < len(keys) else None

# ---- the figure in its text -----------------------------------------------------------------------
count = review_text.count_text(row)
st.subheader(t("review.figure_title", n=count, group=i18n.label("group", row.get("group"), lang, count=count),
               status=i18n.label("status", row.get("status"), lang, count=count)))
st.caption(md("review.state_line", state=t(f"review.state.{item.state.status}"),
              outlet=row.get("outlet") or t("common.not_stated"), title=row.get("title") or row["article_id"]))
if item.corroboration:  # its incident's status: corroborated, single source, disputed
    st.caption(sureness.status_label(item.corroboration, lang))
if item.state.rejected:
    st.warning(t("review.rejected_note"))
why = review_text.reasons_text(item, lang)
if why:
    st.info(why)
article = common.get_store().get_article(row["article_id"])
if article is not None:
    st.html(review_text.context_html(article.text, item.extracted, article.lang))
st.page_link("ui/pages/articles.py", label=t("review.open_article"), icon=":material/article:",
             query_params={"article": row["article_id"], "figure": row["id"]})

c1, c2 = st.columns([3, 2])
with c1:
    st.markdown(f"**{t('review.values_title')}**")
    st.dataframe(review_text.values_table(item, lang), hide_index=True, key="rv_values", height="content")
with c2:
    st.markdown(f"**{t('review.history_title')}**")
    lines = review_text.history(item.extracted, item.state.reviews, lang)
    st.markdown("\n".join(f"1. {i18n.md_escape(line)}" for line in lines))
    if item.state.moved:
        st.caption(t("review.moved_hint"))

# ---- actions ----------------------------------------------------------------------------------------
if not editing:
    st.stop()
k = item.key
args = (row["article_id"], row["id"], k, next_key)
places = queries.place_names(common.get_store())
perps = ["", *reviews.perpetrator_keys()]
place_ids = ["", *sorted(places)]
for name, value in _form_values(row, k).items():  # a figure shown for the first time: its values
    st.session_state.setdefault(name, value)
with st.form("rv_form", border=True):
    st.markdown(f"**{t('review.form_title')}**")
    c1, c2, c3 = st.columns(3)
    for col, f in zip((c1, c2, c3), reviews.COUNT_FIELDS, strict=True):
        col.number_input(t(f"review.field.{f}"), min_value=0, step=1, key=key(f, k))
    c1, c2, c3 = st.columns(3)
    for col, f, options in ((c1, "status", STATUSES), (c2, "group", GROUPS), (c3, "kind", KINDS)):
        col.selectbox(t(f"review.field.{f}"), list(options), key=key(f, k),
                      format_func={o: i18n.label(f, o, lang) for o in options}.get)
    c1, c2, c3 = st.columns(3)
    c1.text_input(t("review.field.date"), key=key("date", k), help=t("review.date_help"))
    c2.selectbox(
        t("review.field.perpetrator"), perps, key=key("perpetrator", k),
        format_func={p: i18n.label("perpetrator", p, lang) if p else t("common.not_stated") for p in perps}.get,
    )
    c3.text_input(t("review.field.source"), key=key("source", k))
    c1, c2, c3 = st.columns(3)
    c1.text_input(t("review.field.place"), key=key("place", k))
    c2.selectbox(
        t("review.field.place_id"), place_ids, key=key("place_id", k),
        format_func={p: places.get(p, p) if p else t("common.not_stated") for p in place_ids}.get,
    )
    c3.text_input(t("review.field.side"), key=key("side", k))
    st.text_area(t("review.note"), key=key("note", k), height=70)
    b1, b2, b3, b4 = st.columns(4)
    b1.form_submit_button(t("review.button.correct"), key="rv_correct", type="primary", on_click=_act,
                          args=("correct", *args))
    b2.form_submit_button(t("review.button.confirm"), key="rv_confirm", on_click=_act, args=("confirm", *args),
                          help=t("review.button.confirm_help"))
    if item.state.rejected:
        b3.form_submit_button(t("review.button.restore"), key="rv_restore", on_click=_act, args=("restore", *args))
    else:
        b3.form_submit_button(t("review.button.reject"), key="rv_reject", on_click=_act, args=("reject", *args),
                              help=t("review.button.reject_help"))
    b4.form_submit_button(t("review.button.note"), key="rv_note", on_click=_act, args=("note", *args))
