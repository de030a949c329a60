"""Write events as JSONL, ACLED CSV, GeoJSON or Parquet."""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from frontlines.countries import close_countries, find_country
from frontlines.errors import UsageError
from frontlines.models import SUB_TO_TYPE, TAXONOMY, Event

if TYPE_CHECKING:
    from frontlines.store import EventQuery, Store

# ACLED's export columns, in ACLED's order.
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
EXTRA_COLUMNS = [
    "article_id",
    "attributed_to",
    "certainty",
    "evidence",
    "framing",
    "geonameid",
    "actor_keys",
    "location_text",
    "date_earliest",
    "date_latest",
    "date_text",
    "date_precision",
    "plover_type",
]
FORMATS = ("jsonl", "csv", "acled-csv", "geojson", "parquet")


def write_events(events: Iterable[Event], fmt: str, out: IO[str] | Path) -> int:
    """Write events in `fmt` to a text stream (or a file path for parquet). Returns the count."""
    if fmt == "jsonl":
        return _write_jsonl(events, _stream(out))
    if fmt in ("csv", "acled-csv"):
        return _write_csv(events, _stream(out))
    if fmt == "geojson":
        return _write_geojson(events, _stream(out))
    if fmt == "parquet":
        if not isinstance(out, Path):
            raise UsageError("parquet needs an output file: use --output FILE")
        return _write_parquet(events, out)
    raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _stream(out: IO[str] | Path) -> IO[str]:
    if isinstance(out, Path):
        return out.open("w", encoding="utf-8", newline="")
    return out


def _write_jsonl(events: Iterable[Event], stream: IO[str]) -> int:
    count = 0
    for event in events:
        stream.write(json.dumps(event.to_record(), ensure_ascii=False) + "\n")
        count += 1
    stream.flush()
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _write_csv(events: Iterable[Event], stream: IO[str]) -> int:
    writer = csv.DictWriter(
        stream, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    count = 0
    for event in events:
        record = event.to_record()
        writer.writerow({k: _cell(record.get(k)) for k in ACLED_COLUMNS + EXTRA_COLUMNS})
        count += 1
    stream.flush()
    return count


def feature(event: Event) -> dict[str, Any]:
    record = event.to_record()
    geometry = None
    if record["latitude"] is not None and record["longitude"] is not None:
        geometry = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
    return {
        "type": "Feature",
        "id": record["event_id_cnty"],
        "geometry": geometry,
        "properties": record,
    }


def _write_geojson(events: Iterable[Event], stream: IO[str]) -> int:
    features = [feature(e) for e in events]
    json.dump({"type": "FeatureCollection", "features": features}, stream, ensure_ascii=False)
    stream.write("\n")
    stream.flush()
    return len(features)


def _write_parquet(events: Iterable[Event], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for event in events:
        record = event.to_record()
        record["evidence"] = json.dumps(record["evidence"], ensure_ascii=False)
        rows.append({k: record.get(k) for k in ACLED_COLUMNS + EXTRA_COLUMNS})
    schema = pa.schema(
        [
            (name, pa.int64())
            if name
            in ("year", "time_precision", "inter1", "inter2", "interaction", "iso",
                "geo_precision", "fatalities", "geonameid")
            else (name, pa.float64())
            if name in ("latitude", "longitude")
            else (name, pa.list_(pa.string()))
            if name in ("framing", "actor_keys")
            else (name, pa.string())
            for name in ACLED_COLUMNS + EXTRA_COLUMNS
        ]
    )  # fmt: skip
    for row in rows:
        for name in ("timestamp",):
            row[name] = None if row[name] in (None, "") else str(row[name])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
    return len(rows)


def events_to_string(events: Iterable[Event], fmt: str) -> str:
    buffer = io.StringIO()
    write_events(events, fmt, buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- choosing what to export


@dataclass(frozen=True)
class ExportFilters:
    """The filters of `frontlines export`, as the user gave them."""

    since: date | None = None
    until: date | None = None
    country: str | None = None
    event_type: str | None = None
    sub_event_types: Sequence[str] = ()


def _close(value: str, known: Iterable[str]) -> list[str]:
    by_lower = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(value.strip().lower(), by_lower, n=3, cutoff=0.6)
    starts = [k for low, k in by_lower.items() if low.startswith(value.strip().lower()[:4])]
    return list(dict.fromkeys([by_lower[h] for h in hits] + starts))[:3]


def _did_you_mean(options: list[str]) -> str:
    return ("; did you mean " + " or ".join(repr(o) for o in options) + "?") if options else ""


def check_event_type(
    value: str | None, option: str = "--event-type", sub_option: str = "--sub-event-type"
) -> str | None:
    """ACLED's spelling of an event type given in any case; UsageError naming the close
    known types (or the sub-event type option) for one that is not."""
    if not value:
        return None
    for known in TAXONOMY:
        if known.lower() == value.strip().lower():
            return known
    for sub, parent in SUB_TO_TYPE.items():
        if sub.lower() == value.strip().lower():
            raise UsageError(
                f"{option} {value!r}: that is a sub-event type (of {parent!r}); "
                f"use {sub_option} {value!r}, or {option} {parent!r}"
            )
    raise UsageError(
        f"{option} {value!r} is not an ACLED event type{_did_you_mean(_close(value, TAXONOMY))}"
        + ("" if _close(value, TAXONOMY) else f" (known: {', '.join(TAXONOMY)})")
    )


def check_sub_event_type(value: str | None, option: str = "--sub-event-type") -> str | None:
    """ACLED's spelling of a sub-event type; UsageError with close known ones."""
    if not value:
        return None
    for known in SUB_TO_TYPE:
        if known.lower() == value.strip().lower():
            return known
    if value.strip().lower() in (t.lower() for t in TAXONOMY):
        raise UsageError(f"{option} {value!r}: that is an event type, not a sub-event type")
    raise UsageError(
        f"{option} {value!r} is not an ACLED sub-event type"
        + _did_you_mean(_close(value, SUB_TO_TYPE))
    )


def check_country(value: str | None, option: str = "--country") -> str | None:
    """The stored name of a country given by name, ISO alpha-2, alpha-3 or numeric code;
    UsageError with close names for one that is no country."""
    if not value or not value.strip():
        return None
    country = find_country(value)
    if country is None:
        raise UsageError(
            f"{option} {value!r} is not a country name or ISO 3166 code"
            + _did_you_mean(close_countries(value))
        )
    return country.name


def select_events(store: Store, filters: ExportFilters, level: str) -> list[Event]:
    """The stored events the filters select (report-level or consolidated), in date order."""
    where = _where(filters)
    subs = {check_sub_event_type(s) for s in filters.sub_event_types} - {None}
    found: Iterable[Event] = (
        store.events(where) if level == "report" else store.consolidated_events(where)
    )
    return [e for e in found if not subs or e.sub_event_type in subs]


def _where(filters: ExportFilters) -> Any:
    from frontlines.store import EventFilter

    return EventFilter(
        since=filters.since,
        until=filters.until,
        country=check_country(filters.country),
        event_type=check_event_type(filters.event_type),
    )


def why_empty(store: Store, filters: ExportFilters, level: str) -> list[str]:
    """Why the filters select nothing: each filter that alone matches no event, with the
    store's range for dates; or that they match only apart."""
    total = len(select_events(store, ExportFilters(), level))
    if total == 0:
        return ["the store holds no events"]
    alone = {
        "--since " + str(filters.since): replace(ExportFilters(), since=filters.since),
        "--until " + str(filters.until): replace(ExportFilters(), until=filters.until),
        f"--country {filters.country}": replace(ExportFilters(), country=filters.country),
        f"--event-type {filters.event_type}": replace(
            ExportFilters(), event_type=filters.event_type
        ),
        "--sub-event-type " + ", ".join(filters.sub_event_types): replace(
            ExportFilters(), sub_event_types=filters.sub_event_types
        ),
    }
    given = {
        "--since": filters.since,
        "--until": filters.until,
        "--country": filters.country,
        "--event-type": filters.event_type,
        "--sub-event-type": filters.sub_event_types,
    }
    notes = []
    for label, only in alone.items():
        if not given[label.split(" ")[0]]:
            continue
        if not select_events(store, only, level):
            notes.append(f"no event matches {label} (of {total} stored)")
    if filters.since or filters.until:
        dated = sorted(
            e.event_date for e in select_events(store, ExportFilters(), level) if e.event_date
        )
        if dated and any(
            n.startswith("no event matches --since") or n.startswith("no event matches --until")
            for n in notes
        ):
            notes.append(f"stored events run from {dated[0]} to {dated[-1]}")
    if not notes:
        notes.append("each filter matches events, but no event matches them all together")
    return notes


def query_notes(store: Store, query: EventQuery, level: str) -> list[str]:
    """For the API: which filters of a query that selects nothing select nothing alone."""
    from frontlines.store import EventFilter, EventQuery

    def count(q: EventQuery) -> int:
        return store.search_records(q, level, 1, 0)[0]

    where = query.where
    singles: dict[str, EventQuery] = {}
    for name in ("since", "until", "country", "event_type", "sub_event_type", "admin1"):
        value = getattr(where, name)
        if value:
            singles[f"{name}={value}"] = EventQuery(where=EventFilter(**{name: value}))
    for name in ("actor", "q", "certainty", "bbox"):
        value = getattr(query, name)
        if value:
            singles[f"{name}={value}"] = EventQuery(where=EventFilter(), **{name: value})
    notes = [f"no event matches {label}" for label, q in singles.items() if not count(q)]
    if not notes and len(singles) > 1:
        notes.append("each filter matches events, but no event matches them all together")
    return notes
