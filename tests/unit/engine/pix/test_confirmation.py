"""Payment confirmation with a fake PSP: validation, confirmation before counting, idempotency,
partial/over payments, devoluções, events and the NFC-e payment data."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.nfe.build.input import Pagamento
from engine.pix.api import Devolucao, Pix, PspApiError
from engine.pix.confirmation import (
    EVENT_PAYMENT_RECEIVED,
    EVENT_PAYMENT_REFUNDED,
    ChargeStatus,
    ConfirmedPayment,
    InMemoryPixCharges,
    NotificacaoInvalida,
    PixCharge,
    RecordedRefund,
    charge_status,
    confirm_notification,
    nfce_pagamentos,
    verify_hmac_signature,
)
from engine.pix.psp_profiles import profile
from engine.ports import HttpError

TXID = "OrthoPlusConfirma0000000000001"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
HORARIO = datetime(2026, 12, 4, 14, 59, 30, tzinfo=UTC)


def e2e(n: int) -> str:
    return f"E18236120202612041459{n:011d}"


class FakePsp:
    """The PSP's records by endToEndId; counts lookups; can be made unavailable."""

    def __init__(self, *pix: Pix) -> None:
        self.records = {p.end_to_end_id: p for p in pix}
        self.lookups: list[str] = []
        self.down: Exception | None = None

    def get_pix(self, e2eid: str) -> Pix:
        self.lookups.append(e2eid)
        if self.down is not None:
            raise self.down
        if e2eid not in self.records:
            raise PspApiError("consultar pix: recurso não encontrado no PSP", status=404, tipo="NaoEncontrado")
        return self.records[e2eid]


def pix(n: int, valor: str, txid: str = TXID, devolucoes: tuple[Devolucao, ...] = ()) -> Pix:
    return Pix(e2e(n), Decimal(valor), HORARIO, txid=txid, info_pagador="consulta", devolucoes=devolucoes)


def body(*items: Pix | dict[str, object]) -> bytes:
    out = []
    for it in items:
        if isinstance(it, Pix):
            d = it.to_json()
            if it.devolucoes:
                d["devolucoes"] = [{"id": x.id} for x in it.devolucoes]
            out.append(d)
        else:
            out.append(it)
    return json.dumps({"pix": out}).encode()


def repo(valor: str = "100.00") -> InMemoryPixCharges:
    return InMemoryPixCharges([PixCharge(TXID, Decimal(valor), psp_id="bb", emitter_id="em1")])


@pytest.mark.parametrize("raw", [b"nao e json", b"[]", b'{"pix": []}', b'{"pix": {}}', b'{"outra": 1}'])
def test_unusable_body_is_a_pt_br_error(raw: bytes) -> None:
    with pytest.raises(NotificacaoInvalida) as info:
        confirm_notification(raw, psp=FakePsp(), repository=repo(), now=NOW)
    assert info.value.path == "pix" and "notificação Pix" in info.value.mensagem


def test_malformed_items_are_rejected_by_field_without_asking_the_psp() -> None:
    psp = FakePsp()
    good = pix(1, "10.00").to_json()
    items = [
        {**good, "endToEndId": "curto"},
        {**good, "valor": 10.0},
        {**good, "valor": "10.5"},
        {**good, "horario": "2026-12-04 14:59"},
        {**good, "txid": "com-hifen"},
        "nao-objeto",
    ]
    result = confirm_notification(json.dumps({"pix": items}), psp=psp, repository=repo(), now=NOW)
    assert [(r.indice, r.code, r.campo) for r in result.rejected] == [
        (0, "PIX_E2EID_INVALIDO", "pix[0].endToEndId"),
        (1, "PIX_VALOR_INVALIDO", "pix[1].valor"),
        (2, "PIX_VALOR_INVALIDO", "pix[2].valor"),
        (3, "PIX_HORARIO_INVALIDO", "pix[3].horario"),
        (4, "PIX_TXID_INVALIDO", "pix[4].txid"),
        (5, "PIX_ITEM_INVALIDO", "pix[5]"),
    ]
    assert psp.lookups == []


def test_confirmed_payment_counts_and_emits_payment_received() -> None:
    p = pix(1, "100.00")
    charges = repo()
    result = confirm_notification(body(p), psp=FakePsp(p), repository=charges, now=NOW)
    assert [c.end_to_end_id for c in result.confirmed] == [p.end_to_end_id]
    charge = charges.charge(TXID)
    assert charge is not None and charge.status is ChargeStatus.PAID and charge.recebido == Decimal("100.00")
    (ev,) = result.events
    assert ev.type == EVENT_PAYMENT_RECEIVED and ev.idempotency_key == f"payment.received:{p.end_to_end_id}"
    assert ev.payload() == {"txid": TXID, "endToEndId": p.end_to_end_id, "valor": "100.00",
                            "horario": HORARIO.isoformat(), "status_cobranca": "paid", "recebido": "100.00",
                            "devolvido": "0.00", "psp": "bb", "emitter_id": "em1"}
    assert result.complete


def test_forged_item_unknown_to_the_psp_is_rejected_and_nothing_counts() -> None:
    charges = repo()
    result = confirm_notification(body(pix(9, "100.00")), psp=FakePsp(), repository=charges, now=NOW)
    assert [r.code for r in result.rejected] == ["PIX_NAO_CONFIRMADO"]
    assert charges.charge(TXID).status is ChargeStatus.PENDING  # type: ignore[union-attr]
    assert not result.events


@pytest.mark.parametrize(("field", "value", "text"), [
    ("valor", "1000.00", "valor notificado 1000.00 ≠ 100.00"),
    ("txid", "OutraCobranca00000000000000001", "txid notificado OutraCobranca00000000000000001"),
    ("horario", "2026-12-04T10:00:00Z", "horario notificado"),
])
def test_item_that_differs_from_the_psp_record_is_rejected(field: str, value: str, text: str) -> None:
    real = pix(1, "100.00")
    forged = {**real.to_json(), field: value}
    result = confirm_notification(body(forged), psp=FakePsp(real), repository=repo(), now=NOW)
    (rej,) = result.rejected
    assert rej.code == "PIX_DIVERGENTE" and text in rej.mensagem and not result.confirmed


def test_pix_to_a_txid_that_is_not_ours_is_left_for_reconciliation() -> None:
    other = pix(1, "5.00", txid="NaoEhNossa000000000000000000001")
    result = confirm_notification(body(other), psp=FakePsp(other), repository=repo(), now=NOW)
    assert [r.code for r in result.rejected] == ["PIX_COBRANCA_DESCONHECIDA"]


def test_idempotent_by_end_to_end_id_within_and_across_notifications() -> None:
    p = pix(1, "100.00")
    psp, charges = FakePsp(p), repo()
    first = confirm_notification(body(p, p), psp=psp, repository=charges, now=NOW)
    assert len(first.confirmed) == 1 and first.duplicates == [p.end_to_end_id]
    second = confirm_notification(body(p), psp=psp, repository=charges, now=NOW)
    assert second.duplicates == [p.end_to_end_id] and not second.events and not second.confirmed
    assert psp.lookups == [p.end_to_end_id]  # the replay did not even reach the PSP
    assert charges.charge(TXID).recebido == Decimal("100.00")  # type: ignore[union-attr]


def test_partial_then_complete_then_over_payment() -> None:
    a, b, c = pix(1, "30.00"), pix(2, "70.00"), pix(3, "0.50")
    psp, charges = FakePsp(a, b, c), repo()
    r1 = confirm_notification(body(a), psp=psp, repository=charges, now=NOW)
    assert r1.charges[TXID].status is ChargeStatus.PARTIALLY_PAID
    r2 = confirm_notification(body(b), psp=psp, repository=charges, now=NOW)
    assert r2.charges[TXID].status is ChargeStatus.PAID and r2.charges[TXID].recebido == Decimal("100.00")
    r3 = confirm_notification(body(c), psp=psp, repository=charges, now=NOW)
    assert r3.charges[TXID].status is ChargeStatus.OVERPAID and r3.charges[TXID].recebido == Decimal("100.50")
    assert [e.charge_status for e in r1.events + r2.events + r3.events] == [
        ChargeStatus.PARTIALLY_PAID, ChargeStatus.PAID, ChargeStatus.OVERPAID]


def test_devolucao_final_status_is_recorded_once() -> None:
    paid = pix(1, "100.00")
    psp, charges = FakePsp(paid), repo()
    confirm_notification(body(paid), psp=psp, repository=charges, now=NOW)
    em_proc = Devolucao("D1", "D" + "1" * 31, Decimal("100.00"), "EM_PROCESSAMENTO", HORARIO)
    psp.records[paid.end_to_end_id] = pix(1, "100.00", devolucoes=(em_proc,))
    r1 = confirm_notification(body(psp.records[paid.end_to_end_id]), psp=psp, repository=charges, now=NOW)
    assert not r1.events and charges.charge(TXID).status is ChargeStatus.PAID  # type: ignore[union-attr]
    done = Devolucao("D1", em_proc.rtr_id, Decimal("100.00"), "DEVOLVIDO", HORARIO, HORARIO)
    psp.records[paid.end_to_end_id] = pix(1, "100.00", devolucoes=(done,))
    r2 = confirm_notification(body(psp.records[paid.end_to_end_id]), psp=psp, repository=charges, now=NOW)
    assert [(e.type, e.devolucao_id) for e in r2.events] == [(EVENT_PAYMENT_REFUNDED, "D1")]
    assert r2.events[0].idempotency_key == f"payment.refunded:{paid.end_to_end_id}:D1"
    assert charges.charge(TXID).status is ChargeStatus.REFUNDED  # type: ignore[union-attr]
    r3 = confirm_notification(body(psp.records[paid.end_to_end_id]), psp=psp, repository=charges, now=NOW)
    assert not r3.events and r3.duplicates == [paid.end_to_end_id]


@pytest.mark.parametrize("failure", [
    PspApiError("serviço indisponível", status=503, tipo="ServicoIndisponivel"),
    HttpError("tempo esgotado", kind="timeout", delivered=True),
])
def test_psp_unavailable_leaves_the_item_for_retry(failure: Exception) -> None:
    p = pix(1, "100.00")
    psp, charges = FakePsp(p), repo()
    psp.down = failure
    result = confirm_notification(body(p), psp=psp, repository=charges, now=NOW)
    assert not result.complete and [r.code for r in result.retry] == ["PIX_CONFIRMACAO_PENDENTE"]
    assert not result.rejected and charges.payment(p.end_to_end_id) is None
    psp.down = None
    assert confirm_notification(body(p), psp=psp, repository=charges, now=NOW).confirmed


@pytest.mark.parametrize(("valor", "recebido", "devolvido", "status"), [
    ("100.00", "0", "0", ChargeStatus.PENDING),
    ("100.00", "99.99", "0", ChargeStatus.PARTIALLY_PAID),
    ("100.00", "100.00", "0", ChargeStatus.PAID),
    ("100.00", "100.01", "0", ChargeStatus.OVERPAID),
    ("100.00", "120.00", "20.00", ChargeStatus.PAID),
    ("100.00", "100.00", "100.00", ChargeStatus.REFUNDED),
])
def test_charge_status_from_the_confirmed_sum(valor: str, recebido: str, devolvido: str,
                                              status: ChargeStatus) -> None:
    assert charge_status(Decimal(valor), Decimal(recebido), Decimal(devolvido)) is status


def test_nfce_payment_is_tpag_17_with_the_card_group_and_valid_for_the_builder() -> None:
    payments = [
        ConfirmedPayment(e2e(1), TXID, Decimal("60.00"), HORARIO, NOW),
        ConfirmedPayment(e2e(2), TXID, Decimal("60.00"), HORARIO, NOW,
                         devolucoes=(RecordedRefund("D1", "D" + "1" * 31, Decimal("20.00"), "DEVOLVIDO"),)),
        ConfirmedPayment(e2e(3), TXID, Decimal("5.00"), HORARIO, NOW,
                         devolucoes=(RecordedRefund("D2", "D" + "2" * 31, Decimal("5.00"), "DEVOLVIDO"),)),
    ]
    out = nfce_pagamentos(payments, profile("santander"))
    assert [p["valor"] for p in out] == [Decimal("60.00"), Decimal("40.00")]
    assert out[0]["cartao"] == {"integracao": 1, "cnpj_credenciadora": "90400888000142", "autorizacao": e2e(1)}
    model = Pagamento.model_validate(out[1])
    assert model.forma == "17" and model.cartao is not None and model.cartao.autorizacao == e2e(2)


def test_hmac_signature_verification() -> None:
    raw = body(pix(1, "1.00"))
    sig = "sha256=" + hmac.new(b"k", raw, hashlib.sha256).hexdigest()
    assert verify_hmac_signature(raw, sig, "k")
    assert not verify_hmac_signature(raw, sig, "outra")
    assert not verify_hmac_signature(raw, None, "k")
    assert not verify_hmac_signature(raw, sig, "")
