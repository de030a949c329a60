"""Storage: documents, events and their evidence in SQLite.

All storage goes through `Store`, so a PostgreSQL backend can later sit beside
it with the same methods. The schema is versioned (PRAGMA user_version) and
migrated forward on open. Each document is written in one transaction:
a failure leaves nothing of it behind, and re-ingesting the same content
(same content hash) changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from frontlines.errors import StoreError
from frontlines.models import Article, Event, event_from_json, event_to_json

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

    def ingest(self, article: Article, events: Sequence[Event]) -> IngestOutcome:
        """Store one document with its events, atomically."""
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
                record["iso"],
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
