"""How fast the trends page is on a big database.

    python bench/dashboard.py --figures 1000000 [--articles-per-figure 0.1] [--runs 7] [--keep FILE]

Fills a temporary DuckDB file with generated figures (random but plausible: ~300 weeks of
2014–2019, incidents with breakdowns and repeats, running tolls, superseded and vague counts,
undated figures), then prints:

- the time of `core.incidents.aggregate.recompute` (grouping the figures into incidents, done once per
  upload batch);
- the time of what the trends page computes on a run whose results are not cached yet: the data
  version query, then the weekly sums, toll markers, notes and filter options from the figure rows
  that `core.storage.queries.trend_rows` reads once per data version (its time is printed too: it is paid
  once after each upload) — goal ≤ 50 ms; and the weekly sums straight in SQL for comparison;
- the same weekly aggregation in pandas (`core.views.counting.weekly_from_frame`) over the trend rows already
  in memory, and the time to read them into pandas in the first place;
- a full AppTest run of the trends page through ``dashboard.py``, with the query cache cleared
  before each run (the `Store` stays open, as in the server) and with it warm — goal ≤ 300 ms.

Times are medians over ``--runs`` runs after one warm-up. The generated data never leaves the
temporary folder unless ``--keep`` names a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.extraction import gazetteer  # noqa: E402
from core.incidents import aggregate, reviewed, reviewing  # noqa: E402
from core.storage import queries  # noqa: E402
from core.storage.schema import FIGURE_COLUMNS  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.views import counting, filters, geo  # noqa: E402

GROUPS = np.array(["civilians", "children", "women", "fighters", "people"])
PERPETRATORS = np.array(["coalition", "russia", "regime", "sdf", "is", "turkey", "unknown", None], dtype=object)
SOURCES = np.array(["SOHR", "RBSS", "SANA", "Airwars", "activists", None], dtype=object)
PLACES = np.array([f"حي {i}" for i in range(60)] + [None] * 20, dtype=object)
START = dt.date(2014, 1, 6)
DAYS = 6 * 365


def generate(n_figures: int, per_article: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and figures frames in the store's column layout."""
    rng = np.random.default_rng(seed)
    n_articles = max(1, n_figures // per_article)
    art_ids = np.array([f"bench{i:08d}" for i in range(n_articles)], dtype=object)
    art_day = rng.integers(0, DAYS, n_articles)
    published = pd.to_datetime(START) + pd.to_timedelta(art_day, unit="D")
    articles = pd.DataFrame({
        "id": art_ids, "title": [f"عينة مولدة {i}" for i in range(n_articles)],
        "outlet": rng.choice(np.array(["منفذ أ", "منفذ ب", "Outlet C"], dtype=object), n_articles),
        "url": None, "published": published.date, "published_source": "user", "lang": "ar",
        "text": "نص مولد للقياس فقط.", "filename": None, "format": "pasted", "encoding": "utf-8",
        "content_sha256": None, "added_at": pd.Timestamp("2026-01-01"), "extractor_version": "bench",
    })
    art_of = np.repeat(np.arange(n_articles), per_article)[:n_figures]
    if len(art_of) < n_figures:
        art_of = np.concatenate([art_of, rng.integers(0, n_articles, n_figures - len(art_of))])
    pos = np.zeros(n_figures, dtype=np.int64)
    pos[1:] = np.where(art_of[1:] == art_of[:-1], 1, 0)
    pos = pd.Series(pos).groupby(art_of).cumsum().to_numpy()  # 0, 1, 2 ... within the article
    fid = np.array([f"f{p + 1}" for p in pos], dtype=object)
    u = rng.random(n_figures)
    kind = np.where(u < 0.10, "toll", np.where(u < 0.15, "superseded", "incident")).astype(object)
    group = rng.choice(GROUPS, n_figures, p=[0.45, 0.15, 0.08, 0.25, 0.07]).astype(object)
    # Breakdowns: a children/women figure after the article's first figure is part_of it.
    is_part = (pos > 0) & (rng.random(n_figures) < 0.18)
    group[is_part] = rng.choice(np.array(["children", "women"], dtype=object), int(is_part.sum()))
    kind[is_part] = "incident"
    part_of = np.where(is_part, "f1", None).astype(object)
    is_repeat = (pos > 0) & ~is_part & (rng.random(n_figures) < 0.10)
    same_as = np.where(is_repeat, "f1", None).astype(object)
    best = rng.integers(1, 60, n_figures).astype("float")
    best[kind == "toll"] *= 20
    best[rng.random(n_figures) < 0.03] = np.nan  # vague («عشرات»)
    lo = np.where(rng.random(n_figures) < 0.2, np.maximum(best - rng.integers(0, 5, n_figures), 0), best)
    hi_u = rng.random(n_figures)
    hi = np.where(hi_u < 0.2, best + rng.integers(0, 10, n_figures), np.where(hi_u < 0.3, np.nan, best))
    day = art_day[art_of] - rng.integers(0, 4, n_figures)
    event = pd.to_datetime(START) + pd.to_timedelta(np.clip(day, 0, None), unit="D")
    undated = rng.random(n_figures) < 0.05
    date = np.where(undated, None, event.strftime("%Y-%m-%d")).astype(object)
    date_from = np.where(kind == "toll", (event - pd.Timedelta(days=6)).strftime("%Y-%m-%d"), None).astype(object)
    status = np.where(rng.random(n_figures) < 0.8, "killed", "injured").astype(object)
    figures = pd.DataFrame({
        "article_id": art_ids[art_of], "id": fid, "start": pos * 50, "end": pos * 50 + 2, "number_text": "12",
        "sentence": "جملة مولدة.", "sentence_start": pos * 50, "min": lo, "best": best, "max": hi,
        "status": status, "group": group, "kind": kind, "vague": np.isnan(best), "qualifier": None, "side": None,
        "part_of": part_of, "same_as": same_as, "perpetrator": rng.choice(PERPETRATORS, n_figures),
        "source": rng.choice(SOURCES, n_figures), "date": date, "date_precision": np.where(undated, None, "day"),
        "date_from": date_from, "place": rng.choice(PLACES, n_figures), "place_id": None, "place_precision": None,
        "group_text": None, "group_span": None, "perpetrator_text": None, "perpetrator_span": None,
        "source_text": None, "source_span": None, "date_text": None, "date_span": None, "place_span": None,
        "confidence": 0.5, "rule_id": "bench", "extractor_version": "bench", "lang": "ar", "extra": "{}",
        "event_date": np.where(undated, pd.NaT, event),
    })
    _place_on_gazetteer(figures, rng)
    for c in ("min", "best", "max"):
        figures[c] = figures[c].astype("Int64")
    figures["event_date"] = pd.to_datetime(figures["event_date"]).dt.date
    return articles, figures[FIGURE_COLUMNS]


def _place_on_gazetteer(figures: pd.DataFrame, rng: np.random.Generator) -> None:
    """Most figures get a gazetteer place (districts, landmarks, villages, towns, the city), so that
    incidents form across articles as they do in a real archive; a fifth keep a place as written
    only, or none."""
    places = [p for p in gazetteer.all_places() if p.precision in ("district", "landmark", "village", "town", "city")]
    pick = rng.integers(0, len(places), len(figures))
    placed = rng.random(len(figures)) < 0.8
    figures["place_id"] = np.where(placed, np.array([places[i].id for i in pick], dtype=object), None)
    figures["place"] = np.where(placed, np.array([places[i].name_ar for i in pick], dtype=object), figures["place"])
    figures["place_precision"] = np.where(placed, np.array([places[i].precision for i in pick], dtype=object), None)


def fill(s: Store, articles: pd.DataFrame, figures: pd.DataFrame) -> None:
    """Bulk-append the generated rows through the store's own append (one transaction)."""
    with s.transaction() as cur:
        s._append(cur, "articles", articles)
        for i in range(0, len(figures), 250_000):
            s._append(cur, "figures", figures.iloc[i : i + 250_000])


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def bench_queries(s: Store, f: filters.Filters, runs: int) -> float:
    """What one uncached run of the trends page asks: the data version, then the weekly sums, the
    toll markers, the notes and the filter options from the prepared rows (built once per data
    version, timed separately)."""
    t0 = time.perf_counter()
    rows = counting.prepare_rows(queries.trend_rows(s))
    build = (time.perf_counter() - t0) * 1000
    names = queries.place_names(s)
    timed = {
        "data_version": lambda: queries.data_version(s),
        "article_count": lambda: queries.article_count(s),
        "weekly": lambda: counting.weekly_from_rows(rows, f),
        "tolls": lambda: counting.tolls_from_rows(rows, f),
        "notes": lambda: counting.notes_from_rows(rows, f),
        "filter options": lambda: counting.options_from_rows(rows, names),
    }
    total = 0.0
    print(f"\nTrends page, one run with filters {_describe(f)}:")
    for name, fn in timed.items():
        ms, _ = median_ms(fn, runs)
        total += ms
        print(f"  {name:<22} {ms:8.1f} ms")
    print(f"  {'sum':<22} {total:8.1f} ms   (goal ≤ 50 ms) {'OK' if total <= 50 else 'OVER'}")
    print(f"  {'prepare rows (per data version)':<22} {build:8.1f} ms   ({rows.n:,} rows; after an upload)")
    ms, _ = median_ms(lambda: queries.weekly_totals(s, f), runs)
    print(f"  {'weekly in SQL directly':<22} {ms:8.1f} ms   (reference, not used by the page)")
    weekly = counting.weekly_from_rows(rows, f)
    week = weekly["week"].iloc[len(weekly) // 2] if len(weekly) else None
    ms, behind = median_ms(lambda: reviewed.figures_behind(s, f, week, "total"), runs)
    print(f"  {'figures_behind (click)':<22} {ms:8.1f} ms   ({len(behind)} rows; goal ≤ 200 ms)")
    ms, held = median_ms(lambda: reviewing.load_held(s, f.status), runs)
    print(f"  {'held for review':<22} {ms:8.1f} ms   ({len(held)} figures; per data version)")
    same = geo.repeats()
    ms, mp = median_ms(lambda: geo.totals_of(reviewed.map_sums(s, f, "group", same), "group"), runs)
    print(f"  {'map places (all weeks)':<22} {ms:8.1f} ms   ({len(mp)} places, added up in DuckDB as the map "
          "page does; per data version and filters)")
    weeks = geo.weeks_between(*reviewed.map_span(s, f))
    week = weeks[len(weeks) // 2] if weeks else None
    ms, _ = median_ms(lambda: geo.totals_of(reviewed.map_sums(s, f, "group", same, *geo.period_dates("week", week)),
                                            "group"), runs)
    print(f"  {'map places (one week)':<22} {ms:8.1f} ms   (a step of the replay)")
    return total


def _describe(f: filters.Filters) -> str:
    parts = [f"{k}={v}" for k, v in vars(f).items() if v not in ((), None) and (k, v) not in
             (("status", "killed"), ("kinds", "both"))]
    return ", ".join(parts) or "(none)"


def bench_pandas(s: Store, f: filters.Filters, runs: int) -> None:
    t0 = time.perf_counter()
    df = queries.trend_rows(s)
    load = (time.perf_counter() - t0) * 1000
    ms, weekly = median_ms(lambda: counting.weekly_from_frame(df, f), runs)
    sql = queries.weekly_totals(s, f)
    same = sql.reset_index(drop=True).astype({"best": "int64"}).equals(weekly.reset_index(drop=True))
    print("\nThe same weekly aggregation in pandas:")
    print(f"  read the trend rows          {load:8.1f} ms (once)")
    print(f"  weekly_from_frame            {ms:8.1f} ms   ({len(weekly)} rows; equal to the SQL result: {same})")


def bench_page(path: Path, runs: int) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CASUALTY_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)

    def cold() -> None:
        st.cache_data.clear()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)

    def warm() -> None:
        at.run()

    ms_cold, _ = median_ms(cold, runs)
    ms_warm, _ = median_ms(warm, runs)
    print("\nFull AppTest run of the trends page (dashboard.py + sidebar + page):")
    print(f"  query cache cleared  {ms_cold:8.1f} ms   (goal ≤ 300 ms) {'OK' if ms_cold <= 300 else 'OVER'}")
    print(f"  query cache warm     {ms_warm:8.1f} ms")
    charts = len(at.get("plotly_chart"))
    print(f"  charts drawn: {charts}; metric: {[(m.label, m.value) for m in at.metric][:1]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--figures", type=int, default=100_000)
    ap.add_argument("--per-article", type=int, default=10, help="figures per generated article")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", help="write the generated database to this file instead of a temporary one")
    ap.add_argument("--reuse", help="a database written by --keep before: measured as it is (grouped again only "
                    "if its incidents are not current), nothing generated")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    path = Path(args.keep) if args.keep else tmp / "bench.duckdb"
    try:
        print(f"Load average of this machine: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              "(timings grow with it)")
        if args.reuse:
            path = Path(args.reuse)
            s = Store.open(path)
            t2 = time.perf_counter()
            regrouped = aggregate.ensure_current(s)
            print(f"Reused {path}: {s.counts()['figures']:,} figures; "
                  + (f"grouped again in {time.perf_counter() - t2:.1f} s" if regrouped else "incidents current"))
        else:
            t0 = time.perf_counter()
            articles, figures = generate(args.figures, args.per_article)
            t1 = time.perf_counter()
            s = Store.open(path)
            fill(s, articles, figures)
            t2 = time.perf_counter()
            print(f"Generated {len(figures):,} figures in {len(articles):,} articles in {t1 - t0:.1f} s; "
                  f"stored in {t2 - t1:.1f} s ({path})")
            n = aggregate.recompute(s)
            t3 = time.perf_counter()
            print(f"Grouped into {n:,} incidents in {t3 - t2:.1f} s "
                  "(core.incidents.aggregate.recompute: once per upload batch)")
        f = filters.Filters()
        bench_queries(s, f, args.runs)
        bench_queries(s, filters.Filters(groups=("civilians", "children"), perpetrators=("coalition",),
                                        date_from=dt.date(2016, 1, 1), date_to=dt.date(2017, 12, 31)), args.runs)
        bench_pandas(s, f, args.runs)
        bench_page(path, args.runs)
        s.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
