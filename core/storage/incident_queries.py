"""SQL for incidents: the figures `core.incidents.grouping` groups, stored merge/split decisions, the derived
incident tables it writes, and the incident rows the pages filter and list.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import duckdb
import pandas as pd

from core.storage import access
from core.storage.filter_sql import NOT_STATED, _filter_sql
from core.storage.store import Store, StoreError, _py, _turn, owe_regroup

log = logging.getLogger(__name__)


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


def figure_rows_by_articles(store: Store, articles: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """`figure_rows_for_incidents` a few thousand articles at a time (whole articles, in article order),
    so that a full regrouping never holds every figure row at once."""
    cur = store.cursor()
    ids = [a for (a,) in cur.execute("SELECT DISTINCT article_id FROM figures ORDER BY article_id").fetchall()]
    for n in range(0, len(ids), articles):
        first, last = ids[n], ids[min(n + articles, len(ids)) - 1]
        rows = _dicts(cur.execute(
            "SELECT f.* EXCLUDE (event_date), a.published, a.published_source, a.outlet FROM figures f "
            "JOIN articles a ON a.id = f.article_id WHERE f.article_id BETWEEN ? AND ? "
            "ORDER BY f.article_id, f.start", [first, last]))
        for r in rows:
            r["extra"] = json.loads(r["extra"]) if r.get("extra") else {}
        yield rows


def review_rows(store: Store) -> list[dict[str, Any]]:
    df = store.cursor().execute("SELECT * FROM reviews ORDER BY created_at, review_id").df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


def incident_decision_rows(store: Store) -> list[dict[str, Any]]:
    df = store.cursor().execute("SELECT * FROM incident_decisions ORDER BY created_at, decision_id").df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


def add_incident_decision(
    store: Store, a: tuple[str, str], b: tuple[str, str], action: str, who: str, note: str = ""
) -> str:
    """Append a merge/split decision about two figures (known by article, span and number), with the
    signed-in editor (`access.author`: their name as ``who``, and their account)."""
    editor = access.author()
    if editor is not None:
        who = editor.name
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
    created = dt.datetime.now()

    def work(cur: Any) -> None:
        cur.execute(
            "INSERT INTO incident_decisions (decision_id, article_a, figure_a, start_a, end_a, text_a, article_b, "
            "figure_b, start_b, end_b, text_b, action, who, note, created_at, account) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [decision_id, a[0], a[1], *keys[0], b[0], b[1], *keys[1], action, who, note or None, created,
             editor.account if editor else None],
        ).fetchall()
        owe_regroup(cur, [a[0], b[0]])

    store.write(work, what="store the decision")
    return decision_id


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
               f.perpetrator, f.best, a.published
        FROM {{reports}} r JOIN {{figures}} f ON f.article_id = r.article_id AND f.id = r.figure_id
        JOIN {{articles}} a ON a.id = f.article_id
        {{only}}
    ),
    _inc AS (
        SELECT m.incident_id,
               string_agg(DISTINCT coalesce(m.source, '{{ns}}'), '{SOURCE_SEP}' ORDER BY coalesce(m.source, '{{ns}}'))
                   AS sources,
               min(m.place) AS place_text, min(m.event_date) AS first_date,
               min(m.article_id) AS article_id,  -- and its first figure (ties broken by id: the same on every run)
               split_part(min(m.article_id || chr(31) || m.figure_id), chr(31), 2) AS figure_id,
               list(DISTINCT m."group") AS heads, list_contains(list(m.perpetrator), 'unknown') AS said_unknown,
               CASE WHEN list_contains(list(m."group"), 'civilians') THEN 'civilians' ELSE min(m."group") END
                   AS head_group
        FROM _members m GROUP BY m.incident_id
    ),
    {{rows}}_c AS (
        SELECT CASE WHEN list_contains(x.heads, c."group") THEN 0 ELSE 1 END AS role, i.status,
               CASE WHEN list_contains(x.heads, c."group") THEN c."group" ELSE 'of_which_' || c."group" END
                   AS series,
               CASE WHEN list_contains(x.heads, c."group") THEN c."group" ELSE x.head_group END AS "group",
               c."group" AS count_group,
               CASE WHEN i.perpetrator = 'unknown' AND NOT x.said_unknown THEN NULL ELSE i.perpetrator END
                   AS perpetrator, i.place_id, x.place_text AS place, x.sources AS source,
               c.best, coalesce(c.min, c.best) AS low, coalesce(c.max, c.best) AS high,
               coalesce(i.date, x.first_date) AS event_date, i.id AS incident_id, x.article_id, x.figure_id,
               i.articles, coalesce(k.corroboration, 'single_source') AS corroboration,
               coalesce(k.passes, FALSE) AS passes
        FROM {{counts}} c JOIN {{incidents}} i ON i.id = c.incident_id JOIN _inc x ON x.incident_id = c.incident_id
        LEFT JOIN {{checks}} k ON k.incident_id = c.incident_id
        WHERE list_contains(x.heads, c."group") OR c."group" IN ('children', 'women')
    ),
    {{rows}}_by AS (  -- the report that gave each count the map shows: the latest with that number
        SELECT x.incident_id, x.series,
               max_by(m.article_id || chr(31) || m.figure_id,
                      CASE WHEN m.best = x.best THEN '1' ELSE '0' END
                      || coalesce(strftime(m.published, '%Y-%m-%d'), '0000-00-00') || m.article_id || m.figure_id)
                   AS pick
        FROM {{rows}}_c x JOIN _members m ON m.incident_id = x.incident_id
        WHERE x.role = 0
        GROUP BY ALL
    ),
    {{rows}} AS (
        SELECT x.*, split_part(b.pick, chr(31), 1) AS by_article, split_part(b.pick, chr(31), 2) AS by_figure
        FROM {{rows}}_c x LEFT JOIN {{rows}}_by b ON b.incident_id = x.incident_id AND b.series = x.series
    )
"""

# The columns of ``_rows`` and of ``incident_rows``, its stored copy (one row per incident and counted group).
ROWS_COLUMNS = [
    "role", "status", "series", "group", "count_group", "perpetrator", "place_id", "place", "source", "best",
    "low", "high", "event_date", "incident_id", "article_id", "figure_id", "articles", "corroboration", "passes",
    "by_article", "by_figure",
]
_ROWS_SELECT = ", ".join(f'"{c}"' for c in ROWS_COLUMNS)
_TABLES = {"reports": "incident_reports", "figures": "figures", "articles": "articles", "counts": "incident_counts",
           "incidents": "incidents", "checks": "incident_corroboration"}


def _computed_rows(name: str = "_rows", only: str = "", **tables: str) -> str:
    """The CTEs that compute the incident rows from the incidents and their reports' figures, named
    `name`; `only`: a condition on the reports (``r``) that limits them to some incidents; `tables`:
    other names to read instead of the stored tables (`_TABLES`)."""
    sql = _INCIDENT_ROWS.replace("{ns}", NOT_STATED).replace("{rows}", name).replace("{only}", only)
    for key, table in {**_TABLES, **tables}.items():
        sql = sql.replace("{" + key + "}", table)
    return sql


def _incident_rows_sql(select: str, store: Store | None = None) -> str:
    """``WITH`` the incident rows (``_rows``: one per incident and counted group; role 0 a group the
    reports are about, role 1 an "of which" breakdown) followed by `select`.

    With `store`, the rows are read from ``incident_rows`` (the copy each regrouping stores, no join
    with the figures) when that describes every incident; for a reader with reviewed figures
    (`core.storage.queries.reviewed`), the incidents with a report in a reviewed article are computed
    again from those figures. Without (or on a database from before the stored copy), all are computed."""
    if store is None or not rows_complete(store):
        return "WITH " + _computed_rows() + select
    if getattr(store, "reviewed_articles", False):
        touched = ("_touched AS (SELECT DISTINCT incident_id FROM incident_reports "
                   "WHERE article_id IN (SELECT article_id FROM _reviewed_articles)), ")
        again = _computed_rows("_rows_now", "WHERE r.incident_id IN (SELECT incident_id FROM _touched)")
        return (f"WITH {touched}{again}, _rows AS (SELECT {_ROWS_SELECT} FROM incident_rows "
                f"WHERE incident_id NOT IN (SELECT incident_id FROM _touched) "
                f"UNION ALL SELECT {_ROWS_SELECT} FROM _rows_now)" + select)
    return f"WITH _rows AS (SELECT {_ROWS_SELECT} FROM incident_rows)" + select


def rows_complete(store: Store) -> bool:
    """Does ``incident_rows`` describe every incident (a full regrouping wrote it)? False for a file from
    before it opened read-only (the public mode creates no table)."""
    try:
        return bool(store.cursor().execute(
            "SELECT count(*) FROM incident_rows_state WHERE complete").fetchall()[0][0])
    except duckdb.CatalogException:
        return False


def fill_rows(store: Store) -> None:
    """Write ``incident_rows`` for every stored incident: a database from before it gets it from its
    incidents as they are, without grouping them again (a few seconds at a million figures)."""
    store.write(lambda cur: _store_rows(cur, None), what="store the incident rows")


_FIGURES_PER_PART = 100_000  # a full write of the incident rows joins the figures of a part of the incidents


def _store_rows(cur: Any, ids: list[str] | None = None,
                new: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None) -> None:
    """Write ``incident_rows``, in the regrouping's transaction: for every incident (`ids` None, replacing
    every row) from the stored tables, or for the incidents just regrouped (`new`: their incidents,
    counts, reports and checks frames, as written), replacing those of `ids` and theirs. These are read
    from the frames and the figures of their articles only: no scan of the incident tables."""
    if ids is None:
        cur.execute("DELETE FROM incident_rows").fetchall()
        cur.execute("DELETE FROM incident_rows_state").fetchall()
        figures = cur.execute("SELECT count(*) FROM figures").fetchall()[0][0]
        parts = max(4, -(-figures // _FIGURES_PER_PART))
        for part in range(parts):  # a part of the incidents at a time: smaller joins, less memory
            only = f"WHERE hash(r.incident_id) % {parts} = {part}"
            cur.execute(f"INSERT INTO incident_rows ({_ROWS_SELECT}) SELECT {_ROWS_SELECT} FROM "
                        f"(WITH {_computed_rows(only=only)} SELECT * FROM _rows)").fetchall()
        cur.execute("INSERT INTO incident_rows_state VALUES (TRUE)").fetchall()
        return
    inc, counts, members, checks = new
    if ids:
        cur.execute(f"DELETE FROM incident_rows WHERE {_among('incident_id')}", [ids]).fetchall()
    if inc.empty:
        return
    articles = sorted(set(members["article_id"]))
    rowids = [i for (i,) in cur.execute(f"SELECT rowid FROM figures WHERE {_among('article_id')}", [articles]).fetchall()]
    frames = {"_new_incidents": inc, "_new_counts": counts, "_new_reports": members, "_new_checks": checks}
    for name, df in frames.items():
        cur.register(name, df)
    cur.execute(
        f"INSERT INTO incident_rows ({_ROWS_SELECT}) SELECT {_ROWS_SELECT} FROM ("
        "WITH _new_figures AS (SELECT * FROM figures WHERE rowid = ANY(?::BIGINT[])), "
        f"_new_articles AS (SELECT id, published FROM articles WHERE {_among('id')}), "
        + _computed_rows(reports="_new_reports", figures="_new_figures", articles="_new_articles",
                         counts="_new_counts", incidents="_new_incidents", checks="_new_checks")
        + " SELECT * FROM _rows)", [rowids, articles]).fetchall()
    for name in frames:
        cur.unregister(name)


def _incident_filter_sql(f: Any, params: list[Any], dates: bool = True) -> str:
    """`_filter_sql` for the rows of `_incident_rows_sql` (aliased ``x``): a source filter matches an
    incident when any of its reports has one of the sources."""
    sources = f.sources
    cond = _filter_sql(_without_sources(f), "x", params, dates)
    if sources:
        cond += f" AND list_has_any(string_split(x.source, '{SOURCE_SEP}'), ?)"
        params.append(list(sources))
    if getattr(f, "corroboration", ()):  # single_source | corroborated | disputed
        cond += " AND list_contains(?, x.corroboration)"
        params.append(list(f.corroboration))
    if getattr(f, "passing", False):  # only incidents that pass the publication check
        cond += " AND x.passes"
    return cond


def _without_sources(f: Any) -> Any:
    import dataclasses

    return dataclasses.replace(f, sources=())


def incident_state(store: Store) -> str | None:
    """The data version the incident tables were last computed for (`data_version`, as text); None
    when a change to the figures has not been regrouped yet (`store._owe_regroup`)."""
    rows = store.cursor().execute("SELECT version FROM incident_state").fetchall()
    return rows[0][0] if rows else None


def incident_list(store: Store, f: Any | None = None, limit: int = 2000) -> pd.DataFrame:
    """Incidents, latest first, for the Incidents page: id, status, date, place_id, place (as written),
    perpetrator, reports (articles), sources and, per victim group, best/min/max (``best_<group>`` ...).
    With filters `f` (a `core.views.filters.Filters`), only incidents with a counted row matching them.
    Also its corroboration (``single_source``/``corroborated``/``disputed``), a reviewer's ``verdict``,
    whether it ``passes`` the publication check and its ``origins`` (JSON, `core.incidents.corroboration`)."""
    params: list[Any] = []
    where = "TRUE"
    if f is not None:
        where = _incident_filter_sql(f, params, dates=True)
    # the `limit` latest incidents first, then their counts: not a row per group of every incident
    sql = _incident_rows_sql(f"""
        , _hit AS (SELECT DISTINCT x.incident_id FROM _rows x WHERE {where}),
        _top AS (SELECT i.id FROM incidents i WHERE i.id IN (SELECT incident_id FROM _hit)
                 ORDER BY i.date DESC NULLS LAST, i.id LIMIT {int(limit)}),
        _one AS (SELECT x.incident_id, any_value(x.place) AS place, any_value(x.perpetrator) AS perpetrator,
                        any_value(x.source) AS sources
                 FROM _rows x WHERE x.incident_id IN (SELECT id FROM _top) GROUP BY x.incident_id)
        SELECT i.id, i.status, i.date, i.place_id, x.place, x.perpetrator, i.articles AS reports,
               replace(x.sources, '{SOURCE_SEP}', ', ') AS sources, c."group", c.best, c.min, c.max,
               coalesce(k.corroboration, 'single_source') AS corroboration, k.computed, k.verdict,
               coalesce(k.passes, FALSE) AS passes, coalesce(k.origins, '[]') AS origins
        FROM incidents i JOIN _one x ON x.incident_id = i.id JOIN incident_counts c ON c.incident_id = i.id
        LEFT JOIN incident_corroboration k ON k.incident_id = i.id
        ORDER BY i.date DESC NULLS LAST, i.id, c."group"
    """, store)
    df = store.cursor().execute(sql, params).df()
    cols = ["id", "status", "date", "place_id", "place", "perpetrator", "reports", "sources", "corroboration",
            "computed", "verdict", "passes", "origins"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    wide = df.pivot_table(index="id", columns="group", values=["best", "min", "max"], aggfunc="first")
    wide.columns = [f"{v}_{g}" for v, g in wide.columns]
    base = df.drop_duplicates("id")[cols].set_index("id")
    out = base.join(wide).reset_index()
    out = out.sort_values(["date", "id"], ascending=[False, True], na_position="last").head(int(limit))
    return out.reset_index(drop=True)


_HEAD_GROUPS_SQL = "('civilians', 'fighters', 'people')"  # breakdowns (children, women) are inside these


def headline_facts(store: Store, f: Any | None, status: str, largest: int = 2) -> dict[str, Any]:
    """What the trends headline says, over every matching incident (not a page of them): how many
    dated incidents of `status` have a count, their counts added up, the part in incidents whose
    reports name a perpetrator, and the `largest` incidents (id, date, place_id, place, perpetrator,
    ``best_people`` = the incident's count). An incident's count is its head groups added up
    (civilians, fighters, people), else the largest of children and women."""
    params: list[Any] = []
    where = _incident_filter_sql(f, params, dates=True) if f is not None else "TRUE"
    base = _incident_rows_sql(f"""
        , _hit AS (SELECT DISTINCT x.incident_id FROM _rows x WHERE {where}),
        _n AS (SELECT c.incident_id,
                      coalesce(sum(c.best) FILTER (WHERE c."group" IN {_HEAD_GROUPS_SQL}),
                               max(c.best) FILTER (WHERE c."group" IN ('children', 'women'))) AS n
               FROM incident_counts c WHERE c.incident_id IN (SELECT incident_id FROM _hit) GROUP BY c.incident_id),
        _p AS (SELECT x.incident_id, any_value(x.place) AS place, any_value(x.perpetrator) AS perpetrator
               FROM _rows x WHERE x.incident_id IN (SELECT incident_id FROM _hit) GROUP BY x.incident_id),
        _h AS (SELECT i.id, i.date, i.place_id, p.place, p.perpetrator, n.n
               FROM incidents i JOIN _n n ON n.incident_id = i.id JOIN _p p ON p.incident_id = i.id
               WHERE i.status = ? AND i.date IS NOT NULL AND n.n IS NOT NULL)
    """, store)
    cur = store.cursor()
    totals = cur.execute(base + """
        SELECT count(*), coalesce(sum(n), 0),
               coalesce(sum(n) FILTER (WHERE coalesce(perpetrator, '') NOT IN ('', 'unknown')), 0) FROM _h
    """, [*params, status]).fetchall()[0]
    top = cur.execute(base + f"""
        SELECT id, date, place_id, place, perpetrator, n AS best_people FROM _h
        ORDER BY n DESC, date, id LIMIT {int(largest)}
    """, [*params, status]).df()
    return {"incidents": int(totals[0]), "counted": int(totals[1]), "named": int(totals[2]), "largest": top}


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


def corroboration_of(store: Store, incident_id: str | None) -> dict[str, Any] | None:
    """An incident's stored corroboration row (status, computed, verdict, passes, origins JSON)."""
    df = store.cursor().execute("SELECT * FROM incident_corroboration WHERE incident_id = ?", [incident_id]).df()
    return {k: _py(v) for k, v in df.to_dict("records")[0].items()} if len(df) else None


def report_corroboration(store: Store) -> dict[tuple[str, str], str]:
    """(article_id, figure_id) of each incident report → its incident's corroboration status."""
    rows = store.cursor().execute(
        "SELECT r.article_id, r.figure_id, k.corroboration FROM incident_reports r "
        "JOIN incident_corroboration k ON k.incident_id = r.incident_id").fetchall()
    return {(a, f): c for a, f, c in rows}


def status_decisions_of(store: Store, incident_id: str | None, actions: list[str]) -> list[dict[str, Any]]:
    """Reviewers' status decisions about any report of an incident, oldest first (append-only)."""
    df = store.cursor().execute(
        """SELECT d.action, d.who, d.note, d.created_at FROM incident_decisions d
           JOIN figures f ON f.article_id = d.article_a AND f.start = d.start_a AND f."end" = d.end_a
                AND f.number_text = d.text_a
           JOIN incident_reports r ON r.article_id = f.article_id AND r.figure_id = f.id
           WHERE r.incident_id = ? AND list_contains(?, d.action)
           ORDER BY d.created_at, d.decision_id""",
        [incident_id, actions],
    ).df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


# ---- the grouping's index (core.incidents.incremental) ----
INDEX_COLUMNS = [
    "article_id", "figure_id", "status", "group", "best", "min", "max", "kind", "day", "date_inferred",
    "place_id", "perpetrator", "source", "published", "parts", "earlier", "seed", "seed_day", "cluster", "pos",
    "incident_id",
]
_INDEX_SELECT = ", ".join(f'"{c}"' for c in INDEX_COLUMNS)


def _dicts(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def figure_rows_of_articles(store: Store, article_ids: list[str]) -> list[dict[str, Any]]:
    """`figure_rows_for_incidents` for some articles only."""
    cur = store.cursor()
    ids = [r[0] for r in cur.execute(  # two steps, as `_index_rows`
        f"SELECT rowid FROM figures WHERE {_among('article_id')}", [sorted(set(article_ids))]).fetchall()]
    if not ids:
        return []
    rows = _dicts(cur.execute(
        "SELECT * EXCLUDE (event_date) FROM figures WHERE rowid = ANY(?::BIGINT[]) ORDER BY article_id, start", [ids]))
    articles = {a: (p, s, o) for a, p, s, o in cur.execute(  # apart: a join would scan every article
        f"SELECT id, published, published_source, outlet FROM articles WHERE {_among('id')}",
        [sorted({r["article_id"] for r in rows})]).fetchall()}
    for r in rows:
        r["published"], r["published_source"], r["outlet"] = articles[r["article_id"]]
    for r in rows:
        r["extra"] = json.loads(r["extra"]) if r.get("extra") else {}
    return rows


def figure_spans(store: Store, article_ids: list[str]) -> dict[tuple[str, int, int, str], str]:
    """(article, start, end, number as written) → figure id, for the articles named by decisions."""
    if not article_ids:
        return {}
    rows = store.cursor().execute(
        'SELECT article_id, start, "end", number_text, id FROM figures WHERE list_contains(?, article_id)',
        [sorted(set(article_ids))],
    ).fetchall()
    return {(a, s, e, t): i for a, s, e, t, i in rows}


class StaleRegrouping(StoreError):
    """On a lake, another process wrote between the start of a regrouping and its write: the regrouping
    was computed from data that is no longer current and was not stored; compute it again."""


def owed_regroup(store: Store) -> tuple[list[str], int | None, str]:
    """The articles a regrouping owes (`store.owe_regroup`), the last mark read and the data version
    (`queries.data_version`, as text), read together in one snapshot. This starts a regrouping: on a
    lake, `write_regrouping` stores it only if no other write came in between (`StaleRegrouping`)."""
    with store._write_lock, store.transaction() as cur:
        if store.lake is not None:
            store._local.regroup_turn = cur.execute("SELECT max(n) FROM write_turn").fetchall()[0][0]
        rows = cur.execute("SELECT n, article_id FROM regroup_owed").fetchall()
        version = cur.execute(
            """SELECT (SELECT count(*) FROM articles), (SELECT max(added_at) FROM articles),
                      (SELECT count(*) FROM figures), (SELECT max(extractor_version) FROM articles),
                      (SELECT count(*) FROM reviews), (SELECT count(*) FROM incident_decisions)"""
        ).fetchall()[0]
    return sorted({a for _, a in rows}), max((n for n, _ in rows), default=None), repr(tuple(version))


def index_complete(store: Store) -> bool:
    """Do ``incident_index`` and ``held_figures`` describe every report (a full regrouping wrote them)?
    False too for a file from before them opened read-only (the public mode creates no table)."""
    try:
        return bool(store.cursor().execute(
            "SELECT (SELECT count(*) FROM incident_index_state WHERE complete) "
            "AND (SELECT count(*) FROM held_figures_state WHERE complete)").fetchall()[0][0])
    except duckdb.CatalogException:
        return False


def held_article_ids(store: Store) -> list[str]:
    """The articles with a figure held back until reviewed, as of the last regrouping (``held_figures``)."""
    return [r[0] for r in store.cursor().execute("SELECT DISTINCT article_id FROM held_figures").fetchall()]


def _index_rows(store: Store, where: str, params: list[Any], order: str = "") -> list[dict[str, Any]]:
    """Index rows matching `where`, in two steps that each stay cheap however large the index: the row
    ids, from the columns `where` names only, then the whole rows of those ids. (Read whole in one
    step, DuckDB decompresses every column around each match: 5-6x slower at 300,000 reports.)"""
    cur = store.cursor()
    ids = [r[0] for r in cur.execute(f"SELECT rowid FROM incident_index WHERE {where}", params).fetchall()]
    if not ids:
        return []
    return _dicts(cur.execute(
        f"SELECT {_INDEX_SELECT} FROM incident_index WHERE rowid = ANY(?::BIGINT[]) {order}", [ids]))


def _among(column: str) -> str:
    """``column`` is one of a list parameter (a hash semi-join: a list_contains per row is slower)."""
    return f"{column} IN (SELECT unnest(?::VARCHAR[]))"


def index_rows_of_articles(store: Store, article_ids: list[str]) -> list[dict[str, Any]]:
    return _index_rows(store, _among("article_id"), [sorted(set(article_ids))])


def index_rows_of_seeds(store: Store, seeds: list[str]) -> list[dict[str, Any]]:
    return _index_rows(store, _among("seed"), [sorted(set(seeds))])


def index_rows_of_clusters(store: Store, clusters: list[str]) -> list[dict[str, Any]]:
    return _index_rows(store, _among("cluster"), [sorted(set(clusters))], "ORDER BY cluster, pos")


def next_seed_day(store: Store, after: dt.date) -> dt.date | None:
    return store.cursor().execute(
        "SELECT min(seed_day) FROM incident_index WHERE seed_day > ?", [after]
    ).fetchall()[0][0]


def open_cluster_rows(store: Store, before: dt.date, from_day: dt.date) -> list[dict[str, Any]]:
    """The clusters as they stood before the grouping took up day `before`: those a later report could
    still join (a member on `from_day` or later: its event day, else its publication day), with
    their members taken up before that day."""
    return _index_rows(
        store,
        "seed_day < ? AND cluster IN (SELECT DISTINCT cluster FROM incident_index"
        " WHERE seed_day < ? AND coalesce(day, published) >= ?)",
        [before, before, from_day], "ORDER BY cluster, pos",
    )


def index_rows_of_clusters_taking(store: Store, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every index row of the clusters that took up a report between two days (inclusive)."""
    return _index_rows(
        store, "cluster IN (SELECT DISTINCT cluster FROM incident_index WHERE seed_day BETWEEN ? AND ?)",
        [first, last], "ORDER BY cluster, pos",
    )


def existing_incident_ids(store: Store, ids: list[str]) -> set[str]:
    rows = store.cursor().execute(f"SELECT id FROM incidents WHERE {_among('id')}", [sorted(set(ids))])
    return {r[0] for r in rows.fetchall()}


def _incident_frames(incidents: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
    return inc, counts, members


def _check_frame(incidents: list[Any]) -> pd.DataFrame:
    """One row per incident: its corroboration (`core.incidents.corroboration.Check`)."""
    df = pd.DataFrame(
        [(i.id, c.status, c.computed, c.verdict, c.passes, c.origins_json(), c.unattributed)
         for i in incidents if (c := i.check) is not None],
        columns=["incident_id", "corroboration", "computed", "verdict", "passes", "origins", "unattributed"],
    )
    df["passes"] = df["passes"].astype(bool)
    df["unattributed"] = df["unattributed"].astype("int32")
    return df


def _index_frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    for c in ("best", "min", "max"):
        df[c] = df[c].astype("Int64")
    df["pos"] = df["pos"].astype("int32")
    df["date_inferred"] = df["date_inferred"].astype(bool)
    for c in ("day", "published", "seed_day"):
        df[c] = pd.to_datetime(df[c]).dt.date
    return df


def _append_all(cur: Any, frames: list[tuple[str, pd.DataFrame]]) -> None:
    for table, df in frames:
        if not df.empty:
            Store._append(cur, table, df.astype({c: object for c in df.columns if df[c].dtype == object}))


def write_regrouping(
    store: Store, incidents: list[Any], index_rows: list[tuple], version: str, owed_upto: int | None,
    *, clusters: list[str] | None = None, incident_ids: list[str] | None = None,
    held: list[tuple[str, str]] = (), held_of: list[str] = (), consume: bool = False,
) -> None:
    """Store a regrouping in one transaction: the incidents, their counts and reports, the index rows,
    the data version it was computed for, and the owed marks it worked through.

    With `clusters` and `incident_ids` (an incremental regrouping) only those clusters' index rows and
    those incidents are replaced; without (a full one) everything is. `held`: the figures held back
    until reviewed, of the articles `held_of` (an incremental regrouping) or of all (a full one).
    `consume`: empty `incidents` and `index_rows` once they are in frames (a full regrouping's memory)."""
    inc, counts, members = _incident_frames(incidents)
    checks = _check_frame(incidents)
    if consume:  # the frames hold all that is written: free the objects as soon as they are in frames
        incidents.clear()
    index = _index_frame(index_rows)
    if consume:
        index_rows.clear()
    full = clusters is None
    started = getattr(store._local, "regroup_turn", None)

    def work(cur: Any) -> None:
        if store.lake is not None and started is not None and _turn.n != started + 1:
            raise StaleRegrouping("another process wrote while the incidents were regrouped")
        if full:
            for table in ("incident_reports", "incident_counts", "incident_corroboration", "incidents", "incident_index",
                          "incident_index_state", "held_figures", "held_figures_state"):
                cur.execute(f"DELETE FROM {table}").fetchall()
            cur.execute("INSERT INTO incident_index_state VALUES (TRUE)").fetchall()
            cur.execute("INSERT INTO held_figures_state VALUES (TRUE)").fetchall()
        else:
            ids = sorted(set(incident_ids or ()))
            cur.execute(f"DELETE FROM incident_index WHERE {_among('cluster')}", [sorted(set(clusters))]).fetchall()
            cur.execute(f"DELETE FROM incident_reports WHERE {_among('incident_id')}", [ids]).fetchall()
            cur.execute(f"DELETE FROM incident_counts WHERE {_among('incident_id')}", [ids]).fetchall()
            cur.execute(f"DELETE FROM incident_corroboration WHERE {_among('incident_id')}", [ids]).fetchall()
            cur.execute(f"DELETE FROM incidents WHERE {_among('id')}", [ids]).fetchall()
            if held_of:
                cur.execute(f"DELETE FROM held_figures WHERE {_among('article_id')}", [sorted(set(held_of))]).fetchall()
        _append_all(cur, [("incidents", inc), ("incident_counts", counts), ("incident_reports", members),
                          ("incident_corroboration", checks), ("incident_index", index),
                          ("held_figures", pd.DataFrame(sorted(set(held)), columns=["article_id", "figure_id"],
                                                        dtype=object))])
        if full:
            _store_rows(cur)
        else:
            _store_rows(cur, sorted(set(incident_ids or ()) | set(inc["id"])), (inc, counts, members, checks))
        if owed_upto is not None:
            cur.execute("DELETE FROM regroup_owed WHERE n <= ?", [owed_upto]).fetchall()
        cur.execute("DELETE FROM incident_state").fetchall()
        cur.execute("INSERT INTO incident_state VALUES (?)", [version]).fetchall()

    try:
        store.write(work, what="store the regrouped incidents")
    except StoreError as err:  # out of memory under `Store.lean`: once more with the memory DuckDB had
        if not isinstance(err.__cause__, duckdb.OutOfMemoryException):
            raise
        log.warning("regrouping stored again with more memory: %s", err)
        with store.roomy():
            store.write(work, what="store the regrouped incidents")
