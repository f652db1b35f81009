"""Clinic events reach the real-time message integrations through the outbox, never inside the HTTP
request: the webhook worker's fan-out queues the appointment as a record of each active WhatsApp /
e-mail / SMS integration in the dispatching transaction, and the same pass sends the real-time
queues. A crash between the two, a redelivered outbox event, the same appointment posted again or a
second pass never send a second WhatsApp. On both databases, against the WhatsApp stand-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from adapters import integrations_store as store
from adapters.db import outbox as outbox_store
from adapters.db.schema import outbox
from adapters.integrations_service import IntegrationService, realtime_retry_delay
from adapters.webhook_store import fan_out_batch, publish
from adapters.webhook_worker import Worker, WorkerConfig, queue_for_integrations
from engine.events.catalogue import EventType
from tests.integration.integrations.conftest import TENANT, WA_PHONE_ID, WA_TOKEN, FakeClock, activate, create

CONFIRMED = {"id": "ag-77", "patient_id": "pac-9", "starts_at": "2026-12-10T17:30:00Z",
             "patient_name": "João Conceição", "patient_phone": "+55 11 98765-4321",
             "professional": "Dra. Ana Souza", "clinic": "Clínica Sorriso"}


def _whatsapp(service: IntegrationService, standin: Any, **sync: Any) -> store.Integration:
    item = create(service, "whatsapp-cloud", settings={"base_url": standin.base_url("whatsapp"),
                                                       "phone_number_id": WA_PHONE_ID},
                  credentials={"access_token": WA_TOKEN}, sync=sync or {"mode": "tempo_real"})
    return activate(service, item.id)


def _post(service: IntegrationService, event: EventType, data: dict[str, Any], event_id: str) -> None:
    """What POST /v1/events does in its request: the event into the outbox, nothing else."""
    with service.db.write() as conn:
        publish(conn, tenant_id=TENANT, event=event, data=data, now=service.clock(), event_id=event_id)


def _worker(service: IntegrationService, clock: FakeClock) -> Worker:
    return Worker(service.db, service.keyring, WorkerConfig(), now=clock, integrations=service)


def _records(service: IntegrationService, iid: str) -> dict[str, str]:
    with service.db.read() as conn:
        return {r["key"]: r["status"] for r in store.list_records(conn, iid)}


def test_confirmed_appointment_is_sent_once_even_across_a_crash_and_redelivery(
        service: IntegrationService, standin: Any, clock: FakeClock) -> None:
    item = _whatsapp(service, standin)
    _post(service, EventType.APPOINTMENT_CONFIRMED, CONFIRMED, "evt-conf-1")
    assert standin.state.wa_sent == []  # the request only wrote the outbox
    # A worker claims the event, fans it out and dies before sending: the record is queued with the
    # dispatch (one transaction), nothing sent.
    claimed = outbox_store.claim(service.db, now=clock(), lease=WorkerConfig().lease, limit=10)
    assert [e.topic for e in claimed] == ["appointment.confirmed"]
    fan_out_batch(service.db, claimed, now=clock(), also=queue_for_integrations)
    assert standin.state.wa_sent == [] and _records(service, item.id) == {"appointment.confirmed:ag-77": "pendente"}
    # A new worker (the restarted process) sends the queue.
    worker = _worker(service, clock)
    try:
        assert worker.run_once() >= 1
        [sent] = standin.state.wa_sent
        assert sent["template"]["name"] == "confirmacao_consulta" and sent["to"] == "5511987654321"
        params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
        assert params == ["João Conceição", "10/12/2026", "14:30", "Dra. Ana Souza"]  # 17:30Z in São Paulo
        assert _records(service, item.id) == {"appointment.confirmed:ag-77": "enviado"}
        # A second pass, the outbox delivering the same event again (its lease expired before the
        # dispatch was seen) and the clinic posting the same confirmation under a new id: no new message.
        worker.run_once()
        with service.db.write() as conn:
            conn.execute(update(outbox).values(dispatched_at=None, available_at=clock()))
        assert worker.run_once() >= 1
        _post(service, EventType.APPOINTMENT_CONFIRMED, CONFIRMED, "evt-conf-1-bis")
        worker.run_once()
        worker.run_once()
    finally:
        worker.close()
    assert len(standin.state.wa_sent) == 1
    with service.db.read() as conn:
        runs = store.list_runs(conn, store.get(conn, TENANT, item.id))
    assert sum(r["sent"] for r in runs) == 1 and all(r["trigger"] == "tempo_real" for r in runs)


def test_worker_killed_mid_run_leaves_the_lease_and_a_later_pass_sends_the_rest(
        service: IntegrationService, standin: Any, clock: FakeClock) -> None:
    item = _whatsapp(service, standin)
    created = {**CONFIRMED, "id": "ag-78"}
    _post(service, EventType.APPOINTMENT_CREATED, created, "evt-created-1")
    worker = _worker(service, clock)
    try:
        with service.db.write() as conn:  # a worker took the run lease and was killed while sending
            store.acquire_run(conn, item.id, clock())
        worker.run_once()
        assert standin.state.wa_sent == [] and _records(service, item.id) == {"appointment.created:ag-78": "pendente"}
        clock.advance(minutes=16)  # past RUN_LEASE: the dead worker's lease expires
        worker.run_once()
        worker.run_once()
    finally:
        worker.close()
    [sent] = standin.state.wa_sent
    assert sent["template"]["name"] == "lembrete_consulta"
    assert _records(service, item.id) == {"appointment.created:ag-78": "enviado"}


def test_only_active_real_time_message_integrations_send_from_the_worker(
        service: IntegrationService, standin: Any, clock: FakeClock) -> None:
    scheduled = _whatsapp(service, standin, mode="agendada", daily_time="02:00")
    _post(service, EventType.APPOINTMENT_CONFIRMED, CONFIRMED, "evt-conf-2")
    _post(service, EventType.PATIENT_CREATED, {"id": "pac-9", "name": "João"}, "evt-pat-1")  # no message
    worker = _worker(service, clock)
    try:
        worker.run_once()
        worker.run_once()
    finally:
        worker.close()
    # Queued for its scheduled run, not sent by the worker.
    assert standin.state.wa_sent == []
    assert _records(service, scheduled.id) == {"appointment.confirmed:ag-77": "pendente"}


def test_a_failing_provider_is_retried_with_back_off_not_every_pass(
        service: IntegrationService, standin: Any, clock: FakeClock) -> None:
    item = _whatsapp(service, standin)
    standin.state.outage["whatsapp"] = 503
    _post(service, EventType.APPOINTMENT_CONFIRMED, CONFIRMED, "evt-conf-3")
    worker = _worker(service, clock)
    try:
        worker.run_once()
        with service.db.read() as conn:
            assert len(store.list_runs(conn, store.get(conn, TENANT, item.id))) == 1
        worker.run_once()  # inside the back-off: no second run
        with service.db.read() as conn:
            assert len(store.list_runs(conn, store.get(conn, TENANT, item.id))) == 1
        standin.state.outage.pop("whatsapp")
        clock.advance(seconds=realtime_retry_delay(1).total_seconds())
        worker.run_once()
    finally:
        worker.close()
    assert len(standin.state.wa_sent) == 1
    assert _records(service, item.id) == {"appointment.confirmed:ag-77": "enviado"}
