"""Transactional outbox: written with the change (or not at all), idempotent, leased to one worker
at a time, retried with back-off."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from adapters.db import outbox
from adapters.db.engine import Database

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _put(db: Database, key: str, **payload: object) -> bool:
    with db.write() as conn:
        return outbox.enqueue(conn, topic="document.authorized", idempotency_key=key, payload=payload, now=NOW,
                              tenant_id="t1")


def test_event_is_stored_once_per_idempotency_key(db: Database) -> None:
    assert _put(db, "doc-1:authorized", chave="1" * 44) is True
    assert _put(db, "doc-1:authorized", chave="1" * 44) is False
    events = outbox.claim(db, now=NOW)
    assert [(e.idempotency_key, e.payload, e.attempts) for e in events] == [
        ("doc-1:authorized", {"chave": "1" * 44}, 1)
    ]


def test_event_of_a_rolled_back_change_does_not_exist(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as conn:
        outbox.enqueue(conn, topic="x", idempotency_key="k", payload={}, now=NOW)
        raise RuntimeError("the state change failed")
    assert outbox.claim(db, now=NOW) == []


def test_leased_event_is_not_claimed_again_until_the_lease_expires(db: Database) -> None:
    _put(db, "a")
    assert len(outbox.claim(db, now=NOW, lease=timedelta(seconds=30))) == 1
    assert outbox.claim(db, now=NOW + timedelta(seconds=10)) == []
    again = outbox.claim(db, now=NOW + timedelta(seconds=31))
    assert [e.attempts for e in again] == [2]
    outbox.mark_dispatched(db, again[0].id, now=NOW + timedelta(seconds=32))
    assert outbox.claim(db, now=NOW + timedelta(days=1)) == []


def test_failure_backs_off_exponentially(db: Database) -> None:
    _put(db, "a")
    (event,) = outbox.claim(db, now=NOW)
    retry = outbox.mark_failed(db, event, now=NOW, error="HTTP 503", base_delay=timedelta(seconds=5))
    assert retry == NOW + timedelta(seconds=5)
    assert outbox.claim(db, now=NOW + timedelta(seconds=4)) == []
    (event,) = outbox.claim(db, now=NOW + timedelta(seconds=5))
    assert outbox.mark_failed(db, event, now=NOW, error="x", base_delay=timedelta(seconds=5)) == NOW + timedelta(
        seconds=10
    )


def test_concurrent_workers_take_disjoint_batches(db: Database) -> None:
    for i in range(60):
        _put(db, f"e{i}")
    taken: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while batch := outbox.claim(db, now=NOW, limit=7):
            with lock:
                taken.extend(e.id for e in batch)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(set(taken)) and len(taken) == 60
