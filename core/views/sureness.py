"""How sure an incident is, in words: its status, who counted (origins), who carried the counts
(relays), why its reports were joined, and reviewers' status decisions
(`core.incidents.corroboration`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.i18n import catalogue as i18n
from core.incidents import corroboration, settings

STATUSES = corroboration.STATUSES


def status_label(status: str | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """"Corroborated", "Single source", "Disputed"."""
    return i18n.t(f"corroboration.{status or 'single_source'}", lang)


def origins_text(origins_json: str | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """"SOHR 72, WHO 70": each origin with the count of its latest report."""
    parts = []
    for o in corroboration.origins_from_json(origins_json):
        name = i18n.label("source", o.key, lang)
        parts.append(f"{name} {i18n.format_number(o.best, lang)}" if o.best is not None else name)
    return i18n.t("corroboration.origin_sep", lang).join(parts) or i18n.t("common.not_stated", lang)


def status_text(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """One line under an incident: its status, by whom (rule or reviewer), and its origins."""
    status = status_label(row.get("corroboration"), lang)
    origins = origins_text(row.get("origins"), lang)
    if row.get("verdict"):
        return i18n.t("incidents.status_by_reviewer", lang, status=status,
                      computed=status_label(row.get("computed"), lang), origins=origins)
    return i18n.t("incidents.status_line", lang, status=status, origins=origins)


def passes_text(passes: bool, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t("incidents.passes" if passes else "incidents.not_passes", lang)


def report_origin(source: str | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """A report's origin: who counted, or "not stated"."""
    origin = corroboration.origin_of(source)
    return i18n.label("source", origin, lang) if origin else i18n.t("common.not_stated", lang)


def report_relays(sentence: str | None, outlet: str | None, url: str | None, source: str | None = None) -> str:
    """"AFP, Al-Masry Al-Youm": who carried a report's count (named in its sentence, the outlet)."""
    return ", ".join(corroboration.relays_of(sentence or "", outlet, url, corroboration.origin_of(source)))


@dataclass(frozen=True)
class _Told:
    article_id: str
    date: dt.date | None
    published: dt.date | None
    place_id: str | None
    best: int | None
    perpetrator: str | None


def _told(row: Mapping[str, Any]) -> _Told:
    def day(v: Any) -> dt.date | None:
        if v is None or v != v:
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        return dt.date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 else None

    best = row.get("best")
    place = row.get("place_id")
    perp = row.get("perpetrator")
    return _Told(str(row["article_id"]), day(row.get("date")), day(row.get("published")),
                 place if isinstance(place, str) and place else None,
                 None if best is None or best != best else int(best), perp if isinstance(perp, str) else None)


def why_text(reports: Sequence[Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"Joined: same day, same place (Harat al-Badu), counts 18–21, same perpetrator (coalition)";
    empty for an incident of one article. `reports`: grouping reports, or report rows
    (`core.storage.incident_queries.incident_reports_of`)."""
    reasons = []
    reports = [_told(r) if isinstance(r, Mapping) else r for r in reports]
    for key, values in corroboration.why_joined(reports):
        v = dict(values)
        for k in ("place", "outer"):
            if k in v:
                v[k] = i18n.place_name(v[k], lang)
        if "perpetrator" in v:
            v["perpetrator"] = i18n.label("perpetrator", v["perpetrator"], lang)
        for k in ("low", "high"):
            if k in v:
                v[k] = i18n.format_number(v[k], lang)
        reasons.append(i18n.t(key, lang, **v))
    if not reasons:
        return ""
    return i18n.t("incidents.why.title", lang, reasons=i18n.t("corroboration.origin_sep", lang).join(reasons))


def history_lines(rows: Sequence[Mapping[str, Any]], lang: str = i18n.DEFAULT_LANG) -> list[str]:
    """Reviewers' status decisions, oldest first: "5 Dec 2026 · Rania: marked corroborated — note"."""
    out = []
    for r in rows:
        at = r.get("created_at")
        day = i18n.format_date(at.date().isoformat() if isinstance(at, dt.datetime) else at, lang)
        line = i18n.t("incidents.verdict_history", lang, when=day, who=r.get("who") or "",
                      action=i18n.t(f"verdict.{r.get('action')}", lang))
        if r.get("note"):
            line += i18n.t("review.history.with_note", lang, note=r["note"])
        out.append(line)
    return out


VERDICTS = corroboration.VERDICTS


def rule_text(lang: str = i18n.DEFAULT_LANG) -> str:
    """The statuses and the tolerance in plain words (`data/corroboration.json`)."""
    s = settings.get()
    return i18n.t("incidents.rule", lang, absolute=i18n.format_number(s.absolute, lang),
                  ratio=i18n.format_number(round(s.ratio * 100), lang))
