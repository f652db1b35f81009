"""The emission pipeline and its state machine (numbering, persist-before-send, recovery, contingency).

Public API::

    EmissionService(repo, emitters, clock, *, rng=None, recovery_grace_s=10.0)
        .emit(EmitRequest) -> EmitOutcome                 # idempotent by (tenant, ref)
        .correct(tenant_id, doc_id, body) -> DocumentRecord  # rejected -> re-sent, same number
        .cancel / .cancel_substitution / .correction_letter -> EventOutcome
        .inutilizar(tenant_id, emitter_id, *, model, series, n_ini, n_fin, xjust, ano) -> InutilizacaoRecord
        .recover_pending(now) -> RecoveryReport            # the periodic worker
        .check_modes() / .mode(emitter_id, model) / .set_deadline(...)
    records: DocStatus, Mode, DocumentRecord, HistoryEntry, AuditNote, Attempt, FiscalEventRecord, InutilizacaoRecord,
             ModeState, DocumentFilter, RecoveryReport; errors NotFound, Conflict, InvalidRequest,
             DuplicateRef, NumberTaken, StaleDocument (all EmissionError -> FiscalError)

Ports (engine.ports): EmissionRepository / EmissionUnitOfWork, EmitterDirectory / EmitterContext,
SefazGateway. Adapters: adapters.db.documents, adapters.sefaz_wiring.
"""

from engine.emission.pipeline import (
    TRANSITIONS,
    EmissionService,
    EmitOutcome,
    EmitRequest,
    EventOutcome,
    ambiente,
    chave_of,
)
from engine.emission.records import (
    Attempt,
    AuditNote,
    Conflict,
    DocStatus,
    DocumentFilter,
    DocumentRecord,
    DuplicateRef,
    EmissionError,
    FiscalEventRecord,
    HistoryEntry,
    InutilizacaoRecord,
    InvalidRequest,
    Mode,
    ModeState,
    NotFound,
    NumberTaken,
    OutboxMessage,
    RecoveryReport,
    StaleDocument,
)

__all__ = [
    "TRANSITIONS", "Attempt", "AuditNote", "Conflict", "DocStatus", "DocumentFilter", "DocumentRecord", "DuplicateRef",
    "EmissionError", "EmissionService", "EmitOutcome", "EmitRequest", "EventOutcome", "FiscalEventRecord",
    "HistoryEntry", "InutilizacaoRecord", "InvalidRequest", "Mode", "ModeState", "NotFound", "NumberTaken",
    "OutboxMessage", "RecoveryReport", "StaleDocument", "ambiente", "chave_of",
]
