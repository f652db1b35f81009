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
from datetime import datetime
from typing import Any, Protocol

from adapters import integrations_store as store
from adapters.db import outbox
from adapters.db.engine import Database
from certificates.store import MasterKeyring
from engine.integrations import alerts, catalog, connectors, events, runner
from engine.integrations.http import HttpTransport
from engine.integrations.model import ConnectorFailure, Direction, IntegrationError, SyncMode
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
        """Fan a clinic event out to the tenant's active message integrations (real-time mode sends now)."""
        with self.db.read() as conn:
            items = [i for i in store.list_(conn, tenant_id) if i.active
                     and catalog.entry(i.connector) is not None
                     and catalog.entry(i.connector).kind in events.MESSAGE_KINDS]  # type: ignore[union-attr]
        results = []
        for item in items:
            rec = events.record_from_event(event_type, data, item.tz)
            if rec is not None:
                results.append({"integration": item.id, **self.enqueue(tenant_id, item.id, [rec])})
        return results

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
