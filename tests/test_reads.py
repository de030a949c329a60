"""Reads that cost what they return: the reconciled consolidated event is stored when a
member joins, filters and pages run in SQL (keyset cursors), statistics are grouped in
SQL, and contradictions are stored once per dispute and side. Real SQLite files."""

import json
import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.claims import position
from frontlines.models import Place, claim_to_json, event_to_json
from frontlines.store import MIGRATIONS, Cursor, EventFilter, EventQuery, Store, event_record

from .test_claims import SYR, claim
from .test_consolidate import DAY, HAMA, IDLIB, KAFR_NABUDAH, doc, strike

FIJI = Place("Suva", -18.14161, 178.44149, "FJ", "Fiji", "Central", "", 2198148, "P", "PPLC")
SAMOA = Place("Apia", -13.83333, -171.76666, "WS", "Samoa", "Tuamasaga", "", 4035413, "P", "PPLC")


def many(store: Store, n: int) -> None:
    """n acts on n days, each told by two outlets (so 2n reports, n consolidated events)."""
    for i in range(n):
        day = DAY + timedelta(days=i)
        place = (HAMA, IDLIB, FIJI, SAMOA)[i % 4]
        for outlet in ("One", "Two"):
            told = (
                f"Jets struck the town of {place.name} on day {i}."
                if outlet == "One"
                else f"Residents of {place.name} described warplanes overhead and blasts."
            )
            event = strike(
                f"{outlet}{i}",
                told,
                place=place,
                location_text=place.name,
                event_date=day,
                date_earliest=day,
                date_latest=day,
                fatalities=i if outlet == "One" else i + 1,
                fatalities_stated=True,
            )
            store.ingest(doc(f"{outlet}{i}", outlet), [event])


@pytest.fixture
def store(store_location):
    with Store(store_location) as s:
        many(s, 12)
        yield s


def test_the_reconciled_event_is_stored_when_a_member_joins(store):
    rows = store.db.execute("SELECT reports, fatalities FROM consolidated").fetchall()
    assert len(rows) == 12 and all(r[0] == 2 for r in rows)
    # the lowest figure of the two reports (ACLED), kept in the stored column
    assert sorted(r[1] for r in rows) == list(range(12))
    (event,) = [e for e in store.consolidated_events() if e.fatalities == 5]
    assert store.consolidated_event(event.cluster_id) == event
    assert len(event.member_ids) == 2 and event.independent_sources == 2


def test_a_joining_report_rewrites_the_columns_and_point_it_changes_and_no_others(
    store_location,
):
    """The stored columns, the point a box finds and the kept totals follow each join:
    one that moves the act (a precise report joining a region-coded one), one that
    lowers its toll, and one that changes nothing but the count of reports."""
    columns = (
        "event_date, event_type, sub_event_type, country, iso, admin1, latitude, longitude,"
        " fatalities, reports"
    )

    def in_box(store: Store, place: Place) -> int:
        lon, lat = place.longitude, place.latitude
        box = (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
        return store.search_consolidated(EventQuery(EventFilter(), bbox=box))[0]

    def check(store: Store, place: Place, fatalities: int, reports: int) -> None:
        (row,) = store.db.execute(f"SELECT {columns} FROM consolidated").fetchall()
        (event,) = store.consolidated_events()  # from its JSON, written whole every time
        assert event.place == place and event.fatalities == fatalities
        assert len(event.member_ids) == reports
        assert tuple(row) == (
            event.event_date.isoformat(), event.event_type, event.sub_event_type,
            place.country, place.country_code, place.admin1, place.latitude,
            place.longitude, fatalities, reports,
        )  # fmt: skip
        assert in_box(store, place) == 1
        assert in_box(store, HAMA if place != HAMA else KAFR_NABUDAH) == 0
        kept = store.event_stats(EventQuery(EventFilter()))
        assert sorted_stats(kept) == grouped_stats(store, "consolidated")

    def told(article_id: str, **changes: object) -> None:
        event = strike(article_id, f"Jets struck near the town, report {article_id}.",
                       fatalities_stated=True, **changes)  # fmt: skip
        store.ingest(doc(article_id, article_id), [event])

    with Store(store_location) as store:
        told("a", geo_precision=3, location_text="Hama province", fatalities=4)
        check(store, HAMA, 4, 1)
        near = {"place": KAFR_NABUDAH, "geo_precision": 2, "location_text": "Kafr Nabudah"}
        told("b", fatalities=4, **near)  # the act moves to the precise place
        check(store, KAFR_NABUDAH, 4, 2)
        told("c", fatalities=2, **near)  # the lowest toll (ACLED)
        check(store, KAFR_NABUDAH, 2, 3)
        told("d", fatalities=9, **near)  # only the count of reports changes
        check(store, KAFR_NABUDAH, 2, 4)
        for withdrawn in ("b", "c"):
            store.ingest(replace(doc(withdrawn, withdrawn), text=f"{withdrawn} withdrawn."), [])
        check(store, KAFR_NABUDAH, 4, 2)  # d's place, a's toll (the lower)
        store.ingest(replace(doc("d", "d"), text="d withdrawn."), [])
        check(store, HAMA, 4, 1)  # back where a placed it


def test_keyset_pages_walk_the_same_rows_as_offsets(store):
    query = EventQuery(EventFilter())
    for search in (store.search_consolidated, store.search_events):
        total, everything = search(query)
        seen, after = [], None
        while True:
            page_total, page = search(query, 5, 0, after)
            assert page_total == total
            if not page:
                break
            seen += page
            after = Cursor.decode(Cursor.after(page[-1]).encode())
        assert [e.event_id for e in seen] == [e.event_id for e in everything]
        by_offset = search(query, 5, 10)[1]
        assert [e.event_id for e in by_offset] == [e.event_id for e in everything[10:15]]
    assert len(everything) == 24  # report level
    with pytest.raises(ValueError):
        Cursor.decode("no-cursor")


def test_filters_run_on_the_stored_columns(store):
    def count(**kwargs: object) -> int:
        where = EventFilter(**{k: v for k, v in kwargs.items() if k in EventFilter.__annotations__})
        rest = {k: v for k, v in kwargs.items() if k not in EventFilter.__annotations__}
        return store.search_consolidated(EventQuery(where, **rest))[0]  # type: ignore[arg-type]

    assert count(country="syria") == count(country="SY") == 6
    assert count(country="fj") == 3
    assert count(admin1="idlib") == 3
    assert count(event_type="explosions/remote VIOLENCE") == 12
    assert count(sub_event_type="air/drone strike") == 12
    assert count(event_type="Battles") == 0
    assert count(since=DAY + timedelta(days=10)) == 2
    assert count(until=DAY) == 1
    assert count(actor="syr_gov") == 12
    assert count(q="struck Suva") == 3
    assert count(q="nowhere") == 0
    assert count(article_id="Two3") == 1
    # a box across the antimeridian holds Suva (178 E) and Apia (171 W), not Syria
    assert count(bbox=(170.0, -20.0, -170.0, -10.0)) == 6
    assert count(bbox=(35.0, 34.0, 38.0, 37.0)) == 6
    assert store.search_events(EventQuery(EventFilter(country="ws")))[0] == 6


def test_stats_are_counted_in_sql_and_agree_with_the_listing(store):
    client = TestClient(create_app(store.path))
    stats = client.get("/api/stats").json()
    assert stats["events"] == 12 and stats["fatalities"] == sum(range(12))
    assert stats["by_type"] == {"Explosions/Remote violence": 12}
    assert stats["date_range"] == [DAY.isoformat(), (DAY + timedelta(days=11)).isoformat()]
    assert sum(w["events"] for w in stats["by_week"]) == 12
    syria = client.get("/api/stats", params={"country": "Syria", "level": "report"}).json()
    listed = client.get("/api/events", params={"country": "Syria", "level": "report"}).json()
    assert syria["events"] == listed["total"] == 12
    regions = {(r["country"], r["admin1"]): r["events"] for r in stats["by_admin1"]}
    assert regions[("Syria", "Hama")] == 3 and regions[("Fiji", "Central")] == 3


def test_api_pages_with_a_cursor(store):
    client = TestClient(create_app(store.path))
    first = client.get("/api/events", params={"limit": 5}).json()
    assert first["next_after"] and first["next_offset"] == 5
    second = client.get("/api/events", params={"limit": 5, "after": first["next_after"]}).json()
    by_offset = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert [e["event_id"] for e in second["events"]] == [e["event_id"] for e in by_offset["events"]]
    last = client.get("/api/events", params={"limit": 5, "after": second["next_after"]}).json()
    assert len(last["events"]) == 2 and last["next_after"] is None
    assert client.get("/api/events", params={"after": "junk"}).status_code == 422


def test_a_story_retold_many_times_is_one_dispute_with_one_row_per_claim(store_location):
    with Store(store_location) as store:
        told = 30
        for i in range(told):
            article = doc(f"a{i}", f"Outlet {i}")
            store.ingest(article, [], [claim(f"a{i}", "withdrew", SYR, "asserts", DAY)])
        store.ingest(doc("deny", "Ministry"), [], [claim("deny", "withdrew", SYR, "denies", DAY)])
        assert store.db.execute("SELECT count(*) FROM contradictions").fetchone()[0] == 1
        sides = store.db.execute("SELECT count(*) FROM contradiction_sides").fetchone()[0]
        assert sides == told + 1  # not told pairs
        (dispute,) = store.contradictions("Hama")
        assert sorted(len(s.claims) for s in dispute.sides) == [1, told]
        # the denial withdrawn: nothing is disputed any more
        store.ingest(replace(doc("deny", "Ministry"), text="Corrected."), [], [])
        assert store.contradictions() == []
        assert store.db.execute("SELECT count(*) FROM contradiction_sides").fetchone()[0] == 0


def test_a_version_2_store_is_migrated_and_its_consolidated_events_stored(tmp_path):
    """Events without stored reconciled events and contradictions stored as pairs (the
    schema of version 2) become stored consolidated events and one dispute at open."""
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1] + "; PRAGMA user_version = 2;")
    claims = [
        claim("a", "withdrew", SYR, "asserts", DAY),
        claim("b", "withdrew", SYR, "asserts", DAY),
        claim("c", "withdrew", SYR, "denies", DAY),
    ]
    for i, article_id in enumerate("abc"):
        conn.execute(
            "INSERT INTO documents (id, content_hash, outlet, text, ingested_at)"
            " VALUES (?,?,?,?,?)",
            (article_id, article_id * 8, f"Outlet {article_id}", "text", f"2025-01-0{i + 1}"),
        )
        event = strike(article_id)
        conn.execute(
            "INSERT INTO events (event_id, article_id, event_date, event_type, sub_event_type,"
            " latitude, longitude, data) VALUES (?,?,?,?,?,?,?,?)",
            (
                event.event_id,
                article_id,
                DAY.isoformat(),
                event.event_type,
                event.sub_event_type,
                HAMA.latitude,
                HAMA.longitude,
                event_to_json(event),
            ),
        )
        c = claims[i]
        conn.execute(
            "INSERT INTO claims (claim_id, article_id, kind, stance, position, place_key, data)"
            " VALUES (?,?,?,?,?,?,?)",
            (c.claim_id, article_id, c.kind, c.stance, position(c), "gn:170017", claim_to_json(c)),
        )
    for other in claims[:2]:
        a, b = sorted((other.claim_id, claims[2].claim_id))
        conn.execute(
            "INSERT INTO contradictions VALUES (?,?,?,?)",
            (a, b, "gn:170017", "asserted and denied"),
        )
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        (event,) = store.consolidated_events()
        assert len(event.member_ids) == 3
        total, _ = store.search_events(EventQuery(EventFilter(), bbox=(36.0, 35.0, 37.0, 36.0)))
        assert total == 3  # the report-level points were indexed by the migration
        # and the consolidated event's words (schema 7)
        assert store.search_consolidated(EventQuery(EventFilter(), q="jets Hama"))[0] == 1
        (dispute,) = store.contradictions()
        assert dispute.reasons == ("asserted and denied",)
        assert sorted(len(s.claims) for s in dispute.sides) == [1, 2]
        # the report-level records (schema 6) written once at open, not left to every read
        rows = store.db.execute("SELECT record FROM events").fetchall()
        assert len(rows) == 3 and all(r[0] for r in rows)
        _, stored = store.search_records(EventQuery(EventFilter()), level="report")
        assert [json.loads(r.json) for r in stored] == [
            event_record(e) for e in store.search_events(EventQuery(EventFilter()))[1]
        ]


def test_records_written_by_other_code_are_not_served(store):
    """A record of an older shape (another record_format) is rewritten, not served."""
    store.db.execute("UPDATE consolidated_data SET record = '{\"stale\": true}'")
    store.db.execute("UPDATE meta SET value = 'older' WHERE key = 'record_format'")
    store.db.commit()
    with Store(store.path) as reopened:
        rows = reopened.db.execute("SELECT record FROM consolidated_data").fetchall()
        assert all(r[0] and "stale" not in r[0] for r in rows)
        _, stored = reopened.search_records(EventQuery(EventFilter()), limit=3)
        records = [json.loads(r.json) for r in stored]
        assert all("stale" not in r and r["level"] == "consolidated" for r in records)
        _, events = reopened.search_consolidated(EventQuery(EventFilter()), limit=3)
        assert records == [event_record(e) for e in events]


def test_the_fast_event_json_is_event_to_json(store):
    from frontlines.consolidate import event_json
    from frontlines.models import event_to_json as slow

    for event in [*store.events(), *store.consolidated_events()]:
        assert event_json(event) == slow(event)


def test_report_level_records_are_stored_with_the_events(store):
    rows = store.db.execute("SELECT data, record FROM events").fetchall()
    assert len(rows) == 24
    from frontlines.models import event_from_json

    for data, record in rows:
        assert json.loads(record) == event_record(event_from_json(data))


def test_report_level_records_of_an_older_shape_are_rewritten(store):
    store.db.execute("UPDATE events SET record = '{\"stale\": true}'")
    store.db.execute("UPDATE meta SET value = 'older' WHERE key = 'event_record_format'")
    store.db.commit()
    with Store(store.path) as reopened:
        _, stored = reopened.search_records(EventQuery(EventFilter()), level="report", limit=30)
        _, events = reopened.search_events(EventQuery(EventFilter()), limit=30)
        assert len(stored) == 24
        assert [json.loads(r.json) for r in stored] == [event_record(e) for e in events]


def test_a_server_serves_what_it_checked_at_its_first_request(tmp_path):
    """Events stored before clusters existed are placed at the server's first request
    (its one check of the store); later requests see them without checking again."""
    db = tmp_path / "s.db"
    with Store(db) as store:
        many(store, 3)
        store.db.execute("DELETE FROM cluster_members")
        store.db.execute("DELETE FROM clusters")
        store.db.commit()
    client = TestClient(create_app(db))
    for _ in range(2):
        page = client.get("/api/events").json()
        assert page["total"] == 3 and all(len(e["member_event_ids"]) == 2 for e in page["events"])


def test_the_store_totals_of_stats_follow_every_write(store):
    """/api/stats keeps the store's totals between requests, until the store changes."""
    client = TestClient(create_app(store.path))
    first = client.get("/api/stats").json()
    before = first["store"]
    assert before["events"] == 24 and before["documents"] == 24
    assert client.get("/api/stats").json() == first  # kept whole, until the store changes
    report = client.get("/api/stats", params={"level": "report"}).json()
    assert report["events"] == 24 and first["events"] == 12
    later = DAY + timedelta(days=100)  # no act of the store's: a consolidated event more
    store.ingest(
        doc("Three", "Three"),
        [strike("Three", event_date=later, date_earliest=later, date_latest=later)],
    )
    answer = client.get("/api/stats").json()
    after = answer["store"]
    assert after["events"] == 25 and after["documents"] == 25
    assert after["consolidated_events"] == before["consolidated_events"] + 1
    # the statistics themselves follow the write, at both levels
    assert answer["events"] == 13 and later.isoformat() in {d["date"] for d in answer["by_day"]}
    assert client.get("/api/stats", params={"level": "report"}).json()["events"] == 25
    # a filtered answer is kept too, until the store changes
    syria = client.get("/api/stats", params={"country": "Syria"}).json()
    assert syria["events"] == 7
    assert client.get("/api/stats", params={"country": "Syria"}).json() == syria
    again = later + timedelta(days=30)
    store.ingest(
        doc("Four", "Four"),
        [strike("Four", event_date=again, date_earliest=again, date_latest=again)],
    )
    assert client.get("/api/stats", params={"country": "Syria"}).json()["events"] == 8


def test_the_statistics_computed_as_the_server_starts_follow_a_later_write(store):
    """A started server has every event's statistics at hand; a write after it starts
    shows in the next answer all the same."""
    with TestClient(create_app(store.path)) as client:
        later = DAY + timedelta(days=100)
        store.ingest(
            doc("Three", "Three"),
            [strike("Three", event_date=later, date_earliest=later, date_latest=later)],
        )
        answer = client.get("/api/stats").json()
        assert answer["events"] == 13 and answer["store"]["documents"] == 25
        assert later.isoformat() in {d["date"] for d in answer["by_day"]}
        assert client.get("/api/stats", params={"level": "report"}).json()["events"] == 25


def test_the_full_text_of_a_consolidated_event_follows_its_members(store):
    def found(words: str) -> int:
        return store.search_consolidated(EventQuery(EventFilter(), q=words))[0]

    assert found("struck day 3") == 1 and found("described warplanes") == 12
    assert found("struck described") == 12  # words of two reports of one act
    # the report that said "struck" is withdrawn: its act keeps the other report's words
    store.ingest(replace(doc("One3", "One"), text="Withdrawn."), [])
    assert found("struck day 3") == 0 and found("described warplanes") == 12
    assert found("struck") == 11


def test_the_kept_totals_of_every_consolidated_event_agree_with_grouping_them(store):
    from datetime import date

    # a member leaves an act (its row changes), an act loses every report (its row goes)
    store.ingest(replace(doc("One3", "One"), text="Withdrawn."), [])
    store.ingest(replace(doc("One7", "One"), text="Withdrawn by One."), [])
    store.ingest(replace(doc("Two7", "Two"), text="Withdrawn by Two."), [])
    kept = store.event_stats(EventQuery(EventFilter()))
    grouped = store.event_stats(EventQuery(EventFilter(since=date(1900, 1, 1))))
    for part in ("by_day", "by_sub", "by_place"):
        assert sorted(kept[part]) == sorted(grouped[part])
    assert sum(row[2] for row in kept["by_day"]) == 11
    assert sum(row[2] for row in kept["by_sub"]) == 11
    assert sum(row[2] for row in kept["by_place"]) == 11
    # and a listing's total of every event
    total, page = store.search_consolidated(EventQuery(EventFilter()), limit=100)
    assert total == len(page) == 11


def kept_totals(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every kept totals table's rows that count something, sorted."""
    from frontlines.store import _KEPT_TOTALS

    return {
        table: sorted(
            tuple(row) for row in store.db.execute(f"SELECT * FROM {table} WHERE events > 0")
        )
        for table in _KEPT_TOTALS
    }


def sorted_stats(
    answer: dict[str, list[tuple[object, ...]]],
) -> dict[str, list[tuple[object, ...]]]:
    return {part: sorted(answer[part], key=str) for part in ("by_day", "by_sub", "by_place")}


def grouped_stats(
    store: Store, table: str, where: str = "", params: tuple[object, ...] = ()
) -> dict[str, list[tuple[object, ...]]]:
    """What Store.event_stats should give for the rows of `table` that `where` selects,
    grouped here in plain SQL."""

    def rows(keys: str) -> list[tuple[object, ...]]:
        found = store.db.execute(
            f"SELECT {keys}, count(*), sum(fatalities) FROM {table} {where} GROUP BY {keys}",
            params,
        ).fetchall()
        return sorted((tuple(row) for row in found), key=str)

    return {
        "by_day": rows("event_date, event_type"),
        "by_sub": rows("event_type, sub_event_type"),
        "by_place": rows("country, admin1"),
    }


def test_the_kept_totals_of_both_levels_equal_counting_them_again(store):
    from frontlines.store import recount_totals

    undated = strike(
        "Undated", "Jets struck a village.", event_date=None, date_earliest=None,
        date_latest=None, fatalities=4, fatalities_stated=True,
    )  # fmt: skip
    store.ingest(doc("Undated", "Three"), [undated])
    # the same document again (unchanged); a document told again with other events (its
    # old events go); a document withdrawn (all its events go); one act's two reports gone
    store.ingest(doc("Undated", "Three"), [undated])
    moved = strike("One5", "Jets struck the town of Hama again.", place=IDLIB, fatalities=9)
    store.ingest(replace(doc("One5", "One"), text="Told again."), [moved])
    store.ingest(replace(doc("One3", "One"), text="Withdrawn."), [])
    store.ingest(replace(doc("One7", "One"), text="Withdrawn by One."), [])
    store.ingest(replace(doc("Two7", "Two"), text="Withdrawn by Two."), [])
    kept = kept_totals(store)
    with store.db.transaction():
        recount_totals(store.db)
    assert kept_totals(store) == kept
    # and each table is what grouping its rows gives
    events = store.db.execute(
        "SELECT event_date, event_type, sub_event_type, count(*), sum(fatalities) FROM events"
        " GROUP BY 1, 2, 3"
    ).fetchall()
    assert kept["event_day_totals"] == sorted((d or "", *rest) for d, *rest in events)
    assert sum(row[3] for row in kept["event_day_totals"]) == 24 + 1 - 3
    report = store.event_stats(EventQuery(EventFilter()), level="report")
    assert sorted_stats(report) == grouped_stats(store, "events")
    total, _ = store.search_events(EventQuery(EventFilter()), limit=1)
    assert total == 22
    # a country's statistics (kept per country, schema 13) are what grouping its rows gives
    for level, table in (("consolidated", "consolidated"), ("report", "events")):
        for country, code in (("Syria", "SY"), ("sy", "SY"), ("Iraq", "IQ")):
            kept_country = store.event_stats(EventQuery(EventFilter(country=country)), level)
            expected = grouped_stats(store, table, "WHERE upper(iso) = ?", (code,))
            assert sorted_stats(kept_country) == expected
            assert bool(kept_country["by_day"]) == (code == "SY")  # no event in Iraq
    # and the store's counts are its rows
    counted = {**store.counts(), **store.analysis_counts()}
    for table in ("documents", "events", "evidence", "claims", "contradictions", "clusters"):
        rows = store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert counted["consolidated_events" if table == "clusters" else table] == rows
    assert counted["events"] == 22


def test_deep_offsets_skip_whole_days_and_land_where_offsets_do(store, monkeypatch):
    import frontlines.store as store_module

    undated = strike("Undated", "Jets struck a village.", event_date=None, date_earliest=None,
                     date_latest=None)  # fmt: skip
    store.ingest(doc("Undated", "Three"), [undated])
    query = EventQuery(EventFilter())
    for search in (store.search_consolidated, store.search_events):
        total, everything = search(query)
        ids = [e.event_id for e in everything]
        monkeypatch.setattr(store_module, "_SKIP_DAYS_FROM", 0)
        for offset in range(total + 2):
            page_total, page = search(query, 3, offset)
            assert page_total == total
            assert [e.event_id for e in page] == ids[offset : offset + 3]
        monkeypatch.setattr(store_module, "_SKIP_DAYS_FROM", 5_000)
    assert everything[0].event_date is None  # undated first, then by day


def test_box_and_text_pages_are_the_same_walked_in_date_order_or_sorted(store, monkeypatch):
    import frontlines.store as store_module

    queries = [
        EventQuery(EventFilter(), bbox=(35.0, 34.0, 38.0, 37.0)),
        EventQuery(EventFilter(), bbox=(170.0, -20.0, -170.0, -10.0)),
        EventQuery(EventFilter(), q="struck"),
        EventQuery(EventFilter(), q="warplanes blasts"),
        EventQuery(EventFilter(), q="nowhere"),
    ]
    expected = {"consolidated": [6, 6, 12, 12, 0], "report": [12, 12, 12, 12, 0]}
    for level in ("consolidated", "report"):
        for query, count in zip(queries, expected[level], strict=True):
            seen = []
            for share in (10**9, 0):  # always walked, never walked
                monkeypatch.setattr(store_module, "_WALK_SHARE", share)
                total, every = store.search_records(query, level)
                pages = [store.search_records(query, level, 4, offset) for offset in (0, 4, 8)]
                after = Cursor.decode(pages[0][1][-1].cursor().encode()) if count else None
                keyset = store.search_records(query, level, 4, 0, after)[1] if after else []
                seen.append(
                    (
                        total,
                        [r.event_id for r in every],
                        [(t, [r.event_id for r in page]) for t, page in pages],
                        [r.event_id for r in keyset],
                    )
                )
            assert seen[0] == seen[1]
            total, ids, pages, keyset = seen[0]
            assert total == count == len(ids)
            assert [page for _, page in pages] == [ids[0:4], ids[4:8], ids[8:12]]
            assert all(t == count for t, _ in pages)
            assert keyset == ids[4:8]


def test_statistics_kept_by_year_are_what_counting_the_rows_gives_after_each_write(store):
    """A server keeps each year of the statistics of every event and of each country, and
    after a write reads again only the years whose marks moved (schema 14): every answer
    is the one grouped afresh from the rows, across a week that spans two years too."""
    from datetime import date

    from frontlines.api import stats

    def told(article_id: str, day: date, place: Place = HAMA, **changes: object) -> None:
        event = strike(article_id, place=place, location_text=place.name, event_date=day,
                       date_earliest=day, date_latest=day, **changes)  # fmt: skip
        store.ingest(doc(article_id, "Three"), [event])

    def afresh(level: str, code: str | None) -> dict[str, object]:
        table = "consolidated" if level == "consolidated" else "events"
        where = ("WHERE upper(iso) = ?", (code,)) if code else ("", ())
        grouped = grouped_stats(store, table, *where)
        counts = {**store.counts(), **store.analysis_counts()}
        return {"level": level, "store": counts, **stats(grouped)}

    def marks(level: str, scope: str) -> dict[str, int]:
        return store.stats_marks(level, scope)

    def check(client: TestClient) -> None:
        for level in ("consolidated", "report"):
            for country, code in ((None, None), ("Syria", "SY"), ("fj", "FJ"), ("Iraq", "IQ")):
                params = {"level": level, **({"country": country} if country else {})}
                assert client.get("/api/stats", params=params).json() == afresh(level, code)

    # a Monday in December 2024 and the Wednesday after it (ISO week 2025-W01), and 2023
    told("Monday", date(2024, 12, 30), event_type="Battles", sub_event_type="Armed clash")
    told("Wednesday", date(2025, 1, 1), place=FIJI)
    told("Earlier", date(2023, 6, 1), place=FIJI, fatalities=3, fatalities_stated=True)
    with TestClient(create_app(store.path)) as client:  # its start keeps every year
        check(client)
        weeks = client.get("/api/stats").json()["by_week"]
        assert weeks[1] == {
            "week": "2025-W01", "start": "2024-12-30", "events": 2,
            "by_type": {"Battles": 1, "Explosions/Remote violence": 1},
        }  # fmt: skip
        # a write in 2025 moves 2025's marks, the store's and Syria's, and no other
        before = {scope: marks("consolidated", scope) for scope in ("*", "SY", "FJ")}
        told("Thursday", date(2025, 1, 2), event_type="Battles", sub_event_type="Armed clash")
        after = {scope: marks("consolidated", scope) for scope in ("*", "SY", "FJ")}
        for scope in ("*", "SY"):
            assert after[scope].pop("2025") != before[scope].pop("2025")
        assert after == before
        check(client)
        # a report withdrawn (its week now one day long), one moved to another year and
        # country, and a year's only report withdrawn
        store.ingest(replace(doc("Monday", "Three"), text="Withdrawn."), [])
        check(client)
        moved = strike("Wednesday", place=SAMOA, location_text="Apia",
                       event_date=date(2023, 6, 2), date_earliest=date(2023, 6, 2),
                       date_latest=date(2023, 6, 2))  # fmt: skip
        store.ingest(replace(doc("Wednesday", "Three"), text="Told again."), [moved])
        check(client)
        store.ingest(replace(doc("Earlier", "Three"), text="Withdrawn by Three."), [])
        check(client)
        assert client.get("/api/stats", params={"country": "fj"}).json()["events"] == 3
