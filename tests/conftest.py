"""Shared fixtures: real files, a real local HTTP server, real stores (SQLite files and,
where a server is given, PostgreSQL databases)."""

from __future__ import annotations

import http.server
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/slow"):
            time.sleep(3)  # the client gave up long ago: answering would only fail
            return
        if self.path.startswith("/huge"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = b"The army shelled the town. " * 4000
            try:
                for _ in range(100):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        super().do_GET()


@pytest.fixture()
def web_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving files from a temporary folder."""
    root = tmp_path / "www"
    root.mkdir()

    def handler(*args: object, **kwargs: object) -> _Handler:
        return _Handler(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


SEED_LIKE = (
    "DATE: 2024-12-04\n\n"
    "Syrian and Russian warplanes bombed rebel positions near Morek on Wednesday, "
    "state media reported.\n"
    "Syrian air defences shot down five drones near Latakia, the Defence Ministry said.\n"
    "A day earlier, the Syrian army retook the town of Khanasir from HTS fighters, "
    "killing dozens of them.\n"
)


# ---------------------------------------------------------------- stores of both kinds
# Tests that take `store_location` run once on an SQLite file and once on PostgreSQL, in a
# schema of their own in the database FRONTLINES_TEST_PG names (.ci/run starts a server
# and sets it); without it the PostgreSQL runs are skipped, saying so.

PG_URL = os.environ.get("FRONTLINES_TEST_PG", "")
NO_PG = (
    "no PostgreSQL server for the tests: set FRONTLINES_TEST_PG=postgresql://USER@HOST/DB "
    "(`bash .ci/postgres.sh start` starts one and prints its URL)"
)
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[str]:
    """Where a new empty store lives: a file in `folder`, or a new PostgreSQL schema
    (dropped afterwards) that the URL puts first on the search path."""
    if kind == "sqlite":
        yield str(folder / "store.db")
        return
    if not PG_URL:
        pytest.skip(NO_PG)
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{joiner}options=-csearch_path%3D{schema},public"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new empty store: an SQLite file, then a PostgreSQL schema."""
    with fresh_store(request.param, tmp_path) as location:
        yield location
