"""Dates a page shows that are not its publication date: the site's clock widget, a copyright line.

The publication date of an upload without a ``date:`` header, page metadata or a date given by
the user is inferred from its text: the first full date near the top (`core.intake.ingest`). A
saved web page often starts with the site's furniture: today's date beside the weather and the
exchange rates, a ``© 2025`` line. Such a date is the day the page was saved or the site's
copyright year, and resolving «الأربعاء» or «أمس» against it dates a 2014 massacre in 2025. The
words that give the furniture away are data (``data/page_dates.json``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PAGE_DATES_FILE = Path(__file__).resolve().parents[2] / "data" / "page_dates.json"
CLOCK, COPYRIGHT = "published_clock", "published_copyright"  # reasons (core.incidents.plausibility)


@dataclass(frozen=True)
class PageWords:
    window: int
    copyright: tuple[str, ...]
    clock_neighbours: tuple[str, ...]


@cache
def page_words() -> PageWords:
    """``data/page_dates.json``, checked (a missing list is an error naming the file)."""
    data = json.loads(PAGE_DATES_FILE.read_text(encoding="utf-8"))
    problems = [f"'{k}': expected a list of surfaces" for k in ("copyright", "clock_neighbours")
                if not isinstance((data.get(k) or {}).get("surfaces"), list)]
    if not isinstance(data.get("window"), int):
        problems.append("'window': expected a whole number of lines")
    if problems:
        raise ValueError(f"{PAGE_DATES_FILE}: " + "; ".join(problems))
    return PageWords(
        data["window"], tuple(s.lower() for s in data["copyright"]["surfaces"]),
        tuple(s.lower() for s in data["clock_neighbours"]["surfaces"]),
    )


def _line_at(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def on_copyright_line(text: str, start: int, end: int) -> bool:
    """Is the date at ``text[start:end]`` on a copyright line (© 2025, جميع الحقوق محفوظة)?"""
    a, b = _line_at(text, start, end)
    line = text[a:b].lower()
    return any(s in line for s in page_words().copyright)


def is_clock(text: str, start: int, end: int, date: dt.date, today: dt.date, alone: bool) -> bool:
    """Is the date at ``text[start:end]`` the page's clock? It is the day the article is added, or it
    stands alone on its line (``alone``: nothing but a weekday and the date) among the weather and
    exchange rates of the site's header."""
    if date == today:
        return True
    if not alone:
        return False
    words = page_words()
    a, b = _line_at(text, start, end)
    lines_before = text[:a].split("\n")[-words.window - 1:]
    lines_after = text[b:].split("\n")[: words.window + 1]
    near = "\n".join(lines_before + lines_after).lower()
    return any(s in near for s in words.clock_neighbours)
