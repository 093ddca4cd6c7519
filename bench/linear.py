"""Does extraction time grow linearly with text size? (no pathological regular expression or loop)

    python bench/linear.py [--sizes 10000,100000,1000000] [--repeat 3] [--profile 100000]

The text is generated here (never copied from a corpus): short Arabic news sentences with varied
casualty numbers, victim groups, breakdowns (بينهم), totals, revised counts, actors, places, dates
and sources, mixed with sentences full of numbers that are not casualty counts (years, hours,
percentages, kilometres), so every rule of the extractor runs. The same text is also wrapped in an
HTML page of the same size and read with `core.intake.decode.decode_upload`, and so is a hostile page of
the same size made of nothing but nested ``<div>`` elements around one sentence.

For each size it prints the best time of ``--repeat`` runs (a run over 2 seconds is not repeated),
microseconds per character, and the number of figures found. A line ``SUPER-LINEAR`` flags a size whose time per character is more
than 3 times that of the smallest size (and the exit status is then 1). With ``--profile N`` it
also prints the functions that took most time in `extract` on N characters, which names the
culprit when a step is quadratic. The upload limit (``uploads.MAX_BYTES_DEFAULT``, 5 MB) keeps larger texts out.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import io
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.extraction import extract  # noqa: E402
from core.intake import decode  # noqa: E402

FACTOR_LIMIT = 3.0

_DISTRICTS = ["حارة البدو", "المشلب", "الرميلة", "الدرعية", "نزلة شحادة", "الثكنة", "المدينة القديمة", "الطيار"]
_ACTORS = ["التحالف الدولي", "قوات سوريا الديمقراطية", "تنظيم الدولة الإسلامية", "الطيران الروسي"]
_DAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
_MONTHS = ["حزيران", "تموز", "آب", "أيلول", "تشرين الأول"]
_SOURCES = ["المرصد السوري لحقوق الإنسان", "حملة الرقة تذبح بصمت", "مصادر طبية", "ناشطون محليون"]

_TEMPLATES = [
    "قتل {n} مدنيا بينهم {k} أطفال في قصف لطيران {actor} على حي {district} يوم {day}، وفق {source}.",
    "ارتفعت حصيلة ضحايا الغارات على مدينة الرقة منذ مطلع {month} إلى {n} قتيلا، بحسب {source}.",
    "أصيب {n} مدنيين بجروح، بينهم {k} نساء، جراء سقوط قذائف على {district} مساء {day}.",
    "وكانت حصيلة سابقة قد أشارت إلى مقتل {k} أشخاص قبل أن ترتفع إلى {n} قتيلا.",
    "لقي {n} شخصا حتفهم وجرح {k} آخرون في انفجار سيارة مفخخة قرب دوار {district} في {day_num} {month} {year}.",
    "قتلت امرأة وطفلان في قصف مدفعي على قرية قرب {district}، وقال {source} إن {actor} استهدف المنطقة.",
    "Raqqa: at least {n} civilians, including {k} children, were killed in strikes on {day}, a monitor said.",
    # sentences with numbers that are not casualty counts
    "وقطعت القوات مسافة {n} كلم خلال {k} ساعة، وسيطرت على {k} قرى جنوب المدينة.",
    "وتشير الأرقام إلى أن {k} في المئة من سكان الحي نزحوا منذ عام {year}، أي نحو {n} عائلة.",
    "وعقد المجلس المحلي اجتماعه رقم {n} في {day_num} {month} {year} بحضور {k} عضوا.",
]


def sentences(seed: int = 7):
    """An endless stream of generated sentences, each with its own numbers."""
    rng = random.Random(seed)
    i = 0
    while True:
        i += 1
        n = rng.randint(2, 400)
        yield rng.choice(_TEMPLATES).format(
            n=n, k=rng.randint(1, max(1, n - 1)), actor=rng.choice(_ACTORS), district=rng.choice(_DISTRICTS),
            day=rng.choice(_DAYS), month=rng.choice(_MONTHS), source=rng.choice(_SOURCES),
            year=rng.choice([2016, 2017, 2018]), day_num=rng.randint(1, 28),
        )


def article_text(size: int, seed: int = 7) -> str:
    """About ``size`` characters of generated news text, paragraphs of four sentences."""
    out: list[str] = []
    total = 0
    para: list[str] = []
    for s in sentences(seed):
        para.append(s)
        if len(para) == 4:
            block = " ".join(para) + "\n\n"
            out.append(block)
            total += len(block)
            para = []
            if total >= size:
                break
    return "".join(out)[:size]


def html_page(text: str) -> bytes:
    """The text as an HTML article page (one <p> per paragraph), with navigation and scripts to drop."""
    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n") if p.strip())
    page = (
        "<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>تقرير</title>"
        "<script>var x = 1;</script></head><body><nav><a href='/'>الرئيسية</a></nav>"
        f"<article><h1>تقرير</h1>{paras}</article><footer>حقوق النشر</footer></body></html>"
    )
    return page.encode("utf-8")


def nested_page(size: int) -> bytes:
    """About ``size`` bytes of ``<div>`` nested in ``<div>``, one sentence at the bottom."""
    sentence = "قتل 12 مدنيا بينهم ثلاثة أطفال في قصف على الرقة.".encode()
    return b"<html><body>" + b"<div>" * max(1, (size - len(sentence)) // 5) + sentence


def best_time(fn, repeat: int, long_run: float = 2.0) -> tuple[float, object]:
    """The best of ``repeat`` runs of ``fn`` and its result; a run longer than ``long_run`` seconds
    is not repeated."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        if best > long_run:
            break
    return best, result


def profile_extract(text: str, top: int = 12) -> None:
    prof = cProfile.Profile()
    prof.enable()
    extract.extract(text)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("tottime")
    stats.print_stats(top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="text sizes in characters")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (the best is kept)")
    ap.add_argument("--profile", type=int, metavar="N", help="profile extract() on N characters")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    # load the lexicons, BeautifulSoup and lxml before timing
    extract.extract("قتل 3 مدنيين في الرقة.")
    decode.decode_upload(html_page(article_text(2000)), "warm-up.html")
    rows = {"extract": [], "decode html": [], "nested html": []}
    print(f"{'step':<12} {'size':>10} {'seconds':>9} {'µs/char':>8} {'x smallest':>10}  result")
    flagged = []
    for size in sizes:
        text = article_text(size)
        page = html_page(text)
        t_ext, figs = best_time(lambda text=text: extract.extract(text), args.repeat)
        t_dec, doc = best_time(
            lambda page=page: decode.decode_upload(page, "page.html", max_bytes=len(page) + 1), args.repeat
        )
        deep = nested_page(size)
        t_deep, deep_doc = best_time(
            lambda deep=deep: decode.decode_upload(deep, "deep.html", max_bytes=len(deep) + 1), args.repeat
        )
        for step, seconds, n_chars, what in (
            ("extract", t_ext, len(text), f"{len(figs)} figures"),
            ("decode html", t_dec, len(page), f"{len(doc.text)} characters of text"),
            ("nested html", t_deep, len(deep), f"{len(deep) // 5} levels, {len(deep_doc.text)} characters of text"),
        ):
            per_char = seconds / n_chars * 1e6
            rows[step].append(per_char)
            factor = per_char / rows[step][0]
            print(f"{step:<12} {n_chars:>10} {seconds:>9.3f} {per_char:>8.2f} {factor:>10.1f}  {what}")
            if factor > FACTOR_LIMIT:
                flagged.append((step, n_chars, factor))
    for step, n_chars, factor in flagged:
        print(f"SUPER-LINEAR: {step} at {n_chars} characters costs {factor:.1f}x the time per character "
              f"of the smallest size (limit {FACTOR_LIMIT:.0f}x)")
    if not flagged:
        print(f"linear: no size costs more than {FACTOR_LIMIT:.0f}x the time per character of the smallest")
    if args.profile:
        print(f"profile of extract() on {args.profile} characters, by time spent in each function:")
        profile_extract(article_text(args.profile))
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
