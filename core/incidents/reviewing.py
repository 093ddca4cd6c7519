"""Journalists' review actions recorded in the store: confirm, correct, reject, restore, note (each
an appended ``reviews`` row, then incidents recomputed), and the figures and queue as reviewed.
The rules they follow are in `reviews`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from core.extraction.figure import Figure, figure_field_names
from core.incidents import aggregate, plausibility
from core.incidents.reviews import (
    FIELDS,
    NOTE_REQUIRED,
    NOTHING_CHANGED,
    Item,
    ReviewError,
    State,
    _set,
    _stored,
    check_name,
    normalise,
    queue,
    resolve,
)
from core.storage import incident_queries, queries

log = logging.getLogger(__name__)
def current(store: Any, article_id: str, figure_id: str) -> tuple[dict[str, Any], dict[str, Any], State]:
    """(extracted row, reviewed row, state) of one figure; `ReviewError` if it does not exist."""

    rows = queries.article_figure_rows(store, [article_id])
    raw = next((r for r in rows if r["id"] == figure_id), None)
    if raw is None:
        raise ReviewError(f"No figure {figure_id} in article {article_id} (it may have been re-extracted).")
    for row, state in resolve(rows, queries.reviews_of(store, [article_id])):
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
    ids = queries.add_reviews(store, rows)
    if recompute:
        aggregate.regroup(store)
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

    rows = queries.article_figure_rows(store, [article_id])
    names = set(figure_field_names())
    return [
        (Figure.from_dict({k: v for k, v in row.items() if k in names}), state)
        for row, state in resolve(rows, queries.reviews_of(store, [article_id]))
    ]


def load_queue(store: Any) -> list[Item]:
    """`queue` over the whole database; disagreeing reports are found in the stored incidents
    (`core.incidents.aggregate.recompute` runs after every review)."""

    return queue(queries.article_figure_rows(store), incident_queries.review_rows(store),
                 queries.incident_members(store), incident_queries.report_corroboration(store))


def load_held(store: Any, status: str | None = None) -> list[plausibility.Held]:
    """The figures held back from every total until a reviewer confirms them (`core.incidents.plausibility`),
    largest first, optionally of one status (killed, injured)."""

    if incident_queries.index_complete(store) and aggregate.is_current(store):
        # only the articles the last regrouping found held figures in (``held_figures``)
        ids = incident_queries.held_article_ids(store)
        if not ids:
            return []
        return plausibility.held(resolve(queries.article_figure_rows(store, ids), queries.reviews_of(store, ids)), status)
    return plausibility.held(resolve(queries.article_figure_rows(store), incident_queries.review_rows(store)), status)
