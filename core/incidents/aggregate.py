"""Incidents in the database, and the weekly totals a newsroom publishes.

`regroup(store)` regroups only the incidents that the changed articles' reports can join or leave
(`core.incidents.incremental`); it runs after articles are added or some re-extracted, after every
review and every merge/split decision. `recompute(store)` rebuilds the incidents from every stored
figure (reviewed values where a journalist corrected one) and the journalists' decisions,
deterministically, in one transaction: the same result, used after re-extracting the whole
database and by ``python -m core.incidents.aggregate recompute``. `weekly(store)` adds up incidents (each once, with its best, min and max), never
raw figures, never tolls.

Command line::

    python -m core.incidents.aggregate weekly [--db FILE] [--status killed] [--group civilians]
    python -m core.incidents.aggregate recompute [--db FILE]
    python -m core.incidents.aggregate tolls [--db FILE]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import babel
import pandas as pd

from core.incidents import corroboration, incremental, plausibility, reviews
from core.incidents import grouping as inc_mod
from core.incidents.grouping import Decision, Incident
from core.storage import incident_queries, queries
from core.storage.store import Store, StoreError

log = logging.getLogger(__name__)


def _rows(store: Store) -> list[dict]:
    """The figure rows incidents are made of: reviewed values, rejected figures and figures held
    back for review left out (`core.incidents.plausibility.counted_rows`)."""
    rows = incident_queries.figure_rows_for_incidents(store)
    return plausibility.counted_rows(reviews.resolve(rows, incident_queries.review_rows(store)))


def _state_version(version: tuple) -> str:
    """What the stored incidents were computed from: the data version and the hold rule's own
    version (`core.incidents.plausibility.signature`), so that a database from before a rule
    change is recomputed when it is opened."""
    return f"{tuple(version)!r}|{incremental.rule_signature()}"


def decisions(store: Store, rows: Sequence[dict] | None = None) -> list[Decision]:
    """Stored merge/split decisions, re-keyed to the current figure ids (a figure is known by its
    article, span and number, so decisions survive re-extraction)."""
    rows = rows if rows is not None else _rows(store)
    by_span = {(r["article_id"], r["start"], r["end"], r["number_text"]): r["id"] for r in rows}
    out = []
    for d in incident_queries.incident_decision_rows(store):
        a = by_span.get((d["article_a"], d["start_a"], d["end_a"], d["text_a"]))
        b = by_span.get((d["article_b"], d["start_b"], d["end_b"], d["text_b"]))
        if a and b:
            out.append(Decision((d["article_a"], a), (d["article_b"], b), d["action"], d["created_at"], d["who"]))
    return out


# How often a regrouping on a lake starts again when another process wrote while it ran
_STALE_RETRIES = 20


def build(store: Store) -> tuple[list[Incident], list[dict]]:
    rows = _rows(store)
    reports, tolls = inc_mod.reports_from_figures(rows)
    return inc_mod.build_incidents(reports, decisions(store, rows)), tolls


def recompute(store: Store) -> int:
    """Rebuild and store all incidents (the full rebuild: after re-extracting the whole database, and
    ``python -m core.incidents.aggregate recompute``); returns how many there are. Records the data
    version they were computed for (`is_current`). Incidents keep their ids where their reports
    allow (`incremental.assign_ids`)."""
    for _ in range(_STALE_RETRIES):
        try:
            return incremental.rebuild(store)
        except incident_queries.StaleRegrouping:
            continue  # on a lake another process wrote meanwhile: group again from what is there now
    return incremental.rebuild(store)


def regroup(store: Store) -> None:
    """Regroup only what changed since the incidents were last stored (`core.incidents.incremental`):
    after an upload, a review, a decision or the re-extraction of some articles. Falls back to the
    full `recompute` for a database whose grouping index is missing or does not match."""
    for _ in range(_STALE_RETRIES):
        try:
            if incremental.update(store):
                return
            break
        except incremental.IndexMismatch as err:
            log.warning("incidents rebuilt in full: %s", err)
            break
        except incident_queries.StaleRegrouping:
            continue  # on a lake another process wrote meanwhile: group again from what is there now
    recompute(store)


def is_current(store: Store, version: tuple | None = None) -> bool:
    """Were the incidents computed from the data as it is now (`core.storage.queries.data_version`)?"""
    version = queries.data_version(store) if version is None else version
    return incident_queries.incident_state(store) == _state_version(version)


def ensure_current(store: Store, version: tuple | None = None) -> bool:
    """Recompute the incidents if the data changed since (figures added by another program, a
    database from before incidents existed); True if it recomputed. Cheap when current.
    A read-only database (public mode) is shown as its editors last grouped it: never regrouped here."""
    if getattr(store, "read_only", False):
        return False
    if is_current(store, version):
        if not incident_queries.rows_complete(store):
            incident_queries.fill_rows(store)  # a database from before ``incident_rows``: from its incidents
        return False
    state = incident_queries.incident_state(store)
    if state is not None and not state.endswith("|" + incremental.rule_signature()):
        recompute(store)  # grouped under another hold rule (`plausibility.signature`): all of it again
    else:
        regroup(store)  # changes owed (``regroup_owed``): only what they touch
    return True


def decide(store: Store, a: tuple[str, str], b: tuple[str, str], action: str, who: str, note: str = "") -> None:
    """Record that two reports are (merge) or are not (split) the same event, then recompute."""
    decide_pairs(store, [(a, b)], action, who, note)


def decide_pairs(
    store: Store, pairs: Sequence[tuple[tuple[str, str], tuple[str, str]]], action: str, who: str, note: str = ""
) -> None:
    """`decide` for several pairs of reports at once (one recomputation): `split_out`, `merge`."""
    if action not in ("merge", "split"):
        raise ValueError(f"action must be 'merge' or 'split', not {action!r}")
    if not who.strip():
        raise ValueError("say who decides: a reviewer name is required")
    for a, b in pairs:
        incident_queries.add_incident_decision(store, a, b, action, who.strip(), note)
    regroup(store)


def decide_status(store: Store, report: tuple[str, str], action: str, who: str, note: str = "") -> None:
    """A reviewer marks the incident of `report` corroborated or disputed (or withdraws their mark:
    undecided), with a note; stored append-only beside the merge/split decisions, then regrouped."""
    if action not in corroboration.VERDICTS:
        raise ValueError(f"status must be corroborated, disputed or undecided, not {action!r}")
    if not who.strip():
        raise ValueError("say who decides: a reviewer name is required")
    incident_queries.add_incident_decision(store, report, report, action, who.strip(), note)
    regroup(store)


def incident_of(store: Store, report: tuple[str, str]) -> str | None:
    """The id of the incident a report belongs to now."""
    return incident_queries.incident_of_report(store, *report)


def corroboration_of(store: Store, incident_id: str | None) -> dict | None:
    """An incident's status, the status the rule gives, a reviewer's verdict, origins, publication check."""
    return incident_queries.corroboration_of(store, incident_id)


def status_history(store: Store, incident_id: str | None) -> list[dict]:
    """Reviewers' status decisions about the incident, oldest first (who, when, note)."""
    return incident_queries.status_decisions_of(store, incident_id, list(corroboration.VERDICTS))


def split_out(store: Store, report: tuple[str, str], others: Sequence[tuple[str, str]], who: str,
              note: str = "") -> None:
    """A report is not the event its incident's other reports describe: split from each of them."""
    decide_pairs(store, [(report, o) for o in others if o != report], "split", who, note)


def merge(store: Store, a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]], who: str, note: str = "") -> None:
    """Two incidents (their reports `a` and `b`) are one event: every report of one is merged with
    every report of the other, which also overrides earlier splits between them."""
    decide_pairs(store, [(x, y) for x in a for y in b if x != y], "merge", who, note)


def weekly(store: Store, status: str = "killed", group: str = "civilians") -> pd.DataFrame:
    """Per ISO week (Monday): incidents, and the sum of their best, min and max for one group
    (civilians include reports that say only 'people')."""
    df = incident_queries.incident_counts_frame(store, status)
    groups = [group] + (["people"] if group == "civilians" else [])
    df = df[df["group"].isin(groups) & df["date"].notna()]
    if df.empty:
        return pd.DataFrame(columns=["week", "incidents", "best", "min", "max"])
    # one row per incident: its own group first, then 'people'
    df = df.sort_values(["incident_id", "group"], key=lambda s: s.map(lambda g: groups.index(g)) if s.name == "group" else s)
    df = df.drop_duplicates("incident_id")
    dates = pd.to_datetime(df["date"])
    df = df.assign(week=(dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.date)
    out = df.groupby("week").agg(
        incidents=("incident_id", "nunique"),
        best=("best", lambda s: int(s.fillna(0).sum())),
        min=("min", lambda s: int(s.fillna(0).sum())),
        max=("max", lambda s: int(s.fillna(0).sum())),
    )
    return out.reset_index()


def toll_comparisons(store: Store) -> list[inc_mod.TollComparison]:
    incidents, tolls = build(store)
    return [inc_mod.compare_toll(t, incidents) for t in tolls]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.incidents.aggregate", description="Incidents and weekly totals.")
    ap.add_argument("command", choices=["weekly", "recompute", "tolls"])
    ap.add_argument("--db", help="database file or lake (ducklake:sqlite:PATH, ducklake:postgres:CONNINFO; default: $CASUALTY_DB or data/casualties.duckdb)")
    ap.add_argument("--status", default="killed", choices=["killed", "injured", "killed_or_injured"])
    ap.add_argument("--group", default="civilians", choices=["civilians", "children", "women", "fighters", "people"])
    args = ap.parse_args(argv)
    try:
        store = Store.open(args.db)
    except StoreError as err:
        print(err, file=sys.stderr)
        return 1
    n = recompute(store)
    if args.command == "recompute":
        print(f"{_count(n, 'incident', 'incidents')} rebuilt from {_count(store.counts()['figures'], 'figure', 'figures')}.")
        return 0
    if args.command == "tolls":
        for c in toll_comparisons(store):
            t = c.toll
            period = f"{c.period[0]}..{c.period[1]}" if c.period else "period not stated"
            print(f"{t.get('source') or 'unknown source'}: {c.reported} {t.get('group')} {t.get('status')} "
                  f"({period}); incidents documented here account for {c.accounted} of them "
                  f"({len(c.incidents)} incident(s)).")
        return 0
    table = weekly(store, args.status, args.group)
    print(f"Weekly {args.group} {args.status.replace('_', ' or ')}, counted by incident "
          f"({n} incidents in the database):")
    if table.empty:
        print("  no dated incidents.")
        return 0
    print(f"  {'week of':<12}{'incidents':>10}{'best':>8}{'min':>8}{'max':>8}")
    for r in table.itertuples():
        print(f"  {r.week!s:<12}{r.incidents:>10}{r.best:>8}{r.min:>8}{r.max:>8}")
    print(f"  {'total':<12}{int(table.incidents.sum()):>10}{int(table.best.sum()):>8}"
          f"{int(table['min'].sum()):>8}{int(table['max'].sum()):>8}")
    return 0


def _count(n: int, one: str, other: str) -> str:
    """"1 article", "2 articles": English's CLDR plural rule (Babel), for the command line."""
    return f"{n} {one if babel.Locale('en').plural_form(n) == 'one' else other}"


if __name__ == "__main__":
    raise SystemExit(main())

