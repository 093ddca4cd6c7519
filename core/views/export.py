"""Exports a newsroom can cite: incidents and figures with their counts, places and sources.

One table, the same columns in every format (`COLUMNS`, documented in the README and kept
stable; `SCHEMA_VERSION` says which schema a file follows):

- ``record == "incident"``: one row per incident and victim group, with ``best``/``min``/``max``
  over its reports (`core.incidents.grouping`). ``breakdown_of`` names the group a row is part of
  (children of civilians); ``adds_up`` is true for the rows whose ``best`` add up to a total.
- ``record == "figure"``: one row per figure the incidents are made of (and per running toll or
  other figure the filters select): its reviewed values and its citation (outlet, url,
  publication date, title, the sentence as ``quote``, article id, figure id). Figures are the
  evidence: never add them up (``adds_up`` is false). ``url`` holds only http(s) links; any other
  value given as the article's link (``javascript:...``, ``www.example.org``) is kept as plain
  text in ``url_text``, never as a link.

CSV is the one format a spreadsheet may run: a text cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is written with a leading ``'`` (OWASP's rule against formula
injection), so it shows as text; numeric columns are untouched. Parquet and GeoJSON keep the text
as it is.

Reviewed values are used throughout (`core.incidents.reviews`); rejected figures are left out. GeoJSON is a
FeatureCollection of points (``[lon, lat]``) with the other columns as flat properties; rows
without coordinates are left out of it and counted in the `Summary`.

On a lake (`core.storage.backend`) every export reads one snapshot and says which: the column
``snapshot`` (empty for a DuckDB file), and the Parquet metadata key and GeoJSON member
``snapshot``; ``--as-of SNAPSHOT|TIMESTAMP`` exports the lake as it was then, reproducing an earlier
export exactly.

Command line::

    python -m core.views.export --format csv|parquet|geojson --out FILE [--db FILE] [--as-of SNAPSHOT|TIMESTAMP]
        [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--status killed|injured|all] [--kind both|incidents|tolls]
        [--group G]... [--perpetrator P]... [--place PLACE]... [--source S]...
        [--corroboration corroborated|single_source|disputed]... [--passing]

``corroboration`` (single_source, corroborated, disputed), ``origins`` (who counted: "SOHR=72; WHO=70"
for an incident, the figure's origin for a figure), ``relays`` (who carried it) and ``passes_check``
(the publication check) are the last columns (schema 3); an export limited to the incidents that
pass the check (``--passing``) writes the rule in ``publication_rule`` and in the file's metadata.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.extraction import gazetteer
from core.i18n import catalogue as i18n
from core.incidents import aggregate, corroboration, plausibility, reviews, settings
from core.incidents import grouping as inc_mod
from core.storage import incident_queries, queries
from core.storage import store as store_mod
from core.storage.store import Store, StoreError
from core.views import filters

SCHEMA_VERSION = "3"  # 2: url holds http(s) links only, other links in url_text; 3: snapshot (issue 21), how sure (issue 17)
FORMATS = ("csv", "parquet", "geojson")
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "geojson": "application/geo+json"}
EXTENSIONS = {"csv": "csv", "parquet": "parquet", "geojson": "geojson"}
NOT_STATED = filters.NOT_STATED

COLUMNS = [
    "schema_version", "record", "incident_id", "article_id", "figure_id", "status", "group", "breakdown_of",
    "best", "min", "max", "adds_up", "reports", "articles", "kind", "part_of", "same_as", "date",
    "date_precision", "date_from", "place", "place_id", "place_name_en", "place_name_ar", "place_precision",
    "lat", "lon", "coord_precision", "perpetrator", "side", "source", "outlet", "url", "published", "title",
    "quote", "number_text", "confidence", "review_status", "extractor_version", "url_text", "snapshot",
    "corroboration", "origins", "relays", "passes_check", "publication_rule",
]
_INTS = ("best", "min", "max", "reports", "articles", "snapshot")
_FLOATS = ("lat", "lon", "confidence")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """An export that cannot be made (unknown format, unwritable file...)."""


@dataclass(frozen=True)
class Selection:
    """What to export. Like the dashboard's `core.views.filters.Filters` (empty means all), except that
    `status` may be None: every status."""

    status: str | None = None
    kinds: str = "both"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    groups: tuple[str, ...] = ()
    perpetrators: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    corroboration: tuple[str, ...] = ()  # incidents' statuses (`core.incidents.corroboration`); () all
    passing: bool = False  # only incidents that pass the publication check (the rule in the file)

    @classmethod
    def of(cls, f: filters.Filters | Selection | None) -> Selection:
        if f is None:
            return cls()
        if isinstance(f, Selection):
            return f
        return cls(f.status, f.kinds, f.date_from, f.date_to, tuple(f.groups), tuple(f.perpetrators),
                   tuple(f.places), tuple(f.sources), tuple(getattr(f, "corroboration", ())),
                   bool(getattr(f, "passing", False)))

    @property
    def incidents(self) -> bool:
        return self.kinds in ("both", "incidents")


@dataclass
class Summary:
    """What an export wrote, and what the GeoJSON had to leave out (no coordinates)."""

    fmt: str
    incidents: int = 0
    incident_rows: int = 0
    figures: int = 0
    unplaced_incidents: int = 0
    unplaced_figures: int = 0
    path: str | None = None
    snapshot: int | None = None

    def text(self) -> str:
        where = f" to {self.path}" if self.path else ""
        def count(key: str, n: int) -> str:  # the catalogue's CLDR plural forms, in English
            return i18n.t(key, "en", n=n)

        out = (f"Wrote {count('count.incidents', self.incidents)} ({count('count.count_rows', self.incident_rows)}) "
               f"and {count('count.figures', self.figures)}{where} ({self.fmt}, schema {SCHEMA_VERSION}).")
        if self.snapshot is not None:
            out += f" Read from lake snapshot {self.snapshot} (--as-of {self.snapshot} exports it again)."
        if self.fmt == "geojson":
            out += (f" Left out of the GeoJSON because they have no coordinates: "
                    f"{count('count.incidents', self.unplaced_incidents)} and {count('count.figures', self.unplaced_figures)}.")
        return out


# ---- the table --------------------------------------------------------------------------------------
def _place(place_id: str | None) -> dict[str, Any]:
    p = gazetteer.get_place(place_id) if place_id else None
    if p is None:
        return {"place_name_en": None, "place_name_ar": None, "place_precision": None, "lat": None, "lon": None,
                "coord_precision": None}
    return {"place_name_en": p.name_en, "place_name_ar": p.name_ar, "place_precision": p.precision, "lat": p.lat,
            "lon": p.lon, "coord_precision": p.coord_precision}


def _iso(v: Any) -> str | None:
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)[:10] or None


def _in(value: Any, wanted: Sequence[str]) -> bool:
    return (NOT_STATED if value in (None, "") else str(value)) in wanted


def _figure_matches(r: Mapping[str, Any], s: Selection) -> bool:
    if s.status and r.get("status") != s.status:
        return False
    kind = r.get("kind")
    if (s.kinds == "incidents" and kind == "toll") or (s.kinds == "tolls" and kind != "toll"):
        return False
    if s.date_from or s.date_to:
        day = store_mod.event_date(r.get("date"))
        if day is None or (s.date_from and day < s.date_from) or (s.date_to and day > s.date_to):
            return False
    if s.groups and r.get("group") not in s.groups:
        return False
    if s.perpetrators and not _in(r.get("perpetrator"), s.perpetrators):
        return False
    if s.places and not _in(r.get("place_id") or r.get("place"), s.places):
        return False
    return not (s.sources and not _in(r.get("source"), s.sources))


def _incident_matches(inc: inc_mod.Incident, s: Selection) -> bool:
    if not s.incidents or (s.status and inc.status != s.status):
        return False
    if s.date_from or s.date_to:
        if inc.date is None or (s.date_from and inc.date < s.date_from) or (s.date_to and inc.date > s.date_to):
            return False
    if s.groups and not set(inc.counts) & set(s.groups):
        return False
    if s.perpetrators and not (inc.perpetrator in s.perpetrators
                               or any(_in(r.perpetrator, s.perpetrators) for r in inc.reports)):
        return False
    if s.places and not (inc.place_id in s.places or any(_in(r.place_id, s.places) for r in inc.reports)):
        return False
    if inc.check is not None and ((s.corroboration and inc.check.status not in s.corroboration)
                                  or (s.passing and not inc.check.passes)):
        return False
    return not (s.sources and not any(_in(r.source, s.sources) for r in inc.reports))


def _head_groups(inc: inc_mod.Incident) -> tuple[str, set[str]]:
    """The incident's main group and the groups its reports count (the others are breakdowns)."""
    head = "civilians" if any(r.group == "civilians" for r in inc.reports) else inc.reports[0].group
    own = {head if (r.group == head or (r.group, head) in inc_mod.COMPATIBLE_GROUPS) else r.group for r in inc.reports}
    return head, own


def _incident_rows(inc: inc_mod.Incident, s: Selection) -> list[dict[str, Any]]:
    head, own = _head_groups(inc)
    out = []
    for group, c in sorted(inc.counts.items()):
        if s.groups and group not in s.groups:
            continue
        part = None if group in own else head
        out.append({
            "record": "incident", "incident_id": inc.id, "status": inc.status, "group": group, "breakdown_of": part,
            "best": c.best, "min": c.min, "max": c.max, "adds_up": part is None and c.best is not None,
            "reports": c.reports, "articles": inc.articles, "date": _iso(inc.date),
            "date_precision": "day" if inc.date else None, "place_id": inc.place_id, **_place(inc.place_id),
            "perpetrator": inc.perpetrator, **_sureness(inc),
        })
    return out


def _sureness(inc: inc_mod.Incident | None) -> dict[str, Any]:
    """An incident's status, its origins ("SOHR=72; WHO=70"), its relays and the publication check."""
    c = inc.check if inc is not None else None
    if c is None:
        return {}
    relays = list(dict.fromkeys(x for r in inc.reports for x in corroboration.relays_of(
        r.sentence, r.outlet, None, corroboration.origin_of(r.source))))
    return {"corroboration": c.status, "passes_check": c.passes, "relays": "; ".join(relays) or None,
            "origins": "; ".join(o.key if o.best is None else f"{o.key}={o.best}" for o in c.origins) or None}


def _figure_row(r: Mapping[str, Any], state: reviews.State, incident_id: str | None,
                parent_group: str | None) -> dict[str, Any]:
    return {
        "record": "figure", "incident_id": incident_id, "article_id": r["article_id"], "figure_id": r["id"],
        "status": r.get("status"), "group": r.get("group"), "breakdown_of": parent_group, "best": r.get("best"),
        "min": r.get("min"), "max": r.get("max"), "adds_up": False, "kind": r.get("kind"),
        "part_of": r.get("part_of"), "same_as": r.get("same_as"), "date": r.get("date"),
        "date_precision": r.get("date_precision"), "date_from": r.get("date_from"), "place": r.get("place"),
        "place_id": r.get("place_id"), **_place(r.get("place_id")), "perpetrator": r.get("perpetrator"),
        "side": r.get("side"), "source": r.get("source"), "outlet": r.get("outlet"), **_link(r.get("url")),
        "published": _iso(r.get("published")), "title": r.get("title"), "quote": r.get("sentence"),
        "number_text": r.get("number_text"), "confidence": r.get("confidence"), "review_status": state.status,
        "extractor_version": r.get("extractor_version"), "origins": corroboration.origin_of(r.get("source")),
        "relays": "; ".join(corroboration.relays_of(r.get("sentence") or "", r.get("outlet"), r.get("url"),
                                                    corroboration.origin_of(r.get("source")))) or None,
    }


def _link(url: Any) -> dict[str, str | None]:
    """``url`` if it is an http(s) link, else the value as plain text in ``url_text``."""
    if url is None or not str(url).strip():
        return {"url": None, "url_text": None}
    text = str(url).strip()
    if text.lower().startswith(("http://", "https://")):
        return {"url": text, "url_text": None}
    return {"url": None, "url_text": text}


def _membership(rows: Sequence[Mapping[str, Any]], incidents: Iterable[inc_mod.Incident]) -> dict[tuple[str, str], str]:
    """(article_id, figure_id) → incident id, for reports and for their breakdowns and repeats."""
    heads = {r.key: inc.id for inc in incidents for r in inc.reports}
    by_id = {(r["article_id"], r["id"]): r for r in rows}

    def incident_of(key: tuple[str, str]) -> str | None:
        seen = set()
        while key not in heads:
            r = by_id.get(key)
            link = r and (r.get("part_of") or r.get("same_as"))
            if not link or key in seen:
                return None
            seen.add(key)
            key = (key[0], link)
        return heads[key]

    return {key: inc for key in by_id if (inc := incident_of(key)) is not None}


def build(store: Store) -> tuple[list[inc_mod.Incident], list[tuple[dict[str, Any], reviews.State]]]:
    """The incidents and the figures (reviewed values, rejected left out) an export is made of."""
    rows = queries.article_figure_rows(store)
    resolved = [(r, s) for r, s in reviews.resolve(rows, incident_queries.review_rows(store)) if not s.rejected]
    counted = plausibility.counted_rows(resolved)  # figures held back for review are in no incident
    reports, _ = inc_mod.reports_from_figures(counted)
    return inc_mod.build_incidents(reports, aggregate.decisions(store, counted)), resolved


def frame(store: Store, filters: filters.Filters | Selection | None = None) -> pd.DataFrame:
    """The export table (`COLUMNS`): incident count rows first, then figure rows. On a lake every row
    is read from one snapshot, named in the ``snapshot`` column."""
    with store.pinned() as held:
        df = _frame(held, filters)
        df["snapshot"] = pd.array([held.snapshot] * len(df), dtype="Int64")
    return df


def snapshot_of(df: pd.DataFrame) -> int | None:
    """The lake snapshot an export table was read from (None: a DuckDB file, or no rows)."""
    values = df["snapshot"].dropna().unique() if "snapshot" in df else []
    return int(values[0]) if len(values) else None


def _frame(store: Store, filters: filters.Filters | Selection | None = None) -> pd.DataFrame:
    s = Selection.of(filters)
    incidents, resolved = build(store)
    rows = [r for r, _ in resolved]
    chosen = [i for i in incidents if _incident_matches(i, s)]
    member = _membership(rows, incidents)
    chosen_ids = {i.id for i in chosen}
    by_id = {(r["article_id"], r["id"]): r for r in rows}
    records = [row for inc in chosen for row in _incident_rows(inc, s)]
    by_inc = {i.id: i for i in incidents}
    for r, state in resolved:
        key = (r["article_id"], r["id"])
        inc_id = member.get(key)
        if (s.passing or s.corroboration) and inc_id not in chosen_ids:
            continue  # limited to some incidents: their figures only
        if not (_figure_matches(r, s) or (inc_id in chosen_ids and (not s.groups or r.get("group") in s.groups))):
            continue
        parent = by_id.get((r["article_id"], r.get("part_of"))) if r.get("part_of") else None
        row = _figure_row(r, state, inc_id, parent.get("group") if parent else None)
        inc = by_inc.get(inc_id)
        if inc is not None and inc.check is not None:
            row.update(corroboration=inc.check.status, passes_check=inc.check.passes)
        records.append(row)
    rule = publication_rule() if s.passing else None
    df = pd.DataFrame([{"schema_version": SCHEMA_VERSION, **rec, "publication_rule": rule} for rec in records],
                      columns=COLUMNS)
    return _typed(df)


def publication_rule() -> str:
    """The newsroom's publication check in words, as exports limited to it record it."""
    st = settings.get()
    return (f"status in {{{', '.join(st.passes)}}} or marked corroborated by a reviewer; independent origins "
            f"agree within {st.absolute} people or {round(st.ratio * 100)}%")


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in _INTS:
        df[c] = pd.array([None if _missing(v) else int(v) for v in df[c]], dtype="Int64")
    for c in _FLOATS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df["adds_up"] = df["adds_up"].fillna(False).astype(bool)
    df["passes_check"] = pd.array([None if _missing(v) else bool(v) for v in df["passes_check"]], dtype="boolean")
    for c in COLUMNS:
        if c not in _INTS and c not in _FLOATS and c not in ("adds_up", "passes_check"):
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    df["schema_version"] = SCHEMA_VERSION
    return df.reset_index(drop=True)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


# ---- formats ----------------------------------------------------------------------------------------
def to_bytes(df: pd.DataFrame, fmt: str, summary: Summary | None = None) -> bytes:
    """The table in a format (`FORMATS`). GeoJSON leaves out rows without coordinates and counts
    them in `summary`."""
    if fmt == "csv":
        # UTF-8 with a byte-order mark: Excel then reads the Arabic text correctly.
        return spreadsheet_safe(df).to_csv(index=False).encode("utf-8-sig")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"schema_version"] = SCHEMA_VERSION.encode()
        snap = snapshot_of(df)
        if snap is not None:
            meta[b"snapshot"] = str(snap).encode()
        rule = _rule_of(df)
        if rule:
            meta[b"publication_rule"] = rule.encode()
        buf = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(meta), buf)
        return buf.getvalue()
    if fmt == "geojson":
        return json.dumps(geojson(df, summary), ensure_ascii=False).encode("utf-8")
    raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")


def spreadsheet_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: ``'`` before a leading ``=``, ``+``, ``-``, ``@``,
    tab or carriage return (`FORMULA_STARTS`). Other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table whose text columns are safe to open in a spreadsheet (`spreadsheet_cell`);
    the numeric columns (counts, coordinates, confidence, ``adds_up``) are left as they are."""
    out = df.copy()
    for c in out.columns:
        if c not in _INTS and c not in _FLOATS and c not in ("adds_up", "passes_check") and out[c].dtype == object:
            out[c] = out[c].map(spreadsheet_cell)
    return out


def _json_value(v: Any) -> Any:
    if _missing(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def geojson(df: pd.DataFrame, summary: Summary | None = None) -> dict[str, Any]:
    """A FeatureCollection: one Point ``[lon, lat]`` per row with coordinates, the other columns
    as flat properties."""
    features = []
    for rec in df.to_dict("records"):
        lat, lon = rec.get("lat"), rec.get("lon")
        if _missing(lat) or _missing(lon):
            continue
        props = {k: _json_value(v) for k, v in rec.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                         "properties": props})
    if summary is not None:
        unplaced = df[df["lat"].isna() | df["lon"].isna()]
        summary.unplaced_incidents = int(unplaced.loc[unplaced["record"] == "incident", "incident_id"].nunique())
        summary.unplaced_figures = int((unplaced["record"] == "figure").sum())
    out: dict[str, Any] = {"type": "FeatureCollection", "schema_version": SCHEMA_VERSION}
    snap = snapshot_of(df)
    if snap is not None:
        out["snapshot"] = snap
    rule = _rule_of(df)
    if rule:
        out["publication_rule"] = rule
    out["features"] = features
    return out


def _rule_of(df: pd.DataFrame) -> str | None:
    """The publication rule an export was limited to (None: not limited)."""
    if "publication_rule" not in df.columns:
        return None
    rules = [v for v in df["publication_rule"] if isinstance(v, str) and v]
    return rules[0] if rules else None


def summarise(df: pd.DataFrame, fmt: str) -> Summary:
    inc = df[df["record"] == "incident"]
    return Summary(fmt, incidents=int(inc["incident_id"].nunique()), incident_rows=len(inc),
                   figures=int((df["record"] == "figure").sum()), snapshot=snapshot_of(df))


def export_bytes(store: Store, fmt: str, filters: filters.Filters | Selection | None = None) -> bytes:
    """The export of what `filters` select (the dashboard's sidebar filters, or None for all), as
    bytes in `fmt` (``csv``, ``parquet`` or ``geojson``): what the download buttons call."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    return to_bytes(frame(store, filters), fmt)


def write(store: Store, fmt: str, out: str | Path, filters: filters.Filters | Selection | None = None) -> Summary:
    """Write the export to `out`; returns what was written (and left out of a GeoJSON)."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    df = frame(store, filters)
    summary = summarise(df, fmt)
    data = to_bytes(df, fmt, summary)
    path = Path(out)
    try:
        path.write_bytes(data)
    except OSError as err:
        raise ExportError(f"Could not write {path}: {err.strerror or err}.") from err
    summary.path = str(path)
    return summary


def file_name(fmt: str, day: dt.date | None = None) -> str:
    """``raqqa-casualties-2026-01-03.csv``: the download's file name."""
    return f"raqqa-casualties-{(day or dt.date.today()).isoformat()}.{EXTENSIONS[fmt]}"


# ---- command line -----------------------------------------------------------------------------------
def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from err


def _as_of(text: str) -> tuple[int | None, dt.datetime | None]:
    """``--as-of``: a snapshot number, or a date or time (the snapshot current then)."""
    text = text.strip()
    if text.isdigit():
        return int(text), None
    try:
        return None, dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise ExportError(
            f"--as-of {text!r} is neither a snapshot number (as an export's snapshot column gives it) nor a "
            "time (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS).") from err


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core.views.export", description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", required=True, choices=FORMATS)
    ap.add_argument("--out", required=True, help="file to write")
    ap.add_argument("--db", help="database file or lake (ducklake:sqlite:PATH, ducklake:postgres:CONNINFO; default: $CASUALTY_DB or data/casualties.duckdb)")
    ap.add_argument("--as-of", dest="as_of", metavar="SNAPSHOT|TIMESTAMP",
                    help="a lake only: export the lake as it was at this snapshot (a number, as an earlier "
                         "export recorded it) or at this time (YYYY-MM-DD[ HH:MM[:SS]])")
    ap.add_argument("--from", dest="date_from", type=_day, help="first event date (YYYY-MM-DD)")
    ap.add_argument("--to", dest="date_to", type=_day, help="last event date (YYYY-MM-DD)")
    ap.add_argument("--status", default="all", choices=["all", *filters.STATUSES])
    ap.add_argument("--kind", default="both", choices=filters.KINDS, help="incidents, running tolls or both")
    ap.add_argument("--group", action="append", default=[], choices=filters.GROUP_SERIES)
    ap.add_argument("--perpetrator", action="append", default=[], help=f"a perpetrator key, or {NOT_STATED} for none")
    ap.add_argument("--place", action="append", default=[], help="a gazetteer id, or the place as written")
    ap.add_argument("--source", action="append", default=[], help="a source key (SOHR, ...)")
    ap.add_argument("--corroboration", action="append", default=[], choices=filters.CORROBORATION,
                    help="incidents of this status only (corroborated, single_source, disputed)")
    ap.add_argument("--passing", action="store_true",
                    help="only incidents that pass the publication check (the rule is written into the file)")
    args = ap.parse_args(argv)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        ap.error(f"--to ({args.date_to}) is before --from ({args.date_from})")
    selection = Selection(
        None if args.status == "all" else args.status, args.kind, args.date_from, args.date_to,
        tuple(args.group), tuple(args.perpetrator), tuple(args.place), tuple(args.source),
        tuple(args.corroboration), args.passing,
    )
    try:
        if args.as_of:
            snapshot, at_time = _as_of(args.as_of)
            store = Store.open_as_of(args.db, snapshot=snapshot, at_time=at_time)
        else:
            store = Store.open(args.db)
        summary = write(store, args.format, args.out, selection)
    except (StoreError, ExportError) as err:
        print(err, file=sys.stderr)
        return 1
    print(summary.text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
