"""`frontlines watch`: feeds polled with conditional GET from a real HTTP server on
127.0.0.1, new items' pages fetched once, state in the store, back-off on errors.
Feeds and pages are our own writing."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.store import Store
from frontlines.watch import backoff, parse_interval, watch

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{text}</p><p>Residents said the road out of the town had been closed since the morning
and that shops stayed shut for the rest of the day.</p></article></body></html>"""
STORIES = {
    "1": (
        "Strikes on Saraqib",
        "Government aircraft bombed the town of Saraqib in Idlib on "
        "Monday, killing six civilians, a local monitor said.",
    ),  # fmt: skip
    "2": (
        "Shelling near Hama",
        "Rebels shelled army positions near Hama on Tuesday, wounding "
        "four soldiers, a military source said.",
    ),  # fmt: skip
    "3": (
        "Clashes in Daraa",
        "Heavy clashes broke out between the Syrian army and armed men "
        "in Daraa on Wednesday, killing three fighters, state media reported.",
    ),  # fmt: skip
}


def feed(base: str, items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>{STORIES[i][0]}</title><link>{base}/story/{i}</link>"
        f"<guid>story-{i}</guid><pubDate>Mon, 0{i} Dec 2024 10:00:00 GMT</pubDate>"
        f"<description>{STORIES[i][1]}</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test Desk</title>'
        f"{entries}</channel></rss>"
    ).encode()


class Site:
    """What the server serves (path -> content type, body) and every request it got."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.requests: list[tuple[str, str]] = []  # path, If-None-Match sent
        self.broken: set[str] = set()
        self.base = ""

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture()
def site() -> Iterator[Site]:
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            state.requests.append((self.path, self.headers.get("If-None-Match", "")))
            if self.path in state.broken or self.path not in state.pages:
                self.send_response(500 if self.path in state.broken else 404)
                self.end_headers()
                return
            kind, body = state.pages[self.path]
            tag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    for key, (title, text) in STORIES.items():
        html = PAGE.format(title=title, text=text).encode()
        state.pages[f"/story/{key}"] = ("text/html; charset=utf-8", html)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_intervals_and_back_off() -> None:
    assert [parse_interval(t) for t in ("15m", "30s", "1h", "90", "0.5s")] == [
        900,
        30,
        3600,
        90,
        0.5,
    ]
    with pytest.raises(Exception, match="--every"):
        parse_interval("soon")
    assert [backoff(60, n) for n in range(4)] == [60, 120, 240, 480]
    assert backoff(3600, 10) == 86_400


def test_new_items_are_fetched_once_and_unchanged_feeds_cost_one_request(
    site: Site, tmp_path: Path
) -> None:
    db = str(tmp_path / "f.db")
    site.pages["/feed.rss"] = ("application/rss+xml", feed(site.base, ["1", "2"]))
    lines: list[str] = []
    url = site.base + "/feed.rss"
    watch([url], db, 0.0, polls=2, allow_private=True, log=lines.append)
    assert len(lines) == 2  # one line per poll
    assert "2 items, 2 new, 2 stored" in lines[0] and "not modified" in lines[1]
    assert site.hits("/story/1") == site.hits("/story/2") == 1
    # the second poll was conditional: it sent the ETag of the first answer
    feed_requests = [tag for path, tag in site.requests if path == "/feed.rss"]
    assert feed_requests[0] == "" and feed_requests[1].startswith('"')
    with Store(db) as store:
        docs = {d["id"]: d for d in store.list_documents(10, 0)[1]}
        assert set(docs) == {"story-1", "story-2"}
        assert docs["story-1"]["url"] == site.base + "/story/1"
        assert store.feed_state(url)["etag"] == feed_requests[1]
        assert store.counts()["events"] >= 2
    # a new item: only its page is fetched, state survives a new process (the store)
    site.pages["/feed.rss"] = ("application/rss+xml", feed(site.base, ["1", "2", "3"]))
    result = CliRunner().invoke(
        main, ["watch", url, "--db", db, "--every", "1s", "--polls", "1", "--allow-private"]
    )
    assert result.exit_code == 0, result.output
    assert "3 items, 1 new, 1 stored" in result.stderr
    assert [site.hits(f"/story/{i}") for i in "123"] == [1, 1, 1]


def test_a_failing_feed_backs_off_and_a_missing_page_keeps_the_feed_text(
    site: Site, tmp_path: Path
) -> None:
    db = str(tmp_path / "f.db")
    url = site.base + "/feed.rss"
    site.pages["/feed.rss"] = ("application/rss+xml", feed(site.base, ["1"]))
    site.broken = {"/feed.rss"}
    lines: list[str] = []
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:  # a clock that moves when the watcher sleeps
        waits.append(seconds)
        now[0] += seconds

    watch([url], db, 10.0, polls=3, allow_private=True, log=lines.append, sleep=sleep,
          clock=lambda: now[0])  # fmt: skip
    assert all("HTTP 500" in line for line in lines)
    assert [line.rsplit("in ", 1)[1] for line in lines] == ["20 s", "40 s", "80 s"]
    assert waits == [20.0, 40.0]
    # the feed recovers; its one item's page is gone: the feed's own text is stored
    site.broken = set()
    del site.pages["/story/1"]
    watch([url], db, 10.0, polls=1, allow_private=True, log=lines.append)
    assert "1 new, 1 stored" in lines[-1] and "pages unreachable" in lines[-1]
    assert lines[-1].endswith("next poll in 10 s")
    with Store(db) as store:
        (doc,) = store.list_documents(10, 0)[1]
        assert "Saraqib" in (store.document(doc["id"]) or {})["text"]
        assert store.feed_state(url)["failures"] == 0


def test_watch_refuses_what_is_no_feed_url(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["watch", "/etc/passwd", "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "http(s) URL" in result.stderr
    result = runner.invoke(main, ["watch", "http://127.0.0.1:9/f", "--every", "soon"])
    assert result.exit_code != 0 and "--every" in result.stderr
    # loopback is refused without --allow-private: an error line and a back-off, no crash
    lines: list[str] = []
    watch(["http://127.0.0.1:9/feed"], str(tmp_path / "y.db"), 5.0, polls=1, log=lines.append)
    assert "allow-private" in lines[0] and "Traceback" not in lines[0]
