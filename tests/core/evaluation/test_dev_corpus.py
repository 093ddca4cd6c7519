"""The extractor scored on the shared gold corpus, against the floors in ``data/eval_thresholds.json``.

``shared/corpus/dev`` is the set the rules are tuned on; ``shared/corpus/ood`` (300 articles on
sport, economy, culture... with no casualty figure) is only measured: every figure found there is
a false one. Both are read from ``/work/shared`` next to the repository and never copied into it;
the tests are skipped, saying so, when that directory is absent.

The floors start at 0 and are ratcheted up by whoever improves the extractor. A failure prints the
whole score table, then the per-article errors, so the regression can be read off the test log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.evaluation import evaluate

REPO = Path(__file__).parents[3]
CORPUS = REPO.parent / "shared" / "corpus"
DEV = CORPUS / "dev"
OOD = CORPUS / "ood"
THRESHOLDS = REPO / "data" / "eval_thresholds.json"
FLOOR_KEYS = evaluate.SCORE_KEYS[:9]


def _thresholds() -> dict:
    return json.loads(THRESHOLDS.read_text(encoding="utf-8"))


def _corpus(path: Path) -> Path:
    if not (path / "gold.jsonl").exists():
        pytest.skip(f"gold corpus not found at {path} (it lives in /work/shared, outside the repository)")
    return path


@pytest.fixture(scope="module")
def dev_scores() -> evaluate.Scores:
    return evaluate.evaluate(_corpus(DEV))


@pytest.fixture(scope="module")
def ood_scores() -> evaluate.Scores:
    return evaluate.evaluate(_corpus(OOD))


def _report(scores: evaluate.Scores, limit: int = 6000) -> str:
    errors = evaluate.format_errors(scores)
    if len(errors) > limit:
        errors = errors[:limit] + "\n  ... (run python -m core.evaluation.evaluate CORPUS --show-errors for the rest)"
    return evaluate.format_table(scores) + "\n\n" + errors


def test_threshold_file_names_only_known_scores():
    keys = set(_thresholds()) - {"_doc"}
    assert keys == set(FLOOR_KEYS) | {"negative_figures_max"}
    assert all(isinstance(v, int | float) for k, v in _thresholds().items() if k != "_doc")


def test_dev_corpus_scores_stay_above_their_floors(dev_scores):
    floors = _thresholds()
    below = [
        f"{k}: {getattr(dev_scores, k)} < floor {floors[k]}"
        for k in FLOOR_KEYS
        if (getattr(dev_scores, k) or 0.0) < floors[k]
    ]
    assert not below, "below the floor on dev: " + "; ".join(below) + "\n\n" + _report(dev_scores)


def test_dev_corpus_is_read_completely(dev_scores):
    assert dev_scores.articles > 0 and dev_scores.gold_figures > 0, evaluate.format_table(dev_scores)


def test_out_of_domain_articles_yield_no_casualty_figures(ood_scores):
    limit = _thresholds()["negative_figures_max"]
    assert ood_scores.gold_figures == 0
    assert ood_scores.negative_figures <= limit, (
        f"{ood_scores.negative_figures} figures found in articles without casualties (max {limit})\n\n"
        + _report(ood_scores)
    )


def test_dev_predictions_file_rescores_to_the_same_scores(dev_scores, tmp_path):
    path = tmp_path / "dev_predictions.jsonl"
    direct = evaluate.evaluate(DEV, predictions_path=path)
    assert direct.to_json_dict() == dev_scores.to_json_dict()
    assert evaluate.score_files(DEV, path).to_json_dict() == direct.to_json_dict()


# ---- calibrated confidence (data/calibration.json, core.extraction.confidence) ----------------------------
CALIBRATE = "python -m core.evaluation.evaluate ../shared/corpus/dev --calibrate"
ECE_GOAL = 0.05


def test_every_rule_that_fires_on_dev_has_a_calibrated_confidence(dev_scores):
    from core.extraction import confidence

    fired = {str(p.get("rule_id")) for r in dev_scores.details for p in r.predicted}
    missing = sorted(fired - confidence.known_rules())
    assert not missing, f"rules without a calibrated confidence: {', '.join(missing)}; run {CALIBRATE}"


def test_confidence_on_dev_means_what_it_says(dev_scores):
    assert dev_scores.calibration_error is not None and dev_scores.calibration_error <= ECE_GOAL, (
        f"expected calibration error {dev_scores.calibration_error:.4f} > {ECE_GOAL}: the rules changed since "
        f"data/calibration.json was written; run {CALIBRATE}\n\n" + evaluate.format_reliability(dev_scores)
    )
