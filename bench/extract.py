"""Extraction speed on one core: articles per second and MB/s over a realistic workload.

    python bench/extract.py [--repeat 20] [--corpus ../shared/corpus/dev]

The workload is the dev corpus (real articles, read from ../shared, never copied) plus the
out-of-domain corpus (casualty-free articles full of numbers), repeated. Goal: >= 500 articles/s.
Also prints the time camel-tools' normalisation and simple_word_tokenize take over the same texts,
and the ratio (extraction should stay within 2.5x of it). Also prints the time of 10 KB, 100 KB and 1 MB inputs, to show that extraction time grows
linearly with text size (no pathological regular expression).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.extraction import extract  # noqa: E402
from core.intake import uploads  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"


def load(folder: Path) -> list[str]:
    texts = []
    for p in sorted((folder / "articles").glob("*.txt")):
        _, body, _ = uploads.split_header(p.read_text(encoding="utf-8"))
        texts.append(body)
    return texts


def camel_baseline(texts: list[str], repeat: int) -> float:
    """Seconds for camel-tools' own normalisation (Unicode, alef, alef maksura, teh marbuta, diacritics)
    and its simple word tokenizer over the texts, ``repeat`` times: the floor any Arabic pipeline pays."""
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            n = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(normalize_unicode(t)))))
            simple_word_tokenize(n)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--corpus", type=Path, action="append")
    args = ap.parse_args()
    folders = args.corpus or [SHARED / "dev", SHARED / "ood"]
    texts = [t for f in folders if (f / "articles").is_dir() for t in load(f)]
    if not texts:
        print("No corpus found (looked in ../shared/corpus/dev and ood).")
        return 1
    extract.extract(texts[0])  # load lexicons once
    n_chars = sum(len(t) for t in texts)
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    figures = 0
    for _ in range(args.repeat):
        for t in texts:
            figures += len(extract.extract(t))
    dt = time.perf_counter() - t0
    n = len(texts) * args.repeat
    print(f"workload: {len(texts)} articles x {args.repeat} ({n_chars / len(texts):.0f} characters on average)")
    print(f"extraction: {n / dt:.0f} articles/s, {n_bytes * args.repeat / dt / 1e6:.2f} MB/s (UTF-8), "
          f"{figures / args.repeat:.0f} figures per pass, one core")
    base_dt = camel_baseline(texts, args.repeat)
    print(f"camel-tools normalisation + simple_word_tokenize over the same texts: {n / base_dt:.0f} articles/s; "
          f"extraction takes {dt / base_dt:.2f}x its time (goal: at most 2.5x)")
    print("linear-time check (a real article repeated to size):")
    base = max(texts, key=len) + "\n"
    for size in (10_000, 100_000, 1_000_000):
        big = (base * (size // len(base) + 1))[:size]
        t0 = time.perf_counter()
        extract.extract(big)
        el = time.perf_counter() - t0
        print(f"  {size / 1000:>6.0f} KB: {el * 1000:8.1f} ms ({el / size * 1e6:.2f} µs per character)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
