"""Cost of incremental consolidation as the store grows: 10k and 100k synthetic events.

    .venv/bin/python benchmarks/consolidation.py [--sizes 10000 100000] [--per-article 5]

Synthetic acts (a town of a 300-town grid over a Syria-sized box, a day, a sub-type,
two actors) are each told by one to four outlets, some coded to the governorate rather
than the town, some with a week-long date range. An archive grows in time, not in
density: the days span grows with the size (10k events over a year, 100k over ten), so
a day and town hold as many acts at every size. Articles of
`--per-article` events are ingested one transaction each, as `frontlines ingest` does,
into a fresh SQLite file. Prints the time per event spent clustering
(`consolidate.assign_events`) and in the whole ingest, and the clusters found. Near-
linear cost shows as a flat time per event from 10k to 100k.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from frontlines import consolidate
from frontlines.models import Actor, Article, Event, Evidence, Place
from frontlines.store import Store

SUBS = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Violence against civilians", "Attack"),
]
ACTORS = [
    Actor("SYR_GOV", "Military Forces of Syria", 1, "SY"),
    Actor("RUS_MIL", "Military Forces of Russia", 8, "RU"),
    Actor("HTS", "Hayat Tahrir al-Sham", 2, "SY"),
    Actor("OPPOSITION", "Armed opposition", 2),
    Actor("SDF", "Syrian Democratic Forces", 2, "SY"),
]
OUTLETS = ["Outlet A", "Outlet B", "KYMA (AP)", "MIA (dpa)", "Rudaw", "Enab Baladi"]


def towns(rng: random.Random, n: int = 300) -> list[Place]:
    out = []
    for i in range(n):
        lat, lon = rng.uniform(32.3, 37.3), rng.uniform(35.7, 42.4)
        # ten governorates in bands of latitude, as a gazetteer hierarchy would give
        admin1 = f"Governorate {int((lat - 32.3) * 2)}"
        out.append(Place(f"Town {i}", lat, lon, "SY", "Syria", admin1, "", 900000 + i, "P", "PPL"))
    return out


def synthetic_events(n: int, seed: int = 7) -> tuple[list[Event], int]:
    """`n` report-level events and the number of acts they tell."""
    rng = random.Random(seed)
    places = towns(rng)
    start = date(2024, 1, 1)
    days = max(1, n * 365 // 10_000)  # as many acts per town and day at every size
    events: list[Event] = []
    act = 0
    while len(events) < n:
        act += 1
        event_type, sub = rng.choice(SUBS)
        place = rng.choice(places)
        day = start + timedelta(days=rng.randrange(days))
        a1, a2 = rng.sample(ACTORS, 2)
        for telling in range(rng.randint(1, 4)):
            precision = 3 if rng.random() < 0.1 else 1
            lo, hi = (
                (day - timedelta(days=3), day + timedelta(days=3))
                if rng.random() < 0.1
                else (day, day)
            )
            text = f"Act {act}, telling {telling}: {sub} at {place.name} on {day}."
            events.append(
                Event(
                    article_id="",
                    event_type=event_type,
                    sub_event_type=sub,
                    event_date=lo + (hi - lo) // 2,
                    time_precision=1 if lo == hi else 2,
                    actor1=a1,
                    actor2=a2,
                    place=place,
                    geo_precision=precision,
                    location_text=place.name if precision < 3 else place.admin1,
                    fatalities=rng.randrange(20),
                    fatalities_stated=rng.random() < 0.5,
                    evidence=(Evidence(text, 0, len(text), "", sub),),
                    date_earliest=lo,
                    date_latest=hi,
                )
            )
    rng.shuffle(events)  # reports of one act arrive in any order, between others
    return events[:n], act


def run(n: int, per_article: int) -> tuple[float, float, int, int, float]:
    events, acts = synthetic_events(n)
    spent = 0.0
    original = consolidate.assign_events

    def timed(*args: object, **kwargs: object) -> None:
        nonlocal spent
        began = time.perf_counter()
        original(*args, **kwargs)  # type: ignore[arg-type]
        spent += time.perf_counter() - began

    consolidate.assign_events = timed  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            began = time.perf_counter()
            for i in range(0, n, per_article):
                article_id = f"art-{i}"
                chunk = [replace(e, article_id=article_id) for e in events[i : i + per_article]]
                article = Article(
                    id=article_id,
                    text=f"Synthetic article {i}.",
                    published=chunk[0].event_date,
                    outlet=OUTLETS[(i // per_article) % len(OUTLETS)],
                )
                store.ingest(article, chunk)
            total = time.perf_counter() - began
            clusters = store.cluster_count()
            began = time.perf_counter()
            read = sum(1 for _ in store.consolidated_events())
            reading = time.perf_counter() - began
            assert read == clusters
    finally:
        consolidate.assign_events = original
    return spent, total, clusters, acts, reading


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-article", type=int, default=5)
    args = parser.parse_args()
    baseline: float | None = None
    for n in args.sizes:
        spent, total, clusters, acts, reading = run(n, args.per_article)
        per_event = spent / n * 1e6
        baseline = baseline or per_event
        print(
            f"{n:>7} events: clustering {spent:6.1f} s ({per_event:5.0f} µs/event, "
            f"x{per_event / baseline:.2f} of the first size), whole ingest {total:6.1f} s, "
            f"{clusters} consolidated events for about {acts} synthetic acts, "
            f"read back in {reading:.1f} s"
        )


if __name__ == "__main__":
    main()
