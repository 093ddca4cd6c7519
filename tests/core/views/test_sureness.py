"""How sure, in the views: filters in the URL, exports with status and origins, the publication
check written into the file, and the review queue's order (our own short sentences)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.incidents import aggregate, reviewing
from core.intake import ingest
from core.storage.store import Store
from core.views import export, filters

MON = dt.date(2017, 8, 21)
SOHR_21 = "قتل 21 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق ما أفاد المرصد السوري لوكالة فرانس برس."
CD_19 = "قتل 19 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، بحسب الدفاع المدني."
SOHR_9 = "قتل 9 مدنيين يوم الأحد في قصف للتحالف الدولي على حي المشلب في مدينة الرقة، وفق المرصد السوري."
SNHR_60 = "قتل 60 مدنيا يوم الأحد في قصف للتحالف الدولي على حي الرميلة في مدينة الرقة، بحسب الشبكة السورية لحقوق الإنسان."
CD_30 = "قتل 30 مدنيا يوم الأحد في قصف للتحالف الدولي على حي الرميلة في مدينة الرقة، بحسب الدفاع المدني."
SOHR_75 = "قتل 75 مدنيا يوم الجمعة في قصف للتحالف الدولي على حي الدرعية في مدينة الرقة، وفق المرصد السوري."


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "sure.duckdb")
    for text in (SOHR_21, CD_19, SOHR_9, SNHR_60, CD_30, SOHR_75):
        ingest.ingest_text(s, text, published=MON)
    aggregate.recompute(s)
    yield s
    s.close()


def test_status_filters_travel_in_the_url_and_back():
    f = filters.filters_from_values(corroboration=["disputed", "corroborated"], passing=True)
    params = filters.filters_to_params(f)
    assert params["corroboration"] == ["disputed", "corroborated"] and params["passing"] == "1"
    assert filters.filters_from_params(params) == f
    assert filters.filters_from_params({"corroboration": ["maybe"], "passing": "yes"}) == filters.Filters()
    with pytest.raises(filters.FilterError, match="corroboration"):
        filters.Filters(corroboration=("maybe",))


def test_export_gives_each_incident_its_status_origins_and_relays(db):
    df = export.frame(db)
    inc = df[(df["record"] == "incident") & df["adds_up"]].set_index("best")
    assert inc.loc[21, "corroboration"] == "corroborated" and inc.loc[21, "origins"] == "SOHR=21; civil defence=19"
    assert inc.loc[21, "relays"] == "AFP" and bool(inc.loc[21, "passes_check"])
    assert inc.loc[9, "corroboration"] == "single_source" and not inc.loc[9, "passes_check"]
    assert inc.loc[60, "corroboration"] == "disputed"
    figs = df[df["record"] == "figure"].set_index("best")
    assert figs.loc[21, "origins"] == "SOHR" and figs.loc[21, "relays"] == "AFP"
    assert set(df["schema_version"]) == {"3"} and list(df.columns[-5:]) == [
        "corroboration", "origins", "relays", "passes_check", "publication_rule"]
    assert df["publication_rule"].isna().all()


def test_an_export_limited_to_the_publication_check_writes_the_rule_into_the_file(db):
    f = filters.Filters(passing=True)
    df = export.frame(db, f)
    assert set(df["incident_id"]) == {df.loc[df["record"] == "incident", "incident_id"].iloc[0]}
    assert sorted(df.loc[df["record"] == "figure", "best"]) == [19, 21]
    rule = df["publication_rule"].iloc[0]
    assert rule.startswith("status in {corroborated} or marked corroborated by a reviewer")
    table = pq.read_table(io.BytesIO(export.to_bytes(df, "parquet")))
    assert table.schema.metadata[b"publication_rule"].decode() == rule
    assert json.loads(export.to_bytes(df, "geojson"))["publication_rule"] == rule
    csv = pd.read_csv(io.BytesIO(export.to_bytes(df, "csv")), encoding="utf-8-sig")
    assert set(csv["publication_rule"]) == {rule}


def test_a_reviewers_corroborated_mark_lets_a_single_source_incident_pass(db):
    (inc,) = [i for i in aggregate.build(db)[0] if i.counts["civilians"].best == 9]
    aggregate.decide_status(db, inc.reports[0].key, "corroborated", "Rania", "two hospitals named them")
    df = export.frame(db, filters.Filters(passing=True))
    assert sorted(df.loc[df["record"] == "incident", "best"].dropna()) == [9, 21]


def test_the_review_queue_offers_disputed_incidents_then_large_single_source_counts_first(db):
    order = [(i.row["best"], i.corroboration) for i in reviewing.load_queue(db)]
    assert order[:3] == [(60, "disputed"), (30, "disputed"), (75, "single_source")]
    assert order.index((9, "single_source")) > 2


def test_the_figures_behind_a_chart_point_say_how_sure_who_counted_and_who_carried(db):
    from core.incidents import reviewed
    from core.views import page_tables

    rows = reviewed.figures_behind(db, filters.Filters(), dt.date(2017, 8, 14), "total")
    table = page_tables.behind_table(rows).set_index("Count")
    assert table.loc["21", "How sure"] == "Corroborated" and table.loc["21", "Counted by"] == "SOHR"
    assert table.loc["21", "Carried by"] == "AFP"
    assert table.loc["60", "How sure"] == "Disputed"


def test_weekly_sums_by_status_are_the_same_in_sql_pandas_and_the_fast_path(db):
    from core.storage import queries
    from core.views import counting

    rows = queries.trend_rows(db)
    fast = counting.prepare_rows(rows)
    for f in (filters.Filters(corroboration=("disputed",)), filters.Filters(passing=True),
              filters.Filters(corroboration=("single_source",))):
        sql = queries.weekly_totals(db, f).reset_index(drop=True)
        assert counting.weekly_from_rows(fast, f).equals(sql)
        assert counting.weekly_from_frame(rows, f).equals(sql)
    assert counting.totals(counting.weekly_from_rows(fast, filters.Filters(passing=True)))["best"] == 21
    assert counting.totals(counting.weekly_from_rows(fast, filters.Filters(corroboration=("disputed",))))["best"] == 60
