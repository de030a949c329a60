"""Storage: documents, events and their evidence in SQLite.

All storage goes through `Store`, so a PostgreSQL backend can later sit beside
it with the same methods. The schema is versioned (PRAGMA user_version) and
migrated forward on open. Each document is written in one transaction:
a failure leaves nothing of it behind, and re-ingesting the same content
(same content hash) changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from frontlines import claims as claim_store
from frontlines import consolidate
from frontlines.errors import StoreError
from frontlines.models import (
    Article,
    Claim,
    ConsolidatedEvent,
    Event,
    event_from_json,
    event_to_json,
)

DEFAULT_DB = Path("frontlines.db")

# Each entry moves the schema from version i to i+1. Never edit a released one:
# add a new migration instead.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        origin TEXT,
        url TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        event_date TEXT,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        country TEXT,
        iso TEXT,
        admin1 TEXT,
        location TEXT,
        latitude REAL,
        longitude REAL,
        fatalities INTEGER NOT NULL DEFAULT 0,
        certainty TEXT,
        actor_keys TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_type ON events(event_type, sub_event_type);
    CREATE TABLE evidence (
        event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        trigger TEXT
    );
    CREATE INDEX evidence_event ON evidence(event_id);
    CREATE VIRTUAL TABLE evidence_fts USING fts5(text, event_id UNINDEXED);
    """,
    # 2: claims and their contradictions; clusters of report-level events (consolidate.py)
    """
    CREATE TABLE claims (
        claim_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        stance TEXT NOT NULL,
        position TEXT NOT NULL,
        place_key TEXT NOT NULL,
        place_name TEXT,
        place_norm TEXT,
        text_norm TEXT,
        geonameid INTEGER,
        subject_key TEXT,
        attributed_to TEXT,
        outlet TEXT,
        claim_date TEXT,
        claim_day INTEGER,
        quantity INTEGER,
        event_id TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX claims_place_day ON claims(place_key, claim_day);
    CREATE INDEX claims_article ON claims(article_id);
    CREATE INDEX claims_event ON claims(event_id);
    CREATE INDEX claims_names ON claims(place_norm, text_norm);
    CREATE TABLE contradictions (
        claim_a TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
        claim_b TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
        place_key TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (claim_a, claim_b)
    );
    CREATE INDEX contradictions_b ON contradictions(claim_b);
    CREATE TABLE clusters (
        cluster_id INTEGER PRIMARY KEY,
        cluster_key TEXT NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        day_lo INTEGER,
        day_hi INTEGER,
        latitude REAL,
        longitude REAL,
        geo_precision INTEGER,
        geonameid INTEGER,
        iso TEXT,
        admin1 TEXT,
        families TEXT NOT NULL DEFAULT '',
        initiators TEXT NOT NULL DEFAULT '',
        targets TEXT NOT NULL DEFAULT '',
        members INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX clusters_days ON clusters(day_hi, day_lo);
    CREATE VIRTUAL TABLE cluster_cells USING rtree(
        id, min_lat, max_lat, min_lon, max_lon, min_day, max_day
    );
    CREATE TABLE cluster_members (
        event_id TEXT PRIMARY KEY REFERENCES events(event_id) ON DELETE CASCADE,
        cluster_id INTEGER NOT NULL REFERENCES clusters(cluster_id),
        article_id TEXT NOT NULL,
        outlet TEXT,
        wire TEXT,
        seq INTEGER NOT NULL
    );
    CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id, seq);
    CREATE INDEX cluster_members_article ON cluster_members(article_id);
    CREATE INDEX cluster_members_seq ON cluster_members(seq);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class IngestOutcome:
    article_id: str
    status: str  # "stored", "unchanged", "updated"
    events: int


@dataclass(frozen=True)
class EventFilter:
    since: date | None = None
    until: date | None = None
    country: str | None = None  # name or ISO code
    event_type: str | None = None
    sub_event_type: str | None = None
    admin1: str | None = None
    article_id: str | None = None


@dataclass(frozen=True)
class EventQuery:
    """An EventFilter plus the filters the API adds: box, actor, full text, certainty."""

    where: EventFilter
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    actor: str | None = None
    q: str | None = None
    certainty: str | None = None


def fts_query(text: str) -> str:
    """User words as an FTS5 query: every word must occur; FTS syntax is not exposed."""
    words = re.findall(r"\w+", text)
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def in_bbox(event: Event, bbox: tuple[float, float, float, float]) -> bool:
    if event.place is None:
        return False
    west, south, east, north = bbox
    lat, lon = event.place.latitude, event.place.longitude
    if not south <= lat <= north:
        return False
    if west <= east:
        return west <= lon <= east
    return lon >= west or lon <= east  # the box crosses the antimeridian


_DOC_KEYS = ("id", "title", "outlet", "url", "published", "origin", "ingested_at")
_DOC_COLUMNS = ", ".join(_DOC_KEYS)


def _doc(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(_DOC_KEYS, row, strict=False))


class Store:
    """A frontlines store in one SQLite file (":memory:" for a throwaway one)."""

    def __init__(self, path: Path | str = DEFAULT_DB) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a frontlines store ({exc})") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this frontlines "
                f"({SCHEMA_VERSION}); upgrade frontlines"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.conn:
                self.conn.executescript(
                    "BEGIN;" + MIGRATIONS[target] + f"; PRAGMA user_version = {target + 1};"
                )

    # ------------------------------------------------------------ writing

    def has_content(self, article: Article) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (article.content_hash,)
        ).fetchone()
        return row is not None

    def ingest(
        self, article: Article, events: Sequence[Event], claims: Sequence[Claim] = ()
    ) -> IngestOutcome:
        """Store one document with its events and claims, atomically; its events join
        their consolidated events and its claims are linked to those they contradict."""
        if self.has_content(article):
            return IngestOutcome(article.id, "unchanged", 0)
        status = "stored"
        try:
            with self.conn:  # one transaction: all of the document or nothing
                old = self.conn.execute(
                    "SELECT 1 FROM documents WHERE id = ?", (article.id,)
                ).fetchone()
                if old:
                    status = "updated"
                    consolidate.forget_article(self.conn, article.id)
                    self._delete_document(article.id)
                self.conn.execute(
                    "INSERT INTO documents (id, content_hash, origin, url, outlet, title,"
                    " published, text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        article.id,
                        article.content_hash,
                        article.origin,
                        article.url,
                        article.outlet,
                        article.title,
                        article.published.isoformat() if article.published else None,
                        article.text,
                        datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    ),
                )
                for event in events:
                    self._insert_event(event)
                consolidate.assign_events(self.conn, article, events)
                claim_store.store_claims(self.conn, claims)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: could not store {article.id}: {exc}") from exc
        return IngestOutcome(article.id, status, len(events))

    def _delete_document(self, article_id: str) -> None:
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT event_id FROM events WHERE article_id = ?", (article_id,)
            )
        ]
        self.conn.executemany("DELETE FROM evidence_fts WHERE event_id = ?", [(i,) for i in ids])
        self.conn.execute("DELETE FROM documents WHERE id = ?", (article_id,))

    def _insert_event(self, event: Event) -> None:
        record = event.to_record()
        event_id = event.event_id
        self.conn.execute(
            "INSERT OR REPLACE INTO events (event_id, article_id, event_date, event_type,"
            " sub_event_type, country, iso, admin1, location, latitude, longitude, fatalities,"
            " certainty, actor_keys, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                event_id,
                event.article_id,
                record["event_date"],
                event.event_type,
                event.sub_event_type,
                record["country"],
                event.place.country_code if event.place else "",  # alpha-2, for filters
                record["admin1"],
                record["location"],
                record["latitude"],
                record["longitude"],
                event.fatalities,
                event.certainty,
                " ".join(a.key for a in event.actors),
                event_to_json(event),
            ),
        )
        for ev in event.evidence:
            self.conn.execute(
                "INSERT INTO evidence (event_id, article_id, start, end, text, trigger)"
                " VALUES (?,?,?,?,?,?)",
                (
                    event_id,
                    ev.article_id or event.article_id,
                    ev.start,
                    ev.end,
                    ev.text,
                    ev.trigger,
                ),
            )
            self.conn.execute(
                "INSERT INTO evidence_fts (text, event_id) VALUES (?, ?)", (ev.text, event_id)
            )

    # ------------------------------------------------------------ reading

    def events(self, where: EventFilter | None = None) -> Iterator[Event]:
        """Stored events in date order, filtered."""
        where = where or EventFilter()
        clauses: list[str] = []
        params: list[object] = []
        if where.since:
            clauses.append("event_date >= ?")
            params.append(where.since.isoformat())
        if where.until:
            clauses.append("event_date <= ?")
            params.append(where.until.isoformat())
        if where.country:
            clauses.append("(lower(country) = lower(?) OR lower(iso) = lower(?))")
            params += [where.country, where.country]
        if where.event_type:
            clauses.append("lower(event_type) = lower(?)")
            params.append(where.event_type)
        if where.sub_event_type:
            clauses.append("lower(sub_event_type) = lower(?)")
            params.append(where.sub_event_type)
        if where.admin1:
            clauses.append("lower(admin1) = lower(?)")
            params.append(where.admin1)
        if where.article_id:
            clauses.append("article_id = ?")
            params.append(where.article_id)
        sql = "SELECT data FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY event_date, event_id"
        for (data,) in self.conn.execute(sql, params):
            yield event_from_json(data)

    def counts(self) -> dict[str, int]:
        docs = self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        events = self.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        evidence = self.conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
        return {"documents": docs, "events": events, "evidence": evidence}

    def articles(self) -> Iterator[Article]:
        for row in self.conn.execute(
            "SELECT id, text, published, url, outlet, title, origin FROM documents ORDER BY id"
        ):
            yield Article(
                id=row[0],
                text=row[1],
                published=date.fromisoformat(row[2]) if row[2] else None,
                url=row[3],
                outlet=row[4],
                title=row[5],
                origin=row[6] or "",
            )

    # ------------------------------------------------------------ consolidated events, claims

    def consolidated_events(self, where: EventFilter | None = None) -> Iterator[ConsolidatedEvent]:
        """One event per act, merged across reports (consolidate.py), in date order, filtered
        on the reconciled fields."""
        where = where or EventFilter()
        for event in consolidate.read_consolidated(self.conn, where.since, where.until):
            if _keeps(where, event):
                yield event

    def claims(self, place: str | None = None) -> list[Claim]:
        """Stored claims, by date; `place` by name or gazetteer alias."""
        return claim_store.read_claims(self.conn, place)

    def contradictions(self, place: str | None = None) -> list[claim_store.Contradiction]:
        """Disputes: claims about one place and question that disagree, grouped by side."""
        return claim_store.read_contradictions(self.conn, place)

    def has_table(self, name: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def analysis_counts(self) -> dict[str, int]:
        """Claims, contradictions and consolidated events stored (tables that exist)."""
        counts: dict[str, int] = {}
        for table in ("claims", "contradictions", "clusters"):
            if self.has_table(table):
                n = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                counts["consolidated_events" if table == "clusters" else table] = n
        return counts

    # ------------------------------------------------------------ searching (the API)

    def matching_event_ids(self, q: str) -> set[str]:
        """Report-level events whose evidence matches a full-text query (words, all)."""
        query = fts_query(q)
        if not query:
            return set()
        rows = self.conn.execute(
            "SELECT event_id FROM evidence_fts WHERE evidence_fts MATCH ?", (query,)
        )
        return {r[0] for r in rows}

    def search_events(
        self, query: EventQuery, limit: int | None = None, offset: int = 0
    ) -> tuple[int, list[Event]]:
        """Report-level events by every filter, in date order, one page, with the total.
        All in SQL, so a page costs the same however deep it is."""
        where = query.where
        clauses: list[str] = []
        params: list[object] = []
        simple = [
            ("event_date >= ?", where.since.isoformat() if where.since else None),
            ("event_date <= ?", where.until.isoformat() if where.until else None),
            ("lower(event_type) = lower(?)", where.event_type),
            ("lower(sub_event_type) = lower(?)", where.sub_event_type),
            ("lower(admin1) = lower(?)", where.admin1),
            ("article_id = ?", where.article_id),
            ("certainty = ?", query.certainty),
            (
                "(' ' || upper(actor_keys) || ' ') LIKE ?",
                f"% {query.actor.upper()} %" if query.actor else None,
            ),
        ]
        for clause, value in simple:
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if where.country:
            clauses.append("(lower(country) = lower(?) OR lower(iso) = lower(?))")
            params += [where.country, where.country]
        if query.bbox:
            west, south, east, north = query.bbox
            clauses.append("latitude BETWEEN ? AND ?")
            params += [south, north]
            if west <= east:
                clauses.append("longitude BETWEEN ? AND ?")
            else:
                clauses.append("(longitude >= ? OR longitude <= ?)")
            params += [west, east]
        if query.q is not None:
            ids = self.matching_event_ids(query.q)
            if not ids:
                return 0, []
            clauses.append("event_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(ids)))
        sql_where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = int(
            self.conn.execute("SELECT count(*) FROM events" + sql_where, params).fetchone()[0]
        )
        sql = "SELECT data FROM events" + sql_where + " ORDER BY event_date, event_id"
        page: list[object] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            page = [limit, offset]
        events = [event_from_json(r[0]) for r in self.conn.execute(sql, params + page)]
        return total, events

    def search_consolidated(self, query: EventQuery) -> list[ConsolidatedEvent]:
        """Consolidated events by every filter: EventFilter on the reconciled fields, the
        rest (box, actor, certainty, full text) on the reconciled event, not its reports."""
        ids = self.matching_event_ids(query.q) if query.q is not None else None
        actor = query.actor.upper() if query.actor else None
        out = []
        for event in self.consolidated_events(query.where):
            if query.bbox and not in_bbox(event, query.bbox):
                continue
            if actor and actor not in {a.key.upper() for a in event.actors}:
                continue
            if query.certainty and event.certainty != query.certainty:
                continue
            if ids is not None and not ids.intersection(event.member_ids):
                continue
            out.append(event)
        return out

    def consolidated_event(self, cluster_key: str) -> ConsolidatedEvent | None:
        """One consolidated event by id, reconciling only the clusters of its days."""
        row = self.conn.execute(
            "SELECT day_lo, day_hi FROM clusters WHERE cluster_key = ?", (cluster_key,)
        ).fetchone()
        if row is None:
            return None
        since = date.fromordinal(row[0]) if row[0] else None
        until = date.fromordinal(row[1]) if row[1] else None
        for event in self.consolidated_events(EventFilter(since=since, until=until)):
            if event.cluster_id == cluster_key:
                return event
        return None

    def cluster_of(self, event_id: str) -> str | None:
        """The id of the consolidated event a report-level event belongs to."""
        row = self.conn.execute(
            "SELECT c.cluster_key FROM cluster_members m JOIN clusters c USING (cluster_id)"
            " WHERE m.event_id = ?",
            (event_id,),
        ).fetchone()
        return str(row[0]) if row else None

    def event(self, event_id: str) -> Event | None:
        """One report-level event by id."""
        row = self.conn.execute(
            "SELECT data FROM events WHERE event_id = ?", (event_id,)
        ).fetchone()
        return event_from_json(row[0]) if row else None

    # ------------------------------------------------------------ documents (the API)

    def documents(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The metadata (not the text) of some documents, in the order given."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        rows = self.conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        ).fetchall()
        by_id = {r[0]: _doc(r) for r in rows}
        return [by_id[i] for i in wanted if i in by_id]

    def list_documents(self, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """Documents' metadata with their event counts, newest first: one page, the total."""
        total = int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        rows = self.conn.execute(
            f"SELECT {_DOC_COLUMNS}, (SELECT count(*) FROM events e WHERE e.article_id = d.id)"
            " FROM documents d ORDER BY published DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return total, [{**_doc(r[:-1]), "events": r[-1]} for r in rows]

    def document(self, article_id: str) -> dict[str, Any] | None:
        """One document's metadata and text."""
        row = self.conn.execute(
            f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE id = ?", (article_id,)
        ).fetchone()
        return {**_doc(row[:-1]), "text": row[-1]} if row else None


def _keeps(where: EventFilter, event: Event) -> bool:
    """EventFilter applied in Python, to events built outside SQL."""
    record = event.to_record()
    day = event.event_date
    checks = [
        where.since is None or (day is not None and day >= where.since),
        where.until is None or (day is not None and day <= where.until),
        where.country is None
        or where.country.lower()
        in (
            str(record["country"]).lower(),
            (event.place.country_code if event.place else "").lower(),
        ),
        where.event_type is None or where.event_type.lower() == event.event_type.lower(),
        where.sub_event_type is None
        or where.sub_event_type.lower() == event.sub_event_type.lower(),
        where.admin1 is None or where.admin1.lower() == str(record["admin1"]).lower(),
        where.article_id is None
        or where.article_id in getattr(event, "article_ids", (event.article_id,)),
    ]
    return all(checks)
