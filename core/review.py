"""Journalists' review of extracted figures: an append-only history, applied when the data is read.

A machine reading of the news is a first draft. A journalist confirms a figure, corrects one of
its fields, rejects it ("not a casualty figure"), restores a rejected one, or adds a note. Every
action is one new row of the ``reviews`` table (who, when, which field, the old and the new value,
a note); rows are never updated or deleted, and nothing the extractor wrote is overwritten.

**Which figure a review belongs to.** An article's text never changes (its id is a hash of it), so
a figure is known by its article, the span of its number and the number as written
(``article_id, start, end, number_text``); the figure id (``f3``) is only a hint, as ids change when
the extractor is run again. After a re-extraction a review attaches to the figure with the same
span and number. If the extractor moved the figure, the review attaches to the figure of the same
article with the same number whose span overlaps or lies within `MOVE_WINDOW` characters (else to
an overlapping figure whose number contains the old one, «أكثر من 20» for «20»), and is shown as
*moved* so a journalist checks it still applies. A figure that another review still points at
exactly is never taken over. Reviews that match nothing are `orphans` (kept, listed, not applied).

**The current value** of a figure is the extractor's output with its corrections applied in time
order: the latest correction of a field wins; a confirmation records that a person checked the
value and never undoes a correction; a rejected figure stays rejected until it is restored.
`apply_to_rows` gives the rows the counts are made from (rejected figures left out);
`resolve` gives every figure with its `State` (for the review page and the article view).

Correctable fields (`FIELDS`): ``min``, ``best``, ``max``, ``status``, ``group``, ``side``,
``kind``, ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; its precision follows), ``place`` (as
written) and ``place_id`` (a gazetteer id; its precision follows), ``perpetrator`` and ``source``.
Values are stored as text; an empty value clears a field.

>>> row = {"article_id": "a1", "id": "f1", "start": 4, "end": 6, "number_text": "27", "min": 27,
...        "best": 27, "max": 27, "status": "killed", "group": "civilians"}
>>> fix = {"article_id": "a1", "figure_id": "f1", "figure_start": 4, "figure_end": 6, "number_text": "27",
...        "action": "correct", "field": "best", "old_value": "27", "new_value": "25",
...        "reviewer": "Lina", "created_at": "2026-01-02T10:00", "review_id": "r1"}
>>> [r["best"] for r in apply_to_rows([row], [fix])]
[25]
>>> apply_to_rows([row], [dict(fix, action="reject", field=None, review_id="r2")])
[]
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core import i18n, trends
from core.extraction import gazetteer
from core.extraction.dates import as_date as _as_date
from core.extraction.figure import GROUPS, KINDS, STATUSES, Figure, figure_field_names

log = logging.getLogger(__name__)

ACTIONS = ("confirm", "correct", "reject", "restore", "note")
FIELDS = (
    "min", "best", "max", "status", "group", "side", "kind", "date", "place", "place_id", "perpetrator", "source",
)
COUNT_FIELDS = ("min", "best", "max")
STATES = ("unreviewed", "corrected", "confirmed", "rejected")
REASONS = ("low_confidence", "vague", "conflict", "no_perpetrator", "no_place")
VIEWS = ("to_review", "reviewed", "all")
LOW_CONFIDENCE = 0.7
MOVE_WINDOW = 20
MAX_NAME = 80
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION = {10: "day", 7: "month", 4: "year"}

NO_NAME = "Say who is reviewing: a reviewer name is required."
NOTHING_CHANGED = "Nothing to save: the values are the ones already recorded."
NOTE_REQUIRED = "Write the note first."


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown figure, bad value, no reviewer name...)."""


# ---- which figure a review belongs to ----------------------------------------------------------------
@dataclass(frozen=True)
class Attached:
    """A review row attached to a current figure; `moved` when the figure's span or number changed
    since the review was made (re-extraction)."""

    review: Mapping[str, Any]
    moved: bool


def figure_span_key(row: Mapping[str, Any]) -> tuple[str, int, int, str]:
    """How reviews know a figure: (article id, start, end, number as written)."""
    return (row["article_id"], int(row["start"]), int(row["end"]), str(row["number_text"]))


def review_span_key(review: Mapping[str, Any]) -> tuple[str, int, int, str]:
    return (
        review["article_id"], int(review.get("figure_start") or 0), int(review.get("figure_end") or 0),
        str(review.get("number_text") or ""),
    )


def _order(review: Mapping[str, Any]) -> tuple[str, str]:
    at = review.get("created_at")
    stamp = at.isoformat() if hasattr(at, "isoformat") else str(at or "")
    return (stamp, str(review.get("review_id") or ""))


def attach(
    rows: Iterable[Mapping[str, Any]], reviews: Iterable[Mapping[str, Any]]
) -> tuple[dict[tuple[str, str], list[Attached]], list[Mapping[str, Any]]]:
    """Reviews per current figure ``(article_id, figure_id)``, in time order, and the orphans
    (reviews whose figure the extractor no longer finds)."""
    by_article: dict[str, list[Mapping[str, Any]]] = {}
    exact: dict[tuple[str, int, int, str], tuple[str, str]] = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(r)
        exact.setdefault(figure_span_key(r), (r["article_id"], r["id"]))
    grouped: dict[tuple[str, int, int, str], list[Mapping[str, Any]]] = {}
    for rev in sorted(reviews, key=_order):
        grouped.setdefault(review_span_key(rev), []).append(rev)
    occupied = {exact[k] for k in grouped if k in exact}
    out: dict[tuple[str, str], list[Attached]] = {}
    orphans: list[Mapping[str, Any]] = []
    for key, revs in grouped.items():
        target, moved = exact.get(key), False
        if target is None:
            target = _moved_target(key, by_article.get(key[0], ()), occupied, revs[-1].get("figure_id"))
            moved = True
        if target is None:
            orphans.extend(revs)
            continue
        out.setdefault(target, []).extend(Attached(rev, moved) for rev in revs)
    for items in out.values():
        items.sort(key=lambda a: _order(a.review))
    return out, orphans


def _moved_target(
    key: tuple[str, int, int, str], candidates: Iterable[Mapping[str, Any]], occupied: set[tuple[str, str]],
    hint: str | None,
) -> tuple[str, str] | None:
    aid, start, end, text = key
    best: tuple[tuple, tuple[str, str]] | None = None
    for r in candidates:
        target = (aid, r["id"])
        if target in occupied:
            continue
        rs, re_ = int(r["start"]), int(r["end"])
        overlap = min(end, re_) - max(start, rs) > 0
        gap = max(0, max(start, rs) - min(end, re_))
        other = str(r["number_text"])
        if other == text and (overlap or gap <= MOVE_WINDOW):
            tier = 0
        elif overlap and text and (text in other or other in text):
            tier = 1
        else:
            continue
        score = (tier, 0 if overlap else gap, 0 if r["id"] == hint else 1, rs)
        if best is None or score < best[0]:
            best = (score, target)
    return best[1] if best else None


def orphans(rows: Iterable[Mapping[str, Any]], reviews: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Reviews whose figure is no longer extracted (kept in the history, applied to nothing)."""
    return attach(rows, reviews)[1]


# ---- the current value ---------------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    """Where a figure's review stands.

    `status`: ``unreviewed``; ``corrected`` (changed, not yet confirmed since); ``confirmed`` (a
    person confirmed the current value); ``rejected``. `corrected` lists the fields changed."""

    status: str = "unreviewed"
    corrected: tuple[str, ...] = ()
    moved: bool = False
    reviews: tuple[Attached, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    @property
    def reviewed(self) -> bool:
        """Someone confirmed, corrected or rejected it (a note alone is not a review)."""
        return self.status != "unreviewed"


def _int(value: Any) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    return int(str(value).strip())


def _set(row: dict[str, Any], field: str, value: Any) -> None:
    """Apply one stored correction (text) to a figure row."""
    text = None if value is None or str(value).strip() == "" else str(value).strip()
    if field in COUNT_FIELDS:
        row[field] = _int(text)
        if field == "best":
            row["vague"] = row[field] is None
    elif field == "date":
        row["date"] = text
        row["date_precision"] = _PRECISION.get(len(text)) if text else None
    elif field == "place_id":
        place = gazetteer.get_place(text) if text else None
        row["place_id"] = text
        row["place_precision"] = place.precision if place else None
    else:
        row[field] = text


def apply(row: Mapping[str, Any], attached: Sequence[Attached]) -> tuple[dict[str, Any], State]:
    """A figure row with its reviews applied (in time order), and its `State`."""
    new = dict(row)
    corrected: list[str] = []
    rejected = confirmed = False
    for a in sorted(attached, key=lambda a: _order(a.review)):
        r = a.review
        action = r.get("action")
        if action == "correct":
            field = r.get("field")
            if field not in FIELDS:
                log.debug("review %s corrects unknown field %r: ignored", r.get("review_id"), field)
                continue
            try:
                _set(new, field, r.get("new_value"))
            except ValueError:
                log.debug("review %s: value %r unusable for %s", r.get("review_id"), r.get("new_value"), field)
                continue
            if field not in corrected:
                corrected.append(field)
            confirmed = False
        elif action == "confirm":
            confirmed = True
        elif action == "reject":
            rejected = True
        elif action == "restore":
            rejected = False
    status = "rejected" if rejected else "confirmed" if confirmed else "corrected" if corrected else "unreviewed"
    return new, State(status, tuple(corrected), any(a.moved for a in attached), tuple(attached))


def resolve(
    rows: Iterable[Mapping[str, Any]], reviews: Iterable[Mapping[str, Any]]
) -> list[tuple[dict[str, Any], State]]:
    """Every figure row (rejected ones included) with its reviewed values and its `State`."""
    rows = list(rows)
    attached, _ = attach(rows, reviews)
    out = []
    for r in rows:
        items = attached.get((r["article_id"], r["id"]))
        out.append(apply(r, items) if items else (dict(r), State()))
    return out


def apply_to_rows(rows: list[dict], reviews: list[dict]) -> list[dict]:
    """The rows the counts are made from: each figure's reviewed values, rejected figures left out.

    `rows` are figure rows (a figures-table row or `Figure.to_dict()` plus ``article_id``; any extra
    keys are kept), `reviews` rows of the ``reviews`` table. Neither is modified."""
    if not reviews:
        return list(rows)
    return [r for r, state in resolve(rows, reviews) if not state.rejected]


# ---- history in plain words ----------------------------------------------------------------------
def count_text(row: Mapping[str, Any]) -> str:
    """"27", "30–35" or, without a number, the words as written («عشرات»)."""
    best, lo, hi = row.get("best"), row.get("min"), row.get("max")
    if best is None:
        return str(row.get("number_text") or "?")
    lo = best if lo is None else lo
    hi = best if hi is None else hi
    return f"{best}" if lo == hi == best else f"{best} ({lo}–{hi})"


def value_text(field: str, value: Any, lang: str = i18n.DEFAULT_LANG) -> str:
    """A field's value as a journalist reads it (labels for keys, place names for gazetteer ids)."""
    if value is None or str(value) == "":
        return i18n.t("common.not_stated", lang)
    if field in ("status", "group", "kind", "perpetrator", "source"):
        return i18n.label(field, str(value), lang)
    if field == "place_id":
        p = gazetteer.get_place(str(value))
        if p is not None:
            return (p.name_ar if lang == "ar" else p.name_en) or p.name_en or p.name_ar or p.id
    return str(value)


def _field_label(field: str | None, lang: str) -> str:
    return i18n.t(f"review.field.{field}", lang) if field in FIELDS else str(field)


def history(figure_row: Mapping[str, Any], reviews: Sequence[Mapping[str, Any] | Attached],
            lang: str = i18n.DEFAULT_LANG) -> list[str]:
    """What happened to a figure, in plain words and in order: "extracted 27 civilians killed on
    22 Aug 2017 (extractor 1.0.0)", "corrected best count from 27 to 25 by Lina on 3 Jan 2026", ...

    `figure_row` is the figure as extracted (with ``added_at`` if known); `reviews` are its own
    reviews, as `resolve`/`attach` attached them or as plain review rows (a row made on another
    span or number is shown as moved)."""
    values = {
        "value": count_text(figure_row),
        "group": i18n.label("group", figure_row.get("group"), lang),
        "status": i18n.label("status", figure_row.get("status"), lang),
        "version": figure_row.get("extractor_version") or "?",
    }
    added = _as_date(figure_row.get("added_at"))
    lines = [
        i18n.t("review.history.extracted", lang, date=trends.short_date(added, lang), **values) if added
        else i18n.t("review.history.extracted_undated", lang, **values)
    ]
    items = [a if isinstance(a, Attached) else Attached(a, _moved_from(figure_row, a)) for a in reviews]
    batch: list[Attached] = []
    for a in sorted(items, key=lambda a: _order(a.review)):
        if batch and _same_batch(batch[-1], a):
            batch.append(a)
            continue
        if batch:
            lines.append(_history_line(batch, lang))
        batch = [a]
    if batch:
        lines.append(_history_line(batch, lang))
    return lines


def _moved_from(row: Mapping[str, Any], review: Mapping[str, Any]) -> bool:
    try:
        return review_span_key(review) != figure_span_key(row)
    except (KeyError, TypeError, ValueError):
        return False


def _same_batch(a: Attached, b: Attached) -> bool:
    """Corrections of several fields saved together read as one line."""
    ra, rb = a.review, b.review
    return ra.get("action") == rb.get("action") == "correct" and a.moved == b.moved and all(
        ra.get(k) == rb.get(k) for k in ("created_at", "reviewer", "note", "figure_start", "figure_end", "number_text")
    )


def _history_line(batch: Sequence[Attached], lang: str) -> str:
    a = batch[0]
    r = a.review
    action = r.get("action")
    common = {"who": r.get("reviewer") or "?", "date": trends.short_date(_as_date(r.get("created_at")), lang)}
    if action == "correct":
        changes = []
        for b in batch:
            field = b.review.get("field")
            label = _field_label(field, lang)
            changes.append(i18n.t(
                "review.history.change", lang, field=label[:1].lower() + label[1:],
                old=value_text(field, b.review.get("old_value"), lang),
                new=value_text(field, b.review.get("new_value"), lang),
            ))
        text = i18n.t("review.history.correct", lang, changes=i18n.t("review.history.join", lang).join(changes),
                      **common)
    elif action in ("confirm", "reject", "restore", "note"):
        text = i18n.t(f"review.history.{action}", lang, **common)
    else:
        text = i18n.t("review.history.other", lang, action=action, **common)
    if r.get("note"):
        text += i18n.t("review.history.with_note", lang, note=r["note"])
    if a.moved:
        text += i18n.t(
            "review.history.moved", lang, number=r.get("number_text") or "", start=r.get("figure_start"),
            end=r.get("figure_end"),
        )
    return text


# ---- recording actions ---------------------------------------------------------------------------
def perpetrator_keys() -> list[str]:
    """Perpetrators a correction may name (the actors lexicon, and ``unknown``)."""
    from core.extraction import lexicon

    keys = {e.get("perpetrator") or k for k, e in lexicon.load("actors").items()}
    return sorted(keys) + ["unknown"]


def source_keys() -> list[str]:
    """Sources the lexicon knows (a correction may also name another)."""
    from core.extraction import lexicon

    return list(lexicon.load("sources"))


def check_name(reviewer: str) -> str:
    name = " ".join(str(reviewer or "").split())
    if not name:
        raise ReviewError(NO_NAME)
    if len(name) > MAX_NAME:
        raise ReviewError(f"The reviewer name is too long ({len(name)} characters, at most {MAX_NAME}).")
    return name


def normalise(field: str, value: Any) -> str | None:
    """A correction's value as it is stored (text, None to clear); `ReviewError` names what is wrong."""
    if field not in FIELDS:
        raise ReviewError(f"{field!r} cannot be corrected; correctable fields: {', '.join(FIELDS)}.")
    if value is None or (isinstance(value, float) and value != value):
        text = None
    else:
        text = str(value).strip() or None
    if field in COUNT_FIELDS:
        if text is None:
            return None
        try:
            n = int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else int(text)
        except ValueError as err:
            raise ReviewError(f"{field}: {text!r} is not a whole number.") from err
        if n < 0:
            raise ReviewError(f"{field}: a count cannot be negative ({n}).")
        return str(n)
    allowed = {"status": STATUSES, "group": GROUPS, "kind": KINDS}.get(field)
    if allowed is not None and text not in allowed:
        raise ReviewError(f"{field} must be one of {', '.join(allowed)}, not {text!r}.")
    if field == "date" and text is not None:
        if not _DATE.match(text):
            raise ReviewError(f"date: {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY.")
        try:
            dt.date.fromisoformat(text + "-01" * ((10 - len(text)) // 3))
        except ValueError as err:
            raise ReviewError(f"date: {text!r} is not a real date.") from err
    if field == "place_id" and text is not None:
        if gazetteer.get_place(text) is None:
            raise ReviewError(f"place_id: {text!r} is not in the gazetteer.")
    return text


def _stored(value: Any) -> str | None:
    return None if value is None else str(value)


def current(store: Any, article_id: str, figure_id: str) -> tuple[dict[str, Any], dict[str, Any], State]:
    """(extracted row, reviewed row, state) of one figure; `ReviewError` if it does not exist."""
    from core import store as store_mod

    rows = store_mod.article_figure_rows(store, [article_id])
    raw = next((r for r in rows if r["id"] == figure_id), None)
    if raw is None:
        raise ReviewError(f"No figure {figure_id} in article {article_id} (it may have been re-extracted).")
    for row, state in resolve(rows, store_mod.reviews_of(store, [article_id])):
        if row["id"] == figure_id:
            return raw, row, state
    raise AssertionError("unreachable")


def _rows_for(row: Mapping[str, Any], action: str, reviewer: str, note: str | None, at: dt.datetime,
              changes: Sequence[tuple[str, Any, Any]] = ((None, None, None),)) -> list[dict[str, Any]]:
    out = []
    for i, (field, old, new) in enumerate(changes):
        out.append({
            "review_id": f"{at:%Y%m%dT%H%M%S%f}-{i:03d}-{uuid.uuid4().hex[:12]}",
            "article_id": row["article_id"], "figure_id": row["id"], "figure_start": int(row["start"]),
            "figure_end": int(row["end"]), "number_text": row["number_text"], "action": action, "field": field,
            "old_value": _stored(old), "new_value": _stored(new), "note": (note or "").strip() or None,
            "reviewer": reviewer, "created_at": at,
        })
    return out


def _record(store: Any, rows: list[dict[str, Any]], recompute: bool) -> list[str]:
    from core import aggregate
    from core import store as store_mod

    ids = store_mod.add_reviews(store, rows)
    if recompute:
        aggregate.recompute(store)
    return ids


def confirm(store: Any, article_id: str, figure_id: str, reviewer: str, note: str = "",
            at: dt.datetime | None = None, recompute: bool = True) -> list[str]:
    """Record that `reviewer` checked the figure's current value."""
    name = check_name(reviewer)
    _, row, _ = current(store, article_id, figure_id)
    return _record(store, _rows_for(row, "confirm", name, note, at or dt.datetime.now()), recompute)


def reject(store: Any, article_id: str, figure_id: str, reviewer: str, note: str = "",
           at: dt.datetime | None = None, recompute: bool = True) -> list[str]:
    """Record that the figure is not a casualty figure: it leaves every count and map."""
    name = check_name(reviewer)
    _, row, state = current(store, article_id, figure_id)
    if state.rejected:
        raise ReviewError("This figure is already rejected.")
    return _record(store, _rows_for(row, "reject", name, note, at or dt.datetime.now()), recompute)


def restore(store: Any, article_id: str, figure_id: str, reviewer: str, note: str = "",
            at: dt.datetime | None = None, recompute: bool = True) -> list[str]:
    """Undo a rejection (the rejection stays in the history)."""
    name = check_name(reviewer)
    _, row, state = current(store, article_id, figure_id)
    if not state.rejected:
        raise ReviewError("This figure is not rejected.")
    return _record(store, _rows_for(row, "restore", name, note, at or dt.datetime.now()), recompute)


def add_note(store: Any, article_id: str, figure_id: str, reviewer: str, note: str,
             at: dt.datetime | None = None) -> list[str]:
    """Attach a note to the figure (changes no value)."""
    name = check_name(reviewer)
    if not (note or "").strip():
        raise ReviewError(NOTE_REQUIRED)
    _, row, _ = current(store, article_id, figure_id)
    return _record(store, _rows_for(row, "note", name, note, at or dt.datetime.now()), recompute=False)


def correct(store: Any, article_id: str, figure_id: str, reviewer: str, changes: Mapping[str, Any],
            note: str = "", at: dt.datetime | None = None, recompute: bool = True) -> list[str]:
    """Correct fields of a figure: one history row per field whose value changes.

    Values are checked first and every problem is named at once. When only ``best`` changes on an
    exact count (min = best = max), min and max follow it. The counts must stay ordered
    (min ≤ best ≤ max). `ReviewError` with `NOTHING_CHANGED` when no value differs."""
    name = check_name(reviewer)
    _, row, _ = current(store, article_id, figure_id)
    problems, wanted = [], {}
    for field, value in changes.items():
        try:
            wanted[field] = normalise(field, value)
        except ReviewError as err:
            problems.append(str(err))
    if problems:
        raise ReviewError(" ".join(problems))
    diff = {f: v for f, v in wanted.items() if v != _stored(row.get(f))}
    follow: list[str] = []
    if "best" in diff and "min" not in diff and "max" not in diff and row.get("best") is not None and (
        row.get("min") == row.get("best") == row.get("max")
    ):
        follow = ["min", "max"]
        diff["min"] = diff["max"] = diff["best"]
    if not diff:
        raise ReviewError(NOTHING_CHANGED)
    after = dict(row)
    for f, v in diff.items():
        _set(after, f, v)
    lo, best, hi = after.get("min"), after.get("best"), after.get("max")
    if lo is not None and best is not None and lo > best:
        problems.append(f"The lowest count ({lo}) is above the best count ({best}).")
    if hi is not None and best is not None and hi < best:
        problems.append(f"The highest count ({hi}) is below the best count ({best}).")
    if lo is not None and hi is not None and lo > hi:
        problems.append(f"The lowest count ({lo}) is above the highest ({hi}).")
    if problems:
        raise ReviewError(" ".join(problems))
    fields = [f for f in FIELDS if f in diff and f not in follow] + follow
    ordered = [(f, row.get(f), diff[f]) for f in fields]
    return _record(store, _rows_for(row, "correct", name, note, at or dt.datetime.now(), ordered), recompute)


def article_figures(store: Any, article_id: str) -> list[tuple[Figure, State]]:
    """An article's figures with their reviewed values, in text order, each with its `State`
    (rejected figures included: the article view shows them, marked rejected)."""
    from core import store as store_mod

    rows = store_mod.article_figure_rows(store, [article_id])
    names = set(figure_field_names())
    return [
        (Figure.from_dict({k: v for k, v in row.items() if k in names}), state)
        for row, state in resolve(rows, store_mod.reviews_of(store, [article_id]))
    ]


# ---- what needs a human look ----------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One figure on the review page: its reviewed values, as extracted, why it needs a look."""

    row: Mapping[str, Any]
    extracted: Mapping[str, Any]
    state: State
    reasons: tuple[str, ...] = ()
    conflicts: tuple[int, ...] = ()  # the other counts reported for the same incident

    @property
    def key(self) -> str:
        return f"{self.row['article_id']}/{self.row['id']}"


def needs_look(row: Mapping[str, Any], conflicts: Sequence[int] = ()) -> tuple[str, ...]:
    """Why a figure needs a human look (`REASONS`), from its current values."""
    reasons = []
    if float(row.get("confidence") or 0) < LOW_CONFIDENCE:
        reasons.append("low_confidence")
    if row.get("vague") or row.get("best") is None:
        reasons.append("vague")
    if conflicts:
        reasons.append("conflict")
    if row.get("kind") != "toll" and row.get("perpetrator") in (None, "unknown"):
        reasons.append("no_perpetrator")
    if not row.get("place_id"):
        reasons.append("no_place")
    return tuple(reasons)


def conflicts(rows: Iterable[Mapping[str, Any]], members: Mapping[tuple[str, str], str]
              ) -> dict[tuple[str, str], tuple[int, ...]]:
    """For each report of an incident whose reports give different counts for the same victim
    group: the other counts given (``{(article_id, figure_id): (9, 12)}``). `rows` are reviewed
    figure rows, `members` maps a report's (article_id, figure_id) to its incident."""
    from core.incidents import COMPATIBLE_GROUPS

    by_incident: dict[tuple[str, str], list[tuple[tuple[str, str], int]]] = {}
    for r in rows:
        key = (r["article_id"], r["id"])
        incident = members.get(key)
        if incident is None or r.get("best") is None or r.get("kind") == "superseded":
            continue
        group = "civilians" if (r.get("group"), "civilians") in COMPATIBLE_GROUPS else r.get("group")
        by_incident.setdefault((incident, str(group)), []).append((key, int(r["best"])))
    out: dict[tuple[str, str], tuple[int, ...]] = {}
    for reports in by_incident.values():
        values = {best for _, best in reports}
        if len(values) > 1:
            for key, best in reports:
                out[key] = tuple(sorted(values - {best}))
    return out


def queue(rows: Sequence[Mapping[str, Any]], reviews: Sequence[Mapping[str, Any]],
          members: Mapping[tuple[str, str], str] | None = None) -> list[Item]:
    """Every figure as a review `Item`, those needing a look first: not yet confirmed or rejected,
    most reasons first, then lowest confidence, then in text order. `members`: each incident
    report's incident (`core.store.incident_members`), to flag reports that disagree."""
    resolved = resolve(rows, reviews)
    clash = conflicts((r for r, state in resolved if not state.rejected), members or {})
    items = []
    for (row, state), raw in zip(resolved, rows, strict=True):
        others = clash.get((row["article_id"], row["id"]), ())
        items.append(Item(row, raw, state, needs_look(row, others), others))
    return sorted(items, key=_rank)


def _rank(item: Item) -> tuple:
    done = item.state.status in ("confirmed", "rejected")
    r = item.row
    return (done, not item.reasons, -len(item.reasons), float(r.get("confidence") or 0),
            str(r.get("article_id")), int(r.get("start") or 0), str(r.get("id")))


def in_view(items: Sequence[Item], view: str) -> list[Item]:
    """`VIEWS`: ``to_review`` (not confirmed, not rejected), ``reviewed`` (confirmed, corrected or
    rejected), ``all``."""
    if view not in VIEWS:
        raise ReviewError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    if view == "to_review":
        return [i for i in items if i.state.status not in ("confirmed", "rejected")]
    if view == "reviewed":
        return [i for i in items if i.state.reviewed]
    return list(items)


def load_queue(store: Any) -> list[Item]:
    """`queue` over the whole database; disagreeing reports are found in the stored incidents
    (`core.aggregate.recompute` runs after every review)."""
    from core import store as store_mod

    return queue(store_mod.article_figure_rows(store), store_mod.review_rows(store),
                 store_mod.incident_members(store))


# ---- what the page shows -------------------------------------------------------------------------
def item_label(item: Item, lang: str = i18n.DEFAULT_LANG) -> str:
    """One line per figure in the picker: count, group, status, date, outlet, state."""
    r = item.row
    parts = [
        f"{count_text(r)} {i18n.label('group', r.get('group'), lang)} {i18n.label('status', r.get('status'), lang)}",
        r.get("date") or i18n.t("common.date_unknown", lang),
        str(r.get("outlet") or r.get("title") or r.get("article_id"))[:40],
        i18n.t(f"review.state.{item.state.status}", lang),
    ]
    if item.reasons:
        parts.append(", ".join(i18n.t(f"review.reason.{k}", lang) for k in item.reasons))
    return " · ".join(parts)


def reasons_text(item: Item, lang: str = i18n.DEFAULT_LANG) -> str | None:
    """Why this figure is shown first, in a sentence (None when nothing stands out)."""
    if not item.reasons:
        return None
    words = []
    for k in item.reasons:
        if k == "conflict":
            words.append(i18n.t("review.reason.conflict_with", lang, counts=", ".join(map(str, item.conflicts))))
        elif k == "low_confidence":
            words.append(i18n.t("review.reason.low_confidence_value", lang,
                                confidence=f"{float(item.row.get('confidence') or 0):.2f}"))
        else:
            words.append(i18n.t(f"review.reason.{k}", lang))
    return i18n.t("review.reasons", lang, reasons="; ".join(words))


def values_table(item: Item, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Each correctable field: as extracted and now (after the reviews)."""
    rows = []
    for f in FIELDS:
        before, now = item.extracted.get(f), item.row.get(f)
        rows.append({
            i18n.t("review.col.field", lang): _field_label(f, lang),
            i18n.t("review.col.extracted", lang): value_text(f, before, lang),
            i18n.t("review.col.now", lang): value_text(f, now, lang) + (" ✎" if _stored(before) != _stored(now) else ""),
        })
    return pd.DataFrame(rows)


def context_html(text: str, row: Mapping[str, Any], lang: str | None = "ar", around: int = 240) -> str:
    """The figure's sentence with some text around it, the number and the sentence highlighted
    (every character of the article escaped, as in the article view)."""
    s0 = int(row.get("sentence_start") or 0)
    s1 = s0 + len(row.get("sentence") or "")
    a = max(0, s0 - around)
    b = min(len(text), max(s1, int(row["end"])) + around)
    if a > 0:
        cut = text.find(" ", a, s0)
        a = cut + 1 if cut >= 0 else a
    if b < len(text):
        cut = text.rfind(" ", s1, b)
        b = cut if cut > 0 else b
    head, tail = ("… " if a > 0 else ""), (" …" if b < len(text) else "")
    shift = len(head) - a
    excerpt = head + text[a:b] + tail
    marks = [trends.Mark(int(row["start"]) + shift, int(row["end"]) + shift, str(row["id"]), "", True, False,
                         ("fig",))]
    if row.get("sentence"):
        marks.append(trends.Mark(s0 + shift, s1 + shift, str(row["id"]), "", True, True))
    return trends.article_html(excerpt, marks, lang)
