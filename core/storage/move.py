"""Moving between set-ups: copy a whole database into a new one — a DuckDB file into a lake, a lake
into a file, or one lake into another — and check that every table arrived whole.

Command line::

    python -m core.storage.move SOURCE DESTINATION

Each of SOURCE and DESTINATION is a DuckDB file or a lake (``ducklake:sqlite:PATH``,
``ducklake:postgres:CONNINFO``; a new lake's data folder is ``$CASUALTY_DATA``, else beside its
catalog). The destination must hold no articles yet. The copy is one transaction: a copy that fails
or is killed leaves the destination as empty as it was. The source is read from one snapshot (a
lake keeps being usable meanwhile); a DuckDB file must not be open in another program. Afterwards
the rows of every table are counted on both sides; any difference is an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import duckdb

from core.storage.store import Store, StoreError, owe_regroup

# Every table the project stores, in the order they are copied. ``places`` (the gazetteer) is
# written by every new database itself; ``regroup_owed`` (marks of the file's sequence, or of a lake's
# turns) is not copied as it is: the articles it lists are marked again in the destination.
TABLES = ("articles", "figures", "reviews", "incident_decisions", "incidents", "incident_counts",
          "incident_reports", "incident_corroboration", "incident_state", "incident_index", "incident_index_state",
          "held_figures", "held_figures_state", "incident_rows", "incident_rows_state")
CHECKED = (*TABLES, "places")
_BATCH_ROWS = 50_000


class MoveError(StoreError):
    """A copy that cannot be made, or whose counts do not match."""


def _count(store: Store, table: str) -> int:
    return int(store.cursor().execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def copy(source: Store, destination: Store, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of `source` into the empty `destination` in one transaction and return the
    rows of each table (`CHECKED`), after checking that both sides hold as many."""
    if source.path == destination.path:
        raise MoveError("The source and the destination are the same database.")
    already = _count(destination, "articles")
    if already:
        raise MoveError(f"The destination {destination.path} already holds {already} article(s): "
                        "copy into a new database (a new file, or a lake with a new catalog).")
    with source.pinned() as src:
        counts = {t: _count(src, t) for t in CHECKED}
        if _count(src, "regroup_owed"):
            counts["incident_state"] = 0  # marked out of date in the copy too
        owed = sorted({r[0] for r in src.cursor().execute("SELECT DISTINCT article_id FROM regroup_owed").fetchall()})

        def work(cur: duckdb.DuckDBPyConnection) -> None:
            for table in TABLES:
                cur.execute(f"DELETE FROM {table}").fetchall()  # the empty incident state a new database has
                reader = src.cursor().execute(f"SELECT * FROM {table}").to_arrow_reader(_BATCH_ROWS)
                copied = 0
                for batch in reader:
                    cur.register("_move_batch", batch)
                    cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _move_batch").fetchall()
                    cur.unregister("_move_batch")
                    copied += batch.num_rows
                if progress:
                    progress(table, copied)
            if owed:  # the source owed a regrouping of these: so does the copy (regrouped on first use)
                owe_regroup(cur, owed)

        destination.write(work, what=f"copy {source.path} into {destination.path}")
    arrived = {t: _count(destination, t) for t in CHECKED}
    wrong = [f"{t}: {counts[t]} in the source, {arrived[t]} in the destination" for t in CHECKED if counts[t] != arrived[t]]
    if wrong:
        raise MoveError("The copy does not match the source: " + "; ".join(wrong) + ".")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.storage.move", description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="a DuckDB file or a lake (ducklake:sqlite:PATH, ducklake:postgres:CONNINFO)")
    ap.add_argument("destination", help="a new DuckDB file or lake")
    args = ap.parse_args(argv)
    stores: list[Store] = []
    try:
        source = Store.open(args.source)
        stores.append(source)
        destination = Store.open(args.destination)
        stores.append(destination)

        def say(table: str, n: int) -> None:
            print(f"  {table}: {n} row(s) copied", flush=True)

        counts = copy(source, destination, say)
    except StoreError as err:
        print(err, file=sys.stderr)
        return 1
    finally:
        for s in stores:
            s.close()
    summary: dict[str, Any] = {t: counts[t] for t in ("articles", "figures", "reviews", "incidents")}
    print(f"Copied {source.path} into {destination.path}; every table has as many rows on both sides ("
          + ", ".join(f"{n} {t}" for t, n in summary.items()) + ").")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
