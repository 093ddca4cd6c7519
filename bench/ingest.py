"""Ingest throughput: generated articles end to end, and the database write alone.

    python bench/ingest.py [--articles 10000] [--workers 2] [--batch 2000]

Articles are generated here (our own Arabic sentences, realistic length: ~1.5 KB, a few casualty
figures among other numbers), decoded, extracted and stored through `core.intake.ingest.ingest_many`, the
path the command line uses, into a temporary DuckDB file. Then the same rows are written again to
a fresh file through `Store.add_articles` alone, to show what the database costs.
Goal: 100 000 articles in <= 5 minutes on this 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.intake import ingest  # noqa: E402
from core.storage.store import Store  # noqa: E402

PLACES = ["حارة البدو", "حي الدرعية", "مدينة الرقة", "حي المشلب", "قرية كسرة فرج", "بلدة معدان", "حي الرميلة"]
ACTORS = ["طيران التحالف الدولي", "الطائرات الروسية", "قوات النظام", "قوات سوريا الديمقراطية"]
DAYS = ["الأحد", "الإثنين", "الثلاثاء", "الأربعاء", "أمس", "اليوم"]
FILLER = [
    "وتتواصل المعارك في أطراف المدينة وسط نزوح عشرات العائلات نحو الريف الشرقي.",
    "وتسيطر القوات المهاجمة على نحو {p} في المئة من مساحة المدينة بعد {w} أسابيع من المعارك.",
    "ولا يزال نحو {t} ألف شخص عالقين في الأحياء الجنوبية بحسب تقديرات الأمم المتحدة.",
    "وشنت الطائرات {s} غارة على مواقع متفرقة خلال الساعات الأربع والعشرين الماضية.",
    "وأعلنت منظمات إنسانية عن إرسال {c} شاحنة محملة بالمساعدات إلى المخيمات القريبة.",
]


def article(i: int, rng: random.Random) -> str:
    n = rng.randint(2, 60)
    kids = rng.randint(1, max(1, n // 3))
    lines = [
        f"مقتل {n} مدنيا بقصف على {rng.choice(PLACES)} (تقرير رقم {i})",
        f"قتل {n} مدنيا بينهم {kids} أطفال {rng.choice(DAYS)} في قصف لـ{rng.choice(ACTORS)} على "
        f"{rng.choice(PLACES)}، وفق المرصد السوري لحقوق الإنسان.",
    ]
    for _ in range(rng.randint(6, 10)):
        lines.append(rng.choice(FILLER).format(
            p=rng.randint(10, 90), w=rng.randint(2, 12), t=rng.randint(5, 40), s=rng.randint(5, 60),
            c=rng.randint(3, 80),
        ))
    if rng.random() < 0.3:
        lines.append(f"وارتفعت حصيلة القتلى خلال أسبوع إلى {n * 4} مدنيا بحسب المرصد.")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2, help="processes decoding and extracting")
    ap.add_argument("--batch", type=int, default=2000, help="articles per database transaction")
    args = ap.parse_args()
    rng = random.Random(7)
    texts = [article(i, rng).encode("utf-8") for i in range(args.articles)]
    mb = sum(map(len, texts)) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        results = ingest.ingest_many(
            store, ((t, f"a{i}.txt") for i, t in enumerate(texts)), batch_size=args.batch, workers=args.workers
        )
        end_to_end = time.perf_counter() - t0
        added = sum(r.status == "added" for r in results)
        figures = store.counts()["figures"]
        print(f"{args.articles} generated articles ({mb:.1f} MB), {args.workers} worker process(es)")
        print(f"end to end: {end_to_end:.1f} s, {args.articles / end_to_end:.0f} articles/s "
              f"({added} added, {figures} figures)")
        rows = []
        for r in results:
            art = store.get_article(r.article_id)
            rows.append(({
                "id": art.id, "text": art.text, "title": art.title, "published": art.published,
                "added_at": art.added_at, "lang": art.lang, "format": art.format,
            }, store.figures_of(r.article_id)))
        fresh = Store.open(Path(tmp) / "write-only.duckdb")
        t0 = time.perf_counter()
        for i in range(0, len(rows), args.batch):
            fresh.add_articles(rows[i : i + args.batch])
        write = time.perf_counter() - t0
        print(f"database write alone: {write:.2f} s, {len(rows) / write:.0f} articles/s "
              f"(batches of {args.batch}, DataFrame appends)")
        projected = 100_000 / (args.articles / end_to_end) / 60
        print(f"projected for 100 000 articles: {projected:.1f} min (goal <= 5 min)")
        store.close()
        fresh.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
