"""Tables the pages show: figures behind a chart point, tolls, articles and incidents, with
interface labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from core.extraction.dates import as_date as _as_date
from core.i18n import catalogue as i18n
from core.views import sureness
from core.views.filters import NOT_STATED
from core.views.trends import short_date


# ---- tables the pages show ----------------------------------------------------------------------
def figure_summary(figures: Sequence[Any], lang: str = i18n.DEFAULT_LANG, limit: int = 6) -> str:
    """"27 civilians killed; 7 children killed (of which)" — the numbers an upload found."""
    parts = []
    for f in figures[:limit]:
        n = f.number_text if f.best is None else f.best
        text = i18n.t(
            "summary.figure", lang, n=n, group=i18n.label("group", f.group, lang, count=n),
            status=i18n.label("status", f.status, lang, count=n),
        )
        if f.part_of:
            text += " " + i18n.t("summary.part", lang)
        elif f.same_as:
            text += " " + i18n.t("summary.repeat", lang)
        elif f.kind != "incident":
            text += " " + i18n.t("summary.kind", lang, kind=i18n.label("kind", f.kind, lang))
        parts.append(text)
    if len(figures) > limit:
        parts.append(i18n.t("summary.more", lang, n=len(figures) - limit))
    return "; ".join(parts)


def article_link(article_id: str, figure_id: str | None = None) -> str:
    """Relative address of the article view (deep link), optionally marking one figure."""
    from urllib.parse import urlencode

    q = {"article": article_id}
    if figure_id:
        q["figure"] = figure_id
    return "articles?" + urlencode(q)


def _range_text(lo: Any, best: Any, hi: Any, number_text: str | None = None, lang: str = i18n.DEFAULT_LANG) -> str:
    if best is None or pd.isna(best):
        return number_text or ""
    lo = best if lo is None or pd.isna(lo) else lo
    hi = best if hi is None or pd.isna(hi) else hi
    return i18n.digits(f"{int(best)}" if lo == hi == best else f"{int(best)} ({int(lo)}–{int(hi)})", lang)


def _place_text(place_id: Any, written: Any, lang: str) -> str:
    """A figure's place in the interface language: the gazetteer's name, else as written."""
    pid, written = _na(place_id), _na(written)
    return i18n.place_name(pid, lang) if pid else (written or i18n.t("common.not_stated", lang))


def behind_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The figures behind a chart point, as the page shows them (one row per figure)."""
    lab = i18n.label
    rows = []
    for r in df.to_dict("records"):
        rows.append({
            i18n.t("col.count", lang): _range_text(r.get("min"), r.get("best"), r.get("max"), r.get("number_text"), lang),
            i18n.t("col.link", lang): article_link(r["article_id"], r.get("figure_id")),
            i18n.t("col.date", lang): i18n.format_date(r.get("date"), lang),
            i18n.t("col.group", lang): lab("group", r.get("group"), lang),
            i18n.t("col.kind", lang): lab("kind", r.get("kind"), lang),
            i18n.t("col.place", lang): _place_text(r.get("place_id"), r.get("place"), lang),
            i18n.t("col.perpetrator", lang): lab("perpetrator", _na(r.get("perpetrator")), lang),
            i18n.t("col.source", lang): lab("source", _na(r.get("source")), lang),
            i18n.t("col.outlet", lang): outlet_name(r.get("outlet"), r.get("url")),
            i18n.t("col.sentence", lang): r.get("sentence"),
            i18n.t("col.title", lang): _na(r.get("title")) or "",
            # how sure (issue 17): the incident's status, who counted, who carried it
            i18n.t("col.corroboration", lang): sureness.status_label(c, lang) if (c := _na(r.get("corroboration"))) else "",
            i18n.t("col.origin", lang): sureness.report_origin(_na(r.get("source")), lang),
            i18n.t("col.relays", lang): sureness.report_relays(r.get("sentence"), _na(r.get("outlet")), _na(r.get("url")),
                                                           _na(r.get("source"))),
        })
    return pd.DataFrame(rows)


def picked_figure(df: pd.DataFrame, rows: Sequence[int] | None) -> dict[str, str] | None:
    """The figure a reader selected in a `behind_table` (its row index in `df`): its whole
    sentence and the address of the article view that marks it; None when nothing is selected."""
    if not rows or df is None or df.empty or not 0 <= rows[0] < len(df):
        return None
    r = df.iloc[rows[0]]
    return {"sentence": str(_na(r.get("sentence")) or ""), "link": article_link(r["article_id"], _na(r.get("figure_id")))}


def figure_table(
    figures: Sequence[Any], lang: str = i18n.DEFAULT_LANG, rejected: Iterable[str] = (),
    held: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """An article's figures, in text order: what was read (with reviews applied) and how the
    chart treats it; ``rejected`` are the ids of figures a reviewer rejected, ``held`` says why
    figures are held back from totals until a reviewer confirms them (id → reasons in words)."""
    lab = i18n.label
    rejected = set(rejected)
    held = held or {}
    rows = []
    for f in figures:
        if f.id in rejected:
            counted = i18n.t("counted.rejected", lang)
        elif f.id in held:
            counted = i18n.t("held.counted", lang, reasons=held[f.id])
        elif f.part_of:
            counted = i18n.t("counted.part", lang, parent=f.part_of)
        elif f.same_as:
            counted = i18n.t("counted.repeat", lang, other=f.same_as)
        elif f.kind != "incident":
            counted = i18n.t(f"counted.{f.kind}", lang)
        elif f.best is None:
            counted = i18n.t("counted.vague", lang)
        else:
            counted = i18n.t("counted.yes", lang)
        rows.append({
            i18n.t("col.id", lang): f.id,
            i18n.t("col.number", lang): f.number_text,
            i18n.t("col.count", lang): _range_text(f.min, f.best, f.max, f.number_text, lang),
            i18n.t("col.status", lang): lab("status", f.status, lang),
            i18n.t("col.group", lang): lab("group", f.group, lang),
            i18n.t("col.kind", lang): lab("kind", f.kind, lang),
            i18n.t("col.counted", lang): counted,
            i18n.t("col.date", lang): i18n.format_date(f.date, lang),
            i18n.t("col.place", lang): _place_text(f.place_id, f.place, lang),
            i18n.t("col.perpetrator", lang): lab("perpetrator", f.perpetrator, lang),
            i18n.t("col.source", lang): lab("source", f.source, lang),
        })
    return pd.DataFrame(rows)


def _is_url(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower().startswith(("http://", "https://", "www."))


def outlet_name(outlet: Any, url: Any = None) -> str:
    """How an outlet reads in a table: its name as given, else the domain of its address
    ("enabbaladi.net" for a full, percent-encoded link), never the whole address."""
    from urllib.parse import unquote, urlsplit

    outlet, url = _na(outlet), _na(url)
    if isinstance(outlet, str) and outlet.strip() and not _is_url(outlet):
        return outlet.strip()
    address = outlet if _is_url(outlet) else url
    if not _is_url(address):
        return ""
    address = address.strip()
    host = urlsplit(unquote(address if "://" in address else "http://" + address)).hostname or ""
    return host[4:] if host.startswith("www.") else host


def article_url(outlet: Any, url: Any = None) -> str | None:
    """The article's web address (the `url` header, else an outlet given as an address), or None."""
    for v in (_na(url), _na(outlet)):
        if _is_url(v):
            return v.strip() if "://" in v else "https://" + v.strip()
    return None


def articles_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The searchable article list: title, outlet (its name or domain), date, figures found, link
    to the view, and the article's own address (a link)."""
    urls = df["url"] if "url" in df else pd.Series([None] * len(df), index=df.index)
    out = pd.DataFrame({
        i18n.t("col.title", lang): df["title"].fillna("").astype(str),
        i18n.t("col.outlet", lang): [outlet_name(o, u) for o, u in zip(df["outlet"], urls, strict=True)],
        i18n.t("col.published", lang): [i18n.format_date(_as_date(d), lang) if _as_date(d) else "" for d in df["published"]],
        i18n.t("col.figures", lang): df["figures"].astype(int),
        i18n.t("col.link", lang): [article_link(a) for a in df["id"]],
        # "" for no address: an empty cell (None is drawn as a grey "None")
        i18n.t("col.web", lang): [article_url(o, u) or "" for o, u in zip(df["outlet"], urls, strict=True)],
    })
    return out


def _na(v: Any) -> Any:
    if v is None or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


# ---- incidents -------------------------------------------------------------------------------------
INCIDENT_GROUPS = ("civilians", "people", "children", "women", "fighters")


def _incident_groups(df: pd.DataFrame) -> list[str]:
    present = {c.removeprefix("best_") for c in df.columns if c.startswith("best_")}
    return [g for g in INCIDENT_GROUPS if g in present] + sorted(present - set(INCIDENT_GROUPS))


def incident_label(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"12 Aug 2017 · Mashlab · 27 civilians · 2 reports": how an incident is offered in a picker."""
    day = short_date(_as_date(row.get("date")), lang)
    place = _na(row.get("place_id")) or _na(row.get("place"))
    where = i18n.place_name(place, lang) if place else i18n.t("common.not_stated", lang)
    counts = [
        i18n.t("incidents.group_count", lang, n=int(row[f"best_{g}"]),
               group=i18n.label("group", g, lang, count=int(row[f"best_{g}"])))
        for g in INCIDENT_GROUPS if _na(row.get(f"best_{g}")) is not None
    ]
    n = int(row.get("reports") or 0)
    return " · ".join([day, where, *counts[:2], i18n.t("incidents.n_reports", lang, n=n)])


def incident_counts(row: Mapping[str, Any]) -> tuple[int | None, int | None, int | None]:
    """(best, min, max) of an `core.storage.incident_queries.incident_list` row for its main victim group."""
    for g in INCIDENT_GROUPS:
        best = _na(row.get(f"best_{g}"))
        if best is not None:
            lo, hi = _na(row.get(f"min_{g}")), _na(row.get(f"max_{g}"))
            return int(best), int(best if lo is None else lo), int(best if hi is None else hi)
    return None, None, None


def incident_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Incidents as the Incidents page lists them: date, place in Arabic and English, perpetrator,
    per victim group the best count with its range (min–max over the reports), how many reports."""
    lab = i18n.label
    groups = _incident_groups(df)
    rows = []
    for r in df.to_dict("records"):
        pid, written = _na(r.get("place_id")), _na(r.get("place"))
        row = {
            i18n.t("col.date", lang): short_date(_as_date(r.get("date")), lang),
            i18n.t("col.place_ar", lang): i18n.place_name(pid, "ar") if pid else (written or ""),
            i18n.t("col.place_en", lang): i18n.place_name(pid, "en") if pid else "",
            i18n.t("col.perpetrator", lang): lab("perpetrator", _na(r.get("perpetrator")), lang),
        }
        for g in groups:
            row[lab("group", g, lang).capitalize()] = _range_text(r.get(f"min_{g}"), _na(r.get(f"best_{g}")), r.get(f"max_{g}"), None, lang)
        row[i18n.t("col.reports", lang)] = int(r.get("reports") or 0)
        row[i18n.t("col.sources", lang)] = ", ".join(
            lab("source", s, lang) if s != NOT_STATED else i18n.t("common.not_stated", lang)
            for s in str(r.get("sources") or "").split(", ") if s
        )
        if "corroboration" in r:  # how sure (`core.views.sureness`)
            row[i18n.t("col.corroboration", lang)] = sureness.status_label(_na(r.get("corroboration")), lang)
            row[i18n.t("col.origins", lang)] = sureness.origins_text(_na(r.get("origins")), lang)
        rows.append(row)
    return pd.DataFrame(rows)


def incident_widths(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> dict[str, int]:
    """Column widths in pixels for `incident_table`, so that every column, the sources last,
    fits on the page in either language (the Arabic names of perpetrators and sources are long:
    cut with an ellipsis, whole on hover)."""
    counts = [i18n.label("group", g, lang).capitalize() for g in _incident_groups(df)] + [i18n.t("col.reports", lang)]
    widths = {i18n.t("col.place_en", lang): 75, i18n.t("col.perpetrator", lang): 85,
              **dict.fromkeys(counts, 50), i18n.t("col.sources", lang): 90}
    if "corroboration" in df.columns:  # how sure: status and who counted
        widths |= {i18n.t("col.corroboration", lang): 85, i18n.t("col.origins", lang): 70}
    return widths


def report_table(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """One incident's reports side by side: outlet, publication date, count, sentence, article link."""
    lab = i18n.label
    rows = []
    for r in df.to_dict("records"):
        rows.append({
            i18n.t("col.outlet", lang): outlet_name(r.get("outlet"), r.get("url")),
            i18n.t("col.title", lang): _na(r.get("title")) or "",
            i18n.t("col.published", lang): short_date(_as_date(r.get("published")), lang),
            i18n.t("col.count", lang): _range_text(r.get("min"), _na(r.get("best")), r.get("max"), r.get("number_text"), lang),
            i18n.t("col.group", lang): lab("group", r.get("group"), lang),
            i18n.t("col.sentence", lang): r.get("sentence") or "",
            i18n.t("col.source", lang): lab("source", _na(r.get("source")), lang),
            i18n.t("col.origin", lang): sureness.report_origin(_na(r.get("source")), lang),
            i18n.t("col.relays", lang): sureness.report_relays(r.get("sentence"), _na(r.get("outlet")), _na(r.get("url")),
                                                           _na(r.get("source"))),
            i18n.t("col.date", lang): i18n.format_date(r.get("date"), lang),
            i18n.t("col.place", lang): _place_text(r.get("place_id"), r.get("place"), lang),
            i18n.t("col.link", lang): article_link(r["article_id"], r.get("figure_id")),
        })
    return pd.DataFrame(rows)


def report_label(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """"SOHR, 11 Aug 2017: 27" — a report in a picker."""
    who = _na(row.get("outlet")) or _na(row.get("title")) or _na(row.get("article_id")) or ""
    n = row.get("number_text") if _na(row.get("best")) is None else int(row["best"])
    return f"{who}, {short_date(_as_date(row.get('published')), lang)}: {n}"


def toll_comparison_text(c: Any, lang: str = i18n.DEFAULT_LANG) -> str:
    """"Incidents documented here account for 88 of the 125 reported by SOHR for 15–21 Aug 2017."
    `c` is a `core.incidents.grouping.TollComparison`."""
    toll = c.toll
    source = _na(toll.get("source"))
    who = i18n.label("source", source, lang) if source else i18n.t("toll.unattributed", lang)
    if c.period is None:
        return i18n.t("incidents.toll_no_period", lang, reported=c.reported, source=who)
    return i18n.t(
        "incidents.toll_compare", lang, accounted=c.accounted, reported=c.reported, source=who,
        start=short_date(c.period[0], lang), end=short_date(c.period[1], lang), n=len(c.incidents),
    )
