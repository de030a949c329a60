import csv
import io
import json
import sqlite3
from datetime import date

import pyarrow.parquet as pq
import pytest

from frontlines.errors import StoreError
from frontlines.export import ACLED_COLUMNS, events_to_string, write_events
from frontlines.models import Actor, Article, Event, Evidence, Place, event_from_json, event_to_json
from frontlines.store import SCHEMA_VERSION, EventFilter, Store

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


def test_ingest_stores_document_events_and_evidence(tmp_path):
    db = tmp_path / "f.db"
    with Store(db) as store:
        outcome = store.ingest(article(), [make_event()])
        assert (outcome.status, outcome.events) == ("stored", 1)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    row = conn.execute("SELECT sub_event_type, admin1, latitude FROM events").fetchone()
    assert row == ("Air/drone strike", "Hama", 35.13179)
    hit = conn.execute(
        "SELECT event_id FROM evidence_fts WHERE evidence_fts MATCH 'helicopters'"
    ).fetchall()
    assert len(hit) == 1


def test_reingesting_the_same_content_changes_nothing(tmp_path):
    db = tmp_path / "f.db"
    with Store(db) as store:
        store.ingest(article(), [make_event()])
        before = store.counts()
        outcome = store.ingest(article(), [make_event(), make_event(location_text="x")])
        assert outcome.status == "unchanged"
        assert store.counts() == before


def test_changed_text_under_the_same_id_replaces_the_document(tmp_path):
    with Store(tmp_path / "f.db") as store:
        store.ingest(article(), [make_event()])
        outcome = store.ingest(article(text="Updated: jets struck Hama again."), [])
        assert outcome.status == "updated"
        assert store.counts() == {"documents": 1, "events": 0, "evidence": 0}


def test_a_failed_document_leaves_nothing_behind(tmp_path):
    db = tmp_path / "f.db"
    with Store(db) as store:
        store.ingest(article("good"), [make_event("good")])
        broken = make_event("bad", evidence=(Evidence(None, 0, 0, "bad", ""),))  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="could not store bad"):
            store.ingest(article("bad", "Another report about Hama."), [make_event("bad"), broken])
        assert store.counts() == {"documents": 1, "events": 1, "evidence": 1}


def test_schema_is_versioned_and_newer_stores_are_refused(tmp_path):
    db = tmp_path / "f.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a frontlines store"):
        Store(junk)


def test_filters(tmp_path):
    with Store(tmp_path / "f.db") as store:
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
