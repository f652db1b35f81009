"""Database handle: one SQLAlchemy engine per process, SQLite (WAL) or PostgreSQL (psycopg 3).

``Database(url)`` is created by the composition root (api.app / the CLI) and passed down; nothing
here is module-level state.

Transactions:

* ``db.write()`` yields a Connection inside a write transaction. On SQLite it starts with
  ``BEGIN IMMEDIATE``: the write lock is taken at the start, so two writers never both read the same
  row and then collide on upgrade (SQLite would answer "database is locked" to one of them in the
  middle of its work). On PostgreSQL a plain transaction; the code that needs a row lock says so
  with ``SELECT ... FOR UPDATE`` (numbering, audit chain head).
* ``db.read()`` yields a Connection inside a deferred (read) transaction: on SQLite in WAL mode
  readers never block the writer and see one consistent snapshot.

pysqlite's own transaction handling is turned off (``isolation_level=None``) and BEGIN is emitted
by the ``begin`` event, as SQLAlchemy's documentation recommends for SQLite locking control.

PostgreSQL pool: a pooled connection idle for more than ``IDLE_PING_S`` is pinged when checked out
(a dead one is replaced before it is used, e.g. after a server restart). ``pool_pre_ping`` would
ping on EVERY checkout: one extra round trip (and server work) per transaction on the emission's hot
path. A connection that died less than ``IDLE_PING_S`` ago fails the statement that finds out;
SQLAlchemy then invalidates the pool's older connections, and that transaction is rolled back like
any other failure (the emission pipeline leaves nothing half-written: issue 5 §2).

PostgreSQL autocommit lane (``Database.autocommit``, ``read_one``): the hot path's lone statements (an
emission's peek, its first write, its final write: each atomic by itself) run on a few pooled connections
the ``Database`` keeps checked out in autocommit mode (at most ``LANE_SIZE``, and at most ``pool_size``:
half of what the pool may open). Taking one is a ``deque.pop``: no pool checkout and checkin, no reset
ROLLBACK call, no autocommit switch per statement (measured, 2026-12-05: ~40 us of client CPU per
statement). A statement finding the lane empty (more concurrent ones) takes a connection from the pool as
usual and keeps it in the lane if there is room, else gives it back. A lane connection idle for more than
``IDLE_PING_S`` is pinged before use, like the pool's; a broken one is invalidated. ``dispose()`` (or the
``Database`` being dropped) gives them back to the pool.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy import Connection, Dialect, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

_IMMEDIATE = "ortho_immediate"
SQLITE_FILE_NAME = "ortho-fiscal.sqlite3"
IDLE_PING_S = 10.0
_IDLE_SINCE = "ortho_idle_since"


def sqlite_url_for(data_dir: str | Path) -> str:
    """The embedded default: a SQLite file under the data dir."""
    return f"sqlite+pysqlite:///{Path(data_dir).resolve() / SQLITE_FILE_NAME}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here (SQLAlchemy's default would be psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///") or url == "sqlite://":
        return "sqlite+pysqlite" + url[len("sqlite") :]
    return url


class Database:
    """The engine plus the transaction helpers. ``url``: SQLAlchemy URL (``sqlite:///path`` or
    ``postgresql://user@host:port/db``)."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # 30 s busy timeout: a writer waits for the lock instead of failing under load.
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        elif self.dialect == "postgresql":
            kwargs.update(pool_size=pool_size, max_overflow=pool_size)
        else:
            raise ValueError(f"banco de dados não suportado: {self.dialect} (use sqlite ou postgresql)")
        self.engine: Engine = create_engine(self.url, **kwargs)
        # The autocommit lane (PostgreSQL): pooled connections kept checked out in autocommit mode, at most
        # ``_lane_size`` (a few, and never more than half of what the pool may open).
        self._lane: deque[tuple[Any, Any, float]] = deque()  # (pooled connection, its cursor, last use)
        self._lane_size = max(1, min(LANE_SIZE, pool_size))
        weakref.finalize(self, _drain, self._lane)  # a Database dropped without dispose() returns them too
        # SQLite's writers of this process queue here (see write()); PostgreSQL needs no such lock.
        self._write_lock: AbstractContextManager[Any] = threading.RLock() if self.dialect == "sqlite" else nullcontext()
        if self.dialect == "sqlite":
            _install_sqlite_hooks(self.engine)
        else:
            _install_idle_ping(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); commits on success, rolls back on error.

        SQLite: the threads of this process first queue on a lock of this ``Database``. SQLite admits
        one writer; a thread that finds the database locked polls it with sleeps (sqlite3's busy
        handler: 1, 2, 5 ... 100 ms), so under load a writer could sleep long after the lock was
        freed. Queued on the process lock, the next thread starts as soon as the previous commit is
        done; only writers of OTHER processes (``--workers`` > 1) still meet the busy handler."""
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (one consistent snapshot); always rolled back."""
        with self.engine.connect() as conn:
            with conn.begin() as tx:
                yield conn
                tx.rollback()

    def read_one(self, statement: DriverSql, params: dict[str, Any]) -> Any:
        """The first row (or None) of ONE read-only statement, consistent by itself. PostgreSQL: in autocommit
        mode (``autocommit``); SQLite: in a read transaction."""
        if self.is_sqlite:
            with self.read() as conn:
                return statement.execute(conn, params)[1]
        return self.autocommit(statement, params)[1]

    def autocommit(self, statement: DriverSql, params: dict[str, Any]) -> tuple[int, Any]:
        """PostgreSQL: ONE statement, atomic by itself, in autocommit mode: (rowcount, first row or None), as
        ``DriverSql.execute``. No BEGIN and COMMIT/ROLLBACK round trips (client and server CPU), and none of
        SQLAlchemy's per-transaction objects: it runs on a connection of the autocommit lane (see the
        module docstring) with its cached cursor."""
        lane = self._lane
        proxy: Any
        try:
            proxy, cursor, used = lane.pop()
        except IndexError:
            proxy = None
        else:
            if time.monotonic() - used > IDLE_PING_S and not self._alive(proxy):
                proxy = None
        if proxy is None:
            proxy = self.engine.raw_connection()  # the pool's checkout pings it when it sat idle there
            try:
                proxy.driver_connection.autocommit = True
                cursor = _cursor_of(proxy)
            except BaseException:
                _release(proxy)
                raise
        try:
            result = _pg_run(cursor, statement.pyformat, params)
        except BaseException:
            dbapi = cursor.connection
            if dbapi.broken or dbapi.closed or dbapi.info.transaction_status != TransactionStatus.IDLE:
                proxy.invalidate()  # a dead (or interrupted) connection never goes back to the pool
                proxy.close()
            else:  # the statement failed (a constraint, ...): the connection is fine
                self._keep(proxy, cursor)
            raise
        self._keep(proxy, cursor)
        return result

    def _keep(self, proxy: Any, cursor: Any) -> None:
        """A lane connection after its statement: back in the lane, or to the pool when the lane is full (more
        concurrent statements than it keeps)."""
        if len(self._lane) < self._lane_size:
            self._lane.append((proxy, cursor, time.monotonic()))
        else:
            _release(proxy)

    def _alive(self, proxy: Any) -> bool:
        """A lane connection idle for more than ``IDLE_PING_S``: pinged as the pool pings its own; a dead one is
        invalidated (the pool opens a new one)."""
        try:
            if self.engine.dialect.do_ping(proxy.driver_connection):
                return True
        except Exception:  # noqa: S110 - any error of the ping means the connection is not usable
            pass
        proxy.invalidate()
        proxy.close()
        return False

    def upgrade(self) -> None:
        """Run the Alembic migrations up to head."""
        from adapters.db.migrate import upgrade

        upgrade(self)

    def dispose(self) -> None:
        _drain(self._lane)
        self.engine.dispose()


LANE_SIZE = 8


def _release(proxy: Any) -> None:
    """A lane connection back to the pool, out of autocommit mode (the pool's other users expect transactions)."""
    try:
        dbapi = proxy.driver_connection
        if not dbapi.broken and not dbapi.closed:
            dbapi.autocommit = False
    finally:
        proxy.close()


def _drain(lane: deque[tuple[Any, Any, float]]) -> None:
    while lane:
        try:
            _release(lane.pop()[0])
        except IndexError:  # emptied by another thread in between
            return
        except Exception:  # noqa: S112 - closing anyway: a broken connection is discarded by the pool
            continue


def _enter_wal(cur: Any, *, deadline_s: float = 30.0) -> None:
    """``PRAGMA journal_mode=WAL``, retried while the file is locked.

    Switching a fresh database into WAL needs an exclusive lock, and SQLite answers "database is
    locked" at once (the busy handler is not consulted) when another connection, e.g. a second API
    worker running the migrations, holds any lock. Once the file is in WAL the pragma is a no-op."""
    give_up = time.monotonic() + deadline_s
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= give_up:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_connection.cursor()
        _enter_wal(cur)
        # FULL: a committed transaction survives a power loss too (NORMAL would only survive a crash
        # of the process); a document once numbered or authorized must never be lost.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _install_idle_ping(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since <= IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's error for a dead connection: the pool opens a new one
            raise DisconnectionError("conexão ociosa com o PostgreSQL perdida; reaberta") from exc


_NAMED_PARAM = re.compile(r"(?<![:\w]):(\w+)")
_CURSOR = "ortho_cursor"


def _cursor_of(proxy: Any) -> Any:
    """One psycopg cursor per pooled connection (``proxy``: SQLAlchemy's pooled connection), kept in the pool
    record's ``info`` (it lives as long as that DBAPI connection; a psycopg cursor keeps no server state
    between statements, its results are client-side). Creating one per statement was ~10 us of the hot path's
    client CPU each time. SQLite keeps closing its cursors: an open sqlite3 statement would hold the database."""
    dbapi = proxy.dbapi_connection
    cached = proxy.info.get(_CURSOR)
    if cached is None or cached[0] is not dbapi or cached[1].closed:
        cached = (dbapi, dbapi.cursor())
        proxy.info[_CURSOR] = cached
    return cached[1]


def _pg_run(cursor: Any, sql: str, params: dict[str, Any]) -> tuple[int, Any]:
    """Execute on a psycopg cursor: (rowcount, first row or None). Whether the statement returned rows comes
    from the result's status: ``cursor.description`` would build a Column object per result column."""
    cursor.execute(sql, params)
    result = cursor.pgresult
    rows = result is not None and result.status == ExecStatus.TUPLES_OK
    return int(cursor.rowcount), (cursor.fetchone() if rows else None)


class DriverSql:
    """One hot-path statement run on the DBAPI cursor of a SQLAlchemy ``Connection``, inside that
    connection's transaction: no statement compilation, cache key, execution context, events or result
    wrapper per call (measured: ~110 -> ~40 us per INSERT with psycopg, ~30 -> ~8 us with sqlite3).
    Written once with ``:name`` parameters (sqlite3's named style) and translated once to psycopg's
    ``%(name)s``. Values go to the driver as they are: pass datetimes through ``driver_time`` (the
    ``UtcDateTime`` conversion of the dialect), everything else as str / int / bytes / None."""

    __slots__ = ("named", "pyformat")

    def __init__(self, sql: str) -> None:
        self.named = " ".join(sql.split())
        self.pyformat = _NAMED_PARAM.sub(r"%(\1)s", self.named)

    def text(self, conn: Connection) -> str:
        return self.pyformat if conn.dialect.name == "postgresql" else self.named

    def execute(self, conn: Connection, params: dict[str, Any]) -> tuple[int, Any]:
        """Run with one parameter set: (rowcount, first row of a SELECT / RETURNING or None)."""
        if conn.dialect.name == "postgresql":
            return _pg_run(_cursor_of(conn.connection), self.pyformat, params)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.text(conn), params)
            row = cursor.fetchone() if cursor.description is not None else None
            return int(cursor.rowcount), row
        finally:
            cursor.close()

    def executemany(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(self.text(conn), rows)
        finally:
            cursor.close()


def driver_time(dialect: Dialect) -> Callable[[Any], Any]:
    """The bind conversion of ``UtcDateTime`` for ``dialect`` (what a Core statement would send): an aware
    UTC datetime for psycopg, SQLAlchemy's SQLite DATETIME text for sqlite3; naive values are refused."""
    from adapters.db.schema import UtcDateTime

    impl = UtcDateTime().dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None:  # pragma: no cover - both dialects have one
        raise RuntimeError(f"sem conversão de data/hora para {dialect.name}")
    return process
