"""The sidebar's filters (`Filters`), checked when built, and the same filters in the address bar
(a view is shared by its URL; parameters hold data keys, never interface labels).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.extraction.dates import as_date as _as_date

STATUSES = ("killed", "injured")
KINDS = ("both", "incidents", "tolls")
GROUP_SERIES = ("civilians", "children", "women", "fighters", "people")
PART_GROUPS = ("children", "women")
OF_WHICH = tuple(f"of_which_{g}" for g in PART_GROUPS)
TOTAL = "total"
TOLL = "toll"
NOT_STATED = "-"  # filter value for "no perpetrator / source / place given"
SOURCE_SEP = "\x1f"
CORROBORATION = ("corroborated", "single_source", "disputed")  # as `core.incidents.settings.STATUSES`  # joins an incident's sources in its row (as `core.storage.incident_queries.SOURCE_SEP`)


WEEKLY_COLUMNS = ["week", "series", "best", "low", "high", "figures"]

class FilterError(ValueError):
    """A filter value that makes no sense (e.g. a date range that ends before it starts)."""


@dataclass(frozen=True)
class Filters:
    """The view a journalist chose in the sidebar; shared by all pages and kept in the URL.

    Empty tuples mean "all". `perpetrators`, `sources` and `places` may contain `NOT_STATED`
    for figures that name none. `places` holds a gazetteer id, else the place as written."""

    status: str = "killed"
    kinds: str = "both"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    groups: tuple[str, ...] = ()
    perpetrators: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    corroboration: tuple[str, ...] = ()  # incidents' status (`core.incidents.corroboration`); () all
    passing: bool = False  # only incidents that pass the publication check

    def __post_init__(self) -> None:
        problems = []
        if self.status not in STATUSES:
            problems.append(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if self.kinds not in KINDS:
            problems.append(f"kinds must be one of {', '.join(KINDS)}, not {self.kinds!r}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            problems.append(f"the date range ends ({self.date_to}) before it starts ({self.date_from})")
        bad = [c for c in self.corroboration if c not in CORROBORATION]
        if bad:
            problems.append(f"corroboration must be among {', '.join(CORROBORATION)}, not {', '.join(map(repr, bad))}")
        for name in ("groups", "perpetrators", "places", "sources", "corroboration"):
            if not isinstance(getattr(self, name), tuple):
                problems.append(f"{name} must be a tuple")
        if problems:
            raise FilterError("Invalid filters: " + "; ".join(problems) + ".")

    @property
    def incidents(self) -> bool:
        return self.kinds in ("both", "incidents")

    @property
    def tolls(self) -> bool:
        return self.kinds in ("both", "tolls")


def filters_from_values(
    status: str | None = None,
    kinds: str | None = None,
    dates: Sequence[dt.date] | None = None,
    groups: Iterable[str] | None = None,
    perpetrators: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    corroboration: Iterable[str] | None = None,
    passing: bool = False,
) -> Filters:
    """`Filters` from widget values (a date range may have 0, 1 or 2 ends picked so far)."""
    dates = list(dates or [])
    return Filters(
        status=status or "killed",
        kinds=kinds or "both",
        date_from=dates[0] if dates else None,
        date_to=dates[1] if len(dates) > 1 else None,
        groups=tuple(groups or ()),
        perpetrators=tuple(perpetrators or ()),
        places=tuple(places or ()),
        sources=tuple(sources or ()),
        corroboration=tuple(corroboration or ()),
        passing=bool(passing),
    )


# ---- filters in the address bar ------------------------------------------------------------------
# A view is shared by its URL. The parameters hold data keys, never interface labels, so a link
# made in the Arabic interface opens the same view in the English one.
URL_PARAMS = ("status", "kinds", "from", "to", "group", "perpetrator", "place", "source", "corroboration", "passing")
_MULTI = (("group", "groups"), ("perpetrator", "perpetrators"), ("place", "places"), ("source", "sources"))


def filters_to_params(f: Filters) -> dict[str, str | list[str]]:
    """The URL parameters of `f`; defaults are left out to keep links short."""
    out: dict[str, str | list[str]] = {}
    if f.status != "killed":
        out["status"] = f.status
    if f.kinds != "both":
        out["kinds"] = f.kinds
    if f.date_from:
        out["from"] = f.date_from.isoformat()
    if f.date_to:
        out["to"] = f.date_to.isoformat()
    for param, attr in _MULTI:
        if getattr(f, attr):
            out[param] = list(getattr(f, attr))
    if f.corroboration:
        out["corroboration"] = list(f.corroboration)
    if f.passing:
        out["passing"] = "1"
    return out


def filters_from_params(params: Mapping[str, str | Sequence[str]]) -> Filters:
    """`Filters` from URL parameters (`filters_to_params`). A link is typed or pasted by people:
    values that make no sense are ignored, never an error."""

    def all_of(name: str) -> list[str]:
        v = params.get(name)
        return [] if v is None else [v] if isinstance(v, str) else [str(x) for x in v]

    def one(name: str, allowed: Sequence[str], default: str) -> str:
        values = [v for v in all_of(name) if v in allowed]
        return values[-1] if values else default

    def day(name: str) -> dt.date | None:
        values = all_of(name)
        return _as_date(values[-1]) if values else None

    start, end = day("from"), day("to")
    if start and end and start > end:
        end = None
    groups = [g for g in dict.fromkeys(all_of("group")) if g in GROUP_SERIES]
    corroboration = [c for c in dict.fromkeys(all_of("corroboration")) if c in CORROBORATION]
    return Filters(
        status=one("status", STATUSES, "killed"), kinds=one("kinds", KINDS, "both"), date_from=start, date_to=end,
        groups=tuple(groups), **{attr: tuple(dict.fromkeys(all_of(param))) for param, attr in _MULTI[1:]},
        corroboration=tuple(corroboration), passing=one("passing", ("1",), "") == "1",
    )
