"""Scoring predicted figures against gold ones: one-to-one matching, attribute accuracy, countable
totals (the rules of ``shared/corpus/README.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.evaluation.gold import (
    COMPATIBLE_GROUPS,
    PASSES,
    SCORE_KEYS,
    Corpus,
    EvaluationError,
    _is_int,
    _occurrences,
)
from core.extraction import places
from core.extraction.figure import Figure


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


# ---- reliability: how often a figure of a given confidence is right ----------------------------
BUCKETS = 10


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


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
