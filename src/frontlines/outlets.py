"""Name who published each report, and so the ACLED `source` of its events.

A report's outlet is the one it names (`outlet` in JSONL, `--outlet`, an HTML page's site
name); else the one its URL (a `URL:` line, the fetched address) belongs to, by the
`hosts` of data/outlets.yaml; else the URL's host itself. An event's `source` is that
outlet, then the wire services the report re-runs ("MIA; dpa"), as ACLED lists every
source of a row. A report with neither outlet nor URL keeps an empty `source`: an empty
field beats a guess.

This is a stage over finished objects (pipeline.py calls it): the extractor never has
to know where a report came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from frontlines.models import Article, Event


@lru_cache(maxsize=1)
def _host_names() -> dict[str, str]:
    """host -> outlet (or wire) name, from data/outlets.yaml."""
    text = resources.files("frontlines.data").joinpath("outlets.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    names: dict[str, str] = {}
    for entry in [*data["wires"], *data["outlets"]]:
        for host in entry.get("hosts") or ():
            if entry.get("name"):
                names[str(host).lower()] = str(entry["name"])
    return names


def url_host(url: str | None) -> str:
    """The host of an http(s) URL without `www.`, lower case; "" for anything else."""
    if not url or not re.match(r"^https?://", url, re.I):
        return ""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def outlet_of_url(url: str | None) -> str:
    """The outlet a URL belongs to: a listed host or any subdomain of it, else the host."""
    host = url_host(url)
    if not host:
        return ""
    names = _host_names()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        name = names.get(".".join(labels[i:]))
        if name:
            return name
    return host


def with_outlet(article: Article) -> Article:
    """The article with its outlet named (from its URL when it names none)."""
    if (article.outlet or "").strip():
        return article
    named = outlet_of_url(article.url)
    return replace(article, outlet=named) if named else article


def _credits(outlet: str, wire: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(wire)}(?![\w-])", outlet, re.I))


def joined_source(outlets: Iterable[str], wires: Iterable[str]) -> str:
    """ACLED's `source`: the outlets, then the wires they re-run that no outlet's name
    already credits ("MIA (dpa)" stays as it is; "bluewin.ch" and dpa: "bluewin.ch; dpa")."""
    names = [o.strip() for o in dict.fromkeys(outlets) if o and o.strip()]
    for wire in dict.fromkeys(wires):
        if wire and not any(_credits(o, wire) for o in names):
            names.append(wire)
    return "; ".join(names)


def name_sources(article: Article, events: list[Event]) -> list[Event]:
    """The events of one report with `source` (and, where the outlet is known,
    `source_scale`) filled from its outlet and wire."""
    wire = detect_wire(article)
    source = joined_source([article.outlet or ""], [wire])
    if not source:
        return events
    named = []
    for event in events:
        iso = event.place.country_code if event.place else ""
        scale = source_scale([(article.outlet or "", wire)], iso) or event.source_scale
        named.append(replace(event, source=source, source_scale=scale))
    return named


_SCALES = ["Local", "Subnational", "National", "Regional", "International"]


# ---------------------------------------------------------------- outlets and wires


@dataclass(frozen=True)
class _Outlets:
    wires: tuple[tuple[str, re.Pattern[str], str], ...]  # name, pattern, country
    outlets: tuple[tuple[re.Pattern[str], str, str], ...]  # pattern, country, reach
    region_of: dict[str, frozenset[str]]
    dateline: re.Pattern[str]


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))


@lru_cache(maxsize=1)
def _outlet_data() -> _Outlets:
    text = resources.files("frontlines.data").joinpath("outlets.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    wires = tuple(
        (
            w["name"],
            re.compile(rf"(?<![\w.-])(?:{_alternation(w['patterns'])})(?![\w-])", re.I),
            w.get("country", ""),
        )
        for w in data["wires"]
    )
    outlets = tuple(
        (
            re.compile(rf"(?<![\w-])(?:{_alternation(o['patterns'])})(?![\w-])", re.I),
            o.get("country", "") or "",
            o.get("reach", "national"),
        )
        for o in data["outlets"]
    )
    region_of: dict[str, frozenset[str]] = {}
    for members in (data.get("regions") or {}).values():
        for iso in members:
            region_of[iso] = region_of.get(iso, frozenset()) | frozenset(members)
    names = _alternation([p for w in data["wires"] for p in w["patterns"]])
    # "BEIRUT (AP) —", "Idlib/Beirut, 2 December 2024 (dpa/MIA) -": a wire's dateline credit
    dateline = re.compile(rf"\(\s*(?:{names})\s*(?:/[^)]{{0,30}})?\)\s*[-—–]", re.I)
    return _Outlets(wires, outlets, region_of, dateline)


def detect_wire(article: Article) -> str:
    """The wire service an article re-runs, where its outlet name or dateline shows it."""
    data = _outlet_data()
    outlet = article.outlet or ""
    for name, pattern, _country in data.wires:
        if pattern.search(outlet):
            return name
    head = data.dateline.search(article.text[:600])
    if head:
        for name, pattern, _country in data.wires:
            if pattern.search(head.group(0)):
                return name
    return ""


def _outlet_home(outlet: str, wire: str) -> tuple[str, str] | None:
    """(home country, reach) of a source: the wire's where the outlet re-runs one."""
    data = _outlet_data()
    if wire:
        for name, _pattern, country in data.wires:
            if name == wire:
                return country, "international"
    for pattern, country, reach in data.outlets:
        if pattern.search(outlet):
            return country, reach
    return None


def source_scale(sources: Iterable[tuple[str, str]], event_iso: str) -> str:
    """ACLED's source_scale for (outlet, wire) sources of an event in `event_iso`:
    one scale, or the narrowest and widest joined ("National-International")."""
    data = _outlet_data()
    scales: set[str] = set()
    new_media = False
    for outlet, wire in sources:
        home = _outlet_home(outlet, wire)
        if home is None:
            continue
        country, reach = home
        if reach == "new media":
            new_media = True
        elif country and country == event_iso and reach != "international":
            scales.add(reach.capitalize())
        elif country and event_iso and event_iso in data.region_of.get(country, frozenset()):
            scales.add("Regional")
        else:
            scales.add("International")
    ranked = sorted(scales, key=_SCALES.index)
    if new_media:
        ranked.append("New media")
    if not ranked:
        return ""
    if len(ranked) == 1:
        return ranked[0]
    return f"{ranked[0]}-{ranked[-1]}"
