"""The map page's data: casualty figures grouped by place, honest about how precisely each is placed.

No SQL here (the rows come from `core.storage.queries.map_figures`, their sums per place from
`core.storage.queries.map_sums`) and no Streamlit. The map adds up the
same rows as the trend chart (see the counting rule in `core.trends`), so that

    killed drawn as points + killed in a "district not stated" ring + killed in the unplaced table
    = the total of the trends page, for the same filters.

How a figure's place is drawn (`place_totals`):

- a district, landmark, village, town or city **with a coordinate**: a point at that coordinate,
  its area proportional to the killed, split into rings by victim group or perpetrator;
- a city that has districts on the map (Raqqa), named without a district ("in Raqqa"): a **ring**
  at the city point labelled "Raqqa, district not stated", never spread over its districts;
- everything else goes to the **unplaced table**, with its reason: a gazetteer place with no
  coordinate yet (``no_coordinate``; a coordinate is never invented), a governorate, countryside
  or country (``wide_area``: a point would claim a precision the text does not give), a place
  missing from the gazetteer (``not_in_gazetteer``, as written), or no place at all (``not_stated``).

`place_totals` is the one aggregation: it takes the countable rows and nothing else; `totals_of` is
its second half, fed by the same sums added up in DuckDB (`core.storage.queries.map_sums`) on the page.

How it is drawn (layers, the base map, labels, Arabic shaping) is `core.views.map_layers`.
Tooltips are HTML: Streamlit escapes every value it puts into the template, and our values are
place names, numbers and catalogue labels only (no article text).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from core.extraction import gazetteer as gazetteer_mod
from core.i18n import catalogue as i18n
from core.views import counting, filters, trends

CITY_ID = "rq-city"
POINT_PRECISIONS = ("district", "landmark", "village", "town", "city")
COLOUR_BY = ("group", "perpetrator")
REASONS = ("no_coordinate", "wide_area", "not_in_gazetteer", "not_stated")
PERIODS = ("all", "week", "to_week")
LABEL_LANGS = ("ar", "en")
VIEWS = ("city", "all", "syria")
NOT_STATED = filters.NOT_STATED

# Layer ids (the page reads selections by them; tests check them).
WATER_LAYER, LINES_LAYER, EXTENT_LAYER = "lakes", "rivers-borders", "city-extent"
DISTRICTS_LAYER = "districts"  # administrative districts (ADM2, mintaqa), not the city's districts (hayy)
BASE_LAYER, BASE_LABELS = "gazetteer", "gazetteer-labels"
POINTS_LAYER, RING_OUTLINE, RING_LAYER, RING_LABELS = (
    "killed", "city-not-stated-ring", "city-not-stated", "city-not-stated-label",
)
RING_HANDLE_PX = 7.0

TOTAL_COLUMNS = [
    "key", "place", "place_id", "name_ar", "name_en", "lat", "lon", "precision", "coord_precision", "shape",
    "reason", "best", "low", "high", "figures", "reports", "breakdown",
]

# Victim groups in the colours of the trend chart (a test keeps them equal).
GROUP_COLOURS = {
    "civilians": "#4C78A8", "children": "#F58518", "women": "#B279A2", "fighters": "#72B7B2", "people": "#9D9D9D",
}
PERPETRATOR_COLOURS = {
    "coalition": "#E45756", "russia": "#B279A2", "regime": "#F58518", "sdf": "#54A24B", "is": "#3B3B3B",
    "turkey": "#EECA3B", "opposition": "#72B7B2", "unknown": "#9D9D9D", NOT_STATED: "#C9C2BD",
}
_OTHER_COLOUR = "#8C6D31"
MAX_RADIUS_PX = 38.0
MIN_RADIUS_PX = 3.0
LABEL_FONT = '"Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", "Segoe UI", Tahoma, Arial, sans-serif'
TILES_URL = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"
GEO_FILE = Path(__file__).resolve().parents[2] / "data" / "geo" / "syria.geojson"  # sources: data/geo/README.md
SYRIA_BOUNDS = (35.6, 32.3, 42.4, 37.35)  # lon/lat box of the country, for the "syria" view
RIVER_SOUTH_OF_CITY_DEG = 0.012  # the city view reaches this far below the southernmost district


# ---- the gazetteer as the map sees it ----------------------------------------------------------
def gazetteer() -> dict[str, gazetteer_mod.Place]:
    """Every gazetteer place by id (`core.extraction.places.all_places`)."""
    return {p.id: p for p in gazetteer_mod.all_places()}


def _canonical(gaz: Mapping[str, gazetteer_mod.Place]) -> dict[str, str]:
    """Rows that repeat an earlier row → that earlier row, so one city is never drawn twice:
    same Arabic name, kind and parent, and points less than a kilometre apart (``sp-raqqa`` is
    ``rq-city`` again, 300 m away). Two villages of one name far apart stay two places."""
    first: dict[tuple[str, str, str | None], list[gazetteer_mod.Place]] = {}
    out: dict[str, str] = {}
    for pid, p in gaz.items():
        out[pid] = pid
        same = first.setdefault((p.name_ar, p.precision, p.parent), [])
        for q in same:
            if _km(p, q) < 1.0:
                out[pid] = out[q.id]
                break
        same.append(p)
    return out


def _km(a: gazetteer_mod.Place, b: gazetteer_mod.Place) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    dy = (a.lat - b.lat) * 111.2
    dx = (a.lon - b.lon) * 111.2 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


def _has_districts(gaz: Mapping[str, gazetteer_mod.Place]) -> set[str]:
    """Places with districts or landmarks of their own on the map."""
    return {p.parent for p in gaz.values() if p.parent and p.lat is not None and p.precision in ("district", "landmark")}


def name_en(p: gazetteer_mod.Place) -> str:
    """The English name without the gazetteer's bracketed note ("Raqqa (city, generic point)")."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", p.name_en).strip() or p.name_en


def categories(by: str) -> tuple[str, ...]:
    """The categories of a colour switch, in legend order."""
    return tuple(GROUP_COLOURS) if by == "group" else tuple(PERPETRATOR_COLOURS)


def colour(by: str, cat: str) -> str:
    return (GROUP_COLOURS if by == "group" else PERPETRATOR_COLOURS).get(cat, _OTHER_COLOUR)


# ---- the one aggregation ---------------------------------------------------------------------
def place_keys(rows: pd.DataFrame, gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> pd.Series:
    """Each row's place key, as the sidebar's place filter names it (SQL ``coalesce(place_id, place,
    '-')``: the gazetteer id, else the place as written, else `NOT_STATED`), a repeated gazetteer
    row read as the first one."""
    same = repeats(gaz)
    pid = rows["place_id"].astype(object)
    if same:
        pid = pid.replace(same)
    return pid.where(pid.notna(), rows["place"].astype(object)).fillna(NOT_STATED).astype(str)


def ids_of(key: str, gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> list[str]:
    """The values of the place filter that `key` stands for: the gazetteer rows that repeat it
    (``rq-city`` and ``sp-raqqa``), else the key itself."""
    canon = _canonical(gazetteer() if gaz is None else gaz)
    return [pid for pid, c in canon.items() if c == key] or [key]


def repeats(gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> dict[str, str]:
    """Gazetteer rows that repeat an earlier one → that one (`_canonical`), as `place_keys` reads them."""
    return {pid: first for pid, first in _canonical(gazetteer() if gaz is None else gaz).items() if pid != first}


def place_totals(rows: pd.DataFrame, by: str = "group", gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> pd.DataFrame:
    """Killed per place (`TOTAL_COLUMNS`), from the rows the trend chart adds up (`totals_of` their sums:
    the map page has DuckDB add them up, `core.storage.queries.map_sums`)."""
    if by not in COLOUR_BY:
        raise ValueError(f"colour by must be one of {', '.join(COLOUR_BY)}, not {by!r}")
    if rows is None or rows.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    gaz = gazetteer() if gaz is None else gaz
    best = pd.to_numeric(rows["best"]).astype("int64")
    df = pd.DataFrame({
        "key": place_keys(rows, gaz).to_numpy(),
        "cat": rows[by].astype(object).where(rows[by].notna() & (rows[by] != ""), NOT_STATED).to_numpy(),
        "best": best.to_numpy(),
        "low": pd.to_numeric(rows["min"]).fillna(best).astype("int64").to_numpy(),
        "high": pd.to_numeric(rows["max"]).fillna(best).astype("int64").to_numpy(),
        "article_id": rows["article_id"].to_numpy(),
        "place": rows["place"].astype(object).where(rows["place"].notna(), None).to_numpy(),
    })
    sums = df.groupby(["key", "cat"], sort=False).agg(
        best=("best", "sum"), low=("low", "sum"), high=("high", "sum"), figures=("best", "size")).reset_index()
    per_key = df.groupby("key", sort=False).agg(reports=("article_id", "nunique"), place=("place", "first"))
    return totals_of(sums.join(per_key, on="key"), by, gaz)


def totals_of(sums: pd.DataFrame, by: str = "group", gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> pd.DataFrame:
    """Killed per place (`TOTAL_COLUMNS`) from sums per place key and category (the columns of
    `core.storage.queries.MAP_SUM_COLUMNS`).

    ``shape`` is ``point``, ``ring`` (a city named without its district) or None (not drawable:
    ``reason`` says why). ``breakdown`` is a tuple of (category, killed) in legend order.
    Sorted: drawn places first, largest first."""
    if by not in COLOUR_BY:
        raise ValueError(f"colour by must be one of {', '.join(COLOUR_BY)}, not {by!r}")
    if sums is None or sums.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    gaz = gazetteer() if gaz is None else gaz
    with_districts = _has_districts(gaz)
    order = {c: i for i, c in enumerate(categories(by))}
    breakdown: dict[str, list[tuple[str, int]]] = {}
    for key, cat, n in zip(sums["key"], sums["cat"], sums["best"], strict=True):
        breakdown.setdefault(key, []).append((cat, int(n)))
    g = sums.groupby("key", sort=False)
    agg = g[["best", "low", "high", "figures"]].sum()
    agg[["reports", "place"]] = g[["reports", "place"]].first()
    out = []
    for key, a in agg.iterrows():
        p = gaz.get(key)
        shape, reason = _shape(p, key, with_districts)
        out.append({
            "key": key, "place": _text(a["place"]), "place_id": p.id if p else None,
            "name_ar": p.name_ar if p else None, "name_en": name_en(p) if p else None,
            "lat": p.lat if p and shape else None, "lon": p.lon if p and shape else None,
            "precision": p.precision if p else None, "coord_precision": p.coord_precision if p else None,
            "shape": shape, "reason": reason, "best": int(a["best"]), "low": int(a["low"]), "high": int(a["high"]),
            "figures": int(a["figures"]), "reports": int(a["reports"]),
            "breakdown": tuple(sorted(breakdown[key], key=lambda kv: (order.get(kv[0], len(order)), kv[0]))),
        })
    out_df = pd.DataFrame(out, columns=TOTAL_COLUMNS)
    out_df["_drawn"] = out_df["shape"].notna()
    out_df = out_df.sort_values(["_drawn", "best", "key"], ascending=[False, False, True]).drop(columns="_drawn")
    return out_df.reset_index(drop=True)


def _shape(p: gazetteer_mod.Place | None, key: str, with_districts: set[str]) -> tuple[str | None, str | None]:
    if p is None:
        return None, ("not_stated" if key == NOT_STATED else "not_in_gazetteer")
    if p.precision not in POINT_PRECISIONS:
        return None, "wide_area"
    if p.lat is None or p.lon is None:
        return None, "no_coordinate"
    return ("ring" if p.id in with_districts else "point"), None


def _text(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


def scale_of(totals: pd.DataFrame) -> float:
    """The most killed at one place drawn on the map: give it the totals of the whole period, so
    every week of a replay uses the same circle scale."""
    drawn = totals.loc[totals["shape"].notna(), "best"] if not totals.empty else pd.Series(dtype="int64")
    return float(drawn.max()) if not drawn.empty else 1.0


def summary(totals: pd.DataFrame) -> dict[str, int]:
    """Killed drawn as points, in "district not stated" rings, in the unplaced table, and in all."""
    def part(mask: pd.Series) -> int:
        return int(totals.loc[mask, "best"].sum()) if not totals.empty else 0

    if totals.empty:
        return {"points": 0, "rings": 0, "unplaced": 0, "total": 0, "places": 0}
    shape = totals["shape"]
    return {
        "points": part(shape == "point"), "rings": part(shape == "ring"), "unplaced": part(shape.isna()),
        "total": int(totals["best"].sum()), "places": int((shape == "point").sum()),
    }


# ---- time ------------------------------------------------------------------------------------
def weeks_between(first: dt.date | None, last: dt.date | None) -> list[dt.date]:
    """`weeks` of rows whose event dates run from `first` to `last`."""
    if first is None or last is None:
        return []
    return weeks(pd.DataFrame({"event_date": [first, last]}))


def weeks(rows: pd.DataFrame) -> list[dt.date]:
    """Every week (Monday) from the first to the last figure, empty weeks included, so a replay
    moves at an even pace."""
    if rows is None or rows.empty:
        return []
    w = counting.week_start(pd.to_datetime(rows["event_date"])).dropna()
    if w.empty:
        return []
    return [d.date() for d in pd.date_range(w.min(), w.max(), freq="7D")]


def in_period(rows: pd.DataFrame, period: str, week: dt.date | None) -> pd.DataFrame:
    """The rows of one week (``week``), of every week up to it (``to_week``), or all (``all``)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if period == "all" or week is None or rows.empty:
        return rows
    w = counting.week_start(pd.to_datetime(rows["event_date"])).dt.date
    mask = (w == week) if period == "week" else (w <= week)
    return rows[mask.values]


def trend_total(weekly: pd.DataFrame, period: str, week: dt.date | None) -> int:
    """What the trends page adds up (`core.views.counting.totals` of its weekly sums) over the same period
    as the map: the figure the map's points, rings and table must add up to."""
    if weekly is None or weekly.empty:
        return 0
    if period != "all" and week is not None:
        w = pd.to_datetime(weekly["week"]).dt.date
        weekly = weekly[(w == week) if period == "week" else (w <= week)]
    return counting.totals(weekly)["best"]


# ---- what a click shows ----------------------------------------------------------------------
def period_dates(period: str, week: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The event dates a period of the replay covers: (None, None) for all dates."""
    if period == "all" or week is None:
        return None, None
    end = week + dt.timedelta(days=6)
    return (week if period == "week" else None), end


def pick_from_selection(state: Mapping[str, Any] | None) -> str | None:
    """The place key of the object clicked on the map (Streamlit's pydeck selection state)."""
    objects = ((state or {}).get("selection") or {}).get("objects") or {}
    for layer in (POINTS_LAYER, RING_LAYER, BASE_LAYER):
        for obj in objects.get(layer) or []:
            if isinstance(obj, Mapping) and isinstance(obj.get("key"), str):
                return obj["key"]
    return None


def place_label(lang: str, key: str) -> str:
    """How a place key reads in a list: "المشلب — al-Mashlab", a place as written, or "not stated"."""
    if key == NOT_STATED:
        return i18n.t("common.not_stated", lang)
    p = gazetteer_mod.get_place(key)
    return f"{p.name_ar} — {name_en(p)}" if p else key


# ---- tables ------------------------------------------------------------------------------------
def unplaced_table(totals: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The places the map cannot draw, with why, and their killed (one row per place)."""
    cols = [i18n.t(k, lang) for k in ("map.col.place", "map.col.reason", "map.col.killed", "map.col.range",
                                       "map.col.figures", "map.col.reports")]
    if totals.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in totals[totals["shape"].isna()].to_dict("records"):
        if r["key"] == NOT_STATED:
            name = i18n.t("common.not_stated", lang)
        elif isinstance(r["name_ar"], str):
            name = f"{r['name_ar']} — {r['name_en']}"
        else:
            name = _text(r["place"]) or r["key"]
        rows.append([name, i18n.t(f"map.reason.{r['reason']}", lang), r["best"], f"{r['low']}–{r['high']}",
                     r["figures"], r["reports"]])
    return pd.DataFrame(rows, columns=cols)


def legend_html(by: str, totals: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> str:
    """Colour swatches of the categories present (our labels only, escaped all the same), spaced
    by a flex gap so that they stay apart in either direction."""
    present = {c for b in totals["breakdown"] for c, _ in b} if not totals.empty else set()
    item = '<span style="display:inline-flex;align-items:center;gap:6px;white-space:nowrap">{swatch}<span>{text}</span></span>'
    items = []
    for cat in [c for c in categories(by) if c in present] + sorted(present - set(categories(by))):
        swatch = (f'<span style="width:12px;height:12px;border-radius:50%;background:{colour(by, cat)};'
                  'display:inline-block;flex:none"></span>')
        items.append(item.format(swatch=swatch, text=html.escape(_cat_label(by, cat, lang))))
    ring = ('<span style="width:12px;height:12px;border-radius:50%;border:2px solid #333;display:inline-block;'
            'flex:none"></span>')
    items.append(item.format(swatch=ring, text=html.escape(i18n.t("map.legend.ring", lang))))
    river = '<span style="width:18px;height:3px;background:#5B9BD5;display:inline-block;flex:none"></span>'
    items.append(item.format(swatch=river, text=html.escape(i18n.t("map.legend.river", lang))))
    extent = '<span style="width:14px;height:10px;border:1.5px dashed #8A6D3B;display:inline-block;flex:none"></span>'
    items.append(item.format(swatch=extent, text=html.escape(i18n.t("map.legend.city_extent", lang))))
    dir_ = i18n.direction(lang)
    return (f'<div class="map-legend" dir="{dir_}" style="font-size:0.85rem;line-height:1.6;display:flex;'
            f'flex-wrap:wrap;gap:6px 18px">{"".join(items)}</div>')


def _cat_label(by: str, cat: str, lang: str) -> str:
    if cat == NOT_STATED:
        return i18n.t("common.not_stated", lang)
    return i18n.label(by, cat, lang)


def week_label(week: dt.date, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t("trends.week_of", lang, date=trends.short_date(week, lang))
