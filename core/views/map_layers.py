"""The map page's drawing: deck.gl layers for the casualty rings and points, the offline base map
(governorates, districts, rivers, lakes, coast, borders from ``data/geo/``), labels only where they fit, the
view, and Arabic labels shaped for deck.gl's TextLayer (which neither joins Arabic letters nor
orders right-to-left text: `visual_arabic` gives it the joined presentation forms in visual order).
The data they draw comes from `core.views.geo`."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import pandas as pd

from core.extraction import gazetteer as gazetteer_mod
from core.i18n import catalogue as i18n
from core.views.geo import (
    BASE_LABELS,
    BASE_LAYER,
    CITY_ID,
    DISTRICTS_LAYER,
    EXTENT_LAYER,
    GEO_FILE,
    LABEL_FONT,
    LABEL_LANGS,
    LINES_LAYER,
    MAX_RADIUS_PX,
    MIN_RADIUS_PX,
    POINT_PRECISIONS,
    POINTS_LAYER,
    RING_HANDLE_PX,
    RING_LABELS,
    RING_LAYER,
    RING_OUTLINE,
    RIVER_SOUTH_OF_CITY_DEG,
    SYRIA_BOUNDS,
    TILES_URL,
    WATER_LAYER,
    _canonical,
    _cat_label,
    colour,
    gazetteer,
    name_en,
    scale_of,
)


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


# ---- the base map: governorates, districts, rivers, lakes, coast and borders (data/geo/) --------------------
_LINE_STYLE = {  # kind → colour, width in pixels
    "governorate": ([165, 150, 130, 255], 1.2),
    "river": ([91, 155, 213, 255], 2.5), "coast": ([120, 150, 175, 255], 1.2), "border": ([110, 110, 110, 255], 1.4),
}


_LINE_ORDER = {"governorate": 0, "border": 1, "coast": 2, "river": 3}  # drawn in this order


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
    """The offline base map as layer data: ``governorates`` (polygons with a ``centre`` for
    their label), ``districts`` (administrative districts: the land, filled and named on hover
    with their governorate), ``lakes`` (polygons) and ``lines`` (the governorates' outlines,
    drawn over the districts' lighter ones, then borders, coast and rivers)."""
    out: dict[str, list[dict[str, Any]]] = {"governorates": [], "districts": [], "lakes": [], "lines": []}
    layer = {"governorate": "governorates", "district": "districts", "lake": "lakes"}
    governorate_names = {f["properties"]["name_en"]: f["properties"]["name_ar" if lang == "ar" else "name_en"]
                         for f in _geo_features() if f["properties"]["kind"] == "governorate"}
    for f in _geo_features():
        p, geom = f["properties"], f["geometry"]
        kind = p["kind"]
        tip = _tip(p.get("name_en") or "", p.get("name_ar") or "", i18n.t(f"map.geo.{kind}", lang))
        if kind == "district":
            tip["line2"] = i18n.t("map.geo.in_governorate", lang, name=governorate_names.get(
                p.get("governorate_en"), p.get("governorate_en") or ""))
        if kind in layer:
            rings = _rings(geom)
            biggest = max(rings, key=len)
            for ring in rings:
                out[layer[kind]].append({
                    "key": f"geo:{kind}:{p.get('name_en')}" if kind == "district" else f"geo:{p.get('name_en')}",
                    "polygon": ring, "centre": list(_centroid(biggest)), **tip,
                })
                if kind == "governorate":
                    colour, width = _LINE_STYLE[kind]
                    out["lines"].append({"key": f"geo:{kind}:{p.get('name_en')}", "path": ring, "colour": colour,
                                         "width": width, "kind": kind, **tip})
        else:
            colour, width = _LINE_STYLE.get(kind, ([120, 120, 120, 255], 1.0))
            for path in _paths(geom):
                out["lines"].append({"key": f"geo:{kind}:{p.get('name_en')}", "path": path, "colour": colour,
                                     "width": width, "kind": kind, **tip})
    out["lines"].sort(key=lambda d: _LINE_ORDER.get(d["kind"], 1))  # rivers on top
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
            "PolygonLayer", id=DISTRICTS_LAYER, data=geo_data["districts"], get_polygon="polygon",
            get_fill_color=[246, 242, 233, 255], get_line_color=[205, 195, 178, 255], line_width_min_pixels=1,
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
    return _compact(pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**vs),
        **basemap,
        tooltip={"html": TOOLTIP_HTML, "style": {"backgroundColor": "#fff", "color": "#222", "fontSize": "13px",
                                                 "border": "1px solid #ccc"}},
    ))


def _compact(d: Any) -> Any:
    """The deck, sent to the browser without pydeck's indentation (``indent=2`` puts every
    coordinate of the base map on its own line: 600 KB instead of 250 KB per map)."""
    indented = d.to_json
    d.to_json = lambda: json.dumps(json.loads(indented()), separators=(",", ":"), ensure_ascii=False)
    return d


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
