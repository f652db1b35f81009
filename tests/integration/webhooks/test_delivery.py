"""Outbox -> fan-out -> signed HTTPS delivery to a real receiver on loopback, on SQLite and PostgreSQL:
signatures verified independently (hmac here, the standardwebhooks library), retries with
Retry-After, 410 Gone, dead-letter, manual redelivery, rotation overlap, emission topics."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from adapters import webhook_store as store
from adapters.db import outbox
from adapters.webhook_worker import Worker, WorkerConfig
from engine.events.catalogue import EventType
from engine.events.retry import MAX_ATTEMPTS
from tests.integration.webhooks.conftest import TENANT, Receiver


class Clock:
    def __init__(self) -> None:
        self.t = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, delta: timedelta) -> None:
        self.t += delta


def _subscribe(wdb: Any, keyring: Any, url: str, events: list[str], **kw: Any) -> tuple[store.Subscription, str]:
    with wdb.write() as conn:
        return store.create(conn, keyring, tenant_id=TENANT, url=url, events=events, now=datetime.now(UTC), **kw)


def _publish(wdb: Any, event: EventType, data: dict[str, Any], clock: Any, event_id: str | None = None) -> str:
    with wdb.write() as conn:
        eid, _ = store.publish(conn, tenant_id=TENANT, event=event, data=data, now=clock(), event_id=event_id)
    return eid


def _worker(wdb: Any, keyring: Any, worker_env: dict[str, str], clock: Any) -> Worker:
    return Worker(wdb, keyring, WorkerConfig.from_env(worker_env), now=clock)


def test_event_is_delivered_signed_with_accents_bearer_and_standard_webhooks(
    wdb: Any, keyring: Any, receiver: Receiver, worker_env: dict[str, str]
) -> None:
    sub, secret = _subscribe(wdb, keyring, receiver.url, ["patient.created"], bearer_token="your_secret_token_here")
    clock = Clock()
    eid = _publish(wdb, EventType.PATIENT_CREATED, {"id": "uuid", "name": "João Silva"}, clock)
    _publish(wdb, EventType.PAYMENT_RECEIVED, {"id": "p1", "amount": "150.00"}, clock)  # not subscribed
    worker = _worker(wdb, keyring, worker_env, clock)
    try:
        worker.run_once()
    finally:
        worker.close()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.body == '{"event":"patient.created","data":{"id":"uuid","name":"João Silva"}}'.encode()
    expected = "sha256=" + hmac.new(secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-ortho-signature"] == expected
    assert got.headers["authorization"] == "Bearer your_secret_token_here"
    assert got.headers["x-ortho-event-id"] == eid == got.headers["webhook-id"]
    assert got.headers["x-ortho-event"] == "patient.created"
    assert got.headers["x-ortho-delivery-id"].startswith("dlv_")
    assert abs(int(got.headers["x-ortho-timestamp"]) - int(clock().timestamp())) <= 1
    assert Webhook(secret).verify(got.body, got.headers) == {"event": "patient.created",
                                                              "data": {"id": "uuid", "name": "João Silva"}}
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sub.id)
        assert (d.status, d.attempts, d.last_status_code) == ("delivered", 1, 200)
        assert d.last_duration_ms is not None
        [a] = store.attempts(conn, d.id)
        assert (a["outcome"], a["response_code"]) == ("ok", 200)


def test_failures_retry_with_backoff_honour_retry_after_then_dead_letter_and_redeliver(
    wdb: Any, keyring: Any, receiver: Receiver, worker_env: dict[str, str]
) -> None:
    sub, _ = _subscribe(wdb, keyring, receiver.url, ["invoice.paid"])
    clock = Clock()
    _publish(wdb, EventType.INVOICE_PAID, {"id": "f1", "amount": "99.90"}, clock)
    receiver.responses = [(503, {"Retry-After": "7200"})] + [(500, {})] * (MAX_ATTEMPTS - 1)
    worker = _worker(wdb, keyring, worker_env, clock)
    start = clock()
    try:
        worker.run_once()
        with wdb.read() as conn:
            [d] = store.deliveries(conn, TENANT, sub.id)
        assert d.status == "pending" and d.last_status_code == 503
        assert d.next_attempt_at is not None and d.next_attempt_at >= start + timedelta(hours=2)  # Retry-After
        worker.run_once()  # not due yet: nothing sent
        assert len(receiver.received) == 1
        for _ in range(MAX_ATTEMPTS - 1):
            with wdb.read() as conn:
                [d] = store.deliveries(conn, TENANT, sub.id)
            assert d.next_attempt_at is not None
            clock.t = d.next_attempt_at
            worker.run_once()
        with wdb.read() as conn:
            [d] = store.deliveries(conn, TENANT, sub.id)
        assert (d.status, d.attempts, d.next_attempt_at) == ("dead", MAX_ATTEMPTS, None)
        assert clock() - start >= timedelta(hours=24)  # retried over more than 24 h
        assert len({r.event_id for r in receiver.received}) == 1 and len(receiver.received) == MAX_ATTEMPTS
        with wdb.write() as conn:
            store.redeliver(conn, TENANT, d.id, now=clock())
        worker.run_once()
    finally:
        worker.close()
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sub.id)
        assert (d.status, d.attempts) == ("delivered", MAX_ATTEMPTS + 1)
        assert len(store.attempts(conn, d.id)) == MAX_ATTEMPTS + 1


def test_410_gone_disables_the_subscription_and_its_pending_deliveries(
    wdb: Any, keyring: Any, receiver: Receiver, worker_env: dict[str, str]
) -> None:
    sub, _ = _subscribe(wdb, keyring, receiver.url, ["module.activated"])
    clock = Clock()
    _publish(wdb, EventType.MODULE_ACTIVATED, {"module": "fiscal"}, clock)
    _publish(wdb, EventType.MODULE_ACTIVATED, {"module": "agenda"}, clock)  # claimed in the same pass
    receiver.responses = [(410, {})]
    worker = _worker(wdb, keyring, worker_env, clock)
    try:
        worker.run_once()
        _publish(wdb, EventType.MODULE_ACTIVATED, {"module": "pix"}, clock)
        worker.run_once()
    finally:
        worker.close()
    assert len(receiver.received) == 1
    with wdb.read() as conn:
        s = store.get(conn, TENANT, sub.id)
        assert not s.active and s.disabled_reason and "410" in s.disabled_reason
        assert [d.status for d in store.deliveries(conn, TENANT, sub.id)] == ["disabled", "disabled"]


def test_rotation_sends_both_signatures_during_the_overlap_only(
    wdb: Any, keyring: Any, receiver: Receiver, worker_env: dict[str, str]
) -> None:
    sub, old = _subscribe(wdb, keyring, receiver.url, ["backup.completed"])
    clock = Clock()
    with wdb.write() as conn:
        _, new = store.rotate_secret(conn, keyring, TENANT, sub.id, now=clock(), overlap=timedelta(hours=1))
    worker = _worker(wdb, keyring, worker_env, clock)
    try:
        _publish(wdb, EventType.BACKUP_COMPLETED, {"id": "b1"}, clock)
        worker.run_once()
        clock.advance(timedelta(hours=2))
        _publish(wdb, EventType.BACKUP_COMPLETED, {"id": "b2"}, clock)
        worker.run_once()
    finally:
        worker.close()
    first, second = receiver.received
    sig = "sha256=" + hmac.new(new.encode(), first.body, hashlib.sha256).hexdigest()
    assert first.headers["x-ortho-signature"] == sig
    assert first.headers["x-ortho-signature-previous"] == (
        "sha256=" + hmac.new(old.encode(), first.body, hashlib.sha256).hexdigest())
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert "x-ortho-signature-previous" not in second.headers
    assert len(second.headers["webhook-signature"].split(" ")) == 1


def test_rotation_reminder_after_90_days_is_announced_once(wdb: Any, keyring: Any) -> None:
    sub, _ = _subscribe(wdb, keyring, "https://127.0.0.1/x", ["nfe.authorized"])
    later = datetime.now(UTC) + timedelta(days=91)
    assert store.remind_rotations(wdb, now=later) == 1
    assert store.remind_rotations(wdb, now=later + timedelta(days=1)) == 0
    [event] = outbox.claim(wdb, now=later)
    assert event.topic == "webhook.secret_rotation_due"
    assert store.fan_out(wdb, event, now=later) == 1  # to the subscription concerned, not subscribed to it
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sub.id)
    assert d.event_type == "webhook.secret_rotation_due"


def test_emission_outbox_topics_are_translated_and_fanned_out_once(wdb: Any, keyring: Any) -> None:
    sub, _ = _subscribe(wdb, keyring, "https://127.0.0.1/x", ["nfe.authorized", "nfe.cancelled"])
    now = datetime.now(UTC)
    chave = "35" + "0" * 42
    with wdb.write() as conn:
        outbox.enqueue(conn, topic="nfe.status", idempotency_key="nfe.status:d1:3", tenant_id=TENANT, now=now,
                       payload={"document_id": "d1", "ref": "r1", "emitter_id": "e1", "model": 65, "from": "sent",
                                "to": "authorized", "chave": chave, "number": 7, "cstat": 100, "protocol": "1" * 15,
                                "tp_emis": 1})
        outbox.enqueue(conn, topic="nfe.status", idempotency_key="nfe.status:d1:2", tenant_id=TENANT, now=now,
                       payload={"document_id": "d1", "to": "sent"})
        outbox.enqueue(conn, topic="nfe.event", idempotency_key="nfe.event:d1:110111:1", tenant_id=TENANT, now=now,
                       payload={"document_id": "d1", "chave": chave, "tp_evento": "110111", "n_seq_evento": 1,
                                "cstat": 135, "protocol": "2" * 15, "registrado": True})
    events = outbox.claim(wdb, now=now)
    assert sum(store.fan_out(wdb, e, now=now) for e in events) == 2
    assert sum(store.fan_out(wdb, e, now=now) for e in events) == 0  # already dispatched: nothing twice
    with wdb.read() as conn:
        ds = store.deliveries(conn, TENANT, sub.id)
    assert sorted(d.event_type for d in ds) == ["nfe.authorized", "nfe.cancelled"]


def test_delivery_time_ssrf_check_refuses_a_destination_that_now_resolves_to_loopback(
    wdb: Any, keyring: Any, worker_env: dict[str, str]
) -> None:
    """DNS rebinding: the name resolved to a public address when saved and to 127.0.0.1 now."""
    from adapters.webhook_guard import Guard

    sub, _ = _subscribe(wdb, keyring, "https://hooks.example.com/x", ["module.activated"])
    clock = Clock()
    _publish(wdb, EventType.MODULE_ACTIVATED, {"module": "fiscal"}, clock)
    config = WorkerConfig(guard=Guard((), lambda host, port: ["127.0.0.1"]))
    worker = Worker(wdb, keyring, config, now=clock)
    try:
        worker.run_once()
    finally:
        worker.close()
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sub.id)
    assert d.status == "pending" and d.last_status_code is None
    assert d.last_error is not None and "loopback" in d.last_error and "SSRF" in d.last_error


def test_invalid_clinic_events_are_refused_with_the_field(wdb: Any) -> None:
    with wdb.write() as conn, pytest.raises(store.WebhookError) as err:
        store.publish(conn, tenant_id=TENANT, event=EventType.PAYMENT_RECEIVED, data={"id": "x", "amount": 150.5},
                      now=datetime.now(UTC))
    assert "data.amount" in str(err.value) and "texto" in str(err.value)


def test_retry_jitter_is_seeded_per_worker() -> None:
    from engine.events.retry import next_attempt_at

    now = datetime.now(UTC)
    a = next_attempt_at(1, now, random.Random(1))
    b = next_attempt_at(1, now, random.Random(2))
    assert a != b
