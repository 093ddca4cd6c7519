"""Child process for the crash-safety test: ingest articles into one database until killed.

    python tests/core/intake/ingest_until_killed.py DB_FILE ROUND LOG_FILE

Writes through the same code path as the sidebar (`core.intake.ingest.ingest_bytes` for one file,
`core.intake.ingest.ingest_many` for a batch) and logs, flushed line by line:

* ``ready`` once the database is open;
* ``begin J I1 I2 ...`` before job J, whose articles are numbered I1, I2, ... (see `job_articles`);
* ``done J STATUS:ID ...`` after job J returned, one entry per file.

The parent (tests/core/intake/test_reliability.py) kills this process with SIGKILL at a random moment,
then checks that every ``done`` article is in the database and that the job in flight was stored
whole or not at all. The checkpoint threshold is lowered so that a kill can also land in the middle
of a checkpoint (DuckDB moving its write-ahead log into the database file).

Two more modes stop at one chosen moment, so that the parent can kill there:

    python tests/core/intake/ingest_until_killed.py DB_FILE ROUND LOG_FILE --workers

ingests an endless stream of articles with two worker processes (`core.intake.ingest.ingest_many`,
``workers=2``, as the command line does for a large folder) and logs ``workers PID PID`` once they
run;

    python tests/core/intake/ingest_until_killed.py DB_FILE ROUND LOG_FILE --before-regroup

ingests the batch of job 2 (``BATCH`` articles) and logs ``committed`` once its articles are stored,
then waits before the incidents are regrouped.
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.intake import ingest  # noqa: E402
from core.storage.store import Store  # noqa: E402

BATCH = 12
MAX_JOBS = 400  # a safety stop if the parent never kills us


def article(round_: int, i: int) -> str:
    """Article number ``i`` of round ``round_``: a few sentences with several casualty figures."""
    n = 10 + (i * 7 + round_ * 13) % 480
    k = 1 + (i + round_) % 9
    return (
        f"الرقة - تقرير رقم {round_}-{i}\n\n"
        f"قتل {n} مدنيا بينهم {k} أطفال في قصف جوي على الحي رقم {i} في مدينة الرقة يوم الأحد.\n"
        f"وأصيب {n + k + 3} آخرون بجروح، وفق ناشطين محليين.\n"
        f"وارتفعت حصيلة ضحايا القصف على المدينة منذ بداية الشهر إلى {n * 3 + round_} قتيلا.\n"
    )


def job_articles(round_: int, job: int) -> list[tuple[int, int]]:
    """(round, index) of the articles in job ``job``: one article, or every third job a batch
    of ``BATCH`` that repeats two articles of the previous round (which are then duplicates)."""
    start = job * BATCH
    if job % 3 != 2:
        return [(round_, start)]
    items = [(round_, start + n) for n in range(BATCH)]
    if round_ > 0:
        items[:2] = [(round_ - 1, 0), (round_ - 1, BATCH)]
    return items


def data_of(round_: int, i: int) -> tuple[bytes, str]:
    return article(round_, i).encode("utf-8"), f"r{round_}-{i}.txt"


def _until_workers_killed(store: Store, round_: int, say) -> None:
    def endless():
        for i in itertools.count():
            if i == 200:  # a few chunks were handed to the pool: its workers run
                say("workers " + " ".join(str(p.pid) for p in multiprocessing.active_children()))
            yield data_of(round_, i)

    ingest.ingest_many(store, endless(), workers=2)


def _until_killed_before_regroup(store: Store, round_: int, say) -> None:
    def wait_to_be_killed(_store: Store) -> None:
        say("committed")
        time.sleep(600)

    ingest._recompute_incidents = wait_to_be_killed
    ingest.ingest_many(store, [data_of(r, i) for r, i in job_articles(round_, 2)])


def main(argv: list[str]) -> int:
    db, round_, log_path = argv[0], int(argv[1]), argv[2]
    mode = argv[3] if len(argv) > 3 else None
    store = Store.open(db)
    store.cursor().execute("SET checkpoint_threshold = '64KB'").fetchall()
    with open(log_path, "a", encoding="utf-8") as log:

        def say(line: str) -> None:
            log.write(line + "\n")
            log.flush()

        say("ready")
        if mode == "--workers":
            _until_workers_killed(store, round_, say)
            return 0
        if mode == "--before-regroup":
            _until_killed_before_regroup(store, round_, say)
            return 0
        for job in range(MAX_JOBS):
            items = job_articles(round_, job)
            say(f"begin {job} " + " ".join(f"{r}:{i}" for r, i in items))
            if len(items) == 1:
                results = [ingest.ingest_bytes(store, *data_of(*items[0]))]
            else:
                results = ingest.ingest_many(store, [data_of(r, i) for r, i in items])
            say(f"done {job} " + " ".join(f"{res.status}:{res.article_id}" for res in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
