"""The DuckDB file and a DuckLake lake side by side: ingest throughput and the trends page.

    python bench/lake.py [--articles 100000] [--quick] [--workers 2] [--batch 2000] [--runs 5]

Generates articles (`bench/ingest.py`'s own Arabic sentences, ~1.5 KB each), decodes and extracts them
once (``workers`` processes, as the command line does), and writes every batch of ``batch`` articles
into both set-ups, each timed on its own: a DuckDB file and a lake with a SQLite catalog (data
folder beside it), both in a temporary folder. Then, for both:

- regrouping the incidents (`core.incidents.aggregate.regroup`, what an import does after its batches);
- what an uncached run of the trends page asks of the database: the data version, the trend rows
  (`core.storage.queries.trend_rows`, read once per data version) and the article count; then the
  page's weekly sums from those rows (the same Python on both);
- a full AppTest run of the trends page through ``dashboard.py`` with the query cache cleared, and warm.

``--quick`` uses 5,000 articles. Times are medians over ``--runs`` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.incidents import aggregate  # noqa: E402
from core.intake import ingest  # noqa: E402
from core.storage import queries  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.views import counting, filters  # noqa: E402


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def page_run_ms(name: str, runs: int) -> tuple[float, float]:
    """A full AppTest run of the trends page on database ``name``: query cache cleared, and warm."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CASUALTY_DB"] = name
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)

    def cold() -> None:
        st.cache_data.clear()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)

    return median_ms(cold, runs), median_ms(at.run, runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="5,000 articles")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    n = 5_000 if args.quick else args.articles
    gen = _bench_module("ingest")
    rng = random.Random(7)
    texts = (gen.article(i, rng).encode("utf-8") for i in range(n))

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CASUALTY_DATA"] = str(Path(tmp) / "lake-data")
        setups = {"file": str(Path(tmp) / "bench.duckdb"), "lake (SQLite catalog)": f"ducklake:sqlite:{tmp}/lake.sqlite"}
        stores = {k: Store.open(v) for k, v in setups.items()}
        write_s = dict.fromkeys(setups, 0.0)
        t0 = time.perf_counter()
        batch: list[ingest.Prepared] = []

        def flush() -> None:
            for k, s in stores.items():
                t = time.perf_counter()
                s.add_articles([(p.article, p.figures) for p in batch])
                write_s[k] += time.perf_counter() - t
            batch.clear()

        opts = (None, None, None, 5_000_000)
        files = ((t, f"a{i}.txt") for i, t in enumerate(texts))
        for _, item in ingest._prepared_stream(files, opts, args.workers):
            if isinstance(item, ingest.Prepared):
                batch.append(item)
            if len(batch) >= args.batch:
                flush()
        flush()
        extract_s = time.perf_counter() - t0 - sum(write_s.values())
        regroup_s = {}
        for k, s in stores.items():
            t = time.perf_counter()
            aggregate.regroup(s)
            regroup_s[k] = time.perf_counter() - t

        f = filters.Filters()
        page: dict[str, dict[str, float]] = {}
        for k, s in stores.items():
            rows = counting.prepare_rows(queries.trend_rows(s))
            page[k] = {
                "data version": median_ms(lambda s=s: queries.data_version(s), args.runs),
                "trend rows (per data version)": median_ms(lambda s=s: queries.trend_rows(s), args.runs),
                "article count": median_ms(lambda s=s: queries.article_count(s), args.runs),
                "weekly sums (Python)": median_ms(lambda rows=rows: counting.weekly_from_rows(rows, f), args.runs),
            }
        counts = {k: s.counts() for k, s in stores.items()}
        for s in stores.values():
            s.close()
        for k, name in setups.items():
            cold, warm = page_run_ms(name, args.runs)
            page[k]["page run, cache cleared"] = cold
            page[k]["page run, cache warm"] = warm

    names = list(setups)
    width = 34
    print(f"{n:,} generated articles, {args.workers} worker process(es), batches of {args.batch}; "
          f"decoding and extraction (shared): {extract_s:.1f} s")
    print(f"{'':<{width}}" + "".join(f"{k:>24}" for k in names))
    print(f"{'articles / figures stored':<{width}}"
          + "".join(f"{counts[k]['articles']:>14,} / {counts[k]['figures']:<7,}" for k in names))
    print(f"{'database writes':<{width}}" + "".join(f"{write_s[k]:>22.1f} s" for k in names))
    print(f"{'  articles per second (writes)':<{width}}" + "".join(f"{n / write_s[k]:>24,.0f}" for k in names))
    print(f"{'ingest end to end (extract+write)':<{width}}"
          + "".join(f"{n / (extract_s + write_s[k]):>14,.0f} art./s" + " " * 3 for k in names))
    print(f"{'regroup incidents':<{width}}" + "".join(f"{regroup_s[k]:>22.1f} s" for k in names))
    print("Trends page (median ms):")
    for label in page[names[0]]:
        print(f"  {label:<{width - 2}}" + "".join(f"{page[k][label]:>21.1f} ms" for k in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
