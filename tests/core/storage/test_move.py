"""Moving between set-ups (`core.storage.move`): a DuckDB file into a lake and back, with every row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.incidents import aggregate, reviewing
from core.intake import ingest
from core.storage import incident_queries, move, queries
from core.storage.store import Store


def _report(i: int) -> bytes:
    day = dt.date(2016, 9, 1) + dt.timedelta(days=i // 2)  # two reports of each event
    return (f"date: {day.isoformat()}\n\nقتل {20 + i} مدنيا في غارة على حي الرميلة في الرقة يوم الأحد، "
            f"بحسب ناشطين. وأصيب {2 + i} آخرون.\n").encode()


def test_a_file_copied_into_a_lake_and_back_keeps_every_article_figure_review_and_incident(tmp_path, lake):
    original = Store.open(tmp_path / "newsroom.duckdb")
    ingest.ingest_many(original, [(_report(i), f"r{i}.txt") for i in range(6)])
    first = queries.list_articles(original)["id"].iloc[0]
    reviewing.confirm(original, first, "f1", "Huda")
    before = {t: n for t, n in original.counts().items()}
    incidents_before = incident_queries.incident_list(original)
    original.close()

    assert move.main([str(tmp_path / "newsroom.duckdb"), lake]) == 0
    in_lake = Store.open(lake)
    assert in_lake.counts() == before
    pd.testing.assert_frame_equal(incident_queries.incident_list(in_lake), incidents_before, check_dtype=False)
    assert aggregate.is_current(in_lake)
    in_lake.close()

    assert move.main([lake, str(tmp_path / "back.duckdb")]) == 0
    back = Store.open(tmp_path / "back.duckdb")
    try:
        assert back.counts() == before
        assert [r["reviewer"] for r in queries.reviews_of(back)] == ["Huda"]
        pd.testing.assert_frame_equal(incident_queries.incident_list(back), incidents_before)
    finally:
        back.close()


def test_copying_into_a_database_that_already_has_articles_is_refused(tmp_path, capsys):
    for name in ("a.duckdb", "b.duckdb"):
        s = Store.open(tmp_path / name)
        ingest.ingest_many(s, [(_report(0 if name == "a.duckdb" else 1), "r.txt")])
        s.close()
    assert move.main([str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")]) == 1
    assert "already holds 1 article(s)" in capsys.readouterr().err
    s = Store.open(tmp_path / "b.duckdb")
    assert s.counts()["articles"] == 1
    s.close()


def test_a_copy_whose_counts_differ_is_reported(tmp_path, monkeypatch):
    src = Store.open(tmp_path / "a.duckdb")
    ingest.ingest_many(src, [(_report(0), "r.txt")])
    dst = Store.open(tmp_path / "b.duckdb")
    monkeypatch.setattr(move, "TABLES", tuple(t for t in move.TABLES if t != "figures"))
    try:
        with pytest.raises(move.MoveError, match="figures: 2 in the source, 0 in the destination"):
            move.copy(src, dst)
    finally:
        src.close()
        dst.close()
