"""Reads that stay fast: p50/p95 of the API's typical queries on a store of N events,
and the cost of consolidation per event as the store grows.

    .venv/bin/python benchmarks/store.py [--events 100000] [--db PATH] [--repeat 30]

Builds (or reuses, with `--db` naming an existing file of at least N events) a SQLite
store of N synthetic report-level events through `Store.ingest`, the path
`frontlines ingest` takes (one transaction per article of `--per-article` events,
consolidated as they arrive). Acts are spread over six countries, two years per 100k
events (an archive grows in time, not density), 1-4 retellings each. While building it
prints the ingest time per event around 10k, 100k and 1M events (the batch of
`--window` events ending there) and its ratio to the 10k figure: flat means the cost
does not grow with the store. Then it serves the store as `frontlines serve` does
(uvicorn on 127.0.0.1, one process), asks each query `--repeat` times over HTTP with
keep-alive and gzip, and prints p50 and p95 in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from frontlines.api import create_app, server_url
from frontlines.models import Actor, Article, Event, Evidence, Place
from frontlines.store import Store

# Synthetic countries: a box each, towns in ten bands of latitude (their admin1).
COUNTRIES = [
    ("SY", "Syria", (32.3, 37.3, 35.7, 42.4)),
    ("IQ", "Iraq", (29.1, 37.4, 38.8, 48.6)),
    ("UA", "Ukraine", (44.4, 52.4, 22.1, 40.2)),
    ("SD", "Sudan", (8.7, 22.0, 21.8, 38.6)),
    ("ML", "Mali", (10.2, 25.0, -12.2, 4.2)),
    ("MM", "Myanmar", (9.8, 28.5, 92.2, 101.2)),
]
SUBS = [
    ("Battles", "Armed clash", "clashed with"),
    ("Explosions/Remote violence", "Air/drone strike", "struck"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shelled"),
    ("Battles", "Non-state actor overtakes territory", "seized ground from"),
    ("Violence against civilians", "Attack", "attacked"),
    ("Protests", "Peaceful protest", "marched against"),
]
ACTORS = [
    Actor("GOV", "Military Forces", 1),
    Actor("EXT", "External forces", 8),
    Actor("REB", "Rebel group", 2),
    Actor("MIL", "Militia", 3),
    Actor("CIV", "Civilians", 7),
]
OUTLETS = ["Outlet A", "Outlet B", "KYMA (AP)", "MIA (dpa)", "Rudaw", "Enab Baladi"]
CHECKPOINTS = (10_000, 100_000, 1_000_000)


def towns(rng: random.Random, per_country: int = 200) -> list[Place]:
    out = []
    for iso, country, (south, north, west, east) in COUNTRIES:
        for i in range(per_country):
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            band = int((lat - south) / (north - south) * 10)
            out.append(
                Place(
                    f"{iso} town {i}",
                    lat,
                    lon,
                    iso,
                    country,
                    f"{country} region {band}",
                    "",
                    9_000_000 + len(out),
                    "P",
                    "PPL",
                )  # fmt: skip
            )
    return out


def synthetic_events(n: int, seed: int = 11) -> list[Event]:
    """`n` report-level events (article_id set), the retellings of an act scattered."""
    rng = random.Random(seed)
    places = towns(rng)
    start = date(2023, 1, 1)
    days = max(30, n * 730 // 100_000)
    events: list[Event] = []
    act = 0
    while len(events) < n:
        act += 1
        event_type, sub, verb = rng.choice(SUBS)
        place = rng.choice(places)
        day = start + timedelta(days=rng.randrange(days))
        a1, a2 = rng.sample(ACTORS, 2)
        for telling in range(rng.randint(1, 4)):
            text = (
                f"Report {telling} of act {act}: {a1.name} {verb} {a2.name} "
                f"near {place.name} on {day:%d %B}."
            )
            events.append(
                Event(
                    article_id="",
                    event_type=event_type,
                    sub_event_type=sub,
                    event_date=day,
                    time_precision=1,
                    actor1=a1,
                    actor2=a2,
                    place=place,
                    geo_precision=1,
                    location_text=place.name,
                    fatalities=rng.randrange(20),
                    fatalities_stated=rng.random() < 0.5,
                    evidence=(Evidence(text, 0, len(text), "", verb.split()[0]),),
                    date_earliest=day,
                    date_latest=day,
                )
            )
    # retellings arrive within days of each other, between other acts
    order = sorted(range(len(events)), key=lambda i: i + rng.randrange(200))
    return [events[i] for i in order[:n]]


def build(store: Store, n: int, per_article: int, window: int) -> None:
    from dataclasses import replace

    counts = store.counts()
    have = counts["documents"] * per_article  # events sent (ids that repeat are one event)
    if have >= n:
        print(f"reusing {store.path}: {counts['events']} events", flush=True)
        return
    events = synthetic_events(n)
    marks = {c for c in CHECKPOINTS if c <= n}
    first: float | None = None
    began = time.perf_counter()
    window_start: float | None = None
    for i in range(have - have % per_article, n, per_article):
        end = i + per_article
        if any(c - window <= i < c - window + per_article for c in marks):
            window_start = time.perf_counter()
        article_id = f"art-{i}"
        chunk = [replace(e, article_id=article_id) for e in events[i:end]]
        article = Article(
            id=article_id,
            text=f"Synthetic article {i}: " + " ".join(e.evidence[0].text for e in chunk),
            published=chunk[0].event_date,
            outlet=OUTLETS[(i // per_article) % len(OUTLETS)],
        )
        store.ingest(article, chunk)
        if end in marks and window_start is not None:
            per_event = (time.perf_counter() - window_start) / window * 1e6
            first = first or per_event
            print(
                f"ingest with consolidation at {end:>9,} events: {per_event:6.0f} µs/event "
                f"(x{per_event / first:.2f} of the 10k figure)",
                flush=True,
            )
        if end % 50_000 == 0:
            rate = (end - have) / (time.perf_counter() - began)
            print(f"  built {end:,} events ({rate:.0f}/s)", file=sys.stderr, flush=True)


def queries(client: httpx.Client, total_reports: int) -> dict[str, tuple[str, dict[str, str]]]:
    first = client.get("/api/events", params={"limit": 1}).json()["events"][0]
    page = client.get("/api/events", params={"limit": 500, "offset": 5000}).json()
    start = date.fromisoformat(first["event_date"])
    month = {"since": str(start + timedelta(days=60)), "until": str(start + timedelta(days=90))}
    return {
        "default listing (consolidated)": ("/api/events", {}),
        "country=Iraq": ("/api/events", {"country": "Iraq"}),
        "country=ua (ISO)": ("/api/events", {"country": "ua"}),
        "bbox (a Syria-sized box)": ("/api/events", {"bbox": "36,33,40,36"}),
        "q=clashed": ("/api/events", {"q": "clashed"}),
        "q=seized ground (2 words)": ("/api/events", {"q": "seized ground"}),
        "date range (one month)": ("/api/events", month),
        "event_type=Battles + country": (
            "/api/events",
            {"event_type": "battles", "country": "Sudan"},
        ),
        "keyset page after 5,500": ("/api/events", {"after": page["next_after"] or ""}),
        "stats (consolidated)": ("/api/stats", {}),
        "stats country=Mali": ("/api/stats", {"country": "Mali"}),
        "report level listing": ("/api/events", {"level": "report"}),
        "report level offset 40%": (
            "/api/events",
            {"level": "report", "offset": str(int(total_reports * 0.4))},
        ),
        "report level stats": ("/api/stats", {"level": "report"}),
        "one event (detail)": (f"/api/events/{first['event_id']}", {}),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="store size")
    parser.add_argument("--db", type=Path, help="keep the store here (reused when big enough)")
    parser.add_argument("--per-article", type=int, default=5)
    parser.add_argument("--window", type=int, default=5000, help="events timed per checkpoint")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        with Store(db) as store:
            build(store, args.events, args.per_article, args.window)
            counts = {**store.counts(), **store.analysis_counts()}
        size = db.stat().st_size / 2**20
        print(
            f"store: {counts['events']:,} report-level events, "
            f"{counts['consolidated_events']:,} consolidated, {size:,.0f} MiB"
        )
        began = time.perf_counter()
        Store(db).close()
        print(f"open (with the catch-up check): {(time.perf_counter() - began) * 1e3:.1f} ms")
        server = uvicorn.Server(
            uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        client = httpx.Client(base_url=server_url(server, "127.0.0.1"), timeout=600)
        print(f"{'query':<34} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8} {'total':>9}")
        for name, (path, params) in queries(client, counts["events"]).items():
            times = []
            body: dict[str, Any] = {}
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                response = client.get(path, params=params)
                times.append((time.perf_counter() - t0) * 1e3)
                assert response.status_code == 200, (name, response.text[:200])
                body = response.json()
            if path.startswith("/api/events/"):
                rows, total = len(body["reports"]), ""
            elif path == "/api/stats":
                rows, total = len(body["by_day"]), body["events"]
            else:
                rows, total = len(body["events"]), body["total"]
            print(
                f"{name:<34} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f}"
                f" {rows!s:>8} {total!s:>9}"
            )
        server.should_exit = True


if __name__ == "__main__":
    main()
