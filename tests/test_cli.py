"""CLI tests: invoke the command, then look at what it wrote (stdout or the SQLite file)."""

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.export import ACLED_COLUMNS

from .conftest import EXAMPLES, SEED_LIKE


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture()
def report(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text(SEED_LIKE, encoding="utf-8")
    return path


def test_analyze_writes_contract_fields(runner, report):
    result = runner.invoke(main, ["analyze", str(report), "--outlet", "Example Wire", "--quiet"])
    assert result.exit_code == 0, result.output
    events = records(result.stdout)
    assert events
    required = {
        "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
        "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
        "interaction", "civilian_targeting", "iso", "country", "admin1", "admin2",
        "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
        "notes", "fatalities", "article_id", "attributed_to", "certainty", "evidence",
        "framing", "geonameid",
    }  # fmt: skip
    for event in events:
        assert required <= set(event)
        assert event["article_id"] == "wire"
        assert event["source"] == "Example Wire"
        for evidence in event["evidence"]:
            assert SEED_LIKE[evidence["start"] : evidence["end"]] == evidence["text"]
    by_sub = {e["sub_event_type"]: e for e in events}
    strike = by_sub["Air/drone strike"]
    assert strike["location"] in ("Morek", "Mūrak", "Murak")
    assert strike["event_date"] == "2024-12-04"
    assert strike["attributed_to"] == "state media"
    assert {"SYR_GOV", "RUS_MIL"} <= set(strike["actor_keys"])
    drones = by_sub["Disrupted weapons use"]
    assert drones["attributed_to"] == "the Defence Ministry"  # the words of the report
    retaken = by_sub["Government regains territory"]
    assert retaken["event_date"] == "2024-12-03"  # "a day earlier" than Wednesday's strikes
    assert retaken["fatalities"] == 12  # "dozens"
    assert retaken["inter1"] == 1


def test_analyze_csv_and_geojson(runner, report):
    result = runner.invoke(main, ["analyze", str(report), "--format", "csv", "--quiet"])
    assert result.exit_code == 0
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:31] == ACLED_COLUMNS
    result = runner.invoke(main, ["analyze", str(report), "--format", "geojson", "--quiet"])
    collection = json.loads(result.stdout)
    assert collection["type"] == "FeatureCollection" and collection["features"]


def test_analyze_reads_stdin(runner):
    result = runner.invoke(
        main,
        ["analyze", "-", "--published", "2024-12-02", "--quiet"],
        input="Syrian warplanes struck the city of Idlib on Monday, killing 11 civilians.",
    )
    assert result.exit_code == 0, result.output
    (event,) = records(result.stdout)
    assert event["event_date"] == "2024-12-02"
    assert event["fatalities"] == 11
    assert event["civilian_targeting"] == "Civilian targeting"


def test_unknown_format_is_a_one_line_error(runner, report):
    result = runner.invoke(main, ["analyze", str(report), "--format", "xml"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unknown format 'xml'" in result.stderr


def test_bad_jsonl_names_file_and_line(runner, tmp_path):
    bad = tmp_path / "dump.jsonl"
    bad.write_text('{"id": "a", "text": "Clashes near Hama on Monday."}\n{oops\n', encoding="utf-8")
    result = runner.invoke(main, ["analyze", str(bad)])
    assert result.exit_code == 1
    assert "dump.jsonl:2: not valid JSON" in result.stderr


def test_non_english_document_is_skipped_with_reason(runner, tmp_path):
    docs = tmp_path / "mixed.jsonl"
    docs.write_text(
        json.dumps(
            {"id": "de", "text": "Die Armee hat am Mittwoch die Stadt nach Kämpfen verlassen."}
        )
        + "\n"
        + json.dumps({"id": "en", "text": "Rebels seized the town of Saraqib on Sunday."})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["analyze", str(docs), "--published", "2024-12-02"])
    assert result.exit_code == 0
    assert "1 skipped" in result.stderr and "not English" in result.stderr
    assert {e["article_id"] for e in records(result.stdout)} == {"en"}


def test_only_non_english_input_fails(runner, tmp_path):
    doc = tmp_path / "de.txt"
    doc.write_text("Die Armee hat am Mittwoch die Stadt nach heftigen Kämpfen verlassen.", "utf-8")
    result = runner.invoke(main, ["analyze", str(doc)])
    assert result.exit_code == 1
    assert "no document could be analysed" in result.stderr


def test_ingest_is_idempotent_and_export_filters(runner, tmp_path, store_location):
    """On an SQLite file and on a PostgreSQL database (--db postgresql://...)."""
    from frontlines.store import Store

    db = store_location
    first = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", str(db), "--quiet"])
    assert first.exit_code == 0, first.output
    with Store(db) as store:
        counts = store.counts()
    documents, events = counts["documents"], counts["events"]
    assert documents >= 5 and events >= 5
    again = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", str(db), "--quiet"])
    assert again.exit_code == 0
    assert f"{documents} unchanged" in again.stderr
    with Store(db) as store:
        assert store.counts()["events"] == events

    out = tmp_path / "acled.csv"
    result = runner.invoke(
        main, ["export", "--db", str(db), "--format", "acled-csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == events
    assert list(rows[0])[:31] == ACLED_COLUMNS

    battles = runner.invoke(
        main, ["export", "--db", str(db), "--format", "jsonl", "--event-type", "Battles"]
    )
    assert {e["event_type"] for e in records(battles.stdout)} == {"Battles"}
    georgia = runner.invoke(
        main, ["export", "--db", str(db), "--format", "jsonl", "--country", "GE"]
    )
    assert {e["iso"] for e in records(georgia.stdout)} == {268}  # ISO 3166 numeric, as ACLED
    recent = runner.invoke(
        main, ["export", "--db", str(db), "--format", "jsonl", "--since", "2024-12-05"]
    )
    assert all(e["event_date"] >= "2024-12-05" for e in records(recent.stdout))
    assert len(records(recent.stdout)) < events

    parquet = tmp_path / "events.parquet"
    runner.invoke(main, ["export", "--db", str(db), "--format", "parquet", "-o", str(parquet)])
    assert pq.read_table(parquet).num_rows == events


def test_export_needs_a_store(runner, tmp_path):
    result = runner.invoke(main, ["export", "--db", str(tmp_path / "none.db"), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "no such store" in result.stderr


def test_explain_shows_rules(runner, report):
    result = runner.invoke(main, ["explain", str(report)])
    assert result.exit_code == 0, result.output
    assert "trigger  'shot down' -> Disrupted weapons use" in result.stdout
    assert "date     'A day earlier' -> 2024-12-03" in result.stdout
    assert "events after aggregation" in result.stdout


def test_explain_names_the_rule_behind_every_field_of_an_event(runner, tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(
        "On 12 March 2024, JNIM militants attacked an army checkpoint near Douentza.\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["explain", str(report), "--published", "2024-12-31"])
    assert result.exit_code == 0, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("  fields   ")]
    for name in ("sub_event_type", "actors", "place", "date", "fatalities", "attributed_to"):
        assert f"{name}: " in line, line
    assert "date: own_date_cue" in line
    assert "place: toponym_of_the_clause" in line
