"""The map page's data: casualty figures grouped by place, honest about how precisely each is placed.

No SQL here (the rows come from `core.storage.queries.map_figures`) and no Streamlit. The map adds up the
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

`place_totals` is the one aggregation: it takes the countable rows and nothing else, so a later
"incidents" table can feed it instead of raw figures.

Labels on the map are drawn by deck.gl's TextLayer, which neither joins Arabic letters nor orders
right-to-left text: `visual_arabic` gives it the joined presentation forms in visual order.
Tooltips are HTML: Streamlit escapes every value it puts into the template, and our values are
place names, numbers and catalogue labels only (no article text).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
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
GOVERNORATES_LAYER, WATER_LAYER, LINES_LAYER, EXTENT_LAYER = "governorates", "lakes", "rivers-borders", "city-extent"
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
    repeats = {pid: first for pid, first in _canonical(gazetteer() if gaz is None else gaz).items() if pid != first}
    pid = rows["place_id"].astype(object)
    if repeats:
        pid = pid.replace(repeats)
    return pid.where(pid.notna(), rows["place"].astype(object)).fillna(NOT_STATED).astype(str)


def ids_of(key: str, gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> list[str]:
    """The values of the place filter that `key` stands for: the gazetteer rows that repeat it
    (``rq-city`` and ``sp-raqqa``), else the key itself."""
    canon = _canonical(gazetteer() if gaz is None else gaz)
    return [pid for pid, c in canon.items() if c == key] or [key]


def place_totals(rows: pd.DataFrame, by: str = "group", gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> pd.DataFrame:
    """Killed per place (`TOTAL_COLUMNS`), from the rows the trend chart adds up.

    ``shape`` is ``point``, ``ring`` (a city named without its district) or None (not drawable:
    ``reason`` says why). ``breakdown`` is a tuple of (category, killed) in legend order.
    Sorted: drawn places first, largest first."""
    if by not in COLOUR_BY:
        raise ValueError(f"colour by must be one of {', '.join(COLOUR_BY)}, not {by!r}")
    if rows is None or rows.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    gaz = gazetteer() if gaz is None else gaz
    with_districts = _has_districts(gaz)
    order = {c: i for i, c in enumerate(categories(by))}
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
    g = df.groupby("key", sort=False)
    agg = g[["best", "low", "high"]].sum()
    agg["figures"] = g.size()
    agg["reports"] = g["article_id"].nunique()
    agg["place"] = g["place"].first()
    cats = df.groupby(["key", "cat"], sort=False)["best"].sum()
    breakdown: dict[str, list[tuple[str, int]]] = {}
    for (key, cat), n in cats.items():
        breakdown.setdefault(key, []).append((cat, int(n)))
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


# ---- layers ------------------------------------------------------------------------------------
def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha]


def radius(n: float, scale_max: float) -> float:
    """Pixel radius of a circle whose area stands for `n` killed (the largest, `scale_max`, gets
    `MAX_RADIUS_PX`); never smaller than `MIN_RADIUS_PX` so one death stays visible."""
    if n <= 0 or scale_max <= 0:
        return 0.0
    return max(MIN_RADIUS_PX, MAX_RADIUS_PX * math.sqrt(n / scale_max))


def _tip(name_en_: str, name_ar: str, line1: str = "", line2: str = "", line3: str = "") -> dict[str, str]:
    return {"name_en": name_en_, "name_ar": name_ar, "line1": line1, "line2": line2, "line3": line3}


TOOLTIP_HTML = (
    '<div dir="auto" style="max-width:320px"><b>{name_en}</b> <span dir="rtl" lang="ar">{name_ar}</span>'
    "<br/>{line1}<br/>{line2}<br/><small>{line3}</small></div>"
)


def _place_lines(r: Mapping[str, Any], by: str, status: str, lang: str) -> tuple[str, str, str]:
    killed = i18n.t("map.tip.total", lang, status=i18n.t(f"trends.status.{status}", lang), best=r["best"],
                    low=r["low"], high=r["high"])
    parts = " · ".join(f"{_cat_label(by, c, lang)} {n}" for c, n in r["breakdown"])
    where = i18n.t("map.tip.figures", lang, figures=i18n.t("count.figures", lang, n=r["figures"]),
                   reports=i18n.t("count.reports", lang, n=r["reports"]))
    if r["shape"] == "ring":
        where += " · " + i18n.t("map.tip.no_district", lang)
    elif isinstance(r.get("coord_precision"), str):
        where += " · " + i18n.t(f"map.tip.coord.{r['coord_precision']}", lang)
    return killed, parts, where


def point_rings(totals: pd.DataFrame, by: str, scale_max: float, status: str = "killed",
                lang: str = i18n.DEFAULT_LANG) -> list[dict[str, Any]]:
    """The data of the points layer: for each place drawn as a point, one disc per category, the
    discs nested so that each visible ring's area stands for its category (largest disc first)."""
    out: list[dict[str, Any]] = []
    if totals.empty:
        return out
    pts = totals[totals["shape"] == "point"]
    for r in pts.to_dict("records"):
        lines = _place_lines(r, by, status, lang)
        remaining = r["best"]
        for cat, n in r["breakdown"]:
            out.append({
                "key": r["key"], "lon": r["lon"], "lat": r["lat"], "category": cat, "killed": n,
                "radius": round(radius(remaining, scale_max), 2), "colour": _rgb(colour(by, cat), 225),
                **_tip(r["name_en"], r["name_ar"], *lines),
            })
            remaining -= n
    out.sort(key=lambda d: -d["radius"])  # big discs first: the smaller ones are drawn on top
    return out


def city_rings(totals: pd.DataFrame, by: str, scale_max: float, status: str = "killed",
               lang: str = i18n.DEFAULT_LANG, labels: str | None = None) -> list[dict[str, Any]]:
    """The data of the "district not stated" layer: one ring per city named without a district.
    Its label is in the language of the place names (`labels`, else the interface's): never an
    English sentence over Arabic names."""
    out: list[dict[str, Any]] = []
    if totals.empty:
        return out
    label_lang = labels if labels in LABEL_LANGS else ("ar" if i18n.direction(lang) == "rtl" else "en")
    for r in totals[totals["shape"] == "ring"].to_dict("records"):
        name = r["name_ar"] if label_lang == "ar" else r["name_en"]
        text = i18n.t("map.ring_label", label_lang, name=name, n=r["best"])
        label = visual_arabic(text)  # drawn by deck.gl
        out.append({
            "key": r["key"], "lon": r["lon"], "lat": r["lat"], "killed": r["best"],
            "radius": round(max(radius(r["best"], scale_max), 10.0), 2), "label": label, "label_text": text,
            **_tip(i18n.t("map.ring_title", lang, name=r["name_en"]), r["name_ar"], *_place_lines(r, by, status, lang)),
        })
    return out


def base_points(gaz: Mapping[str, gazetteer_mod.Place] | None = None, labels: str = "ar",
                lang: str = i18n.DEFAULT_LANG, skip: Iterable[str] = (), with_figures: Iterable[str] = (),
                label_kinds: Iterable[str] = ("district", "village", "town", "city")) -> list[dict[str, Any]]:
    """Every gazetteer place the map could draw (a coordinate and a precise enough kind), once:
    small grey points with their names, so the city is recognisable without map tiles.

    Places that share one point in the gazetteer (the Old City and al-Rashid) are one point, named
    after the first; the tooltip names them all. Only `label_kinds` get a label: landmarks are
    points with a tooltip (they crowd the city centre). `skip`: places another layer names."""
    gaz = gazetteer() if gaz is None else gaz
    canon = _canonical(gaz)
    skip, with_figures, label_kinds = set(skip), set(with_figures), set(label_kinds)
    at: dict[tuple[float, float], list[gazetteer_mod.Place]] = {}
    for pid, p in gaz.items():
        if canon[pid] == pid and p.lat is not None and p.lon is not None and p.precision in POINT_PRECISIONS:
            at.setdefault((p.lat, p.lon), []).append(p)
    out = []
    for (lat, lon), same in at.items():
        p = same[0]
        text = visual_arabic(p.name_ar) if labels == "ar" else name_en(p)
        kinds = " · ".join(dict.fromkeys(i18n.t(f"map.kind.{q.precision}", lang) for q in same))
        coord = i18n.t(f"map.tip.coord.{p.coord_precision}", lang) if p.coord_precision else ""
        nothing = "" if any(q.id in with_figures for q in same) else i18n.t("map.tip.nothing", lang)
        big = p.precision in ("city", "town")
        named = p.id not in skip and p.precision in label_kinds
        out.append({
            "key": p.id, "lon": lon, "lat": lat, "label": text if named else "",
            "label_text": (p.name_ar if labels == "ar" else name_en(p)) if named else "",
            "size": 13 if big else 12 if p.precision == "district" else 11,
            "colour": [30, 30, 30, 255] if big else [55, 55, 55, 255] if p.precision == "district" else [105, 105, 105, 255],
            **_tip(" · ".join(name_en(q) for q in same), " · ".join(q.name_ar for q in same), kinds, nothing, coord),
        })
    return out


# ---- the base map: governorates, rivers, lakes, coast and borders (data/geo/) --------------------
_LINE_STYLE = {  # kind → colour, width in pixels
    "river": ([91, 155, 213, 255], 2.5), "coast": ([120, 150, 175, 255], 1.2), "border": ([110, 110, 110, 255], 1.4),
}


@cache
def _geo_features() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(GEO_FILE.read_text(encoding="utf-8"))["features"])


def _rings(geom: Mapping[str, Any]) -> list[list[list[float]]]:
    """Outer rings of a (Multi)Polygon."""
    if geom["type"] == "Polygon":
        return [geom["coordinates"][0]]
    if geom["type"] == "MultiPolygon":
        return [poly[0] for poly in geom["coordinates"]]
    return []


def _paths(geom: Mapping[str, Any]) -> list[list[list[float]]]:
    if geom["type"] == "LineString":
        return [geom["coordinates"]]
    if geom["type"] == "MultiLineString":
        return list(geom["coordinates"])
    return []


def _centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Area centroid (lon, lat) of a closed ring (planar: good enough for placing a name)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * a), cy / (3 * a)


def base_geography(lang: str = i18n.DEFAULT_LANG) -> dict[str, list[dict[str, Any]]]:
    """The offline base map as layer data: ``governorates`` (polygons, named on hover, with a
    ``centre`` for their label), ``lakes`` (polygons) and ``lines`` (rivers, coast, borders)."""
    out: dict[str, list[dict[str, Any]]] = {"governorates": [], "lakes": [], "lines": []}
    for f in _geo_features():
        p, geom = f["properties"], f["geometry"]
        kind = p["kind"]
        tip = _tip(p.get("name_en") or "", p.get("name_ar") or "", i18n.t(f"map.geo.{kind}", lang))
        if kind in ("governorate", "lake"):
            rings = _rings(geom)
            biggest = max(rings, key=len)
            for ring in rings:
                out["governorates" if kind == "governorate" else "lakes"].append({
                    "key": f"geo:{p.get('name_en')}", "polygon": ring, "centre": list(_centroid(biggest)), **tip,
                })
        else:
            colour, width = _LINE_STYLE.get(kind, ([120, 120, 120, 255], 1.0))
            for path in _paths(geom):
                out["lines"].append({"key": f"geo:{kind}:{p.get('name_en')}", "path": path, "colour": colour,
                                     "width": width, "kind": kind, **tip})
    out["lines"].sort(key=lambda d: d["kind"] == "river")  # rivers drawn over borders
    return out


def city_extent(gaz: Mapping[str, gazetteer_mod.Place] | None = None, pad: float = 0.2) -> list[list[float]]:
    """The city's extent, drawn at the city view: the convex hull of its districts' points in the
    gazetteer, widened by `pad` around its centre (approximate; a closed ring of [lon, lat])."""
    gaz = gazetteer() if gaz is None else gaz
    pts = sorted({(p.lon, p.lat) for p in gaz.values()
                  if p.parent == CITY_ID and p.lat is not None and p.lon is not None})
    if len(pts) < 3:
        return []

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for pt in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], pt) <= 0:
            lower.pop()
        lower.append(pt)
    for pt in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], pt) <= 0:
            upper.pop()
        upper.append(pt)
    hull = lower[:-1] + upper[:-1]
    cx, cy = sum(x for x, _ in hull) / len(hull), sum(y for _, y in hull) / len(hull)
    ring = [[round(cx + (x - cx) * (1 + pad), 5), round(cy + (y - cy) * (1 + pad), 5)] for x, y in hull]
    return [*ring, ring[0]]


# ---- labels only where they fit -------------------------------------------------------------------
def _px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-mercator pixel position at `zoom` (deck.gl: 512-pixel world at zoom 0)."""
    world = 512 * 2**zoom
    siny = math.sin(math.radians(max(-85.0, min(85.0, lat))))
    return (lon + 180) / 360 * world, (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * world


def _text_box(text: str, size: float) -> tuple[float, float]:
    return len(text) * size * 0.62 + 6, size * 1.35


def place_labels(candidates: Sequence[Mapping[str, Any]], view: Mapping[str, float],
                 width: float = 0, height: float = 0) -> list[dict[str, Any]]:
    """The labels that fit at the opening view, each with its pixel ``offset``: candidates (with
    ``lon``, ``lat``, ``text`` as read, ``size`` and ``radius``, the circle their name must stay
    clear of) are taken in order (most important first); a label goes below its point, else above,
    right or left, wherever it overlaps no label already placed and no circle. The others are not
    drawn: their names are in the tooltips."""
    width, height = width or MAP_WIDTH_PX, height or MAP_HEIGHT_PX
    zoom = view["zoom"]
    cx, cy = _px(view["longitude"], view["latitude"], zoom)
    x0, y0 = cx - width / 2, cy - height / 2
    circles = [(*_px(c["lon"], c["lat"], zoom), float(c.get("radius") or 0)) for c in candidates]
    boxes: list[tuple[float, float, float, float]] = []

    def hits(b: tuple[float, float, float, float], own: int) -> bool:
        b = (b[0] - 2, b[1] - 1, b[2] + 2, b[3] + 1)  # a little air between two labels
        if b[0] < x0 + 2 or b[2] > x0 + width - 2 or b[1] < y0 + 2 or b[3] > y0 + height - 2:
            return True
        if any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in boxes):
            return True
        for i, (x, y, r) in enumerate(circles):
            if i == own or r <= 0:
                continue
            nx, ny = min(max(x, b[0]), b[2]), min(max(y, b[1]), b[3])
            if (nx - x) ** 2 + (ny - y) ** 2 < (r + 1) ** 2:
                return True
        return False

    out = []
    for i, c in enumerate(candidates):
        if not c.get("text"):
            continue
        x, y, r = circles[i]
        w, h = _text_box(c["text"], c["size"])
        gap = r + 3
        offsets = ((0, gap + h / 2), (0, -gap - h / 2), (gap + w / 2, 0), (-gap - w / 2, 0))
        for dx, dy in offsets:
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            if not hits(box, i):
                break
        else:
            if not c.get("always"):
                continue
            dx, dy = offsets[0]  # the ring's label is always drawn, under the ring
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
        boxes.append(box)
        out.append({**c, "offset": [round(dx, 1), round(dy, 1)]})
    return out


MAP_WIDTH_PX, MAP_HEIGHT_PX = 840, 500  # the map's usual size on the page, for the opening zoom


def _fit_zoom(lon_span: float, lat_span: float) -> float:
    """The web-mercator zoom at which a span of degrees fills the map (deck.gl: 512 px tiles)."""
    lon_span = max(lon_span, 0.01) * 1.15
    lat_span = max(lat_span, 0.01) * 1.15 / math.cos(math.radians(35.9))
    zoom = min(math.log2(MAP_WIDTH_PX * 360 / (512 * lon_span)), math.log2(MAP_HEIGHT_PX * 360 / (512 * lat_span)))
    return round(max(4.0, min(14.0, zoom)), 2)


def view_state(totals: pd.DataFrame, view: str = "city", gaz: Mapping[str, gazetteer_mod.Place] | None = None) -> dict[str, float]:
    """Where the map opens: centred on Raqqa with all its districts in view (``city``), on every
    place drawn (``all``), or on the whole country (``syria``)."""
    gaz = gazetteer() if gaz is None else gaz
    city = gaz[CITY_ID]
    if view == "syria":
        w, south, e, north = SYRIA_BOUNDS
        return {"latitude": (south + north) / 2, "longitude": (w + e) / 2, "zoom": _fit_zoom(e - w, north - south)}
    if view == "all" and not totals.empty:
        drawn = totals[totals["shape"].notna()]
        lats = [city.lat, *drawn["lat"]]
        lons = [city.lon, *drawn["lon"]]
        return {"latitude": (max(lats) + min(lats)) / 2, "longitude": (max(lons) + min(lons)) / 2,
                "zoom": _fit_zoom(max(lons) - min(lons), max(lats) - min(lats))}
    parts = [p for p in gaz.values() if p.parent == CITY_ID and p.lat is not None and p.lon is not None]
    lon_half = max((abs(p.lon - city.lon) for p in parts), default=0.02)
    lat_half = max((abs(p.lat - city.lat) for p in parts), default=0.02)
    # the Euphrates runs along the south of the city: leave room for it under the districts
    river = RIVER_SOUTH_OF_CITY_DEG
    return {"latitude": city.lat, "longitude": city.lon, "zoom": _fit_zoom(2 * lon_half, 2 * (lat_half + river))}


def deck(
    totals: pd.DataFrame,
    by: str = "group",
    *,
    status: str = "killed",
    lang: str = i18n.DEFAULT_LANG,
    labels: str = "ar",
    tiles: bool = False,
    view: str = "city",
    scale_max: float | None = None,
    gaz: Mapping[str, gazetteer_mod.Place] | None = None,
):
    """The pydeck map: gazetteer points, killed per place, "district not stated" rings, and the
    names on top (white-outlined, readable over the circles).

    No basemap unless `tiles` (``map_provider=None``: nothing is fetched from the internet).
    `scale_max` fixes the circle scale (the largest place over the whole period), so a week-by-week
    replay keeps sizes comparable. Zoomed out on every place (``view="all"``), districts are not
    labelled (they would pile up on the city)."""
    import pydeck as pdk
    from pydeck.types import String

    gaz = gazetteer() if gaz is None else gaz
    if scale_max is None:
        scale_max = scale_of(totals)
    vs = view_state(totals, view, gaz)
    rings = city_rings(totals, by, scale_max, status, lang, labels=labels)
    drawn = list(totals.loc[totals["shape"].notna(), "key"]) if not totals.empty else []
    base = base_points(gaz, labels, lang, skip=[r["key"] for r in rings], with_figures=drawn)
    points = point_rings(totals, by, scale_max, status, lang)
    geo_data = base_geography(lang)
    # Labels that fit, most important first: the ring, places with figures (most killed first),
    # towns, districts, villages; governorates when zoomed out. The rest are named on hover.
    outer: dict[str, float] = {}
    for d in points:
        outer[d["key"]] = max(outer.get(d["key"], 0.0), d["radius"])
    killed = dict(zip(totals["key"], totals["best"], strict=False)) if not totals.empty else {}
    rank = {"city": 1, "town": 1, "district": 2, "village": 3}
    cands: list[dict[str, Any]] = [
        {**r, "text": r["label_text"], "size": 13, "colour": [20, 20, 20, 255], "always": view == "city"}
        for r in rings
    ]
    base_c = []
    for b in base:
        if not b["label"]:
            continue
        prec = gaz[b["key"]].precision if b["key"] in gaz else "landmark"
        if prec not in rank or (view != "city" and prec == "district" and b["key"] not in outer):
            continue  # zoomed out, only districts with figures are named: the others pile up on the city
        base_c.append((0 if b["key"] in outer else rank[prec], -killed.get(b["key"], 0),
                       {**b, "text": b["label_text"], "radius": outer.get(b["key"], 3.0)}))
    cands += [c for *_, c in sorted(base_c, key=lambda t: (t[0], t[1], t[2]["text"]))]
    if view != "city":
        for g in geo_data["governorates"]:
            name = g["name_ar"] if labels == "ar" else g["name_en"]
            cands.append({"key": g["key"], "lon": g["centre"][0], "lat": g["centre"][1], "radius": 0,
                          "text": name, "label": visual_arabic(name) if labels == "ar" else name, "size": 12,
                          "colour": [120, 110, 95, 255]})
    placed = place_labels(cands, vs)
    placed_base = [d for d in placed if not d["key"].startswith("geo:") and d["key"] not in {r["key"] for r in rings}]
    placed_rings = [d for d in placed if d["key"] in {r["key"] for r in rings}]
    placed_geo = [d for d in placed if d["key"].startswith("geo:")]
    font = String(LABEL_FONT)
    text_style = dict(
        size_units=String("pixels"), get_position=["lon", "lat"], get_text="label", get_pixel_offset="offset",
        character_set=String("auto"), font_family=font, outline_width=2, outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True, "fontSize": 64, "buffer": 6}, pickable=False,
    )
    layers = [
        pdk.Layer(
            "PolygonLayer", id=GOVERNORATES_LAYER, data=geo_data["governorates"], get_polygon="polygon",
            get_fill_color=[246, 242, 233, 255], get_line_color=[165, 150, 130, 255], line_width_min_pixels=1,
            stroked=True, filled=True, pickable=True, auto_highlight=False,
        ),
        pdk.Layer(
            "PolygonLayer", id=WATER_LAYER, data=geo_data["lakes"], get_polygon="polygon",
            get_fill_color=[170, 205, 235, 255], get_line_color=[91, 155, 213, 255], line_width_min_pixels=1,
            stroked=True, filled=True, pickable=True,
        ),
        pdk.Layer(
            "PathLayer", id=LINES_LAYER, data=geo_data["lines"], get_path="path", get_color="colour",
            get_width="width", width_units=String("pixels"), width_min_pixels=1, pickable=True,
        ),
        pdk.Layer(
            "PathLayer", id=EXTENT_LAYER, data=[{"key": "geo:extent", "path": city_extent(gaz), **_tip(
                i18n.t("map.legend.city_extent", "en"), i18n.t("map.legend.city_extent", "ar"))}],
            get_path="path", get_color=[138, 109, 59, 200], get_width=1.5, width_units=String("pixels"),
            get_dash_array=[4, 3], dash_justified=True, extensions=[{"@@type": "PathStyleExtension", "dash": True}],
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer", id=BASE_LAYER, data=base, get_position=["lon", "lat"], get_radius=3,
            radius_units=String("pixels"), get_fill_color=[120, 120, 120, 200], pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer", id=POINTS_LAYER, data=points,
            get_position=["lon", "lat"], get_radius="radius", radius_units=String("pixels"),
            get_fill_color="colour", stroked=True, get_line_color=[255, 255, 255, 255], line_width_min_pixels=1,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer", id=RING_OUTLINE, data=rings, get_position=["lon", "lat"], get_radius="radius",
            radius_units=String("pixels"), filled=False, stroked=True, get_line_color=[40, 40, 40, 230],
            line_width_min_pixels=3, pickable=False,
        ),
        # The ring's tooltip and click: a dark dot at its centre (a filled ring would turn opaque
        # when selected and hide the districts under it).
        pdk.Layer(
            "ScatterplotLayer", id=RING_LAYER, data=rings, get_position=["lon", "lat"], get_radius=RING_HANDLE_PX,
            radius_units=String("pixels"), get_fill_color=[40, 40, 40, 230], stroked=True,
            get_line_color=[255, 255, 255, 255], line_width_min_pixels=1, pickable=True,
        ),
        pdk.Layer("TextLayer", id=BASE_LABELS, data=placed_base + placed_geo, get_size="size", get_color="colour",
                  font_weight=600, **text_style),
        pdk.Layer("TextLayer", id=RING_LABELS, data=placed_rings, get_size=13, get_color=[20, 20, 20, 255],
                  font_weight=700, **text_style),
    ]
    # No basemap: pydeck writes mapStyle "__MAP_STYLE__" for map_provider=None, which Streamlit's
    # frontend reads as "none". A deck with no mapStyle at all would get CARTO's tiles from the web.
    basemap = {"map_provider": "carto", "map_style": TILES_URL} if tiles else {"map_provider": None}
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**vs),
        **basemap,
        tooltip={"html": TOOLTIP_HTML, "style": {"backgroundColor": "#fff", "color": "#222", "fontSize": "13px",
                                                 "border": "1px solid #ccc"}},
    )


# ---- Arabic labels for deck.gl's TextLayer ---------------------------------------------------
@cache
def _forms() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Presentation forms from the Unicode database: letter → {isolated, final, initial, medial},
    and alef → {isolated, final} of its lam-alef ligature."""
    letters: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    for cp in [*range(0xFB50, 0xFC00), *range(0xFE70, 0xFEFD)]:
        dec = unicodedata.decomposition(chr(cp)).split()
        if len(dec) < 2 or not dec[0].startswith("<"):
            continue
        form, codes = dec[0][1:-1], [chr(int(c, 16)) for c in dec[1:]]
        if form not in ("isolated", "final", "initial", "medial"):
            continue
        if len(codes) == 1:
            letters.setdefault(codes[0], {}).setdefault(form, chr(cp))
        elif len(codes) == 2 and codes[0] == "\u0644":
            lam_alef.setdefault(codes[1], {}).setdefault(form, chr(cp))
    return letters, lam_alef


def _joins_next(c: str) -> bool:
    f = _forms()[0].get(c)
    return bool(f) and ("initial" in f or "medial" in f)


def _joins_prev(c: str) -> bool:
    f = _forms()[0].get(c)
    return bool(f) and ("final" in f or "medial" in f)


def _shape_arabic(text: str) -> str:
    letters, lam_alef = _forms()
    s = [c for c in text if not unicodedata.combining(c) and c != "\u0640"]  # no harakat, no tatweel
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        prev = i > 0 and _joins_next(s[i - 1])
        if c == "\u0644" and i + 1 < len(s) and s[i + 1] in lam_alef:
            forms = lam_alef[s[i + 1]]
            out.append(forms.get("final" if prev else "isolated") or forms.get("isolated") or c + s[i + 1])
            i += 2
            continue
        f = letters.get(c)
        if not f:
            out.append(c)
            i += 1
            continue
        prev = prev and _joins_prev(c)
        nxt = i + 1 < len(s) and _joins_next(c) and _joins_prev(s[i + 1])
        form = "medial" if prev and nxt else "final" if prev else "initial" if nxt else "isolated"
        out.append(f.get(form) or f.get("isolated") or c)
        i += 1
    return "".join(out)


_LTR_RUN = re.compile(r"[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F .,'’\-/]*[A-Za-z0-9\u00C0-\u024F])?")
_MIRROR = str.maketrans("()[]{}«»<>", ")(][}{»«><")


def visual_arabic(text: str) -> str:
    """Arabic text as deck.gl's TextLayer must receive it: letters in their joined presentation
    forms, in visual (left-to-right) order; digits and Latin words keep their own order.

    >>> visual_arabic("الرقة") == "\\ufe94\\ufed8\\ufedf\\ufe8d"
    True
    """
    if not text or not any("\u0600" <= c <= "\u06ff" for c in text):
        return text
    shaped = _shape_arabic(text)
    runs: list[tuple[str, bool]] = []
    pos = 0
    for m in _LTR_RUN.finditer(shaped):
        if m.start() > pos:
            runs.append((shaped[pos : m.start()], False))
        runs.append((m.group(), True))
        pos = m.end()
    if pos < len(shaped):
        runs.append((shaped[pos:], False))
    return "".join(run if ltr else run[::-1].translate(_MIRROR) for run, ltr in reversed(runs))


def week_label(week: dt.date, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t("trends.week_of", lang, date=trends.short_date(week, lang))
