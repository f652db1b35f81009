"""PostgreSQL's autocommit lane (adapters/db/engine.py, ``Database.autocommit``): the hot path's lone
statements run on a few pooled connections kept in autocommit mode. A lane connection that died while idle
is replaced before use, a failed statement leaves its connection usable, the pool's transactions never get
a connection left in autocommit mode, and ``dispose()`` gives the lane's connections back."""

from __future__ import annotations

import threading

import pytest
from psycopg.errors import DivisionByZero
from sqlalchemy import text

from adapters.db import engine as db_engine
from adapters.db.engine import Database, DriverSql

_PID = DriverSql("SELECT pg_backend_pid()")
_FAIL = DriverSql("SELECT 1 / :zero")

pytestmark = pytest.mark.postgres


def _terminate(url: str, pid: int) -> None:
    killer = Database(url)
    try:
        with killer.write() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        killer.dispose()


def test_a_lane_connection_killed_while_idle_is_replaced_before_use(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(postgres_server_url, pool_size=2)
    try:
        first = db.read_one(_PID, {})[0]
        assert db.read_one(_PID, {})[0] == first  # the same lane connection, no ping while busy
        _terminate(postgres_server_url, first)
        monkeypatch.setattr(db_engine, "IDLE_PING_S", 0.0)  # the lane connection counts as idle now
        assert db.read_one(_PID, {})[0] != first
    finally:
        db.dispose()


def test_a_failed_statement_keeps_its_connection_and_transactions_stay_transactions(postgres_server_url: str) -> None:
    db = Database(postgres_server_url, pool_size=1)
    try:
        with pytest.raises(DivisionByZero):
            db.autocommit(_FAIL, {"zero": 0})
        pid = db.read_one(_PID, {})[0]
        assert db.autocommit(_FAIL, {"zero": 1}) == (1, (1,))
        assert db.read_one(_PID, {})[0] == pid
        # The pool's other connection serves transactions, never in autocommit mode: a rollback undoes.
        with db.write() as conn:
            conn.execute(text("CREATE TEMPORARY TABLE lane_probe (x int)"))
        with pytest.raises(RuntimeError), db.write() as conn:
            conn.execute(text("INSERT INTO lane_probe VALUES (1)"))
            assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
            raise RuntimeError("desfaz")
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM lane_probe")).scalar_one() == 0
    finally:
        db.dispose()


def test_more_concurrent_statements_than_the_lane_keeps_all_run_and_the_rest_go_back_to_the_pool(
    postgres_server_url: str,
) -> None:
    db = Database(postgres_server_url, pool_size=2)  # the lane keeps at most 2; the pool opens up to 4
    results: list[int] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        for _ in range(20):
            results.append(db.read_one(DriverSql("SELECT 1 FROM pg_sleep(0.001)"), {})[0])

    try:
        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [1] * 80
        assert db.engine.pool.checkedout() <= 2  # type: ignore[attr-defined]
        pool = db.engine.pool
        db.dispose()
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        db.dispose()
