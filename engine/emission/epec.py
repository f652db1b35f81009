"""NF-e in EPEC (tpEmis 4): the pipeline's last contingency for the NF-e, after the SVC.

Sources: NT 2014.001 (EPEC da NF-e at the Ambiente Nacional, which replaced the DPEC on 01/04/2015 and
serves every UF) and NT 2013.007 (SVC). Why each step is what it is:

* EPEC is the fallback when the UF's authorizer AND its SVC do not take the NF-e. The SVC is tried
  first because an NF-e it authorizes needs nothing afterwards, while an EPEC NF-e must still be
  transmitted to the origin authorizer within 168 h of the EPEC (after that the AN refuses new EPEC of
  the emitter, cStat 142);
* a document that MAY have reached an authorizer (a timeout after sending) is never re-issued: it stays
  ``sent`` and the recovery worker settles it by consulta (the SEFAZ client asks an SVC NF-e at the SVC
  first). Only a document the SVC certainly did not process (108/109, connection refused, breaker open)
  becomes an EPEC NF-e, so its number - never accepted anywhere - is kept (no second NF-e for one sale);
* persist before send, as for the NF-e itself: the signed tpEmis 4 NF-e is committed (``sent``) before its
  EPEC goes to the AN, because the EPEC registers that very chave and the NF-e sent later must carry the
  data the EPEC declared (467 otherwise): these bytes are never rebuilt;
* on 136 (registered, not linked: the NF-e is not at any authorizer yet) the document is
  ``contingency`` with the EPEC recorded (fiscal_event with its procEventoNFe, history, ``nfe.event``); its
  DANFE is printable with the EPEC's protocol (``adapters.danfe``). 573 (this EPEC already registered) is
  the answer to a re-send after a lost answer and counts as registered;
* the worker transmits it (the stored bytes) once the origin's status service answers 107 and the
  emitter is back to ``normal``; 468 (the origin has not received the EPEC from the AN yet) is waited
  out, never treated as a rejection;
* an EPEC the AN refuses (e.g. 142 contingência EPEC bloqueada) makes the document ``rejected`` with that
  cStat and the AN's xMotivo: nothing was accepted anywhere under that number, so the document can be
  corrected and re-sent under it (``EmissionService.correct``). A silent AN (or 108/109) leaves it
  ``sent`` and the worker registers it on its next run.

The NFC-e in EPEC (model 65, SP only: ``states`` flag ``nfce_epec``; NT 2014.003 "EPEC da NFC-e";
docs/nfce-epec-sp.md) follows the same shapes with these differences:

* it replaces the off-line NFC-e as the first contingency when the authorizer does not answer within the
  PDV's deadline: the tpEmis 1 attempt becomes a tpEmis 4 NFC-e (new chave; a new number when the attempt
  may have reached SEFAZ, whose fate the recovery worker settles as for the off-line NFC-e: 110112 or
  inutilização), committed ``sent`` with its ON-LINE QR-Code, then its EPEC goes to SEFAZ-SP itself
  (cOrgao 35) after the EPEC status service answered 107 (``SefazClient.epec``);
* SP switches its EPEC on only during an outage: when the status is not 107, the EPEC service is silent
  before delivery, or it refuses the EPEC (142 blocked, ...), nothing was accepted under that chave and
  the document becomes the off-line NFC-e (tpEmis 9) under the same number, as before EPEC existed. An
  EPEC whose answer was lost (it may be registered) leaves the document ``sent`` for the worker (573);
* registered (136/573): ``contingency`` with the EPEC recorded, the emitter's NFC-e in mode ``epec`` (the
  next NFC-e go straight to EPEC), the DANFCE printed with the EPEC's protocol (adapters.danfe);
* the worker transmits it once the NFC-e authorizer answers 107 and the mode is ``normal``. It must be
  authorized within 24 h of the EPEC (else SP blocks new EPEC of the emitter, 142): the worker writes an
  ``epec-late`` history line once past that window (168 h for the NF-e). 468 is waited out; 467
  (data differ from the EPEC) keeps the document ``contingency`` with cStat 467 and SEFAZ's reason, and
  the worker stops re-sending those bytes: only the field SEFAZ names may change (docs/emission.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from lxml import etree

import states
from certificates.xmldsig import sign_document
from engine.emission.records import (
    Attempt,
    DocStatus,
    DocumentRecord,
    FiscalEventRecord,
    Mode,
    ModeState,
    OutboxMessage,
)
from engine.errors import ValidationFailed
from engine.nfe.chave import RandomSource, chave_of
from engine.nfe.contingencia import TP_EMIS_EPEC, finalize_epec, to_epec
from engine.ports import EmitterContext, TransportError
from engine.sefaz import cstat as cs
from engine.sefaz.client import EPEC_ATIVO
from engine.sefaz.errors import SefazError
from engine.sefaz.results import ResultadoEvento

if TYPE_CHECKING:
    from engine.emission.pipeline import EmissionService, _AuditDue

__all__ = [
    "EPEC_DIVERGENTE", "PRAZO_EPEC", "TP_EVENTO_EPEC", "XJUST_EPEC", "XJUST_EPEC_NFCE", "epec_nfce_bytes", "epec_root",
    "is_epec", "issue_epec", "nfce_divergent", "nfce_epec_offered", "nfce_no_answer", "register_epec",
    "svc_no_answer", "transmit_epec",
]

_N = "{http://www.portalfiscal.inf.br/nfe}"
TP_EVENTO_EPEC = "110140"
TP_EMIS = int(TP_EMIS_EPEC)
XJUST_EPEC = "Autorizador da NF-e e SVC sem resposta; emissao em contingencia EPEC (NT 2014.001)"
XJUST_SVC_SILENT = "SVC sem resposta para a NF-e; emissao em contingencia EPEC"
# 573 duplicidade de evento: this chave's EPEC is registered at the AN already (our earlier send whose
# answer was lost; an EPEC cannot be cancelled, NT 2014.001).
EPEC_JA_REGISTRADO = "573"
XJUST_EPEC_NFCE = "Autorizador da NFC-e sem resposta no prazo do PDV; emissao em contingencia EPEC (NT 2014.003)"
# 467 "Dados da NF-e/NFC-e divergentes do EPEC" (NT 2014.001 §5.1, NT 2014.003 §05.1).
EPEC_DIVERGENTE = "467"
# Until when a document in EPEC must be authorized: 168 h for the NF-e (NT 2014.001), 24 h for SP's NFC-e
# (docs/nfce-epec-sp.md §4); after that new EPEC of the emitter are refused (142).
PRAZO_EPEC = {55: timedelta(hours=168), 65: timedelta(hours=24)}
_PRAZO_NOTA = "epec-late"  # history to_status: at most 16 characters


def svc_no_answer(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord, reason: str, *,
                  delivered: bool, request_id: str | None) -> DocumentRecord:
    """An NF-e sent to the SVC got no answer: the emitter's NF-e go to EPEC from now on (``nfe.contingency``);
    this one becomes an EPEC NF-e when the SVC certainly did not process it, otherwise it stays ``sent``
    and is settled by consulta at the SVC."""
    with svc.repo.unit_of_work() as uow:
        svc._note(uow, doc, "no-answer", detail=f"SVC: {reason}"[:500], request_id=request_id)
        old = uow.get_mode(doc.emitter_id, 55)
        if old.mode != Mode.EPEC:
            svc._switch_mode(uow, doc.tenant_id, ModeState(doc.emitter_id, 55, Mode.EPEC, since=svc.clock.now(),
                                                           reason=XJUST_SVC_SILENT, deadline_ms=old.deadline_ms),
                             old)
    if delivered or doc.signed_xml is None:
        return doc
    return issue_epec(svc, ctx, doc, doc.signed_xml, reason=f"SVC sem resposta: {reason}", request_id=request_id)


def epec_root(ctx: EmitterContext, source: etree._Element | bytes, *, since: datetime,
              rng: RandomSource | None) -> etree._Element:
    """The unsigned EPEC NF-e (tpEmis 4, same number) of ``source``: the NF-e built for normal emission
    or the SVC NF-e the SVC did not take."""
    rt = ctx.emitente.responsavel_tecnico
    return to_epec(source, now=since, xjust=XJUST_EPEC, transmitida=False,
                   csrt=rt.csrt.token if rt and rt.csrt else None, rng=rng)


def issue_epec(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord, source: etree._Element | bytes, *,
               reason: str, request_id: str | None) -> DocumentRecord:
    """``source`` (the SVC NF-e the SVC did not take) as an EPEC NF-e under the same number: signed,
    committed as ``sent`` (the earlier bytes kept as a superseded attempt, the emitter switched to
    ``epec``), then its EPEC registered at the AN."""
    from engine.emission.pipeline import _Staged  # the pipeline imports this module

    now = svc.clock.now()
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        old = uow.get_mode(cur.emitter_id, 55)
        since = old.since if old.mode == Mode.EPEC and old.since else now
        if cur.signed_xml is not None and cur.chave is not None and cur.number is not None:
            uow.add_attempt(Attempt(cur.id, cur.chave, cur.number, cur.tp_emis, cur.signed_xml, "contingency",
                                    "superseded", now))
        signed = sign_document(epec_root(ctx, source, since=since, rng=svc.rng), ctx.a1)
        staged = _Staged(cur, cur)
        svc._stage(staged, DocStatus.SIGNED, chave=chave_of(signed), tp_emis=TP_EMIS, signed_xml=signed,
                   signed_at=now, cstat=None, xmotivo=None, detail=f"emitida em contingência EPEC: {reason}"[:500],
                   request_id=request_id)
        # 'sent' in the same commit: the EPEC declaring this chave goes to the AN right after it.
        svc._stage(staged, DocStatus.SENT, sent_at=now, request_id=request_id)
        cur = svc._write(uow, staged)
        if old.mode != Mode.EPEC:
            svc._switch_mode(uow, cur.tenant_id, ModeState(cur.emitter_id, 55, Mode.EPEC, since=now,
                                                           reason=reason[:500], deadline_ms=old.deadline_ms), old)
    return register_epec(svc, ctx, cur, online=True, request_id=request_id)


def register_epec(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord, *, online: bool,
                  request_id: str | None) -> DocumentRecord:
    """Send (or re-send) the EPEC of a ``sent`` tpEmis 4 document and record the answer (the AN's for an
    NF-e, the UF's for an NFC-e). An NFC-e at the PDV (``online``) whose EPEC certainly was not registered
    becomes the off-line NFC-e (``_nfce_offline``)."""
    from engine.emission.pipeline import _maybe_delivered  # the pipeline imports this module

    assert doc.signed_xml is not None and doc.chave is not None
    nfce_pdv = doc.model == 65 and online
    orgao = "SEFAZ-SP (EPEC da NFC-e)" if doc.model == 65 else "Ambiente Nacional"
    gateway = ctx.online(svc.deadline_s(doc.emitter_id, doc.model)) if online else ctx.worker()
    try:
        result = gateway.epec(doc.signed_xml)
    except ValidationFailed as exc:  # the document lacks what the EPEC declares (e.g. no recipient): never works
        finding = exc.findings[0]
        mensagem = f"EPEC impossível para este documento: {finding.mensagem}"
        if nfce_pdv:
            return _nfce_offline(svc, ctx, doc, None, finding.cstat, mensagem, request_id=request_id)
        return _refused(svc, doc, None, finding.cstat, mensagem, request_id=request_id)
    except (TransportError, SefazError) as exc:
        if nfce_pdv and not _maybe_delivered(exc):  # status not 107, refused connection, breaker open
            return _nfce_offline(svc, ctx, doc, None, None, f"EPEC indisponível: {exc.mensagem}",
                                 request_id=request_id)
        with svc.repo.unit_of_work() as uow:
            svc._note(uow, doc, "epec-no-answer", detail=exc.mensagem[:500], request_id=request_id)
        return doc
    ev = result.evento
    code = ev.cstat if ev is not None else result.cstat
    registered = ev is not None and (ev.registrado or ev.cstat == EPEC_JA_REGISTRADO)
    motivo = ev.xmotivo if ev else result.xmotivo
    if not registered and (code in cs.PARALISADO or not code.isdigit()):
        if nfce_pdv:  # the service did not process it: nothing registered under this chave
            return _nfce_offline(svc, ctx, doc, result, code, f"EPEC sem processamento ({code}: {motivo})",
                                 request_id=request_id)
        with svc.repo.unit_of_work() as uow:  # not processed: the worker sends it again
            svc._note(uow, doc, "epec-no-answer", cstat=int(code) if code.isdigit() else None,
                      detail=f"{orgao}: {motivo}"[:500], request_id=request_id)
        return doc
    if registered:
        return _registered(svc, doc, result, request_id=request_id)
    if nfce_pdv:
        return _nfce_offline(svc, ctx, doc, result, code, f"EPEC recusado pela {orgao}: {motivo}",
                             request_id=request_id)
    return _refused(svc, doc, result, code, f"EPEC recusado pelo {orgao}: {motivo}", request_id=request_id)


def _event(svc: EmissionService, doc: DocumentRecord, result: ResultadoEvento | None, code: str | None,
           xmotivo: str) -> FiscalEventRecord:
    ev = result.evento if result is not None else None
    return FiscalEventRecord(
        document_id=doc.id, chave=doc.chave or "", tp_evento=TP_EVENTO_EPEC, n_seq_evento=1,
        created_at=svc.clock.now(), cstat=int(code) if code and code.isdigit() else None, xmotivo=xmotivo[:500],
        protocol=(ev.n_prot or None) if ev is not None else None,
        detail="EPEC (evento prévio de emissão em contingência)",
        proc_xml=result.proc[0] if result is not None and result.proc else None,
    )


def _announce(record: FiscalEventRecord, doc: DocumentRecord, registered: bool) -> OutboxMessage:
    return OutboxMessage(
        "nfe.event", f"nfe.event:{doc.id}:{TP_EVENTO_EPEC}:1:{record.cstat}:{record.created_at.isoformat()}",
        {"document_id": doc.id, "chave": doc.chave, "tp_evento": TP_EVENTO_EPEC, "n_seq_evento": 1,
         "cstat": record.cstat, "protocol": record.protocol, "registrado": registered},
        record.created_at, doc.tenant_id,
    )


def _registered(svc: EmissionService, doc: DocumentRecord, result: ResultadoEvento, *,
                request_id: str | None) -> DocumentRecord:
    ev = result.evento
    assert ev is not None
    record = _event(svc, doc, result, ev.cstat, ev.xmotivo)
    orgao = "na SEFAZ-SP (EPEC da NFC-e)" if doc.model == 65 else "no Ambiente Nacional"
    detail = (f"EPEC registrado {orgao} (nProt {ev.n_prot})" if ev.n_prot
              else f"EPEC já registrado {orgao} ({ev.cstat}: {ev.xmotivo})")
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        if cur.status != DocStatus.SENT:
            return cur  # another worker recorded it first
        uow.add_fiscal_event(record)
        uow.add_outbox(_announce(record, cur, True))
        svc._note(uow, cur, f"evento-{TP_EVENTO_EPEC}", cstat=record.cstat, detail=detail[:500],
                  request_id=request_id)
        if cur.model == 65:  # the emitter's next NFC-e go straight to EPEC (the NF-e switched in issue_epec)
            old = uow.get_mode(cur.emitter_id, 65)
            if old.mode != Mode.EPEC:
                svc._switch_mode(uow, cur.tenant_id, ModeState(cur.emitter_id, 65, Mode.EPEC, since=svc.clock.now(),
                                                               reason=XJUST_EPEC_NFCE, deadline_ms=old.deadline_ms),
                                 old)
        return svc._change(uow, cur, DocStatus.CONTINGENCY, detail=detail[:500], request_id=request_id)


def _refused(svc: EmissionService, doc: DocumentRecord, result: ResultadoEvento | None, code: str | None,
             xmotivo: str, *, request_id: str | None) -> DocumentRecord:
    record = _event(svc, doc, result, code, xmotivo)
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        if cur.status != DocStatus.SENT:
            return cur
        uow.add_fiscal_event(record)
        uow.add_outbox(_announce(record, cur, False))
        return svc._change(uow, cur, DocStatus.REJECTED, cstat=record.cstat, xmotivo=xmotivo[:500],
                           detail=xmotivo[:500], request_id=request_id)


def transmit_epec(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord) -> DocumentRecord:
    """Recovery of a tpEmis 4 NF-e/NFC-e: register its EPEC if that has not happened (``sent``), or transmit
    it (``contingency``, the stored bytes) once the emitter is back to ``normal`` - which the same worker run
    sets first when the origin's status service answers 107. Past the legal window (``PRAZO_EPEC``) the
    history says so once; an NFC-e SEFAZ found divergent from its EPEC (467) is not re-sent."""
    if doc.status in (DocStatus.SIGNED, DocStatus.SENT):
        return register_epec(svc, ctx, doc, online=False, request_id=None)
    if doc.cstat == int(EPEC_DIVERGENTE):
        return doc  # the same bytes would be refused again (and count toward 656): it needs correcting
    with svc.repo.reader() as uow:
        mode = uow.get_mode(doc.emitter_id, doc.model)
        late = _late(svc, doc) and not any(h.to_status == _PRAZO_NOTA for h in uow.history(doc.id))
    if late:
        horas = int(PRAZO_EPEC[doc.model].total_seconds() // 3600)
        with svc.repo.unit_of_work() as uow:
            svc._note(uow, doc, _PRAZO_NOTA, detail=(
                f"{'NFC-e' if doc.model == 65 else 'NF-e'} em EPEC sem autorização há mais de {horas} h: novos EPEC "
                "do emitente são recusados (142) até que ela seja autorizada"))
    if mode.mode != Mode.NORMAL:
        return doc  # the origin authorizer has not answered 107 yet
    return svc._send(ctx, doc, online=False, request_id=None)


def _late(svc: EmissionService, doc: DocumentRecord) -> bool:
    since = doc.signed_at or doc.created_at  # the EPEC goes out right after the tpEmis 4 bytes are signed
    return svc.clock.now() - since > PRAZO_EPEC.get(doc.model, PRAZO_EPEC[55])


def is_epec(doc: DocumentRecord) -> bool:
    return doc.model in (55, 65) and doc.tp_emis == TP_EMIS


# ---------------------------------------------------------------------------------- NFC-e (SP)


def nfce_epec_offered(ctx: EmitterContext) -> bool:
    """Whether the emitter's UF runs its own NFC-e EPEC (``states`` flag ``nfce_epec``: SP)."""
    try:
        return states.uf(ctx.emitente.endereco.uf).has_flag("nfce_epec")
    except states.UnknownUF:
        return False


def epec_nfce_bytes(svc: EmissionService, ctx: EmitterContext, source: etree._Element | bytes, *, since: datetime,
                    transmitted: bool, number: int | None) -> bytes:
    """The NFC-e in EPEC (tpEmis 4, new chave) of ``source``, signed, with its on-line QR-Code."""
    emitente = ctx.emitente
    rt = emitente.responsavel_tecnico
    unsigned = to_epec(source, now=since, xjust=XJUST_EPEC_NFCE, transmitida=transmitted, nnf=number,
                       csrt=rt.csrt.token if rt and rt.csrt else None, rng=svc.rng, modelo="65")
    csc = emitente.csc
    return finalize_epec(sign_document(unsigned, ctx.a1), versao=emitente.qrcode_versao,
                         id_csc=csc.id if csc else None, csc=csc.token if csc else None)


def _epec_unavailable(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord) -> str | None:
    """Why SP's NFC-e EPEC cannot be used now (its status service is not 107, or silent), None when it can."""
    from engine.emission.pipeline import ambiente  # the pipeline imports this module

    gateway = ctx.online(svc.deadline_s(doc.emitter_id, 65))
    emitente = ctx.emitente
    try:
        status = gateway.epec_status(emitente.endereco.uf, ambiente(emitente.ambiente))
    except (TransportError, SefazError) as exc:
        return f"EPEC da NFC-e sem resposta ({exc.mensagem})"
    if status.cstat != EPEC_ATIVO:
        return f"EPEC da NFC-e inativo (EPECStatusServico {status.cstat}: {status.xmotivo})"
    return None


def nfce_no_answer(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord, reason: str, *, delivered: bool,
                   request_id: str | None, audit: _AuditDue | None = None) -> DocumentRecord:
    """An SP NFC-e without an answer within the PDV's deadline. SEFAZ-SP's EPEC status is asked first: not
    active (or silent) -> the off-line NFC-e exactly as in any other UF, the reason saying why. Active -> the
    NFC-e is re-issued in EPEC (tpEmis 4; a new number when the attempt may have reached SEFAZ, which recovery
    settles like the off-line case), committed ``sent``, then its EPEC registered (``register_epec``, which
    still falls back to the off-line NFC-e when the EPEC is refused or not processed)."""
    from engine.emission.pipeline import _Staged  # the pipeline imports this module

    unavailable = _epec_unavailable(svc, ctx, doc)
    if unavailable is not None:
        assert doc.signed_xml is not None
        return svc._issue_offline(ctx, doc, doc.signed_xml, transmitted=delivered, reason=f"{reason}; {unavailable}",
                                  request_id=request_id, audit=audit)
    now = svc.clock.now()
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        svc._note(uow, cur, "no-answer", detail=reason[:500], request_id=request_id)
        assert cur.number is not None and cur.signed_xml is not None and cur.chave is not None
        number = uow.allocate_number(ctx.emitente.cnpj, 65, cur.series) if delivered else cur.number
        uow.add_attempt(Attempt(cur.id, cur.chave, cur.number, cur.tp_emis, cur.signed_xml, "contingency",
                                "pending" if delivered else "superseded", now))
        final = epec_nfce_bytes(svc, ctx, cur.signed_xml, since=now, transmitted=delivered,
                                number=number if delivered else None)
        staged = _Staged(cur, cur)
        svc._stage(staged, DocStatus.SIGNED, number=number, chave=chave_of(final), tp_emis=TP_EMIS, signed_xml=final,
                   signed_at=now, cstat=None, xmotivo=None,
                   detail=f"emitida em contingência EPEC: {reason}"[:500], request_id=request_id)
        # 'sent' in the same commit: the EPEC declaring this chave goes to SEFAZ-SP right after it.
        svc._stage(staged, DocStatus.SENT, sent_at=now, request_id=request_id)
        cur = svc._write(uow, staged)
    return register_epec(svc, ctx, cur, online=True, request_id=request_id)


def _nfce_offline(svc: EmissionService, ctx: EmitterContext, doc: DocumentRecord, result: ResultadoEvento | None,
                  code: str | None, motivo: str, *, request_id: str | None) -> DocumentRecord:
    """The NFC-e in EPEC whose EPEC was not registered (service off, silent before delivery, refused):
    nothing was accepted under its chave, so it becomes the off-line NFC-e (tpEmis 9) under its number, the
    refusal (if any) recorded as an event. Signed tpEmis 4 bytes are kept as a superseded attempt."""
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        if cur.status != DocStatus.SENT:
            return cur  # another worker settled it
        # An answer about the EPEC itself (a refusal, or our own check that it cannot be built) is an event;
        # a service that did not process the message (108/109) or no answer at all is only a note.
        if (result is not None and result.evento is not None) or (result is None and code is not None):
            record = _event(svc, cur, result, code, motivo)
            uow.add_fiscal_event(record)
            uow.add_outbox(_announce(record, cur, False))
        svc._note(uow, cur, "epec-unavailable", cstat=int(code) if code and code.isdigit() else None,
                  detail=motivo[:500], request_id=request_id)
    assert cur.signed_xml is not None
    return svc._issue_offline(ctx, cur, cur.signed_xml, transmitted=False,
                              reason=f"contingência off-line: {motivo}", request_id=request_id)


def nfce_divergent(svc: EmissionService, doc: DocumentRecord, cstat: str, xmotivo: str, *,
                   request_id: str | None) -> DocumentRecord:
    """467 for an NFC-e in EPEC: SEFAZ found data differing from the EPEC (the tag in xMotivo). The EPEC
    stands and nothing else may be issued for this sale, so the document stays ``contingency`` with the
    finding (cStat, xMotivo) for the operator; the worker does not re-send these bytes."""
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        if cur.status != DocStatus.CONTINGENCY:
            return cur
        detail = (f"NFC-e divergente do EPEC ({cstat}: {xmotivo}); corrija só o campo indicado, mantendo a chave, "
                  "e transmita de novo")
        return svc._change(uow, cur, DocStatus.CONTINGENCY, cstat=int(cstat), xmotivo=xmotivo[:500],
                           detail=detail[:500], request_id=request_id)
