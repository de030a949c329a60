"""One writer process of tests/test_concurrent_store.py (run as a script, not collected).

    python tests/store_writer.py LOCATION SEED GO_FILE ACTS

Ingests every document of the test's corpus, in an order of its own (SEED), into the
store at LOCATION once GO_FILE exists (so that all writers start together), and prints
how many documents it stored and found unchanged, as JSON. The corpus is made here, the
same in every process: ACTS acts, each told by two outlets (two documents whose events
are one act) and each document carrying a claim about the act's town that the other
outlet's claim denies.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from frontlines.models import Actor, Article, Claim, Event, Evidence, Place
from frontlines.store import Store

ARMY = Actor("SYR_GOV", "Military Forces of Syria", 1, "SY")
REBELS = Actor("HTS", "Hayat Tahrir al-Sham", 2, "SY")
DAY = date(2025, 2, 1)


def town(act: int) -> Place:
    # a degree apart: no two acts are near enough to be taken for one
    return Place(f"Town {act}", 20.0 + act, 30.0 + (act % 7), "SY", "Syria", f"Region {act}",
                 "", 8_000_000 + act, "P", "PPL")  # fmt: skip


def document(act: int, outlet: int) -> tuple[Article, list[Event], list[Claim]]:
    article_id = f"act{act}-outlet{outlet}"
    place = town(act)
    day = DAY + timedelta(days=act % 20)
    text = (
        f"Outlet {outlet} reports that government aircraft struck rebel positions in {place.name}."
    )
    event = Event(
        article_id=article_id,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date=day,
        time_precision=1,
        actor1=ARMY,
        actor2=REBELS,
        place=place,
        geo_precision=1,
        location_text=place.name,
        evidence=(Evidence(text, 0, len(text), article_id, "struck"),),
        fatalities=act + outlet,
        fatalities_stated=True,
        date_earliest=day,
        date_latest=day,
    )
    claim = Claim(
        article_id=article_id,
        kind="withdrew",
        stance="asserts" if outlet == 0 else "denies",
        subject=ARMY,
        place=place,
        place_text=place.name,
        claim_date=day,
        attributed_to=f"outlet {outlet}",
        outlet=f"Outlet {outlet}",
        evidence=Evidence(text, 0, len(text), article_id, "withdrew"),
    )
    article = Article(id=article_id, text=text, published=day, outlet=f"Outlet {outlet}")
    return article, [event], [claim]


def corpus(acts: int) -> list[tuple[Article, list[Event], list[Claim]]]:
    return [document(act, outlet) for act in range(acts) for outlet in (0, 1)]


def main() -> None:
    location, seed, go_file, acts = (
        sys.argv[1],
        int(sys.argv[2]),
        Path(sys.argv[3]),
        int(sys.argv[4]),
    )
    docs = corpus(acts)
    random.Random(seed).shuffle(docs)
    statuses: Counter[str] = Counter()
    with Store(location) as store:
        deadline = time.monotonic() + 60
        while not go_file.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for article, events, claims in docs:
            statuses[store.ingest(article, events, claims).status] += 1
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
