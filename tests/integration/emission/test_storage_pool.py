"""The PostgreSQL pool pings a connection only after it sat idle (adapters/db/engine.py): a pooled
connection whose server process died while idle is replaced at checkout, the transaction never sees
it; a busy connection is not pinged (no extra round trip per transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from adapters.db import engine as db_engine
from adapters.db.engine import Database


@pytest.mark.postgres
def test_idle_connection_killed_by_the_server_is_replaced_before_use(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(postgres_server_url, pool_size=1)
    try:
        with db.read() as conn:
            first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        pings: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: pings.append(args[2]) if args[2].strip().upper() in ("SELECT 1", ";") else None)
        with db.read() as conn:  # used again right away: no ping, same server process
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == first_pid
        assert pings == []
        killer = Database(postgres_server_url)
        try:
            with killer.write() as conn:
                assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid}).scalar_one()
        finally:
            killer.dispose()
        monkeypatch.setattr(db_engine, "IDLE_PING_S", 0.0)  # every pooled connection counts as idle now
        with db.write() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert pid != first_pid  # the dead one was found at checkout and replaced
    finally:
        db.dispose()
