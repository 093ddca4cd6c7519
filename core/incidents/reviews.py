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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.extraction import confidence, gazetteer, lexicon
from core.extraction.figure import GROUPS, KINDS, STATUSES
from core.incidents import plausibility, settings
from core.incidents.grouping import COMPATIBLE_GROUPS

log = logging.getLogger(__name__)

ACTIONS = ("confirm", "correct", "reject", "restore", "note")
FIELDS = (
    "min", "best", "max", "status", "group", "side", "kind", "date", "place", "place_id", "perpetrator", "source",
)
COUNT_FIELDS = ("min", "best", "max")
STATES = ("unreviewed", "corrected", "confirmed", "rejected")
REASONS = (*plausibility.REASONS, "low_confidence", "vague", "conflict", "no_perpetrator", "no_place")
VIEWS = ("to_review", "reviewed", "all")
# "Needs a look" below this calibrated confidence (`core.extraction.confidence`): chosen from the
# reliability table of the dev corpus when ``data/calibration.json`` is written (`python -m
# core.evaluation.evaluate ../shared/corpus/dev --calibrate`): the lowest bucket boundary from which every
# bucket is right at least 80 % of the time; figures below it were wrong about one time in two.
LOW_CONFIDENCE = confidence.review_threshold()
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


# ---- recording actions ---------------------------------------------------------------------------
def perpetrator_keys() -> list[str]:
    """Perpetrators a correction may name (the actors lexicon, and ``unknown``)."""

    keys = {e.get("perpetrator") or k for k, e in lexicon.load("actors").items()}
    return sorted(keys) + ["unknown"]


def source_keys() -> list[str]:
    """Sources the lexicon knows (a correction may also name another)."""

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


# ---- what needs a human look ----------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One figure on the review page: its reviewed values, as extracted, why it needs a look."""

    row: Mapping[str, Any]
    extracted: Mapping[str, Any]
    state: State
    reasons: tuple[str, ...] = ()
    conflicts: tuple[int, ...] = ()  # the other counts reported for the same incident
    corroboration: str | None = None  # its incident's status (`core.incidents.corroboration`)

    @property
    def key(self) -> str:
        return f"{self.row['article_id']}/{self.row['id']}"


def needs_look(row: Mapping[str, Any], conflicts: Sequence[int] = ()) -> tuple[str, ...]:
    """Why a figure needs a human look (`REASONS`), from its current values. The reasons a figure is
    held back from totals come first (`core.incidents.plausibility.hold_reasons`)."""
    reasons = list(plausibility.hold_reasons(row))
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
          members: Mapping[tuple[str, str], str] | None = None,
          sureness: Mapping[tuple[str, str], str] | None = None) -> list[Item]:
    """Every figure as a review `Item`, those needing a look first: not yet confirmed or rejected,
    held back from totals first (`core.incidents.plausibility`), then most reasons first, then
    lowest confidence, then in text order. `members`: each incident report's incident
    (`core.storage.queries.incident_members`), to flag reports that disagree. `sureness`: each
    incident report's corroboration status: after held figures, reports of disputed incidents come
    first, then large single-source counts (`settings.get().large_single_source` or more), largest
    first."""
    resolved = resolve(rows, reviews)
    clash = conflicts((r for r, state in resolved if not state.rejected), members or {})
    items = []
    for (row, state), raw in zip(resolved, rows, strict=True):
        others = clash.get((row["article_id"], row["id"]), ())
        items.append(Item(row, raw, state, needs_look(row, others), others,
                          (sureness or {}).get((row["article_id"], row["id"]))))
    return sorted(items, key=_rank)


def _rank(item: Item) -> tuple:
    done = item.state.status in ("confirmed", "rejected")
    r = item.row
    held = any(k in plausibility.REASONS for k in item.reasons)  # kept out of every total: first
    best = int(r.get("best") or 0)
    large = item.corroboration == "single_source" and best >= settings.get().large_single_source
    sure = 0 if item.corroboration == "disputed" else 1 if large else 2
    return (done, not held, sure, -best if sure < 2 else 0, not item.reasons, -len(item.reasons), float(r.get("confidence") or 0),
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
