"""Payment confirmation: a webhook notification is a hint, the PSP's own record is the fact.

The API Pix callback (``{"pix": [{endToEndId, txid, valor, horario, infoPagador, devolucoes?}]}``) can
be forged or replayed, so every item is CONFIRMED with the PSP (GET /pix/{e2eid}) before it counts:

* an item that is malformed, unknown to the PSP (404) or different from the PSP's record (valor,
  txid, horario) is REJECTED and reported with the field and a pt-BR reason;
* an endToEndId already recorded is a DUPLICATE and changes nothing (idempotent), unless the item
  carries devoluções: then the PSP's record is read again and new final statuses are recorded (the
  callback also fires when a devolução reaches DEVOLVIDO or NAO_REALIZADO — OpenAPI, callback listaPix);
* a PSP that cannot answer now (timeout, 5xx, 429) leaves the item for RETRY (never dropped, never
  counted);
* a confirmed pix whose txid is not one of our charges is rejected as ``PIX_COBRANCA_DESCONHECIDA``
  (it is real money: reconciliation reports it as unexpected).

The charge's status comes from the confirmed sum (``Decimal``), net of settled devoluções:
paid / partially paid / overpaid (or refunded when everything went back). For each new payment a
``payment.received`` event value is returned (and ``payment.refunded`` for each newly settled
devolução); the caller writes them to the outbox in the same transaction as ``repository.save``.

``nfce_pagamentos`` gives the NFC-e's detPag for the charge's payments: tPag 17 with the card group the
layout asks for PIX (NT 2020.006 / MOC 4.00: tpIntegra, CNPJ of the institution, cAut).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from engine.errors import InputError
from engine.nfe.build.input import Pagamento
from engine.pix.api import E2EID_RE, Devolucao, Pix, PspApiError, PspResponseError, format_valor
from engine.pix.psp_profiles import PspProfile
from engine.ports import HttpError, PixChargeRepository, PixLookup

__all__ = [
    "EVENT_PAYMENT_RECEIVED",
    "EVENT_PAYMENT_REFUNDED",
    "ChargeStatus",
    "ConfirmationResult",
    "ConfirmedPayment",
    "InMemoryPixCharges",
    "NotificacaoInvalida",
    "PaymentEvent",
    "PixCharge",
    "RecordedRefund",
    "RejectedItem",
    "charge_status",
    "confirm_notification",
    "nfce_pagamentos",
    "parse_notification",
    "verify_hmac_signature",
]

EVENT_PAYMENT_RECEIVED = "payment.received"
EVENT_PAYMENT_REFUNDED = "payment.refunded"
_ZERO = Decimal("0")
_VALOR_RE_TEXT = r"\d{1,10}\.\d{2}"
_TXID_ANY = r"[a-zA-Z0-9]{1,35}"  # schema Pix.txid (1..35); a cob's is 26..35
MAX_ITEMS = 1000  # a callback groups pix of one key; far more than any PSP batches


class NotificacaoInvalida(InputError):
    """The notification body as a whole is unusable (not JSON, no ``pix`` list): answer 400."""

    code = "PIX_NOTIFICACAO_INVALIDA"


class ChargeStatus(Enum):
    PENDING = "pending"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERPAID = "overpaid"
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class PixCharge:
    """Our view of a charge: its txid at the PSP, the amount charged and the confirmed totals."""

    txid: str
    valor: Decimal
    psp_id: str = ""
    emitter_id: str = ""
    documento_id: str | None = None  # the NFC-e/NF-e this charge pays, when there is one
    status: ChargeStatus = ChargeStatus.PENDING
    recebido: Decimal = _ZERO
    devolvido: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class RecordedRefund:
    id: str
    rtr_id: str
    valor: Decimal
    status: str  # EM_PROCESSAMENTO | DEVOLVIDO | NAO_REALIZADO
    liquidacao: datetime | None = None

    @classmethod
    def of(cls, d: Devolucao) -> RecordedRefund:
        return cls(d.id, d.rtr_id, d.valor, d.status, d.liquidacao)


@dataclass(frozen=True, slots=True)
class ConfirmedPayment:
    """A pix as the PSP confirmed it (never as the notification claimed)."""

    end_to_end_id: str
    txid: str
    valor: Decimal
    horario: datetime
    confirmed_at: datetime
    info_pagador: str | None = None
    devolucoes: tuple[RecordedRefund, ...] = ()

    @property
    def devolvido(self) -> Decimal:
        return sum((d.valor for d in self.devolucoes if d.status == "DEVOLVIDO"), _ZERO)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    indice: int
    end_to_end_id: str | None
    code: str
    mensagem: str
    campo: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "indice": self.indice,
            "endToEndId": self.end_to_end_id,
            "code": self.code,
            "mensagem": self.mensagem,
            "campo": self.campo,
        }


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """An outbox event value. ``idempotency_key`` makes a re-delivered notification a no-op downstream."""

    type: str
    txid: str
    end_to_end_id: str
    valor: Decimal
    horario: datetime
    charge_status: ChargeStatus
    recebido: Decimal
    devolvido: Decimal
    occurred_at: datetime
    devolucao_id: str | None = None
    psp_id: str = ""
    emitter_id: str = ""
    documento_id: str | None = None

    @property
    def idempotency_key(self) -> str:
        suffix = f":{self.devolucao_id}" if self.devolucao_id else ""
        return f"{self.type}:{self.end_to_end_id}{suffix}"

    def payload(self) -> dict[str, object]:
        data: dict[str, object] = {
            "txid": self.txid,
            "endToEndId": self.end_to_end_id,
            "valor": f"{self.valor:.2f}",
            "horario": self.horario.isoformat(),
            "status_cobranca": self.charge_status.value,
            "recebido": f"{self.recebido:.2f}",
            "devolvido": f"{self.devolvido:.2f}",
            "psp": self.psp_id,
            "emitter_id": self.emitter_id,
        }
        if self.devolucao_id:
            data["devolucao_id"] = self.devolucao_id
        if self.documento_id:
            data["documento_id"] = self.documento_id
        return data


@dataclass
class ConfirmationResult:
    confirmed: list[ConfirmedPayment] = field(default_factory=list)
    refunds_updated: list[ConfirmedPayment] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
    retry: list[RejectedItem] = field(default_factory=list)
    events: list[PaymentEvent] = field(default_factory=list)
    charges: dict[str, PixCharge] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when nothing is left to retry (the outbox job can be marked done)."""
        return not self.retry


# -- notification parsing -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    indice: int
    end_to_end_id: str
    valor: Decimal
    horario: datetime
    txid: str | None
    has_devolucoes: bool


def parse_notification(body: bytes | str | Mapping[str, Any]) -> tuple[list[_Item], list[RejectedItem]]:
    """Split a callback body into well-formed items and rejected ones (each with its index and field)."""
    if isinstance(body, (bytes, str)):
        try:
            data: Any = json.loads(body)
        except ValueError as exc:
            raise NotificacaoInvalida("notificação Pix: o corpo não é JSON válido", path="pix") from exc
    else:
        data = body
    if not isinstance(data, Mapping) or not isinstance(data.get("pix"), list) or not data["pix"]:
        raise NotificacaoInvalida("notificação Pix: esperado um objeto com a lista 'pix' não vazia", path="pix")
    if len(data["pix"]) > MAX_ITEMS:
        raise NotificacaoInvalida(f"notificação Pix: mais de {MAX_ITEMS} itens", path="pix")
    items: list[_Item] = []
    rejected: list[RejectedItem] = []
    for i, raw in enumerate(data["pix"]):
        campo = f"pix[{i}]"
        if not isinstance(raw, Mapping):
            rejected.append(RejectedItem(i, None, "PIX_ITEM_INVALIDO", f"{campo}: não é um objeto", campo))
            continue
        e2e = raw.get("endToEndId")
        e2e_s = e2e if isinstance(e2e, str) else None

        def reject(code: str, msg: str, f: str, e2e_s: str | None = e2e_s, i: int = i) -> None:
            rejected.append(RejectedItem(i, e2e_s, code, msg, f))

        if e2e_s is None or not E2EID_RE.fullmatch(e2e_s):
            reject(
                "PIX_E2EID_INVALIDO",
                f"{campo}.endToEndId ausente ou fora do padrão (32 alfanuméricos)",
                f"{campo}.endToEndId",
            )
            continue
        valor_raw = raw.get("valor")
        if not isinstance(valor_raw, str) or not re.fullmatch(_VALOR_RE_TEXT, valor_raw):
            reject("PIX_VALOR_INVALIDO", f"{campo}.valor ausente ou fora do formato 0.00", f"{campo}.valor")
            continue
        horario_raw = raw.get("horario")
        try:
            horario = datetime.fromisoformat(str(horario_raw).replace("Z", "+00:00"))
            if horario.tzinfo is None:
                raise ValueError("sem fuso")
        except ValueError:
            reject("PIX_HORARIO_INVALIDO", f"{campo}.horario ausente ou não é data-hora RFC 3339", f"{campo}.horario")
            continue
        txid = raw.get("txid")
        if txid is not None and (not isinstance(txid, str) or not re.fullmatch(_TXID_ANY, txid)):
            reject("PIX_TXID_INVALIDO", f"{campo}.txid fora do padrão [a-zA-Z0-9]{{1,35}}", f"{campo}.txid")
            continue
        items.append(_Item(i, e2e_s, Decimal(valor_raw), horario, txid or None, bool(raw.get("devolucoes"))))
    return items, rejected


def verify_hmac_signature(body: bytes, header_value: str | None, secret: str) -> bool:
    """For PSP profiles whose callbacks are authenticated by HMAC instead of mTLS: the header carries
    ``sha256=<hex HMAC-SHA256 of the raw body>``; compared in constant time."""
    if not header_value or not secret:
        return False
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header_value.strip())


# -- confirmation ---------------------------------------------------------------------------------


def charge_status(valor: Decimal, recebido: Decimal, devolvido: Decimal) -> ChargeStatus:
    liquido = recebido - devolvido
    if recebido == _ZERO:
        return ChargeStatus.PENDING
    if liquido <= _ZERO:
        return ChargeStatus.REFUNDED
    if liquido < valor:
        return ChargeStatus.PARTIALLY_PAID
    if liquido == valor:
        return ChargeStatus.PAID
    return ChargeStatus.OVERPAID


def _mismatch(item: _Item, pix: Pix) -> list[str]:
    diffs = []
    if pix.valor != item.valor:
        diffs.append(f"valor notificado {item.valor:.2f} ≠ {pix.valor:.2f} no PSP")
    if item.txid is not None and pix.txid != item.txid:
        diffs.append(f"txid notificado {item.txid} ≠ {pix.txid or '(nenhum)'} no PSP")
    if pix.horario != item.horario:
        diffs.append(f"horario notificado {item.horario.isoformat()} ≠ {pix.horario.isoformat()} no PSP")
    return diffs


def confirm_notification(
    body: bytes | str | Mapping[str, Any],
    *,
    psp: PixLookup,
    repository: PixChargeRepository,
    now: datetime,
) -> ConfirmationResult:
    """Confirm every item of a callback with the PSP, record what is confirmed, return the events."""
    items, rejected = parse_notification(body)
    result = ConfirmationResult(rejected=rejected)
    seen: set[str] = set()
    for item in items:
        if item.end_to_end_id in seen:
            result.duplicates.append(item.end_to_end_id)
            continue
        seen.add(item.end_to_end_id)
        known = repository.payment(item.end_to_end_id)
        if known is not None and not item.has_devolucoes:
            result.duplicates.append(item.end_to_end_id)
            continue
        try:
            pix = psp.get_pix(item.end_to_end_id)
        except PspApiError as exc:
            if exc.status == 404:
                result.rejected.append(
                    RejectedItem(
                        item.indice,
                        item.end_to_end_id,
                        "PIX_NAO_CONFIRMADO",
                        f"pix[{item.indice}]: o PSP não conhece o endToEndId {item.end_to_end_id}; "
                        "notificação não confirmada (possivelmente forjada)",
                        f"pix[{item.indice}].endToEndId",
                    )
                )
            else:
                result.retry.append(
                    RejectedItem(item.indice, item.end_to_end_id, "PIX_CONFIRMACAO_PENDENTE", exc.mensagem)
                )
            continue
        except (HttpError, PspResponseError) as exc:
            result.retry.append(RejectedItem(item.indice, item.end_to_end_id, "PIX_CONFIRMACAO_PENDENTE", str(exc)))
            continue
        diffs = _mismatch(item, pix)
        if diffs:
            result.rejected.append(
                RejectedItem(
                    item.indice,
                    item.end_to_end_id,
                    "PIX_DIVERGENTE",
                    f"pix[{item.indice}]: notificação diverge do registro do PSP ({'; '.join(diffs)})",
                    f"pix[{item.indice}]",
                )
            )
            continue
        charge = repository.charge(pix.txid) if pix.txid else None
        if charge is None:
            result.rejected.append(
                RejectedItem(
                    item.indice,
                    item.end_to_end_id,
                    "PIX_COBRANCA_DESCONHECIDA",
                    f"pix[{item.indice}]: pago ao txid {pix.txid or '(sem txid)'}, que não é uma cobrança "
                    "desta instalação (fica para a conciliação)",
                    f"pix[{item.indice}].txid",
                )
            )
            continue
        _record(result, charge, pix, known, repository, now)
    return result


def _record(
    result: ConfirmationResult,
    charge: PixCharge,
    pix: Pix,
    known: ConfirmedPayment | None,
    repository: PixChargeRepository,
    now: datetime,
) -> None:
    refunds = tuple(RecordedRefund.of(d) for d in pix.devolucoes)
    payment = ConfirmedPayment(
        end_to_end_id=pix.end_to_end_id,
        txid=charge.txid,
        valor=pix.valor,
        horario=pix.horario,
        confirmed_at=known.confirmed_at if known else now,
        info_pagador=pix.info_pagador,
        devolucoes=refunds,
    )
    if known is not None and known.devolucoes == refunds:
        result.duplicates.append(pix.end_to_end_id)  # the same devoluções again: nothing new
        return
    others = [p for p in repository.payments_of(charge.txid) if p.end_to_end_id != pix.end_to_end_id]
    recebido = sum((p.valor for p in others), _ZERO) + payment.valor
    devolvido = sum((p.devolvido for p in others), _ZERO) + payment.devolvido
    updated = replace(
        charge, recebido=recebido, devolvido=devolvido, status=charge_status(charge.valor, recebido, devolvido)
    )
    repository.save(updated, payment)
    result.charges[charge.txid] = updated

    def event(kind: str, valor: Decimal, devolucao_id: str | None = None) -> PaymentEvent:
        return PaymentEvent(
            type=kind,
            txid=charge.txid,
            end_to_end_id=pix.end_to_end_id,
            valor=valor,
            horario=pix.horario,
            charge_status=updated.status,
            recebido=recebido,
            devolvido=devolvido,
            occurred_at=now,
            devolucao_id=devolucao_id,
            psp_id=charge.psp_id,
            emitter_id=charge.emitter_id,
            documento_id=charge.documento_id,
        )

    if known is None:
        result.confirmed.append(payment)
        result.events.append(event(EVENT_PAYMENT_RECEIVED, payment.valor))
    else:
        result.refunds_updated.append(payment)
    settled_before = {d.id for d in (known.devolucoes if known else ()) if d.status == "DEVOLVIDO"}
    for d in refunds:
        if d.status == "DEVOLVIDO" and d.id not in settled_before:
            result.events.append(event(EVENT_PAYMENT_REFUNDED, d.valor, d.id))


# -- NFC-e payment data ---------------------------------------------------------------------------


def nfce_pagamentos(
    payments: list[ConfirmedPayment], psp: PspProfile, *, integrado: bool = True
) -> list[dict[str, object]]:
    """detPag entries for the NFC-e, one per confirmed pix (net of settled devoluções).

    tPag 17 (PIX dinâmico) with the ``card`` group: tpIntegra 1 when the PDV got the confirmation
    electronically (this flow), CNPJ = the receiving institution (the PSP), cAut = the endToEndId
    (the transaction's identifier in the SPI). tBand does not apply to PIX and is omitted. Each dict is
    validated against the builder's ``Pagamento`` model before it is returned.
    """
    out: list[dict[str, object]] = []
    for p in payments:
        liquido = p.valor - p.devolvido
        if liquido <= _ZERO:
            continue
        entry: dict[str, object] = {
            "forma": "17",
            "valor": Decimal(format_valor(liquido, "vPag")),
            "cartao": {
                "integracao": 1 if integrado else 2,
                "cnpj_credenciadora": psp.cnpj,
                "autorizacao": p.end_to_end_id,
            },
        }
        Pagamento.model_validate(entry)
        out.append(entry)
    return out


# -- reference repository -------------------------------------------------------------------------


class InMemoryPixCharges:
    """``engine.ports.PixChargeRepository`` in memory (tests, CLI demos); thread-safe."""

    def __init__(self, charges: list[PixCharge] | None = None) -> None:
        self._lock = threading.Lock()
        self._charges: dict[str, PixCharge] = {c.txid: c for c in charges or []}
        self._payments: dict[str, ConfirmedPayment] = {}

    def add(self, charge: PixCharge) -> None:
        with self._lock:
            self._charges[charge.txid] = charge

    def charge(self, txid: str) -> PixCharge | None:
        with self._lock:
            return self._charges.get(txid)

    def payment(self, end_to_end_id: str) -> ConfirmedPayment | None:
        with self._lock:
            return self._payments.get(end_to_end_id)

    def payments_of(self, txid: str) -> list[ConfirmedPayment]:
        with self._lock:
            return [p for p in self._payments.values() if p.txid == txid]

    def save(self, charge: PixCharge, payment: ConfirmedPayment) -> None:
        with self._lock:
            self._charges[charge.txid] = charge
            self._payments[payment.end_to_end_id] = payment
