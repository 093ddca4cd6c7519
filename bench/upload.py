"""One upload into a big archive: how long until it shows (issue 14).

    python bench/upload.py [--quick] [--sizes 1000 10000 100000] [--per-article 3]

For each size, a fresh DuckDB file is filled with generated articles (published across 2014–2019,
placed across the gazetteer, several figures each with repeats, breakdowns, superseded counts and
running tolls: `bench/dashboard.py`'s generator with gazetteer places), grouped once in full, then
the script prints:

- sidebar uploads: `core.intake.ingest.ingest_bytes` of one generated Arabic article (decode,
  extract, store, regroup the incidents it can join), six in a row: the first (it also loads the
  extractor's lexicons, as a server's first upload does) and the median of the other five — goal:
  under 1 s, and at 100,000 articles within 2x of the time at 1,000;
- the trends page run after it (AppTest through ``dashboard.py``, query cache cleared);
- a click on a bar (the figures behind one week: `core.incidents.reviewed.figures_behind`);
- the peak memory of the process (each size runs in its own process).

``--quick`` stops at 10,000 articles. ``--ingest 100000`` instead measures the command-line import of
100,000 generated article files: its time and peak memory (goal ≤ 1 GB). Times are single runs (the upload changes the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dashboard as bench_dashboard  # noqa: E402
from core.incidents import aggregate, reviewed, reviewing  # noqa: E402
from core.intake import ingest  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.views import counting, filters, geo  # noqa: E402

UPLOADS = 6  # one after another, each a new article: the first, then the median of the others
UPLOAD = (
    "title: قصف على الرقة\n"
    "date: 2017-08-22\n\n"
    "قتل {n} مدنيا بينهم {k} أطفال يوم الأحد في قصف لطيران التحالف الدولي على حارة البدو في مدينة الرقة، "
    "وفق المرصد السوري لحقوق الإنسان (رقم {i}).\n"
    "وتتواصل المعارك في أطراف المدينة وسط نزوح عشرات العائلات نحو الريف الشرقي.\n"
)


def generate(n_articles: int, per_article: int):
    """`bench/dashboard.py`'s generator (gazetteer places, repeats, breakdowns, tolls)."""
    return bench_dashboard.generate(n_articles * per_article, per_article)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(n: int, per_article: int, keep: Path | None = None) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    path = tmp / "bench.duckdb"
    kept = keep / f"upload-{n}-{per_article}.duckdb" if keep else None
    t0 = time.perf_counter()
    if kept is not None and kept.exists():  # built before: a copy, grouped as it was
        shutil.copy(kept, path)
        s = Store.open(path)
        t1 = time.perf_counter()
        aggregate.ensure_current(s)  # a file from before incident_rows gets them here, not in the upload
        incidents = int(s.cursor().execute("SELECT count(*) FROM incidents").fetchall()[0][0])
    else:
        articles, figures = generate(n, per_article)
        s = Store.open(path)
        bench_dashboard.fill(s, articles, figures)
        del articles, figures
        t1 = time.perf_counter()
        incidents = aggregate.recompute(s)
        if kept is not None:
            s.close()
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, kept)
            s = Store.open(path)
    t2 = time.perf_counter()
    rng = random.Random(n)
    uploads = []
    for i in range(UPLOADS):  # the first also loads the extractor's lexicons, as a server's first upload does
        text = UPLOAD.format(n=rng.randint(5, 40), k=3, i=n * 10 + i)
        t3 = time.perf_counter()
        res = ingest.ingest_bytes(s, text.encode("utf-8"), "upload.txt")
        uploads.append((time.perf_counter() - t3) * 1000)
        assert res.status == "added", res.message
        assert aggregate.is_current(s)
    figures = s.counts()["figures"]
    f = filters.Filters()
    t4 = time.perf_counter()
    weekly = counting.weekly_from_rows(counting.prepare_rows(reviewed.trend_rows(s)), f)
    week = weekly["week"].iloc[len(weekly) // 2] if len(weekly) else None
    t5 = time.perf_counter()
    reviewed.figures_behind(s, f, week, "total")
    click = time.perf_counter() - t5
    t6 = time.perf_counter()
    reviewing.load_held(s, f.status)
    held = time.perf_counter() - t6
    t7 = time.perf_counter()
    geo.totals_of(reviewed.map_sums(s, f, "group", geo.repeats()), "group")
    map_rows = time.perf_counter() - t7
    s.close()
    page = _page(path)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{n:>9,} articles {figures:>9,} figures {incidents:>8,} incidents | "
          f"fill {t1 - t0:6.1f} s, full regroup {t2 - t1:6.1f} s | upload: first {uploads[0]:5.0f} ms, "
          f"then median {statistics.median(uploads[1:]):5.0f} ms ({', '.join(f'{u:.0f}' for u in uploads[1:])}) | "
          f"trends page (AppTest, cold) {page:7.0f} ms | prepare rows {(t5 - t4) * 1000:6.0f} ms | "
          f"bar click {click * 1000:6.0f} ms | held {held * 1000:6.0f} ms | map places {map_rows * 1000:6.0f} ms | "
          f"peak {peak_mb():6.0f} MB | load {os.getloadavg()[0]:.1f}", flush=True)


def _page(path: Path) -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CASUALTY_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    st.cache_data.clear()
    st.cache_resource.clear()
    t0 = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return (time.perf_counter() - t0) * 1000


def ingest_memory(n: int) -> None:
    """`python -m core.intake.ingest` over `n` generated article files (`bench/ingest.py`'s articles
    with a date header across 2014–2019), in its own process: its time and peak memory (goal: 100,000
    articles in ≤ 1 GB; the worker processes that extract are measured apart, they hold no results)."""
    import ingest as bench_ingest

    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    folder = tmp / "articles"
    folder.mkdir()
    rng = random.Random(7)
    for i in range(n):
        day = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        (folder / f"a{i:06d}.txt").write_text(f"title: {i}\ndate: {day}\n\n" + bench_ingest.article(i, rng),
                                              encoding="utf-8")
    code = ("import resource, sys; from core.intake import ingest; ingest.main([sys.argv[1], '--db', sys.argv[2]]); "
            "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)")
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code, str(folder), str(tmp / "ingest.duckdb")], cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stderr[-2000:])
    took = time.perf_counter() - t0
    peak = next(int(line.split()[1]) for line in res.stderr.splitlines() if line.startswith("PEAK"))
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    summary = res.stdout.strip().splitlines()[-1]
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"ingest of {n:,} generated articles: {took:6.0f} s, peak {peak:,} MB (the ingest process; "
          f"largest process {workers:,} MB) | load {os.getloadavg()[0]:.1f}\n  {summary}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="stop at 10,000 articles")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    ap.add_argument("--per-article", type=int, default=3)
    ap.add_argument("--ingest", type=int, metavar="N",
                    help="only measure `python -m core.intake.ingest` over N generated article files (time, peak memory)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep each size's grouped database in DIR and reuse it next time (copied: uploads never "
                         "accumulate); the fill and full regroup times are then those of the copy")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = ap.parse_args(argv)
    if args.ingest:
        ingest_memory(args.ingest)
        return 0
    if args.one:
        one_size(args.one, args.per_article, args.keep)
        return 0
    sizes = [n for n in args.sizes if not (args.quick and n > 10_000)]
    print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {dt.date.today()}")
    for n in sizes:
        keep = ["--keep", str(args.keep)] if args.keep else []
        subprocess.run([sys.executable, __file__, "--one", str(n), "--per-article", str(args.per_article), *keep],
                       check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
