"""DuckDB storage: the only module that holds SQL.

One process opens the database file read-write and shares one DuckDB connection among its
threads; each thread works through its own cursor (`Store.cursor()`), as DuckDB requires. A
second process cannot open the file at all while the first holds it (not even read-only): we
turn that into `DatabaseLockedError`, one sentence that tells the user what to do.

Writes of an article and its figures happen in one transaction: after a crash or an error either
both are stored or neither is. Bulk writes go through DataFrame appends, never one INSERT per row.

Tables (see `SCHEMA`): ``articles``, ``figures`` (every field of `core.extraction.figure.Figure` plus the
article id), ``reviews`` (append-only human decisions, never updated or deleted), ``places``
(the gazetteer).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from core.extraction import gazetteer
from core.extraction.figure import Figure, figure_field_names

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "casualties.duckdb"
ENV_VAR = "CASUALTY_DB"

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id                VARCHAR PRIMARY KEY,   -- sha256 of the normalised text
    title             VARCHAR,
    outlet            VARCHAR,
    url               VARCHAR,
    published         DATE,
    published_source  VARCHAR,               -- 'header' | 'user' | 'inferred' | NULL
    lang              VARCHAR,
    text              VARCHAR NOT NULL,
    filename          VARCHAR,
    format            VARCHAR,               -- txt | html | docx | pdf | pasted
    encoding          VARCHAR,
    content_sha256    VARCHAR,               -- hash of the uploaded bytes
    added_at          TIMESTAMP NOT NULL,
    extractor_version VARCHAR
);

CREATE TABLE IF NOT EXISTS figures (
    article_id        VARCHAR NOT NULL,
    id                VARCHAR NOT NULL,      -- f1, f2 ... within the article
    start             INTEGER NOT NULL,      -- span of the number in articles.text
    "end"             INTEGER NOT NULL,
    number_text       VARCHAR NOT NULL,
    sentence          VARCHAR NOT NULL,
    sentence_start    INTEGER NOT NULL,
    min               BIGINT,
    best              BIGINT,
    max               BIGINT,
    status            VARCHAR NOT NULL,      -- killed | injured | killed_or_injured
    "group"           VARCHAR NOT NULL,      -- civilians | children | women | fighters | people
    kind              VARCHAR NOT NULL,      -- incident | toll | superseded
    vague             BOOLEAN NOT NULL,
    qualifier         VARCHAR,
    side              VARCHAR,
    part_of           VARCHAR,
    same_as           VARCHAR,
    perpetrator       VARCHAR,
    source            VARCHAR,
    date              VARCHAR,               -- YYYY-MM-DD | YYYY-MM | YYYY
    date_precision    VARCHAR,               -- day | month | year
    date_from         VARCHAR,
    place             VARCHAR,               -- as written
    place_id          VARCHAR,               -- gazetteer id
    place_precision   VARCHAR,
    group_text        VARCHAR,
    group_span        INTEGER[],
    perpetrator_text  VARCHAR,
    perpetrator_span  INTEGER[],
    source_text       VARCHAR,
    source_span       INTEGER[],
    date_text         VARCHAR,
    date_span         INTEGER[],
    place_span        INTEGER[],
    confidence        DOUBLE NOT NULL,
    rule_id           VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    lang              VARCHAR NOT NULL,
    extra             VARCHAR,               -- JSON
    event_date        DATE,                  -- the day a trend chart files it under (derived)
    PRIMARY KEY (article_id, id)
);

CREATE TABLE IF NOT EXISTS reviews (
    review_id         VARCHAR PRIMARY KEY,
    article_id        VARCHAR NOT NULL,
    figure_id         VARCHAR,
    figure_start      INTEGER,
    figure_end        INTEGER,
    number_text       VARCHAR,
    action            VARCHAR NOT NULL,      -- confirm | correct | reject | note
    field             VARCHAR,
    old_value         VARCHAR,
    new_value         VARCHAR,
    note              VARCHAR,
    reviewer          VARCHAR NOT NULL,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_decisions (   -- append-only: journalists' merge/split decisions
    decision_id       VARCHAR PRIMARY KEY,
    article_a         VARCHAR NOT NULL,
    figure_a          VARCHAR,
    start_a           INTEGER NOT NULL,
    end_a             INTEGER NOT NULL,
    text_a            VARCHAR NOT NULL,
    article_b         VARCHAR NOT NULL,
    figure_b          VARCHAR,
    start_b           INTEGER NOT NULL,
    end_b             INTEGER NOT NULL,
    text_b            VARCHAR NOT NULL,
    action            VARCHAR NOT NULL,      -- merge | split
    who               VARCHAR NOT NULL,
    note              VARCHAR,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS incidents (          -- derived: rebuilt by core.aggregate.recompute
    id                VARCHAR PRIMARY KEY,
    status            VARCHAR NOT NULL,
    date              DATE,
    place_id          VARCHAR,
    perpetrator       VARCHAR,
    articles          INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_counts (
    incident_id       VARCHAR NOT NULL,
    "group"           VARCHAR NOT NULL,
    best              BIGINT,
    min               BIGINT,
    max               BIGINT,
    reports           INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_reports (
    incident_id       VARCHAR NOT NULL,
    article_id        VARCHAR NOT NULL,
    figure_id         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS incident_state (     -- the data_version the incident tables were computed for
    version           VARCHAR
);

CREATE TABLE IF NOT EXISTS places (
    id                VARCHAR PRIMARY KEY,
    name_ar           VARCHAR,
    name_en           VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    precision         VARCHAR,
    coord_precision   VARCHAR,
    parent            VARCHAR,
    source            VARCHAR
);
"""

FIGURE_COLUMNS = ["article_id", *[n for n in figure_field_names() if n != "article_id"], "event_date"]


class StoreError(ValueError):
    """A problem with the database that the user can act on."""


class DatabaseLockedError(StoreError):
    """Another process holds the database file."""


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the argument, else $CASUALTY_DB, else ``data/casualties.duckdb``."""
    if path:
        return Path(path).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB


def locked_message(path: Path) -> str:
    return (
        f"The database {path} is in use by another program (probably the dashboard): DuckDB lets only "
        f"one program open it at a time. Add the articles through the dashboard's sidebar, or stop the "
        f"dashboard and run this command again, or use --db to work on another file."
    )


@dataclass
class StoredArticle:
    id: str
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    published: dt.date | None
    published_source: str | None
    lang: str | None
    filename: str | None
    format: str | None
    added_at: dt.datetime


class Store:
    """One DuckDB database file opened by this process; share it between threads."""

    _open: dict[Path, Store] = {}
    _open_lock = threading.Lock()

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection):
        self.path = path
        self._con = con
        self._local = threading.local()
        self._write_lock = threading.RLock()

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """Open (or create) the database; the same object is returned for the same file."""
        p = resolve_path(path)
        with cls._open_lock:
            if p in cls._open:
                return cls._open[p]
            p.parent.mkdir(parents=True, exist_ok=True)
            try:
                con = duckdb.connect(str(p))
            except duckdb.IOException as err:
                if "lock" in str(err).lower():
                    raise DatabaseLockedError(locked_message(p)) from err
                raise StoreError(f"Could not open the database {p}: {err}") from err
            store = cls(p, con)
            store._init_schema()
            cls._open[p] = store
            return store

    def close(self) -> None:
        with Store._open_lock:
            Store._open.pop(self.path, None)
        self._con.close()

    def _init_schema(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._con.execute(statement).fetchall()
        n = self._con.execute("SELECT count(*) FROM places").fetchall()[0][0]
        if n == 0:
            self._load_places()

    def _load_places(self) -> None:
        rows = [
            {
                "id": p.id, "name_ar": p.name_ar, "name_en": p.name_en, "lat": p.lat, "lon": p.lon,
                "precision": p.precision, "coord_precision": p.coord_precision, "parent": p.parent,
                "source": p.source,
            }
            for p in gazetteer.all_places()
        ]
        if rows:
            df = pd.DataFrame(rows)
            self._con.register("places_df", df)
            self._con.execute(
                "INSERT INTO places SELECT id, name_ar, name_en, lat, lon, precision, coord_precision, parent, source "
                "FROM places_df"
            ).fetchall()
            self._con.unregister("places_df")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (DuckDB: one connection per process, a cursor per thread)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION").fetchall()
        try:
            yield cur
        except BaseException:
            try:
                cur.execute("ROLLBACK").fetchall()
            except duckdb.Error:
                pass  # already rolled back by DuckDB; keep the error that caused it
            raise
        else:
            cur.execute("COMMIT").fetchall()  # a failed COMMIT is rolled back by DuckDB itself

    # ---- writing -------------------------------------------------------------------------
    def add_articles(self, batch: list[tuple[dict[str, Any], list[Figure]]]) -> list[str]:
        """Store articles with their figures in one transaction; return the ids actually added.

        Articles whose id is already stored (or repeated in the batch) are skipped. The threads of
        this process write one at a time (``_write_lock``), so the check for stored ids and the insert
        cannot interleave; a conflict that still happens is retried. If the database stays busy or
        fails (disk full, ...) the caller gets a `StoreError`, never a DuckDB exception."""
        last: duckdb.Error | None = None
        for attempt in range(8):
            try:
                with self._write_lock:
                    return self._add_articles_once(batch)
            except (duckdb.TransactionException, duckdb.ConstraintException) as err:
                last = err  # another writer stored one of these articles between our check and insert
                time.sleep(0.02 * (attempt + 1))
            except duckdb.Error as err:
                raise StoreError(
                    f"Could not store {len(batch)} article(s): the database reported an error ({err}). "
                    "Nothing from this upload was stored."
                ) from err
        raise StoreError(
            f"Could not store {len(batch)} article(s): the database stayed busy ({last}). "
            "Nothing from this upload was stored; please try again."
        ) from last

    def _add_articles_once(self, batch: list[tuple[dict[str, Any], list[Figure]]]) -> list[str]:
        if not batch:
            return []
        with self.transaction() as cur:
            ids = [a["id"] for a, _ in batch]
            existing = self._existing_ids(cur, ids)
            seen: set[str] = set()
            arts: list[dict[str, Any]] = []
            figs: list[dict[str, Any]] = []
            for art, figures in batch:
                if art["id"] in existing or art["id"] in seen:
                    continue
                seen.add(art["id"])
                arts.append(art)
                figs.extend(figure_row(art["id"], f) for f in figures)
            if arts:
                self._append(cur, "articles", _articles_frame(arts))
            if figs:
                self._append(cur, "figures", _figures_frame(figs))
        return [a["id"] for a in arts]

    def replace_figures(self, article_id: str, figures: list[Figure], extractor_version: str) -> None:
        """Swap an article's extracted figures for a new extraction (reviews are untouched)."""
        for attempt in range(8):
            try:
                with self._write_lock, self.transaction() as cur:
                    cur.execute("DELETE FROM figures WHERE article_id = ?", [article_id])
                    if figures:
                        self._append(cur, "figures", _figures_frame([figure_row(article_id, f) for f in figures]))
                    cur.execute(
                        "UPDATE articles SET extractor_version = ? WHERE id = ?", [extractor_version, article_id]
                    )
                return
            except duckdb.TransactionException:
                time.sleep(0.02 * (attempt + 1))
        raise StoreError(f"Could not update the figures of article {article_id}: the database stayed busy.")

    @staticmethod
    def _existing_ids(cur: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
        rows = cur.execute("SELECT id FROM articles WHERE list_contains(?, id)", [ids]).fetchall()
        return {r[0] for r in rows}

    @staticmethod
    def _append(cur: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
        name = f"_append_{table}"
        cols = ", ".join(f'"{c}"' for c in df.columns)
        cur.register(name, df)
        # No ``finally`` here: after a failed INSERT the transaction is aborted, ``unregister`` would
        # raise "transaction is aborted" and hide the real error; the ROLLBACK drops the view anyway.
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}").fetchall()
        cur.unregister(name)

    # ---- reading -------------------------------------------------------------------------
    def article_added_at(self, article_id: str) -> dt.datetime | None:
        rows = self.cursor().execute("SELECT added_at FROM articles WHERE id = ?", [article_id]).fetchall()
        return rows[0][0] if rows else None

    def find_article_by_content_hash(self, sha: str) -> tuple[str, dt.datetime] | None:
        row = self.cursor().execute(
            "SELECT id, added_at FROM articles WHERE content_sha256 = ? LIMIT 1", [sha]
        ).fetchall()
        return (row[0][0], row[0][1]) if row else None

    def get_article(self, article_id: str) -> StoredArticle | None:
        row = self.cursor().execute(
            "SELECT id, text, title, outlet, url, published, published_source, lang, filename, format, added_at "
            "FROM articles WHERE id = ?",
            [article_id],
        ).fetchall()
        return StoredArticle(*row[0]) if row else None

    def iter_articles(self, batch_size: int = 500) -> Iterable[StoredArticle]:
        ids = [r[0] for r in self.cursor().execute("SELECT id FROM articles ORDER BY added_at, id").fetchall()]
        for i in range(0, len(ids), batch_size):
            chunk = ids[i : i + batch_size]
            rows = self.cursor().execute(
                "SELECT id, text, title, outlet, url, published, published_source, lang, filename, format, added_at "
                "FROM articles WHERE list_contains(?, id) ORDER BY added_at, id",
                [chunk],
            ).fetchall()
            for row in rows:
                yield StoredArticle(*row)

    def figures_of(self, article_id: str) -> list[Figure]:
        df = self.cursor().execute(
            "SELECT * FROM figures WHERE article_id = ? ORDER BY start", [article_id]
        ).df()
        return [figure_from_row(r) for r in df.to_dict("records")]

    def counts(self) -> dict[str, int]:
        cur = self.cursor()
        return {
            t: cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("articles", "figures", "reviews", "places")
        }

    def check_consistency(self) -> list[str]:
        """Problems that must never exist: figures without an article (empty list when whole)."""
        cur = self.cursor()
        orphans = cur.execute(
            "SELECT count(*) FROM figures f LEFT JOIN articles a ON a.id = f.article_id WHERE a.id IS NULL"
        ).fetchall()[0][0]
        problems = []
        if orphans:
            problems.append(f"{orphans} figure(s) whose article is missing")
        return problems


# ---- row conversion ---------------------------------------------------------------------------
def figure_row(article_id: str, f: Figure) -> dict[str, Any]:
    d = f.to_dict()
    d["article_id"] = article_id
    d["extra"] = json.dumps(d.get("extra") or {}, ensure_ascii=False)
    d["event_date"] = event_date(f.date)
    return d


def event_date(date: str | None) -> dt.date | None:
    """The day a figure is filed under on a weekly chart: its date, or the 1st of its month."""
    if not date:
        return None
    try:
        if len(date) == 10:
            return dt.date.fromisoformat(date)
        if len(date) == 7:
            return dt.date.fromisoformat(date + "-01")
    except ValueError:
        return None
    return None


def figure_from_row(row: dict[str, Any]) -> Figure:
    d = {k: _py(v) for k, v in row.items() if k not in ("event_date",)}
    d["extra"] = json.loads(d["extra"]) if d.get("extra") else {}
    return Figure.from_dict(d)


def _py(v: Any) -> Any:
    """numpy/pandas scalars and arrays to plain Python values."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    if hasattr(v, "tolist"):
        return v.tolist()
    if v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


_ARTICLE_COLUMNS = [
    "id", "title", "outlet", "url", "published", "published_source", "lang", "text", "filename",
    "format", "encoding", "content_sha256", "added_at", "extractor_version",
]


def _articles_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame([{c: r.get(c) for c in _ARTICLE_COLUMNS} for r in rows], columns=_ARTICLE_COLUMNS)
    df["published"] = pd.to_datetime(df["published"], errors="coerce").dt.date
    df["added_at"] = pd.to_datetime(df["added_at"])
    for c in ("id", "title", "outlet", "url", "published_source", "lang", "text", "filename", "format",
              "encoding", "content_sha256", "extractor_version"):
        df[c] = df[c].astype(object)
    return df


_INT_COLUMNS = ("start", "end", "sentence_start", "min", "best", "max")


def _figures_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for c in _INT_COLUMNS:
        df[c] = df[c].astype("Int64")
    df["vague"] = df["vague"].astype(bool)
    df["confidence"] = df["confidence"].astype(float)
    df["event_date"] = pd.to_datetime(df["event_date"]).dt.date
    for c in FIGURE_COLUMNS:
        if c not in _INT_COLUMNS and c not in ("vague", "confidence", "event_date"):
            df[c] = df[c].astype(object)
    return df


# ---- incidents (core.aggregate) ----
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
# The trend chart and the map count incidents (`core.incidents`: one event, many reports), each
# once, with its best, min and max, never the raw figures of every article that reported it. These
# helpers turn the derived incident tables (written by `core.aggregate.recompute`) into rows with
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
    """The data version the incident tables were last computed for (`data_version`, as text)."""
    rows = store.cursor().execute("SELECT version FROM incident_state").fetchall()
    return rows[0][0] if rows else None


def set_incident_state(store: Store, version: str) -> None:
    with store._write_lock, store.transaction() as cur:
        cur.execute("DELETE FROM incident_state").fetchall()
        cur.execute("INSERT INTO incident_state VALUES (?)", [version]).fetchall()


def incident_list(store: Store, f: Any | None = None, limit: int = 2000) -> pd.DataFrame:
    """Incidents, latest first, for the Incidents page: id, status, date, place_id, place (as written),
    perpetrator, reports (articles), sources and, per victim group, best/min/max (``best_<group>`` ...).
    With filters `f` (a `core.trends.Filters`), only incidents with a counted row matching them."""
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


# ---- queries for the pages ----
# Read-only queries of the dashboard. `f` is a `core.trends.Filters`; the counting rule they apply
# is described in `core.trends` (and mirrored there in pandas by `weekly_from_frame`). Results are
# always fetched completely (fetchall/df): a half-read result would block the thread cursor's next
# register() in the write path.

_COUNTABLE = "{a}.kind = 'incident' AND {a}.part_of IS NULL AND {a}.same_as IS NULL"
_PART_GROUPS = ("children", "women")
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


def weekly_totals(store: Store, f: Any) -> pd.DataFrame:
    """Weekly sums by series: columns week, series, best, low, high, figures (here: incidents).

    Each incident is counted once (`core.incidents`), with its best, min and max: series are the
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
    """)
    df = store.cursor().execute(sql, params).df()
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["week"] = pd.to_datetime(df["week"]).dt.date
    for c in ("best", "low", "high", "figures"):
        df[c] = df[c].astype("int64")
    return df[cols]


TREND_ROW_COLUMNS = [
    "role", "status", "series", "group", "perpetrator", "place", "source", "best", "low", "high", "event_date",
    "date", "date_from", "article_id", "id",
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
    perpetrator, place and source read `NOT_STATED`."""
    ns = f"'{NOT_STATED}'"
    sql = _incident_rows_sql(f"""
        SELECT x.role, x.status, x.series, x."group", coalesce(x.perpetrator, {ns}) AS perpetrator,
               coalesce(x.place_id, x.place, {ns}) AS place, x.source, x.best, x.low, x.high, x.event_date,
               NULL AS date, NULL AS date_from, NULL AS article_id, NULL AS id
        FROM _rows x
        UNION ALL
        SELECT 2, f.status, 'toll', f."group", coalesce(f.perpetrator, {ns}), coalesce(f.place_id, f.place, {ns}),
               coalesce(f.source, {ns}), f.best, coalesce(f.min, f.best), coalesce(f.max, f.best), f.event_date,
               f.date, f.date_from, f.article_id, f.id
        FROM figures f WHERE f.kind = 'toll' AND f.same_as IS NULL AND f.part_of IS NULL
    """)
    # Through Arrow, with text as categories: much faster than .df() for a million rows.
    table = store.cursor().sql(sql).to_arrow_table()
    return table.to_pandas(strings_to_categorical=True, date_as_object=False).reindex(columns=TREND_ROW_COLUMNS)


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
    report of each incident counted there; ``incident_id`` says which).

    `series`: a victim group, ``total`` (everything added up that week), ``of_which_<group>`` (the
    breakdown figures of those incidents' reports), ``toll``, ``undated`` (incidents without a date;
    `week` ignored) or ``vague`` (incidents without a number)."""
    params: list[Any] = []
    if series == "toll":
        params.append(week)
        cond = _filter_sql(f, "f", params)
        where = (f"f.kind = 'toll' AND f.same_as IS NULL AND f.part_of IS NULL AND f.best IS NOT NULL "
                 f"AND date_trunc('week', f.event_date) = ? AND {cond}")
        sql = f"""SELECT {_BEHIND_COLUMNS}, NULL AS incident_id FROM figures f JOIN articles a ON a.id = f.article_id
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
    if series.startswith("of_which_"):
        params.append(series.removeprefix("of_which_"))
        member = """JOIN figures f ON f.article_id = r.article_id AND f.part_of = r.figure_id AND f."group" = ?
                    AND f.same_as IS NULL"""
    else:
        member = "JOIN figures f ON f.article_id = r.article_id AND f.id = r.figure_id"
    sql = _incident_rows_sql(f"""
        , _hit AS (SELECT DISTINCT x.incident_id FROM _rows x WHERE {where})
        SELECT {_BEHIND_COLUMNS}, r.incident_id
        FROM _hit h JOIN incident_reports r ON r.incident_id = h.incident_id {member}
        JOIN articles a ON a.id = f.article_id
        ORDER BY f.event_date, r.incident_id, a.published, f.article_id, f.start LIMIT {int(limit)}
    """)
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
# with only what `core.geo` groups them by; the sentence shown for an incident is the one of the
# report that gave its best count (the latest report with that number), read when the journalist
# asks for a place (`map_place_figures`). A place's key is the sidebar's: the gazetteer id, else the
# place as written by a report, else NOT_STATED.

MAP_COLUMNS = ["article_id", "figure_id", "best", "min", "max", "group", "perpetrator", "event_date", "place", "place_id"]
MAP_FIGURE_COLUMNS = [
    "article_id", "figure_id", "best", "min", "max", "number_text", "status", "group", "kind", "date", "event_date",
    "place", "place_id", "place_precision", "perpetrator", "source", "sentence", "title", "outlet", "url", "published",
    "incident_id", "reports",
]
_MAP_SELECT = """
    , _by AS (  -- each incident's report that gave its count: the latest with that number
        SELECT x.incident_id, x.series,
               max_by(m.article_id || chr(31) || m.id,
                      CASE WHEN m.best = x.best THEN '1' ELSE '0' END
                      || coalesce(strftime(a.published, '%Y-%m-%d'), '0000-00-00') || m.article_id || m.id) AS pick
        FROM _rows x JOIN incident_reports r ON r.incident_id = x.incident_id
        JOIN figures m ON m.article_id = r.article_id AND m.id = r.figure_id
        JOIN articles a ON a.id = m.article_id
        WHERE x.role = 0 AND x.best IS NOT NULL AND x.event_date IS NOT NULL AND {cond}
        GROUP BY ALL
    )
"""
_MAP_ROWS = """
    SELECT split_part(b.pick, chr(31), 1) AS article_id, split_part(b.pick, chr(31), 2) AS figure_id,
           x.best, x.low AS min, x.high AS max, x."group", x.perpetrator, x.event_date, x.place, x.place_id,
           x.incident_id, x.articles AS reports, x.status
    FROM _rows x JOIN _by b ON b.incident_id = x.incident_id AND b.series = x.series
    WHERE x.role = 0
"""


def map_figures(store: Store, f: Any) -> pd.DataFrame:
    """The incidents the trend chart adds up for filters `f`, one row per incident and group
    (`MAP_COLUMNS`): ``place`` is the place as written by a report, ``place_id`` the incident's
    gazetteer place, ``article_id``/``figure_id`` the report that gave the count."""
    if not f.incidents:
        return pd.DataFrame(columns=MAP_COLUMNS)
    params: list[Any] = []
    sql = _incident_rows_sql(_MAP_SELECT.format(cond=_incident_filter_sql(f, params)) + _MAP_ROWS)
    df = store.cursor().execute(sql, params).df()
    if df.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    df["event_date"] = pd.to_datetime(df["event_date"]).dt.date
    return df[MAP_COLUMNS]


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
    if date_from:
        cond += " AND x.event_date >= ?"
        params.append(date_from)
    if date_to:
        cond += " AND x.event_date <= ?"
        params.append(date_to)
    sql = _incident_rows_sql(f"""
        {_MAP_SELECT.format(cond=cond)}, _m AS ({_MAP_ROWS})
        SELECT m.article_id, m.figure_id, m.best, m.min, m.max, f.number_text, m.status, m."group", f.kind,
               f.date, m.event_date, m.place, m.place_id, f.place_precision, m.perpetrator, f.source, f.sentence,
               a.title, a.outlet, a.url, a.published, m.incident_id, m.reports
        FROM _m m JOIN figures f ON f.article_id = m.article_id AND f.id = m.figure_id
        JOIN articles a ON a.id = m.article_id
        ORDER BY m.event_date, m.article_id, f.start LIMIT {int(limit)}
    """)
    df = store.cursor().execute(sql, params).df()
    return df.reindex(columns=MAP_FIGURE_COLUMNS)


# ---- reviews and exports ----
# Journalists' reviews are append-only: `add_reviews` only ever INSERTs, nothing here (nor anywhere)
# updates or deletes a review row. What a review changes is worked out in Python at read time
# (`core.review.apply_to_rows`); the ``reviewed_*`` functions below answer the dashboard's figure
# queries with those reviewed values (corrections applied, rejected figures left out).

REVIEW_COLUMNS = [
    "review_id", "article_id", "figure_id", "figure_start", "figure_end", "number_text", "action", "field",
    "old_value", "new_value", "note", "reviewer", "created_at",
]


def add_reviews(store: Store, rows: list[dict[str, Any]]) -> list[str]:
    """Append review rows (`REVIEW_COLUMNS`) in one transaction; returns their ids. Never updates."""
    if not rows:
        return []
    df = pd.DataFrame([{c: r.get(c) for c in REVIEW_COLUMNS} for r in rows], columns=REVIEW_COLUMNS)
    for c in ("figure_start", "figure_end"):
        df[c] = df[c].astype("Int64")
    df["created_at"] = pd.to_datetime(df["created_at"])
    for c in REVIEW_COLUMNS:
        if c not in ("figure_start", "figure_end", "created_at"):
            df[c] = df[c].astype(object)
    try:
        with store._write_lock, store.transaction() as cur:
            Store._append(cur, "reviews", df)
    except duckdb.Error as err:
        raise StoreError(f"Could not store the review: the database reported an error ({err}).") from err
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

    def __init__(self, store: Store, cur: duckdb.DuckDBPyConnection):
        self.path = store.path
        self._cur = cur

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._cur


@contextmanager
def reviewed(store: Store) -> Iterator[Any]:
    """`store` as the page queries should see it: with reviewed figure values. Without any review
    this is `store` itself (no cost); otherwise a reader whose ``figures`` are reviewed. Only for the
    read-only query functions of this module (`trend_rows`, `map_figures`, `figures_behind`,
    `weekly_totals`)."""
    reviews = review_rows(store)
    if not reviews:
        yield store
        return
    from core import review

    ids = sorted({r["article_id"] for r in reviews})
    cur = store._con.cursor()
    try:
        raw = cur.execute("SELECT * FROM figures WHERE list_contains(?, article_id)", [ids]).df()
        rows = [{k: _py(v) for k, v in r.items() if k != "event_date"} for r in raw.to_dict("records")]
        kept = review.apply_to_rows(rows, reviews)
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


def reviewed_trend_rows(store: Store) -> pd.DataFrame:
    """`trend_rows` with reviewed values (what the trends page must read)."""
    with reviewed(store) as r:
        return trend_rows(r)


def reviewed_weekly_totals(store: Store, f: Any) -> pd.DataFrame:
    """`weekly_totals` with reviewed values."""
    with reviewed(store) as r:
        return weekly_totals(r, f)


def reviewed_map_figures(store: Store, f: Any) -> pd.DataFrame:
    """`map_figures` with reviewed values (what the map page must read)."""
    with reviewed(store) as r:
        return map_figures(r, f)


def reviewed_figures_behind(
    store: Store, f: Any, week: dt.date | None, series: str, limit: int = 500
) -> pd.DataFrame:
    """`figures_behind` with reviewed values."""
    with reviewed(store) as r:
        return figures_behind(r, f, week, series, limit)


def reviewed_map_place_figures(store: Store, f: Any, keys: Iterable[str], date_from: dt.date | None = None,
                               date_to: dt.date | None = None, limit: int = 500) -> pd.DataFrame:
    """`map_place_figures` with reviewed values."""
    with reviewed(store) as r:
        return map_place_figures(r, f, keys, date_from, date_to, limit)
