"""Storage: documents, events and their evidence in SQLite or PostgreSQL + PostGIS.

All storage goes through `Store`: `--db PATH` is an SQLite file, `--db postgresql://...`
a PostgreSQL database that several processes may write at once (database.py says how
each engine keeps writers apart). The schema is versioned (PRAGMA user_version; the
`schema_version` table on PostgreSQL) and migrated forward on open, the same steps on
both engines. Each document is written in one transaction:
a failure leaves nothing of it behind, and re-ingesting the same content
(same content hash) changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from frontlines import consolidate
from frontlines.claims import (
    CLAIM_WINDOW_DAYS,
    Contradiction,
    conflict,
    contradiction,
    disputing,
    place_key,
    position,
    toll_conflict,
)
from frontlines.database import (
    Database,
    PostgresDatabase,
    PostgresPool,
    SqliteDatabase,
    display_name,
    is_postgres,
)
from frontlines.database import first_line as _first_line
from frontlines.errors import FrontlinesError, StoreError
from frontlines.gazetteer import normalize_name
from frontlines.models import (
    SUB_TO_TYPE,
    TAXONOMY,
    Actor,
    Article,
    Claim,
    ConsolidatedEvent,
    Event,
    Evidence,
    Place,
    claim_from_json,
    claim_to_json,
    event_from_json,
    json_default,
)

DEFAULT_DB = Path("frontlines.db")
# Held by the one writer that changes clusters, reconciled events and disputes: what a
# document's events join depends on every document stored before it.
CONSOLIDATION_LOCK = "consolidation"
# pages (4 KiB) an SQLite store's write-ahead log grows by between checkpoints
WAL_CHECKPOINT_PAGES = 10_000
_OPEN_TRIES = 100  # times 0.1 s: how long a store opened by another process at once is awaited
# offsets beyond this into every event skip whole days by the kept counts per day
_SKIP_DAYS_FROM = 5_000
# a box or full-text filter matching at least one row in this many is paged by a walk of
# the date-order index (see Store._page)
_WALK_SHARE = 50

# Each entry moves the schema from version i to i+1. Never edit a released one:
# add a new migration instead.


def _sqlite_totals(prefix: str, source: str, place_collation: str = "") -> str:
    """The schema step that keeps the statistics of every row of `source` as it changes
    (by day and type in `{prefix}_day_totals`, by place in `{prefix}_place_totals`),
    by triggers on insert, delete and update, on SQLite: steps 8 (consolidated events)
    and 10 (report-level events)."""
    return _sqlite_kept(
        _SQLITE_TOTALS, _SQLITE_TOTALS_ADD, _SQLITE_TOTALS_REMOVE, prefix, source, place_collation
    )


def _sqlite_kept(
    step: str, add: str, remove: str, prefix: str, source: str, place_collation: str
) -> str:
    """A kept-totals step on SQLite: its template with the trigger bodies that add a row
    to the totals and remove one from them (an SQLite trigger cannot call another, so
    the change trigger holds both)."""
    return step.format(
        prefix=prefix,
        source=source,
        place_collation=place_collation,
        add=add.format(prefix=prefix),
        remove=remove.format(prefix=prefix),
    )


def _pg_totals(prefix: str, source: str) -> str:
    """PostgreSQL's form of `_sqlite_totals` (one trigger function for the three cases)."""
    return _PG_TOTALS.format(prefix=prefix, source=source)


# '' is an undated or unplaced row's day or place
_SQLITE_TOTALS = """
    CREATE TABLE {prefix}_day_totals (
        event_date TEXT NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        events INTEGER NOT NULL,
        fatalities INTEGER NOT NULL,
        PRIMARY KEY (event_date, event_type, sub_event_type)
    ) WITHOUT ROWID;
    CREATE TABLE {prefix}_place_totals (
        country TEXT{place_collation} NOT NULL,
        admin1 TEXT{place_collation} NOT NULL,
        events INTEGER NOT NULL,
        fatalities INTEGER NOT NULL,
        PRIMARY KEY (country, admin1)
    ) WITHOUT ROWID;
    INSERT INTO {prefix}_day_totals
        SELECT coalesce(event_date, ''), event_type, sub_event_type, count(*),
               coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3;
    INSERT INTO {prefix}_place_totals
        SELECT coalesce(country, ''), coalesce(admin1, ''), count(*), coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2;
    CREATE TRIGGER {prefix}_totals_in AFTER INSERT ON {source} BEGIN
{add}    END;
    CREATE TRIGGER {prefix}_totals_out AFTER DELETE ON {source} BEGIN
{remove}    END;
    CREATE TRIGGER {prefix}_totals_change
    AFTER UPDATE OF event_date, event_type, sub_event_type, country, admin1, fatalities
    ON {source} BEGIN
{remove}{add}    END;
    """
# the bodies of its triggers (see _sqlite_kept)
_SQLITE_TOTALS_ADD = """\
        INSERT INTO {prefix}_day_totals VALUES (coalesce(new.event_date, ''),
            new.event_type, new.sub_event_type, 1, new.fatalities)
        ON CONFLICT (event_date, event_type, sub_event_type) DO UPDATE
            SET events = events + 1, fatalities = fatalities + excluded.fatalities;
        INSERT INTO {prefix}_place_totals VALUES (coalesce(new.country, ''),
            coalesce(new.admin1, ''), 1, new.fatalities)
        ON CONFLICT (country, admin1) DO UPDATE
            SET events = events + 1, fatalities = fatalities + excluded.fatalities;
"""
_SQLITE_TOTALS_REMOVE = """\
        UPDATE {prefix}_day_totals SET events = events - 1,
            fatalities = fatalities - old.fatalities
        WHERE event_date = coalesce(old.event_date, '') AND event_type = old.event_type
            AND sub_event_type = old.sub_event_type;
        UPDATE {prefix}_place_totals SET events = events - 1,
            fatalities = fatalities - old.fatalities
        WHERE country = coalesce(old.country, '') AND admin1 = coalesce(old.admin1, '');
"""
_PG_TOTALS = """
    CREATE TABLE {prefix}_day_totals (
        event_date TEXT COLLATE "C" NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        events BIGINT NOT NULL,
        fatalities BIGINT NOT NULL,
        PRIMARY KEY (event_date, event_type, sub_event_type)
    );
    CREATE TABLE {prefix}_place_totals (
        country TEXT NOT NULL,
        admin1 TEXT NOT NULL,
        events BIGINT NOT NULL,
        fatalities BIGINT NOT NULL,
        PRIMARY KEY (country, admin1)
    );
    INSERT INTO {prefix}_day_totals
        SELECT coalesce(event_date, ''), event_type, sub_event_type, count(*),
               coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3;
    INSERT INTO {prefix}_place_totals
        SELECT coalesce(country, ''), coalesce(admin1, ''), count(*), coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2;
    CREATE FUNCTION {prefix}_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {prefix}_day_totals SET events = events - 1,
                fatalities = fatalities - OLD.fatalities
            WHERE event_date = coalesce(OLD.event_date, '') AND event_type = OLD.event_type
                AND sub_event_type = OLD.sub_event_type;
            UPDATE {prefix}_place_totals SET events = events - 1,
                fatalities = fatalities - OLD.fatalities
            WHERE country = coalesce(OLD.country, '') AND admin1 = coalesce(OLD.admin1, '');
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {prefix}_day_totals VALUES (coalesce(NEW.event_date, ''),
                NEW.event_type, NEW.sub_event_type, 1, NEW.fatalities)
            ON CONFLICT (event_date, event_type, sub_event_type) DO UPDATE
                SET events = {prefix}_day_totals.events + 1,
                    fatalities = {prefix}_day_totals.fatalities + excluded.fatalities;
            INSERT INTO {prefix}_place_totals VALUES (coalesce(NEW.country, ''),
                coalesce(NEW.admin1, ''), 1, NEW.fatalities)
            ON CONFLICT (country, admin1) DO UPDATE
                SET events = {prefix}_place_totals.events + 1,
                    fatalities = {prefix}_place_totals.fatalities + excluded.fatalities;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER {prefix}_totals_in AFTER INSERT OR DELETE ON {source}
        FOR EACH ROW EXECUTE FUNCTION {prefix}_totals();
    CREATE TRIGGER {prefix}_totals_change
        AFTER UPDATE OF event_date, event_type, sub_event_type, country, admin1, fatalities
        ON {source} FOR EACH ROW EXECUTE FUNCTION {prefix}_totals();
    """


def _sqlite_country_totals(prefix: str, source: str, place_collation: str = "") -> str:
    """Schema 13's step on SQLite: the statistics of `source`'s rows kept per country too
    (its alpha-2 code first: by day and type in `{prefix}_country_day_totals`, by place in
    `{prefix}_country_place_totals`), so that a country's /api/stats reads its rows of
    these instead of grouping its events (a sixth of a million-event store)."""
    return _sqlite_kept(
        _SQLITE_COUNTRY_TOTALS, _SQLITE_COUNTRY_ADD, _SQLITE_COUNTRY_REMOVE,
        prefix, source, place_collation,
    )  # fmt: skip


def _pg_country_totals(prefix: str, source: str) -> str:
    """PostgreSQL's form of `_sqlite_country_totals`."""
    return _PG_COUNTRY_TOTALS.format(prefix=prefix, source=source)


# the codes case-free on SQLite, as its country filter compares them (COLLATE NOCASE);
# PostgreSQL's filter compares the stored upper-case code exactly, and so do these keys
_SQLITE_COUNTRY_TOTALS = """
    CREATE TABLE {prefix}_country_day_totals (
        iso TEXT COLLATE NOCASE NOT NULL,
        event_date TEXT NOT NULL,
        event_type TEXT NOT NULL,
        events INTEGER NOT NULL,
        fatalities INTEGER NOT NULL,
        PRIMARY KEY (iso, event_date, event_type)
    ) WITHOUT ROWID;
    CREATE TABLE {prefix}_country_place_totals (
        iso TEXT COLLATE NOCASE NOT NULL,
        country TEXT{place_collation} NOT NULL,
        admin1 TEXT{place_collation} NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        events INTEGER NOT NULL,
        fatalities INTEGER NOT NULL,
        PRIMARY KEY (iso, country, admin1, event_type, sub_event_type)
    ) WITHOUT ROWID;
    INSERT INTO {prefix}_country_day_totals
        SELECT coalesce(iso, ''), coalesce(event_date, ''), event_type, count(*),
               coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3;
    INSERT INTO {prefix}_country_place_totals
        SELECT coalesce(iso, ''), coalesce(country, ''), coalesce(admin1, ''), event_type,
               sub_event_type, count(*), coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3, 4, 5;
    CREATE TRIGGER {prefix}_country_totals_in AFTER INSERT ON {source} BEGIN
{add}    END;
    CREATE TRIGGER {prefix}_country_totals_out AFTER DELETE ON {source} BEGIN
{remove}    END;
    CREATE TRIGGER {prefix}_country_totals_change
    AFTER UPDATE OF event_date, event_type, sub_event_type, iso, country, admin1, fatalities
    ON {source} BEGIN
{remove}{add}    END;
    """
# the bodies of its triggers (see _sqlite_kept)
_SQLITE_COUNTRY_ADD = """\
        INSERT INTO {prefix}_country_day_totals VALUES (coalesce(new.iso, ''),
            coalesce(new.event_date, ''), new.event_type, 1, new.fatalities)
        ON CONFLICT (iso, event_date, event_type) DO UPDATE
            SET events = events + 1, fatalities = fatalities + excluded.fatalities;
        INSERT INTO {prefix}_country_place_totals VALUES (coalesce(new.iso, ''),
            coalesce(new.country, ''), coalesce(new.admin1, ''), new.event_type,
            new.sub_event_type, 1, new.fatalities)
        ON CONFLICT (iso, country, admin1, event_type, sub_event_type) DO UPDATE
            SET events = events + 1, fatalities = fatalities + excluded.fatalities;
"""
_SQLITE_COUNTRY_REMOVE = """\
        UPDATE {prefix}_country_day_totals SET events = events - 1,
            fatalities = fatalities - old.fatalities
        WHERE iso = coalesce(old.iso, '') AND event_date = coalesce(old.event_date, '')
            AND event_type = old.event_type;
        UPDATE {prefix}_country_place_totals SET events = events - 1,
            fatalities = fatalities - old.fatalities
        WHERE iso = coalesce(old.iso, '') AND country = coalesce(old.country, '')
            AND admin1 = coalesce(old.admin1, '') AND event_type = old.event_type
            AND sub_event_type = old.sub_event_type;
"""
_PG_COUNTRY_TOTALS = """
    CREATE TABLE {prefix}_country_day_totals (
        iso TEXT NOT NULL,
        event_date TEXT COLLATE "C" NOT NULL,
        event_type TEXT NOT NULL,
        events BIGINT NOT NULL,
        fatalities BIGINT NOT NULL,
        PRIMARY KEY (iso, event_date, event_type)
    );
    CREATE TABLE {prefix}_country_place_totals (
        iso TEXT NOT NULL,
        country TEXT NOT NULL,
        admin1 TEXT NOT NULL,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        events BIGINT NOT NULL,
        fatalities BIGINT NOT NULL,
        PRIMARY KEY (iso, country, admin1, event_type, sub_event_type)
    );
    INSERT INTO {prefix}_country_day_totals
        SELECT coalesce(iso, ''), coalesce(event_date, ''), event_type, count(*),
               coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3;
    INSERT INTO {prefix}_country_place_totals
        SELECT coalesce(iso, ''), coalesce(country, ''), coalesce(admin1, ''), event_type,
               sub_event_type, count(*), coalesce(sum(fatalities), 0)
        FROM {source} GROUP BY 1, 2, 3, 4, 5;
    CREATE FUNCTION {prefix}_country_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {prefix}_country_day_totals SET events = events - 1,
                fatalities = fatalities - OLD.fatalities
            WHERE iso = coalesce(OLD.iso, '') AND event_date = coalesce(OLD.event_date, '')
                AND event_type = OLD.event_type;
            UPDATE {prefix}_country_place_totals SET events = events - 1,
                fatalities = fatalities - OLD.fatalities
            WHERE iso = coalesce(OLD.iso, '') AND country = coalesce(OLD.country, '')
                AND admin1 = coalesce(OLD.admin1, '') AND event_type = OLD.event_type
                AND sub_event_type = OLD.sub_event_type;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {prefix}_country_day_totals VALUES (coalesce(NEW.iso, ''),
                coalesce(NEW.event_date, ''), NEW.event_type, 1, NEW.fatalities)
            ON CONFLICT (iso, event_date, event_type) DO UPDATE
                SET events = {prefix}_country_day_totals.events + 1,
                    fatalities = {prefix}_country_day_totals.fatalities + excluded.fatalities;
            INSERT INTO {prefix}_country_place_totals VALUES (coalesce(NEW.iso, ''),
                coalesce(NEW.country, ''), coalesce(NEW.admin1, ''), NEW.event_type,
                NEW.sub_event_type, 1, NEW.fatalities)
            ON CONFLICT (iso, country, admin1, event_type, sub_event_type) DO UPDATE
                SET events = {prefix}_country_place_totals.events + 1,
                    fatalities = {prefix}_country_place_totals.fatalities + excluded.fatalities;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER {prefix}_country_totals_in AFTER INSERT OR DELETE ON {source}
        FOR EACH ROW EXECUTE FUNCTION {prefix}_country_totals();
    CREATE TRIGGER {prefix}_country_totals_change
        AFTER UPDATE OF event_date, event_type, sub_event_type, iso, country, admin1, fatalities
        ON {source} FOR EACH ROW EXECUTE FUNCTION {prefix}_country_totals();
    """

# Schema 14: a mark per scope of the statistics ('*': every event; else a country's code)
# and year of days, moved whenever a kept day total of that year changes (by triggers on
# the day totals): a server keeps each year's part of an answer and, after a write,
# computes again only the years whose marks moved (a write is a few days, and twenty
# years of days by type were the whole of a statistics answer's cost). The year is the
# date's first four characters; '' is undated.
_SQLITE_MARKS = """
    CREATE TABLE {prefix}_stats_marks (
        scope TEXT COLLATE NOCASE NOT NULL,
        year TEXT NOT NULL,
        changes INTEGER NOT NULL,
        PRIMARY KEY (scope, year)
    ) WITHOUT ROWID;
    INSERT INTO {prefix}_stats_marks
        SELECT '*', substr(event_date, 1, 4), 1 FROM {prefix}_day_totals GROUP BY 2;
    INSERT INTO {prefix}_stats_marks
        SELECT iso, substr(event_date, 1, 4), 1 FROM {prefix}_country_day_totals GROUP BY 1, 2;
    CREATE TRIGGER {prefix}_marks_in AFTER INSERT ON {prefix}_day_totals BEGIN
{add_all}    END;
    CREATE TRIGGER {prefix}_marks_change AFTER UPDATE ON {prefix}_day_totals BEGIN
{add_all}    END;
    CREATE TRIGGER {prefix}_marks_move AFTER UPDATE OF event_date ON {prefix}_day_totals BEGIN
{remove_all}    END;
    CREATE TRIGGER {prefix}_marks_out AFTER DELETE ON {prefix}_day_totals BEGIN
{remove_all}    END;
    CREATE TRIGGER {prefix}_country_marks_in AFTER INSERT ON {prefix}_country_day_totals BEGIN
{add_country}    END;
    CREATE TRIGGER {prefix}_country_marks_change AFTER UPDATE ON {prefix}_country_day_totals
    BEGIN
{add_country}    END;
    CREATE TRIGGER {prefix}_country_marks_move
    AFTER UPDATE OF iso, event_date ON {prefix}_country_day_totals BEGIN
{remove_country}    END;
    CREATE TRIGGER {prefix}_country_marks_out AFTER DELETE ON {prefix}_country_day_totals
    BEGIN
{remove_country}    END;
    """
# a mark moved: `row` is new (the row as written) or old (as it was); `scope` '*' or its
# iso. A total's update changes its counts, not its keys (its year's mark moves once);
# one that moved a row to another day or country moves the old year's mark too
_SQLITE_MARK = """\
        INSERT INTO {prefix}_stats_marks VALUES ({scope}, substr({row}.event_date, 1, 4), 1)
        ON CONFLICT (scope, year) DO UPDATE SET changes = changes + 1;
"""


def _sqlite_marks(prefix: str) -> str:
    """Schema 14's step on SQLite for one level (see _SQLITE_MARKS)."""

    def mark(scope: str, row: str) -> str:
        return _SQLITE_MARK.format(prefix=prefix, scope=scope, row=row)

    return _SQLITE_MARKS.format(
        prefix=prefix,
        add_all=mark("'*'", "new"),
        remove_all=mark("'*'", "old"),
        add_country=mark("new.iso", "new"),
        remove_country=mark("old.iso", "old"),
    )


_PG_MARKS = """
    CREATE TABLE {prefix}_stats_marks (
        scope TEXT NOT NULL,
        year TEXT NOT NULL,
        changes BIGINT NOT NULL,
        PRIMARY KEY (scope, year)
    );
    INSERT INTO {prefix}_stats_marks
        SELECT '*', substr(event_date, 1, 4), 1 FROM {prefix}_day_totals GROUP BY 2;
    INSERT INTO {prefix}_stats_marks
        SELECT iso, substr(event_date, 1, 4), 1 FROM {prefix}_country_day_totals GROUP BY 1, 2;
"""
# a trigger function per table: its scope '*' or the row's iso (as SQLite's, the old
# row's year moves only when the row is deleted or moved)
_PG_MARKS_FUNCTION = """
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                AND ({old_scope}, OLD.event_date) IS DISTINCT FROM ({new_scope}, NEW.event_date))
        THEN
            INSERT INTO {prefix}_stats_marks VALUES ({old_scope}, substr(OLD.event_date, 1, 4), 1)
            ON CONFLICT (scope, year) DO UPDATE SET changes = {prefix}_stats_marks.changes + 1;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO {prefix}_stats_marks VALUES ({new_scope}, substr(NEW.event_date, 1, 4), 1)
            ON CONFLICT (scope, year) DO UPDATE SET changes = {prefix}_stats_marks.changes + 1;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}();
"""


def _pg_marks(prefix: str) -> str:
    """PostgreSQL's form of `_sqlite_marks` (a trigger function for each table)."""
    every = _PG_MARKS_FUNCTION.format(
        name=f"{prefix}_marks", prefix=prefix, table=f"{prefix}_day_totals",
        old_scope="'*'", new_scope="'*'",
    )  # fmt: skip
    country = _PG_MARKS_FUNCTION.format(
        name=f"{prefix}_country_marks", prefix=prefix, table=f"{prefix}_country_day_totals",
        old_scope="OLD.iso", new_scope="NEW.iso",
    )  # fmt: skip
    return _PG_MARKS.format(prefix=prefix) + every + country


# The tables whose rows a store's totals count (Store.counts, Store.analysis_counts),
# counted as they change by schema 13's triggers: a count(*) walks every row (on
# PostgreSQL a million-row table took a tenth of a second each, six of them per change)
COUNTED_TABLES = ("documents", "events", "evidence", "claims", "contradictions", "clusters")


def _sqlite_row_counts() -> str:
    """Schema 13's row counts on SQLite: `row_counts` and a trigger pair per table."""
    parts = [
        "CREATE TABLE row_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL,"
        " changes INTEGER NOT NULL) WITHOUT ROWID;"
    ]
    for table in COUNTED_TABLES:
        parts.append(f"""
    INSERT INTO row_counts SELECT '{table}', count(*), 0 FROM {table};
    CREATE TRIGGER {table}_counted_in AFTER INSERT ON {table} BEGIN
        UPDATE row_counts SET n = n + 1, changes = changes + 1 WHERE name = '{table}';
    END;
    CREATE TRIGGER {table}_counted_out AFTER DELETE ON {table} BEGIN
        UPDATE row_counts SET n = n - 1, changes = changes + 1 WHERE name = '{table}';
    END;""")
    return "\n".join(parts)


def _pg_row_counts() -> str:
    """PostgreSQL's form of `_sqlite_row_counts` (one trigger function for all tables).
    Every writer updates these rows: they are written under CONSOLIDATION_LOCK, which
    Store.ingest takes before its first write (never a count row while waiting for the
    lock, never the lock while holding a row: no deadlock)."""
    parts = [
        """
    CREATE TABLE row_counts (name TEXT PRIMARY KEY, n BIGINT NOT NULL, changes BIGINT NOT NULL);
    CREATE FUNCTION count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE row_counts SET n = n + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END,
            changes = changes + 1
        WHERE name = TG_TABLE_NAME;
        RETURN NULL;
    END $$;"""
    ]
    for table in COUNTED_TABLES:
        parts.append(f"""
    INSERT INTO row_counts SELECT '{table}', count(*), 0 FROM {table};
    CREATE TRIGGER {table}_counted AFTER INSERT OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION count_rows();""")
    return "\n".join(parts)


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
    # 3: reads that stay fast: the reconciled consolidated event stored with indexed
    # columns (its JSON apart, so scans stay narrow); points in R*Trees for boxes;
    # case-free indexes on country, ISO code and admin1; date order with its tie-breaker.
    # Filled from the members by consolidate.catch_up when the store is opened.
    """
    CREATE TABLE consolidated (
        cluster_id INTEGER PRIMARY KEY REFERENCES clusters(cluster_id) ON DELETE CASCADE,
        cluster_key TEXT NOT NULL UNIQUE,
        event_date TEXT,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        country TEXT COLLATE NOCASE,
        iso TEXT COLLATE NOCASE,
        admin1 TEXT COLLATE NOCASE,
        latitude REAL,
        longitude REAL,
        fatalities INTEGER NOT NULL DEFAULT 0,
        certainty TEXT,
        actor_keys TEXT,
        reports INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX consolidated_order ON consolidated(event_date, cluster_key);
    CREATE INDEX consolidated_country ON consolidated(country, event_date, cluster_key);
    CREATE INDEX consolidated_iso ON consolidated(iso, event_date, cluster_key);
    CREATE INDEX consolidated_type ON consolidated(event_type, sub_event_type, event_date);
    CREATE INDEX consolidated_day_counts
        ON consolidated(event_date, event_type, sub_event_type, fatalities);
    CREATE TABLE consolidated_data (
        cluster_id INTEGER PRIMARY KEY REFERENCES consolidated(cluster_id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        record TEXT
    );
    -- the API record of each consolidated event as JSON, written with it (NULL: computed
    -- on read); `record_format` in meta says which code wrote them, so an upgrade never
    -- serves records of an older shape
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIRTUAL TABLE consolidated_points USING rtree(
        id, min_lat, max_lat, min_lon, max_lon
    );
    CREATE VIRTUAL TABLE event_points USING rtree(id, min_lat, max_lat, min_lon, max_lon);
    INSERT INTO event_points (id, min_lat, max_lat, min_lon, max_lon)
        SELECT rowid, latitude, latitude, longitude, longitude FROM events
        WHERE latitude IS NOT NULL AND longitude IS NOT NULL;
    DROP INDEX events_date;
    CREATE INDEX events_order ON events(event_date, event_id);
    CREATE INDEX events_country ON events(country COLLATE NOCASE, event_date);
    CREATE INDEX events_iso ON events(iso COLLATE NOCASE, event_date);
    CREATE INDEX events_day_counts
        ON events(event_date, event_type, sub_event_type, fatalities);
    -- contradictions once per dispute (a place and two opposed positions) and each claim
    -- once on its side, not once per pair of claims (a story retold 300 times made 45,000
    -- pairs of the same two sides)
    ALTER TABLE contradictions RENAME TO contradiction_pairs;
    CREATE TABLE contradictions (
        dispute_id INTEGER PRIMARY KEY,
        place_key TEXT NOT NULL,
        position_one TEXT NOT NULL,
        position_two TEXT NOT NULL,
        reasons TEXT NOT NULL DEFAULT '[]',
        UNIQUE (place_key, position_one, position_two)
    );
    CREATE TABLE contradiction_sides (
        dispute_id INTEGER NOT NULL REFERENCES contradictions(dispute_id) ON DELETE CASCADE,
        claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
        PRIMARY KEY (dispute_id, claim_id)
    );
    CREATE INDEX contradiction_sides_claim ON contradiction_sides(claim_id);
    INSERT INTO contradictions (place_key, position_one, position_two, reasons)
        SELECT x.place_key, min(a.position, b.position), max(a.position, b.position),
               json_group_array(DISTINCT x.reason)
        FROM contradiction_pairs x
        JOIN claims a ON a.claim_id = x.claim_a JOIN claims b ON b.claim_id = x.claim_b
        GROUP BY 1, 2, 3;
    WITH pairs AS (
        SELECT d.dispute_id, x.claim_a, x.claim_b FROM contradiction_pairs x
        JOIN claims a ON a.claim_id = x.claim_a JOIN claims b ON b.claim_id = x.claim_b
        JOIN contradictions d ON d.place_key = x.place_key
            AND d.position_one = min(a.position, b.position)
            AND d.position_two = max(a.position, b.position)
    )
    INSERT OR IGNORE INTO contradiction_sides (dispute_id, claim_id)
        SELECT dispute_id, claim_a FROM pairs UNION SELECT dispute_id, claim_b FROM pairs;
    DROP TABLE contradiction_pairs;
    """,
    # 4: `frontlines watch`: each feed's validators for conditional GET, its back-off, and
    # the items already fetched (never fetched twice)
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        last_polled TEXT,
        last_status TEXT NOT NULL DEFAULT '',
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_items (
        feed_url TEXT NOT NULL,
        item_key TEXT NOT NULL,
        article_id TEXT,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (feed_url, item_key)
    );
    """,
    # 5: report-level statistics by country and admin1 from an index, not the wide table
    """
    CREATE INDEX events_place_counts ON events(country, admin1, fatalities);
    CREATE INDEX consolidated_place_counts ON consolidated(country, admin1, fatalities);
    """,
    # 6: the API record of each report-level event stored with it, as consolidated events'
    # are (a 500-event page decoded 500 events and built their records: most of its time);
    # NULL (events stored before) is computed on read
    """
    ALTER TABLE events ADD COLUMN record TEXT;
    """,
    # 7: full text of consolidated events in an index of their own (rowid = cluster_id,
    # the evidence of every member): `q=` on the default listing read the id of each
    # matching report's cluster from cluster_members, a lookup per match, 166,000 for a
    # common word on a million events
    """
    CREATE VIRTUAL TABLE consolidated_fts USING fts5(text);
    INSERT INTO consolidated_fts (rowid, text)
        SELECT m.cluster_id, group_concat(v.text, ' ') FROM cluster_members m
        JOIN evidence v ON v.event_id = m.event_id GROUP BY m.cluster_id;
    """,
    # 8: the statistics of all consolidated events kept as they change (by day and type,
    # by place), by triggers on the consolidated rows: unfiltered /api/stats grouped
    # every consolidated event, 400,000 on a million-event store; '' is undated/unplaced
    _sqlite_totals("consolidated", "consolidated", " COLLATE NOCASE"),
    # 9: a country's pages, counts and statistics from indexes that hold what they read
    # (its alpha-2 code first): a type within a country, and a country's statistics,
    # fetched each row of the country from the table (a sixth of a million-event store)
    """
    CREATE INDEX consolidated_iso_type ON consolidated(iso, event_type, event_date, cluster_key);
    CREATE INDEX consolidated_iso_day_counts
        ON consolidated(iso, event_date, event_type, sub_event_type, fatalities);
    CREATE INDEX consolidated_iso_place_counts ON consolidated(iso, country, admin1, fatalities);
    """,
    # 10: the statistics of all report-level events kept as they change, as schema 8 keeps
    # the consolidated ones' (by triggers on the events): unfiltered report-level
    # /api/stats grouped every event, a million on a million-event store; and what a deep
    # offset skips whole days by (the events of each day)
    _sqlite_totals("event", "events"),
    # 11: nothing on SQLite, whose boxes are counted in the R*Tree of points (schema 3);
    # PostgreSQL's step gives its consolidated points an index that counts them
    """
    -- (PostgreSQL only)
    """,
    # 12: nothing on SQLite, whose full-text matches are counted in the FTS index
    # (schema 7); PostgreSQL's step gives its consolidated words a narrow table to count in
    """
    -- (PostgreSQL only)
    """,
    # 13: a country's statistics kept as the store's are (schemas 8 and 10), at both
    # levels: its /api/stats grouped every event of it, a sixth of a million-event store
    # (6.8 s at report level, no index holding what it reads); and the rows of the
    # tables the store's totals count, counted as they change
    _sqlite_country_totals("consolidated", "consolidated", " COLLATE NOCASE")
    + _sqlite_country_totals("event", "events")
    + _sqlite_row_counts(),
    # 14: which years of a level's statistics changed, by scope (_SQLITE_MARKS): after a
    # write, an answer's unchanged years are kept
    _sqlite_marks("consolidated") + _sqlite_marks("event"),
]
SCHEMA_VERSION = len(MIGRATIONS)

# The same migrations for a PostgreSQL + PostGIS store, step for step (entry i of both lists
# makes schema version i+1, so a store of either kind says what it holds by one number).
# Where SQLite has virtual tables, PostgreSQL has columns: an FTS5 table is a tsvector of
# the evidence with a GIN index; an R*Tree of points is a PostGIS geography column whose
# lon/lat box has a GiST index; the clusters' R*Tree is a box and a day range under one
# GiST index. COLLATE NOCASE is lower() with indexes on it; ids and dates sort bytewise
# (COLLATE "C", as SQLite does) and undated events first (NULLS FIRST), so pages and
# cursors are the same on both.
# The words of each consolidated event's evidence (every member's), as the evidence's own
# words column has them: filled by the migration that adds them, and by a bulk copy.
PG_CONSOLIDATED_WORDS = """
    UPDATE consolidated c SET words = w.words FROM (
        SELECT m.cluster_id, to_tsvector('simple', string_agg(v.text, ' ')) AS words
        FROM cluster_members m JOIN evidence v ON v.event_id = m.event_id
        GROUP BY m.cluster_id
    ) w WHERE w.cluster_id = c.cluster_id
"""
# Their words without positions, the narrow table `q=` is counted in (schema 12).
PG_CONSOLIDATED_TERMS = """
    INSERT INTO consolidated_terms (cluster_id, words)
        SELECT cluster_id, strip(words) FROM consolidated WHERE words IS NOT NULL
"""
_PG_POINT = (
    "geography(Point, 4326) GENERATED ALWAYS AS (CASE WHEN latitude IS NULL"
    " OR longitude IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)"
    "::geography END) STORED"
)
PG_MIGRATIONS: list[str] = [
    """
    CREATE TABLE documents (
        id TEXT COLLATE "C" PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        origin TEXT,
        url TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT COLLATE "C",
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE events (
        event_id TEXT COLLATE "C" PRIMARY KEY,
        -- the order events were stored in (SQLite's rowid)
        row_no BIGINT GENERATED ALWAYS AS IDENTITY,
        article_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        event_date TEXT COLLATE "C",
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        country TEXT,
        iso TEXT,
        admin1 TEXT,
        location TEXT,
        latitude DOUBLE PRECISION,
        longitude DOUBLE PRECISION,
        fatalities INTEGER NOT NULL DEFAULT 0,
        certainty TEXT,
        actor_keys TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_type ON events(event_type, sub_event_type);
    CREATE TABLE evidence (
        event_id TEXT COLLATE "C" NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        start BIGINT NOT NULL,
        "end" BIGINT NOT NULL,
        text TEXT NOT NULL,
        trigger TEXT,
        -- words as FTS5's unicode61 finds them: lower case, no stemming
        words TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
    );
    CREATE INDEX evidence_event ON evidence(event_id);
    CREATE INDEX evidence_words ON evidence USING gin (words);
    """,
    """
    CREATE TABLE claims (
        claim_id TEXT COLLATE "C" PRIMARY KEY,
        article_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        stance TEXT NOT NULL,
        position TEXT NOT NULL,
        place_key TEXT NOT NULL,
        place_name TEXT,
        place_norm TEXT,
        text_norm TEXT,
        geonameid BIGINT,
        subject_key TEXT,
        attributed_to TEXT,
        outlet TEXT,
        claim_date TEXT,
        claim_day INTEGER,
        quantity BIGINT,
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
        cluster_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        cluster_key TEXT COLLATE "C" NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        day_lo INTEGER,
        day_hi INTEGER,
        latitude DOUBLE PRECISION,
        longitude DOUBLE PRECISION,
        geo_precision INTEGER,
        geonameid BIGINT,
        iso TEXT,
        admin1 TEXT,
        families TEXT NOT NULL DEFAULT '',
        initiators TEXT NOT NULL DEFAULT '',
        targets TEXT NOT NULL DEFAULT '',
        members INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX clusters_days ON clusters(day_hi, day_lo);
    CREATE TABLE cluster_cells (
        id BIGINT PRIMARY KEY,
        min_lat DOUBLE PRECISION NOT NULL,
        max_lat DOUBLE PRECISION NOT NULL,
        min_lon DOUBLE PRECISION NOT NULL,
        max_lon DOUBLE PRECISION NOT NULL,
        min_day INTEGER NOT NULL,
        max_day INTEGER NOT NULL,
        cell GEOMETRY(Polygon, 4326) GENERATED ALWAYS AS
            (ST_MakeEnvelope(min_lon, min_lat, max_lon, max_lat, 4326)) STORED,
        days INT4RANGE GENERATED ALWAYS AS (int4range(min_day, max_day, '[]')) STORED
    );
    CREATE INDEX cluster_cells_box ON cluster_cells USING gist (cell, days);
    CREATE TABLE cluster_members (
        event_id TEXT COLLATE "C" PRIMARY KEY REFERENCES events(event_id) ON DELETE CASCADE,
        cluster_id BIGINT NOT NULL REFERENCES clusters(cluster_id),
        article_id TEXT COLLATE "C" NOT NULL,
        outlet TEXT,
        wire TEXT,
        seq BIGINT NOT NULL
    );
    CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id, seq);
    CREATE INDEX cluster_members_article ON cluster_members(article_id);
    CREATE INDEX cluster_members_seq ON cluster_members(seq);
    """,
    f"""
    CREATE TABLE consolidated (
        cluster_id BIGINT PRIMARY KEY REFERENCES clusters(cluster_id) ON DELETE CASCADE,
        cluster_key TEXT COLLATE "C" NOT NULL UNIQUE,
        event_date TEXT COLLATE "C",
        event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        country TEXT,
        iso TEXT,
        admin1 TEXT,
        latitude DOUBLE PRECISION,
        longitude DOUBLE PRECISION,
        fatalities INTEGER NOT NULL DEFAULT 0,
        certainty TEXT,
        actor_keys TEXT,
        reports INTEGER NOT NULL DEFAULT 1,
        geog {_PG_POINT}
    );
    CREATE INDEX consolidated_order ON consolidated(event_date NULLS FIRST, cluster_key);
    CREATE INDEX consolidated_country
        ON consolidated(lower(country), event_date NULLS FIRST, cluster_key);
    CREATE INDEX consolidated_iso ON consolidated(lower(iso), event_date NULLS FIRST, cluster_key);
    CREATE INDEX consolidated_type ON consolidated(event_type, sub_event_type, event_date);
    CREATE INDEX consolidated_day_counts
        ON consolidated(event_date, event_type, sub_event_type, fatalities);
    -- the lon/lat box of each point (bbox= is a box in degrees, not on the sphere)
    CREATE INDEX consolidated_geog ON consolidated USING gist ((geog::geometry));
    CREATE TABLE consolidated_data (
        cluster_id BIGINT PRIMARY KEY REFERENCES consolidated(cluster_id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        record TEXT
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    ALTER TABLE events ADD COLUMN geog {_PG_POINT};
    CREATE INDEX events_geog ON events USING gist ((geog::geometry));
    DROP INDEX events_date;
    CREATE INDEX events_order ON events(event_date NULLS FIRST, event_id);
    CREATE INDEX events_country ON events(lower(country), event_date NULLS FIRST, event_id);
    CREATE INDEX events_iso ON events(lower(iso), event_date NULLS FIRST, event_id);
    CREATE INDEX events_day_counts ON events(event_date, event_type, sub_event_type, fatalities);
    ALTER TABLE contradictions RENAME TO contradiction_pairs;
    CREATE TABLE contradictions (
        dispute_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        place_key TEXT NOT NULL,
        position_one TEXT NOT NULL,
        position_two TEXT NOT NULL,
        reasons TEXT NOT NULL DEFAULT '[]',
        UNIQUE (place_key, position_one, position_two)
    );
    CREATE TABLE contradiction_sides (
        dispute_id BIGINT NOT NULL REFERENCES contradictions(dispute_id) ON DELETE CASCADE,
        claim_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
        PRIMARY KEY (dispute_id, claim_id)
    );
    CREATE INDEX contradiction_sides_claim ON contradiction_sides(claim_id);
    INSERT INTO contradictions (place_key, position_one, position_two, reasons)
        SELECT x.place_key, least(a.position, b.position), greatest(a.position, b.position),
               json_agg(DISTINCT x.reason)::text
        FROM contradiction_pairs x
        JOIN claims a ON a.claim_id = x.claim_a JOIN claims b ON b.claim_id = x.claim_b
        GROUP BY 1, 2, 3;
    INSERT INTO contradiction_sides (dispute_id, claim_id)
        SELECT d.dispute_id, unnest(ARRAY[x.claim_a, x.claim_b]) FROM contradiction_pairs x
        JOIN claims a ON a.claim_id = x.claim_a JOIN claims b ON b.claim_id = x.claim_b
        JOIN contradictions d ON d.place_key = x.place_key
            AND d.position_one = least(a.position, b.position)
            AND d.position_two = greatest(a.position, b.position)
        ON CONFLICT DO NOTHING;
    DROP TABLE contradiction_pairs;
    """,
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        last_polled TEXT,
        last_status TEXT NOT NULL DEFAULT '',
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_items (
        feed_url TEXT NOT NULL,
        item_key TEXT NOT NULL,
        article_id TEXT,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (feed_url, item_key)
    );
    """,
    """
    CREATE INDEX events_place_counts ON events(country, admin1, fatalities);
    CREATE INDEX consolidated_place_counts ON consolidated(country, admin1, fatalities);
    """,
    """
    ALTER TABLE events ADD COLUMN record TEXT;
    """,
    f"""
    ALTER TABLE consolidated ADD COLUMN words TSVECTOR;
    {PG_CONSOLIDATED_WORDS};
    CREATE INDEX consolidated_words ON consolidated USING gin (words);
    """,
    # consolidated rows change only under CONSOLIDATION_LOCK: one writer at a time
    # updates these rows, so concurrent writers never wait on each other for them
    _pg_totals("consolidated", "consolidated"),
    # on the stored code itself (a known country is matched exactly, see Store._where)
    """
    CREATE INDEX consolidated_iso_exact
        ON consolidated(iso, event_date NULLS FIRST, cluster_key);
    CREATE INDEX consolidated_iso_type
        ON consolidated(iso, event_type, event_date NULLS FIRST, cluster_key);
    CREATE INDEX consolidated_iso_day_counts
        ON consolidated(iso, event_date, event_type, sub_event_type, fatalities);
    CREATE INDEX consolidated_iso_place_counts ON consolidated(iso, country, admin1, fatalities);
    CREATE INDEX events_iso_exact ON events(iso, event_date NULLS FIRST, event_id);
    """,
    # report-level totals as schema 8's; events change only in their document's
    # transaction, and a document is written by one writer (its locks)
    _pg_totals("event", "events"),
    # the consolidated points in a B-tree of latitude and longitude: a box's count read
    # from it alone (the GiST index's boxes sent each match to the table, 16,000 pages of
    # it for a Syria-sized box on a million events), and its page walked in date order
    """
    CREATE INDEX consolidated_lat_lon ON consolidated(latitude, longitude);
    """,
    # the consolidated events' words again, without positions, in a narrow table of their
    # own: `q=` alone is counted there (a GIN index cannot count: each match is visited in
    # its table, and the consolidated rows' pages were 23,000 for a common word on a
    # million events, these 9,600 in all)
    f"""
    CREATE TABLE consolidated_terms (
        cluster_id BIGINT PRIMARY KEY REFERENCES consolidated(cluster_id) ON DELETE CASCADE,
        words TSVECTOR NOT NULL
    );
    {PG_CONSOLIDATED_TERMS};
    CREATE INDEX consolidated_terms_words ON consolidated_terms USING gin (words);
    """,
    # as SQLite's 13
    _pg_country_totals("consolidated", "consolidated")
    + _pg_country_totals("event", "events")
    + _pg_row_counts(),
    # as SQLite's 14
    _pg_marks("consolidated") + _pg_marks("event"),
]


# The kept totals (schemas 8 and 10): each table, the rows it counts and what it groups by.
_DAY_KEYS = ("coalesce(event_date, '')", "event_type", "sub_event_type")
_PLACE_KEYS = ("coalesce(country, '')", "coalesce(admin1, '')")
# schema 13's (by country: days by type only, places by type and sub-type)
_COUNTRY_DAY_KEYS = ("coalesce(iso, '')", *_DAY_KEYS[:2])
_COUNTRY_PLACE_KEYS = ("coalesce(iso, '')", *_PLACE_KEYS, "event_type", "sub_event_type")
_KEPT_TOTALS = {
    "consolidated_day_totals": ("consolidated", _DAY_KEYS),
    "consolidated_place_totals": ("consolidated", _PLACE_KEYS),
    "event_day_totals": ("events", _DAY_KEYS),
    "event_place_totals": ("events", _PLACE_KEYS),
    "consolidated_country_day_totals": ("consolidated", _COUNTRY_DAY_KEYS),
    "consolidated_country_place_totals": ("consolidated", _COUNTRY_PLACE_KEYS),
    "event_country_day_totals": ("events", _COUNTRY_DAY_KEYS),
    "event_country_place_totals": ("events", _COUNTRY_PLACE_KEYS),
}


def recount_totals(db: Any) -> None:
    """The kept totals counted again from the rows: after a bulk load that fired no
    triggers (PostgreSQL's COPY as a replica). `db`: a Database, or a connection of
    either engine (only statements without parameters are run)."""
    for table, (source, keys) in _KEPT_TOTALS.items():
        groups = ", ".join(str(i + 1) for i in range(len(keys)))
        db.execute(f"DELETE FROM {table}")
        db.execute(
            f"INSERT INTO {table} SELECT {', '.join(keys)}, count(*),"
            f" coalesce(sum(fatalities), 0) FROM {source} GROUP BY {groups}"
        )
    for prefix in ("consolidated", "event"):  # every year of every scope changed
        marks = f"{prefix}_stats_marks"
        db.execute(f"UPDATE {marks} SET changes = changes + 1")
        for scope, totals in (("'*'", "day_totals"), ("iso", "country_day_totals")):
            db.execute(
                f"INSERT INTO {marks} SELECT DISTINCT {scope}, substr(event_date, 1, 4), 1"
                # WHERE true: SQLite's parser, which otherwise reads ON as a join's
                f" FROM {prefix}_{totals} WHERE true ON CONFLICT (scope, year) DO NOTHING"
            )
    for table in COUNTED_TABLES:  # a change too: what the change mark counts
        db.execute(
            f"UPDATE row_counts SET n = (SELECT count(*) FROM {table}), changes = changes + 1"
            f" WHERE name = '{table}'"
        )


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


@dataclass(frozen=True)
class Cursor:
    """Where a keyset page ends: the sort key (date, id) of its last event. The next page
    starts after it, at the cost of an index seek however deep it is."""

    event_date: str  # "" for an undated event (they sort first)
    event_id: str

    def encode(self) -> str:
        return f"{self.event_date}~{self.event_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        day, sep, event_id = text.partition("~")
        if not sep or not event_id or (day and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)):
            raise ValueError(f"not a page cursor: {text!r}")
        return cls(day, event_id)

    @classmethod
    def after(cls, event: Event) -> Cursor:
        day = event.event_date.isoformat() if event.event_date else ""
        return cls(day, event.event_id)


@dataclass(frozen=True)
class StoredRecord:
    """An event's API record as JSON text, with what paging and GeoJSON need of it."""

    json: str
    event_id: str
    event_date: str | None
    latitude: float | None
    longitude: float | None

    def cursor(self) -> Cursor:
        return Cursor(self.event_date or "", self.event_id)


@dataclass(frozen=True)
class _Level:
    """The SQL names of one level of events: report-level rows or consolidated ones."""

    table: str
    key: str  # the id the API shows, the sort's tie-breaker
    rowid: str  # SQLite: the integer id in the points R*Tree
    points: str
    pg_id: str  # PostgreSQL: the row's key
    totals: str  # the prefix of its kept totals' tables (schemas 8, 10 and 13)
    order_index: str  # SQLite: the index in date order

    @property
    def day_totals(self) -> str:
        """The kept counts by day and type (schemas 8 and 10)."""
        return f"{self.totals}_day_totals"

    @property
    def place_totals(self) -> str:
        """The kept counts by country and admin1."""
        return f"{self.totals}_place_totals"


def _level(name: str) -> _Level:
    """The level the API names: "consolidated", else report-level."""
    return _CONSOLIDATED if name == "consolidated" else _REPORT


_REPORT = _Level(
    "events", "event_id", "rowid", "event_points", "event_id", "event", "events_order",
)  # fmt: skip
_CONSOLIDATED = _Level(
    "consolidated", "cluster_key", "cluster_id", "consolidated_points", "cluster_id",
    "consolidated", "consolidated_order",
)  # fmt: skip


def event_record(event: Event) -> dict[str, Any]:
    """What the API shows for an event: the output contract plus its id."""
    record = event.to_record()
    record["event_id"] = event.event_id
    return record


def record_json(event: Event) -> str:
    return json.dumps(event_record(event), default=json_default, ensure_ascii=False)


def record_format() -> str:
    """A fingerprint of the record's shape: the record of a fixed event, hashed. Stored
    records written by code with another fingerprint are not served."""
    import hashlib

    place = Place("P", 1.0, 2.0, "XX", "X", "A", "B", 1, "P", "PPL")
    actor = Actor("K", "Name", 1, "XX")
    probe = ConsolidatedEvent(
        article_id="a",
        event_type="Battles",
        sub_event_type="Armed clash",
        event_date=date(2000, 1, 2),
        time_precision=1,
        actor1=actor,
        actor2=actor,
        place=place,
        geo_precision=1,
        location_text="P",
        evidence=(Evidence("t", 0, 1, "a", "t"),),
        cluster_id="c",
        member_ids=("m",),
    )
    return hashlib.sha256(record_json(probe).encode()).hexdigest()[:16]


def canonical_type(name: str) -> str:
    """An ACLED event type written in any case as the taxonomy spells it (indexes compare
    exactly); an unknown name unchanged, so it matches nothing."""
    return next((t for t in TAXONOMY if t.lower() == name.lower()), name)


def canonical_sub_type(name: str) -> str:
    return next((t for t in SUB_TO_TYPE if t.lower() == name.lower()), name)


def pg_words(text: str) -> str:
    """User words for PostgreSQL's plainto_tsquery (every word must occur): the words
    fts_query finds, so both engines split a query alike."""
    return " ".join(re.findall(r"\w+", text))


def fts_query(text: str) -> str:
    """User words as an FTS5 query: every word must occur; FTS syntax is not exposed."""
    words = re.findall(r"\w+", text)
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


_DOC_KEYS = ("id", "title", "outlet", "url", "published", "origin", "ingested_at")
_DOC_COLUMNS = ", ".join(_DOC_KEYS)


def _doc(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(_DOC_KEYS, row, strict=False))


class Store:
    """A frontlines store: an SQLite file (":memory:" for a throwaway one), or a PostgreSQL
    database with PostGIS (a `postgresql://USER@HOST/DB` URL) that many processes share.
    Every read and write of documents, events, clusters and claims goes through it."""

    def __init__(
        self,
        path: Path | str = DEFAULT_DB,
        pool: PostgresPool | None = None,
        checked: bool = False,
    ) -> None:
        """`pool`: connections to the PostgreSQL store at `path` kept open across many
        Stores (a server's requests); the first Store checks the schema, the others not.
        `checked`: an SQLite store this process has opened before (a server's requests):
        its schema, catch-up and record format are not looked at again (on a million
        events the catch-up's counts alone cost more than a page)."""
        self.path = str(path)
        self.name = display_name(self.path)  # for messages: never a password
        self.deadline: float | None = None
        self.db: Database
        if is_postgres(self.path):
            self._open_postgres(pool)
        else:
            self._open_sqlite(checked)

    def _open_sqlite(self, checked: bool = False) -> None:
        # Two processes opening one new store at once: switching the journal to WAL or a
        # migration's read-then-write is refused at once ("database is locked", SQLite does
        # not wait there, to avoid a deadlock), so the loser opens again after a moment.
        for attempt in range(_OPEN_TRIES):
            try:
                self._open_sqlite_once(checked)
                return
            except StoreError as exc:
                if "locked" not in str(exc) or attempt == _OPEN_TRIES - 1:
                    raise
                opened = getattr(self, "db", None)
                if opened is not None:
                    opened.close()
                time.sleep(0.1)

    def _open_sqlite_once(self, checked: bool) -> None:
        try:
            self.db = SqliteDatabase(self.path)
            if not checked and self.schema_version != SCHEMA_VERSION:
                self._migrate()
            self.db.execute("PRAGMA journal_mode = WAL")
            # WAL with NORMAL: a commit is atomic and survives a killed process; only a
            # power cut can lose the last ones (no fsync per document, which cost more
            # than analysing it)
            self.db.execute("PRAGMA synchronous = NORMAL")
            # a checkpoint every WAL_CHECKPOINT_PAGES written, not SQLite's 1,000: each one
            # writes the pages back and syncs the file, and a page written by many commits
            # meanwhile (an index's newest leaf, a totals row) is written back once; at
            # 1,000 the checkpoints were most of a document's cost on a big store
            self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            if checked:
                return
            # events from before clusters, clusters from before stored reconciled events:
            # placed once here, never on a read
            consolidate.catch_up(self.db)
            self._check_record_format()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a frontlines store ({exc})") from exc

    def _open_postgres(self, pool: PostgresPool | None) -> None:
        import psycopg

        self.db = PostgresDatabase(self.path, pool)
        if pool is not None and pool.checked:
            return
        try:
            if self.schema_version != SCHEMA_VERSION:
                self._migrate()
            # no catch_up: every PostgreSQL writer clusters a document's events and stores
            # their reconciled events in the document's own transaction, and no PostgreSQL
            # store predates clusters (catch_up is for SQLite files of older versions)
            self._check_record_format()
            if pool is not None:
                pool.checked = True
        except psycopg.Error as exc:
            self.db.close()
            raise StoreError(f"{self.name}: cannot open the store ({_first_line(exc)})") from exc
        except StoreError:
            self.db.close()
            raise

    # ------------------------------------------------------------ time budget (the API)

    def set_deadline(self, seconds: float) -> None:
        """Abort any statement still running `seconds` from now (time.monotonic): the
        server's time budget per request. The statement raises; over_budget() says why."""
        import time

        self.deadline = time.monotonic() + seconds
        if isinstance(self.db, PostgresDatabase):
            self.db.set_statement_timeout(seconds)
            return
        assert isinstance(self.db, SqliteDatabase)

        def check() -> int:
            return 1 if self.deadline is not None and time.monotonic() > self.deadline else 0

        self.db.conn.set_progress_handler(check, 20_000)

    def over_budget(self) -> bool:
        import time

        return self.deadline is not None and time.monotonic() > self.deadline

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def kind(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.db.kind

    @property
    def schema_version(self) -> int:
        if self.db.kind == "sqlite":
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if not self.db.has_table("schema_version"):
            return 0
        row = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _set_schema_version(self, version: int) -> None:
        if self.db.kind == "sqlite":
            self.db.execute(f"PRAGMA user_version = {int(version)}")
        else:
            self.db.execute("DELETE FROM schema_version")
            self.db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION under the write lock (SQLite) or the store's
        migration lock (PostgreSQL): two processes opening a fresh store at once must not
        both create it. The version is read again once the lock is held, since the other
        process may have migrated meanwhile. PostgreSQL's DDL is transactional too: a
        failed migration leaves the store as it was."""
        if self.db.kind == "postgresql":
            self._ensure_postgis()
        with self.db.transaction():
            if self.db.kind == "postgresql":
                self.db.lock("migrate")
                self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.name}: schema version {version} is newer than this frontlines "
                    f"({SCHEMA_VERSION}); upgrade frontlines"
                )
            for target in range(version, SCHEMA_VERSION):
                if self.db.kind == "sqlite":
                    for statement in _statements(MIGRATIONS[target]):
                        self.db.execute(statement)
                else:
                    self.db.execute(PG_MIGRATIONS[target])
                self._set_schema_version(target + 1)

    def _ensure_postgis(self) -> None:
        """PostGIS in this database: created if this user may (a superuser or the
        database's owner where it is trusted), else a one-line error saying who can."""
        found = self.db.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if found:
            return
        try:
            with self.db.transaction():
                self.db.lock("create extension", whole_database=True)
                self.db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except self.db.Error as exc:
            raise StoreError(
                f"{self.name}: PostGIS is not installed in this database and this user cannot"
                f" install it ({_first_line(exc)}); a superuser can: CREATE EXTENSION postgis"
            ) from exc

    def _check_record_format(self) -> None:
        """Stored API records of the shape this code writes: records of another shape
        (written before an upgrade), and report-level events stored before their records
        were (schema 6), rewritten once, now, in batches; one not rewritten yet (NULL) is
        computed on read."""
        current = record_format()
        stored = dict(
            self.db.execute(
                "SELECT key, value FROM meta WHERE key IN ('record_format', 'event_record_format')"
            ).fetchall()
        )
        if stored.get("record_format") != current:
            if "record_format" in stored:
                self._rewrite_records(
                    "consolidated_data", "cluster_id", 0, consolidate.consolidated_from_json
                )
            self._set_meta("record_format", current)
        if stored.get("event_record_format") != current:
            self._rewrite_records("events", "event_id", "", event_from_json)
            self._set_meta("event_record_format", current)

    def _rewrite_records(self, table: str, key: str, first: object, decode: Any) -> None:
        """Every record of `table` computed again from its `data`, in batches by `key`
        (from above `first`)."""
        with self.db.transaction():
            self.db.execute(f"UPDATE {table} SET record = NULL WHERE record IS NOT NULL")
        last = first
        while True:
            rows = self.db.execute(
                f"SELECT {key}, data FROM {table} WHERE {key} > ? AND record IS NULL"
                f" ORDER BY {key} LIMIT 2000",
                (last,),
            ).fetchall()
            if not rows:
                break
            with self.db.transaction():
                self.db.executemany(
                    f"UPDATE {table} SET record = ? WHERE {key} = ?",
                    [(record_json(decode(d)), i) for i, d in rows],
                )
            last = rows[-1][0]

    def _set_meta(self, key: str, value: str) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ------------------------------------------------------------ watched feeds

    def feed_state(self, url: str) -> dict[str, Any]:
        """A watched feed's validators (etag, last_modified) and consecutive failures."""
        row = self.db.execute(
            "SELECT etag, last_modified, failures, last_status FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        keys = ("etag", "last_modified", "failures", "last_status")
        return dict(zip(keys, row or ("", "", 0, ""), strict=True))

    def save_feed_state(
        self, url: str, *, etag: str, last_modified: str, failures: int, status: str
    ) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_polled, last_status, failures)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, last_polled = excluded.last_polled,"
                " last_status = excluded.last_status, failures = excluded.failures",
                (url, etag, last_modified, _now(), status, failures),
            )

    def feed_item_seen(self, feed_url: str, item_key: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM feed_items WHERE feed_url = ? AND item_key = ?", (feed_url, item_key)
        ).fetchone()
        return row is not None

    def mark_feed_item(self, feed_url: str, item_key: str, article_id: str | None) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO feed_items (feed_url, item_key, article_id, fetched_at)"
                " VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                (feed_url, item_key, article_id, _now()),
            )

    # ------------------------------------------------------------ writing

    def has_content(self, article: Article) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (article.content_hash,)
        ).fetchone()
        return row is not None

    def ingest(
        self, article: Article, events: Sequence[Event], claims: Sequence[Claim] = ()
    ) -> IngestOutcome:
        """Store one document with its events and claims, atomically; its events join
        their consolidated events and its claims are linked to those they contradict.

        Safe with other processes writing the same store: on SQLite they take turns (the
        write lock); on PostgreSQL writers of the same document (same id or same text)
        queue on its locks, and the shared clusters and disputes are changed by one
        writer at a time (CONSOLIDATION_LOCK, held to the commit), while other documents'
        rows are written meanwhile."""
        if self.has_content(article):
            return IngestOutcome(article.id, "unchanged", 0)
        status = "stored"
        try:
            # one transaction: all of the document or nothing
            with self.db.transaction(pipelined=True):
                # then look again: another process may have stored the same content since
                # the check above (SQLite: the write lock is held from here on)
                self.db.lock(f"document {article.id}", f"content {article.content_hash}")
                if self.has_content(article):
                    return IngestOutcome(article.id, "unchanged", 0)
                # the kept totals and row counts (schemas 8, 10 and 13) are rows every
                # writer updates: taken under the one lock, before the first write (never
                # such a row while waiting for the lock, never the lock while holding a
                # row: no deadlock); the document's own rows are few next to its analysis
                self.db.lock(CONSOLIDATION_LOCK)
                old = self.db.execute(
                    "SELECT 1 FROM documents WHERE id = ?", (article.id,)
                ).fetchone()
                if old:
                    status = "updated"
                    consolidate.forget_article(self.db, article.id)
                    self._delete_document(article.id)
                self.db.execute(
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
                consolidate.assign_events(self.db, article, events)
                self._store_claims(claims)
        except self.db.Error as exc:
            raise StoreError(
                f"{self.name}: could not store {article.id}: {_first_line(exc)}"
            ) from exc
        return IngestOutcome(article.id, status, len(events))

    def _delete_document(self, article_id: str) -> None:
        if self.db.kind == "sqlite":  # the virtual tables have no foreign keys
            rows = self.db.execute(
                "SELECT event_id, rowid FROM events WHERE article_id = ?", (article_id,)
            ).fetchall()
            self.db.executemany(
                "DELETE FROM evidence_fts WHERE event_id = ?", [(r[0],) for r in rows]
            )
            self.db.executemany("DELETE FROM event_points WHERE id = ?", [(r[1],) for r in rows])
        disputes = self._disputes_of_article(article_id)
        self.db.execute("DELETE FROM documents WHERE id = ?", (article_id,))
        self._prune_disputes(disputes)

    def _insert_event(self, event: Event) -> None:
        record = event.to_record()
        event_id = event.event_id
        sqlite = self.db.kind == "sqlite"
        if sqlite:
            old = self.db.execute(
                "SELECT rowid FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
            if old:
                self.db.execute("DELETE FROM event_points WHERE id = ?", (old[0],))
                # deleted, not REPLACEd: a row REPLACE removes fires no trigger (the kept
                # totals, schema 10)
                self.db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))
        else:  # as SQLite's REPLACE does: the old row and what hangs on it go
            self.db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))
        columns = (
            "event_id, article_id, event_date, event_type, sub_event_type, country, iso,"
            " admin1, location, latitude, longitude, fatalities, certainty, actor_keys, data,"
            " record"
        )
        values = (
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
            consolidate.event_json(event),
            json.dumps({**record, "event_id": event_id}, default=json_default, ensure_ascii=False),
        )
        verb = "INSERT OR REPLACE" if sqlite else "INSERT"
        cursor = self.db.execute(
            f"{verb} INTO events ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", values
        )
        lat, lon = record["latitude"], record["longitude"]
        if sqlite and lat is not None and lon is not None:
            # PostgreSQL's point is a generated column of the row
            self.db.execute(
                "INSERT INTO event_points (id, min_lat, max_lat, min_lon, max_lon)"
                " VALUES (?,?,?,?,?)",
                (cursor.lastrowid, lat, lat, lon, lon),
            )
        rows = [
            (event_id, ev.article_id or event.article_id, ev.start, ev.end, ev.text, ev.trigger)
            for ev in event.evidence
        ]
        for row in rows:
            self.db.execute(
                'INSERT INTO evidence (event_id, article_id, start, "end", text, trigger)'
                " VALUES (?,?,?,?,?,?)",
                row,
            )
            if sqlite:  # PostgreSQL's words are a generated column of the row
                self.db.execute(
                    "INSERT INTO evidence_fts (text, event_id) VALUES (?, ?)", (row[4], event_id)
                )

    # ------------------------------------------------------------ reading

    def events(self, where: EventFilter | None = None) -> Iterator[Event]:
        """Stored events in date order, filtered."""
        sql, params = self._rows(_REPORT, EventQuery(where or EventFilter()))
        for data, *_ in self.db.execute(sql, params):
            yield event_from_json(data)

    def counts(self) -> dict[str, int]:
        """Documents, events and evidence stored (the rows kept counted, schema 13)."""
        rows = self._row_counts()
        return {table: rows[table] for table in ("documents", "events", "evidence")}

    def _row_counts(self) -> dict[str, int]:
        return {str(name): int(n) for name, n in self.db.execute("SELECT name, n FROM row_counts")}

    def articles(self) -> Iterator[Article]:
        for row in self.db.execute(
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

    # ------------------------------------------------------------ consolidated events

    def consolidated_events(self, where: EventFilter | None = None) -> Iterator[ConsolidatedEvent]:
        """One event per act, merged across reports (consolidate.py), in date order, filtered
        on the reconciled fields."""
        sql, params = self._rows(_CONSOLIDATED, EventQuery(where or EventFilter()))
        for data, *_ in self.db.execute(sql, params):
            yield consolidate.consolidated_from_json(data)

    # ------------------------------------------------------------ claims and their disputes

    def claims(self, place: str | None = None) -> list[Claim]:
        """Stored claims, by date; `place` by name or gazetteer alias."""
        sql = "SELECT data FROM claims"
        params: list[object] = []
        if place:
            where, params = _claim_place_where(place)
            sql += " WHERE " + where
        sql += " ORDER BY claim_day, article_id, claim_id"
        return [claim_from_json(row[0]) for row in self.db.execute(sql, params)]

    def contradictions(self, place: str | None = None) -> list[Contradiction]:
        """Disputes with two sides: for each place and pair of opposed positions ("SYR_GOV
        withdrew" / "SYR_GOV did not withdraw"), the claims that contradict one another."""
        sql = (
            "SELECT d.dispute_id, d.place_key, d.position_one, d.position_two, d.reasons"
            " FROM contradictions d"
        )
        params: list[object] = []
        if place:
            where, params = _claim_place_where(place, "a.")
            sql += (
                " WHERE d.dispute_id IN (SELECT s.dispute_id FROM contradiction_sides s"
                f" JOIN claims a ON a.claim_id = s.claim_id WHERE {where})"
            )
        out = []
        for dispute_id, key, one, two, reasons in self.db.execute(sql, params).fetchall():
            found = contradiction(
                key, one, two, json.loads(reasons), self._dispute_claims(dispute_id)
            )
            if found is not None:
                out.append(found)
        out.sort(key=lambda x: (x.claims[0].claim_date or date.min, x.place, x.question))
        return out

    def _dispute_claims(self, dispute_id: int) -> list[Claim]:
        rows = self.db.execute(
            "SELECT c.data FROM contradiction_sides s JOIN claims c USING (claim_id)"
            " WHERE s.dispute_id = ?",
            (dispute_id,),
        )
        return [claim_from_json(r[0]) for r in rows]

    def _store_claims(self, claims: Iterable[Claim]) -> None:
        """Insert claims and link each to the stored claims it contradicts.

        Candidates come from the index on (place, day): only claims about the same place
        within the widest window are read, so the cost does not grow with the store."""
        for claim in claims:
            key = place_key(claim)
            # a claim stored again replaces the old one and its sides (SQLite's REPLACE)
            self.db.execute("DELETE FROM claims WHERE claim_id = ?", (claim.claim_id,))
            self.db.execute(
                "INSERT INTO claims (claim_id, article_id, kind, stance, position,"
                " place_key, place_name, place_norm, text_norm, geonameid, subject_key,"
                " attributed_to, outlet, claim_date, claim_day, quantity, event_id, data)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    claim.claim_id,
                    claim.article_id,
                    claim.kind,
                    claim.stance,
                    position(claim),
                    key,
                    claim.place.name if claim.place else claim.place_text,
                    normalize_name(claim.place.name) if claim.place else "",
                    normalize_name(claim.place_text),
                    claim.place.geonameid if claim.place else None,
                    claim.subject.key if claim.subject else None,
                    claim.attributed_to,
                    claim.outlet,
                    claim.claim_date.isoformat() if claim.claim_date else None,
                    _day(claim.claim_date),
                    claim.quantity,
                    claim.event_id or None,
                    claim_to_json(claim),
                ),
            )
            mine = position(claim)
            for other_id, other_position, reason in self._contradicted(claim, key):
                self._link(key, (mine, claim.claim_id), (other_position, other_id), reason)

    def _contradicted(self, claim: Claim, key: str) -> Iterator[tuple[str, str, str]]:
        """(claim id, position, reason) of each stored claim this one contradicts."""
        if claim.kind == "killed":
            if not claim.event_id:
                return
            # tolls of one act: the act's consolidated event groups the reports of it
            rows = self.db.execute(
                "SELECT c.claim_id, c.position, c.data FROM cluster_members m"
                " JOIN cluster_members o ON o.cluster_id = m.cluster_id"
                " JOIN claims c ON c.event_id = o.event_id"
                " WHERE m.event_id = ? AND c.kind = 'killed' AND c.claim_id != ?",
                (claim.event_id, claim.claim_id),
            )
            judge = toll_conflict
        else:
            day = _day(claim.claim_date)
            if day is None:
                return
            window = CLAIM_WINDOW_DAYS
            rows = self.db.execute(
                "SELECT claim_id, position, data FROM claims"
                " WHERE place_key = ? AND claim_day BETWEEN ? AND ? AND kind != 'killed'"
                " AND claim_id != ?",
                (key, day - window, day + window, claim.claim_id),
            )
            judge = conflict
        for other_id, other_position, data in rows:
            reason = judge(claim, claim_from_json(data))
            if reason:
                yield other_id, other_position, reason

    def _link(self, key: str, mine: tuple[str, str], theirs: tuple[str, str], reason: str) -> None:
        """Put two contradicting claims ((position, claim id) each) on their sides of the
        dispute about their place and positions: one row for the dispute, one per claim,
        however many pairs there are."""
        one, two = sorted((mine[0], theirs[0]))
        row = self.db.execute(
            "SELECT dispute_id, reasons FROM contradictions"
            " WHERE place_key = ? AND position_one = ? AND position_two = ?",
            (key, one, two),
        ).fetchone()
        if row is None:
            dispute_id = self.db.insert_id(
                "INSERT INTO contradictions (place_key, position_one, position_two, reasons)"
                " VALUES (?,?,?,?)",
                (key, one, two, json.dumps([reason])),
                "dispute_id",
            )
        else:
            dispute_id = row[0]
            reasons = json.loads(row[1])
            if reason not in reasons:
                self.db.execute(
                    "UPDATE contradictions SET reasons = ? WHERE dispute_id = ?",
                    (json.dumps(sorted({*reasons, reason})), dispute_id),
                )
        self.db.executemany(
            "INSERT INTO contradiction_sides (dispute_id, claim_id) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(dispute_id, mine[1]), (dispute_id, theirs[1])],
        )

    def _disputes_of_article(self, article_id: str) -> list[int]:
        """The disputes a document's claims take part in (before it is replaced)."""
        rows = self.db.execute(
            "SELECT DISTINCT s.dispute_id FROM claims c"
            " JOIN contradiction_sides s ON s.claim_id = c.claim_id WHERE c.article_id = ?",
            (article_id,),
        )
        return [r[0] for r in rows]

    def _prune_disputes(self, dispute_ids: Iterable[int]) -> None:
        """Decide disputes again from the claims they keep (a document's claims have gone):
        a claim stays while it contradicts another one left; a dispute without two sides
        goes."""
        for dispute_id in dispute_ids:
            claims = self._dispute_claims(dispute_id)
            keep, reasons = disputing(claims)
            if not keep:
                self.db.execute("DELETE FROM contradictions WHERE dispute_id = ?", (dispute_id,))
                continue
            self.db.executemany(
                "DELETE FROM contradiction_sides WHERE dispute_id = ? AND claim_id = ?",
                [(dispute_id, c.claim_id) for c in claims if c.claim_id not in keep],
            )
            self.db.execute(
                "UPDATE contradictions SET reasons = ? WHERE dispute_id = ?",
                (json.dumps(sorted(reasons)), dispute_id),
            )

    def has_table(self, name: str) -> bool:
        return self.db.has_table(name)

    def analysis_counts(self) -> dict[str, int]:
        """Claims, contradictions and consolidated events stored (tables that exist)."""
        rows = self._row_counts()
        return {
            "consolidated_events" if table == "clusters" else table: rows[table]
            for table in ("claims", "contradictions", "clusters")
        }

    def change_mark(self) -> object | None:
        """Something that differs after any write committed to the store since it was
        last taken: what a server keeps figures of the whole store against. SQLite: the
        data version of this connection (a commit by any other connection changes it),
        so the Store must be kept open to watch; PostgreSQL: the rows ever written to and
        deleted from the counted tables (schema 13; every write of a document writes
        some), this store's own, where the server's WAL position moved with any write
        to any database of the server, its own upkeep included."""
        if self.db.kind == "sqlite":
            return int(self.db.execute("PRAGMA data_version").fetchone()[0])
        return int(self.db.execute("SELECT sum(changes) FROM row_counts").fetchone()[0])

    def cluster_count(self) -> int:
        """Consolidated events (clusters of report-level events) stored."""
        return self._row_counts()["clusters"]

    # ------------------------------------------------------------ searching (the API)

    def matching_event_ids(self, q: str) -> set[str]:
        """Report-level events whose evidence matches a full-text query (words, all)."""
        if self.db.kind == "postgresql":
            words = pg_words(q)
            if not words:
                return set()
            rows = self.db.execute(
                "SELECT event_id FROM evidence WHERE words @@ plainto_tsquery('simple', ?)",
                (words,),
            )
            return {r[0] for r in rows}
        query = fts_query(q)
        if not query:
            return set()
        rows = self.db.execute(
            "SELECT event_id FROM evidence_fts WHERE evidence_fts MATCH ?", (query,)
        )
        return {r[0] for r in rows}

    def _where(self, level: _Level, query: EventQuery) -> tuple[list[str], list[object]]:
        """Every filter as SQL on one level's stored columns: exact comparisons an index
        can answer (case-free columns, canonical type names), boxes through the spatial
        index, full text through the text index joined in, never a list of ids passed in."""
        where = query.where
        consolidated = level is _CONSOLIDATED
        pg = self.db.kind == "postgresql"
        clauses: list[str] = []
        params: list[object] = []

        def same_text(column: str) -> str:
            """`column` equals a parameter, case-free, the way its index is built."""
            if pg:
                return f"lower({column}) = lower(?)"
            return f"{column} = ?" + ("" if consolidated else " COLLATE NOCASE")

        simple = [
            ("event_date >= ?", where.since.isoformat() if where.since else None),
            ("event_date <= ?", where.until.isoformat() if where.until else None),
            ("event_type = ?", canonical_type(where.event_type) if where.event_type else None),
            (
                "sub_event_type = ?",
                canonical_sub_type(where.sub_event_type) if where.sub_event_type else None,
            ),
            (same_text("admin1"), where.admin1),
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
        if where.article_id:
            if consolidated:
                clauses.append(
                    "cluster_id IN (SELECT cluster_id FROM cluster_members WHERE article_id = ?)"
                )
            else:
                clauses.append("article_id = ?")
            params.append(where.article_id)
        if where.country:
            from frontlines.countries import find_country

            known = find_country(where.country)
            if known is not None:
                # one index walk in date order on the alpha-2 code every stored place
                # carries beside its country's name (an OR of the two columns gathered
                # and sorted every matching row: a sixth of a million-event store)
                # as stored: upper case (PostgreSQL compares exactly, on its own index)
                clauses.append("iso = ?" if pg else same_text("iso"))
                params.append(known.iso2.upper())
            else:
                clauses.append(f"({same_text('country')} OR {same_text('iso')})")
                params += [where.country, where.country]
        if query.bbox:
            clause, values = self._box(level, query.bbox)
            clauses.append(clause)
            params += values
        if query.q is not None:
            if pg:
                clause, values = self._pg_full_text(level, query.q)
                clauses.append(clause)
                params += values
            elif consolidated:  # its own full-text index, rowid = cluster_id (schema 7)
                clauses.append(
                    "cluster_id IN (SELECT rowid FROM consolidated_fts"
                    " WHERE consolidated_fts MATCH ?)"
                )
                params.append(fts_query(query.q) or '""')
            else:
                clauses.append(
                    f"{level.rowid} IN (SELECT id FROM temp.{self._full_text(level, query.q)})"
                )
        return clauses, params

    def _box(
        self, level: _Level, bbox: tuple[float, float, float, float]
    ) -> tuple[str, list[object]]:
        """A lon/lat box (west, south, east, north; west > east crosses the antimeridian)
        as SQL: SQLite's R*Tree of points; on PostgreSQL, consolidated events' B-tree of
        latitude and longitude, report-level events' GiST index on the point's lon/lat box
        and then the exact comparison (the index keeps boxes rounded outward)."""
        west, south, east, north = bbox
        if self.db.kind == "sqlite":
            box = f"SELECT id FROM {level.points} WHERE max_lat >= ? AND min_lat <= ?"
            if west <= east:
                box += " AND max_lon >= ? AND min_lon <= ?"
            else:  # the box crosses the antimeridian
                box += " AND (max_lon >= ? OR min_lon <= ?)"
            return f"{level.rowid} IN ({box})", [south, north, west, east]
        if level is _CONSOLIDATED:  # the B-tree of latitude and longitude (schema 11)
            if west <= east:
                return (
                    "latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
                    [south, north, west, east],
                )
            return (
                "latitude BETWEEN ? AND ? AND (longitude >= ? OR longitude <= ?)",
                [south, north, west, east],
            )
        envelope = "geog::geometry && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
        if west <= east:
            return (
                f"{envelope} AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
                [west, south, east, north, south, north, west, east],
            )
        return (
            f"({envelope} OR {envelope}) AND latitude BETWEEN ? AND ?"
            " AND (longitude >= ? OR longitude <= ?)",
            [west, south, 180.0, north, -180.0, south, east, north, south, north, west, east],
        )

    def _pg_full_text(self, level: _Level, q: str) -> tuple[str, list[object]]:
        """The rows whose evidence holds every word of `q` (the GIN index on the words)."""
        words = pg_words(q)
        if not words:
            return "FALSE", []
        match = "v.words @@ plainto_tsquery('simple', ?)"
        if level is _CONSOLIDATED:  # the consolidated event's own words (schema 7)
            return "words @@ plainto_tsquery('simple', ?)", [words]
        return f"event_id IN (SELECT v.event_id FROM evidence v WHERE {match})", [words]

    def _full_text(self, level: _Level, q: str) -> str:
        """The rows whose evidence matches `q`, found once per query in the FTS table and
        kept in a temporary table of this connection that the count and the page (or the
        statistics) both join: the full-text search is the costly part, never run twice."""
        assert isinstance(self.db, SqliteDatabase)
        conn = self.db.conn
        table = f"q_{level.table}"
        words = fts_query(q) or '""'
        was_open = conn.in_transaction
        source = (  # report level only: consolidated events have their own index
            "SELECT e.rowid FROM evidence_fts f JOIN events e ON e.event_id = f.event_id"
            " WHERE evidence_fts MATCH ?"
        )
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM temp.{table}")
        conn.execute(f"INSERT OR IGNORE INTO temp.{table} (id) {source}", (words,))
        if not was_open:
            conn.commit()  # only the temporary table was written
        return table

    def _rows(
        self,
        level: _Level,
        query: EventQuery,
        limit: int | None = None,
        offset: int = 0,
        after: Cursor | None = None,
        clauses: list[str] | None = None,
        params: list[object] | None = None,
        walk: bool = False,
    ) -> tuple[str, list[object]]:
        """SQL for the JSON of one page in date order: the ids chosen on the narrow
        columns (an index walk, keyset after a cursor), then the JSON of those rows only.
        `walk` (SQLite): the ids by a walk of the date-order index that stops once the
        page is filled, the filters tested on each row on the way."""
        if clauses is None or params is None:
            clauses, params = self._where(level, query)
        clauses, params = list(clauses), list(params)
        pg = self.db.kind == "postgresql"
        if after is not None:
            if after.event_date and pg:  # a row comparison: one index seek
                clauses.append(f"(event_date, {level.key}) > (?, ?)")
                params += [after.event_date, after.event_id]
            elif after.event_date:
                clauses.append(f"(event_date > ? OR (event_date = ? AND {level.key} > ?))")
                params += [after.event_date, after.event_date, after.event_id]
            else:  # undated events sort first
                clauses.append(f"(event_date IS NOT NULL OR {level.key} > ?)")
                params.append(after.event_id)
        # undated first on both engines (SQLite sorts NULL first, PostgreSQL last)
        order = f" ORDER BY event_date{' NULLS FIRST' if pg else ''}, {level.key}"
        row_id = level.pg_id if pg else level.rowid
        ids_sql = f"SELECT {row_id} FROM {level.table}"
        if walk:
            ids_sql += f" INDEXED BY {level.order_index}"
        if clauses:
            ids_sql += " WHERE " + " AND ".join(clauses)
        if limit is not None or offset:
            ids_sql += order + " LIMIT ? OFFSET ?"
            params += [limit if limit is not None else (None if pg else -1), offset]
        if level is _REPORT:
            return (
                "SELECT data, record, event_id, event_date, latitude, longitude FROM events"
                f" WHERE {row_id} IN ({ids_sql}){order}",
                params,
            )
        return (
            "SELECT d.data, d.record, c.cluster_key, c.event_date, c.latitude, c.longitude"
            " FROM consolidated c JOIN consolidated_data d"
            f" USING (cluster_id) WHERE c.cluster_id IN ({ids_sql}){order}",
            params,
        )

    def _page(
        self,
        level: _Level,
        query: EventQuery,
        limit: int | None,
        offset: int,
        after: Cursor | None,
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """The total and one page: event JSON, record JSON (or None), id, date, latitude
        and longitude per row."""
        clauses, params = self._where(level, query)
        every_sql = f"SELECT coalesce(sum(events), 0) FROM {level.day_totals}"
        count_sql = f"SELECT count(*) FROM {level.table}"
        id_set = self._sole_id_set(level, query, clauses)
        if id_set is not None:  # the ids the spatial or full-text index finds, counted
            count_sql = f"SELECT count(*) FROM ({id_set})"
        elif (
            self.db.kind == "postgresql"
            and level is _CONSOLIDATED
            and query.q is not None
            and len(clauses) == 1
            and clauses[0].startswith("words @@")
        ):  # full text alone: counted in the narrow table of the words (schema 12)
            count_sql = f"SELECT count(*) FROM consolidated_terms WHERE {clauses[0]}"
        elif clauses:
            count_sql += " WHERE " + " AND ".join(clauses)
        else:  # every event: the kept totals (schemas 8 and 10), not a scan
            count_sql = every_sql
        total = int(self.db.execute(count_sql, params).fetchone()[0])
        if limit == 0 or total == 0 or offset >= total:
            return total, []
        walk = False
        if id_set is not None:
            # many matches: a walk in date order fills a page after some hundreds of rows
            # per match in _WALK_SHARE; a few: found, then sorted (a walk would read all)
            every = int(self.db.execute(every_sql).fetchone()[0])
            walk = total * _WALK_SHARE >= every
        if not clauses and after is None and offset > _SKIP_DAYS_FROM:
            # a deep page of every event: whole days skipped by their kept counts, then
            # the offset within the first day of the page (an index walk of a day, not of
            # everything before it)
            first_day, within = self._skip_days(level, offset)
            if first_day:
                clauses = ["event_date >= ?"]
                params = [first_day]
                offset = within
        sql, params = self._rows(level, query, limit, offset, after, clauses, params, walk)
        return total, self.db.execute(sql, params).fetchall()

    def _sole_id_set(self, level: _Level, query: EventQuery, clauses: list[str]) -> str | None:
        """SQLite, where the only filter is the box or the full text: the SELECT of the
        matching row ids from the R*Tree or the FTS index alone (one row per event), which
        counts them without reading a row."""
        prefix = f"{level.rowid} IN ("
        if (
            self.db.kind != "sqlite"
            or (query.bbox is None and query.q is None)
            or len(clauses) != 1
            or not clauses[0].startswith(prefix)
        ):
            return None
        return clauses[0][len(prefix) : -1]

    def _skip_days(self, level: _Level, offset: int) -> tuple[str, int]:
        """The day the row at `offset` of every event (in date order) falls on, and its
        offset among the rows from that day on: ("", offset) while it is undated."""
        seen = 0
        rows = self.db.execute(
            f"SELECT event_date, sum(events) FROM {level.day_totals}"
            " GROUP BY event_date ORDER BY event_date"
        )
        for day, n in rows:
            n = int(n)
            if seen + n > offset:
                return (day, offset - seen) if day else ("", offset)
            seen += n
        return "", offset

    def search_events(
        self,
        query: EventQuery,
        limit: int | None = None,
        offset: int = 0,
        after: Cursor | None = None,
    ) -> tuple[int, list[Event]]:
        """Report-level events by every filter, in date order, one page, with the total.
        All in SQL, so a page costs the same however deep it is."""
        total, rows = self._page(_REPORT, query, limit, offset, after)
        return total, [event_from_json(r[0]) for r in rows]

    def search_consolidated(
        self,
        query: EventQuery,
        limit: int | None = None,
        offset: int = 0,
        after: Cursor | None = None,
    ) -> tuple[int, list[ConsolidatedEvent]]:
        """Consolidated events by every filter, on the stored reconciled event (the box,
        actor, certainty and type filters) or on its reports (full text, article), in date
        order, one page, with the total."""
        total, rows = self._page(_CONSOLIDATED, query, limit, offset, after)
        return total, [consolidate.consolidated_from_json(r[0]) for r in rows]

    def search_records(
        self,
        query: EventQuery,
        level: str = "consolidated",
        limit: int | None = None,
        offset: int = 0,
        after: Cursor | None = None,
    ) -> tuple[int, list[StoredRecord]]:
        """Like search_events / search_consolidated, but the API records (event_record)
        as stored with the events, as JSON text: a page is sent without building a model
        or decoding a record."""
        table = _level(level)
        total, rows = self._page(table, query, limit, offset, after)
        out = []
        for data, record, event_id, event_date, latitude, longitude in rows:
            if record is None:  # report level, or written by other code: computed now
                event = (
                    event_from_json(data)
                    if table is _REPORT
                    else consolidate.consolidated_from_json(data)
                )
                record = record_json(event)
            out.append(StoredRecord(record, event_id, event_date, latitude, longitude))
        return total, out

    def event_stats(self, query: EventQuery, level: str = "consolidated") -> dict[str, Any]:
        """What /api/stats shows, counted in SQL: events and fatalities by day and type
        ("by_day"), by type and sub-type ("by_sub"), by country and admin1 ("by_place").
        Every event's, or one known country's, from the kept totals (schemas 8, 10 and
        13); any other filter's grouped from its rows (over covering indexes)."""
        table = _level(level)
        clauses, params = self._where(table, query)
        scope = _stats_scope(clauses, query)
        if scope is not None:
            return {"by_day": self.scope_days(level, scope), **self.scope_summary(level, scope)}
        rows = (table.table, "WHERE " + " AND ".join(clauses), params)
        return self._grouped_stats(rows, rows, rows, "1")

    def stats_scope(self, query: EventQuery) -> str | None:
        """The kept totals a query's statistics are read from (as event_stats reads
        them): "*" for every event, a country's code for that known country alone, None
        for any other filter (its statistics grouped from the events it selects)."""
        return _stats_scope(self._where(_CONSOLIDATED, query)[0], query)

    def stats_marks(self, level: str, scope: str) -> dict[str, int]:
        """Each year's mark of a scope's statistics (schema 14): it moves whenever a day
        total of that year changes; '' is undated."""
        table = _level(level)
        rows = self.db.execute(
            f"SELECT year, changes FROM {table.totals}_stats_marks WHERE scope = ?", (scope,)
        )
        return {str(year): int(changes) for year, changes in rows}

    def stats_scopes(self, level: str) -> list[str]:
        """The countries (their codes) with kept statistics at a level (schema 14's marks),
        those with the most events first."""
        table = _level(level)
        rows = self.db.execute(
            f"SELECT m.scope FROM (SELECT DISTINCT scope FROM {table.totals}_stats_marks"
            f" WHERE scope <> '*') m LEFT JOIN (SELECT iso, sum(events) AS n"
            f" FROM {table.totals}_country_place_totals GROUP BY iso) c ON c.iso = m.scope"
            " ORDER BY coalesce(c.n, 0) DESC, m.scope"
        )
        return [str(scope) for (scope,) in rows]

    def scope_days(
        self, level: str, scope: str, years: Sequence[str] | None = None
    ) -> list[tuple[str | None, str, int, int]]:
        """A scope's events and fatalities by day and type from the kept totals, of the
        given years only (their dates' first four characters) or of every day."""
        table = _level(level)
        params: list[object] = []
        if scope == "*":
            source, where = table.day_totals, "WHERE events > 0"
        else:
            source = f"{table.totals}_country_day_totals"
            where, params = "WHERE events > 0 AND iso = ?", [scope]
        if years is not None:
            spans: list[str] = []
            for year in years:  # ranges of the key, which an index seeks
                if year.isdigit():
                    spans.append("(event_date >= ? AND event_date < ?)")
                    params += [year, str(int(year) + 1).zfill(len(year))]
                else:
                    spans.append("substr(event_date, 1, 4) = ?")
                    params.append(year)
            if not spans:
                return []
            where += " AND (" + " OR ".join(spans) + ")"
        return self._grouped_stats((source, where, params), None, None, "events")["by_day"]

    def scope_summary(self, level: str, scope: str) -> dict[str, Any]:
        """A scope's events and fatalities by type and sub-type ("by_sub") and by country
        and admin1 ("by_place"), from the kept totals."""
        table = _level(level)
        by_country = f"{table.totals}_country_place_totals"
        if scope == "*":
            kept = "WHERE events > 0"
            return self._grouped_stats(
                None, (by_country, kept, []), (table.place_totals, kept, []), "events"
            )
        kept = "WHERE events > 0 AND iso = ?"
        return self._grouped_stats(
            None, (by_country, kept, [scope]), (by_country, kept, [scope]), "events"
        )

    def _grouped_stats(
        self,
        days: tuple[str, str, list[object]] | None,
        subs: tuple[str, str, list[object]] | None,
        places: tuple[str, str, list[object]] | None,
        count: str,
    ) -> dict[str, Any]:
        """event_stats' rows, each part (a table, its WHERE clause and parameters; None:
        not asked) with `count` summed: "1" over the events themselves, "events" over
        kept totals. By day and type in SQL, not by sub-type too: twenty years' days,
        types and sub-types are 44,000 rows of kept totals, and summing them in Python
        was most of the answer's time."""
        # as integers: PostgreSQL's sum of a BIGINT is a NUMERIC
        sums = f"CAST(sum({count}) AS BIGINT), CAST(sum(fatalities) AS BIGINT)"

        def grouped(part: tuple[str, str, list[object]], keys: str) -> Any:
            source, where, params = part
            return self.db.execute(
                f"SELECT {keys}, {sums} FROM {source} {where} GROUP BY {keys}", params
            )

        answer: dict[str, Any] = {}
        if days is not None:
            answer["by_day"] = [
                (day or None, event_type, n, dead)
                for day, event_type, n, dead in grouped(days, "event_date, event_type")
            ]
        if subs is not None:
            answer["by_sub"] = [tuple(row) for row in grouped(subs, "event_type, sub_event_type")]
        if places is not None:
            # NULL and "" are one place (the rows keep NULL, the totals ""): merged here
            merged: dict[tuple[str, str], list[int]] = {}
            for country, admin1, n, dead in grouped(places, "country, admin1"):
                row = merged.setdefault((country or "", admin1 or ""), [0, 0])
                row[0] += n
                row[1] += dead or 0
            answer["by_place"] = [(c, a, n, dead) for (c, a), (n, dead) in merged.items()]
        return answer

    def consolidated_event(self, cluster_key: str) -> ConsolidatedEvent | None:
        """One consolidated event by id."""
        row = self.db.execute(
            "SELECT d.data FROM consolidated c JOIN consolidated_data d USING (cluster_id)"
            " WHERE c.cluster_key = ?",
            (cluster_key,),
        ).fetchone()
        return consolidate.consolidated_from_json(row[0]) if row else None

    def cluster_of(self, event_id: str) -> str | None:
        """The id of the consolidated event a report-level event belongs to."""
        row = self.db.execute(
            "SELECT c.cluster_key FROM cluster_members m JOIN clusters c USING (cluster_id)"
            " WHERE m.event_id = ?",
            (event_id,),
        ).fetchone()
        return str(row[0]) if row else None

    def event(self, event_id: str) -> Event | None:
        """One report-level event by id."""
        row = self.db.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return event_from_json(row[0]) if row else None

    # ------------------------------------------------------------ documents (the API)

    def documents(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The metadata (not the text) of some documents, in the order given."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        if self.db.kind == "postgresql":
            sql, param = f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ANY(?)", wanted
        else:
            sql = (
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))"
            )
            param = json.dumps(wanted)  # type: ignore[assignment]
        rows = self.db.execute(sql, (param,)).fetchall()
        by_id = {r[0]: _doc(r) for r in rows}
        return [by_id[i] for i in wanted if i in by_id]

    def list_documents(self, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """Documents' metadata with their event counts, newest first: one page, the total."""
        total = int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])
        rows = self.db.execute(
            f"SELECT {_DOC_COLUMNS}, (SELECT count(*) FROM events e WHERE e.article_id = d.id)"
            " FROM documents d ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return total, [{**_doc(r[:-1]), "events": r[-1]} for r in rows]

    def document(self, article_id: str) -> dict[str, Any] | None:
        """One document's metadata and text."""
        row = self.db.execute(
            f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE id = ?", (article_id,)
        ).fetchone()
        return {**_doc(row[:-1]), "text": row[-1]} if row else None


def _stats_scope(clauses: list[str], query: EventQuery) -> str | None:
    """Store.stats_scope from the query's WHERE clauses: "*" when it has none."""
    return "*" if not clauses else _known_country_only(query)


def _known_country_only(query: EventQuery) -> str | None:
    """The alpha-2 code of the one filter of a query that names only a known country
    (what Store._where matches on the stored code), else None."""
    if query != EventQuery(EventFilter(country=query.where.country)) or not query.where.country:
        return None
    from frontlines.countries import find_country

    known = find_country(query.where.country)
    return known.iso2.upper() if known is not None else None


def _day(value: date | None) -> int | None:
    return value.toordinal() if value else None


def _claim_place_where(place: str, alias: str = "") -> tuple[str, list[object]]:
    """The WHERE clause for claims about `place` (columns of the claims table, prefixed
    with `alias`): by its name, its words in the text, or its gazetteer ids."""
    from frontlines.gazetteer import get_gazetteer

    norm = normalize_name(place)
    ids: list[object] = []
    try:
        ids = [p.geonameid for p in get_gazetteer().candidates(place) if p.geonameid]
    except (FrontlinesError, OSError, sqlite3.Error):  # the gazetteer is an SQLite index
        ids = []  # no gazetteer at hand: the match narrows to the names themselves
    clauses = [f"{alias}place_norm = ?", f"{alias}text_norm = ?"]
    params: list[object] = [norm, norm]
    if ids:
        clauses.append(f"{alias}geonameid IN ({','.join('?' * len(ids))})")
        params += ids
    return "(" + " OR ".join(clauses) + ")", params


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _statements(script: str) -> list[str]:
    """A migration script as single statements (executescript would commit first and
    run outside our transaction)."""
    out: list[str] = []
    pending = ""
    for part in script.split(";"):
        pending += part
        if sqlite3.complete_statement(pending + ";"):
            if pending.strip():
                out.append(pending.strip())
            pending = ""
        else:
            pending += ";"
    if pending.strip():
        out.append(pending.strip())
    return out
