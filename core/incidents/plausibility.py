"""Figures held back from totals: one misread sentence must not make the headline absurd.

A figure that would be added up as (part of) one incident is **held back** from every total (the
incidents, hence the trend chart and its headline, the map, the incident list and the exports'
``adds_up`` rows) until a reviewer confirms it, when:

- **its count is beyond one incident** (``over_bound``): above the single-incident bound for its
  status (`core.extraction.bounds`, ``data/plausibility.json``, with the bound's reason);
- **its sentence speaks of a whole war, a year or a region** (``scope_war``, ``scope_year``,
  ``scope_region``): a surface of ``data/scope_cues.json`` is in its sentence;
- **its date cannot be** (``date_after_publication``, ``date_in_future``, ``published_clock``,
  ``published_copyright``): at intake the date was set aside (`set_aside_dates`): the figure is
  stored with its date unknown and the reason, with the date that was read, in its ``extra``
  (``date_set_aside``).

The rule looks at the figure's *current* values (reviews applied): a count corrected below the
bound or a kind corrected to ``toll`` is no longer held. A confirmation (an appended ``confirm``
review, `core.incidents.reviewing.confirm`) releases the figure as it stands; a figure whose date
was set aside gets back the date that was read unless a reviewer corrected the date.

`counted_rows` is the one place the hold is applied: `core.incidents.aggregate` (the stored
incidents the pages read) and `core.views.export` build incidents from its rows, so trends, map,
incident list and exports stay reconciled. `held` lists what waits for review, with reasons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from core.extraction import bounds
from core.extraction.dates import as_date
from core.extraction.lexicon import reject_duplicate_keys
from core.extraction.normalize import norm

SCOPE_FILE = Path(__file__).resolve().parents[2] / "data" / "scope_cues.json"
SIZE_REASON = "over_bound"
SCOPE_REASONS = ("scope_war", "scope_year", "scope_region")
DATE_REASONS = ("date_after_publication", "date_in_future", "published_clock", "published_copyright")
REASONS = (SIZE_REASON, *SCOPE_REASONS, *DATE_REASONS)
HELD_KINDS = ("incident", "superseded")  # the kinds whose counts feed incidents
SET_ASIDE = "date_set_aside"  # the key in a figure's extra
VERSION = "1"  # part of the incidents' stored state: bump when the rule changes (old databases recompute)


class ScopeCueError(ValueError):
    """``data/scope_cues.json`` is missing or malformed."""


@cache
def scope_cues() -> dict[str, tuple[str, ...]]:
    """Reason → normalised surfaces (``data/scope_cues.json``), validated."""
    try:
        data = json.loads(SCOPE_FILE.read_text(encoding="utf-8"), object_pairs_hook=reject_duplicate_keys)
    except (OSError, ValueError) as err:
        raise ScopeCueError(f"{SCOPE_FILE}: {err}") from err
    problems, out = [], {}
    for key, entry in data.items():
        if key.startswith("_"):
            continue
        if key not in SCOPE_REASONS:
            problems.append(f"{key!r} is not a scope reason ({', '.join(SCOPE_REASONS)})")
            continue
        surfaces = entry.get("surfaces") if isinstance(entry, dict) else None
        if not surfaces or not all(isinstance(s, str) and s.strip() for s in surfaces):
            problems.append(f"{key}: 'surfaces' must be a non-empty list of words")
            continue
        out[key] = tuple(dict.fromkeys(norm(s).lower() for s in surfaces))
    if problems:
        raise ScopeCueError(f"{SCOPE_FILE}: " + "; ".join(problems))
    return out


def clear_caches() -> None:
    scope_cues.cache_clear()
    signature.cache_clear()


@cache
def signature() -> str:
    """Changes when the hold rule or its data change (`VERSION`, the bounds, the scope words)."""
    digest = hashlib.sha1(VERSION.encode())
    for path in (bounds.PLAUSIBILITY_FILE, SCOPE_FILE):
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"hold-{digest.hexdigest()[:12]}"


def _extra(row: Mapping[str, Any]) -> dict[str, Any]:
    extra = row.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra) if extra else {}
    return extra if isinstance(extra, dict) else {}


def _counts(row: Mapping[str, Any]) -> list[int]:
    return [int(row[k]) for k in ("min", "best", "max") if row.get(k) is not None]


def scope_reasons(sentence: str) -> tuple[str, ...]:
    """The scope reasons whose words are in a sentence (``scope_war``...), in `SCOPE_REASONS` order."""
    text = f" {norm(sentence or '').lower()} "
    return tuple(k for k, surfaces in scope_cues().items() if any(s in text for s in surfaces))


def hold_reasons(row: Mapping[str, Any]) -> tuple[str, ...]:
    """Why a figure (its current values) would be held back, in `REASONS` order; () if it counts.

    Only a figure that feeds an incident is held: kind incident or superseded, not a repeat
    (``same_as``) nor a breakdown (``part_of``) of another figure, with a casualty status."""
    if row.get("kind") not in HELD_KINDS or row.get("part_of") or row.get("same_as"):
        return ()
    status = row.get("status")
    out: list[str] = []
    counts = _counts(row)
    if counts and max(counts) > bounds.single_incident_max(str(status)):
        out.append(SIZE_REASON)
    out.extend(scope_reasons(str(row.get("sentence") or "")))
    aside = _extra(row).get(SET_ASIDE)
    if isinstance(aside, dict) and aside.get("reason") in DATE_REASONS and not row.get("date"):
        out.append(aside["reason"])
    return tuple(r for r in REASONS if r in out)


@dataclass(frozen=True)
class Held:
    """A figure held back from totals: its current values and why."""

    row: Mapping[str, Any]
    reasons: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.row["article_id"], self.row["id"])

    @property
    def set_aside_date(self) -> str | None:
        aside = _extra(self.row).get(SET_ASIDE)
        return aside.get("date") if isinstance(aside, dict) else None


def _released(row: Mapping[str, Any], corrected: Sequence[str]) -> dict[str, Any]:
    """A confirmed figure as it counts: with the date that was read, if it was set aside and no
    reviewer gave another."""
    out = dict(row)
    aside = _extra(row).get(SET_ASIDE)
    if isinstance(aside, dict) and aside.get("date") and "date" not in corrected and not row.get("date"):
        out["date"] = aside["date"]
        out["date_precision"] = aside.get("precision") or {10: "day", 7: "month", 4: "year"}.get(len(aside["date"]))
    return out


def counted_rows(resolved: Iterable[tuple[Mapping[str, Any], Any]]) -> list[dict[str, Any]]:
    """The rows incidents are built from: reviewed figure rows (``(row, State)`` pairs of
    `core.incidents.reviews.resolve`), rejected and held figures left out, confirmed ones released."""
    out = []
    for row, state in resolved:
        if state.rejected:
            continue
        if state.status == "confirmed":
            out.append(_released(row, state.corrected))
        elif not hold_reasons(row):
            out.append(dict(row))
    return out


def held(resolved: Iterable[tuple[Mapping[str, Any], Any]], status: str | None = None) -> list[Held]:
    """The figures waiting for review before they count (largest first), optionally of one status."""
    out = [
        Held(row, reasons) for row, state in resolved
        if not state.rejected and state.status != "confirmed" and (status is None or row.get("status") == status)
        and (reasons := hold_reasons(row))
    ]
    return sorted(out, key=lambda h: (-max(_counts(h.row) or [0]), str(h.row["article_id"]), int(h.row.get("start") or 0)))


def reason_counts(items: Iterable[Held]) -> dict[str, int]:
    """How many held figures have each reason (a figure may have several), in `REASONS` order."""
    items = list(items)
    return {r: n for r in REASONS if (n := sum(r in h.reasons for h in items))}


def bound(status: str) -> int:
    """The largest count one incident of this status can reach (``data/plausibility.json``)."""
    return bounds.single_incident_max(status)


def set_aside_info(row: Mapping[str, Any]) -> dict[str, Any]:
    """The date a figure had before it was set aside, with the reason (``{}`` if none was)."""
    aside = _extra(row).get(SET_ASIDE)
    return dict(aside) if isinstance(aside, dict) else {}


def bound_reason(status: str) -> str:
    """Why the single-incident bound is what it is (shown with ``over_bound`` figures)."""
    return bounds.single_incident_reason(status)


# ---- dates that cannot be (applied at intake) -----------------------------------------------------
def _earliest_day(value: str | None) -> dt.date | None:
    """The first day a date of any precision can mean (``2017-08`` → 1 Aug 2017)."""
    if not value:
        return None
    return as_date(value + "-01" * ((10 - len(value)) // 3)) if len(value) in (4, 7, 10) else None


def impossible_date(date: str | None, published: dt.date | None, today: dt.date) -> str | None:
    """Why an event date cannot be (``date_after_publication``, ``date_in_future``), or None."""
    day = _earliest_day(date)
    if day is None:
        return None
    if published is not None and day > published:
        return "date_after_publication"
    if day > today:
        return "date_in_future"
    return None


def set_aside(fig: Mapping[str, Any], reason: str, published: dt.date | None = None) -> dict[str, Any]:
    """A figure dict with its date set aside: date unknown, the reason and the date that was read
    kept in ``extra`` (``date_set_aside``)."""
    out = dict(fig)
    extra = dict(_extra(fig))
    extra[SET_ASIDE] = {
        "reason": reason, "date": fig.get("date"), "precision": fig.get("date_precision"),
        **({"published": published.isoformat()} if published else {}),
    }
    out.update(date=None, date_precision=None, date_from=None, extra=extra)
    return out
