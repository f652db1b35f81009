"""Transactional outbox (design.md §9): an event is written in the same transaction as the state
change it announces, and delivered afterwards by a worker — at least once, in id order per claim.

* ``enqueue(conn, ...)`` inside the change's write transaction; the ``idempotency_key`` is unique,
  so announcing the same fact twice (a retried request, a recovery pass) stores one event.
* ``claim(db, ...)`` takes a batch of due events and leases them (``available_at`` moves to the
  lease expiry) in its own short transaction: on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so
  several workers take disjoint batches; on SQLite the write lock serialises the claim. A worker that
  dies leaves its events to be claimed again when the lease expires.
* ``mark_dispatched`` / ``mark_failed`` (exponential back-off, ``last_error`` kept) finish them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.db.engine import Database
from adapters.db.schema import outbox

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    id: int
    tenant_id: str | None
    topic: str
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


def enqueue(
    conn: Connection,
    *,
    topic: str,
    idempotency_key: str,
    payload: Mapping[str, Any],
    now: datetime,
    tenant_id: str | None = None,
) -> bool:
    """Store the event unless one with the same key exists; True when stored now."""
    values = {
        "tenant_id": tenant_id,
        "topic": topic,
        "idempotency_key": idempotency_key,
        "payload": json.dumps(dict(payload), sort_keys=True, ensure_ascii=False, default=str),
        "created_at": now,
        "available_at": now,
        "attempts": 0,
    }
    insert = pg_insert(outbox) if conn.dialect.name == "postgresql" else sqlite_insert(outbox)
    stmt = insert.values(values).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(outbox.c.id)
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT whose id comes back.
    return conn.execute(stmt).first() is not None


def claim(db: Database, *, now: datetime, lease: timedelta = timedelta(minutes=1), limit: int = 100,
          topics: tuple[str, ...] = ()) -> list[OutboxEvent]:
    """Lease up to ``limit`` due events (oldest first)."""
    with db.write() as conn:
        stmt = (
            select(outbox)
            .where(outbox.c.dispatched_at.is_(None), outbox.c.available_at <= now)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if topics:
            stmt = stmt.where(outbox.c.topic.in_(topics))
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = conn.execute(stmt).all()
        if not rows:
            return []
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_([r.id for r in rows]))
            .values(available_at=now + lease, attempts=outbox.c.attempts + 1)
        )
    return [
        OutboxEvent(int(r.id), r.tenant_id, r.topic, r.idempotency_key, json.loads(r.payload), int(r.attempts) + 1,
                    r.created_at)
        for r in rows
    ]


def mark_dispatched(db: Database, event_id: int, *, now: datetime) -> None:
    with db.write() as conn:
        conn.execute(update(outbox).where(outbox.c.id == event_id).values(dispatched_at=now, last_error=None))


def mark_failed(db: Database, event: OutboxEvent, *, now: datetime, error: str,
                base_delay: timedelta = timedelta(seconds=5)) -> datetime:
    """Record the failure and schedule the next attempt (base_delay * 2^(attempts-1), capped)."""
    delay = min(base_delay * (2 ** max(event.attempts - 1, 0)), MAX_BACKOFF)
    retry_at: datetime = now + delay
    with db.write() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.id == event.id, outbox.c.dispatched_at.is_(None))
            .values(available_at=retry_at, last_error=error[:2000])
        )
    return retry_at
