"""Consolidation: report-level events of one act become one event, incrementally, on
real SQLite files. Events are built by hand so each rule is tested on its own."""

import json
import sqlite3
from dataclasses import replace
from datetime import date

from click.testing import CliRunner

from frontlines.cli import main
from frontlines.consolidate import (
    _candidates,
    compatible_subtypes,
    detect_wire,
    source_scale,
)
from frontlines.models import Actor, Article, Event, Evidence, Place
from frontlines.store import MIGRATIONS, EventFilter, Store

HAMA = Place("Hamah", 35.13179, 36.75783, "SY", "Syria", "Hama", "", 170017, "P", "PPLA")
MOREK = Place("Murak", 35.37615, 36.6897, "SY", "Syria", "Hama", "", 170001, "P", "PPL")
KAFR_NABUDAH = Place("Kafr Nabudah", 35.4, 36.5, "SY", "Syria", "Hama", "", 170002, "P", "PPL")
IDLIB = Place("Idlib", 35.93062, 36.63393, "SY", "Syria", "Idlib", "", 169389, "P", "PPLA")
SYR = Actor("SYR_GOV", "Military Forces of Syria", 1, "SY")
RUS = Actor("RUS_MIL", "Military Forces of Russia", 8, "RU")
HTS = Actor("HTS", "Hayat Tahrir al-Sham", 2, "SY")
REBELS = Actor("OPPOSITION", "Armed opposition", 2)
CIVILIANS = Actor("CIVILIANS", "Civilians", 7)

DAY = date(2025, 3, 10)


def strike(
    article_id: str,
    text: str = "Government jets struck rebel positions in Hama on Monday.",
    **changes: object,
) -> Event:
    base = Event(
        article_id=article_id,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date=DAY,
        time_precision=1,
        actor1=SYR,
        actor2=REBELS,
        place=HAMA,
        geo_precision=1,
        location_text="Hama",
        attributed_to="outlet",
        evidence=(Evidence(text, 0, len(text), article_id, "struck"),),
        date_earliest=DAY,
        date_latest=DAY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def doc(article_id: str, outlet: str, text: str | None = None) -> Article:
    return Article(
        id=article_id,
        text=text or f"A report by {outlet} about {article_id}.",
        published=DAY,
        outlet=outlet,
    )


def consolidated(store: Store) -> list:
    return list(store.consolidated_events())


def test_two_outlets_telling_one_strike_make_one_event_with_both_sources(store_location):
    with Store(store_location) as store:
        store.ingest(
            doc("a", "Kurdistan24"),
            [strike("a", fatalities=12, fatalities_stated=True, attributed_to="SOHR")],
        )
        store.ingest(
            doc("b", "Rudaw"),
            [
                strike(
                    "b",
                    "Syrian warplanes bombed Hama, killing at least 9 fighters.",
                    fatalities=9,
                    fatalities_stated=True,
                    attributed_to="state media",
                )
            ],
        )
        (event,) = consolidated(store)
        assert store.counts()["events"] == 2  # report-level rows are all kept
    record = event.to_record()
    assert record["level"] == "consolidated"
    assert record["reports"] == 2 and record["independent_sources"] == 2
    assert record["fatalities"] == 9  # ACLED: the lowest reported figure
    assert record["source"] == "Kurdistan24; Rudaw"
    assert record["source_scale"] == "Regional"  # Iraqi Kurdish outlets on Syria
    assert record["attributed_to"] == "SOHR; state media"
    assert len(record["evidence"]) == 2
    assert record["event_id_cnty"] == event.cluster_id


def test_source_scale_follows_acled():
    # an outlet on its own country is at its reach; from the region, Regional; else International
    assert source_scale([("Enab Baladi", "")], "SY") == "National"
    assert source_scale([("Rudaw", "")], "SY") == "Regional"
    assert source_scale([("Rudaw", ""), ("KYMA (AP)", "AP")], "SY") == "Regional-International"
    assert source_scale([("Rudaw", "")], "IQ") == "Subnational"
    assert source_scale([("Unknown Gazette", "")], "SY") == ""


def test_a_wire_story_rerun_by_several_outlets_counts_once(store_location):
    text = "DAMASCUS (AP) — Government jets struck rebel positions in Hama on Monday."
    with Store(store_location) as store:
        store.ingest(doc("a", "KYMA (AP)", text), [strike("a")])
        store.ingest(doc("b", "Daily Post", text + " More follows."), [strike("b")])
        store.ingest(doc("c", "Al Jazeera"), [strike("c", "Al Jazeera saw jets over Hama.")])
        (event,) = consolidated(store)
    assert event.wires == ("AP",)
    assert len(event.member_ids) == 3
    assert event.independent_sources == 2  # AP (twice) and Al Jazeera


def test_near_identical_text_from_two_outlets_counts_once(store_location):
    text = "Government jets struck rebel positions in the city of Hama on Monday, residents said."
    with Store(store_location) as store:
        store.ingest(doc("a", "Outlet One"), [strike("a", text)])
        store.ingest(doc("b", "Outlet Two"), [strike("b", text.replace("Monday", "Monday,"))])
        (event,) = consolidated(store)
    assert event.independent_sources == 1


def test_wire_is_read_from_outlet_name_or_dateline():
    assert detect_wire(doc("a", "MIA (dpa)")) == "dpa"
    assert detect_wire(doc("a", "MENAFN (Azernews, AFP copy)")) == "AFP"
    dateline = "Beirut, 2 March 2025 (dpa/MIA) - Jets struck Idlib."
    assert detect_wire(doc("a", "Some Site", dateline)) == "dpa"
    # a wire named in the body is a source quoted, not a re-run
    assert detect_wire(doc("a", "Some Site", "The monitor told AFP that jets struck.")) == ""


def test_different_days_places_or_actors_stay_apart(store_location):
    with Store(store_location) as store:
        store.ingest(doc("a", "One"), [strike("a")])
        # the next day is another act (ACLED: one event per act, place and day)
        day2 = date(2025, 3, 11)
        store.ingest(
            doc("b", "Two"),
            [strike("b", event_date=day2, date_earliest=day2, date_latest=day2)],
        )
        # another town 30 km away, both named precisely
        store.ingest(doc("c", "Three"), [strike("c", place=MOREK, location_text="Morek")])
        # another air force striking the same town the same day
        store.ingest(doc("d", "Four"), [strike("d", actor1=RUS)])
        assert len(consolidated(store)) == 4


def test_one_report_never_tells_one_act_twice(store_location):
    # the extractor already decided these are two acts: consolidation must not undo it
    with Store(store_location) as store:
        again = Evidence("Jets struck Hama again.", 60, 83, "a", "struck")
        store.ingest(doc("a", "One"), [strike("a"), strike("a", evidence=(again,))])
        assert len(consolidated(store)) == 2


def test_a_region_coded_report_joins_the_precise_one_and_narrowest_date_wins(store_location):
    week = (date(2025, 3, 8), date(2025, 3, 14))
    region = strike(
        "a",
        "Jets struck rebels in the countryside of Hama province this week.",
        geo_precision=3,
        location_text="Hama province",
        event_date=date(2025, 3, 11),
        time_precision=2,
        date_earliest=week[0],
        date_latest=week[1],
    )
    # "near Kafr Nabudah" (geo_precision 2), same governorate, a day inside the week
    precise = strike("b", place=KAFR_NABUDAH, geo_precision=2, location_text="Kafr Nabudah")
    with Store(store_location) as store:
        store.ingest(doc("a", "One"), [region])
        store.ingest(doc("b", "Two"), [precise])
        (event,) = consolidated(store)
    assert event.place == KAFR_NABUDAH and event.geo_precision == 2
    assert event.event_date == DAY and event.time_precision == 1


def test_a_strike_inside_a_ground_battle_is_the_battle():
    # BRIEF: an air strike inside a ground battle (same place, day) is one Battles event
    assert compatible_subtypes("Air/drone strike", "Armed clash")
    assert compatible_subtypes("Armed clash", "Non-state actor overtakes territory")
    assert not compatible_subtypes(
        "Government regains territory", "Non-state actor overtakes territory"
    )
    assert not compatible_subtypes("Air/drone strike", "Shelling/artillery/missile attack")


def test_merged_battle_takes_the_most_telling_subtype_and_keeps_every_actor(store_location):
    clash = strike(
        "a",
        "Rebels and the army clashed in Hama.",
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1=REBELS,
        actor2=SYR,
    )
    takeover = strike(
        "b",
        "HTS fighters seized Hama.",
        event_type="Battles",
        sub_event_type="Non-state actor overtakes territory",
        actor1=HTS,
        actor2=SYR,
        certainty="denied",
    )
    with Store(store_location) as store:
        store.ingest(doc("a", "One"), [clash])
        store.ingest(doc("b", "Two"), [takeover])
        (event,) = consolidated(store)
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert {a.key for a in event.actors} == {"OPPOSITION", "HTS", "SYR_GOV"}
    assert event.disputed and event.certainty == "reported"  # one asserts, one denies


def test_replacing_a_document_updates_its_clusters(store_location):
    with Store(store_location) as store:
        store.ingest(doc("a", "One"), [strike("a")])
        store.ingest(doc("b", "Two"), [strike("b")])
        assert len(consolidated(store)[0].member_ids) == 2
        # b is corrected: the strike was on Idlib
        changed = Article(id="b", text="A corrected report.", published=DAY, outlet="Two")
        outcome = store.ingest(changed, [strike("b", place=IDLIB, location_text="Idlib")])
        assert outcome.status == "updated"
        events = consolidated(store)
        assert sorted(len(e.member_ids) for e in events) == [1, 1]
        store.ingest(Article(id="b", text="Retracted.", published=DAY), [])
        assert len(consolidated(store)) == 1
        assert store.cluster_count() == 1


def test_blocking_reads_only_clusters_near_in_place_and_time(store_location):
    """Ingest cost must not grow with the store: a new event reads nearby clusters only."""
    with Store(store_location) as store:
        far = [
            strike(f"far{i}", place=replace(HAMA, latitude=10.0 + i, geonameid=None))
            for i in range(20)
        ] + [
            strike(
                f"old{i}",
                event_date=date(2024, 1, 1 + i),
                date_earliest=date(2024, 1, 1 + i),
                date_latest=date(2024, 1, 1 + i),
            )
            for i in range(20)
        ]
        for event in far:
            store.ingest(doc(event.article_id, "X"), [event])
        store.ingest(doc("near", "Y"), [strike("near")])
        assert len(list(_candidates(store.db, strike("new")))) == 1


def test_stores_from_before_clusters_are_caught_up(tmp_path):
    """A store created at schema version 1 has events but no clusters: they are
    clustered once, when the store is opened (never on a read)."""
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.close()
    with Store(db) as store:
        # simulate the old ingest: events without cluster membership
        store.ingest(doc("a", "One"), [strike("a")])
        store.ingest(doc("b", "Two"), [strike("b")])
        store.db.execute("DELETE FROM cluster_members")
        store.db.execute("DELETE FROM cluster_cells")
        store.db.execute("DELETE FROM clusters")
        store.db.commit()
        assert consolidated(store) == []
    with Store(db) as store:
        (event,) = consolidated(store)
        assert len(event.member_ids) == 2


def test_filters_apply_to_consolidated_events(store_location):
    with Store(store_location) as store:
        store.ingest(doc("a", "One"), [strike("a")])
        store.ingest(doc("b", "Two"), [strike("b", place=IDLIB, location_text="Idlib")])
        idlib = list(store.consolidated_events(EventFilter(admin1="Idlib")))
        assert [e.place.name for e in idlib if e.place] == ["Idlib"]
        assert list(store.consolidated_events(EventFilter(since=date(2025, 3, 11)))) == []
        assert len(list(store.consolidated_events(EventFilter(article_id="a")))) == 1


def test_export_defaults_to_consolidated_rows_with_a_switch_for_report_rows(store_location):
    db = store_location
    with Store(db) as store:
        store.ingest(doc("a", "One"), [strike("a")])
        store.ingest(doc("b", "Two"), [strike("b")])
    runner = CliRunner()
    merged = runner.invoke(main, ["export", "--db", str(db), "--format", "jsonl"])
    assert merged.exit_code == 0, merged.output
    rows = [json.loads(line) for line in merged.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["reports"] == 2
    report = runner.invoke(
        main, ["export", "--db", str(db), "--format", "jsonl", "--level", "report"]
    )
    assert len(report.stdout.splitlines()) == 2
    csv_out = runner.invoke(main, ["export", "--db", str(db), "--format", "acled-csv"])
    assert csv_out.stdout.splitlines()[1].count("One; Two") == 1
