"""Child process for the lake tests (tests/core/storage/test_lake.py): one program writing into a lake.

    python tests/core/storage/lake_writer.py MODE DB GO LOG [ARGS...]

Opens the database ``DB`` (a ``ducklake:`` name), logs ``ready``, waits until the file ``GO`` exists
(so that several writers start at the same moment), then:

* ``files PATH...``: ingests the files one by one through `core.intake.ingest.ingest_bytes` (the
  sidebar's path), logging ``STATUS ARTICLE_ID FILE`` for each;
* ``tabs PATH...``: the same from three threads at once, as three browser tabs of one dashboard do;
* ``batches SIZE PATH...``: `core.intake.ingest.ingest_many` in batches of ``SIZE`` articles (as the
  command line does), logging ``batch N`` after each committed batch;
* ``notes ARTICLE_ID FIGURE_ID COUNT WHO``: adds ``COUNT`` review notes on one figure, one at a time.

Every line is flushed at once, so that the parent can read it while this process runs (or after it
was killed).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.incidents import reviewing  # noqa: E402
from core.intake import ingest  # noqa: E402
from core.storage.store import Store  # noqa: E402


def main(argv: list[str]) -> int:
    mode, db, go, log_path, *rest = argv
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - kept open until the process ends
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            log.write(line + "\n")
            log.flush()

    store = Store.open(db)
    say("ready")
    while not Path(go).exists():
        time.sleep(0.01)

    def files(paths: list[str]) -> None:
        for p in paths:
            r = ingest.ingest_bytes(store, Path(p).read_bytes(), Path(p).name)
            say(f"{r.status} {r.article_id} {Path(p).name}")

    if mode == "files":
        files(rest)
    elif mode == "tabs":
        threads = [threading.Thread(target=files, args=(rest[i::3],)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elif mode == "batches":
        size, paths = int(rest[0]), rest[1:]
        for i in range(0, len(paths), size):
            chunk = [(Path(p).read_bytes(), Path(p).name) for p in paths[i : i + size]]
            results = ingest.ingest_many(store, chunk, batch_size=size)
            for r in results:
                say(f"{r.status} {r.article_id} {r.filename}")
            say(f"batch {i // size}")
    elif mode == "notes":
        article_id, figure_id, count, who = rest[0], rest[1], int(rest[2]), rest[3]
        for i in range(count):
            reviewing.add_note(store, article_id, figure_id, who, f"{who} note {i}")
            say(f"note {i}")
    else:
        raise SystemExit(f"unknown mode {mode}")
    say("end")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
