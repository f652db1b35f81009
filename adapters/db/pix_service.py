"""PIX use cases of the service, between the API and the storage: the PSP client of an account, charge
creation, and the notification worker step that confirms every notified pix with the PSP.

``process_notifications(db, keyring, *, now, client_for)`` takes due notifications from the inbox
(``pix_notification``), runs ``engine.pix.confirmation.confirm_notification`` with the account's real
``PspClient`` (GET /pix/{e2eid} for each item, so a forged notification never counts), and in ONE write
transaction stores the confirmed pix, updates the charge and enqueues ``payment.received`` (and
``pix.charge.paid`` when the charge became paid) in the outbox. A PSP that cannot answer now leaves the
notification pending with back-off; rejected items are logged and kept in the notification's result.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.db import pix_store as store
from adapters.db.engine import Database
from adapters.db.outbox import enqueue
from adapters.pix_http import PixHttp, http_for
from adapters.sefaz_transport import SystemClock
from certificates.store import MasterKeyring
from engine.errors import FiscalError
from engine.pix.confirmation import (
    EVENT_PAYMENT_RECEIVED,
    EVENT_PAYMENT_REFUNDED,
    ConfirmedPayment,
    NotificacaoInvalida,
    PixCharge,
    confirm_notification,
)
from engine.pix.psp_client import PspClient

log = logging.getLogger("ortho_fiscal.pix")

TRUST_ENV = "ORTHO_PIX_TRUST_PEM"  # extra CA bundle for the PSP's server certificate (the stand-in)
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=2)


@dataclass
class OpenClient:
    client: PspClient
    http: PixHttp

    def close(self) -> None:
        self.http.close()


ClientFactory = Callable[[store.PspAccount], OpenClient]


def client_factory(keyring: MasterKeyring, env: Mapping[str, str] | None = None) -> ClientFactory:
    """Builds the account's PspClient: its profile (hosts overridden when configured), its sealed
    credentials opened in memory, mTLS with its PFX; the server verified against ``ORTHO_PIX_TRUST_PEM``
    when set, the public bundle otherwise."""
    environ = os.environ if env is None else env
    trust = environ.get(TRUST_ENV) or None

    def make(account: store.PspAccount) -> OpenClient:
        creds = store.credentials_of(keyring, account)
        prof = account.profile()
        http = http_for(prof, creds, account.environment, trust_pem_path=Path(trust) if trust else None,
                        connect_timeout_s=5.0, read_timeout_s=10.0)
        return OpenClient(PspClient(prof, creds, http, SystemClock(), environment=account.environment), http)

    return make


class _StagedCharges:
    """Reads through to the database snapshot; ``save`` is staged (and visible to later reads of the
    same pass) until the write transaction applies it."""

    def __init__(self, reader: store.SqlPixCharges) -> None:
        self._reader = reader
        self.saved: list[tuple[PixCharge, ConfirmedPayment]] = []
        self._charges: dict[str, PixCharge] = {}
        self._payments: dict[str, ConfirmedPayment] = {}

    def charge(self, txid: str) -> PixCharge | None:
        return self._charges.get(txid) or self._reader.charge(txid)

    def payment(self, end_to_end_id: str) -> ConfirmedPayment | None:
        return self._payments.get(end_to_end_id) or self._reader.payment(end_to_end_id)

    def payments_of(self, txid: str) -> list[ConfirmedPayment]:
        stored = {p.end_to_end_id: p for p in self._reader.payments_of(txid)}
        stored.update({k: p for k, p in self._payments.items() if p.txid == txid})
        return list(stored.values())

    def save(self, charge: PixCharge, payment: ConfirmedPayment) -> None:
        self._charges[charge.txid] = charge
        self._payments[payment.end_to_end_id] = payment
        self.saved.append((charge, payment))


def outbox_payload(data: Mapping[str, Any]) -> dict[str, Any]:
    """An outbox record of a catalogue topic carries the event's data under ``data`` (engine/events/
    translate.py); the event id comes from the idempotency key, so a replay is the same event."""
    return {"data": dict(data)}


def _event_payload(event: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(event.payload())
    # Catalogue payment.received v1: id, amount, method (engine/events/catalogue.py).
    data.update({"id": event.end_to_end_id, "amount": f"{event.valor:.2f}", "method": "pix"})
    return outbox_payload(data)


def _refund_payload(event: Any, payments: list[Any]) -> dict[str, Any]:
    """Catalogue payment.refunded v1 (engine/events/catalogue.py): the devolução as recorded with the
    charge (its status and liquidação come from the PSP's record, read at confirmation)."""
    recorded = next((d for p in payments if p.end_to_end_id == event.end_to_end_id
                     for d in p.devolucoes if d.id == event.devolucao_id), None)
    data: dict[str, Any] = dict(event.payload())
    status = recorded.status if recorded is not None else "DEVOLVIDO"
    horario = recorded.liquidacao if recorded is not None and recorded.liquidacao is not None else event.horario
    data.update({"id": event.devolucao_id, "devolucao_id": event.devolucao_id, "status": status,
                 "horario": horario.isoformat()})
    return outbox_payload(data)


def process_notifications(
    db: Database, keyring: MasterKeyring, *, now: Callable[[], datetime], client_for: ClientFactory,
    limit: int = 20, tenant_id: str | None = None,
) -> int:
    """One pass over the due notifications (of one tenant when given); returns how many were taken."""
    with db.write() as conn:
        batch = store.claim_notifications(conn, now=now(), lease_until=now() + LEASE, limit=limit,
                                          tenant_id=tenant_id)
    for item in batch:
        _process_one(db, item, now=now, client_for=client_for)
    return len(batch)


def _process_one(db: Database, item: store.Notification, *, now: Callable[[], datetime],
                 client_for: ClientFactory) -> None:
    with db.read() as conn:
        account = store.account_by_id(conn, item.account_id)
    if account is None:
        with db.write() as conn:
            store.finish_notification(conn, item.id, status="invalid", result={}, retry_at=None,
                                      error="conta PSP removida")
        return
    opened: OpenClient | None = None
    try:
        opened = client_for(account)
        # The PSP is asked with no transaction open (a slow PSP must never hold SQLite's write lock);
        # what is confirmed is written afterwards in one transaction with its events.
        with db.read() as conn:
            staged = _StagedCharges(store.SqlPixCharges(conn, account.tenant_id))
            result = confirm_notification(item.body, psp=opened.client, repository=staged, now=now())
        with db.write() as conn:
            repo = store.SqlPixCharges(conn, account.tenant_id)
            for charge, payment in staged.saved:
                repo.save(charge, payment)
            saved_payments = [payment for _charge, payment in staged.saved]
            for ev in result.events:
                # Both in the transaction that records the payment / the settled devolução; the key
                # (type:endToEndId[:devolução id]) makes a re-delivered notification a no-op.
                if ev.type == EVENT_PAYMENT_RECEIVED:
                    payload = _event_payload(ev)
                elif ev.type == EVENT_PAYMENT_REFUNDED:
                    payload = _refund_payload(ev, saved_payments)
                else:
                    continue
                enqueue(conn, topic=ev.type, idempotency_key=ev.idempotency_key, payload=payload,
                        now=now(), tenant_id=account.tenant_id)
            for charge_rec, payment in repo.newly_paid:
                enqueue(conn, topic="pix.charge.paid", idempotency_key=f"pix.charge.paid:{charge_rec.txid}",
                        payload=outbox_payload({
                            "txid": charge_rec.txid, "end_to_end_id": payment.end_to_end_id,
                            "amount": f"{charge_rec.valor:.2f}", "paid_at": payment.horario.isoformat(),
                            "emitter_id": charge_rec.emitter_id, "document_ref": charge_rec.document_ref}),
                        now=now(), tenant_id=account.tenant_id)
            summary = {
                "confirmados": [p.end_to_end_id for p in result.confirmed],
                "devolucoes_atualizadas": [p.end_to_end_id for p in result.refunds_updated],
                "duplicados": result.duplicates,
                "rejeitados": [r.as_dict() for r in result.rejected],
                "pendentes": [r.as_dict() for r in result.retry],
            }
            for r in result.rejected:
                log.warning("pix notification %s item rejected: %s %s", item.id, r.code, r.mensagem)
            if result.complete:
                store.finish_notification(conn, item.id, status="done", result=summary, retry_at=None)
            else:
                delay = min(timedelta(seconds=5) * (2 ** (item.attempts - 1)), MAX_BACKOFF)
                store.finish_notification(conn, item.id, status="pending", result=summary, retry_at=now() + delay,
                                          error="PSP indisponível para confirmar; nova tentativa agendada")
    except NotificacaoInvalida as exc:
        log.warning("pix notification %s is not a callback body: %s", item.id, exc)
        with db.write() as conn:
            store.finish_notification(conn, item.id, status="invalid", result={}, retry_at=None, error=str(exc))
    except FiscalError as exc:  # configuration (credentials, certificate): retried with back-off
        log.warning("pix notification %s could not be confirmed: %s", item.id, exc)
        delay = min(timedelta(seconds=5) * (2 ** (item.attempts - 1)), MAX_BACKOFF)
        with db.write() as conn:
            store.finish_notification(conn, item.id, status="pending", result={}, retry_at=now() + delay,
                                      error=str(exc)[:2000])
    finally:
        if opened is not None:
            opened.close()


def run_pass(db: Database, keyring: MasterKeyring, *, now: Callable[[], datetime], client_for: ClientFactory,
             tenant_id: str | None = None) -> int:
    """``process_notifications`` that never raises: a failure leaves the notification leased, and it is
    taken again when the lease expires (a database conflict between two processors, for instance)."""
    try:
        return process_notifications(db, keyring, now=now, client_for=client_for, tenant_id=tenant_id)
    except Exception:
        log.exception("pix notification pass failed")
        return 0


def start_in_process(db: Database, keyring: MasterKeyring, env: Mapping[str, str], now: Callable[[], datetime],
                     *, interval_s: float = 2.0) -> Callable[[], None]:
    """A daemon thread retrying due notifications (the webhook handler processes new ones at once);
    returns the function that stops it. ``ORTHO_PIX_WORKER=0`` turns it off."""
    import threading

    if env.get("ORTHO_PIX_WORKER", "1").strip() in {"0", "false", "no"}:
        return lambda: None
    stop = threading.Event()
    factory = client_factory(keyring, env)

    def loop() -> None:
        while not stop.is_set():
            busy = run_pass(db, keyring, now=now, client_for=factory)
            if not busy:
                stop.wait(interval_s)

    thread = threading.Thread(target=loop, name="pix-notifications", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=15)

    return halt
