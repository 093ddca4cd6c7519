"""How sure is an incident: origins, relays and status (short articles written for the project)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.incidents import aggregate, corroboration, settings
from core.incidents.grouping import build_incidents, reports_from_figures
from core.intake import ingest
from core.storage.store import Store
from tests.core.incidents.test_grouping import _rows

SUN, MON, TUE = dt.date(2017, 8, 20), dt.date(2017, 8, 21), dt.date(2017, 8, 22)
SOHR_21 = "قتل 21 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق ما أفاد المرصد السوري لوكالة فرانس برس."
SOHR_21_RELAYED = "قالت رويترز إن 21 مدنيا قتلوا يوم الأحد في قصف للتحالف الدولي على حارة البدو في الرقة، بحسب المرصد السوري."
SOHR_21_AGAIN = "قتل 21 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في الرقة، حسب المرصد السوري."
CD_18 = "قتل 18 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، بحسب الدفاع المدني."
CD_60 = "قتل 60 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، بحسب الدفاع المدني."
CD_19_RUSSIA = "قتل 19 مدنيا يوم الأحد في قصف للطيران الروسي على حارة البدو في مدينة الرقة، بحسب الدفاع المدني."
SNHR_20_UNSAID = "قتل 20 مدنيا يوم الأحد في قصف على حارة البدو في مدينة الرقة، بحسب الشبكة السورية لحقوق الإنسان."


def _one(*articles):
    rows = [r for a in articles for r in _rows(*a)]
    reports, _ = reports_from_figures(rows)
    (inc,) = build_incidents(reports)
    return inc


def test_one_sohr_statement_carried_by_three_outlets_is_a_single_source():
    inc = _one(("afp", SOHR_21, MON, "afp.com"), ("reuters", SOHR_21_RELAYED, MON, "Reuters"),
               ("local", SOHR_21_AGAIN, TUE, "enabbaladi.net"))
    assert inc.articles == 3
    assert [o.key for o in inc.check.origins] == ["SOHR"]
    assert inc.check.status == "single_source" and not inc.check.passes


def test_two_origins_with_close_counts_corroborate_each_other():
    inc = _one(("a", SOHR_21, MON), ("b", CD_18, MON))
    assert [(o.key, o.best) for o in inc.check.origins] == [("SOHR", 21), ("civil defence", 18)]
    assert inc.check.status == "corroborated" and inc.check.passes


def test_an_origin_that_does_not_name_the_perpetrator_still_corroborates():
    assert _one(("a", SOHR_21, MON), ("b", SNHR_20_UNSAID, MON)).check.status == "corroborated"


def test_two_origins_with_far_counts_dispute_each_other():
    inc = _one(("a", SOHR_21, MON), ("b", CD_60, MON))
    assert inc.check.status == "disputed" and not inc.check.passes


def test_two_origins_blaming_different_perpetrators_are_disputed():
    reports, _ = reports_from_figures([r for a in (("a", SOHR_21, MON), ("b", CD_19_RUSSIA, MON)) for r in _rows(*a)])
    # the grouping keeps them apart (different perpetrators); a journalist who merges them sees the dispute
    found = corroboration.origins(reports)
    assert corroboration.computed_status(found, reports) == "disputed"


def test_the_tolerance_is_a_setting_18_and_21_agree_18_and_30_do_not():
    assert settings.counts_agree(18, 21) and settings.counts_agree(70, 72)
    assert not settings.counts_agree(18, 30) and not settings.counts_agree(5, None)


def test_relays_are_the_agency_named_in_the_sentence_and_the_articles_outlet():
    sentence = "قتل 21 مدنيا، وفق ما أفاد المرصد السوري لوكالة فرانس برس."
    assert corroboration.relays_of(sentence, "http://www.almasryalyoum.com/news/1") == ["AFP", "Al-Masry Al-Youm"]
    assert corroboration.relays_of("21 civilians were killed, the monitor told Reuters.", "Local Herald") == [
        "Reuters", "Local Herald"]
    assert corroboration.origin_of("SOHR") == "SOHR" and corroboration.origin_of("media sources") is None


def test_why_joined_says_same_day_same_place_counts_and_perpetrator():
    inc = _one(("a", SOHR_21, MON), ("b", CD_18, MON))
    why = dict(corroboration.why_joined(inc.reports))
    assert "incidents.why.same_day" in why and why["incidents.why.counts"] == {"low": 18, "high": 21}
    assert why["incidents.why.same_perpetrator"] == {"perpetrator": "coalition"}


@pytest.fixture
def db(tmp_path):
    s = Store.open(tmp_path / "corr.duckdb")
    ingest.ingest_text(s, SOHR_21, published=MON)
    ingest.ingest_text(s, CD_60, published=MON)
    aggregate.recompute(s)
    yield s
    s.close()


def test_a_reviewers_verdict_overrides_the_status_and_is_kept_in_the_history(db):
    (inc,), _ = aggregate.build(db)
    assert inc.check.status == "disputed"
    head = inc.reports[0].key
    aggregate.decide_status(db, head, "corroborated", "Rania", "hospital lists 21 names")
    row = aggregate.corroboration_of(db, aggregate.incident_of(db, head))
    assert (row["corroboration"], row["computed"], row["verdict"], row["passes"]) == (
        "corroborated", "disputed", "corroborated", True)
    aggregate.decide_status(db, head, "undecided", "Omar", "")
    row = aggregate.corroboration_of(db, aggregate.incident_of(db, head))
    assert (row["corroboration"], row["verdict"]) == ("disputed", None)
    history = aggregate.status_history(db, aggregate.incident_of(db, head))
    assert [(h["action"], h["who"], h["note"]) for h in history] == [
        ("corroborated", "Rania", "hospital lists 21 names"), ("undecided", "Omar", None)]


def test_a_verdict_needs_a_name_and_a_known_status(db):
    (inc,), _ = aggregate.build(db)
    with pytest.raises(ValueError, match="reviewer name"):
        aggregate.decide_status(db, inc.reports[0].key, "disputed", " ")
    with pytest.raises(ValueError, match="corroborated, disputed or undecided"):
        aggregate.decide_status(db, inc.reports[0].key, "confirmed", "Rania")
