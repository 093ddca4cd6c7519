"""SQL for incidents: the figures `core.incidents.grouping` groups, stored merge/split decisions, the derived
incident tables it writes, and the incident rows the pages filter and list.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pandas as pd

from core.storage.filter_sql import NOT_STATED, _filter_sql
from core.storage.store import Store, StoreError, _py


# ---- incidents (core.incidents.aggregate) ----
def figure_rows_for_incidents(store: Store) -> list[dict[str, Any]]:
    """Every figure with its article's publication date, its source of that date and outlet."""
    # fetchall, not .df(): plain Python values straight away (five times faster on 50,000 figures)
    cur = store.cursor().execute(
        "SELECT f.* EXCLUDE (event_date), a.published, a.published_source, a.outlet FROM figures f "
        "JOIN articles a ON a.id = f.article_id ORDER BY f.article_id, f.start"
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    for r in rows:
        r["extra"] = json.loads(r["extra"]) if r.get("extra") else {}
    return rows


def review_rows(store: Store) -> list[dict[str, Any]]:
    df = store.cursor().execute("SELECT * FROM reviews ORDER BY created_at, review_id").df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


def incident_decision_rows(store: Store) -> list[dict[str, Any]]:
    df = store.cursor().execute("SELECT * FROM incident_decisions ORDER BY created_at, decision_id").df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


def add_incident_decision(
    store: Store, a: tuple[str, str], b: tuple[str, str], action: str, who: str, note: str = ""
) -> str:
    """Append a merge/split decision about two figures (known by article, span and number)."""
    cur = store.cursor()
    keys = []
    for article_id, figure_id in (a, b):
        rows = cur.execute(
            "SELECT start, \"end\", number_text FROM figures WHERE article_id = ? AND id = ?", [article_id, figure_id]
        ).fetchall()
        if not rows:
            raise StoreError(f"No figure {figure_id} in article {article_id}.")
        keys.append(rows[0])
    decision_id = uuid.uuid4().hex
    with store._write_lock:
        cur.execute(
            "INSERT INTO incident_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [decision_id, a[0], a[1], *keys[0], b[0], b[1], *keys[1], action, who, note or None, dt.datetime.now()],
        ).fetchall()
    return decision_id


def replace_incidents(store: Store, incidents: list[Any]) -> None:
    """Swap the derived incident tables for a new computation, in one transaction."""
    inc = pd.DataFrame(
        [(i.id, i.status, i.date, i.place_id, i.perpetrator, i.articles) for i in incidents],
        columns=["id", "status", "date", "place_id", "perpetrator", "articles"],
    )
    counts = pd.DataFrame(
        [(i.id, g, c.best, c.min, c.max, c.reports) for i in incidents for g, c in sorted(i.counts.items())],
        columns=["incident_id", "group", "best", "min", "max", "reports"],
    )
    members = pd.DataFrame(
        [(i.id, r.article_id, r.figure_id) for i in incidents for r in i.reports],
        columns=["incident_id", "article_id", "figure_id"],
    )
    for c in ("best", "min", "max"):
        counts[c] = counts[c].astype("Int64")
    inc["date"] = pd.to_datetime(inc["date"]).dt.date
    with store._write_lock, store.transaction() as cur:
        for table in ("incident_reports", "incident_counts", "incidents"):
            cur.execute(f"DELETE FROM {table}").fetchall()
        for table, df in (("incidents", inc), ("incident_counts", counts), ("incident_reports", members)):
            if not df.empty:
                Store._append(cur, table, df.astype({c: object for c in df.columns if df[c].dtype == object}))


def incident_counts_frame(store: Store, status: str = "killed") -> pd.DataFrame:
    """One row per incident and victim group: its date and best/min/max."""
    return store.cursor().execute(
        "SELECT c.incident_id, c.\"group\", c.best, c.min, c.max, c.reports, i.date, i.place_id, i.perpetrator "
        "FROM incident_counts c JOIN incidents i ON i.id = c.incident_id WHERE i.status = ? "
        "ORDER BY i.date, c.incident_id",
        [status],
    ).df()


# ---- incident queries for the pages ----
# The trend chart and the map count incidents (`core.incidents.grouping`: one event, many reports), each
# once, with its best, min and max, never the raw figures of every article that reported it. These
# helpers turn the derived incident tables (written by `core.incidents.aggregate.recompute`) into rows with
# the same fields the filters look at: the incident's status, date (else its earliest report's event
# date), perpetrator, place (gazetteer id, else a place as written by a report) and the sources of
# all its reports (`SOURCE_SEP`-joined: an incident matches a source if any report has it).

SOURCE_SEP = "\x1f"

_INCIDENT_ROWS = f"""
    _members AS (
        SELECT r.incident_id, f.article_id, f.id AS figure_id, f."group", f.source, f.place, f.event_date,
               f.perpetrator
        FROM incident_reports r JOIN figures f ON f.article_id = r.article_id AND f.id = r.figure_id
    ),
    _inc AS (
        SELECT m.incident_id,
               string_agg(DISTINCT coalesce(m.source, '{{ns}}'), '{SOURCE_SEP}' ORDER BY coalesce(m.source, '{{ns}}'))
                   AS sources,
               min(m.place) AS place_text, min(m.event_date) AS first_date,
               min(m.article_id) AS article_id, arg_min(m.figure_id, m.article_id) AS figure_id,
               list(DISTINCT m."group") AS heads, list_contains(list(m.perpetrator), 'unknown') AS said_unknown,
               CASE WHEN list_contains(list(m."group"), 'civilians') THEN 'civilians' ELSE min(m."group") END
                   AS head_group
        FROM _members m GROUP BY m.incident_id
    ),
    _rows AS (
        SELECT CASE WHEN list_contains(x.heads, c."group") THEN 0 ELSE 1 END AS role, i.status,
               CASE WHEN list_contains(x.heads, c."group") THEN c."group" ELSE 'of_which_' || c."group" END
                   AS series,
               CASE WHEN list_contains(x.heads, c."group") THEN c."group" ELSE x.head_group END AS "group",
               c."group" AS count_group,
               CASE WHEN i.perpetrator = 'unknown' AND NOT x.said_unknown THEN NULL ELSE i.perpetrator END
                   AS perpetrator, i.place_id, x.place_text AS place, x.sources AS source,
               c.best, coalesce(c.min, c.best) AS low, coalesce(c.max, c.best) AS high,
               coalesce(i.date, x.first_date) AS event_date, i.id AS incident_id, x.article_id, x.figure_id,
               i.articles
        FROM incident_counts c JOIN incidents i ON i.id = c.incident_id JOIN _inc x ON x.incident_id = c.incident_id
        WHERE list_contains(x.heads, c."group") OR c."group" IN ('children', 'women')
    )
"""


def _incident_rows_sql(select: str) -> str:
    """``WITH`` the incident rows (``_rows``: one per incident and counted group; role 0 a group the
    reports are about, role 1 an "of which" breakdown) followed by `select`."""
    return "WITH " + _INCIDENT_ROWS.replace("{ns}", NOT_STATED) + select


def _incident_filter_sql(f: Any, params: list[Any], dates: bool = True) -> str:
    """`_filter_sql` for the rows of `_incident_rows_sql` (aliased ``x``): a source filter matches an
    incident when any of its reports has one of the sources."""
    sources = f.sources
    cond = _filter_sql(_without_sources(f), "x", params, dates)
    if sources:
        cond += f" AND list_has_any(string_split(x.source, '{SOURCE_SEP}'), ?)"
        params.append(list(sources))
    return cond


def _without_sources(f: Any) -> Any:
    import dataclasses

    return dataclasses.replace(f, sources=())


def incident_state(store: Store) -> str | None:
    """The data version the incident tables were last computed for (`data_version`, as text); None
    when a change to the figures has not been regrouped yet (`store._owe_regroup`)."""
    rows = store.cursor().execute("SELECT version FROM incident_state").fetchall()
    return rows[0][0] if rows else None


def set_incident_state(store: Store, version: str) -> None:
    with store._write_lock, store.transaction() as cur:
        cur.execute("DELETE FROM incident_state").fetchall()
        cur.execute("INSERT INTO incident_state VALUES (?)", [version]).fetchall()


def incident_list(store: Store, f: Any | None = None, limit: int = 2000) -> pd.DataFrame:
    """Incidents, latest first, for the Incidents page: id, status, date, place_id, place (as written),
    perpetrator, reports (articles), sources and, per victim group, best/min/max (``best_<group>`` ...).
    With filters `f` (a `core.views.filters.Filters`), only incidents with a counted row matching them."""
    params: list[Any] = []
    where = "TRUE"
    if f is not None:
        where = _incident_filter_sql(f, params, dates=True)
    sql = _incident_rows_sql(f"""
        , _hit AS (SELECT DISTINCT x.incident_id FROM _rows x WHERE {where})
        SELECT i.id, i.status, i.date, i.place_id, x.place_text AS place,
               CASE WHEN i.perpetrator = 'unknown' AND NOT x.said_unknown THEN NULL ELSE i.perpetrator END
                   AS perpetrator, i.articles AS reports,
               replace(x.sources, '{SOURCE_SEP}', ', ') AS sources, c."group", c.best, c.min, c.max
        FROM incidents i JOIN _inc x ON x.incident_id = i.id JOIN incident_counts c ON c.incident_id = i.id
        WHERE i.id IN (SELECT incident_id FROM _hit)
        ORDER BY i.date DESC NULLS LAST, i.id, c."group"
    """)
    df = store.cursor().execute(sql, params).df()
    cols = ["id", "status", "date", "place_id", "place", "perpetrator", "reports", "sources"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    wide = df.pivot_table(index="id", columns="group", values=["best", "min", "max"], aggfunc="first")
    wide.columns = [f"{v}_{g}" for v, g in wide.columns]
    base = df.drop_duplicates("id")[cols].set_index("id")
    out = base.join(wide).reset_index()
    out = out.sort_values(["date", "id"], ascending=[False, True], na_position="last").head(int(limit))
    return out.reset_index(drop=True)


def incident_reports_of(store: Store, incident_id: str) -> pd.DataFrame:
    """Every report of one incident, side by side: its article (outlet, title, published, url), its
    head figure (count, group, date, place, perpetrator, source, sentence) and ids."""
    sql = """
        SELECT r.article_id, r.figure_id, a.outlet, a.title, a.published, a.url, f.best, f.min, f.max,
               f.number_text, f.status, f."group", f.kind, f.date, f.place, f.place_id, f.perpetrator, f.source,
               f.sentence
        FROM incident_reports r JOIN figures f ON f.article_id = r.article_id AND f.id = r.figure_id
        JOIN articles a ON a.id = r.article_id
        WHERE r.incident_id = ?
        ORDER BY a.published NULLS LAST, r.article_id, r.figure_id
    """
    return store.cursor().execute(sql, [incident_id]).df()


def incident_of_report(store: Store, article_id: str, figure_id: str) -> str | None:
    rows = store.cursor().execute(
        "SELECT incident_id FROM incident_reports WHERE article_id = ? AND figure_id = ?", [article_id, figure_id]
    ).fetchall()
    return rows[0][0] if rows else None
