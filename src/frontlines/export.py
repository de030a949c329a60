"""Write events as JSONL, ACLED CSV, GeoJSON or Parquet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from frontlines.errors import UsageError
from frontlines.models import Event

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
            in ("year", "time_precision", "inter1", "inter2", "interaction", "geo_precision",
                "fatalities", "geonameid")
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
