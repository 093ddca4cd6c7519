"""How far a figure's confidence can be trusted: the reliability table, the expected calibration
error and the per-rule calibration written to ``data/calibration.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.evaluation.scoring import (
    BUCKETS,
    Scores,
    _fmt,
    calibration_error,
    reliability,
)
from core.extraction import confidence as confidence_mod
from core.extraction import extract as extract_mod

# ---- calibration --------------------------------------------------------------------------------
PRIOR_STRENGTH = 4.0  # pseudo-figures pulling a rule's share towards the overall share (and a kind's to its rule's)
REVIEW_SHARE = 0.8  # the review threshold: below it, buckets are right less often than this (wrong one time in five)
CALIBRATION_FILE = confidence_mod.CALIBRATION_FILE


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


