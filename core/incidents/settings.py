"""How sure a count is: the settings of ``data/corroboration.json`` (count tolerance, the days an
undated report may look back, the newsroom's publication rule), loaded once and validated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "data" / "corroboration.json"
STATUSES = ("corroborated", "single_source", "disputed")


class SettingsError(ValueError):
    """``data/corroboration.json`` is missing a value or has a wrong one."""


@dataclass(frozen=True)
class Settings:
    absolute: int
    ratio: float
    undated_days: int
    passes: tuple[str, ...]
    large_single_source: int = 50


@lru_cache(maxsize=1)
def get() -> Settings:
    """The settings (read once per process; `get.cache_clear()` in tests)."""
    try:
        raw = json.loads(SETTINGS_FILE.read_text(encoding="utf-8"))
        tol = raw["count_tolerance"]
        s = Settings(int(tol["absolute"]), float(tol["ratio"]),
                     int(raw["undated_days_before_publication"]["value"]),
                     tuple(raw["publication_rule"]["passes"]), int(raw["large_single_source"]["value"]))
    except (OSError, KeyError, TypeError, ValueError) as err:
        raise SettingsError(f"{SETTINGS_FILE.name}: {err}") from err
    bad = [p for p in s.passes if p not in STATUSES]
    if s.absolute < 0 or not 0 <= s.ratio < 1 or s.undated_days < 0 or bad:
        raise SettingsError(f"{SETTINGS_FILE.name}: absolute >= 0, 0 <= ratio < 1, days >= 0 and passes among "
                            f"{', '.join(STATUSES)} expected; unknown: {', '.join(bad) or 'none'}")
    return s


def counts_agree(a: int | None, b: int | None) -> bool:
    """Do two counts of one event agree within the stated tolerance (18 and 21 do)?"""
    if a is None or b is None:
        return False
    s = get()
    gap = abs(a - b)
    return gap <= s.absolute or gap <= s.ratio * max(a, b)


def lookback_days() -> int:
    """How many days apart two reports of one event can be taken up by the grouping (at least 1)."""
    return max(1, get().undated_days)
