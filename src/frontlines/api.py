"""`frontlines serve`: an HTTP API (FastAPI, OpenAPI at /openapi.json) and the web UI.

Every request opens its own `Store` (an SQLite file or a PostgreSQL database): a
connection belongs to one thread and FastAPI answers from a thread pool. The API is read-only unless the app is made with
`allow_ingest=True` and a token; ingesting then runs the same functions as
`frontlines ingest` (ingest.parse_*, pipeline.analyze_articles, Store.ingest).

Every read and write goes through `Store` methods: no SQL here.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import hmac
import ipaddress
import json
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from frontlines.database import PostgresPool, display_name, is_postgres
from frontlines.errors import FieldError, FrontlinesError, InputError
from frontlines.models import CERTAINTIES, TAXONOMY, Article, ConsolidatedEvent, Event
from frontlines.store import Cursor, EventFilter, EventQuery, Store, StoredRecord, fts_query
from frontlines.store import event_record as store_record
from frontlines.web import OTHER_COLOR, STATIC, TYPE_COLORS

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 500
# The deepest page: SQLite takes offsets up to 2**63 - 1, but no store is that deep and
# a bound stated in the schema beats an overflow.
MAX_OFFSET = 10_000_000
MAX_QUERY_CHARS = 500  # q: words that must all occur in the evidence
MAX_FILTER_CHARS = 200  # every other text filter
DEFAULT_MAX_BODY = 2_000_000  # bytes of one ingest request
DEFAULT_TIME_BUDGET_S = 10.0  # seconds a read request may take before it is a 503
RETRY_AFTER_S = 5
# Reads are mostly Python (one core, the GIL): more at once than this only makes each
# slower. The rest wait, and a wait past the time budget is a 503, not a pile-up.
MAX_CONCURRENT_READS = max(2, min(8, os.cpu_count() or 2))
# /api/stats answers kept until the store changes: the whole store's and the last ones asked
STATS_KEPT = 64
# The years of the statistics of every event and of each country kept (at both levels),
# as their marks stand (Store.stats_marks): every country's, computed as the server starts
SCOPES_KEPT = 600
# Years read again one by one after a write; more than this, and every year is read at once
YEARS_SOUGHT = 4
# When each request began (set by the middleware, read in the worker thread).
_REQUEST_STARTED: contextvars.ContextVar[float] = contextvars.ContextVar("request_started")
# Claims about the event's place within this many days of it are shown beside it.
CLAIM_WINDOW_DAYS = 7

# The UI loads only its own files; report text can never run as script even if some
# future code forgot textContent. Style attributes are allowed: Leaflet positions with them.
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


# ---------------------------------------------------------------- parameters

Level = Literal["consolidated", "report"]
Certainty = Literal["reported", "claimed", "confirmed", "denied"]


class EventParams(BaseModel):
    """Filters shared by /api/events and /api/stats (query parameters)."""

    since: date | None = Field(None, description="Events on or after this day.")
    until: date | None = Field(None, description="Events on or before this day.")
    country: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="Country name or ISO code."
    )
    admin1: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="First-level region (governorate...)."
    )
    event_type: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="ACLED event type."
    )
    sub_event_type: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="ACLED sub-event type."
    )
    actor: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="Actor key, e.g. SYR_GOV or HTS."
    )
    bbox: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="min_lon,min_lat,max_lon,max_lat"
    )
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_CHARS,
        description="Words that must all occur in the evidence.",
    )
    certainty: Certainty | None = None
    article_id: str | None = Field(
        None, max_length=MAX_FILTER_CHARS, description="Only events told by this document."
    )
    level: Level = Field(
        "consolidated",
        description="consolidated: one event per act, merged across reports; "
        "report: one event per report of it.",
    )

    def query(self) -> EventQuery:
        """The store query; a country by name or any ISO code, taxonomy values in ACLED's
        spelling (422 naming the close known values for one that is not)."""
        from frontlines.export import check_country, check_event_type, check_sub_event_type

        field = "country"
        try:
            country = check_country(self.country, "country")
            field = "event_type"
            event_type = check_event_type(self.event_type, "event_type", "sub_event_type")
            field = "sub_event_type"
            sub = check_sub_event_type(self.sub_event_type, "sub_event_type")
        except FrontlinesError as exc:
            # a list, like every 422 `detail`, as the OpenAPI schema says
            raise unprocessable(["query", field], str(exc), getattr(self, field)) from exc
        return EventQuery(
            where=EventFilter(
                since=self.since,
                until=self.until,
                country=country,
                event_type=event_type,
                sub_event_type=sub,
                admin1=self.admin1 or None,
                article_id=self.article_id or None,
            ),
            bbox=parse_bbox(self.bbox),
            actor=self.actor or None,
            q=self.q if self.q and fts_query(self.q) else None,  # no words: no filter
            certainty=self.certainty,
        )


class EventPage(EventParams):
    format: Literal["json", "geojson"] = "json"
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    after: str | None = Field(
        None,
        max_length=MAX_QUERY_CHARS,
        description="Keyset paging: the `next_after` of the previous page (cheaper than a "
        "deep offset; `offset` then counts from it).",
    )

    def cursor(self) -> Cursor | None:
        if not self.after:
            return None
        try:
            return Cursor.decode(self.after)
        except ValueError as exc:
            raise unprocessable(["query", "after"], str(exc), self.after) from exc


# ---------------------------------------------------------------- parsing them


def unprocessable(loc: list[str | int], message: str, value: Any = None) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors (`detail` is a list), as the
    OpenAPI schema says."""
    error: dict[str, Any] = {"type": "value_error", "loc": loc, "msg": message}
    if value is not None:
        error["input"] = value
    return HTTPException(422, [error])


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or any(p != p for p in parts):  # p != p: NaN
        raise unprocessable(
            ["query", "bbox"], "four numbers, min_lon,min_lat,max_lon,max_lat", value
        )
    west, south, east, north = parts
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise unprocessable(
            ["query", "bbox"], "out of range (longitudes -180..180, latitudes -90..90)", value
        )
    return west, south, east, north


def host_allowed(header: str, allowed: Iterable[str]) -> bool:
    """Whether a Host header names this server: an address literal (DNS rebinding needs
    a name the attacker controls), localhost, or a name in `allowed` ('*': any)."""
    names = {a.lower().rstrip(".") for a in allowed}
    if "*" in names:
        return True
    host = header.strip().lower()
    if host.startswith("["):  # [v6]:port
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":")[0]
    host = host.rstrip(".")
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return host in names or host in ("localhost", "localhost.localdomain")


# ---------------------------------------------------------------- records


def event_record(event: Event) -> dict[str, Any]:
    return store_record(event)


def _related_claims(store: Store, event: Event, member_ids: set[str]) -> list[Any]:
    """Claims that belong to the event (its tolls) or speak about its place near its day."""
    if not store.has_table("claims"):
        return []
    place = event.place
    day = event.event_date
    related = []
    for claim in store.claims():
        if claim.event_id and claim.event_id in member_ids:
            related.append(claim)
            continue
        if place is None or claim.place is None or day is None or claim.claim_date is None:
            continue
        same_place = (
            claim.place.geonameid == place.geonameid
            if place.geonameid and claim.place.geonameid
            else claim.place.name.lower() == place.name.lower()
        )
        if same_place and abs((claim.claim_date - day).days) <= CLAIM_WINDOW_DAYS:
            related.append(claim)
    return related


def event_detail(store: Store, event_id: str, level: str | None = None) -> dict[str, Any] | None:
    """One event with every report of it, its evidence, sources, claims and disputes.

    A consolidated event's id is the id of its first report: without `level` the
    consolidated event wins, and a report-level id that is no cluster's falls back."""
    from frontlines.claims import claim_record

    event: Event | None = None
    consolidated: str | None = None
    if level != "report":
        event = store.consolidated_event(event_id)
    if isinstance(event, ConsolidatedEvent):
        found = "consolidated"
        reports = [e for e in (store.event(i) for i in event.member_ids) if e]
    else:
        event = store.event(event_id) if level != "consolidated" else None
        if event is None:
            return None
        found = "report"
        reports = [event]
        consolidated = store.cluster_of(event_id)
    member_ids = {r.event_id for r in reports}
    claims = _related_claims(store, event, member_ids)
    claim_ids = {c.claim_id for c in claims}
    disputes = []
    if claims and store.has_table("contradictions"):
        disputes = [
            x.to_record()
            for x in store.contradictions()
            if claim_ids.intersection(c.claim_id for c in x.claims)
        ]
    return {
        "level": found,
        "event": event_record(event),
        "consolidated_event_id": consolidated,
        "reports": [event_record(r) for r in reports],
        "sources": store.documents(r.article_id for r in reports),
        "claims": [claim_record(c) for c in claims],
        "contradictions": disputes,
    }


def record_feature(record: StoredRecord) -> str:
    """A GeoJSON Feature (as export.feature, with the event's id) around a stored record."""
    geometry = None
    if record.latitude is not None and record.longitude is not None:
        geometry = {"type": "Point", "coordinates": [record.longitude, record.latitude]}
    head = json.dumps({"type": "Feature", "id": record.event_id, "geometry": geometry})
    return f'{head[:-1]}, "properties": {record.json}}}'


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    """The sort key of a count by name: most first, then by name."""
    return -item[1], item[0]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def stats(counts: dict[str, Any]) -> dict[str, Any]:
    """The /api/stats figures from Store.event_stats' grouped counts (rows by day and
    type; by type and sub-type; by country and admin1), in the answer's order."""
    series = day_series(counts["by_day"])
    summary = stats_summary(counts["by_sub"], counts["by_place"])
    return {
        **_before_weeks(summary, series.first, series.last),
        "by_week": series.weeks,
        "by_day": series.days,
        "by_admin1": summary["by_admin1"],
    }


def _before_weeks(summary: dict[str, Any], first: str | None, last: str | None) -> dict[str, Any]:
    """The answer's fields before its weeks, in its order."""
    return {
        "events": summary["events"],
        "fatalities": summary["fatalities"],
        "date_range": [first, last] if first else None,
        "by_type": summary["by_type"],
        "by_sub_event_type": summary["by_sub_event_type"],
    }


def stats_summary(by_sub: Iterable[Any], by_place: Iterable[Any]) -> dict[str, Any]:
    """The answer's totals, types, sub-types and admin-1 regions (each most first), from
    rows by type and sub-type and by country and admin1."""
    by_type: dict[str, int] = {}
    by_subtype: dict[str, int] = {}
    events = fatalities = 0
    for event_type, sub_event_type, n, dead in by_sub:
        events += n
        fatalities += dead or 0
        by_type[event_type] = by_type.get(event_type, 0) + n
        by_subtype[sub_event_type] = by_subtype.get(sub_event_type, 0) + n
    admin1 = [
        {"country": country, "admin1": region, "events": n, "fatalities": dead or 0}
        for country, region, n, dead in by_place
    ]
    return {
        "events": events,
        "fatalities": fatalities,
        "by_type": dict(sorted(by_type.items(), key=_most_first)),
        "by_sub_event_type": dict(sorted(by_subtype.items(), key=_most_first)),
        "by_admin1": sorted(admin1, key=lambda r: (-r["events"], r["country"], r["admin1"])),
    }


@dataclass(frozen=True)
class DaySeries:
    """Days and ISO weeks of counts by type, in date order; `first` and `last` the first
    and last day (None: no dated events)."""

    days: list[dict[str, Any]]
    weeks: list[dict[str, Any]]
    first: str | None
    last: str | None


def day_series(by_day: Iterable[Any]) -> DaySeries:
    """The answer's days and weeks from rows by day and type. The days are walked once,
    in order, each adding to its week (a million-event store has 7,300 days of 4 types:
    a week looked up for each row, and each day's types sorted by a lambda, were most of
    the answer's time)."""
    days: dict[str, dict[str, int]] = {}
    for day_text, event_type, n, _dead in by_day:
        if day_text:
            types = days.get(day_text)
            if types is None:
                days[day_text] = {event_type: n}
            else:
                types[event_type] = types.get(event_type, 0) + n
    dated = sorted(days)
    by_day_list: list[dict[str, Any]] = []
    by_week: list[dict[str, Any]] = []
    week: dict[str, Any] = {}
    week_types: dict[str, int] = {}
    week_start = -1
    for day_text in dated:
        types = days[day_text]
        ordered = dict(sorted(types.items(), key=_most_first)) if len(types) > 1 else types
        by_day_list.append({"date": day_text, "by_type": ordered})
        day = date.fromisoformat(day_text)
        start = day.toordinal() - day.weekday()  # its week's Monday
        if start != week_start:
            week_start, week_types = start, {}
            week = {
                "week": iso_week(day),
                "start": date.fromordinal(start).isoformat(),
                "events": 0,
                "by_type": week_types,
            }
            by_week.append(week)
        for event_type, n in types.items():
            week["events"] += n
            week_types[event_type] = week_types.get(event_type, 0) + n
    return DaySeries(
        by_day_list, by_week, dated[0] if dated else None, dated[-1] if dated else None
    )


@dataclass(frozen=True)
class YearPart:
    """One year of a scope's statistics as kept by the server: its mark (Store.stats_marks)
    when read, its days as JSON text (the items of the answer's `by_day`, joined: text,
    not the days' thousands of dicts, which a garbage collection would walk), its weeks
    (which the answer merges with the neighbouring years') and its first and last day."""

    mark: int
    days_json: str
    weeks: list[dict[str, Any]]
    first: str | None
    last: str | None


def year_parts(rows: Iterable[Any], marks: dict[str, int]) -> dict[str, YearPart]:
    """Rows by day and type cut into years (their dates' first four characters): the
    parts of the years in `marks` (each with its mark; other rows are left out)."""
    by_year: dict[str, list[Any]] = {year: [] for year in marks}
    for row in rows:
        if row[0]:
            year_rows = by_year.get(row[0][:4])
            if year_rows is not None:
                year_rows.append(row)
    parts: dict[str, YearPart] = {}
    for year, year_rows in by_year.items():
        series = day_series(year_rows)
        parts[year] = YearPart(
            marks[year], json.dumps(series.days)[1:-1], series.weeks, series.first, series.last
        )
    return parts


def joined_stats(head: dict[str, Any], summary: dict[str, Any], parts: Iterable[YearPart]) -> str:
    """The /api/stats answer as JSON from its years, the same text as json.dumps of the
    whole answer: the days' texts joined as they are, and a week that spans two years
    (its Monday in December) merged from both."""
    weeks: list[dict[str, Any]] = []
    days: list[str] = []
    first = last = None
    for part in parts:
        if part.first is None:
            continue
        first = first or part.first
        last = part.last
        days.append(part.days_json)
        following = part.weeks
        if weeks and following and weeks[-1]["start"] == following[0]["start"]:
            earlier, later = weeks[-1], following[0]
            types = dict(earlier["by_type"])
            for event_type, n in later["by_type"].items():
                types[event_type] = types.get(event_type, 0) + n
            weeks[-1] = {**earlier, "events": earlier["events"] + later["events"], "by_type": types}
            following = following[1:]
        weeks.extend(following)
    before_days = json.dumps({**head, **_before_weeks(summary, first, last), "by_week": weeks})
    return (
        f'{before_days[:-1]}, "by_day": [{", ".join(days)}], '
        f'"by_admin1": {json.dumps(summary["by_admin1"])}}}'
    )


# ---------------------------------------------------------------- the app


def create_app(
    db_path: str | Path,
    *,
    allow_ingest: bool = False,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: Iterable[str] | None = None,
    time_budget: float = DEFAULT_TIME_BUDGET_S,
    max_chars: int | None = None,
) -> FastAPI:
    """The API and UI over the store at `db_path`.

    `allowed_hosts`: Host header names accepted besides address literals and localhost
    (None: no check, for in-process clients); `time_budget`: seconds a read may take
    (503 with Retry-After past it); `max_chars`: longest document ingested."""
    from frontlines.ingest import MAX_CHARS

    if allow_ingest and not token:
        raise ValueError("ingesting over HTTP needs a token")
    db = str(db_path)
    hosts = None if allowed_hosts is None else list(allowed_hosts)
    doc_chars = max_chars or MAX_CHARS
    write_lock = threading.Lock()  # one ingest at a time: SQLite has one writer anyway
    read_slots = threading.BoundedSemaphore(MAX_CONCURRENT_READS)
    opened = threading.Event()  # a Store of this server has opened the store once
    # the store's totals (read from its kept row counts, schema 13), kept until the store
    # changes, and the SQLite connection that watches for changes
    totals: dict[str, Any] = {}
    # /api/stats answers, the most recently asked first: (level, query) -> (change mark,
    # answer); kept until the store changes
    answers: OrderedDict[tuple[str, EventQuery], tuple[object, str]] = OrderedDict()
    # the years of the statistics of every event and of each country, the most recently
    # asked first: (level, scope) -> year -> its part; kept while the year's mark stands
    year_kept: OrderedDict[tuple[str, str], dict[str, YearPart]] = OrderedDict()
    totals_lock = threading.Lock()

    def change_mark(store: Store) -> object | None:
        """What changes with every write to the store (Store.change_mark)."""
        with totals_lock:
            # SQLite: a connection kept open watches the file's data version (a request's
            # own connection is new: its version says nothing about earlier ones)
            if store.db.kind == "sqlite" and "watcher" not in totals:
                totals["watcher"] = Store(db, checked=True)
            watcher = totals.get("watcher", store)
            return watcher.change_mark()

    def store_totals(store: Store) -> dict[str, int]:
        mark = change_mark(store)  # before counting: a write meanwhile shows next time
        with totals_lock:
            if mark is not None and totals.get("mark") == mark:
                return dict(totals["counts"])
        counts: dict[str, int] = {**store.counts(), **store.analysis_counts()}
        with totals_lock:
            totals.update(mark=mark, counts=counts)
        return dict(counts)

    def stats_answer(store: Store, level: str, query: EventQuery) -> str:
        """The /api/stats answer as JSON, kept until the store changes: the statistics of
        every event (the map's first request, 1.2 MB on a million events) and of the last
        STATS_KEPT filters asked, as the store totals are."""
        mark = change_mark(store)  # before reading: a write meanwhile shows next time
        key = (level, query)
        with totals_lock:
            kept = answers.get(key)
            if kept is not None:
                answers.move_to_end(key, last=False)
        if mark is not None and kept is not None and kept[0] == mark:
            return kept[1]
        head = {"level": level, "store": store_totals(store)}
        scope = store.stats_scope(query)
        if scope is not None:
            body = scope_answer(store, level, scope, head)
        else:
            # plain values only: json.dumps, not FastAPI's encoder, which walked each of
            # the thousands of days' dicts (most of the time of a store's whole statistics)
            body = json.dumps({**head, **stats(store.event_stats(query, level))})
        if mark is not None:
            with totals_lock:
                answers[key] = (mark, body)
                answers.move_to_end(key, last=False)
                while len(answers) > STATS_KEPT:
                    answers.popitem()
        return body

    def scope_parts(store: Store, level: str, scope: str) -> list[YearPart]:
        """The years of a scope's statistics (every event's, or a country's), in order:
        those whose marks have not moved since they were read as kept, the others read
        again (after a write, the few years it touched)."""
        marks = store.stats_marks(level, scope)  # before the rows: a later write shows next time
        key = (level, scope)
        with totals_lock:
            kept = year_kept.get(key, {})
            if key in year_kept:
                year_kept.move_to_end(key, last=False)
        stale = {y: m for y, m in marks.items() if y and (y not in kept or kept[y].mark != m)}
        parts = {y: part for y, part in kept.items() if y in marks and y not in stale}
        if stale:
            sought = None if len(stale) > YEARS_SOUGHT else sorted(stale)
            parts.update(year_parts(store.scope_days(level, scope, sought), stale))
        with totals_lock:
            year_kept[key] = parts
            year_kept.move_to_end(key, last=False)
            while len(year_kept) > SCOPES_KEPT:
                year_kept.popitem()
        return [parts[year] for year in sorted(parts)]

    def scope_answer(store: Store, level: str, scope: str, head: dict[str, Any]) -> str:
        summary = stats_summary(**store.scope_summary(level, scope))
        return joined_stats(head, summary, scope_parts(store, level, scope))

    # PostgreSQL: connections kept open for the requests (the readers and one writer)
    pool = PostgresPool(db, MAX_CONCURRENT_READS + 1) if is_postgres(db) else None

    def warm_stats() -> None:
        """The statistics of every event and the years of every country's, both levels,
        computed as the server starts (a million-event store's in a second or two): the
        map's first request is then answered as a repeated one is, and a country's
        first from kept years. None for a store not made yet."""
        if not is_postgres(db) and not Path(db).exists():
            return
        try:
            with open_store(budget=False) as store:
                try:
                    for level in ("consolidated", "report"):
                        stats_answer(store, level, EventQuery(EventFilter()))
                        for scope in store.stats_scopes(level)[: SCOPES_KEPT // 2 - 1]:
                            scope_parts(store, level, scope)
                except store.db.Error:
                    return  # the requests will say what is wrong
        except (HTTPException, FrontlinesError):
            return

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(warm_stats)
        yield

    app = FastAPI(
        title="frontlines",
        summary="Conflict events from news reports: ACLED-style, attributed, geolocated.",
        version=_version(),
        lifespan=lifespan,
    )
    # level 4: most of level 9's gain on JSON at a fraction of its time (a 500-event page)
    app.add_middleware(GZipMiddleware, minimum_size=2000, compresslevel=4)
    app.state.db_path = db

    def too_slow() -> HTTPException:
        return HTTPException(
            503,
            f"over this server's time budget of {time_budget:g} s; try again later"
            " or ask for less (filters, a smaller limit)",
            {"Retry-After": str(RETRY_AFTER_S)},
        )

    @contextmanager
    def open_store(budget: bool = True) -> Iterator[Store]:
        """A store for one request; a read holds one of the read slots and is cut off
        (statements aborted, 503) when the request's time budget runs out."""
        left = time_budget - (time.monotonic() - _REQUEST_STARTED.get(time.monotonic()))
        if budget and (left <= 0 or not read_slots.acquire(timeout=left)):
            raise too_slow()
        try:
            try:
                store = Store(db, pool=pool, checked=opened.is_set())
            except FrontlinesError as exc:
                raise HTTPException(503, _public(str(exc), db)) from exc
            opened.set()  # checked once (schema, catch-up): not on every request
            try:
                if budget:
                    store.set_deadline(
                        time_budget - (time.monotonic() - _REQUEST_STARTED.get(time.monotonic()))
                    )
                yield store
            except store.db.Error as exc:
                if store.over_budget():
                    raise too_slow() from exc
                raise
            finally:
                store.close()
        finally:
            if budget:
                read_slots.release()

    def select(
        query: EventQuery, level: str, limit: int | None, offset: int, after: Cursor | None
    ) -> tuple[int, list[StoredRecord]]:
        with open_store() as store:
            return store.search_records(query, level, limit, offset, after)

    @app.get("/api/events", tags=["events"])
    def list_events(params: Annotated[EventPage, Query()]) -> Any:
        """Events by date, filtered and paginated (`offset`, or keyset pages with
        `after`=`next_after`); `format=geojson` for a FeatureCollection (events without
        coordinates have a null geometry)."""
        after = params.cursor()
        query = params.query()
        total, records = select(query, params.level, params.limit, params.offset, after)
        end = params.offset + params.limit
        more = len(records) == params.limit and (after is not None or end < total)
        page: dict[str, Any] = {
            "level": params.level,
            "total": total,
            "offset": params.offset,
            "limit": params.limit,
            "next_offset": end if after is None and end < total else None,
            "next_after": records[-1].cursor().encode() if more and records else None,
        }
        if total == 0:  # say which filter selects nothing, never just an empty list
            from frontlines.export import query_notes

            with open_store() as store:
                page["notes"] = query_notes(store, query, params.level)
        # stored records spliced in as they are: no model built, no record decoded
        head = json.dumps(page)[:-1]
        if params.format == "geojson":
            features = ",".join(record_feature(r) for r in records)
            body = f'{{"type": "FeatureCollection", {head[1:]}, "features": [{features}]}}'
            return Response(body, media_type="application/geo+json")
        events = ",".join(r.json for r in records)
        return Response(f'{head}, "events": [{events}]}}', media_type="application/json")

    @app.get("/api/events/{event_id}", tags=["events"])
    def get_event(event_id: str, level: Level | None = None) -> dict[str, Any]:
        """One event (consolidated or report-level id) with every report of it, its
        evidence sentences, its sources, the claims about it and any contradiction."""
        with open_store() as store:
            detail = event_detail(store, event_id, level)
        if detail is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return detail

    @app.get("/api/stats", tags=["events"])
    def get_stats(params: Annotated[EventParams, Query()]) -> Response:
        """Counts by type, sub-type, ISO week, day and admin-1 of the events that the same
        filters as /api/events select; store totals."""
        with open_store() as store:
            return Response(stats_answer(store, params.level, params.query()),
                            media_type="application/json")  # fmt: skip

    @app.get("/api/claims", tags=["claims"])
    def list_claims(
        place: Annotated[str | None, Query(description="Place name or gazetteer alias.")] = None,
        kind: Annotated[str | None, Query(pattern="^(controls|withdrew|killed)$")] = None,
    ) -> dict[str, Any]:
        """Attributed claims (control, withdrawal, tolls, denials), by date."""
        from frontlines.claims import claim_record

        with open_store() as store:
            if not store.has_table("claims"):
                return {"claims": []}
            claims = store.claims(place or None)
        return {"claims": [claim_record(c) for c in claims if kind is None or c.kind == kind]}

    @app.get("/api/contradictions", tags=["claims"])
    def list_contradictions(
        place: Annotated[str | None, Query(description="Place name or gazetteer alias.")] = None,
    ) -> dict[str, Any]:
        """Disputes: claims about one place and question that disagree, side by side."""
        with open_store() as store:
            if not store.has_table("contradictions"):
                return {"contradictions": []}
            disputes = store.contradictions(place or None)
        return {"contradictions": [x.to_record() for x in disputes]}

    @app.get("/api/places", tags=["places"])
    def list_places() -> dict[str, Any]:
        """Places with events or claims: coordinates, event and claim counts, dates."""
        places: dict[str, dict[str, Any]] = {}
        with open_store() as store:
            for event in store.events():
                if event.place is None:
                    continue
                p = event.place
                key = str(p.geonameid) if p.geonameid else p.name.lower()
                row = places.setdefault(key, _place_row(p))
                row["events"] += 1
                row["fatalities"] += event.fatalities
                _widen(row, event.event_date)
            claims = store.claims() if store.has_table("claims") else []
        for claim in claims:
            if claim.place is None:
                continue
            p = claim.place
            key = str(p.geonameid) if p.geonameid else p.name.lower()
            row = places.setdefault(key, _place_row(p))
            row["claims"] += 1
            _widen(row, claim.claim_date)
        ordered = sorted(places.values(), key=lambda r: (-r["events"] - r["claims"], r["name"]))
        return {"places": ordered}

    @app.get("/api/places/{place}/control", tags=["places"])
    def place_control(place: str) -> dict[str, Any]:
        """Day by day: who is claimed to hold the place, by whom, and where claims
        contradict (the same timeline as `frontlines control`)."""
        from frontlines.claims import control_timeline

        with open_store() as store:
            if not store.has_table("claims"):
                return {"place": place, "days": []}
            days = control_timeline(store.claims(place), store.contradictions(place))
        return {"place": place, "days": [d.to_record(place) for d in days]}

    @app.get("/api/articles", tags=["articles"])
    def list_articles(
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """Stored documents (metadata and event counts, not the text), newest first."""
        with open_store() as store:
            total, docs = store.list_documents(limit, offset)
        return {"total": total, "offset": offset, "limit": limit, "articles": docs}

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        """One document with its text and the report-level events found in it."""
        with open_store() as store:
            doc = store.document(article_id)
            if doc is None:
                raise HTTPException(404, f"no article {article_id!r}")
            events = list(store.events(EventFilter(article_id=article_id)))
        return {**doc, "events": [event_record(e) for e in events]}

    @app.get("/api/meta", tags=["meta"])
    def meta() -> dict[str, Any]:
        """What this server serves: the store, its counts, the taxonomy, whether it ingests."""
        with open_store() as store:
            counts = store.counts()
            version = store.schema_version
        return {
            "db": _store_label(db),
            "schema_version": version,
            "counts": counts,
            "read_only": not allow_ingest,
            "taxonomy": {k: list(v) for k, v in TAXONOMY.items()},
            "event_types": [
                {"name": t, "color": TYPE_COLORS.get(t, OTHER_COLOR), "sub_event_types": list(s)}
                for t, s in TAXONOMY.items()
            ],
            "certainty": list(CERTAINTIES),
            "credits": {
                "places": "GeoNames (geonames.org), CC BY 4.0",
                "borders": "Natural Earth (naturalearthdata.com), public domain",
            },
        }

    @app.post("/api/ingest", tags=["ingest"], max_body_size=max_body)
    async def ingest(
        request: Request,
        published: Annotated[
            date | None, Query(description="Date for documents with none.")
        ] = None,
        outlet: Annotated[str | None, Query(description="Outlet for documents with none.")] = None,
        url: Annotated[
            str | None, Query(description="URL of a text/plain or text/html body.")
        ] = None,
        title: Annotated[str | None, Query(description="Title of a text/plain body.")] = None,
        doc_id: Annotated[
            str | None, Query(alias="id", description="Id of a text/plain body.")
        ] = None,
    ) -> dict[str, Any]:
        """Analyse and store documents (only when started with --allow-ingest; send
        `Authorization: Bearer TOKEN`). Body: text/plain (one report), text/html,
        application/json (an object or a list of {id, text, published, url, outlet, title})
        or application/x-ndjson (JSONL)."""
        if not allow_ingest:
            raise HTTPException(403, "read-only: start `frontlines serve --allow-ingest --token`")
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})
        body = await request.body()  # max_body_size on the route refuses more with 413
        kind = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
        try:
            items = _parse_body(body, kind, published, outlet, url, title, doc_id)
        except FieldError as exc:
            where: list[str | int] = ["body"]
            if ":" in exc.origin:
                where.append(int(exc.origin.rsplit(":", 1)[1]))
            raise unprocessable([*where, exc.field], str(exc)) from exc
        except FrontlinesError as exc:
            raise HTTPException(400, str(exc)) from exc
        return await run_in_threadpool(_ingest_items, items)

    def _ingest_items(items: list[Any]) -> dict[str, Any]:
        from frontlines.models import AnalysisResult, Skip
        from frontlines.pipeline import analyze_articles

        stored: list[dict[str, Any]] = []
        skipped: list[dict[str, str]] = []
        with write_lock, open_store(budget=False) as store:
            pending = []
            for item in items:
                if isinstance(item, Article) and store.has_content(item):
                    stored.append({"article_id": item.id, "status": "unchanged", "events": 0})
                else:
                    pending.append(item)
            # one process: a server's worker thread does not fork a pool of its own
            for result in analyze_articles(pending, max_chars=doc_chars, jobs=1):
                if isinstance(result, Skip):
                    skipped.append({"origin": result.origin, "reason": result.reason})
                    continue
                assert isinstance(result, AnalysisResult)
                try:
                    outcome = store.ingest(result.article, result.events, result.claims)
                except FrontlinesError as exc:
                    # the message names the store's path: not for the client
                    raise HTTPException(
                        500, f"could not store document {result.article.id!r}"
                    ) from exc
                stored.append(
                    {"article_id": outcome.article_id, "status": outcome.status,
                     "events": outcome.events}
                )  # fmt: skip
            counts = store.counts()
        return {"documents": stored, "skipped": skipped, "store": counts}

    # ------------------------------------------------------------ the UI

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.middleware("http")
    async def ui_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path == "/" or request.url.path.startswith("/static/"):
            response.headers.update(_ui_headers())
        return response

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Any:
        """Refuse Host headers that do not name this server (DNS rebinding), and start
        the request's time budget."""
        if hosts is not None and not host_allowed(request.headers.get("host", ""), hosts):
            return JSONResponse(
                {"detail": "Host header not allowed (see frontlines serve --allowed-host)"}, 400
            )
        _REQUEST_STARTED.set(time.monotonic())
        return await call_next(request)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _ui_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": UI_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _place_row(place: Any) -> dict[str, Any]:
    return {
        "name": place.name,
        "geonameid": place.geonameid,
        "country": place.country,
        "iso": place.country_code,
        "admin1": place.admin1,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "events": 0,
        "fatalities": 0,
        "claims": 0,
        "first": None,
        "last": None,
    }


def _widen(row: dict[str, Any], day: date | None) -> None:
    if day is None:
        return
    text = day.isoformat()
    row["first"] = min(row["first"] or text, text)
    row["last"] = max(row["last"] or text, text)


def _parse_body(
    body: bytes,
    kind: str,
    published: date | None,
    outlet: str | None,
    url: str | None,
    title: str | None,
    doc_id: str | None,
) -> list[Any]:
    """Documents from an ingest request, through the readers `frontlines ingest` uses."""
    from frontlines.ingest import check_fields, parse_html, parse_jsonl, parse_text

    origin = "http"
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(origin, "body is not UTF-8") from exc
    if not text.strip():
        raise InputError(origin, "empty body")
    if kind == "application/json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(origin, f"not JSON ({exc.msg})") from exc
        docs = data if isinstance(data, list) else [data]
        if not all(isinstance(d, dict) for d in docs):
            raise InputError(origin, "JSON body: an object or a list of objects")
        for index, doc in enumerate(docs):
            check_fields(doc, f"{origin}:{index}" if isinstance(data, list) else origin)
        lines = "\n".join(json.dumps(d, ensure_ascii=False) for d in docs)
        return list(parse_jsonl(lines, origin, published=published, outlet=outlet))
    if kind in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        return list(parse_jsonl(text, origin, published=published, outlet=outlet))
    # a body has no file name: without `id` its id is its content hash, as on the
    # command line, so one posted report never replaces another
    if kind == "text/html":
        return [
            parse_html(
                text, origin, published=published, outlet=outlet, url=url, id_from_origin=False
            )
        ]
    return [
        parse_text(
            text,
            origin,
            published=published,
            outlet=outlet,
            url=url,
            doc_id=doc_id,
            title=title,
            id_from_origin=False,
        )
    ]


def _store_label(db: str) -> str:
    """The store as the API names it: a file's name, or a PostgreSQL database's name
    (never its host, user or password)."""
    if is_postgres(db):
        return "postgresql:" + display_name(db).rsplit("/", 1)[-1]
    return Path(db).name


def _public(message: str, db: str) -> str:
    """An error message without the store's location on disk (or its server)."""
    if is_postgres(db):
        return message.replace(display_name(db), _store_label(db)).replace(db, _store_label(db))
    return message.replace(str(Path(db).resolve()), Path(db).name).replace(db, Path(db).name)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("frontlines")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


# ---------------------------------------------------------------- running it


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    open_browser: bool = False,
    allow_ingest: bool = False,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: Iterable[str] = (),
    time_budget: float = DEFAULT_TIME_BUDGET_S,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the server until interrupted; print its address once it listens. Host
    headers are checked: --host, localhost, address literals and `allowed_hosts`."""
    import uvicorn

    sock = listening_socket(host, port)  # a busy port fails here, in one line
    app = create_app(
        db_path,
        allow_ingest=allow_ingest,
        token=token,
        max_body=max_body,
        allowed_hosts=[host, *allowed_hosts],
        time_budget=time_budget,
    )
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)

    def when_listening() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if not server.started:
            return
        url = server_url(server, host)
        announce(f"frontlines: serving {db_path} at {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            if not webbrowser.open(url):
                announce(f"frontlines: no browser to open; visit {url}")

    threading.Thread(target=when_listening, daemon=True).start()
    server.run(sockets=[sock])


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or InputError in one line when it cannot be (a port
    in use, an address this machine does not have) instead of uvicorn's log lines."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"--host {host}", f"not an address to listen on ({exc.strerror})") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            problem = "already in use (another server is listening there; try --port 0)"
        else:
            problem = f"cannot listen there ({exc.strerror or exc})"
        raise InputError(f"{host}:{port}", problem) from exc
    sock.set_inheritable(True)
    return sock


def server_url(server: Any, host: str) -> str:
    """The address a started uvicorn server listens on (its real port when 0 was asked)."""
    port = server.servers[0].sockets[0].getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"
