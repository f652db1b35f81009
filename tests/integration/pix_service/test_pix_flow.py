"""Charge -> the PSP stand-in pays -> its callback reaches our webhook over HTTPS -> every pix is
confirmed with the PSP (GET /pix/{e2eid}) -> charge paid and events in the outbox; on both databases."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from adapters.db import pix_service
from adapters.db.schema import outbox, pix_psp_account
from engine.events.catalogue import EventType, validate
from engine.events.translate import to_event

from .conftest import HMAC_SECRET, Service


def _topics(service: Service) -> list[tuple[str, dict[str, Any]]]:
    """(topic, event data) of every outbox record; each one valid for its catalogue entry."""
    out = []
    with service.resources.db.read() as conn:
        for r in conn.execute(select(outbox).order_by(outbox.c.id)):
            data = json.loads(r.payload)["data"]
            assert validate(EventType(r.topic), data) == [], (r.topic, data)
            public = to_event(r.topic, r.idempotency_key, json.loads(r.payload))  # what webhooks deliver
            assert public is not None and public.data == data
            out.append((r.topic, data))
    return out


def _signed_post(service: Service, path: str, body: dict[str, Any], secret: str = HMAC_SECRET) -> int:
    raw = json.dumps(body).encode()
    sig = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    r = service.http.post(path, content=raw, headers={"X-Pix-Signature": sig, "Content-Type": "application/json"})
    return r.status_code


def test_paid_charge_is_confirmed_with_the_psp_and_announced(service: Service) -> None:
    account = service.configure_psp()
    assert account["webhook_path"].startswith("/v1/pix/webhook/")
    assert "segredo" not in json.dumps(account)
    test = service.http.post(f"/v1/emitters/{service.emitters['t1']}/pix/psp/test", headers=service.h("t1", "admin"))
    assert test.json()["ok"] is True, test.text
    service.register_webhook()
    charge = service.charge("150.00", document_ref="venda-42", devedor={"nome": "Maria Silva", "cpf": "12345678909"})
    assert charge["status"] == "pending" and charge["brcode"].startswith("000201")
    png = service.http.get(charge["qr_png"], headers=service.h("t1", "pdv"))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = service.http.get(charge["qr_svg"], headers=service.h("t1", "pdv"))
    assert svg.status_code == 200 and b"<svg" in svg.content

    paid = service.psp.pay(charge["txid"], info_pagador="Consulta")
    assert paid["delivery"]["status"] == 200, paid["delivery"]
    got = service.wait_charge(charge["txid"], "paid")
    assert got["status"] == "paid" and got["recebido"] == "150.00"
    assert [p["endToEndId"] for p in got["pix"]] == [paid["pix"]["endToEndId"]]
    (det_pag,) = got["nfce_det_pag"]  # what the NFC-e of venda-42 carries: tPag 17, cAut = endToEndId
    assert det_pag["forma"] == "17" and det_pag["valor"] == "150.00"
    assert det_pag["cartao"]["autorizacao"] == paid["pix"]["endToEndId"]
    topics = _topics(service)
    names = [t for t, _ in topics]
    assert names.count("pix.charge.created") == 1
    assert names.count("payment.received") == 1 and names.count("pix.charge.paid") == 1
    received = next(p for t, p in topics if t == "payment.received")
    assert received["amount"] == "150.00" and received["method"] == "pix" and received["documento_id"] == "venda-42"

    # The PSP delivers the same notification again: nothing changes, no second event.
    e2e = paid["pix"]["endToEndId"]
    assert _signed_post(service, account["webhook_path"] + "/pix", {"pix": [paid["pix"]]}) == 200
    items = service.wait_notifications_settled(2)
    assert items[0]["resultado"]["duplicados"] == [e2e]
    assert [t for t, _ in _topics(service)].count("payment.received") == 1


def test_forged_notifications_are_rejected_after_asking_the_psp(service: Service) -> None:
    account = service.configure_psp()
    service.register_webhook()
    charge = service.charge("80.00")
    forged = {"endToEndId": "E18236120202612041500s0000000001", "txid": charge["txid"], "valor": "80.00",
              "horario": "2026-12-04T15:00:00.000Z"}
    assert _signed_post(service, account["webhook_path"], {"pix": [forged]}) == 200
    (item,) = service.wait_notifications_settled(1)
    assert [r["code"] for r in item["resultado"]["rejeitados"]] == ["PIX_NAO_CONFIRMADO"]
    # A real pix whose amount was altered in the notification is rejected too.
    paid = service.psp.pay(charge["txid"], notify=False)
    altered = {**paid["pix"], "valor": "800.00"}
    assert _signed_post(service, account["webhook_path"], {"pix": [altered]}) == 200
    items = service.wait_notifications_settled(2)
    assert items[0]["resultado"]["rejeitados"][0]["code"] != "PIX_NAO_CONFIRMADO"
    assert service.wait_charge(charge["txid"], "paid", timeout=0.2)["status"] == "pending"
    # A wrong HMAC, or the wrong secret path, is refused at the door and nothing is stored.
    assert _signed_post(service, account["webhook_path"], {"pix": [paid["pix"]]}, secret="outro") == 401
    assert _signed_post(service, "/v1/pix/webhook/" + "x" * 32, {"pix": [paid["pix"]]}) == 404
    assert len(service.notifications()) == 2
    assert "payment.received" not in [t for t, _ in _topics(service)]


def test_partial_overpaid_and_refunded_charges(service: Service) -> None:
    service.configure_psp()
    service.register_webhook()
    partial = service.charge("100.00")
    service.psp.pay(partial["txid"], "40.00")
    assert service.wait_charge(partial["txid"], "partially_paid")["recebido"] == "40.00"
    over = service.charge("50.00")
    paid = service.psp.pay(over["txid"], "70.00")
    assert service.wait_charge(over["txid"], "overpaid")["recebido"] == "70.00"
    # A devolução of the whole pix through the API; settled by the PSP, it makes the charge refunded.
    url = f"/v1/pix/charges/{over['txid']}/devolucoes"
    e2e = paid["pix"]["endToEndId"]
    too_much = service.http.post(url, json={"end_to_end_id": e2e, "valor": "70.01"}, headers=service.h("t1", "pdv"))
    assert too_much.status_code == 422 and too_much.json()["code"] == "PIX_DEVOLUCAO_EXCEDE"
    r = service.http.post(url, json={"end_to_end_id": e2e, "valor": "70.00"}, headers=service.h("t1", "pdv"))
    assert r.status_code == 201 and r.json()["status"] == "EM_PROCESSAMENTO", r.text
    assert service.http.post(url, json={"end_to_end_id": e2e, "valor": "1.00"},
                             headers=service.h("t2", "pdv")).status_code == 404
    service.psp.settle_refund(e2e, r.json()["id"])
    got = service.wait_charge(over["txid"], "refunded")
    assert got["status"] == "refunded" and got["devolvido"] == "70.00"
    assert got["pix"][0]["devolucoes"][0]["status"] == "DEVOLVIDO"


def test_credentials_and_webhook_secrets_are_sealed_at_rest(service: Service) -> None:
    account = service.configure_psp()
    with service.resources.db.read() as conn:
        row = conn.execute(select(pix_psp_account)).one()
    stored = repr(tuple(row))
    assert "segredo+/=t1" not in stored and HMAC_SECRET not in stored
    pfx, password = service.psp.client_pfx("11222333000181")
    raw = b"".join(v if isinstance(v, bytes) else json.dumps(v, default=str).encode() for v in tuple(row))
    assert pfx[64:128] not in raw and password not in stored
    assert account["webhook_path"].rsplit("/", 1)[1] not in stored


def test_a_psp_that_cannot_answer_leaves_the_notification_for_a_later_pass(service: Service) -> None:
    service.configure_psp()
    charge = service.charge("45.00")
    pix = service.psp.pay(charge["txid"], notify=False)["pix"]
    with socket.socket() as s:  # a port nobody listens on: the PSP is "down"
        s.bind(("127.0.0.1", 0))
        dead = f"https://127.0.0.1:{s.getsockname()[1]}"
    account = service.configure_psp(base_url=dead + "/pix/v2", token_url=dead + "/oauth/token")
    assert _signed_post(service, account["webhook_path"], {"pix": [pix]}) == 200
    deadline = time.monotonic() + 10
    while not (items := service.notifications()) or items[0]["erro"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert items[0]["status"] == "pending" and service.wait_charge(charge["txid"], "paid", timeout=0)["status"] == (
        "pending")
    # Nothing is counted and nothing announced while the PSP has not confirmed.
    assert "payment.received" not in [t for t, _ in _topics(service)]
    # The PSP is back (the account points at it again); the pass after the back-off confirms the pix.
    service.configure_psp()
    res = service.resources
    later = datetime.now(UTC) + timedelta(minutes=5)
    halt = pix_service.start_in_process(res.db, res.keyring, res.settings.env, lambda: later, interval_s=0.05)
    try:
        assert service.wait_charge(charge["txid"], "paid")["status"] == "paid"
    finally:
        halt()
    assert service.notifications()[0]["status"] == "done"
    assert [t for t, _ in _topics(service)].count("payment.received") == 1
