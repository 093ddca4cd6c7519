"""The canonical hard example: the Al-Quds Al-Arabi Raqqa report of 22 August 2017.

Read from ``../shared/corpus/seed.txt`` (third-party text, never copied into the project);
skipped, saying so, when that folder is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.extraction.extract import extract

SEED = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "seed.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")


@pytest.fixture(scope="module")
def figures():
    text = SEED.read_text(encoding="utf-8")
    return text, extract(text, dt.date(2017, 8, 22))


def _by(figs, best, **kw):
    out = [f for f in figs if f.best == best and all(getattr(f, k) == v for k, v in kw.items())]
    assert out, f"no figure {best} {kw}: {[(f.number_text, f.best, f.group, f.kind) for f in figs]}"
    return out


def test_weekly_toll_of_125_civilians_by_the_coalition_in_raqqa_per_sohr(figures):
    _, figs = figures
    tolls = _by(figs, 125, kind="toll", group="civilians", status="killed")
    first = tolls[0]
    assert first.perpetrator == "coalition" and first.source == "SOHR"
    assert first.place_id in ("rq-city", "sp-raqqa")
    assert all(t.same_as == first.id for t in tolls[1:]), "the body repeats the headline's toll"


def test_forty_children_are_part_of_the_weekly_toll_not_added_to_it(figures):
    _, figs = figures
    (children,) = _by(figs, 40, group="children")
    parent = next(f for f in figs if f.id == children.part_of)
    assert parent.best == 125 and children.kind == "toll"


def test_sunday_strike_on_harat_al_badu_killed_27_civilians_with_7_children(figures):
    _, figs = figures
    incidents = _by(figs, 27, kind="incident", group="civilians")
    for f in incidents:
        assert f.date == "2017-08-20" and f.place_id == "nb-badu"
        assert f.perpetrator == "coalition" and f.source == "SOHR"
    first = incidents[0]
    assert [f.same_as for f in incidents[1:]] == [first.id] * (len(incidents) - 1)
    (seven,) = _by(figs, 7, group="children")
    assert seven.part_of in {f.id for f in incidents}


def test_earlier_count_of_17_is_superseded_not_added(figures):
    _, figs = figures
    (earlier,) = _by(figs, 17)
    assert earlier.kind == "superseded" and not earlier.countable


def test_more_than_200_is_fighters_killed_by_russian_jets_per_the_russian_ministry(figures):
    _, figs = figures
    (f,) = [f for f in figs if f.min == 200]
    assert (f.best, f.max, f.group, f.side) == (200, None, "fighters", "is")
    assert f.perpetrator == "russia" and f.source == "Russian MoD"
    assert f.date is None, "the strike's date is not stated (the 21st is when the ministry spoke)"
    assert f.place_id is None or "دير" not in (f.place or ""), "the convoy was only heading to Deir ez-Zor"


@pytest.mark.parametrize("number", ["18", "25 ألف", "60", "20", "عشرات آلاف"])
def test_numbers_that_are_not_casualties_give_no_figure(figures, number):
    text, figs = figures
    for f in figs:
        assert f.number_text != number, f"{number!r} was read as a casualty figure"


def test_what_a_trend_chart_adds_up_is_27_and_200(figures):
    _, figs = figures
    assert sorted(f.best for f in figs if f.countable) == [27, 200]
