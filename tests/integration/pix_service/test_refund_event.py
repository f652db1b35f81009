"""payment.refunded: a devolução settled by the PSP is announced once, in the transaction that records
it, valid for its catalogue entry and delivered unchanged by the webhook translation; a re-sent
callback with the same devolução announces nothing new. On both databases."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from adapters.db.schema import outbox
from engine.events.catalogue import EventType, validate
from engine.events.translate import to_event

from .conftest import HMAC_SECRET, Service


def _records(service: Service, topic: str) -> list[tuple[str, dict[str, Any]]]:
    with service.resources.db.read() as conn:
        rows = conn.execute(select(outbox).where(outbox.c.topic == topic).order_by(outbox.c.id)).all()
    out = []
    for r in rows:
        payload = json.loads(r.payload)
        assert validate(EventType(r.topic), payload["data"]) == [], payload
        public = to_event(r.topic, r.idempotency_key, payload)
        assert public is not None and public.type is EventType.PAYMENT_REFUNDED and public.data == payload["data"]
        out.append((public.id, payload["data"]))
    return out


def test_settled_devolucao_is_announced_once_as_payment_refunded(service: Service) -> None:
    account = service.configure_psp()
    service.register_webhook()
    charge = service.charge("80.00")
    paid = service.psp.pay(charge["txid"])
    service.wait_charge(charge["txid"], "paid")
    e2e = paid["pix"]["endToEndId"]
    url = f"/v1/pix/charges/{charge['txid']}/devolucoes"
    r = service.http.post(url, json={"end_to_end_id": e2e, "valor": "30.50"}, headers=service.h("t1", "pdv"))
    assert r.status_code == 201, r.text
    dev_id = r.json()["id"]
    assert _records(service, "payment.refunded") == []  # requested, not settled: nothing announced yet
    settled = service.psp.settle_refund(e2e, dev_id)
    got = service.wait_charge(charge["txid"], "partially_paid")  # 80.00 received, 30.50 back
    assert got["devolvido"] == "30.50"
    [(event_id, data)] = _records(service, "payment.refunded")
    assert data["id"] == data["devolucao_id"] == dev_id and data["endToEndId"] == e2e
    assert data["txid"] == charge["txid"] and data["valor"] == "30.50" and Decimal(data["valor"]) == Decimal("30.50")
    assert data["status"] == "DEVOLVIDO" and data["status_cobranca"] == "partially_paid"
    assert data["horario"].startswith(settled["devolucao"]["horario"]["liquidacao"][:19])
    # The PSP sends the same callback again (lost answer, retry): the devolução is already recorded.
    body = json.dumps({"pix": [{**paid["pix"], "devolucoes": [settled["devolucao"]]}]}).encode()
    sig = "sha256=" + hmac.new(HMAC_SECRET.encode(), body, hashlib.sha256).hexdigest()
    again = service.http.post(account["webhook_path"], content=body,
                              headers={"X-Pix-Signature": sig, "Content-Type": "application/json"})
    assert again.status_code == 200
    service.wait_notifications_settled(len(service.notifications()))
    assert [eid for eid, _ in _records(service, "payment.refunded")] == [event_id]

