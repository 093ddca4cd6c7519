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
import fnmatch
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.extraction import confidence as confidence_mod
from core.extraction import extract as extract_mod
from core.extraction import places
from core.extraction.figure import GROUPS, KINDS, STATUSES, Figure
from core.intake import uploads

GOLD_FIELDS = (
    "article", "id", "quote", "number_text", "min", "best", "max", "vague", "status", "group", "side",
    "kind", "part_of", "same_as", "date", "date_from", "place", "perpetrator", "source",
)
PREDICTION_EXTRA_FIELDS = ("start", "end", "rule_id", "confidence")
SCORE_KEYS = (
    "precision", "recall", "f1", "kind_accuracy", "group_accuracy", "date_accuracy", "place_accuracy",
    "perpetrator_accuracy", "countable_total_exact", "negative_figures", "articles", "gold_figures",
    "predicted_figures", "calibration_error",
)
COMPATIBLE_GROUPS = frozenset({"civilians", "people"})
PASSES = ("quote", "group", "compatible")

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

Extractor = Callable[..., list[Any]]


class EvaluationError(ValueError):
    """A gold corpus or a predictions file is missing, malformed or inconsistent."""


# ---- the corpus --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Article:
    """One article of a gold corpus: its gold metadata, header, body and gold figures."""

    name: str
    body: str
    header: dict[str, str]
    published: str | None
    lang: str
    meta: dict[str, Any]
    gold: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Corpus:
    path: Path
    articles: dict[str, Article]  # in gold.jsonl order

    @property
    def gold_count(self) -> int:
        return sum(len(a.gold) for a in self.articles.values())


def _split_header(text: str) -> tuple[dict[str, str], str, int]:
    meta, body, offset = uploads.split_header(text)
    return dict(meta), body, offset


def _occurrences(body: str, quote: str) -> list[tuple[int, int]]:
    out = []
    i = body.find(quote)
    while i >= 0 and quote:
        out.append((i, i + len(quote)))
        i = body.find(quote, i + 1)
    return out


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_gold_line(line: dict[str, Any]) -> list[str]:
    """Problems of one gold figure line taken alone (references are checked per article)."""
    problems = [f"missing field '{k}'" for k in GOLD_FIELDS if k not in line]
    if problems:
        return problems
    for k in ("min", "best", "max"):
        if line[k] is not None and not _is_int(line[k]):
            problems.append(f"'{k}' must be an integer or null, got {line[k]!r}")
    if not isinstance(line["vague"], bool):
        problems.append(f"'vague' must be true or false, got {line['vague']!r}")
    elif not line["vague"] and line["best"] is None:
        problems.append("'best' is null but the figure is not vague")
    for k, allowed in (("status", STATUSES), ("group", GROUPS), ("kind", KINDS)):
        if line[k] not in allowed:
            problems.append(f"'{k}' is {line[k]!r}, expected one of {', '.join(allowed)}")
    for k in ("date", "date_from"):
        if line[k] is not None and not (isinstance(line[k], str) and _DATE_RE.match(line[k])):
            problems.append(f"'{k}' is {line[k]!r}, expected YYYY-MM-DD, YYYY-MM, YYYY or null")
    for k in ("quote", "number_text", "id"):
        if not isinstance(line[k], str) or not line[k]:
            problems.append(f"'{k}' must be a non-empty string")
    return problems


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.exists():
        raise EvaluationError(f"{path}: file not found")
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as err:
            raise EvaluationError(f"{path}:{n}: not valid JSON: {err}") from err
        if not isinstance(obj, dict) or not isinstance(obj.get("article"), str):
            raise EvaluationError(f"{path}:{n}: expected an object with an 'article' name")
        out.append((n, obj))
    return out


def load_corpus(corpus_dir: str | Path, select: Sequence[str] | None = None) -> Corpus:
    """Read ``articles/*.txt`` and ``gold.jsonl``; raise `EvaluationError` listing every problem.

    ``select``: glob patterns over article file names (``["2??.txt"]``); only matching articles are
    kept (the whole corpus is still checked). A selection that matches nothing is an error.

    Checked: every gold line has every field with a valid value, its quote is a substring of its
    article's body, ``part_of``/``same_as`` name another figure of the same article, ids are unique
    per article, and metadata lines and article files correspond one to one.
    """
    root = Path(corpus_dir)
    gold_path = root / "gold.jsonl"
    art_dir = root / "articles"
    if not art_dir.is_dir():
        raise EvaluationError(f"{art_dir}: articles directory not found")
    lines = _read_jsonl(gold_path)
    problems: list[str] = []
    metas: dict[str, dict[str, Any]] = {}
    figure_lines: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for n, obj in lines:
        name = obj["article"]
        if "id" in obj:
            figure_lines.setdefault(name, []).append((n, obj))
        elif name in metas:
            problems.append(f"line {n}: {name}: second metadata line")
        else:
            metas[name] = obj
    files = {p.name for p in art_dir.glob("*.txt")}
    for name in sorted(set(figure_lines) - set(metas)):
        problems.append(f"{name}: gold figures but no metadata line")
    for name in sorted(set(metas) - files):
        problems.append(f"{name}: metadata line but no file in {art_dir}")
    for name in sorted(files - set(metas)):
        problems.append(f"{name}: article file without a metadata line in gold.jsonl")
    articles: dict[str, Article] = {}
    for name, meta in metas.items():
        if name not in files:
            continue
        published = meta.get("published")
        if published is not None:
            try:
                dt.date.fromisoformat(published)
            except (TypeError, ValueError):
                problems.append(f"{name}: metadata 'published' is {published!r}, expected YYYY-MM-DD or null")
                published = None
        text = (art_dir / name).read_text(encoding="utf-8")
        header, body, _ = _split_header(text)
        gold: list[dict[str, Any]] = []
        ids: set[str] = set()
        for n, line in figure_lines.get(name, []):
            where = f"line {n}: {name} {line.get('id')}"
            bad = _check_gold_line(line)
            if not bad and line["quote"] not in body:
                bad.append("quote is not a substring of the article body")
            if not bad and line["id"] in ids:
                bad.append("duplicate id")
            problems += [f"{where}: {p}" for p in bad]
            if not bad:
                ids.add(line["id"])
                gold.append(dict(line))
        for line in gold:
            for k in ("part_of", "same_as"):
                ref = line[k]
                if ref is not None and (ref not in ids or ref == line["id"]):
                    problems.append(f"{name} {line['id']}: {k} '{ref}' is not another figure of this article")
        articles[name] = Article(
            name=name, body=body, header=header, published=published, lang=meta.get("lang") or "ar",
            meta=dict(meta), gold=tuple(gold),
        )
    if problems:
        raise EvaluationError(f"{gold_path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    if select:
        articles = {n: a for n, a in articles.items() if any(fnmatch.fnmatchcase(n, pat) for pat in select)}
        if not articles:
            raise EvaluationError(f"{art_dir}: no article file matches {' '.join(select)}")
    return Corpus(path=root, articles=articles)


# ---- comparing values --------------------------------------------------------------------------
def groups_compatible(pred: str | None, gold: str | None) -> bool:
    """Same group, or civilians vs people (annotators disagree on an unqualified «شخصا»)."""
    return pred == gold or {pred, gold} == COMPATIBLE_GROUPS


def value_matches(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """Predicted best equals gold best; for vague gold, a vague prediction or a best in range."""
    pb = pred.get("best")
    if gold.get("best") is not None and pb == gold["best"] and _is_int(pb):
        return True
    if not gold.get("vague"):
        return False
    if pred.get("vague"):
        return True
    lo, hi = gold.get("min"), gold.get("max")
    if pb is None or (lo is None and hi is None):
        return False
    return (lo is None or pb >= lo) and (hi is None or pb <= hi)


def date_matches(pred: str | None, gold: str) -> bool:
    """Gold ``2017-08`` or ``2017`` accepts any predicted date inside it; else equality."""
    if pred is None:
        return False
    return pred == gold or (len(gold) < 10 and pred.startswith(gold + "-"))


def same_place(pred: str | None, gold: str) -> bool:
    """Whether a predicted place names the gold place: `core.extraction.places.same_place_text`, which ignores
    prefixes such as حي/مدينة and glued ال/و/ب/ل as the corpus README asks."""
    return pred is not None and bool(places.same_place_text(pred, gold))


def _countable(fig: Mapping[str, Any]) -> bool:
    return (
        fig.get("status") == "killed"
        and fig.get("kind", "incident") == "incident"
        and fig.get("part_of") is None
        and fig.get("same_as") is None
    )


def countable_total(figures: Iterable[Mapping[str, Any]]) -> int:
    """What a trend chart adds up for one article (see `Figure.countable`)."""
    return sum(f.get("best") or 0 for f in figures if _countable(f))


# ---- scoring -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pair:
    gold: dict[str, Any]
    pred: dict[str, Any]
    matched_by: str  # one of PASSES


@dataclass
class ArticleResult:
    """Everything `--show-errors` prints for one article."""

    article: str
    gold: list[dict[str, Any]]
    predicted: list[dict[str, Any]]
    pairs: list[Pair]
    misses: list[dict[str, Any]]
    false_figures: list[dict[str, Any]]
    mismatches: list[tuple[str, str, str, Any, Any]]  # gold id, predicted id, field, predicted, gold
    gold_total: int
    predicted_total: int

    @property
    def total_ok(self) -> bool:
        return self.gold_total == self.predicted_total

    @property
    def has_errors(self) -> bool:
        return bool(self.misses or self.false_figures or self.mismatches or not self.total_ok)


@dataclass
class Scores:
    precision: float | None
    recall: float | None
    f1: float | None
    kind_accuracy: float | None
    group_accuracy: float | None
    date_accuracy: float | None
    place_accuracy: float | None
    perpetrator_accuracy: float | None
    countable_total_exact: float | None
    negative_figures: int
    articles: int
    gold_figures: int
    predicted_figures: int
    matched: int = 0
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # score -> (correct, denominator)
    details: list[ArticleResult] = field(default_factory=list)
    seconds: float | None = None  # extraction time, when the extractor was run
    calibration_error: float | None = None  # expected calibration error (`calibration_error`)
    reliability: list[Bucket] = field(default_factory=list)  # confidence bucket -> share correct

    def to_json_dict(self) -> dict[str, Any]:
        """The command's ``--json`` object: exactly `SCORE_KEYS`, floats rounded to 4 places."""
        out: dict[str, Any] = {}
        for k in SCORE_KEYS:
            v = getattr(self, k)
            out[k] = round(v, 4) if isinstance(v, float) else v
        return out


def _as_dict(fig: Any) -> dict[str, Any]:
    if isinstance(fig, Figure):
        return fig.to_dict()
    if isinstance(fig, Mapping):
        return dict(fig)
    raise EvaluationError(f"a prediction must be a Figure or a dict, got {type(fig).__name__}")


def _distance(pred: Mapping[str, Any], occ: list[tuple[int, int]]) -> float:
    s, e = pred.get("start"), pred.get("end")
    if not (_is_int(s) and _is_int(e)) or not occ:
        return float("inf")
    return min(0 if (a <= s and e <= b) else min(abs(s - a), abs(s - b)) for a, b in occ)


def _inside(pred: Mapping[str, Any], occ: list[tuple[int, int]]) -> bool:
    s, e = pred.get("start"), pred.get("end")
    return _is_int(s) and _is_int(e) and any(a <= s and e <= b for a, b in occ)


def match_figures(
    body: str, gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[Pair]:
    """One-to-one greedy matching in the README's three passes (see the module docstring)."""
    occ = [_occurrences(body, g["quote"]) for g in gold]
    gold_free = [True] * len(gold)
    pred_free = [True] * len(predicted)
    pairs: list[tuple[int, int, str]] = []
    for name in PASSES:
        for gi, g in enumerate(gold):
            if not gold_free[gi]:
                continue
            best: tuple[float, int] | None = None
            for pi, p in enumerate(predicted):
                if not pred_free[pi] or p.get("status") != g["status"] or not value_matches(p, g):
                    continue
                if name == "compatible":
                    ok = groups_compatible(p.get("group"), g["group"])
                else:
                    ok = p.get("group") == g["group"] and (name == "group" or _inside(p, occ[gi]))
                if ok:
                    key = (_distance(p, occ[gi]), pi)
                    if best is None or key < best:
                        best = key
            if best is not None:
                gold_free[gi] = False
                pred_free[best[1]] = False
                pairs.append((gi, best[1], name))
    pairs.sort()
    return [Pair(gold[gi], predicted[pi], how) for gi, pi, how in pairs]


_ATTRS = ("kind", "group", "perpetrator", "date", "place")


def _attribute_checks(pair: Pair) -> dict[str, bool]:
    """Which attribute scores this pair counts in, and whether it is right for each."""
    g, p = pair.gold, pair.pred
    out = {
        "kind": p.get("kind") == g["kind"],
        "group": p.get("group") == g["group"],
        "perpetrator": p.get("perpetrator") == g["perpetrator"],
    }
    if g["date"] is not None:
        out["date"] = date_matches(p.get("date"), g["date"])
    if g["place"] is not None:
        out["place"] = same_place(p.get("place"), g["place"])
    return out


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score(corpus: Corpus, predictions: Mapping[str, Iterable[Any]]) -> Scores:
    """Score predicted figures (Figure objects or Figure-like dicts, by article name) against gold.

    Articles missing from ``predictions`` have no predicted figure; an article name that is not
    in the corpus is an error.
    """
    unknown = sorted(set(predictions) - set(corpus.articles))
    if unknown:
        raise EvaluationError(f"predictions for article(s) not in {corpus.path}: {', '.join(unknown)}")
    details: list[ArticleResult] = []
    right = dict.fromkeys(_ATTRS, 0)
    seen = dict.fromkeys(_ATTRS, 0)
    matched = n_pred = negatives = totals_ok = 0
    for name, art in corpus.articles.items():
        gold = list(art.gold)
        pred = [_as_dict(f) for f in predictions.get(name, ())]
        pairs = match_figures(art.body, gold, pred)
        mismatches = []
        for pair in pairs:
            for attr, ok in _attribute_checks(pair).items():
                seen[attr] += 1
                right[attr] += ok
                if not ok:
                    mismatches.append((pair.gold["id"], str(pair.pred.get("id")), attr, pair.pred.get(attr), pair.gold[attr]))
        got_g = {id(p.gold) for p in pairs}
        got_p = {id(p.pred) for p in pairs}
        result = ArticleResult(
            article=name, gold=gold, predicted=pred, pairs=pairs,
            misses=[g for g in gold if id(g) not in got_g],
            false_figures=[p for p in pred if id(p) not in got_p],
            mismatches=mismatches, gold_total=countable_total(gold), predicted_total=countable_total(pred),
        )
        details.append(result)
        matched += len(pairs)
        n_pred += len(pred)
        if not gold:
            negatives += len(pred)
        totals_ok += result.total_ok
    n_gold = corpus.gold_count
    n_art = len(corpus.articles)
    counts = {f"{a}_accuracy": (right[a], seen[a]) for a in _ATTRS}
    counts.update(
        precision=(matched, n_pred),
        recall=(matched, n_gold),
        f1=(2 * matched, n_gold + n_pred),
        countable_total_exact=(totals_ok, n_art),
    )
    buckets = reliability(outcomes(details))
    return Scores(
        calibration_error=calibration_error(buckets),
        reliability=buckets,
        precision=_ratio(matched, n_pred),
        recall=_ratio(matched, n_gold),
        f1=_ratio(2 * matched, n_gold + n_pred),
        kind_accuracy=_ratio(right["kind"], seen["kind"]),
        group_accuracy=_ratio(right["group"], seen["group"]),
        date_accuracy=_ratio(right["date"], seen["date"]),
        place_accuracy=_ratio(right["place"], seen["place"]),
        perpetrator_accuracy=_ratio(right["perpetrator"], seen["perpetrator"]),
        countable_total_exact=_ratio(totals_ok, n_art),
        negative_figures=negatives,
        articles=n_art,
        gold_figures=n_gold,
        predicted_figures=n_pred,
        matched=matched,
        counts=counts,
        details=details,
    )


# ---- calibration --------------------------------------------------------------------------------
BUCKETS = 10
PRIOR_STRENGTH = 4.0  # pseudo-figures pulling a rule's share towards the overall share (and a kind's to its rule's)
REVIEW_SHARE = 0.8  # the review threshold: below it, buckets are right less often than this (wrong one time in five)
CALIBRATION_FILE = confidence_mod.CALIBRATION_FILE


@dataclass(frozen=True)
class Bucket:
    """Predictions whose confidence lies in [low, high) (the last bucket includes 1.0)."""

    low: float
    high: float
    figures: int
    correct: int
    mean_confidence: float | None

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.figures if self.figures else None


def outcomes(details: Iterable[ArticleResult]) -> list[tuple[dict[str, Any], bool]]:
    """Every predicted figure with whether it is correct: matched to a gold figure, with its kind."""
    out = []
    for r in details:
        right = {id(p.pred) for p in r.pairs if p.pred.get("kind") == p.gold["kind"]}
        out.extend((p, id(p) in right) for p in r.predicted)
    return out


def _confidence(pred: Mapping[str, Any]) -> float:
    try:
        return min(1.0, max(0.0, float(pred.get("confidence"))))
    except (TypeError, ValueError):
        return 0.0


def reliability(results: Sequence[tuple[Mapping[str, Any], bool]], bins: int = BUCKETS) -> list[Bucket]:
    """The reliability table: per confidence bucket, how many predictions and how many correct."""
    figs: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for pred, ok in results:
        c = _confidence(pred)
        figs[min(int(c * bins + 1e-9), bins - 1)].append((c, ok))
    return [
        Bucket(i / bins, (i + 1) / bins, len(b), sum(ok for _, ok in b),
               sum(c for c, _ in b) / len(b) if b else None)
        for i, b in enumerate(figs)
    ]


def calibration_error(buckets: Sequence[Bucket]) -> float | None:
    """Expected calibration error: bucket gaps |share correct − mean confidence|, weighted by size."""
    n = sum(b.figures for b in buckets)
    if not n:
        return None
    return sum(b.figures * abs(b.share_correct - b.mean_confidence) for b in buckets if b.figures) / n


def _smoothed(correct: int, n: int, prior: float, strength: float = PRIOR_STRENGTH) -> float:
    return (correct + strength * prior) / (n + strength)


def review_threshold(results: Sequence[tuple[Mapping[str, Any], bool]], share: float = REVIEW_SHARE,
                     bins: int = BUCKETS) -> float:
    """The lowest bucket boundary from which every (non-empty) bucket up is right at least `share`
    of the time: figures below it are wrong more than one time in ``1 / (1 - share)``."""
    buckets = reliability(results, bins)
    threshold = 1.0
    for b in reversed(buckets):
        if not b.figures:
            continue
        if b.share_correct < share:
            break
        threshold = b.low
    return round(threshold, 2)


def calibration_table(results: Sequence[tuple[Mapping[str, Any], bool]], corpus: str = "",
                      strength: float = PRIOR_STRENGTH) -> dict[str, Any]:
    """``data/calibration.json`` from predictions and their outcomes: per rule_id (and per kind
    within a rule) the share correct, smoothed with `strength` pseudo-figures towards the rule's
    share (a kind) or the overall share (a rule); the review threshold computed on the calibrated
    confidences (`review_threshold`)."""
    total = len(results)
    overall = sum(ok for _, ok in results) / total if total else 0.0
    by_rule: dict[str, list[tuple[str, bool]]] = {}
    for pred, ok in results:
        by_rule.setdefault(str(pred.get("rule_id") or ""), []).append((str(pred.get("kind") or ""), ok))
    rules: dict[str, Any] = {}
    for rule, items in sorted(by_rule.items()):
        n, k = len(items), sum(ok for _, ok in items)
        conf = _smoothed(k, n, overall, strength)
        kinds = {}
        for kind in sorted({kd for kd, _ in items}):
            sub = [ok for kd, ok in items if kd == kind]
            kinds[kind] = {"figures": len(sub), "correct": sum(sub),
                           "confidence": round(_smoothed(sum(sub), len(sub), conf, strength), 4)}
        rules[rule] = {"figures": n, "correct": k, "confidence": round(conf, 4), "kinds": kinds}

    def calibrated(pred: Mapping[str, Any]) -> float:
        entry = rules[str(pred.get("rule_id") or "")]
        return entry["kinds"].get(str(pred.get("kind") or ""), entry)["confidence"]

    recalibrated = [(dict(p, confidence=calibrated(p)), ok) for p, ok in results]
    return {
        "_doc": ("Calibrated confidence per rule_id and kind, written by `python -m core.evaluation.evaluate "
                 "CORPUS --calibrate` (never by hand; see core/extraction/confidence.py). figures/correct: "
                 "predictions of the rule (of that kind) on the corpus and how many were right (matched to a gold "
                 f"figure, with the right kind); confidence: that share smoothed with {strength:g} pseudo-figures "
                 "towards the rule's share (a kind) or the overall share (a rule). review_threshold: below it a "
                 "figure needs a look on the review page; it is the lowest confidence bucket boundary from which "
                 f"every bucket of the calibrated reliability table is right at least {REVIEW_SHARE:.0%} of the time."),
        "corpus": corpus,
        "extractor_version": extract_mod.version(),
        "figures": total,
        "overall_share_correct": round(overall, 4),
        "prior_strength": strength,
        "review_threshold": review_threshold(recalibrated),
        "calibration_error": round(calibration_error(reliability(recalibrated)) or 0.0, 4),
        "rules": rules,
    }


def write_calibration(table: Mapping[str, Any], path: str | Path = CALIBRATION_FILE) -> None:
    Path(path).write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def format_reliability(scores: Scores) -> str:
    """The reliability table and the expected calibration error, one bucket per line."""
    lines = [f"{'confidence':<12}{'figures':>8}{'correct':>9}{'mean conf.':>12}{'share correct':>15}"]
    for b in scores.reliability:
        if not b.figures:
            continue
        lines.append(f"{f'{b.low:.1f}-{b.high:.1f}':<12}{b.figures:>8}{b.correct:>9}"
                     f"{b.mean_confidence:>12.3f}{b.share_correct:>15.3f}")
    lines.append(f"expected calibration error  {_fmt(scores.calibration_error)}"
                 "  (correct = matched to a gold figure, with its kind)")
    return "\n".join(lines)


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
def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


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
