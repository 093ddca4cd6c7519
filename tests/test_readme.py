"""The README's usage example runs as written (doctest)."""

from __future__ import annotations

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_gives_the_figures_it_shows():
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_readme_gives_exactly_two_set_up_commands():
    text = README.read_text(encoding="utf-8")
    block = text.split("## Set up and run (two commands)")[1].split("```sh")[1].split("```")[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["python3 tasks.py dashboard", "python3 tasks.py test"]
