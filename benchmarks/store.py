"""Reads that stay fast: p50/p95 of the API's typical queries on a store of N events,
on SQLite and on PostgreSQL, and the cost of consolidation per event as the store grows.

    .venv/bin/python benchmarks/store.py [--events 100000] [--db PATH] [--repeat 30]
        [--pg postgresql://USER@HOST/DB]   (default: $FRONTLINES_TEST_PG; none: SQLite only)
        [--reuse-pg]   (with --db naming a built store: read the PostgreSQL copy kept before)

Builds (or reuses, with `--db` naming an existing file of at least N events) a SQLite
store of N synthetic report-level events through `Store.ingest`, the path
`frontlines ingest` takes (one transaction per article of `--per-article` events,
consolidated as they arrive). Acts are spread over six countries, two years per 100k
events (an archive grows in time, not density), 1-4 retellings each; the reports arrive
in the order they were published (each within three days of its act), as an archive or
a feed is ingested. While building it
prints the ingest time per event around 10k, 100k and 1M events (the batch of
`--window` events ending there) and its ratio to the 10k figure: flat means the cost
does not grow with the store.

With a PostgreSQL database, at each of those sizes less the window the SQLite store is
copied into a fresh schema of it by COPY (the bulk path: the same rows, clusters and
consolidated events, no re-analysis), and the same window is then ingested there through
`Store.ingest`: the PostgreSQL consolidation cost per event at that size. The last copy
(N events, the same store as the SQLite file) is kept for the reads.

Then it serves each store as `frontlines serve` does (uvicorn on 127.0.0.1, one process),
asks each query `--repeat` times over HTTP with keep-alive and gzip, and prints p50 and
p95 in ms; then each statistics query `--repeat` times right after a write (a report in
this process, as a watched feed brings one: the server's kept answers out of date), and
what each costs computed in full here (the server's first answer of a filter it keeps
no years of).
"""

from __future__ import annotations

import argparse
import json
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

from frontlines.api import create_app, server_url, stats
from frontlines.models import Actor, Article, Event, Evidence, Place
from frontlines.store import (
    PG_CONSOLIDATED_TERMS,
    PG_CONSOLIDATED_WORDS,
    EventFilter,
    EventQuery,
    Store,
    recount_totals,
)

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
    return synthetic_acts(n, seed)[0]


def synthetic_acts(n: int, seed: int = 11) -> tuple[list[Event], list[int]]:
    """synthetic_events, with the act each event tells (what the bulk path clusters by)."""
    rng = random.Random(seed)
    places = towns(rng)
    start = date(2023, 1, 1)
    days = max(30, n * 730 // 100_000)
    events: list[Event] = []
    acts: list[int] = []
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
            acts.append(act)
    # an archive arrives as it was published: each report within three days of its act,
    # so the retellings of an act arrive within days of each other, between other acts
    # (acts of all days in random order made every write of a big store land on a cold
    # page of every date index: not what ingesting news does)
    published = [e.event_date.toordinal() + rng.uniform(0, 3) for e in events]  # type: ignore[union-attr]
    order = sorted(range(len(events)), key=published.__getitem__)
    return [events[i] for i in order[:n]], [acts[i] for i in order[:n]]


def article_at(events: list[Event], i: int, per_article: int) -> tuple[Article, list[Event]]:
    """The synthetic article of events i .. i + per_article (its events carry its id)."""
    from dataclasses import replace

    article_id = f"art-{i}"
    chunk = [replace(e, article_id=article_id) for e in events[i : i + per_article]]
    article = Article(
        id=article_id,
        text=f"Synthetic article {i}: " + " ".join(e.evidence[0].text for e in chunk),
        published=chunk[0].event_date,
        outlet=OUTLETS[(i // per_article) % len(OUTLETS)],
    )
    return article, chunk


class BulkLoader:
    """The fast path to a big store: documents and events written as `Store.ingest`
    writes them (its own statements), but many documents per transaction, and clustered
    by the act each event tells (known here) instead of by matching, which is what
    consolidation finds for these acts. Each cluster's reconciled event is computed and
    stored by consolidate.py's own functions once a batch is in. An act that has a member
    stored through `Store.ingest` (the timed windows) is not the bulk path's to cluster:
    the rest of its documents go through `Store.ingest` too."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.members: dict[int, list[Any]] = {}  # act -> its members (consolidate._Member)
        self.cluster_of: dict[int, int] = {}
        self.real_acts: set[int] = set()
        db = store.db
        self.next_cluster = int(db.execute("SELECT coalesce(max(cluster_id), 0) FROM clusters").fetchone()[0]) + 1  # fmt: skip
        self.seq = int(db.execute("SELECT coalesce(max(seq), 0) FROM cluster_members").fetchone()[0])  # fmt: skip

    def ingest(self, article: Article, events: list[Event], acts: list[int]) -> None:
        """Through Store.ingest. An act whose event consolidation put in the act's own
        cluster (a new one of its own, or the one the bulk path made for it) stays the
        bulk path's, which adopts that cluster; any other act is no longer the bulk
        path's (its later documents go through Store.ingest too). Without adopting, every
        document sharing an act with one that went through Store.ingest would follow it,
        and the build would run at Store.ingest's pace from the first timed window on."""
        from frontlines import consolidate
        from frontlines.outlets import detect_wire

        self.store.ingest(article, events)
        db = self.store.db
        wire = detect_wire(article)
        unique = {e.event_id: (e, act) for e, act in zip(events, acts, strict=True)}
        for event_id, (event, act) in unique.items():
            if act in self.real_acts:
                continue
            row = db.execute(
                "SELECT m.cluster_id, c.members FROM cluster_members m"
                " JOIN clusters c ON c.cluster_id = m.cluster_id WHERE m.event_id = ?",
                (event_id,),
            ).fetchone()
            members = self.members.get(act, [])
            if row is None or int(row[1]) != len(members) + 1:
                self.real_acts.add(act)  # shared with another act, or not clustered
                continue
            if self.cluster_of.setdefault(act, int(row[0])) != int(row[0]):
                self.real_acts.add(act)  # consolidation kept it apart from its act
                continue
            self.members[act] = [*members,
                                 consolidate._Member(event, article.id, article.outlet or "", wire)]  # fmt: skip
        self.next_cluster = max(self.next_cluster, int(db.execute("SELECT coalesce(max(cluster_id), 0) FROM clusters").fetchone()[0]) + 1)  # fmt: skip
        self.seq = max(self.seq, int(db.execute("SELECT coalesce(max(seq), 0) FROM cluster_members").fetchone()[0]))  # fmt: skip

    def load(self, batch: list[tuple[Article, list[Event], list[int]]]) -> None:
        """A batch in order: runs of bulk documents, each in one transaction, and between
        them the documents that must go through Store.ingest."""
        run: list[tuple[Article, list[Event], list[int]]] = []
        for item in batch:
            if self.real_acts.intersection(item[2]):
                self._bulk(run)
                run = []
                self.ingest(*item)
            else:
                run.append(item)
        self._bulk(run)

    def _bulk(self, batch: list[tuple[Article, list[Event], list[int]]]) -> None:
        from frontlines import consolidate
        from frontlines.outlets import detect_wire

        if not batch:
            return
        db = self.store.db
        touched: dict[int, int] = {}  # act -> members before this batch
        new_members: list[tuple[object, ...]] = []
        with db.transaction():
            for article, events, acts in batch:
                db.execute(
                    "INSERT INTO documents (id, content_hash, origin, url, outlet, title,"
                    " published, text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (article.id, article.content_hash, article.origin, article.url,
                     article.outlet, article.title, article.published.isoformat()
                     if article.published else None, article.text, "2025-01-01T00:00:00+00:00"),
                )  # fmt: skip
                # one id per event (a repeated id is one event, as REPLACE makes it)
                unique = {e.event_id: (e, act) for e, act in zip(events, acts, strict=True)}
                wire = detect_wire(article)
                for event, act in unique.values():
                    self.store._insert_event(event)
                    members = self.members.setdefault(act, [])
                    touched.setdefault(act, len(members))
                    members.append(
                        consolidate._Member(event, article.id, article.outlet or "", wire)
                    )
                    if act not in self.cluster_of:
                        self.cluster_of[act] = self.next_cluster
                        self.next_cluster += 1
                    self.seq += 1
                    new_members.append((event.event_id, self.cluster_of[act], article.id,
                                        article.outlet or "", wire, self.seq))  # fmt: skip
            for act, before in touched.items():
                members = self.members[act]
                cluster_id = self.cluster_of[act]
                first = members[0].event
                key = first.event_id
                # the tellings of one act agree on all the summary says but their number
                db.execute(
                    "INSERT INTO clusters (cluster_id, cluster_key, event_type,"
                    " sub_event_type, day_lo, day_hi, latitude, longitude, geo_precision,"
                    " geonameid, iso, admin1, families, initiators, targets, members)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (cluster_id) DO UPDATE SET members = excluded.members",
                    (cluster_id, key, *consolidate._summary_columns(first), len(members)),
                )
                if before == 0:
                    lo, hi = consolidate._days(first)
                    place = first.place
                    assert place is not None
                    consolidate._index(db, cluster_id, place.latitude, place.longitude,
                                       first.geo_precision, lo, hi)  # fmt: skip
                consolidate.store_reconciled(db, cluster_id, consolidate.reconcile(key, members))
            db.executemany(
                "INSERT INTO cluster_members (event_id, cluster_id, article_id, outlet, wire,"
                " seq) VALUES (?,?,?,?,?,?)",
                new_members,
            )


def build(
    store: Store, n: int, per_article: int, window: int, pg_url: str | None, reuse_pg: bool = False
) -> str | None:
    """The SQLite store of n events, by the bulk path, with each checkpoint's window
    stored and timed through Store.ingest; with `pg_url`, the same windows timed on
    PostgreSQL copies (see the module's docstring). Returns the location of the
    PostgreSQL store of n events, if one was made."""
    counts = store.counts()
    if counts["documents"] * per_article >= n:
        print(f"reusing {store.path}: {counts['events']} events", flush=True)
        # no windows to time: the PostgreSQL store is the SQLite one, copied (or the copy
        # an earlier run kept, with --reuse-pg)
        if pg_url and reuse_pg and schema_exists(pg_url, f"bench_{n}"):
            print(f"reusing PostgreSQL schema bench_{n}", flush=True)
            return schema_url(pg_url, f"bench_{n}")
        return copy_to_postgres(store, pg_url, f"bench_{n}") if pg_url else None
    if counts["documents"]:
        raise SystemExit(f"{store.path}: a smaller store; remove it or give another --db")
    events, acts = synthetic_acts(n)
    marks: list[int] = []
    for c in sorted({c for c in CHECKPOINTS if c <= n} | {n}):
        if c - window >= (marks[-1] if marks else 0):  # windows never overlap
            marks.append(c)
    windows = {c - window for c in marks}
    loader = BulkLoader(store)
    first: dict[str, float] = {}
    began = time.perf_counter()
    pg_copy: str | None = None
    batch: list[tuple[Article, list[Event], list[int]]] = []
    i = 0
    while i < n:
        if i in windows:
            loader.load(batch)
            batch = []
            mark = i + window
            if pg_url:  # the store as it is before the window, for PostgreSQL to time it
                pg_copy = copy_to_postgres(store, pg_url, f"bench_{mark}")
            started, cpu = time.perf_counter(), time.process_time()
            for j in range(i, mark, per_article):
                loader.ingest(*article_at(events, j, per_article), acts[j : j + per_article])
            report_window("sqlite", mark, window, started, cpu, first)
            if pg_copy is not None:
                with Store(pg_copy) as pg:
                    started, cpu = time.perf_counter(), time.process_time()
                    for j in range(i, mark, per_article):
                        pg.ingest(*article_at(events, j, per_article))
                    report_window("postgresql", mark, window, started, cpu, first)
                if mark != n:
                    drop_schema(pg_url or "", f"bench_{mark}")
            i = mark
            continue
        batch.append((*article_at(events, i, per_article), acts[i : i + per_article]))
        i += per_article
        if len(batch) * per_article >= 20_000:
            loader.load(batch)
            batch = []
        if i % 100_000 == 0:
            rate = i / (time.perf_counter() - began)
            print(f"  built {i:,} events ({rate:.0f}/s)", file=sys.stderr, flush=True)
    loader.load(batch)
    return pg_copy


def report_window(
    kind: str, size: int, window: int, started: float, cpu: float, first: dict[str, float]
) -> None:
    """The window's wall time per event and its ratio to the first window's; and this
    process's CPU time per event (on a shared machine the wall time also holds the other
    work's; PostgreSQL's own work is in its server, not in this process's CPU time)."""
    per_event = (time.perf_counter() - started) / window * 1e6
    cpu_per_event = (time.process_time() - cpu) / window * 1e6
    base = first.setdefault(kind, per_event)
    cpu_base = first.setdefault(kind + " cpu", cpu_per_event)
    print(
        f"{kind:<10} ingest with consolidation at {size:>9,} events: {per_event:6.0f} µs/event "
        f"(x{per_event / base:.2f} of the first figure); CPU of this process "
        f"{cpu_per_event:6.0f} µs/event (x{cpu_per_event / cpu_base:.2f})",
        flush=True,
    )


# ---------------------------------------------------------------- the PostgreSQL copy

# What the copy carries over, table by table (children after parents). cluster_cells are
# rebuilt from the clusters (SQLite's R*Tree keeps 32-bit boxes); PostgreSQL computes its
# own generated columns (points, evidence words, cells' boxes, row order).
COPIED = {
    "documents": "id, content_hash, origin, url, outlet, title, published, text, ingested_at",
    "events": "event_id, article_id, event_date, event_type, sub_event_type, country, iso,"
    " admin1, location, latitude, longitude, fatalities, certainty, actor_keys, data, record",
    "evidence": 'event_id, article_id, start, "end", text, trigger',
    "claims": "claim_id, article_id, kind, stance, position, place_key, place_name, place_norm,"
    " text_norm, geonameid, subject_key, attributed_to, outlet, claim_date, claim_day, quantity,"
    " event_id, data",
    "contradictions": "dispute_id, place_key, position_one, position_two, reasons",
    "contradiction_sides": "dispute_id, claim_id",
    "clusters": "cluster_id, cluster_key, event_type, sub_event_type, day_lo, day_hi, latitude,"
    " longitude, geo_precision, geonameid, iso, admin1, families, initiators, targets, members",
    "cluster_members": "event_id, cluster_id, article_id, outlet, wire, seq",
    "consolidated": "cluster_id, cluster_key, event_date, event_type, sub_event_type, country,"
    " iso, admin1, latitude, longitude, fatalities, certainty, actor_keys, reports",
    "consolidated_data": "cluster_id, data, record",
}
ORDER = {"events": " ORDER BY rowid"}


def schema_url(pg_url: str, schema: str) -> str:
    joiner = "&" if "?" in pg_url else "?"
    return f"{pg_url}{joiner}options=-csearch_path%3D{schema},public"


def schema_exists(pg_url: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as admin:
        found = admin.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
            " AND table_name = 'consolidated'",
            (schema,),
        ).fetchone()
    return found is not None


def drop_schema(pg_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def copy_to_postgres(store: Store, pg_url: str, schema: str) -> str:
    """The SQLite store's rows COPY'd into a new PostgreSQL store in `schema` (made by
    Store's own migrations, indexes and all); returns its location."""
    import psycopg

    from frontlines.consolidate import REGION_DEG, _box

    drop_schema(pg_url, schema)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    location = schema_url(pg_url, schema)
    Store(location).close()
    began = time.perf_counter()
    rows_copied = 0
    with psycopg.connect(location) as conn:
        conn.execute("SET synchronous_commit = off")
        try:  # a superuser skips the foreign-key triggers: the rows come from a sound store
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            conn.rollback()
        cur = conn.cursor()
        for table, columns in COPIED.items():
            rows = store.db.execute(f"SELECT {columns} FROM {table}{ORDER.get(table, '')}")
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    rows_copied += 1
        clusters = store.db.execute(
            "SELECT cluster_id, latitude, longitude, geo_precision, day_lo, day_hi FROM clusters"
            " WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND day_lo IS NOT NULL"
            " AND day_hi IS NOT NULL"
        )
        with cur.copy(
            "COPY cluster_cells (id, min_lat, max_lat, min_lon, max_lon, min_day, max_day)"
            " FROM STDIN"
        ) as copy:
            for cluster_id, lat, lon, precision, lo, hi in clusters:
                box = _box(lat, lon, REGION_DEG) if precision >= 3 else (lat, lat, lon, lon)
                copy.write_row((cluster_id, *box, lo, hi))
        conn.execute(PG_CONSOLIDATED_WORDS)  # what SQLite keeps in its FTS5 table
        conn.execute(PG_CONSOLIDATED_TERMS)
        # what the triggers keep (a replica's COPY fires none)
        recount_totals(conn)
        for table, column in (("clusters", "cluster_id"), ("contradictions", "dispute_id")):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" coalesce(max({column}), 0) + 1, false) FROM {table}"
            )
        conn.commit()
    with psycopg.connect(location, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    print(
        f"  copied {rows_copied:,} rows into PostgreSQL schema {schema} in "
        f"{time.perf_counter() - began:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    return location


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
        "stats (consolidated)": queries_of_stats()["stats (consolidated)"],
        "stats country=Mali": queries_of_stats()["stats country=Mali"],
        "report level listing": ("/api/events", {"level": "report"}),
        "report level offset 40%": (
            "/api/events",
            {"level": "report", "offset": str(int(total_reports * 0.4))},
        ),
        "report level stats": queries_of_stats()["report level stats"],
        "one event (detail)": (f"/api/events/{first['event_id']}", {}),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(location: str | Path, total_reports: int, repeat: int) -> dict[str, Any]:
    """Each query `repeat` times over HTTP against the store: name -> p50, p95, rows, total."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(location), host="127.0.0.1", port=0, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    client = httpx.Client(base_url=server_url(server, "127.0.0.1"), timeout=600)
    out: dict[str, Any] = {}
    try:
        for name, (path, params) in queries(client, total_reports).items():
            times = []
            body: dict[str, Any] = {}
            for _ in range(repeat):
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
            out[name] = (statistics.median(times), percentile(times, 0.95), rows, total)
        out.update(after_writes(location, client, repeat))
    finally:
        client.close()
        server.should_exit = True
    # the server keeps /api/stats answers until the store changes (the whole store's from
    # its start): what one costs to compute, as the first request after a write does
    with Store(location) as store:
        for name, (_path, params) in queries_of_stats().items():
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                query = EventQuery(EventFilter(country=params.get("country")))
                level = params.get("level", "consolidated")
                counts = {**store.counts(), **store.analysis_counts()}
                text = json.dumps({"level": level, "store": counts,
                                   **stats(store.event_stats(query, level))})  # fmt: skip
                times.append((time.perf_counter() - t0) * 1e3)
            answer = json.loads(text)
            out[f"{name}, computed (not kept)"] = (
                statistics.median(times), percentile(times, 0.95),
                len(answer["by_day"]), answer["events"],
            )  # fmt: skip
    return out


def after_writes(location: str | Path, client: httpx.Client, repeat: int) -> dict[str, Any]:
    """Each statistics query `repeat` times, each right after a write (a new report of a
    new act in Mali on the store's last day, as a watched feed brings): what the server
    answers while a store is being written, its kept answers out of date."""
    from dataclasses import replace

    last = date.fromisoformat(client.get("/api/stats").json()["date_range"][1])
    mali = Place("ML town written", 16.5, -2.5, "ML", "Mali", "Mali region 4", "", 9_999_999,
                 "P", "PPL")  # fmt: skip
    template = replace(synthetic_events(1)[0], place=mali, location_text=mali.name,
                       event_date=last, date_earliest=last, date_latest=last)  # fmt: skip
    stamp = time.time_ns()
    out: dict[str, Any] = {}
    with Store(location) as writer:
        for name, (path, params) in queries_of_stats().items():
            times = []
            body: dict[str, Any] = {}
            for k in range(repeat):
                article_id = f"written-{stamp}-{len(out)}-{k}"
                text = f"Report {article_id}: militia attacked a convoy near the town."
                event = replace(template, article_id=article_id,
                                evidence=(Evidence(text, 0, len(text), article_id, "attacked"),))  # fmt: skip
                writer.ingest(Article(id=article_id, text=text, published=last,
                                      outlet="Outlet A"), [event])  # fmt: skip
                t0 = time.perf_counter()
                response = client.get(path, params=params)
                times.append((time.perf_counter() - t0) * 1e3)
                assert response.status_code == 200, (name, response.text[:200])
                body = response.json()
            out[f"{name}, after a write"] = (
                statistics.median(times), percentile(times, 0.95),
                len(body["by_day"]), body["events"],
            )  # fmt: skip
    return out


def queries_of_stats() -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "stats (consolidated)": ("/api/stats", {}),
        "stats country=Mali": ("/api/stats", {"country": "Mali"}),
        "report level stats": ("/api/stats", {"level": "report"}),
    }


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="store size")
    parser.add_argument("--db", type=Path, help="keep the store here (reused when big enough)")
    parser.add_argument("--pg", default=os.environ.get("FRONTLINES_TEST_PG", ""),
                        help="a PostgreSQL database to measure too (a schema of it is used)")  # fmt: skip
    parser.add_argument("--per-article", type=int, default=5)
    parser.add_argument("--window", type=int, default=5000, help="events timed per checkpoint")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse-pg", action="store_true",
                        help="with --db naming a built store: read the PostgreSQL copy an"
                        " earlier run kept (schema bench_N) instead of copying it again")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        with Store(db) as store:
            pg_location = build(store, args.events, args.per_article, args.window,
                                args.pg or None, args.reuse_pg)  # fmt: skip
            counts = {**store.counts(), **store.analysis_counts()}
        size = db.stat().st_size / 2**20
        print(
            f"store: {counts['events']:,} report-level events, "
            f"{counts['consolidated_events']:,} consolidated, {size:,.0f} MiB (SQLite)"
        )
        stores: dict[str, str | Path] = {"sqlite": db}
        if pg_location:
            stores["postgresql"] = pg_location
        for kind, location in stores.items():
            began = time.perf_counter()
            Store(location).close()
            print(f"{kind}: open (with its checks): {(time.perf_counter() - began) * 1e3:.1f} ms")
        results = {
            kind: measure(loc, counts["events"], args.repeat) for kind, loc in stores.items()
        }
        # a shared machine's other work shows in every figure: say how busy it was
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        header = f"{'query':<46}" + "".join(
            f" {kind[:6] + ' p50':>11} {kind[:6] + ' p95':>11}" for kind in results
        )
        print(header + f" {'rows':>6} {'total':>9}")
        for name in next(iter(results.values())):
            line = f"{name:<46}"
            for figures in results.values():
                line += f" {figures[name][0]:11.1f} {figures[name][1]:11.1f}"
            rows, total = next(iter(results.values()))[name][2:]
            totals = {str(figures[name][3]) for figures in results.values()}
            agree = "" if len(totals) == 1 else f"  (totals differ: {sorted(totals)})"
            print(f"{line} {rows!s:>6} {total!s:>9}{agree}")
        if pg_location and not args.db:
            drop_schema(args.pg, f"bench_{args.events}")


if __name__ == "__main__":
    main()
