"""Hostile and careless input, the open web, racing writers (issue 11).

Every probe here runs on real parts: real files in tmp_path, a real HTTP server on
127.0.0.1 that trickles, redirects, floods and serves feeds whose body is a path, real
SQLite stores, real `frontlines` processes (two at once; one killed with SIGKILL).
The property-based tests (hypothesis) and the schema-driven API test (schemathesis)
are held to a few examples each so CI stays quick.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.cli import main
from frontlines.errors import InputError
from frontlines.ingest import iter_articles, parse_jsonl, parse_text, read_url
from frontlines.models import Article, Skip
from frontlines.store import Store


# What the fixes added is imported where it is used: run against the code before them,
# each probe then fails on its own instead of the whole module failing to import.
def fetch(url: str, **kwargs: Any) -> Any:
    from frontlines.fetch import fetch as fenced_fetch

    return fenced_fetch(url, **kwargs)


def address_problem(ip: str) -> str | None:
    from frontlines.fetch import address_problem as problem

    return problem(ip)


def text_problem(text: str) -> str | None:
    from frontlines.ingest import text_problem as problem

    return problem(text)


FRONTLINES = [sys.executable, "-m", "frontlines.cli"]

# Our own short reports, varied in place and toll so each is its own document.
TOWNS = ["Hama", "Idlib", "Aleppo", "Homs", "Daraa", "Latakia", "Raqqa", "Tartus", "Saraqib"]


def report(i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    return (
        f"DATE: 2024-12-{1 + i % 20:02d}\n\n"
        f"Government artillery shelled the outskirts of {town} on Monday, killing {i + 2} "
        f"civilians, a local monitoring group said. Report number {i}.\n"
    )


# ---------------------------------------------------------------- a hostile web server


class Hostile(http.server.BaseHTTPRequestHandler):
    """Pages an attacker or a broken site would serve."""

    secret_path = ""  # a local file a feed body names
    requests: list[tuple[str, str]] = []  # (path, user agent)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, body: bytes, kind: str, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        Hostile.requests.append((self.path, self.headers.get("User-Agent", "")))
        path = self.path
        port = self.server.server_address[1]
        try:
            if path == "/story.txt":
                self._send(b"Rebels seized the town of Saraqib on Monday.", "text/plain")
            elif path == "/feed-path":  # the body is a local path, served as XML
                self._send(Hostile.secret_path.encode(), "application/xml")
            elif path == "/feed-url":  # the body is a URL, served as XML
                self._send(f"http://127.0.0.1:{port}/big.xml".encode(), "application/xml")
            elif path == "/feed-file-url":
                self._send(f"file://{Hostile.secret_path}".encode(), "application/xml")
            elif path == "/big.xml":  # no length declared, far over any cap
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(b'<?xml version="1.0"?><rss><channel>')
                for _ in range(400):
                    self.wfile.write(b"<item><description>" + b"x" * 50_000 + b"</description>")
            elif path == "/trickle":  # a byte every 0.3 s, for ever
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif path == "/to-metadata":
                self._send(b"", "text/plain", 302, Location="http://169.254.169.254/latest/")
            elif path == "/to-file":
                self._send(b"", "text/plain", 302, Location="file:///etc/passwd")
            elif path == "/to-story":
                self._send(b"", "text/plain", 301, Location="/story.txt")
            elif path.startswith("/loop"):
                n = int(path[5:] or 0)
                self._send(b"", "text/plain", 302, Location=f"/loop{n + 1}")
            else:
                self._send(b"no such page", "text/plain", 404)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture()
def hostile(tmp_path: Path) -> Iterator[str]:
    secret = tmp_path / "secret.xml"
    secret.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Secret</title><item>'
        "<title>Private note</title><description>The confidential local file was read by "
        "the feed parser.</description></item></channel></rss>",
        encoding="utf-8",
    )
    Hostile.secret_path = str(secret)
    Hostile.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- 1. the fetcher


@pytest.mark.parametrize("page", ["/feed-path", "/feed-url", "/feed-file-url"])
def test_a_feed_body_that_names_a_path_or_url_is_never_opened(hostile: str, page: str) -> None:
    with pytest.raises(InputError, match="not an RSS/Atom feed"):
        list(read_url(hostile + page, allow_private=True))
    assert [p for p, _ in Hostile.requests] == [page]  # the named URL was not fetched


def test_a_feed_cannot_pull_in_a_local_file_as_an_external_entity(tmp_path: Path) -> None:
    from frontlines.ingest import parse_feed

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE", encoding="utf-8")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>Wire</title><item><title>Clashes near Hama</title>'
        "<description>Troops clashed with rebels north of Hama &x; today.</description>"
        "</item></channel></rss>"
    )
    [article] = list(parse_feed(feed.encode(), "feed.rss"))
    assert "clashed with rebels" in article.text and "TOPSECRET" not in article.text


def test_loopback_and_private_addresses_are_refused_unless_allowed(hostile: str) -> None:
    port = hostile.rsplit(":", 1)[1]
    for url in (f"{hostile}/story.txt", f"http://localhost:{port}/story.txt"):
        with pytest.raises(InputError, match="refused.*loopback.*--allow-private"):
            fetch(url)
    assert Hostile.requests == []
    assert fetch(f"{hostile}/story.txt", allow_private=True).body.startswith(b"Rebels")
    for inside in ("10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "fe80::1", "224.0.0.1"):
        assert address_problem(inside), inside
    assert address_problem("::ffff:127.0.0.1")  # an IPv4-mapped loopback
    assert address_problem("8.8.8.8") is None


def test_every_redirect_hop_is_checked_again(hostile: str) -> None:
    trusted = {"allowed_addresses": ["127.0.0.1"]}  # this server only, nothing else inside
    got = fetch(f"{hostile}/to-story", **trusted)  # type: ignore[arg-type]
    assert got.final_url.endswith("/story.txt") and got.body.startswith(b"Rebels")
    with pytest.raises(InputError, match="refused.*link-local"):
        fetch(f"{hostile}/to-metadata", **trusted)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="only http and https.*file:"):
        fetch(f"{hostile}/to-file", **trusted)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch(f"{hostile}/loop", **trusted)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="only http and https"):
        list(iter_articles([f"file://{Hostile.secret_path}"]))


def test_a_trickling_server_is_cut_off_at_one_total_deadline(hostile: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match="timed out after 1.5 s"):
        fetch(f"{hostile}/trickle", allow_private=True, deadline_s=1.5)
    assert time.monotonic() - started < 3.0  # not reset by each byte


def test_feeds_have_the_byte_cap_and_a_user_agent(hostile: str) -> None:
    with pytest.raises(InputError, match="too large"):
        list(read_url(f"{hostile}/big.xml", allow_private=True, max_bytes=1_000_000))
    fetch(f"{hostile}/story.txt", allow_private=True)
    assert all(agent.startswith("frontlines/") for _, agent in Hostile.requests)


# ---------------------------------------------------------------- 2. HTTP ingest

AUTH = {"Authorization": "Bearer s3cret"}


@pytest.fixture()
def ingest_client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(tmp_path / "posted.db", allow_ingest=True, token="s3cret"))


def test_posted_text_without_an_id_never_replaces_another(ingest_client: TestClient) -> None:
    first = ingest_client.post("/api/ingest", content=report(1), headers=AUTH).json()
    second = ingest_client.post("/api/ingest", content=report(2), headers=AUTH).json()
    ids = [first["documents"][0]["article_id"], second["documents"][0]["article_id"]]
    assert ids[0] != ids[1] and "http" not in ids
    assert [d["status"] for d in (first["documents"][0], second["documents"][0])] == [
        "stored",
        "stored",
    ]
    assert second["store"]["documents"] == 2
    told = {e["article_id"] for e in ingest_client.get("/api/events?level=report").json()["events"]}
    assert told == set(ids)


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"id": "a", "text": "Rebels shelled Hama.", "url": ["x"]}, "url"),
        ({"id": "a", "text": "Rebels shelled Hama.", "outlet": 7}, "outlet"),
        ({"id": "a", "text": 12}, "text"),
        ({"id": ["a"], "text": "Rebels shelled Hama."}, "id"),
        ({"id": "a", "text": "Rebels shelled Hama.", "title": "t" * 5000}, "title"),
    ],
)
def test_json_fields_are_validated_with_a_422_naming_the_field(
    ingest_client: TestClient, tmp_path: Path, doc: dict[str, Any], field: str
) -> None:
    response = ingest_client.post("/api/ingest", json=[doc], headers=AUTH)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"][-1] == field and f"field '{field}'" in error["msg"]
    assert str(tmp_path) not in response.text
    assert ingest_client.get("/api/meta").json()["counts"]["documents"] == 0


def test_a_posted_report_over_the_size_cap_is_skipped_not_a_500(tmp_path: Path) -> None:
    client = TestClient(
        create_app(tmp_path / "x.db", allow_ingest=True, token="s3cret", max_body=3_000_000)
    )
    body = "The army shelled the town. " * 45_000  # 1.2 million characters
    response = client.post("/api/ingest", content=body, headers=AUTH)
    assert response.status_code == 200
    assert "max-chars" in response.json()["skipped"][0]["reason"]


# ---------------------------------------------------------------- 3. reads: limits, budget, Host


@pytest.fixture()
def read_client(tmp_path: Path) -> TestClient:
    Store(tmp_path / "read.db").close()
    return TestClient(create_app(tmp_path / "read.db"))


def test_limits_are_in_the_schema_and_huge_offsets_are_a_422(read_client: TestClient) -> None:
    from frontlines.api import MAX_OFFSET

    schema = read_client.get("/openapi.json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == 10_000 and params["offset"]["maximum"] == MAX_OFFSET
    q = params["q"].get("anyOf", [params["q"]])[0]
    assert q["maxLength"] == 500
    for offset in (2**63, 2**64, MAX_OFFSET + 1):
        response = read_client.get("/api/events", params={"offset": offset})
        assert response.status_code == 422
    assert read_client.get("/api/events", params={"q": "x " * 300}).status_code == 422


def test_a_bad_bbox_is_a_422_shaped_as_the_schema_says(read_client: TestClient) -> None:
    for bbox in ("1,2,3", "0,50,10,40", "nan,1,2,3"):
        response = read_client.get("/api/events", params={"bbox": bbox})
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert isinstance(detail, list) and detail[0]["loc"] == ["query", "bbox"]


def test_host_header_must_name_this_server(tmp_path: Path) -> None:
    from frontlines.api import host_allowed

    Store(tmp_path / "h.db").close()
    client = TestClient(create_app(tmp_path / "h.db", allowed_hosts=["maps.example.org"]))
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "maps.example.org"):
        assert client.get("/api/meta", headers={"Host": host}).status_code == 200, host
    for host in ("rebind.attacker.example", "rebind.attacker.example:8000", ""):
        response = client.get("/api/meta", headers={"Host": host})
        assert response.status_code == 400 and "Host" in response.json()["detail"]
    assert host_allowed("anything.example", ["*"])


def test_a_query_past_the_time_budget_is_stopped(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        store.set_deadline(0.2)
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            store.db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
                " SELECT count(*) FROM n"
            ).fetchone()
        assert store.over_budget() and time.monotonic() - started < 2


def test_a_request_past_the_time_budget_is_a_503_with_retry_after(tmp_path: Path) -> None:
    Store(tmp_path / "b.db").close()
    client = TestClient(create_app(tmp_path / "b.db", time_budget=1e-9))
    response = client.get("/api/events")
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()


# ---------------------------------------------------------------- 4. input limits


def test_an_oversized_line_in_a_folder_is_skipped_and_the_rest_analysed(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(3):
        (folder / f"good{i}.txt").write_text(report(i), encoding="utf-8")
    (folder / "huge.txt").write_text("The army shelled the town. " * 45_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert "skipped 1: longer than --max-chars 1,000,000" in result.output
    with Store(tmp_path / "s.db") as store:
        assert store.counts()["documents"] == 3


def test_a_huge_file_is_skipped_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        for _ in range(14):
            handle.write(b"The army shelled the town.\n" * 40_000)  # 14 x ~1 MB
    started = time.monotonic()
    [skip] = list(iter_articles([str(big)], max_chars=1_000_000))
    assert isinstance(skip, Skip) and "bytes" in skip.reason
    assert time.monotonic() - started < 1
    jsonl = tmp_path / "docs.jsonl"
    lines = [{"id": "ok", "text": report(1)}, {"id": "long", "text": "word " * 300}]
    jsonl.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    found = list(iter_articles([str(jsonl)], max_chars=1000))
    assert isinstance(found[0], Article) and isinstance(found[1], Skip)


def test_long_paragraphs_reach_spacy_in_pieces_under_its_max_length() -> None:
    from frontlines.nlp import get_nlp, sentences_of

    nlp = get_nlp()
    saved = nlp.max_length
    text = " ".join(f"Rebels shelled village number {i} near Hama." for i in range(400))
    nlp.max_length = 3000  # the same refusal (E088) a 1,000,001-character line meets
    try:
        (sentences,) = list(sentences_of([text]))
    finally:
        nlp.max_length = saved
    assert len(sentences) >= 400
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert sentences[-1].text.endswith("399 near Hama.")


# ---------------------------------------------------------------- 5. JSONL fields, text that is not text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"id": "b", "text": "Rebels shelled Hama.", "outlet": 7}',
            "field 'outlet' must be a string",
        ),
        (
            '{"id": "b", "text": "Rebels shelled Hama.", "url": ["x"]}',
            "field 'url' must be a string",
        ),
        (
            '{"id": "b", "text": "Rebels shelled Hama \\ud800."}',
            "field 'text' is not valid Unicode",
        ),
        ('{"id": "b", "text": "Rebels shelled Hama.", "published": 5}', "field 'published'"),
    ],
)
def test_mistyped_jsonl_fields_stop_with_file_line_and_field(
    tmp_path: Path, line: str, message: str
) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": report(1)}) + "\n" + line + "\n", "utf-8")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(docs), "--db", str(db)])
    assert result.exit_code == 1
    assert f"{docs}:2: {message}" in result.output
    assert "Traceback" not in result.output
    assert not db.exists() or Store(db).counts()["documents"] == 0  # nothing half-stored
    from frontlines.errors import FieldError

    with pytest.raises(FieldError):
        list(parse_jsonl(line, "x.jsonl"))


def test_text_that_is_not_language_is_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(report(2), encoding="utf-8")
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(0x80, 0x100)) * 40 + b"abc")  # decodes as Windows-1252
    nul = tmp_path / "nul.jsonl"
    nul.write_text(json.dumps({"id": "n", "text": "Rebels shelled\u0000 Hama twice."}), "utf-8")
    garbled = "Le prÃ©sident a dÃ©clarÃ© quâ€™il nâ€™y aurait pas dâ€™accord. " * 5
    with pytest.raises(InputError, match="not UTF-8"):
        list(iter_articles([str(noise)]))  # on its own: an error
    found = {Path(i.origin).name: i for i in iter_articles([str(tmp_path)])}
    assert isinstance(found["good.txt"], Article)
    assert isinstance(found["noise.txt"], Skip) and "not UTF-8" in found["noise.txt"].reason
    assert text_problem("Rebels shelled\u0000 Hama twice.") == "not text (holds NUL characters)"
    assert "mojibake" in (text_problem(garbled) or "")
    assert "control characters" in (text_problem("Rebels \x07\x08\x1b shelled Hama " * 3) or "")
    assert "letters" in (text_problem("12:40 -- 13:55 ## 99/100 ++ 42 %% 17" * 3) or "")
    assert text_problem(report(3)) is None
    # a few garbled apostrophes leave a report worth reading
    mild = "The army said it wasnâ€™t involved; the monitor disagreed. " + report(5) * 4
    assert text_problem(mild + "Itâ€™s unclear. Theyâ€™re gone.") is None
    result = CliRunner().invoke(main, ["analyze", str(nul), "--format", "jsonl"])
    assert result.exit_code == 1 and "skipped 1: not text (holds NUL characters)" in result.output


# ---------------------------------------------------------------- 6. the rest


def test_a_files_date_line_wins_over_published() -> None:
    article = parse_text(report(4), "r.txt", published=date(2030, 1, 1))
    assert article.published == date(2024, 12, 5)
    assert parse_text("No date here.", "r.txt", published=date(2030, 1, 1)).published == date(
        2030, 1, 1
    )


@pytest.mark.parametrize(
    "args", [["serve", "--port", "99999"], ["serve", "--max-body", "-1"], ["serve", "--port", "-5"]]
)
def test_serve_rejects_bad_numbers_with_a_usage_error(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value" in result.output


def test_export_to_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    Store(tmp_path / "e.db").close()
    target = tmp_path / "missing" / "dir" / "x.csv"
    result = CliRunner().invoke(
        main, ["export", "--db", str(tmp_path / "e.db"), "--format", "acled-csv", "-o", str(target)]
    )
    assert result.exit_code == 1 and "no such folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---------------------------------------------------------------- concurrency and crashes


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def test_processes_racing_to_create_a_store_all_succeed(tmp_path: Path) -> None:
    code = "import sys; from frontlines.store import Store; Store(sys.argv[1]).close()"
    for trial in range(2):
        db = tmp_path / f"race{trial}.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE, env=_env()
            )
            for _ in range(6)
        ]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0] * 6, errors
        with Store(db) as store:
            assert store.schema_version >= 2 and store.has_table("claims")


def _write_reports(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"r{i:03d}.txt").write_text(report(i), encoding="utf-8")


def _integrity(db: Path) -> tuple[str, int]:
    conn = sqlite3.connect(db)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        orphans = conn.execute(
            "SELECT (SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM documents))"
            " + (SELECT count(*) FROM evidence WHERE event_id NOT IN (SELECT event_id FROM events))"
        ).fetchone()[0]
        return ok, int(orphans)
    finally:
        conn.close()


def test_the_same_input_ingested_twice_at_once_is_stored_once(tmp_path: Path) -> None:
    _write_reports(tmp_path / "in", 12)
    db = tmp_path / "both.db"
    run = [*FRONTLINES, "ingest", str(tmp_path / "in"), "--db", str(db), "--quiet"]
    procs = [subprocess.Popen(run, stderr=subprocess.PIPE, env=_env()) for _ in range(2)]
    outputs = [p.communicate(timeout=600)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert not any("UNIQUE" in out or "Traceback" in out for out in outputs)
    assert _integrity(db) == ("ok", 0)
    with Store(db) as store:
        assert store.counts()["documents"] == 12


def test_an_ingest_killed_mid_way_leaves_a_sound_store_that_resumes(tmp_path: Path) -> None:
    _write_reports(tmp_path / "in", 60)
    run = [*FRONTLINES, "ingest", str(tmp_path / "in"), "--quiet"]
    clean = tmp_path / "clean.db"
    subprocess.run([*run, "--db", str(clean)], check=True, capture_output=True, env=_env())
    killed = tmp_path / "killed.db"
    proc = subprocess.Popen([*run, "--db", str(killed)], stderr=subprocess.DEVNULL, env=_env())
    stored = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if killed.exists():
            try:
                conn = sqlite3.connect(killed, timeout=5)
                stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                stored = 0
            if stored >= 5:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 5 <= stored < 60, "the ingest ended before it could be killed"
    assert _integrity(killed) == ("ok", 0)
    subprocess.run([*run, "--db", str(killed)], check=True, capture_output=True, env=_env())
    exports = []
    for db in (clean, killed):
        out = subprocess.run(
            [*FRONTLINES, "export", "--db", str(db), "--format", "jsonl"],
            check=True,
            capture_output=True,
            env=_env(),
        ).stdout
        exports.append(out)
    assert exports[0] == exports[1] and exports[0].count(b"\n") >= 30


# ---------------------------------------------------------------- property-based probes

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

QUICK = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@QUICK
@given(st.text(max_size=400))
def test_analyze_never_raises_on_any_text(text: str) -> None:
    import frontlines

    for event in frontlines.analyze(text, published="2024-12-02"):
        event.to_record()


def _containers(inner: Any) -> Any:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    _containers,
    max_leaves=8,
)


@QUICK
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "text", "published", "url", "outlet", "title", "other"]),
            _JSON_VALUES,
        ),
        max_size=4,
    )
    | st.binary(max_size=300).map(lambda b: b.decode("latin-1"))
)
def test_the_jsonl_reader_only_ever_raises_input_errors(docs: Any) -> None:
    text = docs if isinstance(docs, str) else "\n".join(json.dumps(d) for d in docs)
    try:
        for item in parse_jsonl(text, "fuzz.jsonl"):
            assert isinstance(item, Article | Skip)
            if isinstance(item, Article):
                item.text.encode("utf-8")
    except InputError:
        pass


@QUICK
@given(st.text(max_size=300), st.sampled_from(["<html><body><p>", "<p>", "<article>", ""]))
def test_the_html_reader_only_ever_raises_input_errors(body: str, opening: str) -> None:
    from frontlines.ingest import parse_html

    with contextlib.suppress(InputError):
        parse_html(opening + body, "fuzz.html")


def test_the_api_holds_to_its_openapi_schema(tmp_path: Path) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    Store(tmp_path / "api.db").close()
    app = create_app(tmp_path / "api.db")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(max_examples=8)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        strategy = operation.as_strategy()

        @settings(max_examples=8, deadline=None, database=None)
        @given(strategy)
        def check(case: Any) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.text)
            if response.status_code == 422:
                assert isinstance(response.json()["detail"], list)

        try:
            check()
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, failures
