"""Exports read back in each format (pandas, pyarrow, json) and checked against the database.

The database is written through `core.storage.store` with our own short sentences: two reports of one
strike on Harat al-Badu (17, later 27 civilians, of which 5 children), an unplaced strike, a
running toll and a figure a journalist rejects.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.extraction import gazetteer
from core.incidents import aggregate, reviewing
from core.storage import queries
from core.storage.store import Store
from core.views import export, filters
from tests.ui import population as pop

ROOT = Path(__file__).resolve().parents[3]
T1 = "قتل 17 مدنيا بينهم 5 أطفال في غارة للتحالف على حارة البدو."
T2 = "ارتفعت حصيلة الغارة على حارة البدو إلى 27 مدنيا."
T3 = "قتل 4 مدنيين في قصف على قرية. ووثق المرصد مقتل 125 مدنيا في الرقة خلال الأسبوع."
T4 = "عرض فيلم عن 300 قتيل في الرقة."
BADU = dict(date="2017-08-20", place="حارة البدو", place_id="nb-badu", perpetrator="coalition", confidence=0.95)


def _article(aid: str, text: str, published: str, outlet: str) -> dict:
    return {**pop.article(aid, text, f"title {aid}", published, outlet=outlet), "url": f"https://example.org/{aid}"}


def populate(s: Store) -> None:
    s.add_articles([
        (_article("a1", T1, "2017-08-21", "Outlet One"), [
            pop.figure(T1, "f1", "17", 17, source="SOHR", **BADU),
            pop.figure(T1, "f2", "5", 5, group="children", part_of="f1", **BADU),
        ]),
        (_article("a2", T2, "2017-08-22", "وكالة"), [pop.figure(T2, "f1", "27", 27, **BADU)]),
        (_article("a3", T3, "2017-08-26", "Outlet Three"), [
            pop.figure(T3, "f1", "4", 4, date="2017-08-25", perpetrator="regime"),
            pop.figure(T3, "f2", "125", 125, kind="toll", date="2017-08-26", date_from="2017-08-20",
                       place="الرقة", place_id="rq-city", source="SOHR"),
        ]),
        (_article("a4", T4, "2017-08-21", "Outlet Four"),
         [pop.figure(T4, "f1", "300", 300, date="2017-08-20", place_id="rq-city")]),
    ])
    reviewing.reject(s, "a4", "f1", "Omar", note="a film", at=dt.datetime(2026, 1, 3))
    reviewing.correct(s, "a3", "f1", "Lina", {"best": 3}, at=dt.datetime(2026, 1, 3))
    aggregate.recompute(s)


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "export.duckdb")
    populate(s)
    yield s
    s.close()


def _csv(db, filters=None) -> pd.DataFrame:
    data = export.export_bytes(db, "csv", filters)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Arabic correctly
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _figures(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["record"] == "figure"].set_index(["article_id", "figure_id"])


def _incidents(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["record"] == "incident"]


# ---- CSV ----------------------------------------------------------------------------------------------
def test_csv_has_the_documented_columns_and_schema_version(db):
    df = _csv(db)
    assert list(df.columns) == export.COLUMNS
    assert set(df["schema_version"]) == {export.SCHEMA_VERSION}


def test_csv_citations_are_the_articles_and_sentences_in_the_database(db):
    figs = _figures(_csv(db))
    stored = {(r["article_id"], r["id"]): r for r in queries.article_figure_rows(db)}
    assert set(figs.index) == set(stored) - {("a4", "f1")}  # the rejected figure is left out
    for key, row in figs.iterrows():
        s = stored[key]
        assert row["outlet"] == s["outlet"]
        assert row["url"] == s["url"]
        assert row["published"] == pd.Timestamp(s["published"]).date().isoformat()
        assert row["quote"] == s["sentence"] and row["number_text"] == s["number_text"]
    assert figs.loc[("a2", "f1"), "outlet"] == "وكالة"
    assert figs.loc[("a1", "f1"), "published"] == "2017-08-21"


def test_csv_counts_are_the_incidents_counts_with_reviews_applied(db):
    df = _csv(db)
    incidents, _ = export.build(db)
    rows = _incidents(df)
    for inc in incidents:
        for group, c in inc.counts.items():
            (row,) = rows[(rows["incident_id"] == inc.id) & (rows["group"] == group)].to_dict("records")
            assert (row["best"], row["min"], row["max"]) == tuple("" if v is None else str(v) for v in (c.best, c.min, c.max))
    badu = rows[rows["place_id"] == "nb-badu"].set_index("group")
    assert badu.loc["civilians", ["best", "min", "max", "reports"]].tolist() == ["27", "17", "27", "2"]
    assert badu.loc["children", "breakdown_of"] == "civilians" and badu.loc["children", "adds_up"] == "False"
    figs = _figures(df)
    assert figs.loc[("a3", "f1"), "best"] == "3" and figs.loc[("a3", "f1"), "review_status"] == "corrected"
    assert figs.loc[("a1", "f2"), "incident_id"] == figs.loc[("a1", "f1"), "incident_id"] != ""


def test_rows_that_add_up_give_the_weekly_total(db):
    rows = _incidents(_csv(db, filters.Filters(status="killed", groups=("civilians",))))
    added = sum(int(b) for b in rows.loc[rows["adds_up"] == "True", "best"])
    assert added == int(aggregate.weekly(db, "killed", "civilians")["best"].sum()) == 27 + 3


# ---- Parquet -------------------------------------------------------------------------------------------
def test_parquet_reads_back_with_pyarrow_with_types_and_the_same_rows(db):
    table = pq.read_table(io.BytesIO(export.export_bytes(db, "parquet")))
    assert table.schema.metadata[b"schema_version"] == export.SCHEMA_VERSION.encode()
    assert table.column_names == export.COLUMNS
    assert str(table.schema.field("best").type) == "int64"
    assert str(table.schema.field("lat").type) == "double"
    df = table.to_pandas()
    csv = _csv(db)
    assert len(df) == len(csv)
    assert table.column("quote").to_pylist() == [q or None for q in csv["quote"]]
    badu = df[(df["record"] == "incident") & (df["place_id"] == "nb-badu") & (df["group"] == "civilians")]
    assert badu[["best", "min", "max"]].values.tolist() == [[27, 17, 27]]


# ---- GeoJSON ------------------------------------------------------------------------------------------
def test_geojson_is_points_in_lon_lat_order_with_flat_properties(db):
    data = json.loads(export.export_bytes(db, "geojson"))
    assert data["type"] == "FeatureCollection" and data["schema_version"] == export.SCHEMA_VERSION
    badu = gazetteer.get_place("nb-badu")
    for feat in data["features"]:
        assert feat["type"] == "Feature" and feat["geometry"]["type"] == "Point"
        assert all(not isinstance(v, dict | list) for v in feat["properties"].values())
    inc = next(f for f in data["features"] if f["properties"]["record"] == "incident"
               and f["properties"]["group"] == "civilians" and f["properties"]["place_id"] == "nb-badu")
    assert inc["geometry"]["coordinates"] == [badu.lon, badu.lat]
    assert inc["properties"]["best"] == 27
    ids = {(f["properties"]["article_id"], f["properties"]["figure_id"]) for f in data["features"]}
    assert ("a3", "f1") not in ids  # no place: left out of the GeoJSON
    assert ("a1", "f1") in ids and ("a3", "f2") in ids


def test_export_summary_says_one_incident_and_two_figures_not_incident_s():
    text = export.Summary(fmt="csv", incidents=1, incident_rows=2, figures=2).text()
    assert text.startswith("Wrote 1 incident (2 count rows) and 2 figures (csv")


def test_geojson_summary_counts_what_has_no_coordinates(db, tmp_path):
    summary = export.write(db, "geojson", tmp_path / "out.geojson")
    assert (summary.unplaced_incidents, summary.unplaced_figures) == (1, 1)
    assert "1 incident and 1 figure" in summary.text() and "(s)" not in summary.text()
    data = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    csv = _csv(db)
    assert len(data["features"]) == len(csv) - len(csv[csv["lat"] == ""])


# ---- filters ------------------------------------------------------------------------------------------
def test_filters_choose_incidents_and_bring_their_citations(db):
    df = _csv(db, filters.Filters(perpetrators=("coalition",), kinds="incidents"))
    assert set(_incidents(df)["place_id"]) == {"nb-badu"}
    assert set(_figures(df).index) == {("a1", "f1"), ("a1", "f2"), ("a2", "f1")}
    tolls = _csv(db, filters.Filters(kinds="tolls"))
    assert _incidents(tolls).empty and list(_figures(tolls).index) == [("a3", "f2")]
    later = _csv(db, export.Selection(date_from=dt.date(2017, 8, 24)))
    assert set(_figures(later).index) == {("a3", "f1"), ("a3", "f2")}


def test_unknown_format_is_refused(db):
    with pytest.raises(export.ExportError, match="choose one of csv, parquet, geojson"):
        export.export_bytes(db, "xlsx")


# ---- command line ---------------------------------------------------------------------------------------
def test_command_line_writes_the_file_and_reports_what_geojson_leaves_out(tmp_path):
    path = tmp_path / "cli.duckdb"
    s = Store.open(path)
    populate(s)
    s.close()
    out = tmp_path / "x.geojson"
    res = subprocess.run(
        [sys.executable, "-m", "core.views.export", "--format", "geojson", "--out", str(out), "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "Left out of the GeoJSON because they have no coordinates: 1 incident and 1 figure." in res.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["features"]
    res = subprocess.run(
        [sys.executable, "-m", "core.views.export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--db", str(path),
         "--group", "children"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(tmp_path / "x.csv", dtype=str)
    assert set(df["group"]) == {"children"}


def test_command_line_refuses_a_backwards_date_range(tmp_path):
    with pytest.raises(SystemExit):
        export.main(["--format", "csv", "--out", str(tmp_path / "x.csv"), "--from", "2017-09-01", "--to", "2017-08-01"])
