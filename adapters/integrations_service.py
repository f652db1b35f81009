"""Use cases of the integrations registry over the database: test connection, run a sync (manual,
scheduled, batch, real-time), record the run log, alert by e-mail after N consecutive failures
(once per streak) and announce ``integration.failed`` through the outbox in the same transaction.

Network calls never happen inside a database transaction: state is read, the connector runs, and
the outcome is written in one write transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, or_, select

from adapters import integrations_store as store
from adapters.db import outbox
from adapters.db.engine import Database
from adapters.db.schema import integration, integration_record
from certificates.store import MasterKeyring
from engine.integrations import alerts, catalog, connectors, events, runner
from engine.integrations.http import HttpTransport
from engine.integrations.model import ConnectorFailure, Direction, IntegrationError, SyncMode, SyncSettings
from engine.integrations.runlog import RunLog, Trigger, render

log = logging.getLogger("ortho.integrations")


class Mailer(Protocol):
    def send(self, to: list[str], subject: str, body: str) -> str: ...


@dataclass
class IntegrationService:
    db: Database
    keyring: MasterKeyring
    transport: HttpTransport
    clock: Callable[[], datetime]
    mailer: Mailer | None = None

    def _connector(self, item: store.Integration) -> connectors.Connector:
        with self.db.read() as conn:
            creds = store.credentials(conn, self.keyring, item.tenant_id, item.id)
        return connectors.build(item.connector, settings=item.settings, credentials=creds, transport=self.transport,
                                now=self.clock(), integration_id=item.id, mapping=item.mapping)

    def _save_renewed(self, item: store.Integration, connector: connectors.Connector) -> None:
        renewed = connector.updated_credentials()
        if renewed is not None:
            with self.db.write() as conn:
                store.store_credentials(conn, self.keyring, item.id, renewed, self.clock())

    def test(self, tenant_id: str, iid: str) -> dict[str, Any]:
        with self.db.read() as conn:
            item = store.get(conn, tenant_id, iid)
        connector = self._connector(item)
        payload: dict[str, Any]
        code = "ok"
        try:
            message = connector.test_connection()
            ok, payload = True, {"ok": True, "mensagem": message}
        except ConnectorFailure as exc:
            ok, payload = False, {"ok": False, "mensagem": exc.error.mensagem, "erro": exc.error.to_json()}
            message, code = exc.error.mensagem, exc.error.code
        self._save_renewed(item, connector)
        with self.db.write() as conn:
            store.record_test(conn, iid, ok=ok, message=message, now=self.clock())
        log.info("integration test %s (%s): %s", iid, item.connector, code)
        return payload

    def run(self, tenant_id: str, iid: str, trigger: Trigger = Trigger.MANUAL) -> dict[str, Any]:
        with self.db.read() as conn:
            item = store.get(conn, tenant_id, iid)
            if trigger is not Trigger.MANUAL and not item.active:
                raise IntegrationError("a integração está inativa", code="INTEGRACAO_INATIVA")
            two_way = item.sync.direction is Direction.TWO_WAY
            if two_way and not (catalog.entry(item.connector) and catalog.entry(item.connector).two_way):  # type: ignore[union-attr]
                raise IntegrationError("este conector só sincroniza em uma direção (Ortho+ → externo)",
                                       path="sync.direction")
        with self.db.write() as conn:
            store.acquire_run(conn, iid, self.clock())
        try:
            return self._run_leased(item, trigger, two_way)
        finally:
            with self.db.write() as conn:
                store.release_run(conn, iid)

    def _run_leased(self, item: store.Integration, trigger: Trigger, two_way: bool) -> dict[str, Any]:
        tenant_id, iid = item.tenant_id, item.id
        with self.db.read() as conn:
            item = store.get(conn, tenant_id, iid)  # the failure streak as the previous run left it
            records = store.records_for_run(conn, iid, two_way=two_way)
        try:
            connector = self._connector(item)
        except ConnectorFailure as exc:  # credentials missing: a failed run like any other
            connector = None
            failure = exc.error
        stored: set[str] = set()

        def progress(key: str, update: runner.RecordUpdate) -> None:
            # Each pushed record is recorded at once (its own short transaction): after a crash
            # mid-run only the record in flight can be sent again.
            with self.db.write() as conn:
                store.apply_updates(conn, iid, {key: update}, self.clock())
            stored.add(key)

        if connector is not None:
            result = runner.run(connector, records, direction=item.sync.direction, trigger=trigger, clock=self.clock,
                                progress=progress)
            self._save_renewed(item, connector)
        else:
            now = self.clock()
            result = runner.RunResult(RunLog(now, now, trigger, errors=[failure], failed=True))
        state, send = alerts.after_run(alerts.AlertState(item.consecutive_failures, item.alerted),
                                       failed=result.log.failed, settings=item.alerts)
        alert_sent = False
        if send:
            alert_sent = self._alert(item, state.consecutive_failures, result)
        with self.db.write() as conn:
            store.apply_updates(conn, iid, {k: u for k, u in result.updates.items() if k not in stored}, self.clock())
            run_id = store.add_run(conn, item, result, alert_sent=alert_sent, failures=state.consecutive_failures,
                                   alerted=state.alerted)
            if send:
                last = result.log.errors[0] if result.log.errors else None
                outbox.enqueue(conn, topic="integration.failed", idempotency_key=f"integration.failed:{iid}:{run_id}",
                               payload={"data": {"integration": item.name, "integration_id": iid,
                                                 "connector": item.connector,
                                                 "error": last.mensagem if last else "falha",
                                                 "consecutive_failures": state.consecutive_failures}},
                               now=self.clock(), tenant_id=tenant_id)
        out = result.log.to_json()
        out["id"] = run_id
        out["alert_sent"] = alert_sent
        out["log"] = render(started_at=result.log.started_at, outcome=result.log.outcome, sent=result.log.sent,
                            received=result.log.received, duration_ms=result.log.duration_ms,
                            errors=result.log.errors, conflicts=result.log.conflicts, tz=item.tz)
        log.info("integration run %s (%s, %s): %s sent=%d received=%d errors=%d", iid, item.connector,
                 trigger.value, result.log.outcome.value, result.log.sent, result.log.received,
                 len(result.log.errors))
        return out

    def _alert(self, item: store.Integration, failures: int, result: runner.RunResult) -> bool:
        if self.mailer is None:
            log.warning("integration %s: %d consecutive failures; SMTP not configured, alert not e-mailed",
                        item.id, failures)
            return False
        subject, body = alerts.alert_message(
            integration_name=item.name, connector_name=catalog.entry(item.connector).name,  # type: ignore[union-attr]
            failures=failures, last_error=result.log.errors[0] if result.log.errors else None,
            at=result.log.started_at, tz=item.tz)
        try:
            self.mailer.send(list(item.alerts.emails), subject, body)
        except Exception as exc:  # the run is recorded even when the mail server is down
            log.error("integration %s: alert e-mail failed: %s", item.id, exc)
            return False
        return True

    def enqueue(self, tenant_id: str, iid: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
        """Queue records to send; an active real-time integration sends them right away."""
        with self.db.write() as conn:
            item = store.get(conn, tenant_id, iid)
            queued = store.upsert_records(conn, iid, list(records), self.clock())
        out: dict[str, Any] = {"queued": queued}
        if item.active and item.sync.mode is SyncMode.REALTIME and queued:
            out["run"] = self.run(tenant_id, iid, Trigger.REALTIME)
        return out

    def on_event(self, tenant_id: str, event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Queue a clinic event for the tenant's active message integrations and send the real-time
        ones now (synchronous: for tools and tests; the service itself goes through the outbox, see
        ``queue_event_records`` and ``send_realtime_pending``)."""
        with self.db.write() as conn:
            realtime = queue_event_records(conn, tenant_id, event_type, data, self.clock())
        return [{"integration": iid, "run": self.run(tenant_id, iid, Trigger.REALTIME)} for iid in realtime]

    def send_realtime_pending(self, limit: int = 20) -> list[dict[str, Any]]:
        """One pass of the outbox consumer's second half: run every active real-time integration that
        has pending records (queued by ``queue_event_records`` when its event left the outbox).

        Exactly one sender at a time per integration: ``run`` takes the integration's run lease
        (compare-and-set, migration 0007), and another worker holding it is skipped, not waited for.
        Each record is marked sent right after the provider's answer, so a record already sent is never
        sent again; a worker killed mid-run leaves the lease to expire (RUN_LEASE) and only the record in
        flight can be repeated. A failing provider is retried with back-off (``realtime_retry_delay``)."""
        now = self.clock()
        with self.db.read() as conn:
            waiting = conn.execute(
                select(integration_record.c.integration_id, integration_record.c.attempts,
                       integration_record.c.last_error, integration_record.c.updated_at)
                .select_from(integration_record.join(integration,
                                                     integration.c.id == integration_record.c.integration_id))
                .where(integration_record.c.status == "pendente", integration.c.active.is_(True),
                       integration.c.deleted_at.is_(None))).all()
            # Due: a record never tried (or re-queued clean), or one whose failed try is older than
            # its back-off; a provider that keeps failing is not hammered by every worker pass.
            due = {w.integration_id for w in waiting
                   if w.last_error is None or w.updated_at + realtime_retry_delay(int(w.attempts)) <= now}
            rows = conn.execute(
                select(integration.c.id, integration.c.tenant_id, integration.c.sync,
                       integration.c.consecutive_failures, integration.c.last_run_at)
                .where(integration.c.active.is_(True), integration.c.deleted_at.is_(None),
                       or_(integration.c.run_lease_until.is_(None), integration.c.run_lease_until < now),
                       integration.c.id.in_(sorted(due)))
                .order_by(integration.c.id).limit(limit)).all() if due else []
        out: list[dict[str, Any]] = []
        for r in rows:
            try:
                if SyncSettings.from_json(r.sync).mode is not SyncMode.REALTIME:
                    continue  # scheduled/batch integrations send their queue at their own time
            except IntegrationError:
                continue
            if r.consecutive_failures and r.last_run_at is not None and (
                    now < r.last_run_at + realtime_retry_delay(int(r.consecutive_failures))):
                continue
            try:
                out.append({"integration": r.id, **self.run(r.tenant_id, r.id, Trigger.REALTIME)})
            except store.RunInProgress:
                continue  # another worker is sending this integration's queue right now
            except IntegrationError as exc:
                log.warning("real-time integration %s not run: %s", r.id, exc)
        return out

    def run_due(self) -> list[dict[str, Any]]:
        """Scheduler tick: run every scheduled/batch integration whose time has come."""
        now = self.clock()
        with self.db.write() as conn:
            due = store.claim_due(conn, now)
        out = []
        for tenant_id, iid in due:
            with self.db.read() as conn:
                mode = store.get(conn, tenant_id, iid).sync.mode
            trigger = Trigger.SCHEDULED if mode is SyncMode.SCHEDULED else Trigger.BATCH
            out.append({"integration": iid, **self.run(tenant_id, iid, trigger)})
        return out


REALTIME_RETRY_BASE = timedelta(seconds=30)
REALTIME_RETRY_MAX = timedelta(hours=1)


def realtime_retry_delay(consecutive_failures: int) -> timedelta:
    """30 s after the first failed real-time run, doubling, at most 1 h (a provider that is down is
    not hammered by every worker pass)."""
    return min(REALTIME_RETRY_BASE * (2 ** max(0, min(consecutive_failures - 1, 16))), REALTIME_RETRY_MAX)


def queue_event_records(conn: Connection, tenant_id: str, event_type: str, data: Mapping[str, Any],
                        now: datetime) -> list[str]:
    """In the caller's transaction (the outbox fan-out's): the clinic event as a pending record of each
    active message integration of the tenant (WhatsApp, e-mail, SMS); the ids of the real-time ones,
    whose queue the worker sends next. The record key is the event type and the appointment id
    (engine/integrations/events.py), and an unchanged record already sent is left alone
    (``upsert_records``): an event delivered twice by the outbox, or posted twice by the clinic system,
    never queues a second message."""
    realtime: list[str] = []
    for item in store.list_(conn, tenant_id):
        entry = catalog.entry(item.connector)
        if not item.active or entry is None or entry.kind not in events.MESSAGE_KINDS:
            continue
        rec = events.record_from_event(event_type, data, item.tz)
        if rec is None:
            continue
        if store.upsert_records(conn, item.id, [rec], now) and item.sync.mode is SyncMode.REALTIME:
            realtime.append(item.id)
    return realtime


SCHEDULER_ENV = "ORTHO_INTEGRATIONS_SCHEDULER"
INTERVAL_ENV = "ORTHO_INTEGRATIONS_SCHEDULER_SECONDS"


def service_from_env(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                     clock: Callable[[], datetime]) -> IntegrationService:
    """The service with the transport (ORTHO_INTEGRATIONS_*) and the mailer (ORTHO_SMTP_*) of ``env``."""
    from adapters.integrations_http import HttpxTransport
    from adapters.smtp import SmtpSender, SmtpSettings

    smtp = SmtpSettings.from_env(env)
    return IntegrationService(db, keyring, HttpxTransport.from_env(env), clock, SmtpSender(smtp) if smtp else None)


def start_scheduler(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                    clock: Callable[[], datetime]) -> Callable[[], None]:
    """The in-process scheduler thread (a lifespan hook like the webhook worker); returns its stop
    function. ``ORTHO_INTEGRATIONS_SCHEDULER``: ``1`` (default) or ``0`` (e.g. when ``ortho-fiscal
    integrations scheduler`` processes run instead; several may run, each due run is claimed once).
    ``ORTHO_INTEGRATIONS_SCHEDULER_SECONDS``: seconds between passes (default 30)."""
    import threading

    if env.get(SCHEDULER_ENV, "1").strip().lower() in {"0", "false", "no"}:
        return lambda: None
    interval = max(0.05, float(env.get(INTERVAL_ENV) or 30))
    service = service_from_env(db, keyring, env, clock)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                service.run_due()
            except Exception:  # one bad pass must not kill the scheduler; the next pass retries
                log.exception("integrations scheduler pass failed")
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="ortho-integrations", daemon=True)
    thread.start()

    def stop_scheduler() -> None:
        stop.set()
        thread.join(timeout=15)
        close = getattr(service.transport, "close", None)
        if close is not None:
            close()

    return stop_scheduler
