"""Regrouping only what changed: an upload, a review, a merge/split decision or the re-extraction of
some articles regroups the incidents their reports can join or leave, with the same result as
grouping everything again (`rebuild`).

**Why it is the same.** The grouping (`grouping.Grouper`) takes the reports up day by day (each
merged group of reports on the day of its first report). A report can only join a cluster that
has a member within a day of it, so what the grouping does from day *d* on depends only on the
clusters that still have a member on day *d − 1* or later ("open" clusters) and on the reports of
day *d* and after. A change whose earliest day is *d0* is regrouped by restoring the open clusters
as they stood before *d0* (from ``incident_index``, which records for every report the day it was
taken up, the cluster it joined and its place in it), taking up again the reports of *d0* and the
following days, and stopping on the first day at or after the last changed one where the open
clusters are the same as those stored: from there on everything goes on as before. Usually that is
the day of the change or the next.

**What changed** is what ``regroup_owed`` lists: the articles whose figures were stored or
re-extracted, or which were reviewed, or named by a merge/split decision, in the same transaction
as the change (`core.storage.store.owe_regroup`). Reports merged by a journalist with a changed one
are taken up again with it.

**Ids.** An incident keeps its id while reports join it or leave it; when it is split, the part
with most of its reports keeps it; when two are merged, the merged incident gets a new one (a hash
of its reports, as a new incident does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from core.incidents import corroboration, grouping, plausibility, reviews, settings
from core.incidents.grouping import Cluster, Decision, Grouper, Incident, Report
from core.storage import incident_queries, queries
from core.storage.store import Store

log = logging.getLogger(__name__)

_LOCK = threading.RLock()  # one regrouping at a time in this process
# Owed more articles than this, and more than half of them all, a regrouping is a full one: on 10,000
# generated articles all owed, the full pass took a third of the CPU time (4.6 s, not 14 s) and
# three quarters of the extra memory (190 MB, not 250 MB).
REBUILD_OVER = 1000
# What DuckDB may keep in memory during a full regrouping (`Store.lean`): what it writes stays in memory
# until the commit, so more for a larger database (192 MB ran out at 1,000,000 figures, 256 MB did not).
LEAN_MB, FIGURES_PER_MB = 192, 3500
Key = tuple[str, str]


# ---- reports: from figures, to and from the index ------------------------------------------
def reports_of_articles(store: Store, article_ids: Sequence[str]) -> list[Report]:
    """The reports of some articles, from their reviewed figures (rejected ones left out)."""
    return reports_and_held(store, article_ids)[0]


def reports_and_held(store: Store, article_ids: Sequence[str]) -> tuple[list[Report], list[Key]]:
    """The reports of some articles (`reports_of_articles`) and their figures held back until a
    reviewer confirms them (`core.incidents.plausibility.held`)."""
    if not article_ids:
        return [], []
    rows = incident_queries.figure_rows_of_articles(store, list(article_ids))
    resolved = reviews.resolve(rows, queries.reviews_of(store, list(article_ids)))
    reports, _ = grouping.reports_from_figures(plausibility.counted_rows(resolved))
    return reports, [h.key for h in plausibility.held(resolved)]


def decisions_of(store: Store) -> list[Decision]:
    """Every stored merge/split decision, keyed by the current figure ids (as `aggregate.decisions`)."""
    rows = incident_queries.incident_decision_rows(store)
    spans = incident_queries.figure_spans(store, [d["article_a"] for d in rows] + [d["article_b"] for d in rows])
    out = []
    for d in rows:
        a = spans.get((d["article_a"], d["start_a"], d["end_a"], d["text_a"]))
        b = spans.get((d["article_b"], d["start_b"], d["end_b"], d["text_b"]))
        if a and b:
            out.append(Decision((d["article_a"], a), (d["article_b"], b), d["action"], d["created_at"], d["who"]))
    return out


def _report(row: Mapping[str, Any]) -> Report:
    text = row["parts"]
    parts = {g: tuple(v) for g, v in json.loads(text).items()} if text and text != "{}" else {}
    return Report(
        article_id=row["article_id"], figure_id=row["figure_id"], status=row["status"], group=row["group"],
        best=_int(row["best"]), min=_int(row["min"]), max=_int(row["max"]), kind=row["kind"], date=_day(row["day"]),
        date_inferred=bool(row["date_inferred"]), place_id=row["place_id"], perpetrator=row["perpetrator"],
        source=row["source"], published=_day(row["published"]), parts=parts,
        earlier=tuple(json.loads(row["earlier"])) if row["earlier"] and row["earlier"] != "[]" else (),
    )


def _int(v: Any) -> int | None:
    return None if v is None or v != v else int(v)


def _day(v: Any) -> dt.date | None:
    if v is None or v != v:
        return None
    return v.date() if isinstance(v, dt.datetime) else v


def _key_text(k: Key) -> str:
    return sys.intern(f"{k[0]}|{k[1]}")  # one string for a report's seed and cluster names


def _index_row(r: Report, seed: str, seed_day: dt.date | None, cluster: str, pos: int, incident_id: str) -> tuple:
    """An ``incident_index`` row, its values in `incident_queries.INDEX_COLUMNS` order (a tuple: a
    full regrouping holds one per report)."""
    return (
        r.article_id, r.figure_id, r.status, r.group, r.best, r.min, r.max, r.kind, r.date, r.date_inferred,
        r.place_id, r.perpetrator, r.source, r.published,
        json.dumps({g: list(v) for g, v in sorted(r.parts.items())}) if r.parts else "{}",
        json.dumps(list(r.earlier)) if r.earlier else "[]", seed, seed_day, cluster, pos, incident_id,
    )


# ---- ids --------------------------------------------------------------------------------------
def assign_ids(parts: Sequence[list[Report]], old_ids: Mapping[Key, str], taken: set[str] = frozenset()) -> list[str]:
    """An id for each new incident (`parts`): the old incident whose reports it mostly holds keeps
    its id (its heir: most of its reports, then the largest share of the part, then the first
    report); a part that is the heir of two or more old incidents (a merge) or of none gets a hash
    of its reports (`grouping.members_id`). `taken`: ids that must not be given again."""
    best: dict[str, tuple[tuple, int]] = {}
    for n, part in enumerate(parts):
        counts: dict[str, int] = {}
        for r in part:
            if r.key in old_ids:
                counts[old_ids[r.key]] = counts.get(old_ids[r.key], 0) + 1
        first = min(r.key for r in part)
        for x, c in counts.items():
            rank = (c, c / len(part), tuple(-ord(ch) for ch in "".join(first)))
            if x not in best or rank > best[x][0]:
                best[x] = (rank, n)
    heirs: dict[int, list[str]] = {}
    for x, (_, n) in best.items():
        heirs.setdefault(n, []).append(x)
    out = []
    used = set(taken)
    for n, part in enumerate(parts):
        ids = heirs.get(n, [])
        ident = ids[0] if len(ids) == 1 else grouping.members_id(part)
        salt = 0
        while ident in used:
            salt += 1
            ident = grouping.members_id(part) + f"-{salt}"
        used.add(ident)
        out.append(ident)
    return out


def _finish(clusters: Sequence[Cluster], never: set[frozenset], old_ids: Mapping[Key, str],
            seeds: Mapping[Key, tuple[str, dt.date | None]], taken: set[str] = frozenset(),
            verdicts: Sequence[corroboration.Verdict] = ()) -> tuple[list[Incident], list[dict]]:
    """Incidents and index rows of clusters (split decisions applied, ids assigned)."""
    parts: list[list[Report]] = []
    owner: list[Cluster] = []
    for c in clusters:
        for part in grouping.incidents_of(c, never):
            parts.append(part)
            owner.append(c)
    ids = assign_ids(parts, old_ids, taken)
    incidents = [grouping.make_incident(p, i, verdicts) for p, i in zip(parts, ids, strict=True)]
    by_key = {r.key: i for p, i in zip(parts, ids, strict=True) for r in p}
    rows = []
    for c in clusters:
        name = _name(c)
        for pos, r in enumerate(c.members):
            seed, day = seeds[r.key]
            rows.append(_index_row(r, seed, day, name, pos, by_key[r.key]))
    return incidents, rows


def _with_rule(version: str) -> str:
    """The stored state: the data version and the hold rule's version (`plausibility.signature`), as
    `core.incidents.aggregate.is_current` reads it."""
    return f"{version}|{rule_signature()}"


def rule_signature() -> str:
    """The hold rule's and the corroboration rule's versions: stored incidents made under other
    rules are recomputed in full (`core.incidents.aggregate.ensure_current`)."""
    return f"{plausibility.signature()}+{corroboration.signature()}"


# ---- a full regrouping ----------------------------------------------------------------------------
def rebuild(store: Store) -> int:
    """Regroup every report (the full rebuild: after re-extracting the whole database, or when the
    index is missing); incidents keep their ids as `assign_ids` says. Returns how many there are."""
    with _LOCK, store.lean(max(LEAN_MB, store.counts()["figures"] // FIGURES_PER_MB)):
        _, upto, version = incident_queries.owed_regroup(store)
        version = _with_rule(version)
        reports, held = _all_reports(store)
        decisions = decisions_of(store)
        seeds, never = grouping.merge_groups(reports, decisions)
        grouper = Grouper(never)
        grouper.add(s for s in seeds if not grouping.is_inert(s))
        clusters = grouper.clusters + [Cluster(list(s), grouping._sort_key(s[0])) for s in seeds if grouping.is_inert(s)]
        seed_of = {r.key: (_key_text(s[0].key), grouping.seed_day(s)) for s in seeds for r in s}
        del reports, seeds, grouper  # the clusters hold what is left to do: free the rest first
        old_ids = queries.incident_members(store)
        incidents, index = _finish(clusters, never, old_ids, seed_of,
                                   verdicts=corroboration.verdicts_from_decisions(decisions))
        del clusters, seed_of, old_ids  # not needed to write: free them first
        n = len(incidents)
        incident_queries.write_regrouping(store, incidents, index, version, upto, held=held, consume=True)
        return n


def _all_reports(store: Store) -> tuple[list[Report], list[Key]]:
    """Every report (reviewed values; rejected and held figures left out) and the figures held back,
    read a few thousand articles at a time: only the reports are kept, without their sentence (the
    grouping does not read it), not the figure rows (~6 KB each)."""
    by_article: dict[str, list[dict]] = {}
    for r in incident_queries.review_rows(store):
        by_article.setdefault(r["article_id"], []).append(r)
    reports: list[Report] = []
    held: list[Key] = []
    for rows in incident_queries.figure_rows_by_articles(store):
        mine = [r for a in sorted({r["article_id"] for r in rows}) for r in by_article.get(a, ())]
        resolved = reviews.resolve(rows, sorted(mine, key=lambda r: (r["created_at"], r["review_id"])))
        held += [h.key for h in plausibility.held(resolved)]
        reports += [_compact(r) for r in grouping.reports_from_figures(plausibility.counted_rows(resolved))[0]]
    return reports, held


_SHARED = ("article_id", "figure_id", "status", "group", "kind", "place_id", "perpetrator", "source", "outlet",
           "number_text")


def _compact(r: Report) -> Report:
    """A report without its sentence (the grouping does not read it), its texts shared with every other
    report that has the same (one string per value, not one per figure row): a third of the memory of a
    full regrouping's reports."""
    return dataclasses.replace(r, sentence="", **{f: sys.intern(v) for f in _SHARED if (v := getattr(r, f))})


# ---- an incremental one -------------------------------------------------------------------------
def update(store: Store) -> bool:
    """Regroup what ``regroup_owed`` lists; False (nothing done) when the index is not complete (a
    database from before it: `rebuild` then)."""
    with _LOCK:
        if not incident_queries.index_complete(store):
            return False
        if not incident_queries.rows_complete(store):
            incident_queries.fill_rows(store)  # a database from before ``incident_rows``: from its incidents
        owed, upto, version = incident_queries.owed_regroup(store)
        version = _with_rule(version)
        if not owed:
            incident_queries.write_regrouping(store, [], [], version, upto, clusters=[], incident_ids=[])
            return True
        if len(owed) > REBUILD_OVER and 2 * len(owed) > queries.article_count(store):
            rebuild(store)  # most of the database changed (a large import): one pass costs less
            return True
        _Regrouping(store, owed).run(version, upto)
        return True


class _Regrouping:
    def __init__(self, store: Store, owed: list[str]):
        self.store = store
        self.owed = set(owed)
        self.old: dict[Key, dict] = {}  # stored index rows read so far
        self.held: list[Key] = []  # the changed articles' figures held back until reviewed
        self.whole: set[str] = set()  # clusters all of whose stored rows are in `old`

    def _remember(self, rows: Iterable[dict], whole: bool = False) -> list[dict]:
        """Keep stored index rows read; `whole`: they are every row of their clusters."""
        rows = list(rows)
        for r in rows:
            self.old[(r["article_id"], r["figure_id"])] = r
        if whole:
            self.whole |= {r["cluster"] for r in rows}
        return rows

    def _rows_of_clusters(self, names: Iterable[str]) -> list[dict]:
        """Every stored index row of some clusters, in cluster and position order: those read whole
        before from memory, the others from the index."""
        names = set(names)
        missing = sorted(names - self.whole)
        if missing:
            self._remember(incident_queries.index_rows_of_clusters(self.store, missing), whole=True)
            self.whole |= set(missing)  # a cluster with no row left stays empty
        return sorted((r for r in self.old.values() if r["cluster"] in names), key=lambda r: (r["cluster"], r["pos"]))

    def run(self, version: str, upto: int | None) -> None:
        store = self.store
        fresh_reports, self.held = reports_and_held(store, sorted(self.owed))
        fresh = {r.key: r for r in fresh_reports}
        decisions = decisions_of(store)
        changed_old = self._remember(incident_queries.index_rows_of_articles(store, sorted(self.owed)))
        # the reports known now: fresh ones, else as the index has them (unchanged)
        dec_keys = {k for d in decisions for k in (d.a, d.b) if k[0] not in self.owed}
        known_rows = {(r["article_id"], r["figure_id"]): r for r in incident_queries.index_rows_of_articles(
            store, sorted({k[0] for k in dec_keys}))} if dec_keys else {}
        self._remember(known_rows.values())

        def current(k: Key) -> Report | None:
            if k[0] in self.owed:
                return fresh.get(k)
            row = self.old.get(k)
            return _report(row) if row is not None else None

        # merged groups over the decisions' reports, with the changed reports (dirty) closed over them
        merged_pool = {k: current(k) for d in decisions for k in (d.a, d.b)}
        merged_pool = {k: r for k, r in merged_pool.items() if r is not None}
        dirty: set[Key] = set(fresh) | {(r["article_id"], r["figure_id"]) for r in changed_old}
        while True:
            seeds_now, never = grouping.merge_groups(list(merged_pool.values()), decisions)
            group_of = {r.key: s for s in seeds_now for r in s}
            grown = set(dirty)
            for k in list(dirty):
                grown |= {r.key for r in group_of.get(k, ())}
            old_seeds = {self.old[k]["seed"] for k in grown if k in self.old}
            for row in self._remember(incident_queries.index_rows_of_seeds(store, sorted(old_seeds))):
                grown.add((row["article_id"], row["figure_id"]))
            for k in grown - dirty:
                r = current(k)
                if r is not None:
                    merged_pool.setdefault(k, r)
            if grown == dirty:
                break
            dirty = grown
        # the dirty reports as they are now, in their seeds
        now = {k: r for k in dirty if (r := current(k)) is not None}
        new_seeds: list[list[Report]] = []
        placed: set[Key] = set()
        for k in sorted(now, key=lambda k: grouping._sort_key(now[k])):
            if k in placed:
                continue
            seed = [r for r in group_of.get(k, [now[k]]) if r.key in now] or [now[k]]
            new_seeds.append(seed)
            placed |= {r.key for r in seed}
        seed_of: dict[Key, tuple[str, dt.date | None]] = {
            r.key: (_key_text(s[0].key), grouping.seed_day(s)) for s in new_seeds for r in s
        }
        days = {d for _, d in seed_of.values() if d is not None}
        days |= {_day(self.old[k]["seed_day"]) for k in dirty if k in self.old and self.old[k]["seed_day"] is not None}
        inert = [Cluster(list(s), grouping._sort_key(s[0])) for s in new_seeds if grouping.is_inert(s)]
        touched: set[str] = {self.old[k]["cluster"] for k in dirty if k in self.old}
        clusters: list[Cluster] = []
        if days:
            clusters, more = self._regroup_days(min(days), max(days), new_seeds, dirty, never, seed_of)
            touched |= more
        clusters += inert
        old_rows = self._rows_of_clusters(touched)
        for r in old_rows:
            seed_of.setdefault((r["article_id"], r["figure_id"]), (r["seed"], _day(r["seed_day"])))
        self._check(old_rows, dirty, now, clusters)
        # clusters taken up again exactly as stored, with none of their reports changed, are kept as stored
        same = _as_stored(clusters, old_rows, dirty, seed_of)
        clusters = [c for c in clusters if _name(c) not in same]
        old_rows = [r for r in old_rows if r["cluster"] not in same]
        old_ids = {(r["article_id"], r["figure_id"]): r["incident_id"] for r in old_rows}
        old_incidents = sorted({r["incident_id"] for r in old_rows})
        verdicts = corroboration.verdicts_from_decisions(decisions)
        incidents, index = _finish(clusters, never, old_ids, seed_of, verdicts=verdicts)
        clash = incident_queries.existing_incident_ids(store, [i.id for i in incidents]) - set(old_incidents)
        if clash:  # an id still used by an incident outside this regrouping: give a fresh one
            incidents, index = _finish(clusters, never, old_ids, seed_of, taken=clash, verdicts=verdicts)
        incident_queries.write_regrouping(store, incidents, index, version, upto,
                                          clusters=sorted(touched - same), incident_ids=old_incidents,
                                          held=self.held, held_of=sorted(self.owed))

    def _regroup_days(self, d0: dt.date, last: dt.date, new_seeds: list[list[Report]], dirty: set[Key],
                      never: set[frozenset], seed_of: dict) -> tuple[list[Cluster], set[str]]:
        """Take the reports up again from day `d0` until the open clusters are those stored again
        (at or after `last`, the last changed day). Returns the clusters made or changed and the
        stored clusters they replace."""
        store = self.store
        back = dt.timedelta(days=settings.lookback_days())
        before = d0 - back if d0 > dt.date.min + back else d0
        start = self._remember(incident_queries.open_cluster_rows(store, d0, before))
        stored_index = _Stored(store, d0, start, lambda rows: self._remember(rows, whole=True))
        initial = _clusters(start)
        touched = {c.name for c in initial}
        grouper = Grouper(never, initial)
        by_day: dict[dt.date, list[list[Report]]] = {}
        for s in new_seeds:
            d = seed_of[s[0].key][1]
            if d is not None:
                by_day.setdefault(d, []).append(s)
        day: dt.date | None = d0
        converged = None
        while day is not None:
            rows = [r for r in self._remember(stored_index.taken_on(day))
                    if (r["article_id"], r["figure_id"]) not in dirty]
            touched |= {r["cluster"] for r in rows}
            old_seeds: dict[str, list[Report]] = {}
            for r in rows:
                old_seeds.setdefault(r["seed"], []).append(_report(r))
            seeds = [sorted(s, key=grouping._sort_key) for s in old_seeds.values()] + by_day.get(day, [])
            grouper.add(sorted(seeds, key=lambda s: grouping._sort_key(s[0])))
            if day >= last:
                stored = _cluster_keys(self._remember(stored_index.open_after(day)))
                open_now = [c for c in grouper.clusters if _open_on(c, day)]
                # the same open clusters, and none holds a changed report: a report taken up later
                # joined a cluster on counts and attackers that a changed report may no longer have
                if set(stored.values()) == {c.keys for c in open_now} and not any(
                    r.key in dirty for c in open_now for r in c.members
                ):
                    converged = day
                    break
            later = [d for d in by_day if d > day]
            nxt = stored_index.next_day(day)
            candidates = [d for d in [*later, nxt] if d is not None]
            day = min(candidates) if candidates else None
        if converged is not None:
            # the open clusters go on as stored: give them their members taken up later
            stored = {keys: name for name, keys in _cluster_keys(stored_index.open_after(converged)).items()}
            rest = self._rows_of_clusters(stored.values())
            later_members: dict[str, list[Report]] = {}
            for r in rest:
                if r["seed_day"] is not None and _day(r["seed_day"]) > converged:
                    later_members.setdefault(r["cluster"], []).append(_report(r))
            for c in grouper.clusters:
                name = stored.get(c.keys) if _open_on(c, converged) else None
                if name is not None:
                    c.members.extend(later_members.get(name, []))
                    touched.add(name)
        return grouper.clusters, touched

    def _check(self, old_rows: list[dict], dirty: set[Key], now: Mapping[Key, Report], clusters: list[Cluster]) -> None:
        """The regrouped clusters hold exactly the reports of the clusters they replace, changed ones
        as they are now: else the index was not what it should be."""
        before = {(r["article_id"], r["figure_id"]) for r in old_rows} - dirty | set(now)
        after = [r.key for c in clusters for r in c.members]
        if set(after) != before or len(after) != len(set(after)):
            raise IndexMismatch(f"regrouping covered {len(set(after))} reports, expected {len(before)}")


def _name(c: Cluster) -> str:
    """A cluster's name in the index: as stored, or its first report's key for a new one."""
    return _key_text(c.members[0].key) if c.name is None else c.name


def _as_stored(clusters: Iterable[Cluster], old_rows: Iterable[dict], dirty: set[Key],
               seed_of: Mapping[Key, tuple[str, dt.date | None]]) -> set[str]:
    """The clusters regrouped exactly as stored: the same reports in the same order, taken up in the same
    seeds on the same days, none of them changed. Their incidents are the stored ones (an incident is
    made from its cluster's reports alone, and a decision marks its reports changed)."""
    stored: dict[str, list[tuple]] = {}
    for r in old_rows:  # in cluster, pos order
        stored.setdefault(r["cluster"], []).append((r["article_id"], r["figure_id"], r["seed"], _day(r["seed_day"])))
    return {name for c in clusters
            if stored.get(name := _name(c)) == [(*m.key, *seed_of[m.key]) for m in c.members]
            and not any(m.key in dirty for m in c.members)}


class _Stored:
    """The stored index as the day-by-day regrouping reads it from day `d0` on, a stretch of days at a
    time instead of a few queries a day: the clusters open before `d0` (`start`: as
    `incident_queries.open_cluster_rows` gives them), then every cluster that took up a report on the
    days read since. A cluster still open after a day took up a report on one of those days, or was
    open before `d0`: so the open clusters after any day read (`open_after`) are those the same query
    on the whole index gives."""

    def __init__(self, store: Store, d0: dt.date, start: list[dict], read: Callable[[list[dict]], Any]):
        self.store = store
        self.read = read  # told of every stretch read (whole clusters)
        self.rows: dict[Key, dict] = {}
        self.days: dict[dt.date, list[dict]] = {}
        self.first = d0
        self.read_to: dt.date | None = None  # seed days read: from `first` to this one
        self._keep(start)

    def _keep(self, rows: Iterable[dict]) -> None:
        for r in rows:
            self.rows.setdefault((r["article_id"], r["figure_id"]), r)

    def _read(self, day: dt.date) -> None:
        """Read on to `day` at least: a stretch of `lookback_days` + 2 days (where a change usually settles)."""
        if self.read_to is not None and day <= self.read_to:
            return
        first = self.first if self.read_to is None else self.read_to + dt.timedelta(days=1)
        last = max(day, first + dt.timedelta(days=settings.lookback_days() + 1))
        rows = incident_queries.index_rows_of_clusters_taking(self.store, first, last)
        self.read(rows)
        self._keep(rows)
        for r in rows:
            d = _day(r["seed_day"])
            if d is not None and first <= d <= last:
                self.days.setdefault(d, []).append(r)
        self.read_to = last

    def taken_on(self, day: dt.date) -> list[dict]:
        """The index rows of the reports the grouping took up on `day` (its `seed_day`)."""
        self._read(day)
        return self.days.get(day, [])

    def next_day(self, after: dt.date) -> dt.date | None:
        """The first day after `after` on which the grouping took up a report (`next_seed_day`)."""
        self._read(after)
        later = [d for d in self.days if d > after]
        if later:
            return min(later)
        return incident_queries.next_seed_day(self.store, self.read_to)

    def open_after(self, day: dt.date) -> list[dict]:
        """`incident_queries.open_cluster_rows(day + 1, _open_from(day))`, from the rows read."""
        self._read(day)
        start = _open_from(day)
        taken = [r for r in self.rows.values() if r["seed_day"] is not None and _day(r["seed_day"]) <= day]
        open_ = {r["cluster"] for r in taken if (d := _day(r["day"]) or _day(r["published"])) is not None
                 and d >= start}
        return sorted((r for r in taken if r["cluster"] in open_), key=lambda r: (r["cluster"], r["pos"]))


class IndexMismatch(RuntimeError):
    """The stored index does not describe the stored incidents (the caller rebuilds them)."""


def _open_from(day: dt.date) -> dt.date:
    """The earliest member day of a cluster that a report taken up after `day` can still join."""
    back = settings.lookback_days() - 1
    return day - dt.timedelta(days=back) if day > dt.date.min + dt.timedelta(days=back) else day


def _open_on(c: Cluster, day: dt.date) -> bool:
    """Can a report taken up after `day` still join the cluster (a member within the look-back)?"""
    start = _open_from(day)
    return any(m.day is not None and m.day >= start for m in c.members)


def _cluster_keys(rows: Iterable[dict]) -> dict[str, frozenset[Key]]:
    """The reports of each cluster, from index rows (as `Cluster.keys`, without reading the reports)."""
    by: dict[str, set[Key]] = {}
    for r in rows:
        by.setdefault(r["cluster"], set()).add((r["article_id"], r["figure_id"]))
    return {name: frozenset(keys) for name, keys in by.items()}


def _clusters(rows: Iterable[dict]) -> list[Cluster]:
    """Clusters from index rows (already in cluster, pos order), each ordered by its first report."""
    by: dict[str, list[Report]] = {}
    for r in rows:
        by.setdefault(r["cluster"], []).append(_report(r))
    return [Cluster(m, min(grouping._sort_key(x) for x in m), name) for name, m in by.items()]
