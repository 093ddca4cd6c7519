"""The gold corpus: articles with hand-made figures (``articles/*.txt`` + ``gold.jsonl``), read and
checked line by line. Format and scoring: ``shared/corpus/README.md``."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.extraction.figure import GROUPS, KINDS, STATUSES
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


