"""Lakes for the storage tests: a SQLite catalog in a temporary folder, and a PostgreSQL catalog on a
real server (Debian's PostgreSQL, started here in a temporary folder, stopped afterwards).

The PostgreSQL server is started once per test session by `pg_server`: ``initdb`` and ``pg_ctl`` run
as the current user, or, when that is root (which PostgreSQL refuses), as the unprivileged
``postgres`` user (else ``nobody``) through ``runuser``, in a folder owned by that user; it listens
on 127.0.0.1 on a free port and trusts local connections. Each test gets a database of its own.
Without PostgreSQL (and not root, so that ``python3 tasks.py test`` cannot install it) those tests
are skipped, saying so.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ROOTS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_bin() -> Path | None:
    for root in PG_ROOTS:
        if (root / "initdb").exists() and (root / "pg_ctl").exists():
            return root
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"]
    pytest.skip("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


class PgServer:
    def __init__(self, bin_dir: Path, folder: Path, port: int, prefix: list[str]):
        self.bin, self.folder, self.port, self.prefix = bin_dir, folder, port, prefix
        self.count = 0

    def run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def new_database(self) -> str:
        """A fresh database on the server; its libpq connection string."""
        self.count += 1
        name = f"lake{self.count}"
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"dbname={name} host=127.0.0.1 port={self.port} user=postgres"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin); python3 tasks.py test "
                    "installs Debian's postgresql when run as root")
    prefix = _run_as()
    # a folder of its own under the system's temporary folder (pytest's are private to this user)
    folder = Path(tempfile.mkdtemp(prefix="casualty-pg-"))
    data = folder / "data"
    if prefix:
        os.chmod(folder, 0o700)
        shutil.chown(folder, prefix[2])
    port = _free_port()
    server = PgServer(bin_dir, folder, port, prefix)
    server.run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    log = folder / "server.log"
    server.run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
               f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200", "start")
    try:
        yield server
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def lake(request, tmp_path) -> str:
    """The name of a new, empty lake (``ducklake:sqlite:...`` or ``ducklake:postgres:...``), with its
    data folder set through ``CASUALTY_DATA`` for this test (and its child processes)."""
    data = tmp_path / "lake-data"
    if request.param == "sqlite":
        name = f"ducklake:sqlite:{tmp_path / 'catalog.sqlite'}"
    else:
        name = "ducklake:postgres:" + request.getfixturevalue("pg_server").new_database()
    mp = pytest.MonkeyPatch()
    mp.setenv("CASUALTY_DATA", str(data))
    request.addfinalizer(mp.undo)
    return name
