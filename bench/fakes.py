"""English sanity check on FA-KES: how often the per-article civilians-killed total equals the crowd label.

    .venv/bin/python bench/fakes.py [--corpus ../shared/corpus/fakes/fakes.csv]

FA-KES (`../shared/corpus/fakes`, never copied here) has 796 English Syrian-war articles, each with a
crowd-sourced count of civilians killed (`nb_civilians`). The crowd labels are noisy, so this is a
sanity check, not a score. The tracker's total for an article is what its trend chart would add up
for civilians: killed figures of kind incident, not a breakdown, a repeat or an earlier count, whose
group is civilians, children, women or people (children and women counted on their own are civilians; an
unqualified «people» is counted, as a journalist reading it would).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.extraction.extract import extract  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fakes" / "fakes.csv"


def civilians_killed(figures) -> int:
    return sum(
        f.best or 0 for f in figures
        if f.status == "killed" and f.kind == "incident" and f.part_of is None and f.same_as is None
        and f.group in ("civilians", "people", "children", "women")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    args = ap.parse_args(argv)
    path = Path(args.corpus)
    if not path.exists():
        print(f"FA-KES not found at {path} (it lives in ../shared/corpus/fakes, outside the repository)")
        return 2
    csv.field_size_limit(10**8)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    equal = zero_both = 0
    half_equal = [0, 0]  # even and odd rows: rules were written looking at even rows' errors only
    t0 = time.perf_counter()
    for n_row, r in enumerate(rows):
        text = f"{r['article_title']}. {r['article_content']}"
        got = civilians_killed(extract(text, lang="en"))
        try:
            want = int(float(r["nb_civilians"] or 0))
        except ValueError:
            want = 0
        equal += got == want
        half_equal[n_row % 2] += got == want
        zero_both += got == want == 0
    secs = time.perf_counter() - t0
    n = len(rows)
    print(f"articles                         {n}")
    print(f"civilians-killed total = crowd   {equal / n:.3f}  ({equal}/{n}; {zero_both} of them 0 = 0)")
    for h, name in enumerate(("even", "odd")):
        size = len(rows[h::2])
        label = f"{name} rows"
        print(f"  {label:<31}{half_equal[h] / max(size, 1):.3f}  ({half_equal[h]}/{size})")
    print(f"seconds                          {secs:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
