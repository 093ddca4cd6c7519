"""Incremental incidents: after an upload, a correction, a merge or split, or re-extracting some
articles, only the incidents the changed reports can join or leave are regrouped
(`core.incidents.incremental`), and the incidents are the ones a full rebuild gives; an incident
keeps its id while reports join it.

The property test applies random sequences of those changes to a small database of crowded days
(few places, days, attackers; inferred dates) and compares, after every step, the stored incidents
(reports, best/min/max per group, date, place, perpetrator) with a full rebuild; at the end of each
sequence the trends and map rows before and after a full rebuild; after every step the stored
per-incident rows (``incident_rows``) with those computed again. Examples are bounded; no timing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extraction.figure import Figure
from core.incidents import aggregate, grouping, plausibility, reviewed, reviewing
from core.incidents import incremental as inc
from core.intake import ingest
from core.storage import incident_queries, queries
from core.storage.store import Store
from core.views.filters import Filters

PLACES = ["nb-badu", "nb-rashid", "rq-city", "sp-maadan", None]
PERPS = ["coalition", "russia", "unknown", None]
DAY0 = dt.date(2017, 8, 10)

figure_spec = st.fixed_dictionaries({
    "status": st.sampled_from(["killed"] * 7 + ["injured"]),
    "group": st.sampled_from(["civilians"] * 4 + ["people", "fighters"]),
    "best": st.integers(1, 33).map(lambda n: 2000 if n > 30 else n),  # 2,000: held until reviewed
    "day": st.sampled_from([0, 1, 1, 2, 2, 3, None]),
    "inferred": st.booleans(),
    "place": st.sampled_from(["nb-badu"] * 4 + ["rq-city", "rq-city", "nb-rashid", "sp-maadan", None]),
    "perp": st.sampled_from(["coalition"] * 4 + ["unknown", None, "russia"]),
    "kind": st.sampled_from(["incident"] * 6 + ["superseded", "toll"]),
    "children": st.one_of(st.none(), st.integers(1, 5)),
})
article_spec = st.fixed_dictionaries({
    "published": st.integers(0, 7),
    "figures": st.lists(figure_spec, min_size=1, max_size=2),
})
step = st.one_of(
    st.tuples(st.just("upload"), st.lists(article_spec, min_size=1, max_size=3)),
    st.tuples(st.just("upload"), st.lists(article_spec, min_size=1, max_size=1)),
    st.tuples(st.just("correct"), st.integers(0, 10**6), st.sampled_from(["best", "date", "place_id", "perpetrator", "group"]),
              st.integers(0, 5)),
    st.tuples(st.just("reject"), st.integers(0, 10**6)),
    st.tuples(st.just("confirm_held"), st.integers(0, 10**6)),
    st.tuples(st.just("merge"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("split"), st.integers(0, 10**6)),
    st.tuples(st.just("reextract"), st.integers(0, 10**6), article_spec),
    st.tuples(st.just("reextract_all"),),
)


def _figures(spec: dict) -> list[Figure]:
    out = []
    pos = 0
    for n, f in enumerate(spec["figures"], 1):
        date = (DAY0 + dt.timedelta(days=f["day"])).isoformat() if f["day"] is not None else None
        common = dict(
            sentence=f"s{n}", sentence_start=pos, status=f["status"], perpetrator=f["perp"], date=date,
            date_precision="day" if date else None, date_text=None if f["inferred"] else (date and "يوم"),
            place_id=f["place"], place=f["place"], rule_id="test", lang="ar",
        )
        out.append(Figure(id=f"f{len(out) + 1}", start=pos, end=pos + 2, number_text=str(f["best"]),
                          min=f["best"], best=f["best"], max=f["best"], group=f["group"], kind=f["kind"], **common))
        pos += 10
        if f["children"] is not None and f["kind"] == "incident" and f["group"] != "fighters":
            out.append(Figure(id=f"f{len(out) + 1}", start=pos, end=pos + 2, number_text=str(f["children"]),
                              min=f["children"], best=f["children"], max=f["children"], group="children",
                              kind="incident", part_of=f"f{len(out)}", **common))
            pos += 10
    return out


def _article(spec: dict, n: int) -> dict:
    text = f"article {n} " + hashlib.sha1(repr(spec).encode()).hexdigest()
    return {
        "id": hashlib.sha1(text.encode()).hexdigest()[:32], "title": None, "outlet": f"outlet{n % 3}", "url": None,
        "published": DAY0 + dt.timedelta(days=spec["published"]), "published_source": "header", "lang": "ar",
        "text": text, "filename": f"{n}.txt", "format": "txt", "encoding": "utf-8", "content_sha256": None,
        "added_at": dt.datetime(2024, 1, 1) + dt.timedelta(seconds=n), "extractor_version": "test",
    }


def _reports(store: Store) -> list[tuple[str, str]]:
    return sorted(queries.incident_members(store))


def _stored(store: Store) -> dict:
    """The stored incidents, as sets of their reports → what a page shows of them."""
    members: dict[str, set] = {}
    for key, iid in queries.incident_members(store).items():
        members.setdefault(iid, set()).add(key)
    counts: dict[str, dict] = {}
    for r in incident_queries.incident_counts_frame(store, "killed").to_dict("records") + \
            incident_queries.incident_counts_frame(store, "injured").to_dict("records"):
        counts.setdefault(r["incident_id"], {})[r["group"]] = tuple(
            None if v != v or v is None else int(v) for v in (r["best"], r["min"], r["max"], r["reports"]))
    return {frozenset(m): counts.get(iid, {}) for iid, m in members.items()}


def _rebuilt(store: Store) -> dict:
    incidents, _ = aggregate.build(store)
    return {
        frozenset(r.key for r in i.reports): {g: (c.best, c.min, c.max, c.reports) for g, c in i.counts.items()}
        for i in incidents
    }


def _pages(store: Store) -> tuple:
    """What the trends and map pages add up: every trend row, and the map's rows."""
    trends = reviewed.trend_rows(store)
    trends = sorted(map(repr, trends.drop(columns=[c for c in ("incident_id", "id") if c in trends]).to_dict("records")))
    f = Filters()
    mp = reviewed.map_figures(store, f)
    mp = sorted(map(repr, mp.drop(columns=[c for c in mp.columns if "id" in c]).to_dict("records")))
    return trends, mp


def _summary(store: Store, stored: bool = True) -> list[str]:
    """The per-incident rows trends and map read: as stored by the regroupings (``incident_rows``), or
    computed again from the incidents and their reports' figures."""
    sql = ("SELECT * FROM incident_rows" if stored else
           "WITH " + incident_queries._computed_rows() + " SELECT * FROM _rows")
    return sorted(map(repr, store.cursor().execute(sql).fetchall()))


def _pages_computed(store: Store) -> tuple:
    """`_pages` with every incident row computed again, none read from ``incident_rows``."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(incident_queries, "rows_complete", lambda store: False)
        return _pages(store)


def _held_full(store: Store) -> list[tuple[str, str]]:
    """The figures held back until reviewed, from every figure (not from ``held_figures``)."""
    resolved = reviewing.resolve(queries.article_figure_rows(store), incident_queries.review_rows(store))
    return [h.key for h in plausibility.held(resolved)]


def _apply(store: Store, op: tuple, state: dict) -> None:
    kind = op[0]
    arts = state["articles"]
    reports = _reports(store)
    if kind == "upload":
        batch = []
        for spec in op[1]:
            state["n"] += 1
            art = _article(spec, state["n"])
            batch.append((art, _figures(spec)))
        arts.extend(store.add_articles(batch))
        aggregate.regroup(store)  # as an upload does (`core.intake.ingest`)
    elif kind == "correct" and reports:
        a, f = reports[op[1] % len(reports)]
        field, v = op[2], op[3]
        value = {"best": v + 1, "date": (DAY0 + dt.timedelta(days=v)).isoformat(),
                 "place_id": PLACES[v % 4], "perpetrator": PERPS[v % 3],
                 "group": ["fighters", "civilians", "people"][v % 3]}[field]
        changes = {"best": value, "min": value, "max": value} if field == "best" else {field: value}
        try:
            reviewing.correct(store, a, f, "tester", changes)
        except reviewing.ReviewError:
            pass
    elif kind == "reject" and reports:
        a, f = reports[op[1] % len(reports)]
        reviewing.reject(store, a, f, "tester")
    elif kind == "confirm_held" and (held := _held_full(store)):
        a, f = held[op[1] % len(held)]
        reviewing.confirm(store, a, f, "tester")
    elif kind == "merge" and len(reports) > 1:
        a, b = reports[op[1] % len(reports)], reports[op[2] % len(reports)]
        if a != b:
            aggregate.merge(store, [a], [b], "tester")
    elif kind == "split" and reports:
        key = reports[op[1] % len(reports)]
        iid = queries.incident_members(store)[key]
        others = [k for k, i in queries.incident_members(store).items() if i == iid and k != key]
        if others:
            aggregate.split_out(store, key, others, "tester")
    elif kind == "reextract" and arts:
        aid = arts[op[1] % len(arts)]
        store.replace_figures(aid, _figures(op[2]), "test2")
        aggregate.regroup(store)  # as re-extracting some articles does
    elif kind == "reextract_all":
        aggregate.recompute(store)  # the full rebuild


def _no_rebuild(store: Store) -> int:
    raise AssertionError("the incremental regrouping fell back to a full rebuild")


@pytest.fixture
def empty(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("incr") / "incr.duckdb")
    yield store
    store.close()


def _reset(store: Store) -> None:
    cur = store.cursor()
    for t in ("figures", "articles", "reviews", "incident_decisions", "incidents", "incident_counts",
              "incident_reports", "incident_index", "incident_index_state", "regroup_owed", "incident_state",
              "incident_rows", "incident_rows_state"):
        cur.execute(f"DELETE FROM {t}").fetchall()
    aggregate.recompute(store)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(article_spec, min_size=2, max_size=6), st.lists(step, min_size=1, max_size=6))
def test_incidents_after_any_changes_are_those_a_full_rebuild_gives(empty, first, ops):
    _reset(empty)
    state = {"articles": [], "n": 0}
    for op in [("upload", [a]) for a in first] + ops:  # articles uploaded one by one, then the changes
        with pytest.MonkeyPatch.context() as m:
            if op[0] != "reextract_all":  # regrouped incrementally, never by falling back to a rebuild
                m.setattr(inc, "rebuild", _no_rebuild)
            _apply(empty, op, state)
        assert aggregate.is_current(empty)
        assert _stored(empty) == _rebuilt(empty), op
        assert [h.key for h in reviewing.load_held(empty)] == _held_full(empty), op
        assert _summary(empty) == _summary(empty, stored=False), op
    pages = _pages(empty)
    assert pages == _pages_computed(empty)  # reviewed articles' incidents computed again, the rest stored
    aggregate.recompute(empty)
    assert _pages(empty) == pages


# ---- journalists' view ----------------------------------------------------------------------------
SOHR = "قتل 17 مدنيا يوم الأحد في قصف للتحالف الدولي على حارة البدو في مدينة الرقة، وفق المرصد السوري.\n"
AFP = "ارتفعت حصيلة قتلى قصف التحالف الدولي يوم الأحد على حارة البدو في الرقة إلى 27 مدنيا بينهم سبعة أطفال.\n"
OTHER = "قتل 9 مدنيين يوم الأحد في قصف للتحالف الدولي على حي المشلب في مدينة الرقة.\n"


def _incident_of(store: Store, article_id: str) -> str:
    ids = {i for (a, _), i in queries.incident_members(store).items() if a == article_id}
    assert len(ids) == 1, ids
    return ids.pop()


def test_incident_keeps_its_id_when_a_second_report_of_the_strike_is_uploaded(empty):
    _reset(empty)
    first = ingest.ingest_text(empty, SOHR, published=dt.date(2017, 8, 21))
    iid = _incident_of(empty, first.article_id)
    second = ingest.ingest_text(empty, AFP, published=dt.date(2017, 8, 22))
    assert _incident_of(empty, second.article_id) == iid == _incident_of(empty, first.article_id)
    assert ingest.ingest_text(empty, OTHER, published=dt.date(2017, 8, 21)).status == "added"
    assert _incident_of(empty, first.article_id) == iid
    aggregate.recompute(empty)  # a full rebuild keeps it too
    assert _incident_of(empty, first.article_id) == iid


def test_merged_incidents_get_a_new_id_and_a_split_keeps_the_larger_part(empty):
    _reset(empty)
    a = ingest.ingest_text(empty, SOHR, published=dt.date(2017, 8, 21)).article_id
    ingest.ingest_text(empty, AFP, published=dt.date(2017, 8, 22))
    c = ingest.ingest_text(empty, OTHER, published=dt.date(2017, 8, 21)).article_id
    strike, other = _incident_of(empty, a), _incident_of(empty, c)
    members = queries.incident_members(empty)
    c_key = next(k for k in members if k[0] == c)
    aggregate.merge(empty, [k for k, i in members.items() if i == strike], [c_key], "editor")
    merged = _incident_of(empty, a)
    assert merged == _incident_of(empty, c) and merged not in (strike, other)
    aggregate.split_out(empty, c_key, [k for k in members if k != c_key], "editor")
    assert _incident_of(empty, a) == merged and _incident_of(empty, c) != merged


def test_an_upload_regroups_only_the_days_around_it(empty, monkeypatch):
    _reset(empty)
    for day in range(1, 29, 3):
        text = f"قتل {day + 3} مدنيين يوم {day} آب 2017 في قصف على حارة البدو في مدينة الرقة.\n"
        ingest.ingest_text(empty, text, published=dt.date(2017, 8, 28))
    taken: list[dt.date] = []  # the days whose stored reports the regrouping reads again
    real = incident_queries.index_rows_of_clusters_taking

    def spy(store, first, last):
        taken.extend([first, last])
        return real(store, first, last)

    monkeypatch.setattr(incident_queries, "index_rows_of_clusters_taking", spy)
    ingest.ingest_text(empty, "قتل 5 مدنيين يوم 13 آب 2017 في قصف على حارة البدو في مدينة الرقة.\n",
                       published=dt.date(2017, 8, 28))
    assert taken and min(taken) >= dt.date(2017, 8, 12) and max(taken) <= dt.date(2017, 8, 17), taken
    assert _stored(empty) == _rebuilt(empty)


def test_a_full_regrouping_that_runs_out_of_database_memory_is_still_stored(empty, monkeypatch):
    """A full regrouping keeps DuckDB's memory low (`Store.lean`); when a write needs more than that, it
    is stored with the memory DuckDB had before rather than failing."""
    _reset(empty)
    ingest.ingest_text(empty, SOHR, published=dt.date(2017, 8, 21))
    ingest.ingest_text(empty, AFP, published=dt.date(2017, 8, 22))
    expected = _rebuilt(empty)
    real_lean, real_write, failed = Store.lean, Store.write, []

    def tiny(self, megabytes=256):
        return real_lean(self, 64)

    def write(self, work, what="write to the database", **kw):
        if what == "store the regrouped incidents" and not failed:  # the first attempt runs out of memory
            failed.append(self.cursor().execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
            return real_write(self, lambda cur: cur.execute("SELECT list(range(20000000))").fetchall(), what, **kw)
        return real_write(self, work, what, **kw)

    monkeypatch.setattr(Store, "lean", tiny)
    monkeypatch.setattr(Store, "write", write)
    assert aggregate.recompute(empty) == len(expected)
    assert failed == ["61.0 MiB"]  # the first write ran under the lean limit (64 MB)
    assert _stored(empty) == expected
    limit = empty.cursor().execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit != "61.0 MiB", limit  # and the limit before is back


def test_a_database_from_before_the_index_is_regrouped_in_full_once(empty):
    _reset(empty)
    ingest.ingest_text(empty, SOHR, published=dt.date(2017, 8, 21))
    empty.cursor().execute("DELETE FROM incident_index_state").fetchall()
    empty.cursor().execute("DELETE FROM incident_index").fetchall()
    ingest.ingest_text(empty, AFP, published=dt.date(2017, 8, 22))
    assert incident_queries.index_complete(empty)
    assert _stored(empty) == _rebuilt(empty)
    assert len(_stored(empty)) == 1


def test_grouping_resumed_from_stored_clusters_equals_grouping_from_the_start():
    reports = []
    for n in range(12):
        reports.append(grouping.Report(
            article_id=f"a{n}", figure_id="f1", status="killed", group="civilians", best=n % 4 + 1, min=None,
            max=None, kind="incident", date=DAY0 + dt.timedelta(days=n // 3), date_inferred=n % 2 == 0,
            place_id=PLACES[n % 3], perpetrator=None, source=None, published=DAY0,
        ))
    full = {frozenset(r.key for r in i.reports) for i in grouping.build_incidents(reports)}
    seeds, never = grouping.merge_groups(reports)
    first = grouping.Grouper(never)
    first.add(s for s in seeds if s[0].date < DAY0 + dt.timedelta(days=2))
    resumed = grouping.Grouper(never, [grouping.Cluster(list(c.members), c.order) for c in first.clusters])
    resumed.add(s for s in seeds if s[0].date >= DAY0 + dt.timedelta(days=2))
    assert {c.keys for c in resumed.clusters} == full
    assert inc.assign_ids([[reports[0]]], {}) == [grouping.members_id([reports[0]])]


def test_an_import_that_changes_most_of_the_database_is_grouped_in_one_full_pass(empty, monkeypatch):
    _reset(empty)
    ingest.ingest_text(empty, SOHR, published=dt.date(2017, 8, 21))
    monkeypatch.setattr(inc, "REBUILD_OVER", 1)
    full = []
    real = inc.rebuild
    monkeypatch.setattr(inc, "rebuild", lambda store: full.append(1) or real(store))
    files = [(t.encode("utf-8"), f"{n}.txt") for n, t in enumerate((AFP, OTHER))]
    assert all(r.status == "added" for r in ingest.ingest_many(empty, files, published=dt.date(2017, 8, 22)))
    assert full == [1] and aggregate.is_current(empty)
    assert _stored(empty) == _rebuilt(empty)
    assert len(_stored(empty)) == 2  # the two reports of the strike on Hay al-Badu are one incident
