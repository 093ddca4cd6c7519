"""Calibrated confidence: of the figures given 0.9, about 90 % are right.

A rule's own confidence (``Cand.confidence``: 0.9 for a number beside its victim noun, 0.6 for a
total with no noun...) is a guess. ``data/calibration.json`` holds, per rule (``rule_id``) and per
kind the figure was given (incident, toll, superseded), the share of its figures that were right on
the gold corpus it was measured on (matched to a gold figure, with the right kind), smoothed towards
the rule's share and the rule's share towards the share of all figures, so that a rule seen a few
times does not get 0 or 1. `calibrated` looks a figure's confidence up there: the (rule, kind) entry,
else the rule's, else the rule's own guess (a rule added since the file was written).

The file is data written by a command, never by hand::

    python -m core.evaluation.evaluate ../shared/corpus/dev --calibrate

Run it again whenever the extractor's rules change (``tests/core/evaluation/test_dev_corpus.py``
fails when a rule that fires on the corpus has no entry, or when the calibration error on dev is
above its goal). The same file holds the review queue's "needs a look" threshold
(`review_threshold`), chosen from the reliability table when the file is written.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CALIBRATION_FILE = Path(__file__).resolve().parents[2] / "data" / "calibration.json"
DEFAULT_REVIEW_THRESHOLD = 0.7


class CalibrationError(ValueError):
    """``data/calibration.json`` is malformed."""


@cache
def table() -> dict[str, Any]:
    """The calibration file (``{}`` when there is none: every figure keeps its rule's guess)."""
    if not CALIBRATION_FILE.exists():
        return {}
    try:
        data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CalibrationError(f"{CALIBRATION_FILE}: not valid JSON: {err}") from err
    rules = data.get("rules")
    if not isinstance(rules, dict) or not all(
        isinstance(e, dict) and isinstance(e.get("confidence"), int | float) for e in rules.values()
    ):
        raise CalibrationError(f"{CALIBRATION_FILE}: 'rules' must map each rule_id to an entry with a 'confidence'")
    return data


def clear_caches() -> None:
    table.cache_clear()


def calibrated(rule_id: str, kind: str, default: float) -> float:
    """The calibrated confidence of a figure found by `rule_id` and given `kind`; `default` (the
    rule's own guess) when the calibration does not know the rule."""
    entry = (table().get("rules") or {}).get(rule_id)
    if entry is None:
        return default
    by_kind = (entry.get("kinds") or {}).get(kind)
    value = by_kind["confidence"] if by_kind and "confidence" in by_kind else entry["confidence"]
    return round(float(value), 2)


def review_threshold() -> float:
    """Below this calibrated confidence a figure "needs a look" on the review page (see the file)."""
    value = table().get("review_threshold")
    return float(value) if isinstance(value, int | float) else DEFAULT_REVIEW_THRESHOLD


def known_rules() -> set[str]:
    return set(table().get("rules") or {})
