"""The extracted casualty figure: one claim, with the words it came from.

A `Figure` is a small frozen value. Every field the journalist sees has its evidence next to it:
the number as written (`number_text`) and its character span in the text *as uploaded*
(`start`, `end`), the sentence it sits in, and for group, perpetrator, source, date and place the
surface text and span that decided the value (``*_text`` / ``*_span``).

Field values mirror the gold schema of ``shared/corpus/README.md`` so that predictions and gold
can be compared field by field:

- ``status``: ``killed`` | ``injured`` | ``killed_or_injured``
- ``group``: ``civilians`` | ``children`` | ``women`` | ``fighters`` | ``people``
- ``side`` (fighters only): ``is``, ``sdf``, ``regime``, ``opposition``, ``turkey``, ... or None
- ``kind``: ``incident`` | ``toll`` | ``superseded``
- ``part_of`` / ``same_as``: the ``id`` of another figure of the same article, or None
- ``date``: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` with ``date_precision`` day/month/year
- ``place``: the place as written; ``place_id`` the gazetteer id and ``place_precision``
  (district / landmark / town / city / governorate / country / region) when it is known
- ``perpetrator``: ``coalition``, ``russia``, ``regime``, ``sdf``, ``is``, ``turkey``,
  ``opposition``, ``unknown`` or None (a total mixing several named perpetrators)
- ``source``: canonical key of who reported it (``SOHR``, ``Russian MoD``, ``RBSS``...) or None

`to_dict()` and `from_dict()` round-trip without options; DuckDB rows and JSON use the same dict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

STATUSES = ("killed", "injured", "killed_or_injured")
GROUPS = ("civilians", "children", "women", "fighters", "people")
KINDS = ("incident", "toll", "superseded")
DATE_PRECISIONS = ("day", "month", "year")

Span = tuple[int, int]

_SPAN_FIELDS = ("group_span", "perpetrator_span", "source_span", "date_span", "place_span")


@dataclass(frozen=True)
class Figure:
    """One casualty figure extracted from one article."""

    id: str
    start: int
    end: int
    number_text: str
    sentence: str
    sentence_start: int
    min: int | None
    best: int | None
    max: int | None
    status: str
    group: str
    kind: str = "incident"
    vague: bool = False
    qualifier: str | None = None
    side: str | None = None
    part_of: str | None = None
    same_as: str | None = None
    perpetrator: str | None = None
    source: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_from: str | None = None
    place: str | None = None
    place_id: str | None = None
    place_precision: str | None = None
    group_text: str | None = None
    group_span: Span | None = None
    perpetrator_text: str | None = None
    perpetrator_span: Span | None = None
    source_text: str | None = None
    source_span: Span | None = None
    date_text: str | None = None
    date_span: Span | None = None
    place_span: Span | None = None
    confidence: float = 0.5
    rule_id: str = ""
    extractor_version: str = ""
    lang: str = "ar"
    article_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in _SPAN_FIELDS:
            if d[name] is not None:
                d[name] = [int(d[name][0]), int(d[name][1])]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"Figure.from_dict: unknown field(s) {', '.join(unknown)}")
        kw = dict(d)
        for name in _SPAN_FIELDS:
            v = kw.get(name)
            if v is not None:
                kw[name] = (int(v[0]), int(v[1]))
        if kw.get("extra") is None:
            kw["extra"] = {}
        return cls(**kw)

    def with_(self, **changes: Any) -> Figure:
        """A copy with some fields changed (figures are immutable)."""
        return replace(self, **changes)

    @property
    def countable(self) -> bool:
        """True when a trend chart adds this figure up: a killed incident that is not a repeat
        (`same_as`) nor a breakdown (`part_of`) of another figure."""
        return (
            self.status == "killed"
            and self.kind == "incident"
            and self.part_of is None
            and self.same_as is None
        )


def figure_field_names() -> list[str]:
    return [f.name for f in fields(Figure)]
