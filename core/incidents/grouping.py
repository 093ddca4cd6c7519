"""One event, many reports: grouping incident figures from different articles into incidents.

The same strike is reported by SOHR, AFP, a local outlet and an English paper, each with its own
count, and revised a day later. Adding those counts up is the classic error of casualty tracking;
this module groups them so that each event is counted once.

**Reports.** Each article contributes one *report* per event it describes: an incident (or
superseded) figure that is neither a repeat (`same_as`) nor a breakdown (`part_of`) of another;
its breakdowns (children, women) and repeats travel with it.

**When two reports are the same event** (`compatible`): same victim status; compatible groups
(civilians ~ people); the same day, or one day apart when one report's date was only inferred
(from the publication date, a weekday or the sentences around it); the same district, or one report
placed only at city level inside the same city (a district and its city), or one place inside the
other (a town and its governorate); the same perpetrator, or one of them unknown. A report with no
event date tells of its publication day or the few days before (``data/corroboration.json``), a
report with no place may be anywhere: such a vague report joins only a report that has what it
lacks, and only when their counts agree (18 and 21). A report with neither a date nor a publication
date, or with neither a place nor a count, is never merged automatically: a journalist can merge it
by hand. Two reports of one article are never merged (the article already links its repeats with
`same_as`).

**Clustering** is deterministic: reports are sorted by a key that does not depend on the order in
which articles were added, then each joins the closest incident (same day first, then the same
count) all of whose reports it is compatible with (complete linkage, so A~B and B~C does not drag A
and C together). Journalists'
decisions come first: `merge` pairs are joined before anything else and `split` pairs are never
joined, whatever the rules say; the latest decision about a pair wins.

**Counts.** Per victim group an incident has ``min`` and ``max`` over its current reports (a
count its own article revised is left out: it is not a disagreement) and a ``best``: the count of the most recently published report that gives one
(a later revision replaces the count it revises, also across articles); among reports of the
same publication day, the larger count. Superseded counts are never the best.

**Tolls** ("125 in the week", "816 since 5 June") are claims of their own: `compare_toll` says how
much of one the incidents in its period and place account for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from core.extraction import gazetteer
from core.extraction.dates import as_date as _as_date
from core.incidents import corroboration, settings

COMPATIBLE_GROUPS = {("civilians", "people"), ("people", "civilians")}
_PRECISE = ("district", "landmark", "village", "town")


@dataclass(frozen=True, slots=True)
class Count:
    best: int | None
    min: int | None
    max: int | None
    reports: int


@dataclass(frozen=True, slots=True)
class Report:
    """One article's account of one event: its head figure plus breakdowns."""

    article_id: str
    figure_id: str
    status: str
    group: str
    best: int | None
    min: int | None
    max: int | None
    kind: str  # incident | superseded
    date: dt.date | None
    date_inferred: bool
    place_id: str | None
    perpetrator: str | None
    source: str | None
    published: dt.date | None
    outlet: str | None = None
    sentence: str = ""
    number_text: str = ""
    start: int = 0
    end: int = 0
    parts: Mapping[str, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    earlier: tuple[int, ...] = ()  # the article's own earlier counts of this event (superseded)

    @property
    def key(self) -> tuple[str, str]:
        return (self.article_id, self.figure_id)

    @property
    def undated(self) -> bool:
        """The report gives no event day: it tells of its publication day or the days before."""
        return self.date is None and self.published is not None

    @property
    def day(self) -> dt.date | None:
        """The day the grouping files the report under: its event day, else its publication day."""
        return self.date if self.date is not None else self.published


@dataclass(slots=True)
class Incident:
    id: str
    status: str
    date: dt.date | None
    place_id: str | None
    perpetrator: str | None
    reports: list[Report]
    counts: dict[str, Count]
    check: corroboration.Check | None = None  # origins and status (`core.incidents.corroboration`)

    @property
    def articles(self) -> int:
        return len({r.article_id for r in self.reports})


@dataclass(frozen=True)
class Decision:
    """A journalist's decision about two reports: 'merge' or 'split' (append-only history)."""

    a: tuple[str, str]  # (article_id, figure_id) of one report
    b: tuple[str, str]
    action: str  # merge | split
    at: dt.datetime
    who: str = ""


# ---- reports from figures --------------------------------------------------------------------
def reports_from_figures(rows: Iterable[Mapping[str, Any]]) -> tuple[list[Report], list[Mapping[str, Any]]]:
    """Split one or many articles' figure rows into event reports and tolls.

    Each row is a figure's fields (as `Figure.to_dict()` or a figures table row) plus
    ``article_id``, ``published`` and optionally ``outlet`` and ``published_source``."""
    by_article: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(r)
    reports: list[Report] = []
    tolls: list[Mapping[str, Any]] = []
    for aid in sorted(by_article):
        figs = by_article[aid]
        ids = {f["id"]: f for f in figs}

        heads = [f for f in figs if not f.get("part_of") and not f.get("same_as")]
        earlier = _earlier_counts(heads)
        for h in heads:
            if h["id"] in earlier.get("_absorbed", ()):
                continue
            if h.get("kind") == "toll":
                tolls.append(h)
                continue
            if h.get("status") not in ("killed", "injured", "killed_or_injured"):
                continue
            parts: dict[str, tuple[int | None, int | None, int | None]] = {}
            for f in figs:
                parent = f.get("part_of")
                if parent and parent in ids and _root(ids, ids[parent])["id"] == h["id"] and f.get("group") != h.get("group"):
                    parts.setdefault(f["group"], (f.get("min"), f.get("best"), f.get("max")))
            reports.append(_report(h, parts, tuple(earlier.get(h["id"], ()))))
    return reports, tolls


def _earlier_counts(heads: list[Mapping[str, Any]]) -> dict[str, Any]:
    """An article's superseded counts belong to the revised count of the same event: the closest
    larger count with the same status and group (in the same place when both name one)."""
    out: dict[str, Any] = {"_absorbed": set()}
    incidents = [h for h in heads if h.get("kind") == "incident" and h.get("best") is not None]
    for sup in heads:
        if sup.get("kind") != "superseded" or sup.get("best") is None:
            continue
        targets = [
            h for h in incidents
            if h["status"] == sup["status"] and h["best"] > sup["best"]
            and (h.get("group") == sup.get("group") or (h.get("group"), sup.get("group")) in COMPATIBLE_GROUPS)
            and (not h.get("place_id") or not sup.get("place_id") or _places_match(h["place_id"], sup["place_id"]))
        ]
        if targets:
            t = min(targets, key=lambda h: h["best"])
            out.setdefault(t["id"], []).append(sup["best"])
            out["_absorbed"].add(sup["id"])
    return out


def _root(ids: Mapping[str, Mapping[str, Any]], f: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first mention of a repeated count (follows same_as)."""
    seen = set()
    while f.get("same_as") and f["same_as"] in ids and f["id"] not in seen:
        seen.add(f["id"])
        f = ids[f["same_as"]]
    return f


def _report(h: Mapping[str, Any], parts: dict, earlier: tuple[int, ...] = ()) -> Report:
    extra = h.get("extra") or {}
    if isinstance(extra, str):
        import json

        extra = json.loads(extra) if extra else {}
    inferred = bool(
        extra.get("date_from_context") or extra.get("date_from_parts")
        or h.get("published_source") == "inferred" or (h.get("date_text") or "") == ""
    )
    return Report(
        article_id=h["article_id"], figure_id=h["id"], status=h["status"], group=h.get("group") or "people",
        best=h.get("best"), min=h.get("min"), max=h.get("max"), kind=h.get("kind") or "incident",
        date=_day(h.get("date"), h.get("date_precision")), date_inferred=inferred,
        place_id=h.get("place_id"), perpetrator=h.get("perpetrator"), source=h.get("source"),
        published=_as_date(h.get("published")), outlet=h.get("outlet"), sentence=h.get("sentence") or "",
        number_text=h.get("number_text") or "", start=int(h.get("start") or 0), end=int(h.get("end") or 0),
        parts=parts, earlier=earlier,
    )


def _day(value: str | None, precision: str | None) -> dt.date | None:
    if not value or len(value) != 10 or precision not in (None, "day"):
        return None
    return _as_date(value)


# ---- when two reports are one event ---------------------------------------------------------------
def _city_of(place_id: str | None) -> str | None:
    p = gazetteer.get_place(place_id) if place_id else None
    if p is None:
        return None
    if p.precision == "city":
        return p.id
    return p.parent


def _places_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    pa, pb = gazetteer.get_place(a), gazetteer.get_place(b)
    if pa is None or pb is None:
        return False
    precise_a, precise_b = pa.precision in _PRECISE, pb.precision in _PRECISE
    if precise_a and precise_b:
        return False  # two different districts or towns
    if a in _above(b) or b in _above(a):
        return True  # a street in its city, a town in its governorate
    # one report at city level, the other inside that city
    return _city_of(a) is not None and _city_of(a) == _city_of(b)


def _bucket(n: int | None) -> str | None:
    """Counts that agree (`settings.counts_agree`) fall in the same or neighbouring buckets: a
    geometric scale of ratio 1 + tolerance, shifted so that the absolute tolerance is one step."""
    if n is None:
        return None
    s = settings.get()
    q = 1 / (1 - max(s.ratio, 0.05))  # b <= a / (1 - ratio): one step at most
    return str(int(math.log(n + max(s.absolute, 1) / (q - 1)) / math.log(q)))


def _near_buckets(n: int | None) -> list[str]:
    b = _bucket(n)
    return [] if b is None else [str(int(b) + k) for k in (-1, 0, 1)]


@lru_cache(maxsize=4096)
def _above(place_id: str | None) -> tuple[str, ...]:
    """The places that contain this one (its city, governorate…), the country left out: a whole
    country is no place to join reports on."""
    out: list[str] = []
    p = gazetteer.get_place(place_id) if place_id else None
    while p is not None and p.parent and p.parent not in out:
        parent = gazetteer.get_place(p.parent)
        if parent is None or parent.precision == "country":
            break
        out.append(parent.id)
        p = parent
    return tuple(out)


def compatible(a: Report, b: Report) -> bool:
    """Could reports a and b be two accounts of the same event?

    A report with no event day is taken to tell of its publication day or the few days before
    (``data/corroboration.json``); a report with no place may be anywhere. Such a vague report
    joins only a report that has what it lacks, and only when their counts agree (18 and 21)."""
    if a.article_id == b.article_id or a.status != b.status:
        return False
    if not (a.group == b.group or (a.group, b.group) in COMPATIBLE_GROUPS):
        return False
    if a.day is None or b.day is None or (a.undated and b.undated):
        return False
    if (not a.place_id) and (not b.place_id):
        return False
    vague = a.undated or b.undated or not a.place_id or not b.place_id
    if vague and not settings.counts_agree(a.best, b.best):
        return False
    if a.undated or b.undated:
        told, dated = (a, b) if a.undated else (b, a)
        if not 0 <= (told.published - dated.date).days <= settings.get().undated_days:
            return False
    else:
        gap = abs((a.date - b.date).days)
        if gap > (1 if (a.date_inferred or b.date_inferred) else 0):
            return False
    if a.place_id and b.place_id and not _places_match(a.place_id, b.place_id):
        return False
    pa, pb = a.perpetrator or "unknown", b.perpetrator or "unknown"
    return pa == pb or "unknown" in (pa, pb)


# ---- clustering -------------------------------------------------------------------------------------
def _sort_key(r: Report) -> tuple:
    return (r.day or dt.date.min, r.place_id or "", r.status, r.published or dt.date.min, r.article_id, r.figure_id)


def _latest_decisions(decisions: Iterable[Decision]) -> dict[frozenset, str]:
    out: dict[frozenset, tuple[dt.datetime, str]] = {}
    for d in decisions:
        pair = frozenset((d.a, d.b))
        if pair not in out or d.at >= out[pair][0]:
            out[pair] = (d.at, d.action)
    return {p: a for p, (_, a) in out.items()}


def merge_groups(reports: Sequence[Report], decisions: Iterable[Decision] = ()) -> tuple[list[list[Report]], set[frozenset]]:
    """The seeds of the clustering and the pairs never to join: journalists' merges first
    (union-find over report keys), each seed's reports in `_sort_key` order, seeds in the order of
    their first report."""
    ordered = sorted(reports, key=_sort_key)
    pairs = _latest_decisions(decisions)
    must = {p for p, a in pairs.items() if a == "merge"}
    never = {p for p, a in pairs.items() if a == "split"}
    parent: dict[tuple[str, str], tuple[str, str]] = {r.key: r.key for r in ordered}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for p in sorted(must, key=sorted):
        a, b = tuple(p) if len(p) == 2 else (next(iter(p)),) * 2
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[tuple[str, str], list[Report]] = {}
    for r in ordered:
        groups.setdefault(find(r.key), []).append(r)
    return sorted(groups.values(), key=lambda g: _sort_key(g[0])), never


def build_incidents(reports: Sequence[Report], decisions: Iterable[Decision] = ()) -> list[Incident]:
    """Group reports into incidents; the same reports in any order give the same incidents."""
    decisions = list(decisions)
    seeds, never = merge_groups(reports, decisions)
    grouper = Grouper(never)
    grouper.add(seeds)
    verdicts = corroboration.verdicts_from_decisions(decisions)
    out = [_incident(part, None, verdicts) for c in grouper.clusters for part in _apply_splits(c.members, never)]
    out.sort(key=lambda i: (i.date or dt.date.min, i.id))
    return out


def is_inert(seed: Sequence[Report]) -> bool:
    """A report alone with no day at all (no event date, no publication date), or with neither a
    place nor a count, neither joins an incident nor is joined: its own incident."""
    if len(seed) != 1:
        return False
    r = seed[0]
    return r.day is None or (not r.place_id and r.best is None)


def seed_day(seed: Sequence[Report]) -> dt.date | None:
    """The day the clustering takes up this seed (its first report's `Report.day`; `dt.date.min`
    when that has none); None for an inert seed (`is_inert`), which the day-by-day clustering never sees."""
    if is_inert(seed):
        return None
    return seed[0].day or dt.date.min


@dataclass(slots=True)
class Cluster:
    """One cluster of the greedy clustering (before split decisions are applied); ``order`` is the
    sort key of the report that started it: older clusters win ties."""

    members: list[Report]
    order: tuple
    name: str | None = None  # as stored (`core.incidents.incremental`); None: a cluster made here

    @property
    def keys(self) -> frozenset:
        return frozenset(r.key for r in self.members)


class Grouper:
    """The clustering of `build_incidents`, resumable: it can start from the clusters a stored
    clustering had before some day (`core.incidents.incremental`) and take the seeds of the following
    days, giving the same clusters as a run over everything from the start.

    Each seed is taken in `_sort_key` order of its first report. A merged seed (several reports a
    journalist merged) starts a cluster; a single report with a day and a place joins the closest
    cluster all of whose reports it is `compatible` with and none of which it was split from, else
    starts one. Only a cluster with a member of the same status, within a few days
    (`settings.lookback_days`) and in a place that can match (`_places_match`), or with no place,
    can take a report (`compatible`): clusters are indexed by (status, day, place) under each
    member's place and the places containing it, so each report looks at a few of them; a report
    with no place looks at every cluster of its status on the days around it."""

    def __init__(self, never: set[frozenset], clusters: Iterable[Cluster] = ()):
        self.never = never
        self.clusters: list[Cluster] = []
        self._near: dict[tuple[str, dt.date, str], list[Cluster]] = {}
        self._days = settings.lookback_days()
        for c in clusters:
            self._start(c)

    def _start(self, c: Cluster) -> None:
        self.clusters.append(c)
        for o in c.members:
            self._index(o, c)

    def _index(self, o: Report, c: Cluster) -> None:
        if o.day is None:
            return
        # "#b" clusters with a count in bucket b (`_bucket`); "@#b" clusters with an unplaced member
        # of that count; "=p" a member at p; "<p" a member inside p
        b = _bucket(o.best)
        keys = ["=" + o.place_id, *("<" + a for a in _above(o.place_id))] if o.place_id else []
        if b is not None:
            keys += ["#" + b] if o.place_id else ["#" + b, "@#" + b]
        if o.undated:  # also under "u…": what a dated report up to `lookback_days` earlier looks at
            keys += ["u" + k for k in keys]
        for k in keys:
            near = self._near.setdefault((o.status, o.day, k), [])
            if not near or near[-1] is not c and not any(x is c for x in near):
                near.append(c)

    def _candidates(self, r: Report) -> dict[int, Cluster]:
        near = _near_buckets(r.best)  # a vague report joins only where its count agrees
        if r.place_id:
            keys = ["=" + r.place_id, "<" + r.place_id, *("=" + a for a in _above(r.place_id))]
            keys += ["@#" + b for b in near]
            if _city_of(r.place_id):  # two places under one city (`_places_match`)
                keys.append("<" + _city_of(r.place_id))
        else:
            keys = ["#" + b for b in near]
        seen: dict[int, Cluster] = {}
        if r.undated:  # its event: the publication day or the days before
            spans = [(k, keys) for k in range(-self._days, 1)]
        else:  # a day apart at most, or an undated report published in the days after
            spans = [(k, keys) for k in (-1, 0, 1)] + [(k, ["u" + x for x in keys]) for k in range(2, self._days + 1)]
        for k, ks in spans:
            day = r.day + dt.timedelta(days=k)
            for key in ks:
                for c in self._near.get((r.status, day, key), ()):
                    seen[id(c)] = c
        return seen

    def add(self, seeds: Iterable[Sequence[Report]]) -> None:
        """Take seeds (lists of reports, as `merge_groups` gives them) in their order."""
        for seed in seeds:
            if len(seed) == 1 and not is_inert(seed):
                r = seed[0]
                seen = self._candidates(r)
                fits = [
                    (_distance(r, c.members), c.order, c) for c in seen.values()
                    if all(compatible(r, o) for o in c.members)
                    and not any(frozenset((r.key, o.key)) in self.never for o in c.members)
                ]
                if fits:
                    c = min(fits, key=lambda x: (x[0], x[1]))[2]
                    c.members.append(r)  # the closest event: same day, same count first
                    self._index(r, c)
                    continue
            self._start(Cluster(list(seed), _sort_key(seed[0])))


def incidents_of(cluster: Cluster, never: set[frozenset]) -> list[list[Report]]:
    """The incidents a cluster makes: a split decision also holds between members that a merge put
    together, so they are kept apart."""
    return _apply_splits(cluster.members, never)


def _distance(r: Report, cluster: list[Report]) -> tuple[int, int, int]:
    gap = min((abs((r.day - o.day).days) for o in cluster if r.day and o.day), default=0)
    same_count = any(o.best is not None and o.best == r.best for o in cluster)
    off = min((abs(o.best - r.best) for o in cluster if o.best is not None and r.best is not None), default=0)
    return (gap, 0 if same_count else 1, off)


def _apply_splits(cluster: list[Report], never: set[frozenset]) -> list[list[Report]]:
    parts: list[list[Report]] = []
    for r in cluster:
        for p in parts:
            if not any(frozenset((r.key, o.key)) in never for o in p):
                p.append(r)
                break
        else:
            parts.append([r])
    return parts


def members_id(reports: Iterable[Report]) -> str:
    """The id an incident is first given: a hash of its reports (`core.incidents.incremental` keeps it
    while reports join)."""
    return hashlib.sha1("|".join(sorted(f"{a}:{f}" for a, f in (r.key for r in reports))).encode()).hexdigest()[:16]


def make_incident(reports: list[Report], ident: str | None = None,
                  verdicts: Sequence[corroboration.Verdict] = ()) -> Incident:
    """An incident of these reports (date, place, perpetrator, counts and corroboration), with id
    `ident` (else `members_id`); `verdicts`: reviewers' status decisions."""
    return _incident(reports, ident, verdicts)


def _incident(reports: list[Report], ident: str | None = None, verdicts: Sequence[corroboration.Verdict] = ()) -> Incident:
    ident = ident or members_id(reports)
    dates = sorted(r.date for r in reports if r.date and not r.date_inferred) or sorted(
        r.date for r in reports if r.date
    )
    precise = [r.place_id for r in reports if r.place_id and _precision(r.place_id) in _PRECISE]
    place = sorted(precise)[0] if precise else next((r.place_id for r in reports if r.place_id), None)
    perps = sorted({r.perpetrator for r in reports if r.perpetrator and r.perpetrator != "unknown"})
    counts = _counts(reports)
    return Incident(
        id=ident, status=reports[0].status, date=dates[0] if dates else None, place_id=place,
        perpetrator=perps[0] if len(perps) == 1 else ("unknown" if not perps else None),
        reports=sorted(reports, key=lambda r: (r.published or dt.date.min, r.article_id, r.figure_id)),
        counts=counts, check=corroboration.check(reports, verdicts),
    )


def _precision(place_id: str) -> str | None:
    p = gazetteer.get_place(place_id)
    return p.precision if p else None


_EARLIER = object()  # marks an article's own earlier count among a group's values


def _counts(reports: list[Report]) -> dict[str, Count]:
    """Per victim group: min and max over all reports, best from the latest report (see module doc)."""
    groups: dict[str, list[tuple[Report, tuple[int | None, int | None, int | None]]]] = {}
    head_group = "civilians" if any(r.group == "civilians" for r in reports) else reports[0].group
    for r in reports:
        g = head_group if (r.group, head_group) in COMPATIBLE_GROUPS or r.group == head_group else r.group
        groups.setdefault(g, []).append((r, (r.min, r.best, r.max)))
        for e in r.earlier:
            groups[g].append((_EARLIER, (e, e, e)))
        for pg, vals in r.parts.items():
            groups.setdefault(pg, []).append((r, vals))
    out = {}
    for g, items in groups.items():
        # The range runs over current reports only: a count that its own article revised (an
        # earlier count, a superseded figure) is not a disagreement between reports.
        values = [v for r, v in items if r is not _EARLIER and r.kind != "superseded"] or [v for _, v in items]
        lows = [lo if lo is not None else b for lo, b, _ in values if (lo if lo is not None else b) is not None]
        highs = [hi if hi is not None else b for _, b, hi in values if (hi if hi is not None else b) is not None]
        candidates = [(r, b) for r, (_, b, _) in items if b is not None and r is not _EARLIER and r.kind != "superseded"]
        best = None
        if candidates:
            _, best = max(candidates, key=lambda x: (x[0].published or dt.date.min, x[1]))
        out[g] = Count(best=best, min=min(lows) if lows else None, max=max(highs) if highs else None,
                       reports=len({r.article_id for r, _ in items if r is not _EARLIER}))
    return out


# ---- tolls against incidents --------------------------------------------------------------------
@dataclass(frozen=True)
class TollComparison:
    toll: Mapping[str, Any]
    reported: int | None
    accounted: int
    incidents: tuple[str, ...]
    period: tuple[dt.date, dt.date] | None


def toll_period(toll: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The days a toll covers: from its stated start («منذ 5 حزيران»), else its week or month."""
    end = _as_date(toll.get("date"))
    if end is None:
        return None
    start = _as_date(toll.get("date_from"))
    if start is None:
        cue = ((toll.get("extra") or {}) if isinstance(toll.get("extra"), dict) else {}).get("kind_cue") or ""
        if toll.get("date_precision") == "month" or any(w in cue for w in ("شهر", "month")):
            start = end.replace(day=1)
        elif any(w in cue for w in ("أسبوع", "اسبوع", "week")):
            start = end - dt.timedelta(days=6)
        else:
            return None
    return (start, end)


def compare_toll(toll: Mapping[str, Any], incidents: Sequence[Incident]) -> TollComparison:
    """How much of a toll the incidents in its period and place account for:
    "incidents documented here account for 88 of the 125 reported by SOHR for that week"."""
    period = toll_period(toll)
    group = toll.get("group") or "people"
    city = _city_of(toll.get("place_id")) or toll.get("place_id")
    ids = []
    total = 0
    if period is not None:
        for inc in incidents:
            if inc.status != toll.get("status") or inc.date is None or not (period[0] <= inc.date <= period[1]):
                continue
            if city and _city_of(inc.place_id) != city and inc.place_id != city:
                continue
            tp = toll.get("perpetrator")
            if tp and tp != "unknown" and inc.perpetrator not in (tp, "unknown", None):
                continue
            c = inc.counts.get(group) or (inc.counts.get("civilians") if group == "people" else None) or (
                inc.counts.get("people") if group == "civilians" else None
            )
            if c and c.best is not None:
                total += c.best
                ids.append(inc.id)
    return TollComparison(toll, toll.get("best"), total, tuple(ids), period)
