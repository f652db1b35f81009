"""Records of the emission pipeline (plain data, no I/O) and its errors.

A ``DocumentRecord`` mirrors one row of the ``document`` table: the client's ``ref`` (unique per
tenant), the number, the chave, the state, and the signed XML bytes stored BEFORE they are sent
(design.md §6: once signed, a document is bytes; they are never re-serialised).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.errors import FiscalError


class DocStatus(StrEnum):
    RECEIVED = "received"
    NUMBERED = "numbered"
    SIGNED = "signed"  # signed bytes stored; not yet handed to the transport
    SENT = "sent"  # handed to the transport: SEFAZ may have it (consult by chave before anything else)
    AUTHORIZED = "authorized"  # 100 / 150
    REJECTED = "rejected"  # a rejection cStat: correct and re-send under the same number
    DENIED = "denied"  # 110 / 301 / 302: the number is used, the document has no effect
    CONTINGENCY = "contingency"  # off-line NFC-e (tpEmis 9) issued, awaiting transmission
    CANCELLED = "cancelled"  # event 110111 / 110112 registered


class Mode(StrEnum):
    NORMAL = "normal"
    OFFLINE = "offline"  # NFC-e tpEmis 9
    SVC = "svc"  # NF-e through SVC-AN / SVC-RS (tpEmis 6 / 7)
    EPEC = "epec"  # NF-e tpEmis 4: EPEC registered at the AN, the NF-e transmitted later (NT 2014.001)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    id: str
    tenant_id: str
    emitter_id: str
    ref: str
    model: int
    series: int
    status: DocStatus
    created_at: datetime
    updated_at: datetime
    number: int | None = None
    chave: str | None = None
    tp_emis: int = 1
    request_json: str | None = None
    signed_xml: bytes | None = None
    protocol: str | None = None
    protocol_xml: bytes | None = None  # SEFAZ's protNFe element, exactly as received
    cstat: int | None = None
    xmotivo: str | None = None
    created_by: str | None = None
    signed_at: datetime | None = None
    sent_at: datetime | None = None
    authorized_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a document's history (``document_event``): a state change or a fiscal event."""

    document_id: str
    occurred_at: datetime
    to_status: str
    from_status: str | None = None
    cstat: int | None = None
    detail: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """An event announced to integrations, written in the same transaction as its cause."""

    topic: str  # nfe.status | nfe.contingency | nfe.event | nfe.inutilizacao
    idempotency_key: str
    payload: dict[str, Any]
    created_at: datetime
    tenant_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditNote:
    """The audit-trail entry a request asks for (who, what); the pipeline appends it in the transaction
    that commits the request's outcome (``EmissionUnitOfWork.add_audit``), with the target and the
    outcome's details (number, status, cStat) added at that point."""

    actor: str  # "apikey:<id>", "cli"
    action: str  # document.emit | document.cancel | document.cce | document.inutilizacao | ...
    details: Mapping[str, Any] = field(default_factory=dict)  # the request's own (role, method, path)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A superseded transmission (``document_attempt``)."""

    document_id: str
    chave: str
    number: int
    tp_emis: int
    signed_xml: bytes
    reason: str  # contingency | rejected
    resolution: str  # pending | cancelled | voided | not_found | superseded
    created_at: datetime
    id: int | None = None
    protocol: str | None = None
    cstat: int | None = None
    xmotivo: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FiscalEventRecord:
    document_id: str
    chave: str
    tp_evento: str
    n_seq_evento: int
    created_at: datetime
    cstat: int | None = None
    xmotivo: str | None = None
    protocol: str | None = None
    detail: str | None = None
    proc_xml: bytes | None = None
    created_by: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class InutilizacaoRecord:
    id: str
    tenant_id: str
    emitter_id: str
    model: int
    series: int
    ano: int
    n_ini: int
    n_fin: int
    xjust: str
    created_at: datetime
    cstat: int | None = None
    xmotivo: str | None = None
    protocol: str | None = None
    proc_xml: bytes | None = None
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class ModeState:
    emitter_id: str
    model: int
    mode: Mode = Mode.NORMAL
    since: datetime | None = None
    reason: str | None = None
    deadline_ms: int = 5000


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    tenant_id: str
    emitter_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    model: int | None = None
    series: int | None = None
    number_from: int | None = None
    number_to: int | None = None
    status: DocStatus | None = None
    created_by: str | None = None  # read-own keys see only their documents
    after: tuple[datetime, str] | None = None  # cursor: (created_at, id) of the last item seen
    limit: int = 50


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    resolved: list[str] = field(default_factory=list)  # document ids whose state changed
    attempts_resolved: list[int] = field(default_factory=list)
    mode_changes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "doc id: reason" left for the next run


class EmissionError(FiscalError):
    code = "EMISSAO"


class NotFound(EmissionError):
    code = "NAO_ENCONTRADO"


class Conflict(EmissionError):
    code = "CONFLITO"


class InvalidRequest(EmissionError):
    code = "REQUISICAO_INVALIDA"


class DuplicateRef(EmissionError):
    """Raised by a unit of work when the (tenant, ref) unique constraint fires: another request with
    the same ref committed first. The caller re-reads that document (idempotent replay)."""

    code = "REF_DUPLICADA"


class NumberTaken(EmissionError):
    """Raised by a unit of work when the number it was asked to claim (``claim_number``: read outside the
    transaction, without a lock) is no longer the series' next one: another emission took it first. Nothing
    of that transaction was written; the caller takes the number under the series' lock instead."""

    code = "NUMERO_JA_TOMADO"


class StaleDocument(EmissionError):
    """The row changed since it was read (optimistic ``version`` check): another worker moved it."""

    code = "DOCUMENTO_ALTERADO"
