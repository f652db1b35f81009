"""The emission pipeline: numbering, persist-before-send, state machine, recovery and contingency.

Free of I/O: the database is ``engine.ports.EmissionRepository`` (one unit of work = one
transaction), SEFAZ is ``engine.ports.SefazGateway`` (``engine.sefaz.SefazClient``), the clock is
``engine.ports.Clock``. Lessons from the field this module is built around:

* a SEFAZ timeout followed by a rebuilt re-send creates duplicates (204 same chave, 539 same number
  with another chave): the signed bytes are stored BEFORE they are sent, a re-send is always the
  identical stored bytes, and a document whose answer was lost is first consulted by chave;
* the off-line NFC-e (tpEmis 9) is a NEW chave; when the online attempt was transmitted it also
  takes a NEW number (Ajuste SINIEF 19/16, cláusula décima primeira, § 2º; see
  engine/nfe/contingencia.py), and the online attempt is resolved later: cancelled by substitution
  (event 110112, NT 2018.004) when SEFAZ did authorize it, its number voided when it did not;
* identical requests repeated in a loop get the emitter blocked (656): bytes SEFAZ rejected are
  never re-sent (the client refuses them), a rejected document is corrected into new bytes.

States (``DocStatus``)::

    received -> numbered -> signed -> sent -> authorized -> cancelled
                       \\          \\      \\-> rejected -> signed (corrected, same number)
                        \\          \\      \\-> denied
                         \\-> contingency (off-line NFC-e) -> authorized | rejected | denied

Every state change is written with its history line in the same transaction; each committed
transition carries ONE ``nfe.status`` outbox event from the state before the commit to the state after
it (an emission commits received -> numbered -> signed -> sent at once: one event, ``from`` null,
``to`` sent); mode switches (normal / offline / svc / epec) with ``nfe.contingency``. The request's audit
entry (``AuditNote``) is appended by the transaction that commits its outcome, as its last write.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lxml import etree

from certificates.xmldsig import sign_document
from engine.emission import epec
from engine.emission.records import (
    Attempt,
    AuditNote,
    Conflict,
    DocStatus,
    DocumentFilter,
    DocumentRecord,
    DuplicateRef,
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
from engine.errors import Finding, FiscalError
from engine.nfe.build import EntradaInvalida, Venda, build_nfe, parse_venda
from engine.nfe.chave import chave_of
from engine.nfe.contingencia import finalize_offline, to_offline, to_svc
from engine.nfe.xmlio import render
from engine.ports import (
    Clock,
    EmissionRepository,
    EmissionUnitOfWork,
    EmitterContext,
    EmitterDirectory,
    TransportError,
)
from engine.sefaz import cstat as cs
from engine.sefaz.client import EPEC_NAO_SINCRONIZADO, Autorizacao
from engine.sefaz.errors import ConsumoIndevidoEvitado, RespostaInvalida, SefazError, ServicoIndisponivel
from engine.sefaz.messages import PagamentoConciliado
from engine.sefaz.results import ProtocoloNFe, ResultadoEvento
from engine.xml.parser import parse_xml

_N = "{http://www.portalfiscal.inf.br/nfe}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"

TRANSITIONS: dict[DocStatus, frozenset[DocStatus]] = {
    DocStatus.RECEIVED: frozenset({DocStatus.NUMBERED}),
    DocStatus.NUMBERED: frozenset({DocStatus.SIGNED, DocStatus.CONTINGENCY}),
    DocStatus.SIGNED: frozenset({DocStatus.SENT, DocStatus.CONTINGENCY}),
    # SENT -> SIGNED: the NF-e re-issued for the SVC after the authorizer answered 108/109, or for EPEC after
    # the SVC did not answer (new bytes; engine/emission/epec.py).
    DocStatus.SENT: frozenset({DocStatus.AUTHORIZED, DocStatus.REJECTED, DocStatus.DENIED, DocStatus.CONTINGENCY,
                               DocStatus.SIGNED}),
    DocStatus.REJECTED: frozenset({DocStatus.SIGNED}),
    DocStatus.CONTINGENCY: frozenset({DocStatus.AUTHORIZED, DocStatus.REJECTED, DocStatus.DENIED}),
    DocStatus.AUTHORIZED: frozenset({DocStatus.CANCELLED}),
    DocStatus.DENIED: frozenset(),
    DocStatus.CANCELLED: frozenset(),
}
# Where recovery looks: the answer may have been lost (signed/sent) or the off-line NFC-e awaits
# transmission (contingency).
PENDING = (DocStatus.SIGNED, DocStatus.SENT, DocStatus.CONTINGENCY)

DEFAULT_DEADLINE_MS = 5000
XJUST_OFFLINE = "Autorizador da NFC-e sem resposta no prazo do PDV; emissao em contingencia off-line"
XJUST_SVC = "Autorizador da NF-e da UF fora de operacao (servico de status); emissao pela SVC"
XJUST_SUBSTITUICAO = "NFC-e emitida em contingencia off-line em substituicao a esta, transmitida sem resposta"
XJUST_INUTILIZACAO = "Numero da NFC-e substituida por emissao em contingencia off-line sem registro na SEFAZ"
_CHAVE_IN_MOTIVO = re.compile(r"chNFe:?\s*(\d{44})")


@dataclass(frozen=True, slots=True)
class EmitRequest:
    tenant_id: str
    emitter_id: str
    ref: str
    model: int  # 55 NF-e, 65 NFC-e
    body: str  # the friendly PDV JSON exactly as received (stored; numbers parsed as Decimal)
    created_by: str | None = None  # the API key id (read-own)
    request_id: str | None = None
    audit: AuditNote | None = None  # appended in the transaction that commits the outcome


@dataclass(slots=True)
class _AuditDue:
    """The ``document.emit`` audit entry one ``emit`` call still owes (per call, never shared): the
    transaction that commits the outcome appends it as its last write; when no pipeline transaction
    took it (an answer we keep for recovery), ``emit`` appends it on its own at the end."""

    note: AuditNote
    tenant_id: str
    request_id: str | None
    written: bool = False


@dataclass(slots=True)
class _Staged:
    """State changes of one document staged in memory and written together by ``_write``: ONE row write
    (insert or version-checked update of the changed columns), the history lines (one per change, in
    one executemany) and ONE ``nfe.status`` event from the committed state before to the state after:
    consumers could only ever observe committed states (docs/webhooks.md)."""

    before: DocumentRecord | None  # None: the row is inserted by this commit
    doc: DocumentRecord
    history: list[HistoryEntry] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class EmitOutcome:
    document: DocumentRecord
    created: bool  # False: an idempotent replay of the same ref


@dataclass(frozen=True, slots=True)
class EventOutcome:
    document: DocumentRecord
    event: FiscalEventRecord


def ambiente(tp_amb: int) -> str:
    return "producao" if int(tp_amb) == 1 else "homologacao"


def _digest_of(signed: bytes) -> str:
    found = parse_xml(signed).find(f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    return (found.text or "").strip() if found is not None else ""


def _maybe_delivered(exc: BaseException) -> bool:
    """Whether SEFAZ may have received the document. The client consults by chave after a possibly
    delivered POST; when that consulta fails too, ITS exception is raised with the POST's failure as
    ``__context__``: a refused consulta must not hide a POST that timed out after sending."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TransportError) and seen.delivered:
            return True
        if isinstance(seen, RespostaInvalida):  # an answer came back, unreadable: it was delivered
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _load_body(body: str) -> Any:
    try:
        return json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise InvalidRequest("o corpo não é um JSON válido", code="JSON_INVALIDO") from exc


def _canonical(body: str) -> str:
    return json.dumps(_load_body(body), sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


class EmissionService:
    """The pipeline for every emitter; stateless between calls (all state is in the repository)."""

    def __init__(
        self,
        repo: EmissionRepository,
        emitters: EmitterDirectory,
        clock: Clock,
        *,
        rng: random.Random | None = None,
        recovery_grace_s: float = 10.0,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.repo = repo
        self.emitters = emitters
        self.clock = clock
        self.rng = rng
        self.recovery_grace_s = recovery_grace_s
        self.new_id = new_id

    # ------------------------------------------------------------------------------ helpers

    def _context(self, tenant_id: str, emitter_id: str) -> EmitterContext:
        ctx = self.emitters.context(tenant_id, emitter_id)
        if ctx is None:
            raise NotFound(f"emitente '{emitter_id}' não encontrado", code="EMITENTE_NAO_ENCONTRADO",
                           path="emitter_id")
        return ctx

    def _stage(self, staged: _Staged, to: DocStatus, *, cstat: int | None = None, detail: str | None = None,
               request_id: str | None = None, **fields: Any) -> DocumentRecord:
        """Move the staged document to ``to`` in memory (transition checked); nothing is written yet."""
        doc = staged.doc
        if to != doc.status and to not in TRANSITIONS[doc.status]:
            raise Conflict(f"o documento está '{doc.status.value}' e não pode passar para '{to.value}'",
                           code="ESTADO_INVALIDO")
        now = self.clock.now()
        if cstat is not None:
            fields.setdefault("cstat", cstat)
        staged.doc = replace(doc, status=to, updated_at=now, version=doc.version + 1, **fields)
        staged.columns.update(fields)
        staged.history.append(HistoryEntry(doc.id, now, to.value, doc.status.value, cstat, detail, request_id))
        return staged.doc

    def _write(self, uow: EmissionUnitOfWork, staged: _Staged) -> DocumentRecord:
        """Write the staged changes: the row (insert, or update with the optimistic version check), the
        history lines and the one outbox event of this commit."""
        new, before = staged.doc, staged.before
        if before is None:
            uow.insert_document(new)
        else:
            uow.update_document(new, expected_version=before.version, columns=staged.columns)
        uow.add_histories(staged.history)
        uow.add_outbox(OutboxMessage(
            "nfe.status", f"nfe.status:{new.id}:{new.version}",
            {"document_id": new.id, "ref": new.ref, "emitter_id": new.emitter_id, "model": new.model,
             "from": before.status.value if before is not None else None, "to": new.status.value,
             "chave": new.chave, "number": new.number, "cstat": new.cstat, "protocol": new.protocol,
             "tp_emis": new.tp_emis},
            new.updated_at, new.tenant_id,
        ))
        return new

    def _change(
        self, uow: EmissionUnitOfWork, doc: DocumentRecord, to: DocStatus, *, cstat: int | None = None,
        detail: str | None = None, request_id: str | None = None, **fields: Any,
    ) -> DocumentRecord:
        """Move ``doc`` to ``to``: the row (optimistic version check), its history and its outbox event."""
        staged = _Staged(doc, doc)
        self._stage(staged, to, cstat=cstat, detail=detail, request_id=request_id, **fields)
        return self._write(uow, staged)

    def _settle(self, uow: EmissionUnitOfWork, doc: DocumentRecord, to: DocStatus, **kw: Any) -> DocumentRecord:
        """The final change of an attempt: written with the version check against the ``doc`` this call
        holds (no locking read first); only when another process moved the row is it re-read. A document
        another worker already moved there (or past it) is returned as it is."""
        try:
            return self._change(uow, doc, to, **kw)
        except StaleDocument:
            cur = self._fresh(uow, doc)
            if cur.status == to or to not in TRANSITIONS[cur.status]:
                return cur  # another worker got there first
            return self._change(uow, cur, to, **kw)

    def _settle_committed(self, doc: DocumentRecord, to: DocStatus, *, audit: _AuditDue | None,
                          **kw: Any) -> DocumentRecord:
        """``_settle`` plus the request's audit entry, in their own transaction. A unit of work may check the
        version only when it commits (adapters/db/documents.py on PostgreSQL: the UPDATE, its line, event and
        audit entry are ONE statement): a ``StaleDocument`` from the commit rolled everything back, and the
        row is then re-read and settled in a new transaction, exactly as ``_settle`` does in one."""
        try:
            with self.repo.unit_of_work() as uow:
                new = self._settle(uow, doc, to, **kw)
                self._audit_emit(uow, audit, new)
            return new
        except StaleDocument:
            if audit is not None:
                audit.written = False  # rolled back with that transaction
        with self.repo.unit_of_work() as uow:
            cur = self._fresh(uow, doc)
            new = cur if cur.status == to or to not in TRANSITIONS[cur.status] else self._change(uow, cur, to, **kw)
            self._audit_emit(uow, audit, new)
        return new

    def _audit_emit(self, uow: EmissionUnitOfWork, due: _AuditDue | None, doc: DocumentRecord) -> None:
        """The request's audit entry, as the LAST write of the transaction committing ``doc``."""
        if due is None or due.written:
            return
        uow.add_audit(due.note, now=self.clock.now(), tenant_id=due.tenant_id, target=f"document/{doc.id}",
                      details={**due.note.details, "ref": doc.ref, "model": doc.model, "number": doc.number,
                               "status": doc.status.value}, request_id=due.request_id)
        due.written = True

    def _note(self, uow: EmissionUnitOfWork, doc: DocumentRecord, what: str, *, cstat: int | None = None,
              detail: str | None = None, request_id: str | None = None) -> None:
        """A history line without a state change (an event, a failed attempt, a resolution)."""
        uow.add_history(HistoryEntry(doc.id, self.clock.now(), what, doc.status.value, cstat, detail, request_id))

    def _switch_mode(self, uow: EmissionUnitOfWork, tenant_id: str, state: ModeState, old: ModeState) -> None:
        now = self.clock.now()
        uow.set_mode(state, now=now)
        uow.add_outbox(OutboxMessage(
            "nfe.contingency", f"nfe.contingency:{state.emitter_id}:{state.model}:{state.mode}:{now.isoformat()}",
            {"emitter_id": state.emitter_id, "model": state.model, "from": old.mode.value, "to": state.mode.value,
             "since": state.since.isoformat() if state.since else None, "reason": state.reason},
            now, tenant_id,
        ))

    def _fresh(self, uow: EmissionUnitOfWork, doc: DocumentRecord) -> DocumentRecord:
        cur = uow.get_document(None, id=doc.id, for_update=True)
        if cur is None:  # pragma: no cover - documents are never deleted
            raise NotFound(f"documento {doc.id} não encontrado", code="DOCUMENTO_NAO_ENCONTRADO")
        return cur

    def mode(self, emitter_id: str, model: int) -> ModeState:
        with self.repo.reader() as uow:
            return uow.get_mode(emitter_id, model)

    def deadline_s(self, emitter_id: str, model: int) -> float:
        return self.mode(emitter_id, model).deadline_ms / 1000.0

    # ------------------------------------------------------------------------------ emission

    def _replay(self, found: DocumentRecord, req: EmitRequest) -> EmitOutcome:
        if found.emitter_id != req.emitter_id or found.model != req.model or (
            found.request_json is not None and _canonical(found.request_json) != _canonical(req.body)
        ):
            raise Conflict(
                f"a referência '{req.ref}' já foi usada por outro documento com conteúdo diferente; use uma nova "
                "'ref' para uma nova venda (a mesma 'ref' devolve sempre o mesmo documento)",
                code="REF_EM_USO", path="ref",
            )
        return EmitOutcome(found, created=False)

    def _parse(self, req: EmitRequest, ctx: EmitterContext) -> tuple[Venda, int]:
        data = _load_body(req.body)
        if not isinstance(data, dict):
            raise InvalidRequest("o corpo deve ser um objeto JSON com a venda", code="VENDA_INVALIDA")
        data.pop("ref", None)
        data.pop("emitter_id", None)
        data.setdefault("modelo", req.model)
        findings: list[Finding] = []
        if data.get("numero") is not None:
            findings.append(Finding(code="NUMERO_ATRIBUIDO_PELO_SERVICO", path="numero", cstat="539",
                                    mensagem="não informe 'numero': o serviço atribui o próximo número da série "
                                    "(numeração sem lacunas nem repetição)"))
        if data.get("modelo") != req.model:
            findings.append(Finding(code="MODELO_DIVERGENTE", path="modelo",
                                    mensagem=f"este endpoint emite modelo {req.model}; a venda diz "
                                    f"{data.get('modelo')}"))
        if findings:
            raise EntradaInvalida(findings)
        venda = parse_venda(data)
        emitente = ctx.emitente
        series = venda.serie if venda.serie is not None else (
            emitente.series.nfe if req.model == 55 else emitente.series.nfce)
        return venda, series

    def emit(self, req: EmitRequest) -> EmitOutcome:
        """Issue the document of ``req`` (or return the one already issued for its ref).

        The document is numbered, built, signed and stored as 'sent' by one write (received -> numbered ->
        signed -> sent commit together, persist-before-send): a failed build takes no number and writes
        nothing, and a crash before that commit leaves nothing behind. The number is peeked without a lock
        and claimed by that write (docs/emission.md, "Why optimistic numbering"); the unique (tenant, ref)
        constraint is the arbiter of concurrent retries: the loser's write, its number included, is undone
        and it answers with the winner's document.

        The emitter's configuration: the context cached in memory when the peek's fresh read of its stamp
        (version, active certificate) matches the one it was built under — no read of its own — else read
        again (``EmitterDirectory.context``)."""
        cached = self.emitters.cached(req.tenant_id, req.emitter_id)
        while True:
            try:
                ctx = cached[0] if cached is not None else self._context(req.tenant_id, req.emitter_id)
                venda, series = self._parse(req, ctx)
            except FiscalError:
                # A retry of a ref already issued gets its document even when the emitter or the input
                # changed since: a replay needs neither.
                with self.repo.reader() as uow:
                    found = uow.get_document(req.tenant_id, ref=req.ref)
                if found is not None:
                    return self._replay(found, req)
                raise
            existing_id, state, number, stamp = self.repo.peek_emission(
                req.tenant_id, req.ref, req.emitter_id, req.model, ctx.emitente.cnpj, series)
            if cached is None or stamp == cached[1]:
                break
            cached = None  # changed since it was cached (or gone): read again, its stamp checked there
        now = self.clock.now()
        doc = DocumentRecord(
            id=self.new_id(), tenant_id=req.tenant_id, emitter_id=req.emitter_id, ref=req.ref, model=req.model,
            series=series, status=DocStatus.RECEIVED, created_at=now, updated_at=now, request_json=req.body,
            created_by=req.created_by,
        )
        due = _AuditDue(req.audit, req.tenant_id, req.request_id) if req.audit is not None else None
        existing: DocumentRecord | None = None
        try:
            if existing_id is not None:
                with self.repo.reader() as uow:
                    existing = uow.get_document(req.tenant_id, id=existing_id)
            else:
                stored = None if number is None else self._store_claimed(ctx, doc, venda, state, req, series, number,
                                                                         due)
                if stored is None:  # a series never used here, or the claim lost: the series' lock
                    existing, stored, state = self._store_locked(ctx, doc, venda, req, series, due)
                if stored is not None:
                    doc = stored
        except DuplicateRef:
            # A concurrent retry with the same ref committed first; our number was rolled back with it.
            if due is not None:
                due.written = False
            with self.repo.reader() as uow:
                existing = uow.get_document(req.tenant_id, ref=req.ref)
            if existing is None:  # pragma: no cover - the constraint fired, so the row exists
                raise
        if existing is not None:
            return self._replay(existing, req)
        if doc.status == DocStatus.SENT and epec.is_epec(doc):  # in EPEC: its EPEC goes to the AN
            doc = epec.register_epec(self, ctx, doc, online=True, request_id=req.request_id)
        elif doc.status == DocStatus.SENT:
            doc = self._send(ctx, doc, online=True, request_id=req.request_id,
                             deadline_s=state.deadline_ms / 1000.0, audit=due)
        if due is not None and not due.written:
            with self.repo.unit_of_work() as uow:
                self._audit_emit(uow, due, doc)
        return EmitOutcome(doc, created=True)

    def _store_claimed(self, ctx: EmitterContext, doc: DocumentRecord, venda: Venda, state: ModeState,
                       req: EmitRequest, series: int, number: int, due: _AuditDue | None) -> DocumentRecord | None:
        """Optimistic: ``number`` (peeked without a lock) used to build and sign OUTSIDE any transaction, then
        one write that claims it only if it is still the series' next one and stores the document with it (one
        statement on PostgreSQL: no BEGIN/COMMIT, and the series is never locked while a document is built
        and signed). None when another emission took the number first: nothing was written."""
        staged = self._prepare(ctx, doc, venda, state, req.request_id, number)
        try:
            with self.repo.unit_of_work() as uow:
                uow.claim_number(ctx.emitente.cnpj, req.model, series, number)
                stored = self._store(uow, staged, due)
        except NumberTaken:  # raised as late as the end of the unit of work (the one statement)
            if due is not None:
                due.written = False
            return None
        return stored

    def _store_locked(self, ctx: EmitterContext, doc: DocumentRecord, venda: Venda, req: EmitRequest, series: int,
                      due: _AuditDue | None) -> tuple[DocumentRecord | None, DocumentRecord | None, ModeState]:
        """Under the series' lock: the probe and the number (taken only when the ref is free) in one call, one
        statement on PostgreSQL, then build, sign and store in the same transaction; the number rolls back with
        everything else. (the document already holding the ref, None, mode) or (None, the stored one, mode)."""
        with self.repo.unit_of_work() as uow:
            existing_id, state, number = uow.probe_and_allocate(req.tenant_id, req.ref, req.emitter_id, req.model,
                                                                ctx.emitente.cnpj, series)
            if existing_id is not None:
                return uow.get_document(req.tenant_id, id=existing_id), None, state
            if number is None:  # pragma: no cover - the port's contract: a free ref always gets a number
                raise RuntimeError("referência livre sem número alocado na série")
            stored = self._store(uow, self._prepare(ctx, doc, venda, state, req.request_id, number), due)
        return None, stored, state

    def _prepare(self, ctx: EmitterContext, doc: DocumentRecord, venda: Venda, state: ModeState,
                 request_id: str | None, number: int) -> _Staged:
        """The received document numbered, built and signed — or issued off-line / in EPEC when the emitter is
        already in that contingency — staged in memory; nothing is written."""
        emitente = ctx.emitente
        staged = _Staged(None, doc)
        staged.history.append(HistoryEntry(doc.id, doc.created_at, DocStatus.RECEIVED.value, doc.status.value,
                                           None, None, request_id))
        self._stage(staged, DocStatus.NUMBERED, number=number, request_id=request_id)
        root = render(build_nfe(venda, emitente, now=self.clock.now(), rng=self.rng, numero=number))
        if doc.model == 65 and state.mode == Mode.OFFLINE:
            # Already in contingency: straight to tpEmis 9, the number was never sent (it is kept).
            final = self._offline_bytes(ctx, root, since=state.since or self.clock.now(), transmitted=False,
                                        number=None)
            self._stage(staged, DocStatus.CONTINGENCY, chave=chave_of(final), tp_emis=9, signed_xml=final,
                        signed_at=self.clock.now(), detail="emitente em contingência off-line", request_id=request_id)
            return staged
        if doc.model == 65 and state.mode == Mode.EPEC:
            # SP's NFC-e EPEC active for this emitter: straight to tpEmis 4 (number never sent, kept); committed
            # 'sent', its EPEC goes to SEFAZ-SP right after (engine/emission/epec.py).
            final = epec.epec_nfce_bytes(self, ctx, root, since=state.since or self.clock.now(), transmitted=False,
                                         number=None)
            self._stage(staged, DocStatus.SIGNED, chave=chave_of(final), tp_emis=4, signed_xml=final,
                        signed_at=self.clock.now(), detail="emitente em contingência EPEC", request_id=request_id)
            self._stage(staged, DocStatus.SENT, sent_at=self.clock.now(), request_id=request_id)
            return staged
        if doc.model == 55 and state.mode == Mode.SVC:
            root = self._svc_root(ctx, root, state)
        elif doc.model == 55 and state.mode == Mode.EPEC:
            # Authorizer and SVC silent: straight to EPEC (tpEmis 4); the number was never sent (kept).
            root = epec.epec_root(ctx, root, since=state.since or self.clock.now(), rng=self.rng)
        chave = chave_of(root)
        signed = sign_document(root, ctx.a1)
        self._stage(staged, DocStatus.SIGNED, chave=chave, tp_emis=int(chave[34]), signed_xml=signed,
                    signed_at=self.clock.now(), cstat=None, xmotivo=None, request_id=request_id)
        # 'sent' (SEFAZ may have it from now on) in the same commit: the bytes are durable before the
        # transport sees them, and recovery consults the chave of any 'sent' document first.
        self._stage(staged, DocStatus.SENT, sent_at=self.clock.now(), request_id=request_id)
        return staged

    def _store(self, uow: EmissionUnitOfWork, staged: _Staged, due: _AuditDue | None) -> DocumentRecord:
        """Insert what ``_prepare`` staged, in the transaction that holds its number; an off-line NFC-e is the
        request's outcome, so its audit entry goes with it."""
        new = self._write(uow, staged)
        if new.status == DocStatus.CONTINGENCY:
            self._audit_emit(uow, due, new)
        return new

    def _svc_root(self, ctx: EmitterContext, source: etree._Element | bytes, state: ModeState) -> etree._Element:
        rt = ctx.emitente.responsavel_tecnico
        return to_svc(source, now=state.since or self.clock.now(), xjust=state.reason or XJUST_SVC,
                      transmitida=False, csrt=rt.csrt.token if rt and rt.csrt else None, rng=self.rng)

    def _sign_and_send(self, ctx: EmitterContext, doc: DocumentRecord, signed: bytes, *,
                       request_id: str | None, detail: str | None = None,
                       audit: _AuditDue | None = None) -> DocumentRecord:
        # Persist-before-send: the bytes are committed before the transport sees them.
        chave = chave_of(signed)
        tp_emis = int(chave[34])
        with self.repo.unit_of_work() as uow:
            cur = self._fresh(uow, doc)
            staged = _Staged(cur, cur)
            self._stage(staged, DocStatus.SIGNED, chave=chave, tp_emis=tp_emis, signed_xml=signed,
                        signed_at=self.clock.now(), cstat=None, xmotivo=None, detail=detail, request_id=request_id)
            # 'sent' (SEFAZ may have it from now on) in the same commit: one fsync less per document;
            # the bytes are still durable before the transport sees them.
            self._stage(staged, DocStatus.SENT, sent_at=self.clock.now(), request_id=request_id)
            doc = self._write(uow, staged)
        return self._send(ctx, doc, online=True, request_id=request_id, audit=audit)

    def _send(self, ctx: EmitterContext, doc: DocumentRecord, *, online: bool, request_id: str | None,
              deadline_s: float | None = None, audit: _AuditDue | None = None) -> DocumentRecord:
        """Hand the stored bytes to SEFAZ and record the outcome. ``deadline_s``: the PDV's deadline when
        the caller already read the mode row (else it is read here)."""
        if doc.status == DocStatus.SIGNED:
            with self.repo.unit_of_work() as uow:
                doc = self._change(uow, self._fresh(uow, doc), DocStatus.SENT, sent_at=self.clock.now(),
                                   request_id=request_id)
        signed = doc.signed_xml
        assert signed is not None
        if online:
            gateway = ctx.online(deadline_s if deadline_s is not None else self.deadline_s(doc.emitter_id, doc.model))
        else:
            gateway = ctx.worker()
        try:
            result = gateway.authorize(signed)
        except (TransportError, RespostaInvalida, ServicoIndisponivel, ConsumoIndevidoEvitado) as exc:
            return self._no_answer(ctx, doc, exc.mensagem, delivered=_maybe_delivered(exc), online=online,
                                   request_id=request_id, audit=audit)
        return self._apply(ctx, doc, result, online=online, request_id=request_id, audit=audit)

    def _apply(self, ctx: EmitterContext, doc: DocumentRecord, result: Autorizacao, *, online: bool,
               request_id: str | None, audit: _AuditDue | None = None) -> DocumentRecord:
        code = result.cstat
        prot = result.protocolo
        if prot is not None and (prot.autorizado or prot.denegado):
            return self._finish(doc, prot, request_id=request_id, audit=audit,
                                detail="resolvido por consulta" if result.via_consulta else None)
        if code in cs.PARALISADO:
            # 108/109 is answered before any document is processed: SEFAZ holds nothing of these bytes.
            return self._no_answer(ctx, doc, f"cStat {code}: {result.xmotivo}", delivered=False, online=online,
                                   request_id=request_id, audit=audit)
        if code == EPEC_NAO_SINCRONIZADO and epec.is_epec(doc):
            # The origin has not received this NF-e's EPEC from the AN yet (NT 2014.001): not a rejection,
            # the worker sends the identical bytes again on its next run.
            with self.repo.unit_of_work() as uow:
                # (history's to_status holds 16 characters)
                self._note(uow, doc, "epec-not-synced", cstat=int(code), detail=result.xmotivo,
                           request_id=request_id)
            return doc
        if code == epec.EPEC_DIVERGENTE and epec.is_epec(doc) and doc.model == 65:
            # The NFC-e differs from its EPEC (NT 2014.003 §05.1): it stays contingency with the finding.
            return epec.nfce_divergent(self, doc, code, result.xmotivo, request_id=request_id)
        if code == cs.DUPLICIDADE_CHAVE_DIFERENTE:
            resolved = self._resolve_539(ctx, doc, result.xmotivo, request_id=request_id)
            if resolved is not None:
                return resolved
        if cs.categoria(code) == "rejeicao":
            return self._settle_committed(doc, DocStatus.REJECTED, audit=audit, cstat=int(code),
                                          xmotivo=result.xmotivo, request_id=request_id)
        with self.repo.unit_of_work() as uow:  # an answer we cannot classify: keep it, recovery consults
            self._note(uow, doc, "answer", cstat=int(code) if code.isdigit() else None, detail=result.xmotivo,
                       request_id=request_id)
        return doc

    def _finish(self, doc: DocumentRecord, prot: ProtocoloNFe, *, request_id: str | None,
                detail: str | None = None, audit: _AuditDue | None = None, **fields: Any) -> DocumentRecord:
        to = DocStatus.AUTHORIZED if prot.autorizado else DocStatus.DENIED
        return self._settle_committed(doc, to, audit=audit, cstat=int(prot.cstat), xmotivo=prot.xmotivo,
                                      protocol=prot.n_prot, protocol_xml=prot.xml, authorized_at=self.clock.now(),
                                      detail=detail, request_id=request_id, **fields)

    def _resolve_539(self, ctx: EmitterContext, doc: DocumentRecord, xmotivo: str, *,
                     request_id: str | None) -> DocumentRecord | None:
        """539: SEFAZ has this number with another chave. When that chave is one of OUR earlier signed
        versions of this document and SEFAZ authorized those very bytes, the document is that one."""
        found = _CHAVE_IN_MOTIVO.search(xmotivo)
        if not found:
            return None
        with self.repo.reader() as uow:
            earlier = [a for a in uow.attempts(doc.id) if a.chave == found.group(1)]
        if not earlier:
            return None
        consulta = ctx.worker().consulta(earlier[0].chave, ambiente(ctx.emitente.ambiente))
        prot = consulta.protocolo
        if prot is None or not (prot.autorizado or prot.denegado) or prot.dig_val != _digest_of(earlier[0].signed_xml):
            return None
        return self._finish(doc, prot, request_id=request_id, detail="duplicidade 539 resolvida ao protocolo original",
                            chave=earlier[0].chave, signed_xml=earlier[0].signed_xml, tp_emis=earlier[0].tp_emis)

    def _no_answer(self, ctx: EmitterContext, doc: DocumentRecord, reason: str, *, delivered: bool, online: bool,
                   request_id: str | None, audit: _AuditDue | None = None) -> DocumentRecord:
        if doc.status == DocStatus.CONTINGENCY or not online:
            with self.repo.unit_of_work() as uow:  # background transmission: try again on the next run
                self._note(uow, doc, "no-answer", detail=reason[:500], request_id=request_id)
            return doc
        if doc.model == 65 and doc.tp_emis == 1 and doc.signed_xml is not None and epec.nfce_epec_offered(ctx):
            # SP runs its own NFC-e EPEC (NT 2014.003): tried before the off-line NFC-e (engine/emission/epec.py).
            return epec.nfce_no_answer(self, ctx, doc, reason, delivered=delivered, request_id=request_id,
                                       audit=audit)
        if doc.model == 65:
            return self._issue_offline(ctx, doc, doc.signed_xml or b"", transmitted=delivered, reason=reason,
                                       request_id=request_id, audit=audit)
        return self._nfe_no_answer(ctx, doc, reason, delivered=delivered, request_id=request_id)

    def _nfe_no_answer(self, ctx: EmitterContext, doc: DocumentRecord, reason: str, *, delivered: bool,
                       request_id: str | None) -> DocumentRecord:
        """NF-e without an answer: ask the status service; 108/109 or silence switches the emitter to the
        SVC of its UF. Bytes that may be at SEFAZ stay 'sent' (recovery consults their chave first);
        bytes SEFAZ certainly did not process are re-issued through the SVC under the same number. An NF-e
        the SVC did not answer for either goes on to EPEC (engine/emission/epec.py)."""
        if doc.tp_emis in (6, 7):
            return epec.svc_no_answer(self, ctx, doc, reason, delivered=delivered, request_id=request_id)
        emitente = ctx.emitente
        try:
            status = ctx.online(self.deadline_s(doc.emitter_id, 55)).status(
                emitente.endereco.uf, 55, ambiente(emitente.ambiente))
            down = status.cstat in cs.PARALISADO or status.categoria == "erro_servico"
        except (TransportError, SefazError):
            down = True
        with self.repo.unit_of_work() as uow:
            self._note(uow, doc, "no-answer", detail=reason[:500], request_id=request_id)
            old = uow.get_mode(doc.emitter_id, 55)
            if down and old.mode != Mode.SVC:
                state = ModeState(doc.emitter_id, 55, Mode.SVC, since=self.clock.now(), reason=XJUST_SVC,
                                  deadline_ms=old.deadline_ms)
                self._switch_mode(uow, doc.tenant_id, state, old)
            state = uow.get_mode(doc.emitter_id, 55)
        if not down or delivered or doc.tp_emis != 1 or doc.signed_xml is None:
            return doc
        svc = sign_document(self._svc_root(ctx, doc.signed_xml, state), ctx.a1)
        with self.repo.unit_of_work() as uow:
            cur = self._fresh(uow, doc)
            assert cur.chave is not None and cur.number is not None and cur.signed_xml is not None
            uow.add_attempt(Attempt(cur.id, cur.chave, cur.number, cur.tp_emis, cur.signed_xml, "contingency",
                                    "superseded", self.clock.now()))
        return self._sign_and_send(ctx, cur, svc, request_id=request_id, detail="reemitida pela SVC")

    def _offline_bytes(self, ctx: EmitterContext, source: etree._Element | bytes, *, since: datetime,
                       transmitted: bool, number: int | None) -> bytes:
        """The off-line NFC-e (tpEmis 9, new chave) of ``source``, signed, with its QR code."""
        emitente = ctx.emitente
        rt = emitente.responsavel_tecnico
        unsigned = to_offline(source, now=since, xjust=XJUST_OFFLINE, transmitida=transmitted, nnf=number,
                              csrt=rt.csrt.token if rt and rt.csrt else None, rng=self.rng)
        signed = sign_document(unsigned, ctx.a1)
        csc = emitente.csc
        return finalize_offline(signed, versao=emitente.qrcode_versao, id_csc=csc.id if csc else None,
                                csc=csc.token if csc else None, signer=ctx.a1)

    def _issue_offline(self, ctx: EmitterContext, doc: DocumentRecord, source: etree._Element | bytes, *,
                       transmitted: bool, reason: str, request_id: str | None,
                       audit: _AuditDue | None = None) -> DocumentRecord:
        emitente = ctx.emitente
        now = self.clock.now()
        with self.repo.unit_of_work() as uow:
            cur = self._fresh(uow, doc)
            old = uow.get_mode(cur.emitter_id, 65)
            since = old.since if old.mode == Mode.OFFLINE and old.since else now
            assert cur.number is not None
            number = uow.allocate_number(emitente.cnpj, 65, cur.series) if transmitted else cur.number
            if cur.signed_xml is not None and cur.chave is not None:
                uow.add_attempt(Attempt(cur.id, cur.chave, cur.number, cur.tp_emis, cur.signed_xml, "contingency",
                                        "pending" if transmitted else "superseded", now))
            final = self._offline_bytes(ctx, source, since=since, transmitted=transmitted,
                                        number=number if transmitted else None)
            new = self._change(uow, cur, DocStatus.CONTINGENCY, number=number, chave=chave_of(final), tp_emis=9,
                               signed_xml=final, signed_at=now, detail=reason[:500], request_id=request_id)
            if old.mode != Mode.OFFLINE:
                self._switch_mode(uow, cur.tenant_id, ModeState(cur.emitter_id, 65, Mode.OFFLINE, since=now,
                                                                reason=reason[:500], deadline_ms=old.deadline_ms), old)
            self._audit_emit(uow, audit, new)
            return new

    # ------------------------------------------------------------------------------ correction

    def correct(self, tenant_id: str, doc_id: str, body: str, *, request_id: str | None = None,
                audit: AuditNote | None = None) -> DocumentRecord:
        """A rejected document, corrected: rebuilt from ``body`` under the SAME number (new signed bytes;
        the rejected version stays in the history) and sent. ``audit``: the request's entry, appended
        (action ``document.correct``) by the transaction that commits the outcome, as in ``emit``."""
        with self.repo.reader() as uow:
            doc = uow.get_document(tenant_id, id=doc_id)
        if doc is None:
            raise NotFound("documento não encontrado", code="DOCUMENTO_NAO_ENCONTRADO")
        if doc.status != DocStatus.REJECTED:
            raise Conflict(f"só um documento rejeitado pode ser corrigido; este está '{doc.status.value}'",
                           code="ESTADO_INVALIDO")
        ctx = self._context(tenant_id, doc.emitter_id)
        venda, _series = self._parse(EmitRequest(tenant_id, doc.emitter_id, doc.ref, doc.model, body), ctx)
        assert doc.number is not None
        root = render(build_nfe(venda, ctx.emitente, now=self.clock.now(), rng=self.rng, numero=doc.number))
        signed = sign_document(root, ctx.a1)
        with self.repo.unit_of_work() as uow:
            cur = self._fresh(uow, doc)
            assert cur.chave is not None and cur.number is not None and cur.signed_xml is not None
            uow.add_attempt(Attempt(cur.id, cur.chave, cur.number, cur.tp_emis, cur.signed_xml, "rejected",
                                    "superseded", self.clock.now(), cstat=cur.cstat, xmotivo=cur.xmotivo))
            cur, old_version = replace(cur, request_json=body, version=cur.version + 1), cur.version
            uow.update_document(cur, expected_version=old_version)
        due = _AuditDue(audit, tenant_id, request_id) if audit is not None else None
        fixed = self._sign_and_send(ctx, cur, signed, request_id=request_id, detail="corrigido e reenviado", audit=due)
        if due is not None and not due.written:
            with self.repo.unit_of_work() as uow:
                self._audit_emit(uow, due, fixed)
        return fixed

    # ------------------------------------------------------------------------------ recovery worker

    def recover_pending(self, now: datetime, *, limit: int = 100) -> RecoveryReport:
        """One run of the periodic worker:

        1. documents in signed/sent (answer lost, crash) are consulted by chave FIRST: 100/150 and
           110/301/302 take the protocol; 217 re-sends the IDENTICAL stored bytes;
        2. off-line NFC-e (contingency) are transmitted (their bytes as stored);
        3. online NFC-e superseded by an off-line one are resolved: cancelled by substitution (110112)
           when SEFAZ authorized them, their number voided when SEFAZ does not have them;
        4. emitters in contingency ask the status service and return to normal on 107;
        5. EPEC NF-e and SP's EPEC NFC-e (tpEmis 4): an EPEC not registered yet is sent again (AN / SEFAZ-SP);
           a registered one is transmitted (its stored bytes) once the emitter is back to normal, flagged in
           the history past its legal window (168 h / 24 h) (engine/emission/epec.py).
        """
        report = RecoveryReport()
        self._check_modes(report)
        with self.repo.reader() as uow:
            pending = uow.pending_documents(updated_before=now - timedelta(seconds=self.recovery_grace_s),
                                            limit=limit)
        for doc in pending:
            try:
                after = self._recover(doc)
            except FiscalError as exc:  # no answer, breaker open, no certificate, moved by another worker
                report.failures.append(f"{doc.id}: {exc}")
                continue
            if after.status != doc.status:
                report.resolved.append(doc.id)
        with self.repo.reader() as uow:
            attempts = uow.pending_attempts(limit)
        for attempt in attempts:
            try:
                if self._resolve_attempt(attempt):
                    assert attempt.id is not None
                    report.attempts_resolved.append(attempt.id)
            except FiscalError as exc:
                report.failures.append(f"tentativa {attempt.chave}: {exc}")
        return report

    def _recover(self, doc: DocumentRecord) -> DocumentRecord:
        ctx = self._context(doc.tenant_id, doc.emitter_id)
        if epec.is_epec(doc):  # its EPEC first, then the NF-e itself once the origin answers 107
            return epec.transmit_epec(self, ctx, doc)
        if doc.status == DocStatus.CONTINGENCY:
            return self._send(ctx, doc, online=False, request_id=None)
        assert doc.chave is not None and doc.signed_xml is not None
        consulta = ctx.worker().consulta(doc.chave, ambiente(ctx.emitente.ambiente))
        prot = consulta.protocolo
        if prot is not None and (prot.autorizado or prot.denegado):
            if prot.dig_val and prot.dig_val != _digest_of(doc.signed_xml):
                with self.repo.unit_of_work() as uow:
                    self._note(uow, doc, "divergence", cstat=int(prot.cstat),
                               detail="a SEFAZ tem esta chave com outro conteúdo (digVal diferente); verifique")
                return doc
            return self._finish(doc, prot, request_id=None, detail="resolvido por consulta da chave")
        if consulta.cstat == cs.NAO_CONSTA:
            # SEFAZ does not have it: the IDENTICAL stored bytes again (never a rebuilt document: 539).
            if doc.status == DocStatus.SIGNED:
                with self.repo.unit_of_work() as uow:
                    doc = self._change(uow, self._fresh(uow, doc), DocStatus.SENT, sent_at=self.clock.now(),
                                       detail="reenvio após consulta (217)")
            return self._send(ctx, doc, online=False, request_id=None)
        return doc

    def _resolve_attempt(self, attempt: Attempt) -> bool:
        with self.repo.reader() as uow:
            doc = uow.get_document(None, id=attempt.document_id)
        if doc is None:  # pragma: no cover
            return False
        if doc.status not in (DocStatus.AUTHORIZED, DocStatus.CANCELLED, DocStatus.DENIED, DocStatus.REJECTED):
            return False  # the off-line substitute is not settled yet: 110112 needs it authorized
        ctx = self._context(doc.tenant_id, doc.emitter_id)
        amb = ambiente(ctx.emitente.ambiente)
        consulta = ctx.worker().consulta(attempt.chave, amb)
        prot = consulta.protocolo
        now = self.clock.now()
        if prot is not None and prot.autorizado and consulta.cstat != "101":
            if doc.status != DocStatus.AUTHORIZED or doc.chave is None:
                return False
            result = ctx.worker().cancel_substituicao(attempt.chave, prot.n_prot, XJUST_SUBSTITUICAO, doc.chave, amb)
            ev = result.evento
            done = ev is not None and ev.registrado
            with self.repo.unit_of_work() as uow:
                uow.add_fiscal_event(self._event_record(doc, attempt.chave, "110112", 1, result, None,
                                                        f"substituída por {doc.chave}"))
                self._note(uow, doc, "subst-cancelled" if done else "subst-refused",
                           cstat=int(result.evento.cstat) if result.evento else None,
                           detail=f"NFC-e {attempt.chave} autorizada na tentativa online: cancelada por "
                           "substituição")
                if done:
                    uow.update_attempt(replace(attempt, resolution="cancelled", protocol=prot.n_prot,
                                               cstat=int(ev.cstat) if ev else None, resolved_at=now))
                    uow.add_outbox(OutboxMessage(
                        "nfe.event", f"nfe.event:{doc.id}:110112:{attempt.chave}",
                        {"document_id": doc.id, "chave": attempt.chave, "tp_evento": "110112", "n_seq_evento": 1,
                         "cstat": int(ev.cstat) if ev else None, "protocol": ev.n_prot if ev else None,
                         "registrado": True, "chave_substituta": doc.chave},
                        now, doc.tenant_id,
                    ))
            return done
        if consulta.cstat == "101" or (prot is not None and consulta.cstat == "101"):
            with self.repo.unit_of_work() as uow:
                uow.update_attempt(replace(attempt, resolution="cancelled", resolved_at=now, cstat=101))
            return True
        if consulta.cstat == cs.NAO_CONSTA:
            emitente = ctx.emitente
            inut = ctx.worker().inutilizar(
                emitente.endereco.uf, 65, amb, cnpj=emitente.cnpj, ano=int(attempt.chave[2:4]), serie=doc.series,
                n_nf_ini=attempt.number, n_nf_fin=attempt.number, x_just=XJUST_INUTILIZACAO,
            )
            with self.repo.unit_of_work() as uow:
                record = InutilizacaoRecord(
                    id=self.new_id(), tenant_id=doc.tenant_id, emitter_id=doc.emitter_id, model=65,
                    series=doc.series, ano=int(attempt.chave[2:4]), n_ini=attempt.number, n_fin=attempt.number,
                    xjust=XJUST_INUTILIZACAO, created_at=now, cstat=int(inut.cstat) if inut.cstat.isdigit() else None,
                    xmotivo=inut.xmotivo, protocol=inut.n_prot or None, proc_xml=inut.proc or None,
                )
                uow.add_inutilizacao(record)
                self._announce_inutilizacao(uow, record)
                self._note(uow, doc, "number-voided" if inut.homologada else "void-refused",
                           cstat=int(inut.cstat) if inut.cstat.isdigit() else None,
                           detail=f"número {attempt.number} da tentativa online {attempt.chave}: {inut.xmotivo}")
                if inut.homologada:
                    uow.update_attempt(replace(attempt, resolution="voided", protocol=inut.n_prot,
                                               cstat=int(inut.cstat), resolved_at=now))
            return inut.homologada
        return False

    def _check_modes(self, report: RecoveryReport) -> None:
        with self.repo.reader() as uow:
            states = uow.modes_not_normal()
        for state in states:
            try:
                ctx = self._tenantless_context(state.emitter_id)
                if ctx is None:
                    continue
                tenant_id, context = ctx
                emitente = context.emitente
                status = context.worker().status(emitente.endereco.uf, state.model, ambiente(emitente.ambiente))
            except FiscalError as exc:
                report.failures.append(f"status {state.emitter_id}/{state.model}: {exc}")
                continue
            if status.cstat != "107":
                continue
            with self.repo.unit_of_work() as uow:
                old = uow.get_mode(state.emitter_id, state.model)
                if old.mode != Mode.NORMAL:
                    self._switch_mode(uow, tenant_id, ModeState(state.emitter_id, state.model, Mode.NORMAL,
                                                                reason="serviço em operação (107)",
                                                                deadline_ms=old.deadline_ms), old)
                    report.mode_changes.append(f"{state.emitter_id}/{state.model}: {old.mode.value} -> normal")

    def _tenantless_context(self, emitter_id: str) -> tuple[str, EmitterContext] | None:
        tenant_id = self.emitters.tenant_of(emitter_id)
        if tenant_id is None:
            return None
        ctx = self.emitters.context(tenant_id, emitter_id)
        return None if ctx is None else (tenant_id, ctx)

    def check_modes(self) -> RecoveryReport:
        """Only step 4 of ``recover_pending``: back to normal where the status service answers 107."""
        report = RecoveryReport()
        self._check_modes(report)
        return report

    def set_deadline(self, tenant_id: str, emitter_id: str, model: int, deadline_ms: int, *,
                     audit: AuditNote | None = None, request_id: str | None = None) -> ModeState:
        if not 500 <= deadline_ms <= 60_000:
            raise InvalidRequest("o prazo do PDV deve estar entre 500 e 60000 ms", code="PRAZO_INVALIDO",
                                 path="deadline_ms")
        self._context(tenant_id, emitter_id)
        with self.repo.unit_of_work() as uow:
            old = uow.get_mode(emitter_id, model)
            new = replace(old, deadline_ms=deadline_ms)
            uow.set_mode(new, now=self.clock.now())
            if audit is not None:
                uow.add_audit(audit, now=self.clock.now(), tenant_id=tenant_id, target=f"emitter/{emitter_id}",
                              details={**audit.details, "model": model, "deadline_ms": deadline_ms},
                              request_id=request_id)
        return new

    # ------------------------------------------------------------------------------ events

    def _event_record(self, doc: DocumentRecord, chave: str, tp: str, seq: int, result: ResultadoEvento,
                      created_by: str | None, detail: str | None) -> FiscalEventRecord:
        ev = result.evento
        code = ev.cstat if ev is not None else result.cstat
        return FiscalEventRecord(
            document_id=doc.id, chave=chave, tp_evento=tp, n_seq_evento=seq, created_at=self.clock.now(),
            cstat=int(code) if code.isdigit() else None, xmotivo=ev.xmotivo if ev is not None else result.xmotivo,
            protocol=(ev.n_prot or None) if ev is not None else None, detail=detail,
            proc_xml=result.proc[0] if result.proc else None, created_by=created_by,
        )

    def _authorized(self, tenant_id: str, doc_id: str, *, created_by: str | None) -> tuple[DocumentRecord,
                                                                                                EmitterContext]:
        with self.repo.reader() as uow:
            doc = uow.get_document(tenant_id, id=doc_id)
        if doc is None or (created_by is not None and doc.created_by != created_by):
            raise NotFound("documento não encontrado", code="DOCUMENTO_NAO_ENCONTRADO")
        if doc.status != DocStatus.AUTHORIZED or not doc.protocol or not doc.chave:
            raise Conflict(f"o documento precisa estar autorizado; está '{doc.status.value}'",
                           code="ESTADO_INVALIDO")
        return doc, self._context(tenant_id, doc.emitter_id)

    def _record_event(self, doc: DocumentRecord, tp: str, seq: int, result: ResultadoEvento, *,
                      created_by: str | None, detail: str, request_id: str | None,
                      to: DocStatus | None, audit: AuditNote | None = None) -> EventOutcome:
        record = self._event_record(doc, doc.chave or "", tp, seq, result, created_by, detail)
        ev = result.evento
        registered = ev is not None and ev.registrado
        with self.repo.unit_of_work() as uow:
            uow.add_fiscal_event(record)
            cur = doc
            uow.add_outbox(OutboxMessage(
                "nfe.event", f"nfe.event:{doc.id}:{tp}:{seq}:{record.cstat}:{record.created_at.isoformat()}",
                {"document_id": doc.id, "chave": doc.chave, "tp_evento": tp, "n_seq_evento": seq,
                 "cstat": record.cstat, "protocol": record.protocol, "registrado": registered},
                record.created_at, doc.tenant_id,
            ))
            if registered and to is not None:
                cur = self._settle(uow, doc, to, cstat=record.cstat, detail=detail, request_id=request_id)
            else:
                self._note(uow, cur, f"evento-{tp}", cstat=record.cstat,
                           detail=f"{detail}: {record.xmotivo}"[:500], request_id=request_id)
            if audit is not None:  # the last write: it holds the audit chain head until commit
                uow.add_audit(audit, now=self.clock.now(), tenant_id=doc.tenant_id, target=f"document/{doc.id}",
                              details={**audit.details, "tp_evento": tp, "cstat": record.cstat},
                              request_id=request_id)
        return EventOutcome(cur, record)

    def cancel(self, tenant_id: str, doc_id: str, xjust: str, *, created_by: str | None = None,
               actor: str | None = None, request_id: str | None = None,
               audit: AuditNote | None = None) -> EventOutcome:
        """Evento 110111 (cancelamento) of an authorized document."""
        doc, ctx = self._authorized(tenant_id, doc_id, created_by=created_by)
        assert doc.chave and doc.protocol
        result = ctx.worker().cancel(doc.chave, doc.protocol, xjust, ambiente(ctx.emitente.ambiente))
        return self._record_event(doc, "110111", 1, result, created_by=actor, detail="cancelamento",
                                  request_id=request_id, to=DocStatus.CANCELLED, audit=audit)

    def cancel_substitution(self, tenant_id: str, doc_id: str, xjust: str, chave_substituta: str, *,
                            created_by: str | None = None, actor: str | None = None,
                            request_id: str | None = None, audit: AuditNote | None = None) -> EventOutcome:
        """Evento 110112 (cancelamento por substituição, NFC-e only, NT 2018.004)."""
        doc, ctx = self._authorized(tenant_id, doc_id, created_by=created_by)
        if doc.model != 65:
            raise InvalidRequest("cancelamento por substituição é só para NFC-e (modelo 65) — evita a rejeição 775",
                                 code="SUBSTITUICAO_SO_NFCE", cstat="775")
        assert doc.chave and doc.protocol
        result = ctx.worker().cancel_substituicao(doc.chave, doc.protocol, xjust, chave_substituta,
                                                  ambiente(ctx.emitente.ambiente))
        return self._record_event(doc, "110112", 1, result, created_by=actor,
                                  detail=f"cancelamento por substituição ({chave_substituta})",
                                  request_id=request_id, to=DocStatus.CANCELLED, audit=audit)

    def correction_letter(self, tenant_id: str, doc_id: str, correcao: str, *, created_by: str | None = None,
                          actor: str | None = None, request_id: str | None = None,
                          audit: AuditNote | None = None) -> EventOutcome:
        """Evento 110110 (carta de correção, NF-e only); nSeqEvento = registered letters + 1."""
        doc, ctx = self._authorized(tenant_id, doc_id, created_by=created_by)
        if doc.model != 55:
            raise InvalidRequest("carta de correção é só para NF-e (modelo 55)", code="CCE_SO_NFE")
        with self.repo.reader() as uow:
            previous = [e for e in uow.fiscal_events(doc.id) if e.tp_evento == "110110" and e.protocol]
        seq = len(previous) + 1
        if seq > 20:
            raise Conflict("limite de 20 cartas de correção por NF-e atingido", code="CCE_LIMITE")
        assert doc.chave
        result = ctx.worker().carta_correcao(doc.chave, correcao, seq, ambiente(ctx.emitente.ambiente))
        return self._record_event(doc, "110110", seq, result, created_by=actor, detail=f"carta de correção {seq}",
                                  request_id=request_id, to=None, audit=audit)

    def conciliacao_financeira(self, tenant_id: str, doc_id: str, pagamentos: Sequence[PagamentoConciliado], *,
                               actor: str | None = None, request_id: str | None = None) -> EventOutcome:
        """Evento 110750 (Conciliação Financeira, ECONF, NT 2024.002): the payments (detPag) of an authorized
        NF-e/NFC-e. nSeqEvento = registered ECONFs of the document + 1 (a repeated one is cStat 573)."""
        if not pagamentos:
            raise InvalidRequest("informe ao menos um pagamento (detPag) para a conciliação financeira",
                                 code="ECONF_SEM_PAGAMENTO", path="pagamentos")
        doc, ctx = self._authorized(tenant_id, doc_id, created_by=None)
        with self.repo.reader() as uow:
            previous = [e for e in uow.fiscal_events(doc.id) if e.tp_evento == "110750" and e.protocol]
        seq = len(previous) + 1
        if seq > 20:
            raise Conflict("limite de 20 eventos de conciliação financeira por documento atingido",
                           code="ECONF_LIMITE")
        assert doc.chave
        result = ctx.worker().conciliacao_financeira(doc.chave, pagamentos, ambiente(ctx.emitente.ambiente), n_seq=seq)
        autorizacoes = ", ".join(p.c_aut for p in pagamentos if p.c_aut)
        detail = f"conciliação financeira {seq}" + (f" (cAut {autorizacoes})" if autorizacoes else "")
        return self._record_event(doc, "110750", seq, result, created_by=actor, detail=detail,
                                  request_id=request_id, to=None)

    def inutilizar(self, tenant_id: str, emitter_id: str, *, model: int, series: int, n_ini: int, n_fin: int,
                   xjust: str, ano: int, actor: str | None = None, audit: AuditNote | None = None,
                   request_id: str | None = None) -> InutilizacaoRecord:
        """NFeInutilizacao4 for a range none of whose numbers holds a document SEFAZ may have."""
        if not 1 <= n_ini <= n_fin <= 999_999_999:
            raise InvalidRequest("faixa inválida: 1 <= inicial <= final <= 999999999", code="FAIXA_INVALIDA",
                                 path="numero_inicial")
        if model not in (55, 65):
            raise InvalidRequest("modelo deve ser 55 ou 65", code="MODELO_INVALIDO", path="modelo")
        ctx = self._context(tenant_id, emitter_id)
        with self.repo.reader() as uow:
            used = [d for d in uow.list_documents(DocumentFilter(
                tenant_id=tenant_id, emitter_id=emitter_id, model=model, series=series, number_from=n_ini,
                number_to=n_fin, limit=10)) if d.status != DocStatus.REJECTED]
        if used:
            raise Conflict(f"o número {used[0].number} da faixa pertence ao documento {used[0].ref} "
                           f"({used[0].status.value}) — evita a rejeição 241", code="FAIXA_EM_USO", cstat="241")
        emitente = ctx.emitente
        result = ctx.worker().inutilizar(emitente.endereco.uf, model, ambiente(emitente.ambiente), cnpj=emitente.cnpj,
                                         ano=ano % 100, serie=series, n_nf_ini=n_ini, n_nf_fin=n_fin, x_just=xjust)
        now = self.clock.now()
        record = InutilizacaoRecord(
            id=self.new_id(), tenant_id=tenant_id, emitter_id=emitter_id, model=model, series=series, ano=ano % 100,
            n_ini=n_ini, n_fin=n_fin, xjust=xjust, created_at=now,
            cstat=int(result.cstat) if result.cstat.isdigit() else None, xmotivo=result.xmotivo,
            protocol=result.n_prot or None, proc_xml=result.proc or None, created_by=actor,
        )
        with self.repo.unit_of_work() as uow:
            uow.add_inutilizacao(record)
            self._announce_inutilizacao(uow, record)
            if audit is not None:
                uow.add_audit(audit, now=self.clock.now(), tenant_id=tenant_id, target=f"inutilizacao/{record.id}",
                              details={**audit.details, "model": record.model, "series": record.series,
                                       "n_ini": record.n_ini, "n_fin": record.n_fin, "cstat": record.cstat},
                              request_id=request_id)
        return record

    def _announce_inutilizacao(self, uow: EmissionUnitOfWork, record: InutilizacaoRecord) -> None:
        if record.cstat != 102:  # only a homologated range is news for integrations
            return
        uow.add_outbox(OutboxMessage(
            "nfe.inutilizacao", f"nfe.inutilizacao:{record.id}",
            {"id": record.id, "emitter_id": record.emitter_id, "model": record.model, "series": record.series,
             "n_ini": record.n_ini, "n_fin": record.n_fin, "cstat": record.cstat, "protocol": record.protocol},
            record.created_at, record.tenant_id,
        ))


def request_fingerprint(body: str) -> str:
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


__all__ = [
    "DEFAULT_DEADLINE_MS", "PENDING", "TRANSITIONS", "EmissionService", "EmitOutcome", "EmitRequest", "EventOutcome",
    "ambiente", "chave_of", "request_fingerprint",
]
