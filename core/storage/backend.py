"""Where the database lives: the DuckDB file (the default) or a DuckLake lake.

A *target* is what ``CASUALTY_DB`` / ``--db`` names:

- a file path (``data/casualties.duckdb``): one embedded DuckDB file, one process at a time;
- ``ducklake:sqlite:PATH``: a lake whose catalog is a SQLite file, for several processes on one machine;
- ``ducklake:postgres:CONNINFO`` (``dbname=casualties host=db.example port=5432``): a lake whose
  catalog is a PostgreSQL database, for several machines.

A lake keeps its data in Parquet files in a folder: ``CASUALTY_DATA``, else ``<catalog>.files/`` next
to a SQLite catalog (a PostgreSQL catalog needs ``CASUALTY_DATA`` when the lake is created; afterwards
the lake remembers its folder). DuckDB stays the engine: a lake is attached to an in-memory DuckDB
connection and made its default database, so the same SQL runs on both.

The extensions come from the pinned wheels (``duckdb-extension-ducklake``, ``-sqlite``,
``-postgres-scanner``), installed from the file inside the package and loaded; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

DATA_ENV_VAR = "CASUALTY_DATA"
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"

# catalog kind -> the extension wheels it needs: (Python package, name DuckDB loads it by)
_EXTENSIONS = {
    "sqlite": [("duckdb_extension_ducklake", "ducklake"), ("duckdb_extension_sqlite", "sqlite_scanner")],
    "postgres": [("duckdb_extension_ducklake", "ducklake"),
                 ("duckdb_extension_postgres_scanner", "postgres_scanner")],
}
_PIP_NAMES = {"duckdb_extension_ducklake": "duckdb-extension-ducklake",
              "duckdb_extension_sqlite": "duckdb-extension-sqlite",
              "duckdb_extension_postgres_scanner": "duckdb-extension-postgres-scanner"}


class LakeError(ValueError):
    """A lake was asked for and cannot be opened as asked (bad name, missing extension, no data folder)."""


@dataclass(frozen=True)
class LakeTarget:
    """A DuckLake lake: ``catalog`` is ``sqlite`` (``location`` an absolute file path) or ``postgres``
    (``location`` a libpq connection string); ``data_path`` the folder of its Parquet files, or None
    to use the one the lake recorded when it was created."""

    catalog: str
    location: str
    data_path: str | None = None

    def __str__(self) -> str:
        return f"{LAKE_PREFIX}{self.catalog}:{self.location}"

    @property
    def attach_uri(self) -> str:
        return str(self)


def is_lake(name: str | os.PathLike[str] | None) -> bool:
    return isinstance(name, LakeTarget) or (isinstance(name, str) and name.startswith(LAKE_PREFIX))


def parse_lake(name: str, data_path: str | None = None) -> LakeTarget:
    """``ducklake:sqlite:PATH`` or ``ducklake:postgres:CONNINFO`` as a `LakeTarget`; ``data_path``
    (else ``$CASUALTY_DATA``, else ``<catalog>.files`` beside a SQLite catalog) is its data folder.

    >>> t = parse_lake("ducklake:sqlite:/srv/news/lake.sqlite", data_path="")
    >>> (t.catalog, t.location, t.data_path)
    ('sqlite', '/srv/news/lake.sqlite', '/srv/news/lake.sqlite.files/')
    >>> parse_lake("ducklake:mysql:x")
    Traceback (most recent call last):
    ...
    core.storage.backend.LakeError: Unknown lake catalog 'mysql' in 'ducklake:mysql:x': use ducklake:sqlite:PATH or ducklake:postgres:CONNINFO.
    """
    rest = name[len(LAKE_PREFIX):]
    kind, _, location = rest.partition(":")
    if kind not in _EXTENSIONS:
        raise LakeError(
            f"Unknown lake catalog {kind!r} in {name!r}: use ducklake:sqlite:PATH or ducklake:postgres:CONNINFO."
        )
    if not location.strip():
        raise LakeError(f"{name!r} names no catalog: give ducklake:{kind}:{'PATH' if kind == 'sqlite' else 'CONNINFO'}.")
    data = data_path or os.environ.get(DATA_ENV_VAR) or None
    if kind == "sqlite":
        location = str(Path(location).expanduser().resolve())
        if not data:
            data = location + ".files"
    if data and "://" not in data:
        data = str(Path(data).expanduser().resolve())
    if data and not data.endswith("/"):
        data += "/"
    return LakeTarget(kind, location, data)


def _extension_file(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        found = sorted(Path(root).rglob("*.duckdb_extension"))
        if found:
            return found[0]
    return None


def load_extensions(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Install the extensions a lake with this catalog needs from the pinned wheels, and load them.

    Raises `LakeError` naming the package to install when one is missing; never downloads."""
    con.execute("SET autoinstall_known_extensions = false").fetchall()
    for package, name in _EXTENSIONS[catalog]:
        path = _extension_file(package)
        if path is None:
            raise LakeError(
                f"A DuckLake lake with a {catalog} catalog needs the DuckDB extension package "
                f"{_PIP_NAMES[package]} (matching duckdb {duckdb.__version__}), which is not installed. "
                f"Install the project's requirements (python3 tasks.py dashboard, or "
                f".venv/bin/pip install -r requirements.txt) and try again."
            )
        try:
            con.execute(f"INSTALL '{path}'").fetchall()
            con.execute(f"LOAD {name}").fetchall()
        except duckdb.Error as err:
            raise LakeError(
                f"The DuckDB extension {name} from {path} could not be loaded ({err}); it must match "
                f"duckdb {duckdb.__version__} (see requirements.txt)."
            ) from err


def prepare_sqlite_catalog(path: str) -> None:
    """Create the SQLite catalog file's folder and put the file in WAL mode (kept in the file): readers
    then never block the one writer, and a writer whose snapshot is stale fails at commit (retried)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    try:
        con.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        con.close()


def attach_sql(target: LakeTarget, alias: str = LAKE_ALIAS, *, snapshot: int | None = None,
               at_time: str | None = None, read_only: bool = False) -> str:
    """The ATTACH statement of a lake (at a snapshot or a time: read-only)."""
    options = []
    if target.data_path and snapshot is None and at_time is None:
        options.append(f"DATA_PATH '{_quote(target.data_path)}'")
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    if at_time is not None:
        options.append(f"SNAPSHOT_TIME '{_quote(at_time)}'")
    if read_only or snapshot is not None or at_time is not None:
        options.append("READ_ONLY")
    opts = f" ({', '.join(options)})" if options else ""
    return f"ATTACH '{_quote(target.attach_uri)}' AS {alias}{opts}"


def connect_lake(target: LakeTarget, *, snapshot: int | None = None, at_time: str | None = None,
                 read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the lake attached (as ``lake``) and in use (``read_only``, or
    at a snapshot or time: read-only, and the lake must exist)."""
    con = duckdb.connect()
    try:
        load_extensions(con, target.catalog)
        fixed = read_only or snapshot is not None or at_time is not None
        if target.catalog == "sqlite":
            if not fixed:
                prepare_sqlite_catalog(target.location)
            elif not Path(target.location).exists():
                raise LakeError(f"There is no lake catalog at {target.location}.")
        if target.data_path and "://" not in target.data_path and not fixed:
            Path(target.data_path).mkdir(parents=True, exist_ok=True)
        con.execute(attach_sql(target, snapshot=snapshot, at_time=at_time, read_only=read_only)).fetchall()
        con.execute(f"USE {LAKE_ALIAS}").fetchall()
    except BaseException:
        con.close()
        raise
    return con


# How long a lake writer keeps retrying a write that conflicts with another process's (each retry
# waits a little longer, at most _RETRY_PAUSE_MAX seconds): conflicts are never shown to the user.
LAKE_RETRY_SECONDS = 120.0
_RETRY_PAUSE_MAX = 0.5
_CONFLICT_WORDS = ("conflict", "database is locked", "busy", "could not serialize", "duplicate key",
                   "already exists", "unique constraint")


def is_conflict(err: BaseException) -> bool:
    """Is this error one writer losing to another (retry it), rather than a real failure?"""
    text = str(err).lower()
    return isinstance(err, (duckdb.TransactionException, duckdb.ConstraintException)) or any(
        w in text for w in _CONFLICT_WORDS)


def pause_before_retry(attempt: int) -> None:
    """Wait before retrying a conflicting write: longer each time, with jitter so writers spread out."""
    time.sleep(random.uniform(0.5, 1.0) * min(_RETRY_PAUSE_MAX, 0.01 * 2 ** min(attempt, 8)))


def _quote(s: str) -> str:
    return s.replace("'", "''")
