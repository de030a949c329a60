"""The connection under a `Store`: an SQLite file or a PostgreSQL + PostGIS database.

`Store`, consolidation (consolidate.py) and claims (claims.py) write their SQL once, with
`?` placeholders, against a `Database`; it runs it on either engine. What the engines do
differently is said here, once, or asked of `kind` where a statement must differ (the
spatial index, full-text search, case-free comparison).

- **SQLite** (`--db PATH`): one writer at a time; `transaction()` takes the write lock
  (BEGIN IMMEDIATE) at once, so a document's checks and writes see one state of the store.
- **PostgreSQL** (`--db postgresql://USER@HOST/DB`): many writers at once. `transaction()`
  is a plain transaction; `lock(name)` takes an advisory lock held until it ends, so the
  writers that must not interleave (two processes storing the same document, two adding
  members to the clusters) queue, and the others do not wait.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from frontlines.errors import StoreError

# How long a writer waits for another process's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 30_000
# How much of an SQLite file is read through a memory map (SQLite caps it at its build's
# limit, 2 GiB by default; past it, pages are read as usual).
MMAP_BYTES = 16 * 2**30
URL_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(location: object) -> bool:
    """Whether a --db value names a PostgreSQL database (a URL) rather than a file."""
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def store_exists(location: str) -> bool:
    """Whether a --db value names a store that may exist: a file that does, or any
    PostgreSQL URL (the server says, when connecting, whether the database does)."""
    from pathlib import Path

    return is_postgres(location) or Path(location).exists()


def display_name(location: str) -> str:
    """A --db value as messages may show it: a PostgreSQL URL without its password."""
    if not is_postgres(location):
        return location
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(location)
    except Exception:  # noqa: BLE001 - a malformed URL is reported when connecting
        return location.split("@")[-1] if "@" in location else location
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host') or 'localhost'}{port}/{info.get('dbname') or ''}"


class Database:
    """One connection, with what the store needs of it on either engine."""

    kind: str
    name: str  # for messages: the file, or the URL without its password
    Error: tuple[type[BaseException], ...]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def insert_id(self, sql: str, params: Sequence[Any], column: str) -> int:
        """Run an INSERT and return the integer key it gave the new row."""
        row = self.execute(f"{sql} RETURNING {column}", params).fetchone()
        return int(row[0])

    def transaction(self, pipelined: bool = False) -> Any:
        """All or nothing. `pipelined`: statements whose results are not read may be sent
        without waiting for each (PostgreSQL's pipeline mode; a failure still rolls back
        everything); not for scripts of several statements."""
        raise NotImplementedError

    def lock(self, *names: str, whole_database: bool = False) -> None:
        """Hold these named locks until the transaction ends (no-op where the whole store
        is already locked for writing). Names are scoped to the store unless
        `whole_database` (what all stores in one database share, like its extensions)."""

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    kind = "sqlite"
    Error = (sqlite3.Error,)

    def __init__(self, path: str) -> None:
        self.name = path
        # a server's threads may share one (its store watcher, under a lock)
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        # several processes may write one store: wait for each other, don't fail
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # Pages read through a memory map of the file, not a read() per page into a cache
        # of this connection's own (2 MiB by default): a server opens a connection per
        # request, and on a store of a million events (gigabytes) each request began with
        # an empty cache. The map shares the system's page cache between connections.
        self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    @contextmanager
    def transaction(self, pipelined: bool = False) -> Iterator[None]:
        """All or nothing, under the write lock taken first: another process's writes
        land before it or after it, never between its reads and writes."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            yield

    def has_table(self, name: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


class PostgresDatabase(Database):
    """A psycopg 3 connection in autocommit mode: a read holds no transaction open (a
    long-lived `serve` or `watch` never sits idle in one); writes run in `transaction()`."""

    kind = "postgresql"

    def __init__(self, url: str, pool: PostgresPool | None = None) -> None:
        import psycopg

        self.name = display_name(url)
        self.Error = (psycopg.Error,)
        self.pool = pool
        self._sql: dict[str, str] = pool.statements if pool else {}
        try:
            if pool is not None:
                self.conn = pool.borrow()
            else:
                self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: cannot connect ({first_line(exc)})") from exc
        except ValueError as exc:  # not a URL libpq can read
            raise StoreError(f"{self.name}: not a PostgreSQL URL ({exc})") from exc
        # the locks of one store: its database and schema (tests keep stores in schemas)
        if pool is not None and pool.scope:
            self._scope = pool.scope
        else:
            row = self.conn.execute("SELECT current_database(), current_schema()").fetchone()
            self._scope = f"{row[0]}.{row[1]}" if row else ""
            if pool is not None:
                pool.scope = self._scope

    def _translate(self, sql: str) -> str:
        """`?` placeholders as psycopg's `%s` (a literal % doubled), once per statement."""
        out = self._sql.get(sql)
        if out is None:
            out = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return out

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not params:  # no placeholders: a script of several statements may run as is
            return self.conn.execute(sql)  # type: ignore[call-overload]
        return self.conn.execute(self._translate(sql), params)  # type: ignore[call-overload]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(self._translate(sql), rows)  # type: ignore[call-overload]

    @contextmanager
    def transaction(self, pipelined: bool = False) -> Iterator[None]:
        if not pipelined:
            with self.conn.transaction():
                yield
            return
        # a document's writes are some seventy statements, most of them with no answer to
        # wait for: sent in a row they cost one round trip per read, not per statement
        with self.conn.pipeline(), self.conn.transaction():
            yield

    def lock_key(self, name: str, whole_database: bool = False) -> int:
        """A lock name as PostgreSQL's 64-bit advisory lock key, scoped to this store."""
        scope = self._scope.split(".")[0] if whole_database else self._scope
        digest = hashlib.blake2b(f"frontlines:{scope}:{name}".encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big", signed=True)

    def lock(self, *names: str, whole_database: bool = False) -> None:
        # always in key order: two transactions taking the same locks cannot deadlock
        for key in sorted({self.lock_key(n, whole_database) for n in names}):
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def has_table(self, name: str) -> bool:
        """In this store's own schema (the first of the search path that exists), not
        wherever the search path finds one: a new store in a schema of a database whose
        `public` holds another is a new store."""
        row = self.conn.execute(
            "SELECT 1 FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relname = %s",
            (name,),
        ).fetchone()
        return row is not None

    def commit(self) -> None:
        pass  # autocommit: every statement outside transaction() is already committed

    def close(self) -> None:
        if self.pool is not None:
            self.pool.give_back(self.conn)
        else:
            self.conn.close()

    def set_statement_timeout(self, seconds: float) -> None:
        self.conn.execute(f"SET statement_timeout = {max(1, int(seconds * 1000))}")


class PostgresPool:
    """Connections to one PostgreSQL store kept open between the requests of a server
    (psycopg_pool): a request borrows one rather than connecting, which starts a server
    process each time (10-30 ms). Opened on first use; a connection is checked before it
    is lent (a restarted server costs a reconnect, not an error) and its statement
    timeout reset when it comes back."""

    def __init__(self, url: str, max_size: int) -> None:
        import threading

        self.url = url
        self.max_size = max_size
        self.scope = ""
        self.checked = False  # the schema was found current once: not asked again
        self.statements: dict[str, str] = {}
        self._pool: Any = None
        self._lock = threading.Lock()

    def borrow(self) -> Any:
        from psycopg_pool import ConnectionPool, PoolTimeout

        with self._lock:
            if self._pool is None:
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.max_size,
                    kwargs={"autocommit": True, "connect_timeout": 10},
                    check=ConnectionPool.check_connection,
                    reset=_reset_session,
                    open=False,
                )
                self._pool.open()
        try:
            return self._pool.getconn(timeout=15)
        except PoolTimeout as exc:
            import psycopg

            raise psycopg.OperationalError(f"no connection in 15 s ({exc})") from exc

    def give_back(self, conn: Any) -> None:
        self._pool.putconn(conn)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def _reset_session(conn: Any) -> None:
    conn.execute("RESET statement_timeout")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(location: str) -> Database:
    """The database a --db value names: a PostgreSQL URL, else an SQLite file."""
    if is_postgres(location):
        return PostgresDatabase(location)
    return SqliteDatabase(location)
