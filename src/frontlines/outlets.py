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
from collections.abc import Iterable
from dataclasses import replace
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
    from frontlines.consolidate import detect_wire, source_scale

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
