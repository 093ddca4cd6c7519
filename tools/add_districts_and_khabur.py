"""One-off: add Syria's districts (ADM2) and the Khabur and Balikh rivers to data/geo/syria.geojson.

Sources (see data/geo/README.md for licences):
- districts: OCHA `syr_admbnda_adm2_uncs_unocha` (20201217), as the file `syr_admin2.geojson` of the
  public repository alahwa/Syria-GeoJson-Maps (commit 81d1da2);
- rivers: Natural Earth 1:10m `ne_10m_rivers_europe` (v4.1, martynafford/natural-earth-geojson),
  whose lines carry no names; the project names them by their course (`RIVERS` below).

Run: python tools/add_districts_and_khabur.py ADM2.geojson NE_RIVERS_EUROPE.json
Deterministic: features of kind "district" and the rivers below are replaced, the rest is kept.
Geometry is simplified with Douglas-Peucker (written here) and rounded to 4 decimals."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

GEO = Path(__file__).resolve().parents[1] / "data" / "geo" / "syria.geojson"
DISTRICT_TOLERANCE = 0.012  # degrees (about a kilometre, under a pixel at the Syria view): named on hover
RIVER_TOLERANCE = 0.002
# Natural Earth object id → names; checked by course: the Khabur passes al-Hasakah (40.75 E, 36.50 N)
# and meets the Euphrates at al-Busayrah (40.43 E, 35.15 N); the Balikh passes Tal Abyad (38.95 E,
# 36.70 N) and meets the Euphrates at Raqqa (39.01 E, 35.95 N).
RIVERS = {859: ("Khabur", "الخابور"), 5645: ("Balikh", "البليخ")}


def _seg_dist(p: list[float], a: list[float], b: list[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(pts: list[list[float]], tol: float) -> list[list[float]]:
    """Douglas-Peucker, iterative (rings of thousands of points)."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = _seg_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def _round(pts: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in pts:
        q = [round(x, 4), round(y, 4)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def _ring(ring: list[list[float]], tol: float) -> list[list[float]] | None:
    # split a closed ring in two halves so Douglas-Peucker keeps its shape
    mid = len(ring) // 2
    r = _round(simplify(ring[: mid + 1], tol)[:-1] + simplify(ring[mid:], tol))
    return r if len(r) >= 4 else None


def districts(path: str) -> list[dict]:
    out = []
    for f in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
        p, g = f["properties"], f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings = [r for poly in polys if (r := _ring(poly[0], DISTRICT_TOLERANCE))]
        geom = {"type": "Polygon", "coordinates": [rings[0]]} if len(rings) == 1 else \
            {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}
        out.append({"type": "Feature", "properties": {
            "kind": "district", "name_en": p["NAME_EN"], "name_ar": p["NAME_ARA"], "pcode": p["PCODE"],
            "governorate_en": p["ADMIN1_EN"]}, "geometry": geom})
    return sorted(out, key=lambda f: f["properties"]["pcode"])


def rivers(path: str) -> list[dict]:
    out = []
    for f in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
        oid = f["properties"].get("objectid")
        if oid in RIVERS and f["geometry"]["type"] == "LineString":
            en, ar = RIVERS[oid]
            coords = _round(simplify(f["geometry"]["coordinates"], RIVER_TOLERANCE))
            out.append({"type": "Feature", "properties": {"kind": "river", "name_en": en, "name_ar": ar},
                        "geometry": {"type": "LineString", "coordinates": coords}})
    return sorted(out, key=lambda f: f["properties"]["name_en"])


def main(adm2: str, ne_rivers: str) -> None:
    data = json.loads(GEO.read_text(encoding="utf-8"))
    names = {en for en, _ in RIVERS.values()}
    kept = [f for f in data["features"] if f["properties"]["kind"] != "district"
            and not (f["properties"]["kind"] == "river" and f["properties"]["name_en"] in names)]
    first_other = next(i for i, f in enumerate(kept) if f["properties"]["kind"] != "governorate")
    data["features"] = kept[:first_other] + districts(adm2) + kept[first_other:] + rivers(ne_rivers)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    GEO.write_text(text, encoding="utf-8")
    print(f"{GEO.name}: {len(data['features'])} features, {len(text.encode()) / 1024:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
