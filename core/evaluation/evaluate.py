"""Scoring the extractor against a gold corpus (the evaluation command).

A gold corpus is the directory layout of ``shared/corpus/README.md``:
``CORPUS_DIR/articles/NAME.txt`` (a ``key: value`` header, one blank line, the text exactly as
stored) and ``CORPUS_DIR/gold.jsonl`` (one metadata line per article, then one line per gold
figure). The scores are the README's, computed exactly as it defines them:

- **Figure precision / recall / F1.** A predicted figure matches a gold figure of the same
  article when the status agrees, the best value equals gold ``best`` (for vague gold: the
  prediction is marked vague, or its best lies in the gold ``[min, max]`` range where one is
  given) and the group is the same or compatible (``civilians`` ~ ``people``). Matching is
  one-to-one and greedy, in three passes: (1) same group and the predicted number's span inside
  one occurrence of the gold quote in the body; (2) same group; (3) compatible group. Within a
  pass, gold figures are taken in file order and each takes the unmatched prediction nearest to
  its quote (ties: text order). F1 is ``2 * matched / (gold + predicted)``.
- **Attribute accuracy on matched pairs:** ``kind``, ``group`` (strict), ``perpetrator`` (None
  equals None); ``date`` over pairs whose gold date is set (gold ``YYYY-MM`` or ``YYYY`` accepts
  any predicted date inside it, otherwise the dates must be equal); ``place`` over pairs whose
  gold place is set, compared by `same_place` (``core.extraction.places.same_place_text``).
- **Countable total exact:** per article, the sum of ``best`` over killed figures of kind
  ``incident`` that are neither ``part_of`` nor ``same_as`` another (`Figure.countable`); the
  share of articles (every article with a metadata line, figures or not) whose predicted sum
  equals the gold sum.
- **Negatives:** the number of figures predicted on articles with no gold figure.
- **Calibration.** A predicted figure is *correct* when it is matched to a gold figure and has
  its kind. The reliability table puts the predictions in ten confidence buckets ([0, 0.1) …
  [0.9, 1.0]) and gives each bucket's mean confidence and share correct; the expected calibration
  error (ECE) is the mean over all predictions of |share correct − mean confidence| of their
  bucket (bucket gaps weighted by their size). ``--calibrate`` writes ``data/calibration.json``
  from the same outcomes (`calibration_table`; read by `core.extraction.confidence`).

Accuracies and shares are None when their denominator is 0 (precision with no prediction, recall
with no gold figure too).

The dev set (``shared/corpus/dev``) is for tuning rules; ``shared/corpus/ood`` (no casualty
figures at all) and any later held-out set are only measured.

Command line::

    python -m core.evaluation.evaluate CORPUS_DIR [--json] [--show-errors] [--predictions FILE]
    python -m core.evaluation.evaluate CORPUS_DIR --calibrate [FILE]    # writes data/calibration.json
    python -m core.evaluation.evaluate --draft ARTICLE_FILE [--published YYYY-MM-DD]

``--predictions`` writes every predicted figure as JSON Lines in the gold schema (``quote`` is the
figure's sentence; ``start``/``end``/``rule_id``/``confidence`` added); `score_files` scores such
a file again without running the extractor. ``--draft`` prints gold lines drafted by the current
extractor for a person to correct (`draft_gold`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from core.evaluation.calibration import (
    CALIBRATION_FILE,
    calibration_table,
    format_reliability,
    review_threshold,
    write_calibration,
)
from core.evaluation.gold import (
    GOLD_FIELDS,
    PREDICTION_EXTRA_FIELDS,
    SCORE_KEYS,
    Article,
    Corpus,
    EvaluationError,
    Extractor,
    _read_jsonl,
    _split_header,
    load_corpus,
)
from core.evaluation.scoring import (
    ArticleResult,
    Bucket,
    Pair,
    Scores,
    _as_dict,
    _fmt,
    calibration_error,
    countable_total,
    date_matches,
    groups_compatible,
    match_figures,
    outcomes,
    reliability,
    same_place,
    score,
    value_matches,
)
from core.extraction import extract as extract_mod

__all__ = [  # the evaluation API, whatever module of core.evaluation defines it
    "Article",
    "ArticleResult",
    "Bucket",
    "CALIBRATION_FILE",
    "Corpus",
    "EvaluationError",
    "GOLD_FIELDS",
    "PREDICTION_EXTRA_FIELDS",
    "Pair",
    "SCORE_KEYS",
    "Scores",
    "calibration_error",
    "calibration_table",
    "countable_total",
    "date_matches",
    "draft_gold",
    "evaluate",
    "format_errors",
    "format_reliability",
    "format_table",
    "groups_compatible",
    "load_corpus",
    "main",
    "match_figures",
    "outcomes",
    "predict",
    "prediction_line",
    "read_predictions",
    "reliability",
    "review_threshold",
    "same_place",
    "score",
    "score_files",
    "value_matches",
    "write_calibration",
    "write_predictions",
]


# ---- running the extractor ---------------------------------------------------------------------
def _default_extractor() -> Extractor:
    return extract_mod.extract


def _published_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise EvaluationError(f"published date {value!r} is not YYYY-MM-DD") from err


def prediction_line(article: str, fig: Any) -> dict[str, Any]:
    """One predicted figure in the gold schema (``quote`` = its sentence) plus span and rule."""
    d = _as_dict(fig)
    line: dict[str, Any] = {"article": article}
    for k in GOLD_FIELDS[1:]:
        line[k] = d.get("sentence", d.get("quote")) if k == "quote" else d.get(k)
    line["vague"] = bool(line["vague"])
    for k in PREDICTION_EXTRA_FIELDS:
        line[k] = d.get(k)
    return line


def predict(corpus: Corpus, extractor: Extractor | None = None) -> dict[str, list[dict[str, Any]]]:
    """Run the extractor on every article body; figures as `prediction_line` dicts by article."""
    run = extractor or _default_extractor()
    out: dict[str, list[dict[str, Any]]] = {}
    for name, art in corpus.articles.items():
        try:
            figs = run(art.body, published=_published_date(art.published), lang=art.lang)
        except Exception as err:
            raise EvaluationError(f"{corpus.path / 'articles' / name}: the extractor raised {err!r}") from err
        out[name] = [prediction_line(name, f) for f in figs]
    return out


def evaluate(
    corpus_dir: str | Path,
    extractor: Extractor | None = None,
    predictions_path: str | Path | None = None,
    files: Sequence[str] | None = None,
) -> Scores:
    """Load a corpus (or the articles matching ``files``), run the extractor on it and score it;
    optionally write the predictions."""
    corpus = load_corpus(corpus_dir, files)
    t0 = time.perf_counter()
    preds = predict(corpus, extractor)
    seconds = time.perf_counter() - t0
    if predictions_path is not None:
        write_predictions(preds, predictions_path)
    scores = score(corpus, preds)
    scores.seconds = seconds
    return scores


def write_predictions(predictions: Mapping[str, Iterable[Any]], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        for name, figs in predictions.items():
            for f in figs:
                fh.write(json.dumps(prediction_line(name, f), ensure_ascii=False) + "\n")


def read_predictions(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for n, line in _read_jsonl(Path(path)):
        missing = [k for k in ("id", "best", "status", "group") if k not in line]
        if missing:
            raise EvaluationError(f"{path}:{n}: {line['article']}: missing field(s) {', '.join(missing)}")
        out.setdefault(line["article"], []).append(line)
    return out


def score_files(corpus_dir: str | Path, predictions_path: str | Path) -> Scores:
    """Score a predictions file (as written by ``--predictions``) without running the extractor."""
    return score(load_corpus(corpus_dir), read_predictions(predictions_path))


# ---- drafting gold -----------------------------------------------------------------------------
def draft_gold(
    text: str,
    published: str | dt.date | None = None,
    article: str = "ARTICLE.txt",
    lang: str | None = None,
    extractor: Extractor | None = None,
) -> list[dict[str, Any]]:
    """Gold lines drafted from the current extractor's output, for a person to correct.

    ``text`` is the article body (spans and quotes index it). Each line has every gold field;
    ``quote`` is the figure's sentence and ``note`` says which rule proposed it.
    """
    run = extractor or _default_extractor()
    lines = []
    for fig in run(text, published=_published_date(published), lang=lang):
        line = prediction_line(article, fig)
        rule = line.pop("rule_id", None)
        for k in PREDICTION_EXTRA_FIELDS:
            line.pop(k, None)
        line["note"] = f"DRAFT by rule {rule or '?'}: check every field"
        lines.append(line)
    return lines


# ---- reporting ---------------------------------------------------------------------------------
def format_table(scores: Scores) -> str:
    """All scores with their counts, one per line."""
    rows = [
        ("articles", str(scores.articles), ""),
        ("gold figures", str(scores.gold_figures), ""),
        ("predicted figures", str(scores.predicted_figures), ""),
        ("matched figures", str(scores.matched), ""),
    ]
    for k in SCORE_KEYS[:9]:
        c = scores.counts.get(k)
        rows.append((k.replace("_", " "), _fmt(getattr(scores, k)), f"({c[0]}/{c[1]})" if c else ""))
    rows.append(("negative figures", str(scores.negative_figures), "(predicted on articles with no gold figure)"))
    if scores.seconds:
        rows.append(("articles per second", f"{scores.articles / scores.seconds:.1f}", ""))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{a:<{width}}  {b:>8}  {c}".rstrip() for a, b, c in rows)


def _fig_label(f: Mapping[str, Any]) -> str:
    best = "vague" if f.get("vague") and f.get("best") is None else f.get("best")
    return f"{f.get('id')} {f.get('number_text')!s} = {best} {f.get('status')}/{f.get('group')}/{f.get('kind')}"


def format_errors(scores: Scores) -> str:
    """Per article: misses, false figures, attribute mismatches and differing countable totals."""
    out = []
    for r in scores.details:
        if not r.has_errors:
            continue
        out.append(f"== {r.article}")
        for g in r.misses:
            out.append(f"  MISS  {_fig_label(g)}\n        «{g['quote']}»")
        for p in r.false_figures:
            sentence = p.get("quote") or p.get("sentence") or ""
            out.append(f"  FALSE {_fig_label(p)} rule={p.get('rule_id')}\n        «{sentence}»")
        for gid, pid, attr, pv, gv in r.mismatches:
            out.append(f"  ATTR  gold {gid} / predicted {pid}: {attr}: predicted {pv!r} vs gold {gv!r}")
        if not r.total_ok:
            out.append(f"  TOTAL countable predicted {r.predicted_total} vs gold {r.gold_total}")
    return "\n".join(out) if out else "no errors"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.evaluation.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus_dir", nargs="?", help="directory with articles/ and gold.jsonl")
    ap.add_argument("--json", action="store_true", help="print one JSON object of scores")
    ap.add_argument("--show-errors", action="store_true", help="list misses, false figures and mismatches")
    ap.add_argument("--predictions", metavar="FILE", help="write predicted figures as JSON Lines")
    ap.add_argument(
        "--files", metavar="GLOB", nargs="+",
        help="score only the articles whose file name matches one of these patterns (e.g. '2??.txt')",
    )
    ap.add_argument("--draft", metavar="FILE", help="print drafted gold lines for one article file")
    ap.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for --draft")
    ap.add_argument(
        "--calibrate", metavar="FILE", nargs="?", const=str(CALIBRATION_FILE),
        help="write the calibrated confidence per rule and kind (default: data/calibration.json)",
    )
    args = ap.parse_args(argv)
    try:
        if args.draft:
            path = Path(args.draft)
            header, body, _ = _split_header(path.read_text(encoding="utf-8"))
            published = args.published or header.get("date") or None
            for line in draft_gold(body, published, article=path.name, lang=header.get("lang") or None):
                print(json.dumps(line, ensure_ascii=False))
            return 0
        if not args.corpus_dir:
            ap.error("CORPUS_DIR is required (or --draft FILE)")
        scores = evaluate(args.corpus_dir, predictions_path=args.predictions, files=args.files)
    except (EvaluationError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scores.to_json_dict(), ensure_ascii=False))
    else:
        print(format_table(scores))
        print()
        print(format_reliability(scores))
    if args.calibrate:
        table = calibration_table(outcomes(scores.details), Path(args.corpus_dir).name)
        write_calibration(table, args.calibrate)
        print(f"wrote {args.calibrate}: {len(table['rules'])} rules, calibration error on this corpus "
              f"{table['calibration_error']:.4f} once applied, review threshold {table['review_threshold']}",
              file=sys.stderr)
    if args.show_errors:
        print(format_errors(scores), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
