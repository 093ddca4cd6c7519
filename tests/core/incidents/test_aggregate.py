"""Incidents in the database: recomputed from stored figures, decisions kept, weekly totals."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.incidents import aggregate
from core.intake import ingest
from core.storage import incident_queries
from core.storage.store import Store

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT.parent / "shared" / "corpus" / "dev"

SOHR = "قتل 17 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق المرصد السوري.\n"
AFP = "ارتفعت حصيلة قتلى قصف التحالف الدولي يوم الأحد على حارة البدو في الرقة إلى 27 مدنيا بينهم سبعة أطفال.\n"
OTHER = "قتل 9 مدنيين يوم الأحد في قصف للتحالف الدولي على حي المشلب في مدينة الرقة.\n"


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "agg.duckdb")
    ingest.ingest_text(s, SOHR, published=dt.date(2017, 8, 21))
    ingest.ingest_text(s, AFP, published=dt.date(2017, 8, 22))
    ingest.ingest_text(s, OTHER, published=dt.date(2017, 8, 21))
    aggregate.recompute(s)
    yield s
    s.close()


def test_two_reports_of_one_strike_count_once_in_the_weekly_total(db):
    week = aggregate.weekly(db)
    assert week.to_dict("records") == [
        {"week": dt.date(2017, 8, 14), "incidents": 2, "best": 27 + 9, "min": 17 + 9, "max": 27 + 9}
    ]


def test_a_split_is_stored_with_who_and_survives_recomputation_and_reextraction(db):
    incs, _ = aggregate.build(db)
    badu = next(i for i in incs if i.articles == 2)
    a, b = (r.key for r in badu.reports)
    aggregate.decide(db, a, b, "split", "editor", "different buildings")
    assert aggregate.weekly(db)["incidents"].tolist() == [3]
    aggregate.recompute(db)
    ingest.reextract(db)
    assert aggregate.recompute(db) == 3
    (row,) = incident_queries.incident_decision_rows(db)
    assert (row["who"], row["action"], row["note"]) == ("editor", "split", "different buildings")


def test_deciding_needs_a_name_and_a_known_action(db):
    incs, _ = aggregate.build(db)
    a, b = (r.key for r in incs[0].reports[:1] * 2)
    with pytest.raises(ValueError, match="reviewer name"):
        aggregate.decide(db, a, b, "split", " ")
    with pytest.raises(ValueError, match="merge"):
        aggregate.decide(db, a, b, "join", "editor")


def test_weekly_command_prints_civilian_totals_by_incident(db, tmp_path):
    path = db.path
    db.close()
    res = subprocess.run(
        [sys.executable, "-m", "core.incidents.aggregate", "weekly", "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert "2017-08-14" in res.stdout and "36" in res.stdout


def test_recompute_command_says_incidents_and_figures_in_proper_plurals(db):
    path = db.path
    db.close()
    res = subprocess.run(
        [sys.executable, "-m", "core.incidents.aggregate", "recompute", "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert re.fullmatch(r"(1 incident|\d+ incidents) rebuilt from (1 figure|\d+ figures)\.\n", res.stdout)
    assert not re.search(r"\b1 (incidents|figures)\b", res.stdout) and "(s)" not in res.stdout


@pytest.mark.skipif(not DEV.exists(), reason=f"dev corpus not found at {DEV}")
def test_dev_corpus_events_reported_by_two_articles_are_counted_once(tmp_path):
    s = Store.open(tmp_path / "dev.duckdb")
    files = sorted((DEV / "articles").glob("*.txt"))
    results = ingest.ingest_many(s, [(p.read_bytes(), p.name) for p in files])
    assert all(r.ok for r in results)
    aggregate.recompute(s)
    incs, _ = aggregate.build(s)
    names = {r.article_id: r.filename for r in results}

    def incident_of(name: str, best: int):
        for i in incs:
            for r in i.reports:
                if names[r.article_id] == name and r.best == best:
                    return i
        raise AssertionError(f"no report {best} in {name}")

    # 019 (Arabic) and 059 (English): the coalition strikes on Raqqa of 8 August 2017, 29 civilians
    assert incident_of("019.txt", 29) is incident_of("059.txt", 29)
    assert incident_of("019.txt", 29).counts["civilians"].best == 29
    # 035 (Arabic, SOHR: 72 dead in Khan Shaykhun «أمس») and 055 (English, WHO: "at least 70", no
    # date, no place): the chemical attack of 4 April 2017, told the day after
    assert incident_of("035.txt", 72) is incident_of("055.txt", 70)
    print(aggregate.weekly(s).to_string())
    s.close()
