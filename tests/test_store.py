import csv
import io
import json
import sqlite3
from datetime import date

import pyarrow.parquet as pq
import pytest

from frontlines.database import is_postgres
from frontlines.errors import StoreError
from frontlines.export import ACLED_COLUMNS, events_to_string, write_events
from frontlines.models import Actor, Article, Event, Evidence, Place, event_from_json, event_to_json
from frontlines.store import MIGRATIONS, PG_MIGRATIONS, SCHEMA_VERSION, EventFilter, Store

HAMA = Place("Hama", 35.13179, 36.75783, "SY", "Syria", "Hama", "", 170063, "P", "PPLA", 696863)
SYR = Actor("SYR_GOV", "Military Forces of Syria", 1, "SY")
HTS = Actor("HTS", "Hayat Tahrir al-Sham", 2, "SY")


def make_event(article_id: str = "r1", day: date = date(2024, 12, 4), **changes) -> Event:
    text = "Syrian helicopters struck HTS positions in Hama."
    base = Event(
        article_id=article_id,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date=day,
        time_precision=1,
        actor1=SYR,
        actor2=HTS,
        place=HAMA,
        geo_precision=1,
        location_text="Hama",
        attributed_to="outlet",
        evidence=(Evidence(text, 0, len(text), article_id, "struck"),),
        framing=("Takfiri terrorists",),
        source="Example Wire",
    )
    from dataclasses import replace

    return replace(base, **changes)


def article(
    article_id: str = "r1", text: str = "Syrian helicopters struck HTS positions in Hama."
) -> Article:
    return Article(id=article_id, text=text, published=date(2024, 12, 4), outlet="Example Wire")


def test_event_json_round_trip_is_exact():
    event = make_event(fatalities=12, fatalities_stated=True, assoc_actor_1=(SYR,))
    assert event_from_json(event_to_json(event)) == event


def test_ingest_stores_document_events_and_evidence(store_location):
    with Store(store_location) as store:
        outcome = store.ingest(article(), [make_event()])
        assert (outcome.status, outcome.events) == ("stored", 1)
    with Store(store_location) as store:
        assert store.counts() == {"documents": 1, "events": 1, "evidence": 1}
        row = store.db.execute("SELECT sub_event_type, admin1, latitude FROM events").fetchone()
        assert tuple(row) == ("Air/drone strike", "Hama", 35.13179)
        assert store.matching_event_ids("Helicopters HAMA") == {make_event().event_id}
        assert store.matching_event_ids("helicopters tanks") == set()


def test_an_sqlite_store_indexes_evidence_in_fts5(tmp_path):
    db = tmp_path / "f.db"
    with Store(db) as store:
        store.ingest(article(), [make_event()])
    conn = sqlite3.connect(db)
    hit = conn.execute(
        "SELECT event_id FROM evidence_fts WHERE evidence_fts MATCH 'helicopters'"
    ).fetchall()
    assert len(hit) == 1


def test_reingesting_the_same_content_changes_nothing(store_location):
    with Store(store_location) as store:
        store.ingest(article(), [make_event()])
        before = store.counts()
        outcome = store.ingest(article(), [make_event(), make_event(location_text="x")])
        assert outcome.status == "unchanged"
        assert store.counts() == before


def test_changed_text_under_the_same_id_replaces_the_document(store_location):
    with Store(store_location) as store:
        store.ingest(article(), [make_event()])
        outcome = store.ingest(article(text="Updated: jets struck Hama again."), [])
        assert outcome.status == "updated"
        assert store.counts() == {"documents": 1, "events": 0, "evidence": 0}


def test_a_failed_document_leaves_nothing_behind(store_location):
    with Store(store_location) as store:
        store.ingest(article("good"), [make_event("good")])
        broken = make_event("bad", evidence=(Evidence(None, 0, 0, "bad", ""),))  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="could not store bad"):
            store.ingest(article("bad", "Another report about Hama."), [make_event("bad"), broken])
        assert store.counts() == {"documents": 1, "events": 1, "evidence": 1}


def test_schema_is_versioned_and_newer_stores_are_refused(store_location):
    with Store(store_location) as store:
        assert store.schema_version == SCHEMA_VERSION
        store._set_schema_version(SCHEMA_VERSION + 1)
        store.db.commit()
    with pytest.raises(StoreError, match="newer"):
        Store(store_location)


def test_both_engines_take_the_same_migration_steps():
    assert len(PG_MIGRATIONS) == len(MIGRATIONS) == SCHEMA_VERSION


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a frontlines store"):
        Store(junk)


def test_filters(store_location):
    with Store(store_location) as store:
        store.ingest(article("a"), [make_event("a", date(2024, 12, 1))])
        store.ingest(
            article("b", "Clashes in Hama."),
            [
                make_event(
                    "b", date(2024, 12, 5), event_type="Battles", sub_event_type="Armed clash"
                )
            ],
        )
        assert [e.article_id for e in store.events(EventFilter(since=date(2024, 12, 2)))] == ["b"]
        assert [e.article_id for e in store.events(EventFilter(until=date(2024, 12, 2)))] == ["a"]
        assert len(list(store.events(EventFilter(country="SY")))) == 2
        assert len(list(store.events(EventFilter(country="Syria")))) == 2
        assert list(store.events(EventFilter(country="Iraq"))) == []
        assert [e.article_id for e in store.events(EventFilter(event_type="battles"))] == ["b"]


def test_acled_csv_has_acleds_31_columns_in_order_then_extras():
    text = events_to_string([make_event(fatalities=4, fatalities_stated=True)], "acled-csv")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert len(ACLED_COLUMNS) == 31
    assert header[:31] == ACLED_COLUMNS
    assert header[31:] and "attributed_to" in header[31:]
    row = dict(zip(header, next(reader), strict=True))
    assert row["interaction"] == "12"
    assert row["fatalities"] == "4"
    assert json.loads(row["framing"]) == ["Takfiri terrorists"]


def test_geojson_and_jsonl(tmp_path):
    events = [make_event()]
    collection = json.loads(events_to_string(events, "geojson"))
    assert collection["features"][0]["geometry"]["coordinates"] == [36.75783, 35.13179]
    line = json.loads(events_to_string(events, "jsonl"))
    assert line["geonameid"] == 170063
    assert line["evidence"][0]["trigger"] == "struck"


def test_parquet(tmp_path):
    path = tmp_path / "e.parquet"
    write_events([make_event(), make_event("r2")], "parquet", path)
    table = pq.read_table(path)
    assert table.num_rows == 2
    assert table.column_names[:31] == ACLED_COLUMNS
    assert table.column("latitude").to_pylist() == [35.13179, 35.13179]


def test_a_postgresql_url_without_a_server_is_a_one_line_error_without_the_password():
    from click.testing import CliRunner

    from frontlines.cli import main

    url = "postgresql://analyst:s3cret@127.0.0.1:9/events"  # the discard port: no server
    with pytest.raises(StoreError) as caught:
        Store(url)
    message = str(caught.value)
    assert message.startswith("postgresql://analyst@127.0.0.1:9/events: cannot connect")
    assert "s3cret" not in message and "\n" not in message
    result = CliRunner().invoke(main, ["claims", "--db", url])
    assert result.exit_code == 1 and "cannot connect" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output


def test_a_postgresql_query_past_the_time_budget_is_stopped(store_location):
    if not is_postgres(store_location):
        pytest.skip("SQLite's budget: tests/test_hostile.py")
    with Store(store_location) as store:
        store.set_deadline(0.3)
        with pytest.raises(store.db.Error, match="statement timeout"):
            store.db.execute("SELECT pg_sleep(5)").fetchone()


def store_level(level: str):
    from frontlines.store import _CONSOLIDATED, _REPORT

    return _CONSOLIDATED if level == "consolidated" else _REPORT


def test_postgresql_answers_boxes_and_words_from_its_indexes(store_location):
    """The bbox filter walks the B-tree of consolidated points (schema 11) and the GiST
    index of report-level points, full text the GIN index of the evidence words (asked
    of the planner with sequential scans priced out)."""
    if not is_postgres(store_location):
        pytest.skip("SQLite's R*Tree and FTS5 are virtual tables: always an index")
    from frontlines.store import EventQuery

    with Store(store_location) as store:
        store.ingest(article(), [make_event()])
        store.db.execute("SET enable_seqscan = off")
        for level in ("consolidated", "report"):
            table = "consolidated" if level == "consolidated" else "events"
            box = store._box(store_level(level), (36.0, 35.0, 37.0, 36.0))
            plan = store.db.execute(
                f"EXPLAIN SELECT count(*) FROM {table} WHERE {box[0]}", box[1]
            ).fetchall()
            index = "consolidated_lat_lon" if level == "consolidated" else "events_geog"
            assert any(index in line[0] for line in plan), plan
            total, _ = store.search_records(
                EventQuery(EventFilter(), bbox=(36.0, 35.0, 37.0, 36.0)), level
            )
            assert total == 1
        words = store._pg_full_text(store_level("report"), "helicopters")
        plan = store.db.execute(
            f"EXPLAIN SELECT 1 FROM events WHERE {words[0]}", words[1]
        ).fetchall()
        assert any("evidence_words" in line[0] for line in plan), plan


def test_a_postgresql_store_is_its_schemas_own(store_location, tmp_path):
    """A store in the first schema of the search path is a store of its own, even where
    a later schema of the path holds another one."""
    if not is_postgres(store_location):
        pytest.skip("PostgreSQL schemas")
    from .conftest import fresh_store

    with Store(store_location) as store:
        store.ingest(article(), [make_event()])
    first = store_location.rsplit("%3D", 1)[1]
    with fresh_store("postgresql", tmp_path) as other:
        second = other.rsplit("%3D", 1)[1].split(",")[0]
        behind = other.replace(f"%3D{second},", f"%3D{second},{first},")
        with Store(behind) as store:
            assert store.counts()["documents"] == 0
            assert store.db.execute("SELECT current_schema()").fetchone()[0] == second
