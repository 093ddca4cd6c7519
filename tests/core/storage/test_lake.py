"""Several programs writing one lake at once: the file's guarantees, proven with real processes.

Every test runs twice, on a lake whose catalog is a SQLite file and on one whose catalog is a real
PostgreSQL server (`conftest.lake`). The writers are child processes (`lake_writer.py`, and the
command line itself); they open the lake, say ``ready``, and start together when the test creates
their ``go`` file. The articles are short invented reports (`article`), written to files first.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.incidents import aggregate
from core.storage import incident_queries, queries
from core.storage.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("lake_writer.py")
WAIT = 600  # seconds: only a bound for a hung child, never a measure of speed


def article(tag: str, i: int, day: dt.date | None = None, killed: int | None = None) -> str:
    """Invented report number ``i``: a count of civilians killed and of people injured in one strike.
    Articles with different ``i`` are different events (a different publication day) unless ``day``
    is given."""
    day = day or dt.date(2016, 1, 3) + dt.timedelta(days=i)
    killed = killed if killed is not None else 10 + i % 50
    return (
        f"title: lake {tag} {i}\ndate: {day.isoformat()}\n\n"
        f"ref {tag} {_letters(i)}\n"
        f"قتل {killed} مدنيا في غارة على حي المشلب في الرقة يوم الأحد، بحسب ناشطين. وأصيب {3 + i % 7} آخرون.\n"
    )


def _letters(i: int) -> str:
    """``i`` in letters (a, b, ..., ba, ...): makes each text unique without adding a number to it."""
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[i % 26] + out
        i //= 26
        if not i:
            return out


def write_articles(folder: Path, tag: str, numbers: range) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in numbers:
        p = folder / f"{tag}-{i:04d}.txt"
        p.write_text(article(tag, i), encoding="utf-8")
        paths.append(p)
    return paths


_RUNNING: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_writer_left():
    """A failed test leaves no writer running (they wait for their ``go`` file otherwise)."""
    yield
    while _RUNNING:
        p = _RUNNING.pop()
        if p.poll() is None:
            p.kill()
            p.wait()


class Writer:
    """A child process writing into the lake (`lake_writer.py`); its log lines as they come."""

    def __init__(self, tmp: Path, name: str, lake: str, mode: str, *args: str):
        self.log = tmp / f"{name}.log"
        self.go = tmp / "go"
        self.err = open(tmp / f"{name}.err", "w+", encoding="utf-8")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), mode, lake, str(self.go), str(self.log), *args],
            cwd=ROOT, stdout=self.err, stderr=subprocess.STDOUT,
        )
        _RUNNING.append(self.proc)

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def wait_for(self, line: str) -> None:
        deadline = time.monotonic() + WAIT
        while line not in self.lines():
            if self.proc.poll() is not None:
                raise AssertionError(f"writer ended ({self.proc.returncode}) before {line!r}: {self.output()}")
            assert time.monotonic() < deadline, f"writer never logged {line!r}"
            time.sleep(0.05)

    def output(self) -> str:
        self.err.seek(0)
        return self.err.read()

    def wait(self) -> list[str]:
        code = self.proc.wait(timeout=WAIT)
        out = self.output()
        self.err.close()
        assert code == 0, out
        assert "Traceback" not in out, out
        return self.lines()


def start_together(*writers: Writer) -> None:
    for w in writers:
        w.wait_for("ready")
    writers[0].go.touch()


def results(lines: list[str]) -> list[tuple[str, str, str]]:
    """(status, article id, file) of each ``added``/``duplicate``/``error`` line."""
    return [tuple(line.split(" ", 2)) for line in lines if line.split(" ")[0] in ("added", "duplicate", "error")]


def articles_without_all_figures(store: Store) -> int:
    """Articles stored without their figures (every invented article has two)."""
    return store.cursor().execute(
        "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM figures f WHERE f.article_id = a.id) <> 2"
    ).fetchall()[0][0]


@pytest.fixture
def opened(lake):
    stores: list[Store] = []

    def open_() -> Store:
        s = Store.open(lake)
        stores.append(s)
        return s

    yield open_
    for s in stores:
        s.close()


def test_two_writer_processes_store_every_article_once_and_a_reader_never_sees_half_an_article(
        tmp_path, lake, opened):
    a = write_articles(tmp_path / "a", "shared", range(0, 12))
    b = write_articles(tmp_path / "b", "shared", range(6, 18))  # 6 articles sent by both
    w1 = Writer(tmp_path, "w1", lake, "files", *map(str, a))
    w2 = Writer(tmp_path, "w2", lake, "files", *map(str, b))
    start_together(w1, w2)
    reader = opened()
    seen_half = []
    while w1.proc.poll() is None or w2.proc.poll() is None:
        seen_half.append(articles_without_all_figures(reader))
        time.sleep(0.05)
    r1, r2 = results(w1.wait()), results(w2.wait())
    assert not any(n for n in seen_half), "a reader saw an article without all its figures"
    assert [s for s, _, _ in r1 + r2 if s == "error"] == []
    added = [aid for s, aid, _ in r1 + r2 if s == "added"]
    assert len(added) == len(set(added)) == 18
    # each shared article: one writer was told "added", the other "already in the database"
    by_file: dict[str, list[str]] = {}
    for s, _, name in r1 + r2:
        by_file.setdefault(name, []).append(s)
    assert all(sorted(v) == ["added", "duplicate"] for k, v in by_file.items() if len(v) == 2)
    assert sum(len(v) == 2 for v in by_file.values()) == 6
    assert reader.counts()["articles"] == 18 and reader.counts()["figures"] == 36
    assert reader.check_consistency() == []


def test_the_same_article_sent_by_two_writers_at_the_same_moment_is_stored_once(tmp_path, lake, opened):
    paths = write_articles(tmp_path / "same", "same", range(6))
    w1 = Writer(tmp_path, "w1", lake, "files", *map(str, paths))
    w2 = Writer(tmp_path, "w2", lake, "files", *map(str, paths))
    start_together(w1, w2)
    r1, r2 = results(w1.wait()), results(w2.wait())
    for (s1, id1, _), (s2, id2, _) in zip(r1, r2, strict=True):
        assert id1 == id2 and sorted([s1, s2]) == ["added", "duplicate"]
    store = opened()
    assert store.counts()["articles"] == 6
    assert store.cursor().execute("SELECT count(DISTINCT id) FROM articles").fetchall()[0][0] == 6


def test_dashboard_tabs_and_the_command_line_import_write_at_the_same_time(tmp_path, lake, opened):
    tabs = write_articles(tmp_path / "tabs", "tab", range(0, 12))
    folder = tmp_path / "cli"
    write_articles(folder, "cli", range(100, 120))
    dashboard = Writer(tmp_path, "dashboard", lake, "tabs", *map(str, tabs))
    dashboard.wait_for("ready")
    dashboard.go.touch()
    cli = subprocess.run([sys.executable, "-m", "core.intake.ingest", "--db", lake, str(folder)], cwd=ROOT,
                         capture_output=True, text=True, timeout=WAIT)
    tab_results = results(dashboard.wait())
    assert cli.returncode == 0, cli.stderr
    assert "Summary: 20 added" in cli.stdout
    assert sorted(s for s, _, _ in tab_results) == ["added"] * 12
    store = opened()
    assert store.counts()["articles"] == 32 and articles_without_all_figures(store) == 0
    assert aggregate.is_current(store)


def test_a_writer_killed_mid_ingest_leaves_no_partial_article_and_the_retry_stores_the_rest(
        tmp_path, lake, opened):
    paths = write_articles(tmp_path / "many", "kill", range(0, 160))
    victim = Writer(tmp_path, "victim", lake, "batches", "20", *map(str, paths))
    victim.wait_for("ready")
    victim.go.touch()
    victim.wait_for("batch 0")  # at least one batch committed: the kill lands mid-ingest
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(timeout=WAIT)
    victim.err.close()
    assert victim.proc.returncode == -signal.SIGKILL
    reported = {aid for s, aid, _ in results(victim.lines()) if s == "added"}
    store = opened()
    stored = {r[0] for r in store.cursor().execute("SELECT id FROM articles").fetchall()}
    assert reported <= stored, "an article reported added is missing"
    assert len(stored) % 20 == 0 and len(stored) < 160, "a batch was stored in part"
    assert articles_without_all_figures(store) == 0
    retry = Writer(tmp_path, "retry", lake, "batches", "20", *map(str, paths))
    retry.wait_for("ready")
    r = results(retry.wait())
    assert sum(s == "duplicate" for s, _, _ in r) == len(stored)
    assert sum(s == "added" for s, _, _ in r) == 160 - len(stored)
    assert store.counts()["articles"] == 160 and articles_without_all_figures(store) == 0
    assert aggregate.is_current(store)


def test_reviews_from_two_processes_at_once_are_all_appended(tmp_path, lake, opened):
    (path,) = write_articles(tmp_path / "one", "review", range(1))
    first = Writer(tmp_path, "first", lake, "files", str(path))
    first.wait_for("ready")
    first.go.touch()
    ((_, aid, _),) = results(first.wait())
    w1 = Writer(tmp_path, "w1", lake, "notes", aid, "f1", "8", "Huda")
    w2 = Writer(tmp_path, "w2", lake, "notes", aid, "f1", "8", "Sami")
    (tmp_path / "go").unlink()
    start_together(w1, w2)
    w1.wait(), w2.wait()
    store = opened()
    rows = queries.reviews_of(store, [aid])
    assert sorted(r["note"] for r in rows) == sorted([f"Huda note {i}" for i in range(8)] + [f"Sami note {i}" for i in range(8)])
    assert len({r["review_id"] for r in rows}) == 16


def test_two_writers_adding_reports_of_one_incident_at_once_leave_one_incident(tmp_path, lake, opened):
    day = dt.date(2017, 6, 13)
    folder = tmp_path / "incident"
    folder.mkdir()
    names = []
    for i, killed in enumerate((14, 15)):
        p = folder / f"report-{i}.txt"
        p.write_text(article(f"incident{i}", i, day=day, killed=killed), encoding="utf-8")
        names.append(p)
    others = write_articles(tmp_path / "others", "other", range(200, 210))
    w1 = Writer(tmp_path, "w1", lake, "files", str(names[0]), *map(str, others[:5]))
    w2 = Writer(tmp_path, "w2", lake, "files", str(names[1]), *map(str, others[5:]))
    start_together(w1, w2)
    w1.wait(), w2.wait()
    store = opened()
    assert aggregate.is_current(store), "the incidents were left stale"
    ids = [r[0] for r in store.cursor().execute("SELECT id FROM articles WHERE title LIKE 'lake incident%'").fetchall()]
    both = {incident_queries.incident_of_report(store, aid, "f1") for aid in ids}
    assert len(both) == 1 and None not in both
    before = incident_queries.incident_list(store).sort_values("id").reset_index(drop=True)
    aggregate.recompute(store)  # grouping everything again from scratch gives the same incidents
    after = incident_queries.incident_list(store).sort_values("id").reset_index(drop=True)
    assert before.equals(after)


def test_a_lake_is_refused_with_a_clear_message_when_its_extension_is_missing(tmp_path, monkeypatch):
    from core.storage import backend

    monkeypatch.setattr(backend, "_extension_file", lambda package: None)
    with pytest.raises(StoreError, match="duckdb-extension-ducklake .*not installed"):
        Store.open(f"ducklake:sqlite:{tmp_path / 'c.sqlite'}")


def test_an_unknown_lake_catalog_is_named_in_the_error():
    with pytest.raises(StoreError, match="Unknown lake catalog 'mysql'"):
        Store.open("ducklake:mysql:somewhere")


def test_the_default_database_is_still_the_file_without_configuration(monkeypatch):
    monkeypatch.delenv("CASUALTY_DB", raising=False)
    from core.storage import store as store_mod

    assert store_mod.resolve_path() == ROOT / "data" / "casualties.duckdb"
    assert os.fspath(store_mod.resolve_path()).endswith("casualties.duckdb")


def test_a_lake_has_the_same_tables_and_columns_as_the_file(tmp_path, lake, opened):
    def columns(store: Store) -> set[tuple[str, str, str]]:
        rows = store.cursor().execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = 'main'").fetchall()
        return {tuple(r) for r in rows}

    file_store = Store.open(tmp_path / "plain.duckdb")
    try:
        in_file = columns(file_store)
    finally:
        file_store.close()
    in_lake = columns(opened())
    assert {c for c in in_lake if c[0] != "write_turn"} == in_file
    assert ("write_turn", "n", "BIGINT") in in_lake
