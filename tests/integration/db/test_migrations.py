"""The migrations create exactly the tables of adapters/db/schema.py, on both databases."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from adapters.db.engine import Database
from adapters.db.migrate import current, head
from adapters.db.schema import audit_head, metadata


def test_upgrade_reaches_head_and_matches_the_schema(db: Database) -> None:
    assert current(db) == head() is not None
    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_upgrade_twice_is_harmless(db: Database) -> None:
    db.upgrade()
    assert current(db) == head()
    with db.read() as conn:
        assert conn.execute(select(audit_head.c.last_seq)).scalar_one() == 0


def test_concurrent_upgrades_migrate_once(database_url: str) -> None:
    dbs = [Database(database_url) for _ in range(3)]
    errors: list[BaseException] = []

    def run(d: Database) -> None:
        try:
            d.upgrade()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(d,)) for d in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current(dbs[0]) == head()
    tables = set(inspect(dbs[0].engine).get_table_names())
    assert {"tenant", "emitter", "certificate", "api_key", "audit_log", "document", "numbering", "outbox"} <= tables
    for d in dbs:
        d.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    d = Database(f"sqlite:///{tmp_path}/x.sqlite3")
    with d.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    d.dispose()
