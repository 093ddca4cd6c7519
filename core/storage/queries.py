"""The dashboard's read-only SQL (trend rows, weekly totals, figures behind a chart point, articles,
map rows) and the review and export tables. `reviewed` answers them with reviewed figure values,
given the function that applies reviews (`core.incidents.reviews.apply_to_rows`): the store
itself never imports upwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from core.storage import access
from core.storage.filter_sql import NOT_STATED, _filter_sql, _in
from core.storage.incident_queries import _among, _incident_filter_sql, _incident_rows_sql, review_rows
from core.storage.store import Store, _figures_frame, _py, event_date, owe_regroup

# ---- queries for the pages ----
# Read-only queries of the dashboard. `f` is a `core.views.filters.Filters`; the counting rule they apply
# is described in `core.trends` (and mirrored there in pandas by `weekly_from_frame`). Results are
# always fetched completely (fetchall/df): a half-read result would block the thread cursor's next
# register() in the write path.

_COUNTABLE = "{a}.kind = 'incident' AND {a}.part_of IS NULL AND {a}.same_as IS NULL"
_PART_GROUPS = ("children", "women")






def weekly_totals(store: Store, f: Any) -> pd.DataFrame:
    """Weekly sums by series: columns week, series, best, low, high, figures (here: incidents).

    Each incident is counted once (`core.incidents.grouping`), with its best, min and max: series are the
    victim groups its reports are about, plus ``of_which_children`` / ``of_which_women`` for its
    children/women counts when those are breakdowns."""
    cols = ["week", "series", "best", "low", "high", "figures"]
    if not f.incidents:
        return pd.DataFrame(columns=cols)
    params: list[Any] = []
    cond = _incident_filter_sql(f, params)
    sql = _incident_rows_sql(f"""
        SELECT CAST(date_trunc('week', x.event_date) AS DATE) AS week, x.series,
               sum(x.best) AS best, sum(x.low) AS low, sum(x.high) AS high, count(*) AS figures
        FROM _rows x
        WHERE x.best IS NOT NULL AND x.event_date IS NOT NULL AND {cond}
        GROUP BY ALL ORDER BY week, series
    """, store)
    df = store.cursor().execute(sql, params).df()
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["week"] = pd.to_datetime(df["week"]).dt.date
    for c in ("best", "low", "high", "figures"):
        df[c] = df[c].astype("int64")
    return df[cols]


TREND_ROW_COLUMNS = [
    "role", "status", "series", "group", "perpetrator", "place", "source", "best", "low", "high", "event_date",
    "date", "date_from", "article_id", "id", "corroboration", "passes",
]


def data_version(store: Store) -> tuple[Any, ...]:
    """Changes whenever what the pages show may have changed (an upload, a re-extraction, a review);
    cheap enough to ask on every page run, so cached results can be keyed by it."""
    return tuple(store.cursor().execute(
        """SELECT (SELECT count(*) FROM articles), (SELECT max(added_at) FROM articles),
                  (SELECT count(*) FROM figures), (SELECT max(extractor_version) FROM articles),
                  (SELECT count(*) FROM reviews), (SELECT count(*) FROM incident_decisions)"""
    ).fetchall()[0])


def trend_rows(store: Store) -> pd.DataFrame:
    """Every row a trend chart may show, with what the filters look at (`TREND_ROW_COLUMNS`);
    `core.trends` aggregates them for any filters in a few milliseconds.

    ``role`` 0: an incident's count for a group its reports are about (the series), 1: its
    children/women count when that is a breakdown (series ``of_which_<group>``, ``group`` is the
    incident's own), each incident once (`_incident_rows_sql`); 2: a running toll (a figure).
    ``low``/``high`` fall back to ``best``; ``place`` is the gazetteer id, else the place as written;
    ``source`` of an incident holds all its reports' sources joined by `SOURCE_SEP`; missing
    perpetrator, place and source read `NOT_STATED`. ``corroboration`` and ``passes`` (``yes``/``no``:
    the publication check) are the incident's (`core.incidents.corroboration`); tolls have none."""
    ns = f"'{NOT_STATED}'"
    sql = _incident_rows_sql(f"""
        SELECT x.role, x.status, x.series, x."group", coalesce(x.perpetrator, {ns}) AS perpetrator,
               coalesce(x.place_id, x.place, {ns}) AS place, x.source, x.best, x.low, x.high, x.event_date,
               NULL AS date, NULL AS date_from, NULL AS article_id, NULL AS id, x.corroboration,
               CASE WHEN x.passes THEN 'yes' ELSE 'no' END AS passes
        FROM _rows x
        UNION ALL
        SELECT 2, f.status, 'toll', f."group", coalesce(f.perpetrator, {ns}), coalesce(f.place_id, f.place, {ns}),
               coalesce(f.source, {ns}), f.best, coalesce(f.min, f.best), coalesce(f.max, f.best), f.event_date,
               f.date, f.date_from, f.article_id, f.id, NULL, NULL
        FROM figures f WHERE f.kind = 'toll' AND f.same_as IS NULL AND f.part_of IS NULL
    """, store)
    # Through Arrow, with text as categories: much faster than .df() for a million rows.
    table = store.cursor().sql(sql).to_arrow_table()
    return table.to_pandas(strings_to_categorical=True, date_as_object=False).reindex(columns=TREND_ROW_COLUMNS)


def toll_cues(store: Store) -> pd.DataFrame:
    """Every running toll's article_id, id, date, date_from, date_precision and extra (JSON: its
    ``kind_cue``), from which `core.incidents.grouping.toll_period` reads the days it covers."""
    return store.cursor().execute(
        "SELECT article_id, id, date, date_from, date_precision, extra FROM figures WHERE kind = 'toll'"
    ).df()


def place_names(store: Store) -> dict[str, str]:
    """Gazetteer id → display name (English, else Arabic), for the place filter."""
    rows = store.cursor().execute("SELECT id, coalesce(name_en, name_ar, id) FROM places").fetchall()
    return dict(rows)


_BEHIND_COLUMNS = """
    f.article_id, f.id AS figure_id, f.best, f.min, f.max, f.number_text, f.status, f."group", f.kind,
    f.part_of, f.same_as, f.date, f.event_date, f.place, f.place_id, f.perpetrator,
    f.source, f.sentence, a.title, a.outlet, a.url, a.published
"""


def figures_behind(
    store: Store, f: Any, week: dt.date | None, series: str, limit: int = 500
) -> pd.DataFrame:
    """The reports behind one point of the chart, with their sentence and article (one row per
    report of each incident counted there; ``incident_id`` says which, ``corroboration`` how sure it is).

    `series`: a victim group, ``total`` (everything added up that week), ``of_which_<group>`` (the
    breakdown figures of those incidents' reports), ``toll``, ``undated`` (incidents without a date;
    `week` ignored) or ``vague`` (incidents without a number)."""
    params: list[Any] = []
    if series == "toll":
        params.append(week)
        cond = _filter_sql(f, "f", params)
        where = (f"f.kind = 'toll' AND f.same_as IS NULL AND f.part_of IS NULL AND f.best IS NOT NULL "
                 f"AND date_trunc('week', f.event_date) = ? AND {cond}")
        sql = f"""SELECT {_BEHIND_COLUMNS}, NULL AS incident_id, NULL AS corroboration
                  FROM figures f JOIN articles a ON a.id = f.article_id
                  WHERE {where} ORDER BY f.event_date, f.article_id, f.start LIMIT {int(limit)}"""
        return store.cursor().execute(sql, params).df()
    if series == "undated":
        where = f"x.role = 0 AND x.event_date IS NULL AND {_incident_filter_sql(f, params, dates=False)}"
    elif series == "vague":
        where = f"x.role = 0 AND x.best IS NULL AND {_incident_filter_sql(f, params)}"
    else:
        if series == "total":
            kind = "x.role = 0"
        else:
            kind = "x.series = ?"
            params.append(series)
        params.append(week)
        where = (f"{kind} AND x.best IS NOT NULL AND date_trunc('week', x.event_date) = ? AND "
                 f"{_incident_filter_sql(f, params)}")
    hit = f"_hit AS (SELECT DISTINCT x.incident_id FROM _rows x WHERE {where})"
    figs, first = "figures", []
    if not getattr(store, "reviewed_articles", False):
        # The figures of the articles behind the point only, in two cheap steps (their articles, then
        # their row ids), rather than a join that reads every figure's sentence (2.5 s at a million).
        cur = store.cursor()
        arts = [a for (a,) in cur.execute(_incident_rows_sql(
            f", {hit} SELECT DISTINCT r.article_id FROM _hit h JOIN incident_reports r ON r.incident_id = h.incident_id",
            store), params).fetchall()]
        rowids = [i for (i,) in cur.execute(f"SELECT rowid FROM figures WHERE {_among('article_id')}", [arts]).fetchall()]
        figs, first = "_figs", [rowids]
        hit = "_figs AS (SELECT * FROM figures WHERE rowid = ANY(?::BIGINT[])), " + hit
    params = first + params
    if series.startswith("of_which_"):
        params.append(series.removeprefix("of_which_"))
        member = f"""JOIN {figs} f ON f.article_id = r.article_id AND f.part_of = r.figure_id AND f."group" = ?
                    AND f.same_as IS NULL"""
    else:
        member = f"JOIN {figs} f ON f.article_id = r.article_id AND f.id = r.figure_id"
    sql = _incident_rows_sql(f"""
        , {hit}
        SELECT {_BEHIND_COLUMNS}, r.incident_id, k.corroboration
        FROM _hit h JOIN incident_reports r ON r.incident_id = h.incident_id {member}
        JOIN articles a ON a.id = f.article_id
        LEFT JOIN incident_corroboration k ON k.incident_id = r.incident_id
        ORDER BY f.event_date, r.incident_id, a.published, f.article_id, f.start LIMIT {int(limit)}
    """, store)
    return store.cursor().execute(sql, params).df()


def list_articles(store: Store, search: str = "", limit: int = 500) -> pd.DataFrame:
    """Articles newest first (title, outlet, published, added_at, figures), optionally those whose
    title, outlet, file name or text contains `search` (case-insensitive, no wildcards)."""
    params: list[Any] = []
    where = "TRUE"
    if search.strip():
        where = ("contains(lower(coalesce(a.title, '') || ' ' || coalesce(a.outlet, '') || ' ' || "
                 "coalesce(a.filename, '') || ' ' || a.text), lower(?))")
        params.append(search.strip())
    sql = f"""
        SELECT a.id, a.title, a.outlet, a.published, a.added_at, a.filename, a.url,
               coalesce(n.figures, 0) AS figures
        FROM articles a
        LEFT JOIN (SELECT article_id, count(*) AS figures FROM figures GROUP BY article_id) n ON n.article_id = a.id
        WHERE {where}
        ORDER BY a.published DESC NULLS LAST, a.added_at DESC, a.id
        LIMIT {int(limit)}
    """
    return store.cursor().execute(sql, params).df()


def article_count(store: Store) -> int:
    return int(store.cursor().execute("SELECT count(*) FROM articles").fetchall()[0][0])


# ---- queries for the map ----
# The map adds up exactly what the trend chart adds up (`weekly_totals`): incidents, each once with
# its best, min and max (`_incident_rows_sql`, the rows a group is about), with a number and a date,
# matching the filters (`_incident_filter_sql`). The rows are returned one per incident and group,
# with only what `core.views.geo` groups them by; the sentence shown for an incident is the one of the
# report that gave its best count (the latest report with that number), read when the journalist
# asks for a place (`map_place_figures`). A place's key is the sidebar's: the gazetteer id, else the
# place as written by a report, else NOT_STATED.

MAP_COLUMNS = ["article_id", "figure_id", "best", "min", "max", "group", "perpetrator", "event_date", "place", "place_id"]
MAP_FIGURE_COLUMNS = [
    "article_id", "figure_id", "best", "min", "max", "number_text", "status", "group", "kind", "date", "event_date",
    "place", "place_id", "place_precision", "perpetrator", "source", "sentence", "title", "outlet", "url", "published",
    "incident_id", "reports",
]
_MAP_ROWS = """
    SELECT x.by_article AS article_id, x.by_figure AS figure_id,
           x.best, x.low AS min, x.high AS max, x."group", x.perpetrator, x.event_date, x.place, x.place_id,
           x.incident_id, x.articles AS reports, x.status
    FROM _rows x
    WHERE x.role = 0 AND x.best IS NOT NULL AND x.event_date IS NOT NULL AND {cond}
"""


def map_figures(store: Store, f: Any) -> pd.DataFrame:
    """The incidents the trend chart adds up for filters `f`, one row per incident and group
    (`MAP_COLUMNS`): ``place`` is the place as written by a report, ``place_id`` the incident's
    gazetteer place, ``article_id``/``figure_id`` the report that gave the count."""
    if not f.incidents:
        return pd.DataFrame(columns=MAP_COLUMNS)
    params: list[Any] = []
    sql = _incident_rows_sql(_MAP_ROWS.format(cond=_incident_filter_sql(f, params)), store)
    df = store.cursor().execute(sql, params).df()
    if df.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    df["event_date"] = pd.to_datetime(df["event_date"]).dt.date
    return df[MAP_COLUMNS]


def _event_dates(date_from: dt.date | None, date_to: dt.date | None, params: list[Any]) -> str:
    """A condition on the incident rows' (``x``) event dates between two days (None: open)."""
    cond = ""
    if date_from:
        cond += " AND x.event_date >= ?"
        params.append(date_from)
    if date_to:
        cond += " AND x.event_date <= ?"
        params.append(date_to)
    return cond


MAP_SUM_COLUMNS = ["key", "cat", "best", "low", "high", "figures", "reports", "place"]
MAP_COLOURS = ("group", "perpetrator")


def map_sums(store: Store, f: Any, by: str, repeats: dict[str, str], date_from: dt.date | None = None,
             date_to: dt.date | None = None) -> pd.DataFrame:
    """What `map_figures` gives, added up in DuckDB (`MAP_SUM_COLUMNS`): one row per place key and category,
    for event dates between `date_from` and `date_to` (None: open). The place key is the incident's
    gazetteer place (a gazetteer row that `repeats` an earlier one read as that one), else the place as
    written, else `NOT_STATED`; the category is the value of column `by` (``group`` or ``perpetrator``),
    else `NOT_STATED`. ``best``/``low``/``high``: the killed, ``figures``: how many counts; per place key
    (the same on each of its rows) ``reports``: how many articles gave them, ``place``: one way they wrote it."""
    if by not in MAP_COLOURS:
        raise ValueError(f"by must be one of {', '.join(MAP_COLOURS)}, not {by!r}")
    if not f.incidents:
        return pd.DataFrame(columns=MAP_SUM_COLUMNS)
    params: list[Any] = []
    cond = _incident_filter_sql(f, params) + _event_dates(date_from, date_to, params)
    params += [list(repeats), list(repeats.values())]
    sql = _incident_rows_sql(f"""
        , _m AS ({_MAP_ROWS.format(cond=cond)}),
        _k AS (
            SELECT coalesce(r.first, m.place_id, m.place, '{NOT_STATED}') AS key,
                   CASE WHEN m."{by}" IS NULL OR m."{by}" = '' THEN '{NOT_STATED}' ELSE m."{by}" END AS cat,
                   m.best, m.min, m.max, m.article_id, m.place
            FROM _m m LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS pid, unnest(?::VARCHAR[]) AS first) r
                 ON r.pid = m.place_id
        ),
        _p AS (SELECT key, count(DISTINCT article_id) AS reports, min(place) AS place FROM _k GROUP BY key)
        SELECT k.key, k.cat, sum(k.best) AS best, sum(k.min) AS low, sum(k.max) AS high, count(*) AS figures,
               p.reports, p.place
        FROM _k k JOIN _p p ON p.key = k.key
        GROUP BY k.key, k.cat, p.reports, p.place""", store)
    df = store.cursor().execute(sql, params).df()
    return df[MAP_SUM_COLUMNS] if not df.empty else pd.DataFrame(columns=MAP_SUM_COLUMNS)


def map_span(store: Store, f: Any) -> tuple[dt.date | None, dt.date | None]:
    """The first and last event dates of `map_figures` (None, None when it has none)."""
    if not f.incidents:
        return None, None
    params: list[Any] = []
    sql = _incident_rows_sql(f", _m AS ({_MAP_ROWS.format(cond=_incident_filter_sql(f, params))}) "
                             "SELECT min(event_date), max(event_date) FROM _m", store)
    first, last = store.cursor().execute(sql, params).fetchall()[0]
    return _py(first), _py(last)


def map_place_figures(
    store: Store, f: Any, keys: Iterable[str], date_from: dt.date | None = None, date_to: dt.date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The incidents of `map_figures` whose place key is one of `keys`, between two event dates
    (a week of the replay), one row each with its count and the sentence and article of the report
    that gave it, and how many reports it has (`MAP_FIGURE_COLUMNS`)."""
    keys = list(keys)
    if not f.incidents or not keys:
        return pd.DataFrame(columns=MAP_FIGURE_COLUMNS)
    params: list[Any] = []
    cond = _incident_filter_sql(f, params)
    cond += " AND " + _in(f"coalesce(x.place_id, x.place, '{NOT_STATED}')", keys, params)
    cond += _event_dates(date_from, date_to, params)
    sql = _incident_rows_sql(f"""
        , _m AS ({_MAP_ROWS.format(cond=cond)})
        SELECT m.article_id, m.figure_id, m.best, m.min, m.max, f.number_text, m.status, m."group", f.kind,
               f.date, m.event_date, m.place, m.place_id, f.place_precision, m.perpetrator, f.source, f.sentence,
               a.title, a.outlet, a.url, a.published, m.incident_id, m.reports
        FROM _m m JOIN figures f ON f.article_id = m.article_id AND f.id = m.figure_id
        JOIN articles a ON a.id = m.article_id
        ORDER BY m.event_date, m.article_id, f.start LIMIT {int(limit)}
    """, store)
    df = store.cursor().execute(sql, params).df()
    return df.reindex(columns=MAP_FIGURE_COLUMNS)


# ---- reviews and exports ----
# Journalists' reviews are append-only: `add_reviews` only ever INSERTs, nothing here (nor anywhere)
# updates or deletes a review row. What a review changes is worked out in Python at read time
# (`core.incidents.reviews.apply_to_rows`); the ``reviewed_*`` functions below answer the dashboard's figure
# queries with those reviewed values (corrections applied, rejected figures left out).

REVIEW_COLUMNS = [
    "review_id", "article_id", "figure_id", "figure_start", "figure_end", "number_text", "action", "field",
    "old_value", "new_value", "note", "reviewer", "created_at", "account",
]


def add_reviews(store: Store, rows: list[dict[str, Any]]) -> list[str]:
    """Append review rows (`REVIEW_COLUMNS`) in one transaction; returns their ids. Never updates.
    The signed-in editor (`access.author`) is recorded with them: their account, and their name as
    the reviewer (not a typed one)."""
    if not rows:
        return []
    editor = access.author()
    if editor is not None:
        rows = [{**r, "reviewer": editor.name, "account": editor.account} for r in rows]
    df = pd.DataFrame([{c: r.get(c) for c in REVIEW_COLUMNS} for r in rows], columns=REVIEW_COLUMNS)
    for c in ("figure_start", "figure_end"):
        df[c] = df[c].astype("Int64")
    df["created_at"] = pd.to_datetime(df["created_at"])
    for c in REVIEW_COLUMNS:
        if c not in ("figure_start", "figure_end", "created_at"):
            df[c] = df[c].astype(object)

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        Store._append(cur, "reviews", df)
        owe_regroup(cur, df["article_id"])

    store.write(work, what="store the review")
    return [r["review_id"] for r in rows]


def reviews_of(store: Store, article_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Review rows in the order they were made (all, or those of some articles)."""
    if article_ids is None:
        return review_rows(store)
    df = store.cursor().execute(
        "SELECT * FROM reviews WHERE list_contains(?, article_id) ORDER BY created_at, review_id",
        [list(article_ids)],
    ).df()
    return [{k: _py(v) for k, v in r.items()} for r in df.to_dict("records")]


def added_by(store: Store, article_id: str) -> tuple[str | None, str | None]:
    """Who added an article: (name, account) of the signed-in editor, (None, None) when not recorded."""
    row = store.cursor().execute("SELECT * FROM articles WHERE id = ?", [article_id]).df().to_dict("records")
    if not row:
        return None, None
    return _py(row[0].get("added_by")), _py(row[0].get("added_by_account"))


def review_count(store: Store) -> int:
    return int(store.cursor().execute("SELECT count(*) FROM reviews").fetchall()[0][0])


def article_figure_rows(store: Store, article_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Figures as extracted (every column but ``event_date``; ``extra`` parsed) with their article's
    title, outlet, url, published date (and its source), language and when it was added."""
    where, params = "TRUE", []
    if article_ids is not None:
        where, params = "list_contains(?, f.article_id)", [list(article_ids)]
    # fetchall, not .df(): plain Python values straight away
    cur = store.cursor().execute(
        "SELECT f.* EXCLUDE (event_date), a.title, a.outlet, a.url, a.published, a.published_source, a.added_at "
        f"FROM figures f JOIN articles a ON a.id = f.article_id WHERE {where} ORDER BY f.article_id, f.start, f.id",
        params,
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    for r in rows:
        r["extra"] = json.loads(r["extra"]) if r.get("extra") else {}
    return rows


def incident_members(store: Store) -> dict[tuple[str, str], str]:
    """(article_id, figure_id) of each incident report → its incident id (the derived tables)."""
    rows = store.cursor().execute("SELECT article_id, figure_id, incident_id FROM incident_reports").fetchall()
    return {(a, f): i for a, f, i in rows}


def article_citations(store: Store) -> dict[str, dict[str, Any]]:
    """Article id → what a citation needs: title, outlet, url, published, lang."""
    df = store.cursor().execute("SELECT id, title, outlet, url, published, lang FROM articles").df()
    return {r["id"]: {k: _py(v) for k, v in r.items() if k != "id"} for r in df.to_dict("records")}


class _ReviewedReader:
    """Stands in for a `Store` in the read-only queries above: on its own cursor, ``figures`` is a
    temporary view holding the reviewed figures (stored figures of unreviewed articles as they are,
    the reviewed articles' figures with their reviews applied, rejected ones left out)."""

    reviewed_articles = True  # `_reviewed_articles` lists them (`_incident_rows_sql` computes their incidents again)

    def __init__(self, store: Store, cur: duckdb.DuckDBPyConnection):
        self.path = store.path
        self._cur = cur

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._cur


@contextmanager
def reviewed(store: Store, apply_reviews: Callable[[list[dict], list[dict]], list[dict]]) -> Iterator[Any]:
    """`store` as the page queries should see it: with reviewed figure values. Without any review
    this is `store` itself (no cost); otherwise a reader whose ``figures`` are reviewed. Only for the
    read-only query functions of this module (`trend_rows`, `map_figures`, `figures_behind`,
    `weekly_totals`). ``apply_reviews(rows, reviews)`` returns the figure rows with their reviews
    applied and rejected ones left out (`core.incidents.reviews.apply_to_rows`)."""
    reviews = review_rows(store)
    if not reviews:
        yield store
        return
    ids = sorted({r["article_id"] for r in reviews})
    cur = store.new_cursor()
    try:
        raw = cur.execute("SELECT * FROM figures WHERE list_contains(?, article_id)", [ids]).df()
        rows = [{k: _py(v) for k, v in r.items() if k != "event_date"} for r in raw.to_dict("records")]
        kept = apply_reviews(rows, reviews)
        for r in kept:
            r["event_date"] = event_date(r.get("date"))
        cur.register("_reviewed_figures", _figures_frame(kept))
        cur.register("_reviewed_articles", pd.DataFrame({"article_id": pd.Series(ids, dtype=object)}))
        db = cur.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
        cur.execute(
            f'CREATE TEMP VIEW figures AS SELECT * FROM "{db}".main.figures '
            "WHERE article_id NOT IN (SELECT article_id FROM _reviewed_articles) "
            "UNION ALL BY NAME SELECT * FROM _reviewed_figures"
        ).fetchall()
        yield _ReviewedReader(store, cur)
    finally:
        cur.close()
