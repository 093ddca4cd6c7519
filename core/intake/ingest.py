"""Getting articles into the database: one path for the command line and the sidebar.

`ingest_bytes` / `ingest_text` decode an upload, read its optional header, run the extractor and
store the article with its figures in one transaction, returning an `IngestResult` the UI can
show as it is. `ingest_many` does the same for many files, batching the database writes.

Command line::

    python -m core.intake.ingest PATH... [--db FILE] [--published YYYY-MM-DD] [--outlet NAME] [--url URL]
    python -m core.intake.ingest --reextract [--db FILE]
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import logging
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import babel

from core.extraction import extract
from core.extraction.dates import find_dates, parse_iso
from core.extraction.figure import Figure
from core.incidents import aggregate, plausibility
from core.intake import decode, page_dates, uploads
from core.storage.store import Store, StoreError

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """What happened to one upload, in words a journalist can act on."""

    filename: str | None
    status: str  # 'added' | 'duplicate' | 'error'
    message: str
    article_id: str | None = None
    figures: list[Figure] = field(default_factory=list)
    reason: str | None = None  # for errors: UploadError.reason or 'store'
    added_at: dt.datetime | None = None
    title: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "error"


@dataclass
class Prepared:
    article: dict
    figures: list[Figure]
    filename: str | None


def article_id(text: str) -> str:
    """The article's identity: a hash of its normalised text (same text, same id)."""
    return hashlib.sha256(uploads.normalise_article_text(text).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Published:
    """An article's publication date, where it came from (``user``, ``header``, ``inferred``), and a
    date the text shows that is *not* its publication date (the page's clock, a copyright line)
    with the reason (`core.intake.page_dates`): dates resolved against it are set aside."""

    date: dt.date | None
    source: str | None
    suspect: dt.date | None = None
    suspect_reason: str | None = None
    suspect_span: tuple[int, int] | None = None  # the line of the text that shows it


# Browsers send a file name in an upload form with ``"``, CR and LF written as ``%22``, ``%0D`` and
# ``%0A`` (HTML standard, "multipart/form-data encoding algorithm"); other characters come as they are.
_FORM_ESCAPES = {"%22": '"', "%0D": "\r", "%0A": "\n"}


def browser_file_name(name: str) -> str:
    """The name of an uploaded file as the user's system gave it: undoes the browser's form escapes
    (``report "final".txt`` arrives as ``report %22final%22.txt``). Names are only ever shown escaped."""
    for escaped, char in _FORM_ESCAPES.items():
        name = name.replace(escaped, char).replace(escaped.lower(), char)
    return name


def _published(
    user: dt.date | None, meta: dict[str, str], body: str, today: dt.date | None = None
) -> Published:
    """Publication date and where it came from: the user, the file header, or the text itself."""
    if user:
        return Published(user, "user")
    header = parse_iso(meta.get("date") or meta.get("published"))
    if header:
        return Published(header, "header")
    # Inferred: the first full date written near the top of the article (a dateline), unless it is
    # the page's clock (then the article's date is unknown) or a copyright line (skipped).
    today = today or dt.date.today()
    for m in find_dates(body[:600], None):
        if not (m.precision == "day" and m.kind == "absolute" and m.date):
            continue
        if page_dates.on_copyright_line(body, m.start, m.end):
            continue
        day = dt.date.fromisoformat(m.date)
        a, b = body.rfind("\n", 0, m.start) + 1, body.find("\n", m.end)
        rest = (body[a:m.start] + " " + body[m.end:b if b >= 0 else len(body)]).strip(" \t\r,.-–|/،")
        alone = len(rest.split()) <= 1 and not any(ch.isdigit() for ch in rest)
        if page_dates.is_clock(body, m.start, m.end, day, today, alone):
            return Published(None, None, day, page_dates.CLOCK, (a, b if b >= 0 else len(body)))
        return Published(day, "inferred")
    return Published(None, None)


def checked_figures(text: str, pub: Published, lang: str | None, today: dt.date) -> list[Figure]:
    """The extractor's figures with the dates that cannot be set aside (date unknown, the reason and
    the date that was read in ``extra``; `core.incidents.plausibility`): dates read against a page's
    clock, dates after the publication date or after `today` (the day the article is added)."""
    figures = extract.extract(text, pub.date, lang)
    by_span: dict[tuple[int, int], Figure] = {}
    if pub.suspect is not None:
        by_span = {(f.start, f.end): f for f in extract.extract(text, pub.suspect, lang)}
    out = []
    for f in figures:
        d = f.to_dict()
        read = by_span.get((f.start, f.end))
        clock = pub.suspect_span
        if clock and f.date and f.date_span and clock[0] <= f.date_span[0] < clock[1]:
            d = plausibility.set_aside(d, pub.suspect_reason or page_dates.CLOCK, pub.suspect)  # dated by the clock line
        elif not f.date and read is not None and read.date:
            d = plausibility.set_aside(read.to_dict() | {k: v for k, v in d.items() if not k.startswith("date")},
                                       pub.suspect_reason or page_dates.CLOCK, pub.suspect)
        elif reason := plausibility.impossible_date(f.date, pub.date, today):
            d = plausibility.set_aside(d, reason, pub.date)
        else:
            out.append(f)
            continue
        out.append(Figure.from_dict(d))
    return out


def _title(meta: dict[str, str], body: str) -> str:
    if meta.get("title"):
        return meta["title"].strip()
    for line in body.splitlines():
        line = line.strip()
        if line:
            return line[:160]
    return ""


def prepare(
    doc: uploads.DecodedArticle,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    content_sha256: str | None = None,
) -> Prepared:
    """Extract figures and build the article row (no database access)."""
    meta = doc.meta
    added_at = dt.datetime.now()
    pub = _published(published, meta, doc.text, added_at.date())
    aid = article_id(doc.text)
    lang = (meta.get("lang") or doc.lang or "ar").strip().lower()[:2]
    figures = [f.with_(article_id=aid) for f in checked_figures(doc.text, pub, lang, added_at.date())]
    article = {
        "id": aid,
        "title": _title(meta, doc.text),
        "outlet": outlet or meta.get("outlet") or meta.get("source"),
        "url": url or meta.get("url"),
        "published": pub.date,
        "published_source": pub.source,
        "lang": lang,
        "text": doc.text,
        "filename": doc.filename,
        "format": doc.format,
        "encoding": doc.encoding,
        "content_sha256": content_sha256,
        "added_at": added_at,
        "extractor_version": extract.EXTRACTOR_VERSION,
    }
    return Prepared(article, figures, doc.filename)


def _summary_of_figures(figures: list[Figure]) -> str:
    if not figures:
        return "no casualty figures were found in it"
    shown = []
    for f in figures[:6]:
        n = f.number_text if f.best is None else str(f.best)
        shown.append(f"{n} {f.group} {f.status.replace('_', ' or ')}")
    more = f" and {len(figures) - 6} more" if len(figures) > 6 else ""
    return f"{len(figures)} figure(s) found: " + "; ".join(shown) + more


def _store_prepared(store: Store, items: list[Prepared]) -> list[IngestResult]:
    added = set(store.add_articles([(p.article, p.figures) for p in items]))
    results = []
    for p in items:
        aid = p.article["id"]
        name = p.filename or "pasted text"
        if aid in added:
            added.discard(aid)  # a repeat inside the same batch is a duplicate
            results.append(IngestResult(
                p.filename, "added", f"{name}: added; {_summary_of_figures(p.figures)}.",
                article_id=aid, figures=p.figures, added_at=p.article["added_at"], title=p.article["title"],
            ))
        else:
            when = store.article_added_at(aid)
            stamp = when.strftime("%Y-%m-%d %H:%M") if when else "earlier"
            results.append(IngestResult(
                p.filename, "duplicate", f"{name}: already in the database (added {stamp}).",
                article_id=aid, added_at=when, title=p.article["title"],
            ))
    return results


def _error(filename: str | None, err: Exception, reason: str | None = None) -> IngestResult:
    return IngestResult(filename, "error", str(err), reason=reason or getattr(err, "reason", "error"))


def ingest_bytes(
    store: Store,
    data: bytes,
    filename: str,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    max_bytes: int = uploads.MAX_BYTES_DEFAULT,
) -> IngestResult:
    """Decode, extract and store one uploaded file. Never raises for bad input."""
    return ingest_many(store, [(data, filename)], published, outlet, url, max_bytes)[0]


def ingest_text(
    store: Store,
    text: str,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    max_bytes: int = uploads.MAX_BYTES_DEFAULT,
) -> IngestResult:
    """Store pasted text as an article."""
    try:
        doc = decode.decode_pasted(text, max_bytes=max_bytes)
    except uploads.UploadError as err:
        return _error(None, err)
    result = _store_one(store, prepare(doc, published, outlet, url))
    _regroup(store, result.status == "added")
    return result


def _regroup(store: Store, added: bool) -> None:
    """After an upload: regroup the incidents if articles were added, or if an earlier run stored
    articles but died before regrouping them (the store marks the regroup as owed in the same
    transaction as the articles), so that even an upload of nothing new ("0 added") repairs them."""
    try:
        if added or not aggregate.is_current(store):
            _recompute_incidents(store)
    except StoreError as err:
        log.warning("incidents not checked: %s", err)


def _recompute_incidents(store: Store, full: bool = False) -> None:
    """Regroup the figures into incidents after articles were added or re-extracted (once per batch):
    only the incidents the changed articles' reports can join or leave (`aggregate.regroup`), or all
    of them (`full`, after re-extracting the whole database). If it fails, the pages regroup when
    they next read the incidents."""
    try:
        if full:
            aggregate.recompute(store)
        else:
            aggregate.regroup(store)
    except StoreError as err:
        log.warning("incidents not recomputed: %s", err)


def _store_one(store: Store, item: Prepared) -> IngestResult:
    try:
        return _store_prepared(store, [item])[0]
    except StoreError as err:
        return _error(item.filename, err, "store")


def _prepare_one(
    data: bytes, filename: str, published: dt.date | None, outlet: str | None, url: str | None, max_bytes: int
) -> Prepared | IngestResult:
    """Decode and extract one file (no database): a `Prepared` article or an error result."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = decode.decode_upload(data, filename, max_bytes=max_bytes)
        return prepare(doc, published, outlet, url, content_sha256=sha)
    except uploads.UploadError as err:
        return _error(filename, err)
    except Exception as err:  # the extractor must never sink an upload silently
        log.exception("extraction failed for %s", filename)
        return _error(filename, StoreError(
            f"{filename}: the text could not be analysed ({type(err).__name__}); nothing was stored. "
            "Please report this file."), "extractor")


def _prepare_chunk(chunk: list[tuple[bytes, str]], opts: tuple) -> list[Prepared | IngestResult]:
    return [_prepare_one(data, name, *opts) for data, name in chunk]


PARENT_POLL_SECONDS = 1.0


def _end_with_parent(parent: int) -> None:
    """Pool initializer: a worker ends when the ingest that started it dies, even by SIGKILL (it
    would otherwise wait for work forever, holding memory and the database file's descriptors).

    On Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``); a
    thread that checks every `PARENT_POLL_SECONDS` whether the worker was handed to another
    parent does the same elsewhere, and covers a parent that died before the signal was armed."""
    if sys.platform.startswith("linux"):
        try:
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the thread below still ends the worker
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _prepared_stream(
    files: Iterable[tuple[bytes, str]], opts: tuple, workers: int, chunk: int = 64
) -> Iterable[tuple[str, Prepared | IngestResult]]:
    if workers <= 1:
        for data, name in files:
            yield name, _prepare_one(data, name, *opts)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    it = iter(files)
    chunks = iter(lambda: list(itertools.islice(it, chunk)), [])
    ctx = multiprocessing.get_context("fork")
    # The workers are forked by this thread, which also shuts the pool down (`with`): a parent-death
    # signal tied to it fires only when the ingest itself dies.
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_end_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for c, out in zip_chunks(chunks, pool, opts, workers):
            for (_, name), item in zip(c, out, strict=True):
                yield name, item


def zip_chunks(chunks, pool, opts, workers):
    """Submit chunks to the pool a few at a time and yield (chunk, results) in order."""
    from collections import deque

    window: deque = deque()
    for c in chunks:
        window.append((c, pool.submit(_prepare_chunk, c, opts)))
        if len(window) > workers * 2:
            c0, fut = window.popleft()
            yield c0, fut.result()
    while window:
        c0, fut = window.popleft()
        yield c0, fut.result()


def ingest_many(
    store: Store,
    files: Iterable[tuple[bytes, str]],
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    max_bytes: int = uploads.MAX_BYTES_DEFAULT,
    batch_size: int = 500,
    progress: callable | None = None,
    workers: int = 1,
) -> list[IngestResult]:
    """Ingest many files; database writes go in batches of ``batch_size`` articles. Returns one
    result per file: for a few uploads (the sidebar); a large run uses `ingest_stream`.

    ``workers`` > 1 decodes and extracts in that many processes (the command line does; the
    dashboard does not). ``progress(done, total_or_None, filename)`` is called after each file."""
    return list(ingest_stream(store, files, published, outlet, url, max_bytes, batch_size, progress, workers))


def ingest_stream(
    store: Store,
    files: Iterable[tuple[bytes, str]],
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    max_bytes: int = uploads.MAX_BYTES_DEFAULT,
    batch_size: int = 500,
    progress: callable | None = None,
    workers: int = 1,
) -> Iterator[IngestResult]:
    """`ingest_many` one result at a time, in the order of `files`, each as soon as its batch is
    stored: nothing here keeps a result once it is handed on, so memory stays that of one batch
    however many files there are. The incidents are regrouped once all results were taken."""
    window: list[IngestResult | None] = []  # results of the files read since the last write
    pending: list[tuple[int, Prepared]] = []
    any_added = False

    def flush() -> Iterator[IngestResult]:
        nonlocal any_added
        if pending:
            try:
                stored = _store_prepared(store, [p for _, p in pending])
            except StoreError as err:
                stored = [_error(p.filename, err, "store") for _, p in pending]
            for (i, _), r in zip(pending, stored, strict=True):
                window[i] = r
                any_added |= r.status == "added"
            pending.clear()
        out = [r for r in window if r is not None]
        window.clear()
        yield from out

    opts = (published, outlet, url, max_bytes)
    for n, (filename, item) in enumerate(_prepared_stream(files, opts, workers), 1):
        if isinstance(item, IngestResult):
            window.append(item)
        else:
            window.append(None)
            pending.append((len(window) - 1, item))
        if len(window) >= batch_size:
            yield from flush()
        if progress:
            progress(n, None, filename)
    yield from flush()
    _regroup(store, any_added)


def reextract(store: Store, progress: callable | None = None) -> int:
    """Run the current extractor again over every stored article; reviews are kept."""
    n = 0
    for art in store.iter_articles():
        added = art.added_at.date() if art.added_at else dt.date.today()
        # a date-less article may show a page clock: it is looked for again (the header is not stored)
        pub = Published(art.published, art.published_source) if art.published else _published(None, {}, art.text, added)
        if pub.date is not None and art.published is None:
            pub = Published(None, None)  # an inferred date the article was stored without stays out
        figures = [f.with_(article_id=art.id) for f in checked_figures(art.text, pub, art.lang, added)]
        store.replace_figures(art.id, figures, extract.EXTRACTOR_VERSION)
        n += 1
        if progress:
            progress(n, None, art.filename)
    _recompute_incidents(store, full=True)
    return n


# ---- command line ------------------------------------------------------------------------------
def _iter_paths(paths: list[str]) -> list[str]:
    """The files to read, as text (a `Path` each costs ~400 bytes more: 40 MB over 100,000 files)."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(str(q) for q in sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(str(p))
    return out


class _Bar:
    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream = total, stream
        self.enabled = total > 1

    def __call__(self, done: int, _total: int | None, name: str | None) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        if done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.intake.ingest", description="Add articles to the database.")
    ap.add_argument("paths", nargs="*", help="files or folders (.txt .html .htm .docx .pdf)")
    ap.add_argument("--db", help="database file or lake (ducklake:sqlite:PATH, ducklake:postgres:CONNINFO; default: $CASUALTY_DB or data/casualties.duckdb)")
    ap.add_argument("--published", help="publication date YYYY-MM-DD for all the files")
    ap.add_argument("--outlet")
    ap.add_argument("--url")
    ap.add_argument("--max-mb", type=float, default=uploads.MAX_BYTES_DEFAULT / 1024 / 1024)
    ap.add_argument("--reextract", action="store_true", help="re-run the extractor over stored articles")
    args = ap.parse_args(argv)

    published = None
    if args.published:
        published = parse_iso(args.published)
        if published is None:
            print(f"--published must be a date like 2017-08-22, not {args.published!r}.", file=sys.stderr)
            return 2
    if not args.paths and not args.reextract:
        ap.print_usage(sys.stderr)
        print("Give at least one file or folder, or --reextract.", file=sys.stderr)
        return 2
    try:
        store = Store.open(args.db)
    except StoreError as err:
        print(err, file=sys.stderr)
        return 1

    if args.reextract:
        n = reextract(store)
        print(f"Re-extracted {_count(n, 'article', 'articles')} with extractor {extract.EXTRACTOR_VERSION}; reviews kept.")
        return 0

    paths = _iter_paths(args.paths)
    bar = _Bar(len(paths))
    max_bytes = int(args.max_mb * 1024 * 1024)

    def files() -> Iterable[tuple[bytes, str]]:
        for p in map(Path, paths):
            try:
                yield p.read_bytes(), p.name
            except OSError as err:
                yield b"", f"{p.name} (unreadable: {err.strerror})"

    workers = min(2, os.cpu_count() or 1) if len(paths) > 50 else 1
    status: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    shown: list[str] = []  # the failures (every message when there are only a few files)
    figures = 0
    for r in ingest_stream(store, files(), published, args.outlet, args.url, max_bytes, progress=bar, workers=workers):
        status[r.status] += 1
        figures += len(r.figures)
        if r.status == "error":
            reasons[r.reason] += 1
        if r.status == "error" or len(paths) <= 20:
            shown.append(r.message)
    for message in shown:
        print(message)
    print(
        f"Summary: {status['added']} added ({_count(figures, 'figure', 'figures')}), {status['duplicate']} already in the "
        f"database, {status['error']} refused"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) + ")" if reasons else "")
        + f". Database: {store.path}"
    )
    return 1 if status["error"] and not (status["added"] or status["duplicate"]) else 0


def _count(n: int, one: str, other: str) -> str:
    """"1 article", "2 articles": English's CLDR plural rule (Babel), for the command line."""
    return f"{n} {one if babel.Locale('en').plural_form(n) == 'one' else other}"


if __name__ == "__main__":
    raise SystemExit(main())
