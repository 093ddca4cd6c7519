"""Snapshots of a lake: every export says which snapshot it read, and ``--as-of`` exports it again.

"What the dashboard showed the day we published": an export made before more articles arrived is
reproduced byte for byte from its recorded snapshot (or from the time it was made). Runs on a
SQLite and a PostgreSQL catalog (`conftest.lake`); the articles are invented.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.intake import ingest
from core.storage.store import Store, StoreError
from core.views import export


def _report(i: int) -> bytes:
    day = dt.date(2016, 3, 1) + dt.timedelta(days=i)
    return (f"date: {day.isoformat()}\n\nقتل {12 + i} مدنيا في قصف على حي الدرعية في الرقة يوم الأحد، "
            f"بحسب ناشطين. وأصيب {4 + i} آخرون.\n").encode()


@pytest.fixture
def lake_store(lake):
    store = Store.open(lake)
    yield store
    store.close()


def test_an_export_records_the_snapshot_it_read_in_a_column_and_the_file_metadata(lake_store):
    ingest.ingest_many(lake_store, [(_report(i), f"r{i}.txt") for i in range(3)])
    now = lake_store.current_snapshot()
    df = export.frame(lake_store)
    assert set(df["snapshot"]) == {now}
    meta = pq.read_table(io.BytesIO(export.to_bytes(df, "parquet"))).schema.metadata
    assert meta[b"snapshot"] == str(now).encode()
    assert json.loads(export.to_bytes(df, "geojson"))["snapshot"] == now


def test_an_export_as_of_its_snapshot_is_the_same_file_after_more_articles_arrived(lake, lake_store, tmp_path):
    ingest.ingest_many(lake_store, [(_report(i), f"r{i}.txt") for i in range(3)])
    first = tmp_path / "published.csv"
    assert export.main(["--db", lake, "--format", "csv", "--out", str(first)]) == 0
    snapshot = int(pd.read_csv(first)["snapshot"].iloc[0])
    time.sleep(0.01)  # the time below must fall between the two snapshots, not on the later one
    published_at = dt.datetime.now().isoformat(sep=" ")  # local time, as DuckDB reads it
    ingest.ingest_many(lake_store, [(_report(i), f"r{i}.txt") for i in range(3, 6)])
    later = tmp_path / "later.csv"
    assert export.main(["--db", lake, "--format", "csv", "--out", str(later)]) == 0
    assert later.read_bytes() != first.read_bytes()
    again = tmp_path / "again.csv"
    assert export.main(["--db", lake, "--format", "csv", "--out", str(again), "--as-of", str(snapshot)]) == 0
    assert again.read_bytes() == first.read_bytes()
    by_time = tmp_path / "by_time.csv"
    assert export.main(["--db", lake, "--format", "csv", "--out", str(by_time), "--as-of", published_at]) == 0
    assert by_time.read_bytes() == first.read_bytes()


def test_a_lake_store_at_a_snapshot_shows_an_articles_figures_as_they_were(lake_store):
    (added,) = ingest.ingest_many(lake_store, [(_report(0), "r0.txt")])
    before = lake_store.current_snapshot()
    lake_store.replace_figures(added.article_id, [], "a later extractor")
    assert lake_store.figures_of(added.article_id) == []
    old = Store.open_as_of(lake_store.lake, snapshot=before)
    try:
        assert [f.best for f in old.figures_of(added.article_id)] == [12, 4]
        assert old.snapshot == before
    finally:
        old.close()


def test_as_of_on_a_database_file_says_it_needs_a_lake(tmp_path, capsys):
    db = tmp_path / "plain.duckdb"
    Store.open(db).close()
    code = export.main(["--db", str(db), "--format", "csv", "--out", str(tmp_path / "x.csv"), "--as-of", "3"])
    assert code == 1
    assert "keeps no snapshots: --as-of needs a lake" in capsys.readouterr().err
    with pytest.raises(StoreError, match="keeps no snapshots"):
        Store.open_as_of(db, snapshot=1)


def test_an_export_of_a_database_file_leaves_the_snapshot_empty(tmp_path):
    store = Store.open(tmp_path / "plain.duckdb")
    try:
        ingest.ingest_many(store, [(_report(0), "r0.txt")])
        df = export.frame(store)
        assert len(df) and df["snapshot"].isna().all()
        assert b"snapshot" not in pq.read_table(io.BytesIO(export.to_bytes(df, "parquet"))).schema.metadata
    finally:
        store.close()
