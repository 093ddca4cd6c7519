"""The DuckDB store: a real database file under tmp_path, no mocks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from core.extraction.figure import Figure
from core.storage import store as store_mod
from core.storage.store import DatabaseLockedError, Store

ROOT = Path(__file__).resolve().parents[3]


def _figure(**kw) -> Figure:
    base = dict(
        id="f1", start=4, end=6, number_text="27", sentence="قتل 27 مدنيا", sentence_start=0,
        min=27, best=27, max=27, status="killed", group="civilians", date="2017-08-20",
        date_precision="day", group_span=(7, 12), extra={"note": "x"},
    )
    base.update(kw)
    return Figure(**base)


def _article(aid: str = "a1", text: str = "قتل 27 مدنيا") -> dict:
    return {"id": aid, "text": text, "added_at": dt.datetime(2026, 1, 2, 3, 4), "published": dt.date(2017, 8, 22)}


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "t.duckdb")
    yield s
    s.close()


def test_database_file_is_created_on_first_use(tmp_path):
    path = tmp_path / "sub" / "new.duckdb"
    s = Store.open(path)
    try:
        assert path.exists()
        assert s.counts()["articles"] == 0
    finally:
        s.close()


def test_figure_read_back_equals_figure_written(store):
    f = _figure()
    assert store.add_articles([(_article(), [f])]) == ["a1"]
    (back,) = store.figures_of("a1")
    assert back == f.with_(article_id="a1")
    assert back.extra == {"note": "x"}


def test_same_article_twice_is_stored_once(store):
    store.add_articles([(_article(), [_figure()])])
    assert store.add_articles([(_article(), [_figure()])]) == []
    assert store.counts()["articles"] == 1
    assert store.counts()["figures"] == 1


def test_failed_write_leaves_neither_article_nor_figures(store, monkeypatch):
    real = Store._append

    def failing(cur, table, df):
        if table == "figures":
            raise RuntimeError("disk full")
        return real(cur, table, df)

    monkeypatch.setattr(Store, "_append", staticmethod(failing))
    with pytest.raises(RuntimeError):
        store.add_articles([(_article(), [_figure()])])
    assert store.counts()["articles"] == 0
    assert store.counts()["figures"] == 0


def test_db_path_comes_from_argument_then_environment_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv(store_mod.ENV_VAR, raising=False)
    assert store_mod.resolve_path(None) == store_mod.DEFAULT_DB
    monkeypatch.setenv(store_mod.ENV_VAR, str(tmp_path / "env.duckdb"))
    assert store_mod.resolve_path(None) == (tmp_path / "env.duckdb").resolve()
    assert store_mod.resolve_path(tmp_path / "arg.duckdb") == (tmp_path / "arg.duckdb").resolve()


def test_database_held_by_another_process_gives_one_clear_sentence(tmp_path):
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(DatabaseLockedError) as err:
            Store.open(path)
        msg = str(err.value)
        assert "in use by another program" in msg and "--db" in msg
        # and the command line says it without a traceback
        res = subprocess.run(
            [sys.executable, "-m", "core.intake.ingest", str(ROOT / "README.md"), "--db", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert res.returncode == 1
        assert "in use by another program" in res.stderr
        assert "Traceback" not in res.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("argv, says, advice", [
    (["streamlit", "run", "dashboard.py"], "is open in the dashboard (PID", "use the dashboard instead"),
    (["-m", "core.views.export"], "in use by a command-line export (python -m core.views.export, PID", "Wait for it to finish"),
    ([], "in use by another program (PID", "Close that program"),
], ids=["dashboard", "command-line-export", "other-program"])
def test_locked_message_names_what_holds_the_file_and_what_to_do(tmp_path, argv, says, advice):
    path = tmp_path / "held.duckdb"
    code = f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(DatabaseLockedError) as err:
            Store.open(path)
        msg = str(err.value)
        assert says in msg and f"PID {holder.pid}" in msg and advice in msg and "--db" in msg, msg
        assert "probably" not in msg
        assert err.value.holder.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_locked_message_says_when_the_holder_is_unknown():
    holder = store_mod.lock_holder("IO Error: Could not set lock on file: Conflicting lock is held")
    assert holder == store_mod.LockHolder("unknown")
    assert "which one could not be told" in store_mod.locked_message(Path("x.duckdb"), holder)


def test_consistency_check_finds_figures_without_article(store):
    store.add_articles([(_article(), [_figure()])])
    assert store.check_consistency() == []
    store.cursor().execute("DELETE FROM articles")
    assert store.check_consistency() == ["1 figure(s) whose article is missing"]
