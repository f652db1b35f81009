"""Callbacks delivered by the stand-in to a real loopback HTTPS receiver, and the confirmation of
each notified pix with the PSP (GET /pix/{e2eid}) before a charge counts as paid."""

from __future__ import annotations

import json
import ssl
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import simulator.psp
from engine.pix.api import CobRequest, DevolucaoRequest
from engine.pix.confirmation import (
    EVENT_PAYMENT_RECEIVED,
    EVENT_PAYMENT_REFUNDED,
    ChargeStatus,
    InMemoryPixCharges,
    PixCharge,
    confirm_notification,
    nfce_pagamentos,
    verify_hmac_signature,
)
from engine.ports import HttpRequest

from .conftest import HMAC_SECRET, PROFILE_IDS, Receiver, make_bench, payload_of

CHAVE = "11222333000181"
TXID = "OrthoPlusWebhook00000000000001"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_paid_charge_is_notified_over_mtls_and_confirmed(
    psp: simulator.psp.RunningPsp, mtls_receiver: Receiver, profile_id: str
) -> None:
    bench = make_bench(psp, profile_id)
    bench.client.put_webhook(CHAVE, mtls_receiver.url)
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("80.00")), txid=TXID)
    mtls_receiver.received.clear()
    delivery = psp.pay(TXID, info_pagador="Consulta de 04/12")["delivery"]
    assert delivery["status"] == 200, delivery
    got = mtls_receiver.received[-1]
    # The OpenAPI callback is {webhookUrl}/pix; the stand-in presented its client certificate.
    assert got.path == "/webhooks/pix-teste" + bench.profile.flags.webhook_callback_suffix
    assert got.peer_subject is not None and "PSP SIMULADO TESTE" in got.peer_subject
    body = payload_of(got)
    assert body["pix"][0]["txid"] == TXID and body["pix"][0]["valor"] == "80.00"

    repo = InMemoryPixCharges([PixCharge(TXID, Decimal("80.00"), psp_id=profile_id, documento_id="NFCe-1")])
    result = confirm_notification(got.body, psp=bench.client, repository=repo, now=NOW)
    assert [p.end_to_end_id for p in result.confirmed] == [body["pix"][0]["endToEndId"]]
    assert repo.charge(TXID).status is ChargeStatus.PAID  # type: ignore[union-attr]
    (event,) = result.events
    assert event.type == EVENT_PAYMENT_RECEIVED and event.valor == Decimal("80.00")
    assert event.payload()["documento_id"] == "NFCe-1"
    # The same notification again changes nothing and asks the PSP nothing.
    asked = psp.stats()["tokens_issued"]
    again = confirm_notification(got.body, psp=bench.client, repository=repo, now=NOW)
    assert again.duplicates == [body["pix"][0]["endToEndId"]] and not again.events and not again.confirmed
    assert psp.stats()["tokens_issued"] == asked
    (pag,) = nfce_pagamentos(repo.payments_of(TXID), bench.profile)
    assert pag["forma"] == "17" and pag["valor"] == Decimal("80.00")
    assert pag["cartao"] == {"integracao": 1, "cnpj_credenciadora": bench.profile.cnpj,
                             "autorizacao": body["pix"][0]["endToEndId"]}


def test_hmac_callback_carries_a_verifiable_signature(psp: simulator.psp.RunningPsp, plain_receiver: Receiver) -> None:
    bench = make_bench(psp, "bb", quirks={"webhook_auth": "hmac", "hmac_secret": HMAC_SECRET})
    bench.client.put_webhook(CHAVE, plain_receiver.url)
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("10.00")), txid=TXID)
    plain_receiver.received.clear()
    assert psp.pay(TXID)["delivery"]["status"] == 200
    got = plain_receiver.received[-1]
    assert got.peer_subject is None  # no client certificate in HMAC mode
    assert verify_hmac_signature(got.body, got.headers["x-pix-signature"], HMAC_SECRET)
    assert not verify_hmac_signature(got.body + b" ", got.headers["x-pix-signature"], HMAC_SECRET)
    assert not verify_hmac_signature(got.body, got.headers["x-pix-signature"], "outro-segredo")


def test_forged_and_altered_notifications_are_rejected(psp: simulator.psp.RunningPsp, mtls_receiver: Receiver) -> None:
    bench = make_bench(psp, "santander")
    bench.client.put_webhook(CHAVE, mtls_receiver.url)
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("100.00")), txid=TXID)
    real = psp.pay(TXID, "100.00", notify=False)["pix"]
    forged = {"endToEndId": "E18236120202612041500abcdefghijk", "txid": TXID, "valor": "100.00",
              "horario": real["horario"]}
    altered = {**real, "valor": "1000.00"}
    repo = InMemoryPixCharges([PixCharge(TXID, Decimal("100.00"))])
    result = confirm_notification(json.dumps({"pix": [forged, altered]}), psp=bench.client, repository=repo, now=NOW)
    assert [r.code for r in result.rejected] == ["PIX_NAO_CONFIRMADO", "PIX_DIVERGENTE"]
    assert "possivelmente forjada" in result.rejected[0].mensagem
    assert "valor notificado 1000.00 ≠ 100.00 no PSP" in result.rejected[1].mensagem
    assert not result.confirmed and not result.events
    assert repo.charge(TXID).status is ChargeStatus.PENDING  # type: ignore[union-attr]


def test_partial_then_over_payment_then_refund(psp: simulator.psp.RunningPsp, mtls_receiver: Receiver) -> None:
    bench = make_bench(psp, "itau")
    bench.client.put_webhook(CHAVE, mtls_receiver.url)
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("100.00")), txid=TXID)
    repo = InMemoryPixCharges([PixCharge(TXID, Decimal("100.00"))])
    mtls_receiver.received.clear()
    psp.pay(TXID, "60.00")
    r1 = confirm_notification(mtls_receiver.received[-1].body, psp=bench.client, repository=repo, now=NOW)
    assert r1.charges[TXID].status is ChargeStatus.PARTIALLY_PAID and r1.charges[TXID].recebido == Decimal("60.00")
    second = psp.pay(TXID, "60.00", force=True)["pix"]
    r2 = confirm_notification(mtls_receiver.received[-1].body, psp=bench.client, repository=repo, now=NOW)
    assert r2.charges[TXID].status is ChargeStatus.OVERPAID and r2.charges[TXID].recebido == Decimal("120.00")
    # The clinic gives back the 20.00 excess; the PSP's callback for the settled devolução updates the charge.
    bench.client.request_devolucao(second["endToEndId"], "Excedente1", DevolucaoRequest(Decimal("20.00")))
    psp.settle_refund(second["endToEndId"], "Excedente1")
    r3 = confirm_notification(mtls_receiver.received[-1].body, psp=bench.client, repository=repo, now=NOW)
    assert r3.charges[TXID].status is ChargeStatus.PAID and r3.charges[TXID].devolvido == Decimal("20.00")
    assert [(e.type, e.devolucao_id, e.valor) for e in r3.events] == [(EVENT_PAYMENT_REFUNDED, "Excedente1",
                                                                       Decimal("20.00"))]
    pagamentos = nfce_pagamentos(repo.payments_of(TXID), bench.profile)
    assert sorted(p["valor"] for p in pagamentos) == [Decimal("40.00"), Decimal("60.00")]  # type: ignore[type-var]
    # Re-delivering the refund callback records nothing new.
    r4 = confirm_notification(mtls_receiver.received[-1].body, psp=bench.client, repository=repo, now=NOW)
    assert not r4.events and r4.duplicates


def test_standin_refuses_a_client_without_certificate(psp: simulator.psp.RunningPsp) -> None:
    ctx = ssl.create_default_context(cafile=str(psp.ca_pem_path))
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        urllib.request.urlopen(psp.url + "/oauth/token", data=b"grant_type=client_credentials", context=ctx,
                               timeout=5).read()


def test_flags_matter_the_standin_refuses_the_standard_when_it_plays_a_deviating_psp(
    psp: simulator.psp.RunningPsp,
) -> None:
    bench = make_bench(psp, "bb")
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("1.00")), txid=TXID)
    token = bench.client.access_token("cob.read")
    base = bench.profile.base_url("sandbox")
    no_key = bench.http.send(HttpRequest("GET", f"{base}/cob/{TXID}", (("authorization", "Bearer " + token),)))
    assert no_key.status == 403 and b"gw-dev-app-key" in no_key.body
    santander = make_bench(psp, "santander")
    body_grant = santander.http.send(
        HttpRequest(
            "POST",
            santander.profile.token_url("sandbox"),
            (("content-type", "application/x-www-form-urlencoded"),),
            (),
            b"grant_type=client_credentials&client_id=cliente-santander&client_secret=x",
        )
    )
    assert body_grant.status == 400  # Santander takes grant_type in the query string


def test_control_api_over_https_pays_and_refunds(psp: simulator.psp.RunningPsp, mtls_receiver: Receiver) -> None:
    bench = make_bench(psp, "bradesco")
    bench.client.put_webhook(CHAVE, mtls_receiver.url)
    bench.client.create_cob(CobRequest(chave=CHAVE, valor=Decimal("42.00")), txid=TXID)

    def control(path: str, payload: dict[str, object]) -> dict[str, object]:
        answer = bench.http.send(HttpRequest("POST", psp.url + path, (("content-type", "application/json"),), (),
                                             json.dumps(payload).encode()))
        assert answer.status == 200, answer.body
        data: dict[str, object] = json.loads(answer.body)
        return data

    paid = control("/_control/pay", {"txid": TXID, "valor": "42.00", "infoPagador": "via controle"})
    e2e = paid["pix"]["endToEndId"]  # type: ignore[index]
    assert paid["delivery"]["status"] == 200  # type: ignore[index]
    bench.client.request_devolucao(e2e, "Dev1", DevolucaoRequest(Decimal("2.00")))
    settled = control("/_control/refund", {"e2eid": e2e, "id": "Dev1", "status": "NAO_REALIZADO"})
    assert settled["devolucao"]["status"] == "NAO_REALIZADO"  # type: ignore[index]
    assert bench.client.get_pix(e2e).devolucoes[0].status == "NAO_REALIZADO"
    bad = bench.http.send(HttpRequest("POST", psp.url + "/_control/pay", (), (), b'{"txid": "Inexistente"}'))
    assert bad.status == 400 and "não encontrada" in json.loads(bad.body)["erro"]
