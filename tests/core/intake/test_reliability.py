"""Several journalists at once, and a process killed mid-upload: nothing lost, nothing invented.

Everything goes through `core.intake.ingest` (the code path of the dashboard's sidebar) into a real
DuckDB file under tmp_path.

* Concurrency: Streamlit runs each browser tab in its own thread of one process, all sharing one
  `Store`. The tests start 8 threads together (a `threading.Barrier`) and check that every article
  is stored exactly once with all its figures, that the same article sent by all 8 is added for
  one of them and reported as a duplicate to the other 7, and that no caller sees an error.
* Crash safety: a child process (`ingest_until_killed.py`) ingests articles until it is killed
  with SIGKILL at a random moment (seeded, several rounds). The database must then open, hold no
  figure without its article and no article without its figures, keep every article whose upload
  had returned, and accept the interrupted upload again.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from core.extraction import extract
from core.incidents import aggregate
from core.intake import ingest
from core.storage import queries
from core.storage import store as store_mod
from core.storage.store import Store
from tests.core.intake import ingest_until_killed as child

HERE = Path(__file__).resolve().parent
N_TABS = 8
PER_TAB = 25
SAME_ARTICLE = "قتل 613 مدنيا بينهم 41 طفلا في قصف على سوق الرقة الشعبي يوم الجمعة، وفق المرصد السوري.\n"


def tab_article(tab: int, i: int) -> str:
    """A distinct short article for upload ``i`` of browser tab ``tab``, with one or two figures."""
    n = 3 + tab * PER_TAB + i
    if i % 2:
        return f"قتل {n} مدنيا في قصف على الحي رقم {tab}-{i} في مدينة الرقة.\n"
    return f"أصيب {n} مدنيا بجروح، بينهم {1 + i % 5} أطفال، في قصف على الحي رقم {tab}-{i}.\n"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "newsroom.duckdb"
    yield path
    if path.resolve() in Store._open:
        Store._open[path.resolve()].close()


def _run_tabs(target, n: int = N_TABS) -> list[BaseException]:
    """Run ``target(tab)`` in ``n`` threads released together; the exceptions they raised."""
    barrier = threading.Barrier(n)
    raised: list[BaseException] = []

    def run(tab: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(tab)
        except BaseException as err:  # noqa: BLE001 - collected and reported by the test
            raised.append(err)

    threads = [threading.Thread(target=run, args=(t,), name=f"tab-{t}") for t in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a browser tab never finished its upload"
    return raised


def _assert_every_article_has_its_figures(store: Store) -> dict[str, int]:
    """Each stored article holds as many figures as the extractor finds in its stored text (none
    missing, none extra), and no figure is without its article. Returns article id -> figures."""
    assert store.check_consistency() == []
    listed = queries.list_articles(store, limit=1_000_000)
    stored = dict(zip(listed["id"], (int(n) for n in listed["figures"]), strict=True))
    for art in store.iter_articles():
        expected = len(extract.extract(art.text, art.published, art.lang))
        assert stored[art.id] == expected, (
            f"article {art.id} ({art.filename}) is stored with {stored[art.id]} figure(s), its text has {expected}"
        )
    assert store.counts()["figures"] == sum(stored.values())
    return stored


# ---- several browser tabs at once ----------------------------------------------------------------
def test_eight_tabs_uploading_at_once_store_every_article_once_with_its_figures(db_path):
    store = Store.open(db_path)
    results: dict[int, list[ingest.IngestResult]] = collections.defaultdict(list)
    same_moment = threading.Barrier(N_TABS)

    def tab(t: int) -> None:
        # All 8 send the same article at the same moment ...
        results[t].append(ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), f"same-{t}.txt"))
        same_moment.wait(timeout=30)
        # ... then their own 25: half the tabs as one multi-file upload, half one file at a time.
        files = [(tab_article(t, i).encode("utf-8"), f"tab{t}-{i}.txt") for i in range(PER_TAB)]
        if t % 2:
            results[t].extend(ingest.ingest_many(store, files))
        else:
            results[t].extend(ingest.ingest_bytes(store, data, name) for data, name in files)

    assert _run_tabs(tab) == []
    everything = [r for rs in results.values() for r in rs]
    assert [r.message for r in everything if r.status == "error"] == []
    assert len(everything) == N_TABS * (PER_TAB + 1)

    same = [rs[0] for rs in results.values()]
    assert sorted(r.status for r in same) == ["added"] + ["duplicate"] * (N_TABS - 1)
    assert len({r.article_id for r in same}) == 1
    assert all("already in the database" in r.message for r in same if r.status == "duplicate")
    assert [f.best for f in next(r for r in same if r.status == "added").figures] == [613, 41]

    own = [r for rs in results.values() for r in rs[1:]]
    assert collections.Counter(r.status for r in own) == {"added": N_TABS * PER_TAB}
    assert queries.article_count(store) == N_TABS * PER_TAB + 1 == 201
    stored = _assert_every_article_has_its_figures(store)
    assert {r.article_id: len(r.figures) for r in everything if r.status == "added"} == stored
    for r in own[::5]:  # what the journalist was told is what is stored
        assert [f.best for f in store.figures_of(r.article_id)] == [f.best for f in r.figures]


def test_same_batch_from_eight_tabs_is_added_once_and_reported_as_duplicate_seven_times(db_path):
    store = Store.open(db_path)
    files = [(tab_article(0, i).encode("utf-8"), f"shared-{i}.txt") for i in range(20)]
    results: dict[int, list[ingest.IngestResult]] = {}

    def tab(t: int) -> None:
        # Every tab uploads the same 20 files, in its own order, in batches of 5.
        mine = files[t:] + files[:t]
        results[t] = ingest.ingest_many(store, mine, batch_size=5)

    assert _run_tabs(tab) == []
    by_article: dict[str, list[str]] = collections.defaultdict(list)
    for rs in results.values():
        for r in rs:
            by_article[r.article_id].append(r.status)
    assert len(by_article) == 20
    for aid, statuses in by_article.items():
        assert sorted(statuses) == ["added"] + ["duplicate"] * (N_TABS - 1), aid
    assert queries.article_count(store) == 20
    _assert_every_article_has_its_figures(store)


def test_pages_reading_while_tabs_upload_never_see_an_error_or_half_an_article(db_path):
    store = Store.open(db_path)
    writers, per_writer = N_TABS - 2, 10
    lock = threading.Lock()
    still_writing = [writers]
    finished = threading.Event()
    views: list[int] = []

    def tab(t: int) -> None:
        if t < writers:
            try:
                for i in range(per_writer):
                    ingest.ingest_bytes(store, tab_article(t, i).encode("utf-8"), f"w{t}-{i}.txt")
            finally:
                with lock:
                    still_writing[0] -= 1
                    if still_writing[0] == 0:
                        finished.set()
            return
        # the other tabs keep redrawing the articles page while the uploads go on
        while not finished.is_set():
            listed = queries.list_articles(store)
            assert store.check_consistency() == []
            assert all(n >= 1 for n in listed["figures"]), "a page listed an article without its figures"
            views.append(len(listed))

    assert _run_tabs(tab) == []
    assert views, "the reading tabs never drew a page"
    assert queries.article_count(store) == writers * per_writer
    _assert_every_article_has_its_figures(store)


def test_writer_that_lost_the_race_is_told_duplicate_not_an_error(db_path, monkeypatch):
    # Simulate the race the write lock prevents: the check for stored ids misses an article that
    # is already there, so the INSERT hits the primary key; the write is retried and the article
    # is reported as a duplicate.
    store = Store.open(db_path)
    first = ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), "first.txt")
    real = Store._existing_ids
    calls = []

    def stale_once(cur, ids):
        calls.append(ids)
        return set() if len(calls) == 1 else real(cur, ids)

    monkeypatch.setattr(Store, "_existing_ids", staticmethod(stale_once))
    second = ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), "second.txt")
    assert len(calls) >= 2, "the conflicting write was not retried"
    assert (first.status, second.status) == ("added", "duplicate"), second.message
    assert queries.article_count(store) == 1
    _assert_every_article_has_its_figures(store)


def test_database_that_stays_busy_gives_the_journalist_a_message_not_a_traceback(db_path, monkeypatch):
    store = Store.open(db_path)
    ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), "first.txt")
    monkeypatch.setattr(Store, "_existing_ids", staticmethod(lambda cur, ids: set()))
    monkeypatch.setattr(store_mod.time, "sleep", lambda s: None)
    files = [(SAME_ARTICLE.encode("utf-8"), "again.txt"), (tab_article(1, 1).encode("utf-8"), "new.txt")]
    results = ingest.ingest_many(store, files)
    assert [r.status for r in results] == ["error", "error"]
    assert all(r.reason == "store" and "try again" in r.message for r in results), results[0].message
    assert queries.article_count(store) == 1  # nothing of the failed batch was stored
    _assert_every_article_has_its_figures(store)


def test_database_error_while_writing_gives_a_message_and_stores_nothing(db_path, monkeypatch):
    store = Store.open(db_path)
    real = Store._append
    calls = []

    def disk_full_on_figures(cur, table, df):
        calls.append(table)
        if table == "figures":  # the article row is already written in this transaction
            raise duckdb.IOException("No space left on device")
        return real(cur, table, df)

    monkeypatch.setattr(Store, "_append", staticmethod(disk_full_on_figures))
    res = ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), "full-disk.txt")
    assert calls == ["articles", "figures"]
    assert res.status == "error" and res.reason == "store"
    assert "No space left on device" in res.message and "Nothing from this upload was stored" in res.message
    assert queries.article_count(store) == 0  # the article row was rolled back with its figures
    assert store.check_consistency() == []
    monkeypatch.undo()
    assert ingest.ingest_bytes(store, SAME_ARTICLE.encode("utf-8"), "retry.txt").status == "added"


# ---- a process killed mid-upload -----------------------------------------------------------------
ROUNDS = 5
SEED = 20170822


def _read_log(path: Path) -> tuple[bool, dict[int, list[tuple[int, int]]], dict[int, list[str]]]:
    """(ready, job -> articles begun, job -> 'status:id' entries done) from the child's log."""
    ready, begun, done = False, {}, {}
    if not path.exists():
        return ready, begun, done
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts == ["ready"]:
            ready = True
        elif len(parts) >= 3 and parts[0] == "begin":
            begun[int(parts[1])] = [tuple(map(int, p.split(":"))) for p in parts[2:]]
        elif len(parts) >= 3 and parts[0] == "done":
            done[int(parts[1])] = parts[2:]
    return ready, begun, done


def _start_child(db: Path, round_: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HERE / "ingest_until_killed.py"), str(db), str(round_), str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=HERE.parents[2],
    )


def _wait_ready(proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _read_log(log)[0]:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the ingest process stopped early: {proc.stderr.read().decode()}")
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the ingest process did not open the database in time")


def _wait_done(proc: subprocess.Popen, log: Path, timeout: float = 300.0) -> None:
    """Until the child has logged one finished job (polled; a generous limit for a loaded machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _read_log(log)[2]:
            return
        if proc.poll() is not None:
            return  # it finished everything: the kill below finds nothing in flight, which is fine
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the ingest process finished no job in time")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_process_killed_mid_ingest_leaves_a_whole_database_that_accepts_the_upload_again(tmp_path):
    db = tmp_path / "crash.duckdb"
    rng = random.Random(SEED)
    acknowledged: set[str] = set()
    stored_before: set[str] = set()
    for round_ in range(ROUNDS):
        log = tmp_path / f"round{round_}.log"
        proc = _start_child(db, round_, log)
        if round_ == 0:
            # the first kill may land anywhere, even while the database file is being created
            time.sleep(rng.uniform(0.3, 2.5))
        else:
            _wait_ready(proc, log)
            # progress, not time: the kill lands after this round has stored something, however
            # slow the machine (the next jobs are still in flight when it lands)
            _wait_done(proc, log)
            time.sleep(rng.uniform(0.05, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        _, begun, done = _read_log(log)
        for entries in done.values():
            acknowledged |= {e.split(":", 1)[1] for e in entries if e.split(":", 1)[0] in ("added", "duplicate")}
            assert not [e for e in entries if e.startswith("error:")], entries

        store = Store.open(db)  # must open: DuckDB replays its write-ahead log
        try:
            _assert_every_article_has_its_figures(store)
            stored = {a.id for a in store.iter_articles()}
            assert acknowledged <= stored, f"round {round_}: an upload that had returned was lost"
            # The job in flight was stored whole or not at all, and uploading it again works.
            for job in [j for j in begun if j not in done]:
                files = [child.data_of(r, i) for r, i in begun[job]]
                ids = {ingest.article_id(data.decode("utf-8")) for data, _ in files}
                new = ids - stored_before - acknowledged  # the batch also repeats stored articles
                assert new & stored in (set(), new), f"round {round_}: half of an interrupted batch was stored"
                again = ingest.ingest_many(store, files)
                assert [r.message for r in again if r.status == "error"] == []
                assert {r.article_id for r in again} == ids
                acknowledged |= ids
            _assert_every_article_has_its_figures(store)
            stored_before = {a.id for a in store.iter_articles()}
            assert acknowledged <= stored_before
        finally:
            store.close()
    assert len(acknowledged) >= ROUNDS - 1, "the child processes stored too little to test anything"


# ---- nothing left behind by a crash ----------------------------------------------------------------
def _wait_for_line(proc: subprocess.Popen, log: Path, word: str, timeout: float = 120.0) -> list[str]:
    """The first line of the child's log that starts with ``word`` (polled; generous limit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                if line.split()[:1] == [word]:
                    return line.split()
        if proc.poll() is not None:
            raise AssertionError(f"the ingest process stopped early: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"the ingest process never logged {word!r}")


def _alive(pid: int) -> bool:
    """Is process ``pid`` still running (a zombie waiting to be reaped is not)?"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir()  # no /proc: trust kill(0)
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_worker_processes_end_when_the_ingest_that_started_them_is_killed(tmp_path):
    db, log = tmp_path / "workers.duckdb", tmp_path / "workers.log"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "ingest_until_killed.py"), str(db), "0", str(log), "--workers"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=HERE.parents[2],
    )
    workers = [int(p) for p in _wait_for_line(proc, log, "workers")[1:]]
    assert len(workers) == 2 and all(_alive(p) for p in workers), workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    deadline = time.monotonic() + 60  # the kernel signals them at once; the fallback polls every second
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [p for p in workers if _alive(p)]
    for p in survivors:  # do not leave them behind for the rest of the suite
        os.kill(p, signal.SIGKILL)
    assert survivors == [], "worker processes outlived the killed ingest"
    store = Store.open(db)  # and the file opens again, whole
    try:
        _assert_every_article_has_its_figures(store)
    finally:
        store.close()


def _assert_incidents_complete(store: Store) -> None:
    built, _ = aggregate.build(store)
    assert built, "the test data should make incidents"
    assert aggregate.is_current(store)
    assert queries.incident_members(store) == {r.key: inc.id for inc in built for r in inc.reports}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_ingest_killed_before_regrouping_is_completed_by_the_next_ingest_of_the_same_files(tmp_path):
    db, log = tmp_path / "regroup.duckdb", tmp_path / "regroup.log"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "ingest_until_killed.py"), str(db), "0", str(log), "--before-regroup"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=HERE.parents[2],
    )
    _wait_for_line(proc, log, "committed")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    folder = tmp_path / "files"
    folder.mkdir()
    for r, i in child.job_articles(0, 2):
        data, name = child.data_of(r, i)
        (folder / name).write_bytes(data)

    store = Store.open(db)
    try:
        assert store.counts()["articles"] == child.BATCH
        assert not aggregate.is_current(store)  # the regroup is owed, and the database says so
    finally:
        store.close()
    res = subprocess.run(
        [sys.executable, "-m", "core.intake.ingest", str(folder), "--db", str(db)],
        cwd=HERE.parents[2], capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert f"Summary: 0 added (0 figures), {child.BATCH} already in the database" in res.stdout
    store = Store.open(db)
    try:
        _assert_incidents_complete(store)
    finally:
        store.close()


def test_crash_between_storing_articles_and_regrouping_is_repaired_by_an_upload_of_nothing_new(db_path,
                                                                                               monkeypatch):
    store = Store.open(db_path)
    files = [child.data_of(0, i) for i in range(4)]

    def crash(_store: Store) -> None:
        raise KeyboardInterrupt("killed between the two steps")

    with monkeypatch.context() as m:
        m.setattr(ingest, "_recompute_incidents", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest.ingest_many(store, files)
    assert store.counts()["articles"] == 4 and not aggregate.is_current(store)
    again = ingest.ingest_many(store, files)
    assert {r.status for r in again} == {"duplicate"}
    _assert_incidents_complete(store)
    # one article more, added but never regrouped: the pasted-text path repairs it too
    with monkeypatch.context() as m:
        m.setattr(ingest, "_recompute_incidents", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest.ingest_many(store, [child.data_of(0, 9)])
    assert ingest.ingest_text(store, child.article(0, 1)).status == "duplicate"
    _assert_incidents_complete(store)
