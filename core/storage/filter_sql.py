"""The sidebar's filters as SQL: the WHERE conditions the page and incident queries share.

`f` is a `core.views.filters.Filters` (read by attribute only: storage never imports upwards).
Values not stated are stored as NULL and filtered as `NOT_STATED`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NOT_STATED = "-"


def _in(expr: str, values: Iterable[Any], params: list[Any]) -> str:
    values = list(values)
    params.extend(values)
    return f"{expr} IN ({', '.join('?' for _ in values)})"


def _filter_sql(f: Any, a: str, params: list[Any], dates: bool = True) -> str:
    """WHERE conditions (joined by AND) for the filters, on the figures aliased `a`."""
    conds = [f"{a}.status = ?"]
    params.append(f.status)
    if dates and f.date_from:
        conds.append(f"{a}.event_date >= ?")
        params.append(f.date_from)
    if dates and f.date_to:
        conds.append(f"{a}.event_date <= ?")
        params.append(f.date_to)
    if f.groups:
        conds.append(_in(f'{a}."group"', f.groups, params))
    if f.perpetrators:
        conds.append(_in(f"coalesce({a}.perpetrator, '{NOT_STATED}')", f.perpetrators, params))
    if f.places:
        conds.append(_in(f"coalesce({a}.place_id, {a}.place, '{NOT_STATED}')", f.places, params))
    if f.sources:
        conds.append(_in(f"coalesce({a}.source, '{NOT_STATED}')", f.sources, params))
    return " AND ".join(conds)
