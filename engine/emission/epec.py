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
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lxml import etree

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
from engine.nfe.contingencia import TP_EMIS_EPEC, to_epec
from engine.ports import EmitterContext, TransportError
from engine.sefaz import cstat as cs
from engine.sefaz.errors import SefazError
from engine.sefaz.results import ResultadoEvento

if TYPE_CHECKING:
    from engine.emission.pipeline import EmissionService

__all__ = [
    "TP_EVENTO_EPEC", "XJUST_EPEC", "epec_root", "is_epec", "issue_epec", "register_epec", "svc_no_answer",
    "transmit_epec",
]

_N = "{http://www.portalfiscal.inf.br/nfe}"
TP_EVENTO_EPEC = "110140"
TP_EMIS = int(TP_EMIS_EPEC)
XJUST_EPEC = "Autorizador da NF-e e SVC sem resposta; emissao em contingencia EPEC (NT 2014.001)"
XJUST_SVC_SILENT = "SVC sem resposta para a NF-e; emissao em contingencia EPEC"
# 573 duplicidade de evento: this chave's EPEC is registered at the AN already (our earlier send whose
# answer was lost; an EPEC cannot be cancelled, NT 2014.001).
EPEC_JA_REGISTRADO = "573"


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
    """Send (or re-send) the EPEC of a ``sent`` tpEmis 4 NF-e and record the AN's answer."""
    assert doc.signed_xml is not None and doc.chave is not None
    gateway = ctx.online(svc.deadline_s(doc.emitter_id, 55)) if online else ctx.worker()
    try:
        result = gateway.epec(doc.signed_xml)
    except ValidationFailed as exc:  # the NF-e lacks what the EPEC declares (e.g. no recipient): never works
        finding = exc.findings[0]
        return _refused(svc, doc, None, finding.cstat, f"EPEC impossível para esta NF-e: {finding.mensagem}",
                        request_id=request_id)
    except (TransportError, SefazError) as exc:
        with svc.repo.unit_of_work() as uow:
            svc._note(uow, doc, "epec-no-answer", detail=exc.mensagem[:500], request_id=request_id)
        return doc
    ev = result.evento
    code = ev.cstat if ev is not None else result.cstat
    registered = ev is not None and (ev.registrado or ev.cstat == EPEC_JA_REGISTRADO)
    if not registered and (code in cs.PARALISADO or not code.isdigit()):
        with svc.repo.unit_of_work() as uow:  # the AN did not process it: the worker sends it again
            svc._note(uow, doc, "epec-no-answer", cstat=int(code) if code.isdigit() else None,
                      detail=f"Ambiente Nacional: {ev.xmotivo if ev else result.xmotivo}"[:500],
                      request_id=request_id)
        return doc
    if registered:
        return _registered(svc, doc, result, request_id=request_id)
    return _refused(svc, doc, result, code, f"EPEC recusado pelo Ambiente Nacional: "
                    f"{ev.xmotivo if ev else result.xmotivo}", request_id=request_id)


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
    detail = (f"EPEC registrado no Ambiente Nacional (nProt {ev.n_prot})" if ev.n_prot
              else f"EPEC já registrado no Ambiente Nacional ({ev.cstat}: {ev.xmotivo})")
    with svc.repo.unit_of_work() as uow:
        cur = svc._fresh(uow, doc)
        if cur.status != DocStatus.SENT:
            return cur  # another worker recorded it first
        uow.add_fiscal_event(record)
        uow.add_outbox(_announce(record, cur, True))
        svc._note(uow, cur, f"evento-{TP_EVENTO_EPEC}", cstat=record.cstat, detail=detail[:500],
                  request_id=request_id)
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
    """Recovery of a tpEmis 4 NF-e: register its EPEC if that has not happened (``sent``), or transmit it
    (``contingency``, the stored bytes) once the emitter is back to ``normal`` - which the same worker run
    sets first when the origin's status service answers 107."""
    if doc.status in (DocStatus.SIGNED, DocStatus.SENT):
        return register_epec(svc, ctx, doc, online=False, request_id=None)
    with svc.repo.reader() as uow:
        mode = uow.get_mode(doc.emitter_id, 55)
    if mode.mode != Mode.NORMAL:
        return doc  # the origin authorizer has not answered 107 yet
    return svc._send(ctx, doc, online=False, request_id=None)


def is_epec(doc: DocumentRecord) -> bool:
    return doc.model == 55 and doc.tp_emis == TP_EMIS
