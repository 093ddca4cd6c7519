"""How sure is an incident: who counted its victims (origins), who carried the counts (relays),
and whether independent origins agree.

**Origin and relay.** A report's *origin* is the body that counted: its figure's reporting
`source` (``data/lexicon/sources.json``: SOHR, SNHR, Civil Defence, a health directorate, the
Russian Ministry of Defence, SANA, Amaq, local activists…), unless that source is marked
``"role": "relay"`` (unnamed "media sources" pass on someone's count). Its *relays* are the
outlets and wire agencies that carried it (``data/lexicon/relays.json``): those named in its
sentence («وفق ما أفاد المرصد السوري لوكالة فرانس برس»: origin SOHR, relay AFP) and the
article's own outlet (header ``outlet:``/``source:``/``url:``).

**Status** (`status_of`), over an incident's origins, each with the count of its latest report:
- ``single_source``: fewer than two named origins, however many outlets carried the count
  (five outlets quoting one SOHR statement are one origin: circular reporting);
- ``corroborated``: two or more independent origins whose counts agree within the stated
  tolerance (``data/corroboration.json``: 18 and 21 agree) and that blame the same perpetrator
  (or one does not say);
- ``disputed``: independent origins whose counts differ beyond the tolerance, or that blame
  different perpetrators.

A reviewer's decision (`VERDICTS`, stored append-only with the merge/split decisions) overrides
the computed status; the latest one about any of the incident's reports wins.

**Publication check** (`passes`): the newsroom's rule (``publication_rule`` in
``data/corroboration.json``, default: corroborated), or a reviewer marked it corroborated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from core.extraction import gazetteer, lexicon, tokens
from core.extraction.normalize import normalize
from core.incidents import settings

STATUSES = settings.STATUSES
VERDICTS = ("corroborated", "disputed", "undecided")  # undecided: the reviewer withdraws a verdict
VERSION = "1"  # part of the incidents' stored state: bump when the status rule changes


class _Report(Protocol):  # `core.incidents.grouping.Report` (not imported: grouping imports this)
    article_id: str
    figure_id: str
    best: int | None
    perpetrator: str | None
    source: str | None
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class Origin:
    """One body that counted, with the count of its latest report in the incident."""

    key: str
    best: int | None
    perpetrator: str | None
    articles: int


@dataclass(frozen=True)
class Verdict:
    """A reviewer's decision about an incident's status (the latest wins)."""

    key: tuple[str, str]  # one of the incident's reports (article_id, figure_id)
    action: str  # corroborated | disputed | undecided
    at: dt.datetime
    who: str = ""


def signature() -> str:
    """Changes when the status rule or its settings change (stored incidents are then recomputed)."""
    s = settings.get()
    roles = sorted(_relay_sources())
    raw = f"{VERSION}|{s.absolute}|{s.ratio}|{s.undated_days}|{','.join(s.passes)}|{','.join(roles)}"
    return hashlib.sha1(raw.encode()).hexdigest()[:8]


# ---- origins ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _relay_sources() -> frozenset[str]:
    """Source keys that name no counter: sources marked ``role: relay``, and the relays themselves
    (a figure whose source is "AFP" was carried by AFP; who counted is not said)."""
    return frozenset(k for k, e in lexicon.load("sources").items() if e.get("role") == "relay") | set(
        lexicon.load("relays"))


def origin_of(source: str | None) -> str | None:
    """The origin a figure's reporting source stands for; None when it names nobody who counted."""
    if not source or source in _relay_sources():
        return None
    return source


def origins(reports: Sequence[_Report]) -> list[Origin]:
    """The incident's independent origins: one per body that counted, with the count of its latest
    report (the larger one among reports of the same day), sorted by count then name."""
    by: dict[str, list[_Report]] = {}
    for r in reports:
        o = origin_of(r.source)
        if o is not None:
            by.setdefault(o, []).append(r)
    out = []
    for key, rs in by.items():
        counted = [r for r in rs if r.best is not None]
        latest = max(counted, key=lambda r: (r.published or dt.date.min, r.best)) if counted else None
        perps = {r.perpetrator for r in rs if r.perpetrator and r.perpetrator != "unknown"}
        out.append(Origin(key, latest.best if latest else None, perps.pop() if len(perps) == 1 else None,
                          len({r.article_id for r in rs})))
    return sorted(out, key=lambda o: (-(o.best or 0), o.key))


def unattributed(reports: Sequence[_Report]) -> int:
    """How many of the incident's articles carry a count without naming who counted it."""
    return len({r.article_id for r in reports if origin_of(r.source) is None})


# ---- status ---------------------------------------------------------------------------------
def computed_status(found: Sequence[Origin], reports: Sequence[_Report] = ()) -> str:
    """single_source, corroborated or disputed (module doc), before any reviewer's decision."""
    if len(found) < 2:
        return "single_source"
    counts = [o.best for o in found if o.best is not None]
    perps = {r.perpetrator for r in reports if origin_of(r.source) and r.perpetrator not in (None, "unknown")}
    perps |= {o.perpetrator for o in found if o.perpetrator}
    if len(perps) > 1:
        return "disputed"
    if len(counts) >= 2 and not settings.counts_agree(min(counts), max(counts)):
        return "disputed"
    if len(counts) < 2:
        return "single_source"  # only one origin gave a number
    return "corroborated"


def latest_verdict(keys: Iterable[tuple[str, str]], verdicts: Iterable[Verdict]) -> Verdict | None:
    """The reviewer's latest decision about any of these reports (None: none, or withdrawn)."""
    ks = set(keys)
    mine = [v for v in verdicts if v.key in ks]
    if not mine:
        return None
    last = max(mine, key=lambda v: v.at)
    return None if last.action == "undecided" else last


@dataclass(frozen=True, slots=True)
class Check:
    """An incident's corroboration: origins, the status computed and the one that holds."""

    origins: tuple[Origin, ...]
    computed: str
    verdict: str | None
    unattributed: int

    @property
    def status(self) -> str:
        return self.verdict or self.computed

    @property
    def passes(self) -> bool:
        return passes(self.status, self.verdict)

    def origins_json(self) -> str:
        return json.dumps([[o.key, o.best, o.perpetrator, o.articles] for o in self.origins], ensure_ascii=False)


def check(reports: Sequence[_Report], verdicts: Iterable[Verdict] = ()) -> Check:
    """The corroboration of an incident made of these reports."""
    found = origins(reports)
    v = latest_verdict(((r.article_id, r.figure_id) for r in reports), verdicts)
    return Check(tuple(found), computed_status(found, reports), v.action if v else None, unattributed(reports))


def passes(status: str, verdict: str | None = None, rule: Sequence[str] | None = None) -> bool:
    """Does an incident pass the publication check (`rule`: statuses that pass; default the
    setting)? A reviewer's 'corroborated' always passes, their 'disputed' never."""
    if verdict == "corroborated":
        return True
    if verdict == "disputed":
        return False
    return status in (settings.get().passes if rule is None else rule)


def origins_from_json(text: str | None) -> list[Origin]:
    """`Check.origins_json` read back (stored with the incident)."""
    return [Origin(k, b, p, n) for k, b, p, n in json.loads(text or "[]")]


# ---- relays ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _domains() -> dict[str, str]:
    return {d: k for k, e in lexicon.load("relays").items() for d in e.get("domains", [])}


_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/:?#\s]+)", re.IGNORECASE)


def relays_of(sentence: str, outlet: str | None = None, url: str | None = None, origin: str | None = None
              ) -> list[str]:
    """The relays of one figure: outlets and agencies named in its sentence, then the article's own
    outlet (a relay key when its web address or name is known, else the outlet as given); the
    origin publishing its own count (SOHR's site) is not its relay."""
    found = [m.key for m in tokens.matcher("relays").find_all(tokens.tokenize(normalize(sentence or "")))]
    own = _outlet_relay(outlet) or _outlet_relay(url)
    if own is None and outlet and not _HOST.match(outlet.strip()).group(1).count("."):
        own = outlet.strip() or None  # a plain outlet name from the header
    out: list[str] = []
    for k in [*found, *([own] if own else [])]:
        if k not in out and k != origin:
            out.append(k)
    return out


def _outlet_relay(value: str | None) -> str | None:
    if not value:
        return None
    m = _HOST.match(value.strip())
    host = m.group(1).lower() if m else ""
    domains = _domains()
    parts = host.split(".")
    for n in range(len(parts) - 1):
        if ".".join(parts[n:]) in domains:
            return domains[".".join(parts[n:])]
    hits = tokens.matcher("relays").find_all(tokens.tokenize(normalize(value)))
    return hits[0].key if hits else None


# ---- why reports were joined ------------------------------------------------------------------
def why_joined(reports: Sequence[Any]) -> list[tuple[str, dict[str, Any]]]:
    """Why these reports were taken for one event, as message keys with their values
    (``incidents.why.*`` in the catalogues): "same day, same city, counts 18–21, same perpetrator"."""
    if len({r.article_id for r in reports}) < 2:
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    days = sorted({r.date for r in reports if r.date is not None})
    undated = [r for r in reports if r.date is None and r.published is not None]
    if len(days) == 1:
        out.append(("incidents.why.same_day", {}))
    elif days:
        out.append(("incidents.why.days_apart", {"n": (days[-1] - days[0]).days}))
    if undated:
        out.append(("incidents.why.undated", {"n": len({r.article_id for r in undated})}))
    places = sorted({r.place_id for r in reports if r.place_id})
    if len(places) == 1:
        out.append(("incidents.why.same_place", {"place": places[0]}))
    elif places:
        inner = max(places, key=lambda p: len(_chain(p)))
        outer = [p for p in places if p != inner]
        out.append(("incidents.why.inside", {"place": inner, "outer": outer[0]}))
    if any(not r.place_id for r in reports):
        out.append(("incidents.why.unplaced", {}))
    counts = [r.best for r in reports if r.best is not None]
    if counts:
        key = "incidents.why.same_count" if min(counts) == max(counts) else "incidents.why.counts"
        out.append((key, {"low": min(counts), "high": max(counts)}))
    perps = {r.perpetrator for r in reports if r.perpetrator and r.perpetrator != "unknown"}
    if len(perps) == 1:
        key = "incidents.why.same_perpetrator" if all(
            r.perpetrator not in (None, "unknown") for r in reports) else "incidents.why.perpetrator_unsaid"
        out.append((key, {"perpetrator": perps.pop()}))
    return out


def _chain(place_id: str) -> list[str]:
    out = []
    p = gazetteer.get_place(place_id)
    while p is not None and p.parent and p.parent not in out:
        out.append(p.parent)
        p = gazetteer.get_place(p.parent)
    return out


def verdicts_from_decisions(decisions: Iterable[Any]) -> list[Verdict]:
    """The reviewers' status decisions among the stored incident decisions (`grouping.Decision`)."""
    return [Verdict(d.a, d.action, d.at, d.who) for d in decisions if d.action in VERDICTS]


def as_dict(c: Check) -> Mapping[str, Any]:
    return {"status": c.status, "computed": c.computed, "verdict": c.verdict, "passes": c.passes,
            "origins": [o.key for o in c.origins], "unattributed": c.unattributed}
