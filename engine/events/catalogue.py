"""The event catalogue: every event a webhook can carry, with its payload version and schema.

Two families:

* the clinic system's events (integrations guide, "Webhooks → Eventos Disponíveis"): the clinic
  application POSTs them to ``/v1/events`` and we fan them out to the subscriptions;
* ours, produced by this engine (emission, PIX, reconciliation, certificates, integrations).

Payload rules (so that every receiver re-serialising with ``JSON.stringify`` gets our exact bytes,
see ``engine.events.body``): amounts are decimal *strings* (``"150.00"``), never numbers; integers
fit in ±(2^53 − 1); no floats. ``validate(event, data)`` returns the findings in pt-BR.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    # The guide's events (posted by the clinic system to /v1/events).
    PATIENT_CREATED = "patient.created"
    APPOINTMENT_CREATED = "appointment.created"
    APPOINTMENT_CONFIRMED = "appointment.confirmed"
    PAYMENT_RECEIVED = "payment.received"
    INVOICE_PAID = "invoice.paid"
    MODULE_ACTIVATED = "module.activated"
    BACKUP_COMPLETED = "backup.completed"
    # Ours.
    NFE_AUTHORIZED = "nfe.authorized"
    NFE_REJECTED = "nfe.rejected"
    NFE_CANCELLED = "nfe.cancelled"
    NFE_CORRECTED = "nfe.corrected"
    NFE_CONTINGENCY = "nfe.contingency"
    NUMBERING_VOIDED = "numbering.voided"
    PIX_CHARGE_CREATED = "pix.charge.created"
    PIX_CHARGE_PAID = "pix.charge.paid"
    PAYMENT_REFUNDED = "payment.refunded"
    RECONCILIATION_COMPLETED = "reconciliation.completed"
    CERTIFICATE_EXPIRING = "certificate.expiring"
    INTEGRATION_FAILED = "integration.failed"
    # The webhook machinery's own: a test ping and the 90-day secret rotation reminder.
    WEBHOOK_PING = "webhook.ping"
    WEBHOOK_SECRET_ROTATION_DUE = "webhook.secret_rotation_due"  # noqa: S105 - an event name


class Kind(StrEnum):
    STRING = "string"
    AMOUNT = "amount"  # decimal string, up to 2 decimals (R$)
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATETIME = "datetime"  # ISO 8601 with offset
    CHAVE = "chave"  # 44-digit chave de acesso
    OBJECT = "object"  # free-form object (validated recursively for JSON safety only)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: EventType
    version: int
    description: str  # pt-BR, shown in the API's catalogue
    fields: tuple[Field, ...]
    from_clinic: bool = False  # accepted from the clinic system on /v1/events
    additional: bool = True  # extra fields allowed (the clinic system may send more than we list)


def _f(name: str, kind: Kind = Kind.STRING, *, required: bool = True, nullable: bool = False) -> Field:
    return Field(name, kind, required, nullable)


_ID = _f("id")
CATALOGUE: dict[EventType, EventSpec] = {
    s.type: s
    for s in (
        EventSpec(EventType.PATIENT_CREATED, 1, "Novo paciente cadastrado", (_ID, _f("name")), True),
        EventSpec(EventType.APPOINTMENT_CREATED, 1, "Agendamento criado",
                  (_ID, _f("patient_id"), _f("starts_at", Kind.DATETIME)), True),
        EventSpec(EventType.APPOINTMENT_CONFIRMED, 1, "Consulta confirmada",
                  (_ID, _f("patient_id"), _f("starts_at", Kind.DATETIME, required=False)), True),
        EventSpec(EventType.PAYMENT_RECEIVED, 1, "Pagamento recebido",
                  (_ID, _f("amount", Kind.AMOUNT), _f("method", required=False),
                   _f("patient_id", required=False)), True),
        EventSpec(EventType.INVOICE_PAID, 1, "Fatura paga",
                  (_ID, _f("amount", Kind.AMOUNT), _f("paid_at", Kind.DATETIME, required=False)), True),
        EventSpec(EventType.MODULE_ACTIVATED, 1, "Módulo ativado", (_f("module"),), True),
        EventSpec(EventType.BACKUP_COMPLETED, 1, "Backup concluído",
                  (_ID, _f("completed_at", Kind.DATETIME, required=False),
                   _f("size_bytes", Kind.INTEGER, required=False)), True),
        EventSpec(EventType.NFE_AUTHORIZED, 1, "NF-e/NFC-e autorizada (cStat 100/150)",
                  (_f("document_id"), _f("ref"), _f("emitter_id"), _f("model", Kind.INTEGER),
                   _f("number", Kind.INTEGER), _f("chave", Kind.CHAVE), _f("cstat", Kind.INTEGER),
                   _f("protocol", nullable=True), _f("tp_emis", Kind.INTEGER)), additional=False),
        EventSpec(EventType.NFE_REJECTED, 1, "NF-e/NFC-e rejeitada ou denegada pela SEFAZ",
                  (_f("document_id"), _f("ref"), _f("emitter_id"), _f("model", Kind.INTEGER),
                   _f("number", Kind.INTEGER, nullable=True), _f("chave", Kind.CHAVE, nullable=True),
                   _f("cstat", Kind.INTEGER, nullable=True), _f("status"), _f("tp_emis", Kind.INTEGER)),
                  additional=False),
        EventSpec(EventType.NFE_CANCELLED, 1, "Cancelamento registrado (evento 110111/110112)",
                  (_f("document_id"), _f("chave", Kind.CHAVE), _f("tp_evento"), _f("n_seq_evento", Kind.INTEGER),
                   _f("cstat", Kind.INTEGER, nullable=True), _f("protocol", nullable=True)), additional=False),
        EventSpec(EventType.NFE_CORRECTED, 1, "Carta de correção registrada (evento 110110)",
                  (_f("document_id"), _f("chave", Kind.CHAVE), _f("tp_evento"), _f("n_seq_evento", Kind.INTEGER),
                   _f("cstat", Kind.INTEGER, nullable=True), _f("protocol", nullable=True)), additional=False),
        EventSpec(EventType.NFE_CONTINGENCY, 1, "Emitente entrou ou saiu de contingência",
                  (_f("emitter_id"), _f("model", Kind.INTEGER), _f("from"), _f("to"),
                   _f("since", Kind.DATETIME, nullable=True), _f("reason", nullable=True)), additional=False),
        EventSpec(EventType.NUMBERING_VOIDED, 1, "Inutilização de numeração homologada",
                  (_ID, _f("emitter_id"), _f("model", Kind.INTEGER), _f("series", Kind.INTEGER),
                   _f("n_ini", Kind.INTEGER), _f("n_fin", Kind.INTEGER), _f("cstat", Kind.INTEGER, nullable=True),
                   _f("protocol", nullable=True)), additional=False),
        EventSpec(EventType.PIX_CHARGE_CREATED, 1, "Cobrança PIX criada",
                  (_f("txid"), _f("amount", Kind.AMOUNT), _f("expires_at", Kind.DATETIME, required=False))),
        EventSpec(EventType.PIX_CHARGE_PAID, 1, "Cobrança PIX paga",
                  (_f("txid"), _f("end_to_end_id"), _f("amount", Kind.AMOUNT), _f("paid_at", Kind.DATETIME))),
        # A devolução the PSP settled (API Pix: status DEVOLVIDO; the callback also fires then). The
        # names follow the API Pix (endToEndId, horario = the devolução's liquidação, or the pix's
        # horario when the PSP gave none); ``id`` is the devolução id (ours, [a-zA-Z0-9]{1,35}).
        EventSpec(EventType.PAYMENT_REFUNDED, 1, "Devolução de pix liquidada pelo PSP",
                  (_ID, _f("endToEndId"), _f("devolucao_id"), _f("valor", Kind.AMOUNT), _f("status"), _f("txid"),
                   _f("horario", Kind.DATETIME))),
        EventSpec(EventType.RECONCILIATION_COMPLETED, 1, "Conciliação bancária concluída",
                  (_ID, _f("matched", Kind.INTEGER), _f("unmatched", Kind.INTEGER),
                   _f("total_amount", Kind.AMOUNT, required=False))),
        EventSpec(EventType.CERTIFICATE_EXPIRING, 1, "Certificado A1 perto do vencimento",
                  (_f("emitter_id"), _f("not_after", Kind.DATETIME), _f("days_left", Kind.INTEGER))),
        EventSpec(EventType.INTEGRATION_FAILED, 1, "Integração falhou repetidamente",
                  (_f("integration"), _f("error"), _f("consecutive_failures", Kind.INTEGER))),
        EventSpec(EventType.WEBHOOK_PING, 1, "Teste de webhook (ping)",
                  (_f("webhook_id"), _f("message")), additional=False),
        EventSpec(EventType.WEBHOOK_SECRET_ROTATION_DUE, 1, "Segredo do webhook com mais de 90 dias: rotacione",
                  (_f("webhook_id"), _f("secret_created_at", Kind.DATETIME), _f("days", Kind.INTEGER)),
                  additional=False),
    )
}

CLINIC_EVENTS: frozenset[EventType] = frozenset(t for t, s in CATALOGUE.items() if s.from_clinic)
SUBSCRIBABLE: frozenset[EventType] = frozenset(CATALOGUE)

# JSON.parse turns every number into an IEEE double: integers beyond 2^53 - 1 would come back
# altered, and JSON.stringify would then print other digits than the ones we signed.
MAX_SAFE_INTEGER = 2**53 - 1
_AMOUNT = re.compile(r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
_CHAVE = re.compile(r"^[0-9]{44}$")
MAX_DEPTH = 16


def parse_event_type(name: str) -> EventType | None:
    try:
        return EventType(name)
    except ValueError:
        return None


def json_safety(value: Any, path: str, depth: int = 0) -> list[str]:
    """Problems that would make ``JSON.stringify(JSON.parse(body))`` differ from our body."""
    if depth > MAX_DEPTH:
        return [f"{path}: aninhamento acima de {MAX_DEPTH} níveis"]
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            return [f"{path}: inteiro fora do intervalo seguro do JavaScript (±2^53−1); envie como texto"]
        return []
    if isinstance(value, float):
        return [f"{path}: números decimais devem ser enviados como texto (ex.: \"150.00\"), nunca como float"]
    if isinstance(value, str):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            return [f"{path}: texto com surrogate UTF-16 isolado (não é Unicode válido)"]
        return []
    if isinstance(value, Mapping):
        problems: list[str] = []
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{path}: chave não textual {key!r}")
                continue
            problems += json_safety(key, f"{path}.<chave>", depth + 1)
            problems += json_safety(item, f"{path}.{key}", depth + 1)
        return problems
    if isinstance(value, list | tuple):
        out: list[str] = []
        for i, item in enumerate(value):
            out += json_safety(item, f"{path}[{i}]", depth + 1)
        return out
    return [f"{path}: tipo {type(value).__name__} não representável em JSON"]


def _kind_problem(kind: Kind, value: Any) -> str | None:
    if kind is Kind.INTEGER:
        return None if isinstance(value, int) and not isinstance(value, bool) else "deve ser um número inteiro"
    if kind is Kind.BOOLEAN:
        return None if isinstance(value, bool) else "deve ser true ou false"
    if kind is Kind.OBJECT:
        return None if isinstance(value, Mapping) else "deve ser um objeto"
    if not isinstance(value, str):
        if kind is Kind.AMOUNT:
            return "valores monetários são texto com ponto decimal (ex.: \"150.00\"), nunca número"
        return "deve ser texto"
    if kind is Kind.AMOUNT and not _AMOUNT.match(value):
        return "valor monetário inválido: use dígitos e até 2 casas decimais com ponto (ex.: \"150.00\")"
    if kind is Kind.DATETIME and not _DATETIME.match(value):
        return "data/hora inválida: use ISO 8601 com fuso (ex.: \"2026-12-04T14:30:00-03:00\")"
    if kind is Kind.CHAVE and not _CHAVE.match(value):
        return "chave de acesso deve ter 44 dígitos"
    if kind is Kind.STRING and not value.strip():
        return "não pode ser vazio"
    return None


def validate(event: EventType, data: Any) -> list[str]:
    """pt-BR problems of ``data`` as the payload of ``event`` (empty: valid)."""
    spec = CATALOGUE[event]
    if not isinstance(data, Mapping):
        return ["data: deve ser um objeto JSON"]
    problems = json_safety(data, "data")
    known = {f.name for f in spec.fields}
    for field in spec.fields:
        if field.name not in data:
            if field.required:
                problems.append(f"data.{field.name}: campo obrigatório de {event.value} ausente")
            continue
        value = data[field.name]
        if value is None:
            if not field.nullable:
                problems.append(f"data.{field.name}: não pode ser nulo")
            continue
        problem = _kind_problem(field.kind, value)
        if problem:
            problems.append(f"data.{field.name}: {problem}")
    if not spec.additional:
        problems += [f"data.{k}: campo não previsto em {event.value} v{spec.version}" for k in data if k not in known]
    return problems
