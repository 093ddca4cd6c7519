"""DuckDB storage: the only module that holds SQL.

One process opens the database file read-write and shares one DuckDB connection among its
threads; each thread works through its own cursor (`Store.cursor()`), as DuckDB requires. A
second process cannot open the file at all while the first holds it (not even read-only): we
turn that into `DatabaseLockedError`, one sentence that tells the user what to do.
In public mode (``CASUALTY_MODE=public``, `core.storage.access`) the file is opened read-only and
`Store.transaction`, the way into every write, refuses with `access.ReadOnlyError`.

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
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from core.extraction import gazetteer
from core.extraction.figure import Figure
from core.storage import access, backend
from core.storage.backend import LAKE_RETRY_SECONDS, LakeError, LakeTarget, is_conflict, pause_before_retry
from core.storage.schema import FIGURE_COLUMNS, SCHEMA, lake_schema

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "casualties.duckdb"
ENV_VAR = "CASUALTY_DB"


class StoreError(ValueError):
    """A problem with the database that the user can act on."""


class DatabaseLockedError(StoreError):
    """Another process holds the database file; ``holder`` says which, as far as we can tell."""

    def __init__(self, message: str, holder: LockHolder | None = None):
        super().__init__(message)
        self.holder = holder or LockHolder("unknown")


def resolve_path(path: str | os.PathLike[str] | LakeTarget | None = None) -> Path | LakeTarget:
    """The database: the argument, else $CASUALTY_DB, else ``data/casualties.duckdb``. A name
    ``ducklake:sqlite:PATH`` or ``ducklake:postgres:CONNINFO`` is a lake (`core.storage.backend`);
    anything else is a DuckDB file."""
    name = path or os.environ.get(ENV_VAR)
    if isinstance(name, LakeTarget):
        return name
    if not name:
        return DEFAULT_DB
    if backend.is_lake(str(name)):
        try:
            return backend.parse_lake(str(name))
        except LakeError as err:
            raise StoreError(str(err)) from err
    return Path(name).expanduser().resolve()


@dataclass(frozen=True)
class LockHolder:
    """The program that holds a database file, as far as we can tell: ``kind`` is ``dashboard``,
    ``command`` (one of our command-line modules: ``command`` names it), ``other`` (``command`` is its
    command line) or ``unknown``."""

    kind: str
    pid: int | None = None
    command: str | None = None


_COMMANDS = {"core.intake.ingest": "import", "core.views.export": "export", "core.incidents.aggregate": "aggregate",
             "core.evaluation.evaluate": "evaluation"}


def lock_holder(error_text: str) -> LockHolder:
    """Who holds the file, from DuckDB's lock error ("... is held in /usr/bin/python3 (PID 123)")
    and, where the system shows it (``/proc``), that process's command line."""
    m = re.search(r"\(PID (\d+)\)", error_text)
    if not m:
        return LockHolder("unknown")
    pid = int(m.group(1))
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return LockHolder("unknown", pid)
    args = [a for a in args if a]
    if any("streamlit" in Path(a).name for a in args):
        return LockHolder("dashboard", pid, " ".join(args))
    for module in _COMMANDS:
        if module in args or any(a.endswith(module.replace(".", "/") + ".py") for a in args):
            return LockHolder("command", pid, f"python -m {module}")
    return LockHolder("other", pid, " ".join(args)[:120] or None)


def locked_message(path: Path, holder: LockHolder | None = None) -> str:
    """One paragraph for the command line: who holds the file and what this command's user can do."""
    holder = holder or LockHolder("unknown")
    if holder.kind == "dashboard":
        return (
            f"The database {path} is open in the dashboard (PID {holder.pid}), and DuckDB lets only one "
            f"program open a file, so waiting will not help. While it runs, use the dashboard instead (its "
            f"sidebar adds articles; the Trends, Map and Incidents pages have export buttons), or stop the "
            f"dashboard and run this command again, or use --db to work on another file."
        )
    if holder.kind == "command":
        name = _COMMANDS.get((holder.command or "").removeprefix("python -m "), "run")
        return (
            f"The database {path} is in use by a command-line {name} ({holder.command}, PID {holder.pid}): "
            f"DuckDB lets only one program open a file at a time. Wait for it to finish and run this "
            f"command again, or use --db to work on another file."
        )
    who = (f"another program (PID {holder.pid}: {holder.command})" if holder.command
           else f"another program (PID {holder.pid}; which one could not be told)" if holder.pid
           else "another program (which one could not be told)")
    return (
        f"The database {path} is in use by {who}: DuckDB lets only one program open a file at a time. "
        f"Close that program and run this command again, or use --db to work on another file."
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
    """One database opened by this process (a DuckDB file or a lake); share it between threads.

    ``path`` is the file's `Path`, or the lake's `LakeTarget` (``str()`` gives its name);
    ``lake`` is that target, or None for a file. ``snapshot`` is the lake snapshot a read-only store
    opened with `open_as_of` reads (None: the latest)."""

    _open: dict[Path | LakeTarget, Store] = {}
    _open_lock = threading.Lock()

    def __init__(self, path: Path | LakeTarget, con: duckdb.DuckDBPyConnection, read_only: bool = False,
                 lake: LakeTarget | None = None, snapshot: int | None = None):
        self.path = path
        self.lake = lake
        self.snapshot = snapshot
        self._con = con
        self.read_only = read_only  # public mode: every write raises `access.ReadOnlyError`
        self._local = threading.local()
        self._write_lock = threading.RLock()

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | LakeTarget | None = None, read_only: bool | None = None) -> Store:
        """Open (or create) the database; the same object is returned for the same file or lake.

        ``read_only`` (default: `access.public_mode`, ``CASUALTY_MODE=public``) opens an existing file
        (or lake) read-only and refuses every write; a missing file is then a `StoreError` that says so (a
        read-only view cannot create it), and so is a file another process holds read-write."""
        p = resolve_path(path)
        read_only = access.public_mode() if read_only is None else read_only
        with cls._open_lock:
            if p in cls._open:
                if cls._open[p].read_only != read_only:
                    raise StoreError(f"The database {p} is already open {'read-write' if read_only else 'read-only'} "
                                     "in this process.")
                return cls._open[p]
            if isinstance(p, LakeTarget):
                store = cls._open_lake(p, read_only)
                cls._open[p] = store
                return store
            if read_only and not p.exists():
                raise StoreError(
                    f"There is no database at {p} to show: the public read-only view does not create one. "
                    "Fill it from the editors' dashboard or `python -m core.intake.ingest` first, "
                    "or set CASUALTY_DB to the file to publish."
                )
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
            try:
                con = duckdb.connect(str(p), read_only=read_only)
            except duckdb.IOException as err:
                if "lock" in str(err).lower():
                    holder = lock_holder(str(err))
                    raise DatabaseLockedError(locked_message(p, holder), holder) from err
                raise StoreError(f"Could not open the database {p}: {err}") from err
            store = cls(p, con, read_only)
            if not read_only:
                store._init_schema()
            cls._open[p] = store
            return store

    @classmethod
    def _open_lake(cls, target: LakeTarget, read_only: bool = False) -> Store:
        deadline = time.monotonic() + LAKE_RETRY_SECONDS
        attempt = 0
        while True:
            try:
                con = backend.connect_lake(target, read_only=read_only)
                break
            except LakeError as err:
                raise StoreError(str(err)) from err
            except duckdb.Error as err:
                # two processes creating the same new catalog at once: the second one retries
                if not is_conflict(err) or time.monotonic() > deadline:
                    raise StoreError(f"Could not open the lake {target}: {err}") from err
                attempt += 1
                pause_before_retry(attempt)
        store = cls(target, con, read_only, lake=target)
        if read_only:
            return store
        # no turn yet (the first run creates ``write_turn``): two processes creating the tables at once
        # conflict on the tables themselves, and the later one retries and finds them
        store.write(lambda cur: store._init_lake_schema(cur), what="create the lake's tables", take_turn=False)
        return store

    @classmethod
    def open_as_of(cls, path: str | os.PathLike[str] | LakeTarget | None, snapshot: int | None = None,
                   at_time: str | dt.datetime | None = None) -> Store:
        """A read-only view of a lake as it was at a snapshot (its number) or at a time (the snapshot
        current then). Not cached: close it when done. A DuckDB file has no snapshots: `StoreError`."""
        p = resolve_path(path)
        if not isinstance(p, LakeTarget):
            raise StoreError(
                f"The database {p} is a DuckDB file, which keeps no snapshots: --as-of needs a lake "
                "(ducklake:sqlite:PATH or ducklake:postgres:CONNINFO; see the README, "
                "\"When one machine is not enough\")."
            )
        when = at_time.isoformat(sep=" ") if isinstance(at_time, dt.datetime) else at_time
        try:
            con = backend.connect_lake(p, snapshot=snapshot, at_time=when)
        except LakeError as err:
            raise StoreError(str(err)) from err
        except duckdb.Error as err:
            raise StoreError(f"The lake {p} has no snapshot {snapshot if snapshot is not None else when}: {err}") from err
        store = cls(p, con, True, lake=p)
        store.snapshot = store.current_snapshot()
        return store

    def close(self) -> None:
        with Store._open_lock:
            if Store._open.get(self.path) is self:
                Store._open.pop(self.path, None)
        self._con.close()

    @contextmanager
    def lean(self, megabytes: int = 256) -> Iterator[None]:
        """DuckDB keeps at most `megabytes` of data in memory meanwhile (it drops the blocks an import
        left cached, and a large join spills to disk): for a full regrouping, whose own objects need the
        memory. Other queries of this process run under the same limit meanwhile. The limit before is
        restored after (and inside `roomy`)."""
        cur = self.cursor()
        before = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        try:
            cur.execute(f"SET memory_limit = '{int(megabytes)}MB'").fetchall()
        except duckdb.OutOfMemoryException:  # other work holds more than that now: go on as it is
            yield
            return
        self._local.roomy_limit = before
        try:
            yield
        finally:
            self._local.roomy_limit = None
            cur.execute("SET memory_limit = ?", [before]).fetchall()

    @contextmanager
    def roomy(self) -> Iterator[None]:
        """Inside `lean`: DuckDB's memory limit as it was before, for a step that needs more."""
        before = getattr(self._local, "roomy_limit", None)
        if before is None:
            yield
            return
        cur = self.cursor()
        lean = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        cur.execute("SET memory_limit = ?", [before]).fetchall()
        try:
            yield
        finally:
            cur.execute("SET memory_limit = ?", [lean]).fetchall()

    @contextmanager
    def pinned(self) -> Iterator[Store]:
        """This database held still for a series of reads: on a lake, a read-only store at the snapshot
        current now (every query then reads that one snapshot, whatever other processes write
        meanwhile; its ``snapshot`` says which); a DuckDB file, or a store already at a snapshot, is
        returned as it is."""
        if self.lake is None or self.snapshot is not None:
            yield self
            return
        held = Store.open_as_of(self.lake, snapshot=self.current_snapshot())
        try:
            yield held
        finally:
            held.close()

    def current_snapshot(self) -> int | None:
        """The lake snapshot a read now sees (None for a DuckDB file)."""
        if self.lake is None:
            return None
        if self.snapshot is not None:
            return self.snapshot
        rows = self.cursor().execute(
            f"SELECT id FROM ducklake_current_snapshot('{backend.LAKE_ALIAS}')").fetchall()
        return int(rows[0][0]) if rows else None

    def snapshot_time(self, snapshot: int) -> dt.datetime | None:
        """When a lake snapshot was committed."""
        if self.lake is None:
            return None
        rows = self.cursor().execute(
            f"SELECT snapshot_time FROM ducklake_snapshots('{backend.LAKE_ALIAS}') WHERE snapshot_id = ?",
            [snapshot]).fetchall()
        return rows[0][0] if rows else None

    def _init_lake_schema(self, cur: duckdb.DuckDBPyConnection) -> None:
        for statement in lake_schema().split(";"):
            if statement.strip():
                cur.execute(statement).fetchall()
        cur.execute("INSERT INTO write_turn SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM write_turn)").fetchall()
        if cur.execute("SELECT count(*) FROM places").fetchall()[0][0] == 0:
            self._load_places(cur)

    def _init_schema(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._con.execute(statement).fetchall()
        n = self._con.execute("SELECT count(*) FROM places").fetchall()[0][0]
        if n == 0:
            self._load_places(self._con)

    def _load_places(self, con: duckdb.DuckDBPyConnection) -> None:
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
            con.register("places_df", df)
            con.execute(
                "INSERT INTO places SELECT id, name_ar, name_en, lat, lon, precision, coord_precision, parent, source "
                "FROM places_df"
            ).fetchall()
            con.unregister("places_df")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (DuckDB: one connection per process, a cursor per thread)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self.new_cursor()
            self._local.cursor = cur
        return cur

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own (close it after use), reading the same database as `cursor`."""
        cur = self._con.cursor()
        if self.lake is not None:
            cur.execute(f"USE {backend.LAKE_ALIAS}").fetchall()
        return cur

    def write(self, work: Any, what: str = "write to the database", *, take_turn: bool = True) -> Any:
        """Run ``work(cursor)`` in one write transaction and return its result.

        The threads of this process write one at a time. On a lake, other processes write too: each
        write transaction first takes the lake's turn (it bumps the one row of ``write_turn``), so two
        writers that overlap conflict at commit, and the later one is rolled back and run again from
        the start, on the data the first one committed — the lake behaves as if writes took turns, and
        ``work`` must only depend on what it reads through the cursor. A conflict is retried (for up
        to `LAKE_RETRY_SECONDS`), never shown; another database error becomes a `StoreError`."""
        deadline = time.monotonic() + (LAKE_RETRY_SECONDS if self.lake is not None else 2.0)
        attempt = 0
        while True:
            try:
                with self._write_lock, self.transaction() as cur:
                    if self.lake is not None and take_turn:
                        cur.execute("UPDATE write_turn SET n = n + 1").fetchall()
                        _turn.n = cur.execute("SELECT max(n) FROM write_turn").fetchall()[0][0]
                    try:
                        return work(cur)
                    finally:
                        _turn.n = None
            except duckdb.Error as err:
                if not is_conflict(err):
                    raise StoreError(f"Could not {what}: the database reported an error ({err}).") from err
                if time.monotonic() > deadline:
                    raise StoreError(f"Could not {what}: the database stayed busy ({err}); please try again.") from err
                attempt += 1
                pause_before_retry(attempt)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction; in public mode (`read_only`) it is refused here, for every writer."""
        if self.read_only:
            raise access.ReadOnlyError(access.READ_ONLY_MESSAGE.format(path=self.path))
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

        Articles whose id is already stored (or repeated in the batch) are skipped. Writers take turns
        (`write`), so the check for stored ids and the insert cannot interleave with another writer's,
        in this process or (on a lake) another; a conflict is retried. If the database stays busy or
        fails (disk full, ...) the caller gets a `StoreError`, never a DuckDB exception. The signed-in
        editor (`access.author`) is recorded with each article as ``added_by``."""
        editor = access.author()
        if editor is not None:
            batch = [({**a, "added_by": editor.name, "added_by_account": editor.account}, f) for a, f in batch]
        try:
            return self.write(lambda cur: self._add_articles_once(cur, batch), what=f"store {len(batch)} article(s)")
        except StoreError as err:
            raise StoreError(f"{err} Nothing from this upload was stored.") from err.__cause__

    def _add_articles_once(self, cur: duckdb.DuckDBPyConnection,
                           batch: list[tuple[dict[str, Any], list[Figure]]]) -> list[str]:
        if not batch:
            return []
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
            owe_regroup(cur, [a["id"] for a in arts])
        if figs:
            self._append(cur, "figures", _figures_frame(figs))
        return [a["id"] for a in arts]

    def replace_figures(self, article_id: str, figures: list[Figure], extractor_version: str) -> None:
        """Swap an article's extracted figures for a new extraction (reviews are untouched)."""
        def work(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute("DELETE FROM figures WHERE article_id = ?", [article_id])
            if figures:
                self._append(cur, "figures", _figures_frame([figure_row(article_id, f) for f in figures]))
            cur.execute("UPDATE articles SET extractor_version = ? WHERE id = ?", [extractor_version, article_id])
            owe_regroup(cur, [article_id])

        self.write(work, what=f"update the figures of article {article_id}")

    @staticmethod
    def _existing_ids(cur: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
        rows = cur.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()
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
    "format", "encoding", "content_sha256", "added_at", "extractor_version", "added_by", "added_by_account",
]


def _articles_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame([{c: r.get(c) for c in _ARTICLE_COLUMNS} for r in rows], columns=_ARTICLE_COLUMNS)
    df["published"] = pd.to_datetime(df["published"], errors="coerce").dt.date
    df["added_at"] = pd.to_datetime(df["added_at"])
    for c in ("id", "title", "outlet", "url", "published_source", "lang", "text", "filename", "format",
              "encoding", "content_sha256", "extractor_version", "added_by", "added_by_account"):
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


def owe_regroup(cur: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> None:
    """Mark the incident tables out of date, inside the transaction that changes the figures (or the
    reviews or decisions) of these articles: they are listed in ``regroup_owed``, which the next
    regrouping works through (`core.incidents.incremental`), and if the process dies before that,
    the next ingest or page run sees it (`incident_state` is None) and regroups
    (`core.incidents.aggregate.ensure_current`)."""
    ids = sorted(set(article_ids))
    if ids and _turn.n is not None:  # a lake (no sequences): the mark is the write's turn, in commit order
        cur.execute("INSERT INTO regroup_owed (n, article_id) SELECT ?, unnest(?)", [_turn.n, ids]).fetchall()
    elif ids:
        cur.execute("INSERT INTO regroup_owed (article_id) SELECT unnest(?)", [ids]).fetchall()
    cur.execute("DELETE FROM incident_state").fetchall()


class _Turn(threading.local):
    n: int | None = None


_turn = _Turn()  # the lake turn this thread's write transaction holds (`Store.write`)
