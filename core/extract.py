"""Casualty figure extraction (work in progress: being written now)."""

from __future__ import annotations

import datetime as dt

from core.figure import Figure

EXTRACTOR_VERSION = "0.0.1"


def extract(text: str, published: dt.date | None = None, lang: str | None = None) -> list[Figure]:
    """All casualty figures in ``text`` (placeholder until the rules land)."""
    return []
