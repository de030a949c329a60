"""ACLED's columns ACLED's way (numeric iso, region, pandas round trip), export filters
by name or code, and filters that match nothing saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.countries import acled_region, find_country, iso_numeric
from frontlines.export import ACLED_COLUMNS

from .conftest import EXAMPLES

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "ex.db"
    result = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_countries_by_name_and_every_iso_code() -> None:
    for name in ("Syria", "syria", "SY", "SYR", "760", "0760"):
        found = find_country(name)
        assert found is not None and found.name == "Syria", name
    assert find_country("Kenia") is None
    assert iso_numeric("UA") == 804 and iso_numeric("GE") == 268
    assert acled_region("SY") == "Middle East"
    assert acled_region("KE") == "Eastern Africa"
    assert acled_region("ML") == "Western Africa"
    assert acled_region("GE") == "Caucasus and Central Asia"
    assert acled_region("UA") == "Europe"


def test_acled_csv_round_trips_through_pandas_with_acled_names_and_dtypes(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "acled.csv"
    assert run("export", "--db", str(store), "--format", "acled-csv", "-o", str(out)).exit_code == 0
    frame = pd.read_csv(
        out,
        dtype={"event_id_cnty": "string", "iso": "Int64", "inter1": "Int64", "inter2": "Int64",
               "interaction": "Int64", "geo_precision": "Int64", "year": "Int64",
               "timestamp": "Int64", "admin3": "string", "tags": "string"},
        parse_dates=["event_date"],
        keep_default_na=False,
        na_values={c: [""] for c in ("iso", "inter1", "inter2", "interaction", "geo_precision",
                                     "year", "timestamp", "latitude", "longitude")},
    )  # fmt: skip
    assert list(frame.columns[:31]) == ACLED_COLUMNS
    assert str(frame["event_date"].dtype).startswith("datetime64")
    for column in ("time_precision", "fatalities"):
        assert pd.api.types.is_integer_dtype(frame[column]), column
    for column in ("latitude", "longitude"):
        assert pd.api.types.is_float_dtype(frame[column]), column
    jsonl = rows(run("export", "--db", str(store), "--format", "jsonl").stdout)
    assert len(frame) == len(jsonl)
    by_id = {r["event_id_cnty"]: r for r in jsonl}
    for _, row in frame.iterrows():
        want = by_id[row["event_id_cnty"]]
        assert (None if pd.isna(row["iso"]) else int(row["iso"])) == want["iso"]
        assert row["region"] == want["region"] and row["source"] == want["source"]
        assert int(row["fatalities"]) == want["fatalities"]
    placed = frame[frame["country"] == "Syria"]
    assert len(placed) and set(placed["iso"]) == {760} and set(placed["region"]) == {"Middle East"}


def test_country_filter_takes_names_and_codes(store: Path) -> None:
    everything = rows(run("export", "--db", str(store), "--format", "jsonl").stdout)
    syria = [r for r in everything if r["country"] == "Syria"]
    assert 0 < len(syria) < len(everything)
    for value in ("Syria", "SY", "syr", "760"):
        got = rows(
            run("export", "--db", str(store), "--format", "jsonl", "--country", value).stdout
        )
        assert [r["event_id_cnty"] for r in got] == [r["event_id_cnty"] for r in syria], value


def test_sub_event_type_repeats(store: Path) -> None:
    everything = rows(run("export", "--db", str(store), "--format", "jsonl").stdout)
    subs = sorted({r["sub_event_type"] for r in everything})
    assert len(subs) >= 3
    wanted = subs[:2]
    args = ["export", "--db", str(store), "--format", "jsonl"]
    for sub in wanted:
        args += ["--sub-event-type", sub]
    got = rows(run(*args).stdout)
    assert got and {r["sub_event_type"] for r in got} == set(wanted)
    assert len(got) == len([r for r in everything if r["sub_event_type"] in wanted])


@pytest.mark.parametrize(
    ("option", "value", "hint"),
    [
        ("--event-type", "Battle", "did you mean 'Battles'"),
        ("--event-type", "Air/drone strike", "--sub-event-type 'Air/drone strike'"),
        ("--sub-event-type", "Airstrike", "did you mean 'Air/drone strike'"),
        ("--country", "Kenia", "did you mean 'Kenya'"),
    ],
)
def test_unknown_values_name_the_close_known_ones(
    store: Path, option: str, value: str, hint: str
) -> None:
    result = run("export", "--db", str(store), "--format", "jsonl", option, value)
    assert result.exit_code == 2
    assert hint in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_known_values_that_match_nothing_say_which_filter(store: Path) -> None:
    result = run("export", "--db", str(store), "--format", "jsonl", "--country", "KEN")
    assert result.exit_code == 0 and result.stdout == ""
    assert "exported 0 events" in result.stderr
    assert "no event matches --country KEN" in result.stderr
    late = run("export", "--db", str(store), "--format", "jsonl", "--since", "2031-01-01")
    assert "no event matches --since 2031-01-01" in late.stderr
    assert "stored events run from" in late.stderr
