"""What one incident can plausibly reach (``data/plausibility.json``): the numbers and their reasons.

The extractor reads a count above the bound as a tally of many events (a toll); the dashboard holds
back any incident above it from its totals until a reviewer confirms it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PLAUSIBILITY_FILE = Path(__file__).resolve().parents[2] / "data" / "plausibility.json"


@cache
def _bounds() -> dict[str, dict[str, object]]:
    return json.loads(PLAUSIBILITY_FILE.read_text(encoding="utf-8"))["single_incident_max"]


def single_incident_max(status: str) -> int:
    """The largest count of one incident for a status (killed | injured | killed_or_injured)."""
    b = _bounds()
    return int((b.get(status) or b["killed"])["value"])


def single_incident_reason(status: str) -> str:
    """Why the bound is what it is, in plain words (shown with held-back figures)."""
    b = _bounds()
    return str((b.get(status) or b["killed"])["reason"])
