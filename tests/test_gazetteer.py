"""The gazetteer index: normalising, the default build, and loading GeoNames files.

Fixture files in tests/fixtures/geonames are small GeoNames-format files written
for these tests (invented ids, approximate points). Tests that change an index
work on a copy of the default one in tmp_path.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.errors import GazetteerError
from frontlines.gazetteer import Gazetteer, add_files, download, get_gazetteer, normalize_name
from frontlines.places import find_place_mentions, resolve_spans

FIXTURES = Path(__file__).parent / "fixtures" / "geonames"


@pytest.fixture(scope="session")
def default_gaz() -> Gazetteer:
    """The default index, built once per machine into the on-disk cache."""
    return get_gazetteer()


@pytest.fixture()
def tmp_index(default_gaz: Gazetteer, tmp_path: Path) -> Path:
    target = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(default_gaz.path, target)
    return target


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hama", "Hamah"),
        ("Idlib", "Idleb"),
        ("Latakia", "Al-Ladhiqiyah"),
        ("Lattakia", "Latakia"),
        ("Tal Rifaat", "Tall Rif\u2018at"),
        ("Kafr Nabl", "Kfar Nabl"),
        ("Kefr Nabl", "Kafr Nabl"),
        ("Deir ez-Zor", "Dayr az Zawr".replace("Zawr", "Zor")),
        ("Harbanoush", "Harbanush"),
        ("Ma'arrat al-Nu'man", "Maarrat an-Numan"),
        ("\u1e28am\u0101h", "Hama"),
        ("as-Safira", "Safira"),
    ],
)
def test_normalize_name_variants(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_normalize_keeps_different_names_apart() -> None:
    assert normalize_name("Homs") != normalize_name("Hama")
    assert normalize_name("Aleppo") != normalize_name("Alep Town")


def test_default_index_answers_fast(default_gaz: Gazetteer) -> None:
    import time

    assert default_gaz.candidates("Morek")[0].admin1 == "Hama"
    syria = default_gaz.candidates("Syria")[0]
    assert syria.feature_code == "PCLI" and syria.geonameid == 163843
    started = time.perf_counter()
    for _ in range(10_000):
        default_gaz.candidates("Aleppo")
    assert (time.perf_counter() - started) / 10_000 < 50e-6
    assert default_gaz.demonym("Syrians") == "SY"
    assert default_gaz.abbreviation("Ky.") is not None


def test_admin1_names_from_states(default_gaz: Gazetteer) -> None:
    names = {
        p.admin1 for n in ("Hama", "Homs", "Idlib", "Aleppo") for p in default_gaz.candidates(n)
    }
    assert {"Hama", "Homs", "Idlib", "Aleppo"} <= names
    texas = [p for p in default_gaz.candidates("Texas") if p.country_code == "US"][0]
    assert texas.feature_code == "ADM1" and texas.geonameid == 4736286


def test_add_country_file_and_codes(tmp_index: Path) -> None:
    counts = add_files(
        [
            FIXTURES / "SY.txt",
            FIXTURES / "admin1CodesASCII.txt",
            FIXTURES / "admin2Codes.txt",
            FIXTURES / "alternateNamesV2.txt",
        ],
        tmp_index,
    )
    assert counts == {"places": 5, "admin1 codes": 2, "admin2 codes": 1, "alternate names": 2}
    gaz = Gazetteer(tmp_index)
    kafr = gaz.candidates("Kafr Dariyan")
    assert kafr and kafr[0].geonameid == 99000001 and kafr[0].admin1 == "Idlib"
    assert gaz.candidates("Kafar Daryan")[0].geonameid == 99000001  # from alternateNames
    assert gaz.candidates("Harbanoush")[0].geonameid == 99000002
    # GeoNames' own ADM1 record replaces the stand-in, keeping its English name.
    idlib = [p for p in gaz.candidates("Idlib") if p.feature_code == "ADM1"]
    assert [p.geonameid for p in idlib] == [99000003]
    text = "Warplanes struck Kafr Dariyan and Harbanoush in Idlib province."
    found = {m.text: m for m in find_place_mentions(text, gazetteer=gaz)}
    assert found["Kafr Dariyan"].place.geonameid == 99000001
    assert found["Kafr Dariyan"].geo_precision == 1
    assert found["Harbanoush"].place.geonameid == 99000002
    gaz.close()


def test_add_zip_and_user_csv(tmp_index: Path, tmp_path: Path) -> None:
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "SY.txt", "SY.txt")
        zf.writestr("readme.txt", "not data")
    assert add_files([archive, FIXTURES / "places.csv"], tmp_index) == {
        "places": 5,
        "user places": 1,
    }
    # Adding the same files again updates, never duplicates.
    add_files([archive, FIXTURES / "places.csv"], tmp_index)
    gaz = Gazetteer(tmp_index)
    assert len(gaz.candidates("Kafr Dariyan")) == 1
    user = gaz.candidates("Test Village")
    assert len(user) == 1 and user[0].admin1 == "Hama" and user[0].source == "user"
    assert user[0].geonameid is None
    out = resolve_spans("Shelling hit Qarya Test.", [(13, 23)], gazetteer=gaz)
    assert out[0].place is not None and out[0].place.name == "Qaryat Test"
    gaz.close()


def test_bad_files_are_reported(tmp_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_text("just\ttwo\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="broken.txt"):
        add_files([bad], tmp_index)
    with pytest.raises(GazetteerError, match="no such file"):
        add_files([tmp_path / "missing.zip"], tmp_index)
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("place,where\nx,y\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="bad.csv"):
        add_files([csv_file], tmp_index)


def test_download_from_a_local_server(
    web_root: tuple[str, Path], tmp_index: Path, tmp_path: Path
) -> None:
    url, root = web_root
    with zipfile.ZipFile(root / "SY.zip", "w") as zf:
        zf.write(FIXTURES / "SY.txt", "SY.txt")
    shutil.copy(FIXTURES / "admin1CodesASCII.txt", root)
    files = download(["sy", "admin1CodesASCII"], base_url=url, dest=tmp_path / "dl")
    assert [f.name for f in files] == ["SY.zip", "admin1CodesASCII.txt"]
    assert add_files(files, tmp_index)["places"] == 5
    with pytest.raises(GazetteerError, match="IQ.zip"):
        download(["IQ"], base_url=url, dest=tmp_path / "dl")


def test_cli_gazetteer_and_places(
    web_root: tuple[str, Path], tmp_index: Path, tmp_path: Path
) -> None:
    url, root = web_root
    with zipfile.ZipFile(root / "SY.zip", "w") as zf:
        zf.write(FIXTURES / "SY.txt", "SY.txt")
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "gazetteer",
            "download",
            "SY",
            "--dest",
            str(tmp_path / "dl"),
            "--gazetteer",
            str(tmp_index),
        ],
        env={"FRONTLINES_GEONAMES_URL": url},
    )
    assert result.exit_code == 0, result.output
    assert "places: 5" in result.output
    result = runner.invoke(
        main, ["gazetteer", "add", str(FIXTURES / "places.csv"), "--gazetteer", str(tmp_index)]
    )
    assert result.exit_code == 0 and "user places: 1" in result.output
    docs = tmp_path / "docs.jsonl"
    text = "Strikes hit Harbanoush and Saraqeb."
    docs.write_text(
        json.dumps({"id": "1", "text": text, "toponyms": [{"start": 12, "end": 22}]})
        + "\n"
        + json.dumps({"id": "2", "text": text})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["places", str(docs), "--gazetteer", str(tmp_index)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["id"], r["text"]) for r in rows] == [
        ("1", "Harbanoush"),
        ("2", "Harbanoush"),
        ("2", "Saraqeb"),
    ]
    assert rows[0]["geonameid"] == 99000002 and rows[0]["admin1"] == "Idlib"
    assert set(rows[0]) >= {"id", "start", "end", "text", "geonameid", "latitude", "longitude"}
    assert set(rows[0]) >= {"country", "admin1", "score"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(main, ["places", str(bad), "--gazetteer", str(tmp_index)])
    assert result.exit_code == 1 and "bad.jsonl:1" in result.output


def test_second_level_divisions_from_geonames(default_gaz: Gazetteer) -> None:
    counties = [p for p in default_gaz.candidates("Clay County") if p.admin1 == "Minnesota"]
    assert len(counties) == 1
    clay = counties[0]
    assert clay.feature_code == "ADM2" and clay.geonameid and clay.country_code == "US"
    # its point is among its towns (Moorhead is its seat), not at the state's centre
    assert abs(clay.latitude - 46.9) < 0.5 and abs(clay.longitude + 96.5) < 0.6
    # a town knows its county, and a first-level division has its GeoNames id
    moorhead = [p for p in default_gaz.candidates("Moorhead") if p.admin1 == "Minnesota"][0]
    assert moorhead.admin2 == "Clay County"
    assert default_gaz.admin1("CA", "Alberta").geonameid  # type: ignore[union-attr]


def test_first_level_codes_are_paired_by_geonames_own_names_not_by_geometry() -> None:
    # neighbours whose points sit close were once swapped (Anbar named as Basra's code)
    gaz = get_gazetteer()
    anbar = gaz.admin1("IQ", "Anbar")
    assert anbar is not None
    seat = gaz.seat(anbar)
    assert seat is not None and seat.name == "Ramadi"
    ramadi = next(p for p in gaz.candidates("Ramadi") if p.country_code == "IQ")
    assert ramadi.admin1 == "Al Anbar"


def test_a_division_named_after_a_town_is_seated_there_not_at_its_largest_town() -> None:
    gaz = get_gazetteer()
    for country, division, town in [("MM", "Sagaing", "Sagaing"), ("SD", "Khartoum", "Khartoum")]:
        place = gaz.admin1(country, division)
        assert place is not None
        seat = gaz.seat(place)
        assert seat is not None and seat.name == town, (division, seat)
    # no town of some size bears the name: the most populous one
    borno = gaz.admin1("NG", "Borno")
    assert borno is not None and getattr(gaz.seat(borno), "name", "") == "Maiduguri"
