"""Webhook subscriptions, deliveries and attempts on the service database.

* Subscriptions: ``create`` (returns the secret, shown once), ``list_``/``get``, ``update``, ``delete``
  (soft: the history stays), ``rotate_secret`` (the previous secret keeps signing during the overlap).
  Secrets and Bearer tokens are sealed with the master keyring (no second cipher).
* ``publish``: an event of the clinic system (/v1/events) goes to the transactional outbox.
* ``fan_out``: one outbox event -> one delivery per matching subscription (and, through the ``also``
  hook, the records of the tenant's message integrations), and the outbox row marked dispatched, in
  ONE transaction (a crash either leaves all undone or all done).
* ``claim``: due deliveries leased (``next_attempt_at`` moves to the lease end, ``attempts`` + 1),
  with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several workers take disjoint sets.
* ``finish``: the outcome of an attempt, fenced by the attempt number (a worker whose lease expired
  and was overtaken cannot overwrite the newer attempt's result).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.db import outbox as outbox_store
from adapters.db.engine import Database
from adapters.db.schema import outbox, webhook_attempt, webhook_delivery, webhook_subscription
from certificates.store import MasterKeyring
from engine.events import catalogue
from engine.events.body import generate_secret, render_body
from engine.events.catalogue import EventType
from engine.events.retry import next_attempt_at
from engine.events.translate import PublicEvent, to_event

ROTATION_PERIOD = timedelta(days=90)  # integrations guide: "Rotacione credenciais a cada 90 dias"
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=7)
MAX_BEARER = 4096


class WebhookError(ValueError):
    """A refused request about webhooks; ``code`` is stable, the message pt-BR."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class NotFound(WebhookError):
    pass


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    tenant_id: str
    url: str
    description: str | None
    events: tuple[str, ...]
    active: bool
    disabled_reason: str | None
    has_bearer: bool
    secret_created_at: datetime
    previous_secret_until: datetime | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "url": self.url, "description": self.description, "events": list(self.events),
            "active": self.active, "disabled_reason": self.disabled_reason, "has_bearer_token": self.has_bearer,
            "secret_created_at": self.secret_created_at.isoformat(),
            "previous_secret_until": self.previous_secret_until.isoformat() if self.previous_secret_until else None,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    subscription_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_duration_ms: int | None
    created_at: datetime
    delivered_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "webhook_id": self.subscription_id, "event_id": self.event_id, "event": self.event_type,
            "status": self.status, "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "response_code": self.last_status_code, "error": self.last_error, "duration_ms": self.last_duration_ms,
            "created_at": self.created_at.isoformat(),
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
        }


@dataclass(frozen=True, slots=True)
class Claimed:
    """A leased delivery: everything a worker needs to send it."""

    id: str
    subscription_id: str
    tenant_id: str
    event_id: str
    event_type: str
    body: bytes
    attempt: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one HTTP attempt produced."""

    status_code: int | None
    duration_ms: int
    error: str | None = None
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _seal(keyring: MasterKeyring, value: str, record: str) -> tuple[str, bytes]:
    return keyring.wrap(value.encode("utf-8"), record)


def _unseal(keyring: MasterKeyring, key_id: str, sealed: bytes, record: str) -> str:
    return keyring.unwrap(key_id, sealed, record).decode("utf-8")


def _events(values: Iterable[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for value in values:
        if catalogue.parse_event_type(value) is None:
            raise WebhookError("WEBHOOK_EVENTO_DESCONHECIDO",
                               f"evento desconhecido: {value!r} (veja GET /v1/events/catalogue)", "events")
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise WebhookError("WEBHOOK_SEM_EVENTOS", "escolha ao menos um evento", "events")
    return tuple(chosen)


def _bearer(value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_BEARER or any(ord(c) < 0x21 or ord(c) > 0x7E for c in value):
        raise WebhookError("WEBHOOK_TOKEN_INVALIDO",
                           f"o token Bearer deve ter de 1 a {MAX_BEARER} caracteres ASCII visíveis", "bearer_token")
    return value


def _sub(row: Any) -> Subscription:
    return Subscription(
        row.id, row.tenant_id, row.url, row.description, tuple(json.loads(row.events)), bool(row.active),
        row.disabled_reason, row.bearer_sealed is not None, row.secret_created_at, row.previous_secret_until,
        row.created_at, row.updated_at,
    )


def _delivery(row: Any) -> Delivery:
    return Delivery(row.id, row.subscription_id, row.event_id, row.event_type, row.status, int(row.attempts),
                    row.next_attempt_at, row.last_status_code, row.last_error, row.last_duration_ms, row.created_at,
                    row.delivered_at)


# --- subscriptions ------------------------------------------------------------------------------

def create(conn: Connection, keyring: MasterKeyring, *, tenant_id: str, url: str, events: Sequence[str], now: datetime,
           description: str | None = None, bearer_token: str | None = None) -> tuple[Subscription, str]:
    """A new subscription and its secret (``whsec_...``), which is never readable again."""
    sid = new_id("wh")
    secret = generate_secret()
    kid, sealed = _seal(keyring, secret, f"webhook:{sid}:secret")
    values: dict[str, Any] = {
        "id": sid, "tenant_id": tenant_id, "url": url, "description": description,
        "events": json.dumps(list(_events(events))), "active": True, "secret_key_id": kid, "secret_sealed": sealed,
        "secret_created_at": now, "created_at": now, "updated_at": now,
    }
    if bearer_token is not None:
        token = _bearer(bearer_token)
        values["bearer_key_id"], values["bearer_sealed"] = _seal(keyring, token, f"webhook:{sid}:bearer")
    conn.execute(insert(webhook_subscription).values(values))
    return get(conn, tenant_id, sid), secret


def _row(conn: Connection, tenant_id: str, sid: str, *, for_update: bool = False) -> Any:
    stmt = select(webhook_subscription).where(
        webhook_subscription.c.id == sid, webhook_subscription.c.tenant_id == tenant_id,
        webhook_subscription.c.deleted_at.is_(None),
    )
    if for_update and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound("WEBHOOK_NAO_ENCONTRADO", f"webhook {sid} não encontrado")
    return row


def get(conn: Connection, tenant_id: str, sid: str) -> Subscription:
    return _sub(_row(conn, tenant_id, sid))


def list_(conn: Connection, tenant_id: str) -> list[Subscription]:
    rows = conn.execute(
        select(webhook_subscription)
        .where(webhook_subscription.c.tenant_id == tenant_id, webhook_subscription.c.deleted_at.is_(None))
        .order_by(webhook_subscription.c.created_at, webhook_subscription.c.id)
    ).all()
    return [_sub(r) for r in rows]


_UNSET: Any = object()


def update_subscription(conn: Connection, keyring: MasterKeyring, tenant_id: str, sid: str, *, now: datetime,
                        url: str | None = None, events: Sequence[str] | None = None, description: Any = _UNSET,
                        active: bool | None = None, bearer_token: Any = _UNSET) -> Subscription:
    """Change what is given; ``bearer_token=None`` removes the token; re-activating clears the reason."""
    _row(conn, tenant_id, sid, for_update=True)
    values: dict[str, Any] = {"updated_at": now}
    if url is not None:
        values["url"] = url
    if events is not None:
        values["events"] = json.dumps(list(_events(events)))
    if description is not _UNSET:
        values["description"] = description
    if active is not None:
        values["active"] = active
        values["disabled_reason"] = None if active else "desativado pelo administrador"
    if bearer_token is not _UNSET:
        if bearer_token is None:
            values["bearer_key_id"] = values["bearer_sealed"] = None
        else:
            values["bearer_key_id"], values["bearer_sealed"] = _seal(keyring, _bearer(bearer_token),
                                                                     f"webhook:{sid}:bearer")
    conn.execute(update(webhook_subscription).where(webhook_subscription.c.id == sid).values(values))
    return get(conn, tenant_id, sid)


def delete(conn: Connection, tenant_id: str, sid: str, *, now: datetime) -> None:
    """Soft delete; pending deliveries stop (status ``disabled``)."""
    _row(conn, tenant_id, sid, for_update=True)
    conn.execute(update(webhook_subscription).where(webhook_subscription.c.id == sid)
                 .values(deleted_at=now, active=False, updated_at=now, disabled_reason="excluído"))
    conn.execute(update(webhook_delivery)
                 .where(webhook_delivery.c.subscription_id == sid, webhook_delivery.c.status == "pending")
                 .values(status="disabled", next_attempt_at=None, last_error="webhook excluído"))


def rotate_secret(conn: Connection, keyring: MasterKeyring, tenant_id: str, sid: str, *, now: datetime,
                  overlap: timedelta = DEFAULT_OVERLAP) -> tuple[Subscription, str]:
    """A new secret; the current one keeps signing (second signature) until ``now + overlap``."""
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise WebhookError("WEBHOOK_SOBREPOSICAO_INVALIDA",
                           f"a sobreposição deve estar entre 0 e {MAX_OVERLAP.days} dias", "overlap_hours")
    row = _row(conn, tenant_id, sid, for_update=True)
    old = _unseal(keyring, row.secret_key_id, row.secret_sealed, f"webhook:{sid}:secret")
    secret = generate_secret()
    kid, sealed = _seal(keyring, secret, f"webhook:{sid}:secret")
    pkid, psealed = _seal(keyring, old, f"webhook:{sid}:previous")
    conn.execute(update(webhook_subscription).where(webhook_subscription.c.id == sid).values(
        secret_key_id=kid, secret_sealed=sealed, secret_created_at=now, previous_secret_key_id=pkid,
        previous_secret_sealed=psealed, previous_secret_until=now + overlap, rotation_reminded_at=None, updated_at=now,
    ))
    return get(conn, tenant_id, sid), secret


@dataclass(frozen=True, slots=True)
class SendingConfig:
    url: str
    secrets: tuple[str, ...]  # current first, previous during the overlap
    bearer_token: str | None
    active: bool


def sending_config(conn: Connection, keyring: MasterKeyring, sid: str, now: datetime) -> SendingConfig | None:
    row = conn.execute(select(webhook_subscription).where(webhook_subscription.c.id == sid)).first()
    if row is None or row.deleted_at is not None:
        return None
    keys = [_unseal(keyring, row.secret_key_id, row.secret_sealed, f"webhook:{sid}:secret")]
    if row.previous_secret_sealed is not None and row.previous_secret_until and row.previous_secret_until > now:
        keys.append(_unseal(keyring, row.previous_secret_key_id, row.previous_secret_sealed, f"webhook:{sid}:previous"))
    bearer = (_unseal(keyring, row.bearer_key_id, row.bearer_sealed, f"webhook:{sid}:bearer")
              if row.bearer_sealed is not None else None)
    return SendingConfig(row.url, tuple(keys), bearer, bool(row.active))


# --- events -------------------------------------------------------------------------------------

def publish(conn: Connection, *, tenant_id: str, event: EventType, data: Mapping[str, Any], now: datetime,
            event_id: str | None = None) -> tuple[str, bool]:
    """Put an event in the outbox (same transaction as the caller's change); (event id, stored now)."""
    problems = catalogue.validate(event, data)
    if problems:
        raise WebhookError("EVENTO_INVALIDO", "; ".join(problems), "data")
    eid = event_id or new_id("evt")
    stored = outbox_store.enqueue(conn, topic=event.value, idempotency_key=f"event:{tenant_id}:{eid}",
                                  payload={"event_id": eid, "data": dict(data)}, now=now, tenant_id=tenant_id)
    return eid, stored


def _insert_ignore(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _add_delivery(conn: Connection, *, sid: str, tenant_id: str, event: PublicEvent, now: datetime,
                  leased_until: datetime | None = None, delivery_id: str | None = None) -> bool:
    stmt = _insert_ignore(conn)(webhook_delivery).values(
        id=delivery_id or new_id("dlv"), subscription_id=sid, tenant_id=tenant_id, event_id=event.id,
        event_type=event.type.value, body=render_body(event.type.value, event.data), status="pending",
        attempts=0 if leased_until is None else 1, next_attempt_at=leased_until or now, created_at=now,
    ).on_conflict_do_nothing(index_elements=["subscription_id", "event_id"]).returning(webhook_delivery.c.id)
    return conn.execute(stmt).first() is not None


def fan_out(db: Database, event: outbox_store.OutboxEvent, *, now: datetime) -> int:
    """Deliveries for one claimed outbox event + the outbox row dispatched, atomically."""
    return fan_out_batch(db, [event], now=now)


# Called for every event a fan-out dispatches, inside its transaction: (conn, tenant id, event, now).
FanOutHook = Callable[[Connection, str, PublicEvent, datetime], object]


def fan_out_batch(db: Database, events: Sequence[outbox_store.OutboxEvent], *, now: datetime,
                  also: FanOutHook | None = None) -> int:
    """``fan_out`` for a claimed batch in one transaction; the number of deliveries created. An event
    another worker already dispatched (its lease expired and was taken over) is skipped. ``also``
    lets another consumer of the same events (the message integrations) record its share in the same
    transaction: done together with the dispatch, or not at all."""
    if not events:
        return 0
    created = 0
    with db.write() as conn:
        ids = [e.id for e in events]
        mine = {int(r[0]) for r in conn.execute(
            update(outbox).where(outbox.c.id.in_(ids), outbox.c.dispatched_at.is_(None))
            .values(dispatched_at=now, last_error=None).returning(outbox.c.id)
        ).all()}
        subscribers: dict[str, list[tuple[str, list[str]]]] = {}
        for event in events:
            public = to_event(event.topic, event.idempotency_key, event.payload)
            if event.id not in mine or public is None or event.tenant_id is None:
                continue
            if event.tenant_id not in subscribers:
                subscribers[event.tenant_id] = [(sid, json.loads(evs)) for sid, evs in conn.execute(
                    select(webhook_subscription.c.id, webhook_subscription.c.events).where(
                        webhook_subscription.c.tenant_id == event.tenant_id, webhook_subscription.c.active.is_(True),
                        webhook_subscription.c.deleted_at.is_(None),
                    )).all()]
            if also is not None:
                also(conn, event.tenant_id, public, now)
            concerned = (public.data.get("webhook_id")
                         if public.type is EventType.WEBHOOK_SECRET_ROTATION_DUE else None)
            for sid, chosen in subscribers[event.tenant_id]:
                if public.type.value in chosen or sid == concerned:
                    created += _add_delivery(conn, sid=sid, tenant_id=event.tenant_id, event=public, now=now)
    return created


def ping(conn: Connection, tenant_id: str, sid: str, *, now: datetime, lease: timedelta) -> Claimed:
    """A ``webhook.ping`` delivery for this subscription, already leased to the caller (who sends it
    now; should it die, a worker retries it when the lease ends)."""
    _row(conn, tenant_id, sid)
    event = PublicEvent(new_id("evt"), EventType.WEBHOOK_PING,
                        {"webhook_id": sid, "message": "Teste de webhook do Ortho+ Fiscal ✅"})
    did = new_id("dlv")
    _add_delivery(conn, sid=sid, tenant_id=tenant_id, event=event, now=now, leased_until=now + lease, delivery_id=did)
    return Claimed(did, sid, tenant_id, event.id, event.type.value, render_body(event.type.value, event.data), 1)


def remind_rotations(db: Database, *, now: datetime) -> int:
    """Announce ``webhook.secret_rotation_due`` once per secret older than 90 days."""
    count = 0
    with db.write() as conn:
        rows = conn.execute(select(webhook_subscription).where(
            webhook_subscription.c.deleted_at.is_(None), webhook_subscription.c.active.is_(True),
            webhook_subscription.c.secret_created_at <= now - ROTATION_PERIOD,
            webhook_subscription.c.rotation_reminded_at.is_(None),
        )).all()
        for row in rows:
            days = (now - row.secret_created_at).days
            outbox_store.enqueue(
                conn, topic=EventType.WEBHOOK_SECRET_ROTATION_DUE.value, tenant_id=row.tenant_id, now=now,
                idempotency_key=f"rotation:{row.id}:{row.secret_created_at.isoformat()}",
                payload={"event_id": new_id("evt"), "data": {
                    "webhook_id": row.id, "secret_created_at": row.secret_created_at.isoformat(), "days": days}},
            )
            conn.execute(update(webhook_subscription).where(webhook_subscription.c.id == row.id)
                         .values(rotation_reminded_at=now))
            count += 1
    return count


# --- deliveries ---------------------------------------------------------------------------------

def claim(db: Database, *, now: datetime, lease: timedelta, limit: int = 20, delivery_id: str | None = None,
          ) -> list[Claimed]:
    with db.write() as conn:
        stmt = (select(webhook_delivery)
                .where(webhook_delivery.c.status == "pending", webhook_delivery.c.next_attempt_at <= now)
                .order_by(webhook_delivery.c.next_attempt_at).limit(limit))
        if delivery_id is not None:
            stmt = stmt.where(webhook_delivery.c.id == delivery_id)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = conn.execute(stmt).all()
        if not rows:
            return []
        conn.execute(update(webhook_delivery).where(webhook_delivery.c.id.in_([r.id for r in rows]))
                     .values(next_attempt_at=now + lease, attempts=webhook_delivery.c.attempts + 1))
    return [Claimed(r.id, r.subscription_id, r.tenant_id, r.event_id, r.event_type, bytes(r.body), int(r.attempts) + 1)
            for r in rows]


def finish(db: Database, claimed: Claimed, outcome: Outcome | None, *, started_at: datetime, now: datetime,
           rng: random.Random, final_reason: str | None = None) -> str:
    """Record the attempt and move the delivery on; the new status (or ``superseded``)."""
    with db.write() as conn:
        values: dict[str, Any]
        if outcome is None:  # not sent: the subscription is gone or disabled
            values = {"status": "disabled", "next_attempt_at": None, "last_error": final_reason}
        else:
            values = {"last_status_code": outcome.status_code, "last_error": outcome.error,
                      "last_duration_ms": outcome.duration_ms}
            if outcome.ok:
                values.update(status="delivered", delivered_at=now, next_attempt_at=None)
            elif outcome.status_code == 410:
                values.update(status="disabled", next_attempt_at=None)
                conn.execute(update(webhook_subscription).where(webhook_subscription.c.id == claimed.subscription_id)
                             .values(active=False, updated_at=now,
                                     disabled_reason="o destino respondeu 410 Gone: webhook desativado"))
                conn.execute(update(webhook_delivery).where(
                    webhook_delivery.c.subscription_id == claimed.subscription_id,
                    webhook_delivery.c.status == "pending", webhook_delivery.c.id != claimed.id,
                ).values(status="disabled", next_attempt_at=None, last_error="webhook desativado (410 Gone)"))
            else:
                retry = next_attempt_at(claimed.attempt, now, rng, outcome.retry_after)
                values.update(status="pending" if retry else "dead", next_attempt_at=retry)
        result = conn.execute(update(webhook_delivery).where(
            webhook_delivery.c.id == claimed.id, webhook_delivery.c.attempts == claimed.attempt,
            webhook_delivery.c.status == "pending",
        ).values(values))
        conn.execute(insert(webhook_attempt).values(
            delivery_id=claimed.id, attempt=claimed.attempt, started_at=started_at,
            duration_ms=outcome.duration_ms if outcome else 0, status_code=outcome.status_code if outcome else None,
            outcome=("ok" if outcome.ok else "failed") if outcome else "skipped",
            error=(outcome.error if outcome else final_reason),
        ))
        return str(values["status"]) if result.rowcount == 1 else "superseded"


def redeliver(conn: Connection, tenant_id: str, delivery_id: str, *, now: datetime) -> Delivery:
    """Send a delivery again (dead-lettered, delivered or disabled): due now, attempts continue."""
    row = conn.execute(select(webhook_delivery).where(webhook_delivery.c.id == delivery_id,
                                                      webhook_delivery.c.tenant_id == tenant_id)).first()
    if row is None:
        raise NotFound("ENTREGA_NAO_ENCONTRADA", f"entrega {delivery_id} não encontrada")
    sub = conn.execute(select(webhook_subscription).where(webhook_subscription.c.id == row.subscription_id)).one()
    if sub.deleted_at is not None or not sub.active:
        raise WebhookError("WEBHOOK_INATIVO", "o webhook está inativo ou excluído: reative-o antes de reenviar")
    conn.execute(update(webhook_delivery).where(webhook_delivery.c.id == delivery_id)
                 .values(status="pending", next_attempt_at=now, delivered_at=None))
    return get_delivery(conn, tenant_id, delivery_id)


def get_delivery(conn: Connection, tenant_id: str, delivery_id: str) -> Delivery:
    row = conn.execute(select(webhook_delivery).where(webhook_delivery.c.id == delivery_id,
                                                      webhook_delivery.c.tenant_id == tenant_id)).first()
    if row is None:
        raise NotFound("ENTREGA_NAO_ENCONTRADA", f"entrega {delivery_id} não encontrada")
    return _delivery(row)


def deliveries(conn: Connection, tenant_id: str, sid: str, *, limit: int = 50, status: str | None = None,
               ) -> list[Delivery]:
    conds = [webhook_delivery.c.tenant_id == tenant_id, webhook_delivery.c.subscription_id == sid]
    if status:
        conds.append(webhook_delivery.c.status == status)
    rows = conn.execute(select(webhook_delivery).where(and_(*conds))
                        .order_by(webhook_delivery.c.created_at.desc(), webhook_delivery.c.id).limit(limit)).all()
    return [_delivery(r) for r in rows]


def attempts(conn: Connection, delivery_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(webhook_attempt).where(webhook_attempt.c.delivery_id == delivery_id)
                        .order_by(webhook_attempt.c.id)).all()
    return [{"attempt": r.attempt, "started_at": r.started_at.isoformat(), "duration_ms": r.duration_ms,
             "response_code": r.status_code, "outcome": r.outcome, "error": r.error} for r in rows]


def pending_count(conn: Connection) -> int:
    return len(conn.execute(select(webhook_delivery.c.id).where(webhook_delivery.c.status == "pending")).all())
