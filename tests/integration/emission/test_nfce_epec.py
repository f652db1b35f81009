"""SP's NFC-e EPEC (NT 2014.003) through the pipeline, against the REAL simulator on both databases:

* the NFC-e authorizer silent within the PDV's deadline and SEFAZ-SP's EPEC switched on: the NFC-e is
  re-issued in EPEC (tpEmis 4, a new number since the attempt was transmitted), its EPEC registered by
  SP (136), the document ``contingency`` with the EPEC recorded, the emitter in mode ``epec`` (the next
  NFC-e straight to EPEC), its DANFCE printed with the EPEC's protocol; then the worker transmits both once
  the authorizer answers, the online attempt's number is voided, every switch an event;
* EPEC switched off (the production default) or refused (142): the off-line NFC-e as before;
* 467 (data differ from the EPEC) keeps the document ``contingency`` with the finding and is not re-sent;
  468 (EPEC not synchronised) is waited out; past 24 h the history says so once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from adapters.danfe import DanfeOptions, epec_proc_evento, plan_danfe, render_stored_danfe
from adapters.db.apikeys import create_tenant
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.documents import SqlEmissionRepository
from adapters.db.emitters import create_emitter
from adapters.db.engine import Database
from adapters.sefaz_transport import SystemClock
from adapters.sefaz_wiring import SefazSettings, SqlEmitterDirectory
from certificates.store import CertificateStore
from engine.emission import DocStatus, EmissionService, Mode
from engine.nfe.build.emitter import parse_emitente
from engine.xml.parser import parse_xml
from tests.integration.danfe.pdftext import pdf_text
from tests.integration.emission.conftest import MASTER, Env, Sim, emitente_config, new_cnpj

N = "{http://www.portalfiscal.inf.br/nfe}"


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def epec_on(env: Env) -> Iterator[None]:
    env.sim.running.app.sefaz.set_nfce_epec_active("SP", True)
    try:
        yield
    finally:
        env.sim.running.app.sefaz.set_nfce_epec_active("SP", False)


def _authorizer_silent(env: Env) -> None:
    env.service.set_deadline(env.tenant_id, env.emitter_id, 65, 1000)
    env.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)


def _switches(env: Env) -> list[tuple[str, str]]:
    with env.repo.reader() as uow:
        return [(p["from"], p["to"]) for t, p in uow.outbox_topics(env.tenant_id)
                if t == "nfe.contingency" and p["emitter_id"] == env.emitter_id and p["model"] == 65]


def _epec_at_sp(env: Env) -> list[dict[str, str]]:
    return [e for e in env.sim.control("GET", "/_control/documents")["epec"] if e["chNFe"][6:20] == env.cnpj]


def test_silent_authorizer_gives_an_epec_nfce_printed_with_its_protocol_then_transmitted(
    env: Env, epec_on: None,
) -> None:
    _authorizer_silent(env)
    doc = env.service.emit(env.request("ep-1")).document
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 4, (doc.status, doc.tp_emis, doc.xmotivo)
    assert doc.chave is not None and doc.chave[34] == "4" and doc.number == 2  # number 1 was transmitted
    assert doc.signed_xml is not None and b"<dhCont>" in doc.signed_xml
    assert env.service.mode(env.emitter_id, 65).mode == Mode.EPEC
    with env.repo.reader() as uow:
        [event] = uow.fiscal_events(doc.id)
        [attempt] = uow.attempts(doc.id)
        history = [(h.to_status, h.cstat) for h in uow.history(doc.id)]
        announced = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.event"]
    assert (event.tp_evento, event.cstat, event.chave) == ("110140", 136, doc.chave) and event.protocol
    assert event.proc_xml is not None and b"procEventoNFe" in event.proc_xml
    assert (attempt.tp_emis, attempt.number, attempt.resolution) == (1, 1, "pending")
    assert ("no-answer", None) in history and ("evento-110140", 136) in history
    assert history[-1] == ("contingency", None)
    assert [(p["tp_evento"], p["registrado"]) for p in announced] == [("110140", True)]
    assert [e["chNFe"] for e in _epec_at_sp(env)] == [doc.chave]

    # The DANFCE: contingency notice and the EPEC's protocol/date where the authorization's goes.
    plan = plan_danfe(doc.signed_xml, options=DanfeOptions(epec_proc_evento=epec_proc_evento([event], doc.chave)))
    assert plan.epec is not None and plan.epec.n_prot == event.protocol
    assert "EMITIDA EM CONTINGÊNCIA" in plan.marcas and "Pendente de autorização" not in plan.marcas
    text = pdf_text(render_stored_danfe(doc.signed_xml, None, [event], chave=doc.chave))
    assert f"EPEC {event.protocol}" in text and "EMITIDA EM CONTINGÊNCIA" in text
    assert "Pendente de autorização" not in text

    # Still in EPEC: the next NFC-e goes straight to EPEC and keeps its number (never sent before).
    second = env.service.emit(env.request("ep-2")).document
    assert second.status == DocStatus.CONTINGENCY and second.tp_emis == 4 and second.number == 3

    report = env.service.recover_pending(_now())  # the authorizer answers again: 107 -> normal, transmitted
    assert not report.failures, report
    with env.repo.reader() as uow:
        first = uow.get_document(env.tenant_id, ref="ep-1")
        again = uow.get_document(env.tenant_id, ref="ep-2")
        [voided] = uow.attempts(doc.id)
    assert first is not None and first.status == DocStatus.AUTHORIZED and first.chave == doc.chave
    assert first.signed_xml == doc.signed_xml  # the bytes the EPEC declared, never rebuilt
    assert again is not None and again.status == DocStatus.AUTHORIZED
    assert voided.resolution == "voided"
    assert {d["chNFe"] for d in env.sim.documents(env.cnpj)} == {doc.chave, second.chave}
    assert _switches(env) == [("normal", "epec"), ("epec", "normal")]
    pdf = render_stored_danfe(first.signed_xml or b"", first.protocol_xml, chave=first.chave)
    assert first.protocol and first.protocol in pdf_text(pdf)


def test_epec_switched_off_gives_the_offline_nfce_as_before(env: Env) -> None:
    _authorizer_silent(env)
    doc = env.service.emit(env.request("off-ep-1")).document
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 9 and doc.number == 2
    with env.repo.reader() as uow:
        [attempt] = uow.attempts(doc.id)
        events = uow.fiscal_events(doc.id)
        modes = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.contingency"]
    assert attempt.tp_emis == 1 and events == [] and _epec_at_sp(env) == []
    [switch] = modes
    assert switch["to"] == "offline" and "EPEC da NFC-e inativo (EPECStatusServico 109" in switch["reason"]


def test_epec_refused_by_sp_falls_back_to_offline_with_the_refusal_recorded(env: Env, epec_on: None) -> None:
    env.sim.control("POST", "/_control/epec-block", {"cnpj": env.cnpj})
    _authorizer_silent(env)
    doc = env.service.emit(env.request("blk-1")).document
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 9, (doc.status, doc.tp_emis)
    assert doc.number == 2  # the EPEC NFC-e's number (never accepted anywhere) is the off-line one's
    with env.repo.reader() as uow:
        attempts = [(a.tp_emis, a.number, a.resolution) for a in uow.attempts(doc.id)]
        [event] = uow.fiscal_events(doc.id)
        notes = [h.to_status for h in uow.history(doc.id)]
    assert attempts == [(1, 1, "pending"), (4, 2, "superseded")]
    assert (event.tp_evento, event.cstat, event.protocol) == ("110140", 142, None)
    assert "epec-unavailable" in notes
    assert env.service.mode(env.emitter_id, 65).mode == Mode.OFFLINE


@dataclass
class _Shifted:
    """The service's clock moved ahead (the worker running a day later)."""

    base: EmissionService
    delta: timedelta

    def now(self) -> datetime:
        return self.base.clock.now() + self.delta

    def monotonic(self) -> float:
        return self.base.clock.monotonic()

    def sleep(self, seconds: float) -> None:
        self.base.clock.sleep(seconds)


def test_divergent_nfce_467_stays_contingency_468_is_waited_out_and_24_h_is_flagged(
    env: Env, epec_on: None,
) -> None:
    _authorizer_silent(env)
    doc = env.service.emit(env.request("div-1")).document
    second = env.service.emit(env.request("div-2")).document
    assert doc.tp_emis == 4 and second.tp_emis == 4 and doc.chave and second.chave
    state = env.sim.running.app.state
    # 24 h later, the authorizer still silent: the worker flags both once and transmits nothing.
    env.sim.fault(uf="SP", model=65, service="NFeStatusServico4", kind="cstat108")
    later = EmissionService(env.repo, env.directory, _Shifted(env.service, timedelta(hours=25)))  # type: ignore[arg-type]
    later.recover_pending(_now() + timedelta(hours=25))
    later.recover_pending(_now() + timedelta(hours=25))
    with env.repo.reader() as uow:
        flagged = [h for h in uow.history(doc.id) if h.to_status == "epec-late"]
    assert len(flagged) == 1 and "24 h" in (flagged[0].detail or "") and "142" in (flagged[0].detail or "")
    env.sim.clear()

    # SEFAZ sees data differing from the EPEC (vNF) for the first, and no EPEC yet for the second.
    with state.lock:
        record = state.epec[doc.chave]
        evento = etree.fromstring(record.evento_xml)
        v_nf = evento.find(f"{N}infEvento/{N}detEvento/{N}vNF")
        assert v_nf is not None
        v_nf.text = "0.01"
        record.evento_xml = etree.tostring(evento)
        missing = state.epec.pop(second.chave)
    report = env.service.recover_pending(_now())
    assert not report.failures, report
    with env.repo.reader() as uow:
        first = uow.get_document(env.tenant_id, ref="div-1")
        waiting = uow.get_document(env.tenant_id, ref="div-2")
        waiting_notes = [(h.to_status, h.cstat) for h in uow.history(second.id)]
    assert first is not None and first.status == DocStatus.CONTINGENCY and first.cstat == 467
    assert first.xmotivo and "[tag:vNF]" in first.xmotivo
    assert waiting is not None and waiting.status == DocStatus.CONTINGENCY and waiting.cstat is None
    assert ("epec-not-synced", 468) in waiting_notes

    with state.lock:
        state.epec[second.chave] = missing  # SP's EPEC base synchronised
    sent_before = len(env.sim.documents(env.cnpj))
    report = env.service.recover_pending(_now())
    assert not report.failures, report
    with env.repo.reader() as uow:
        first = uow.get_document(env.tenant_id, ref="div-1")
        waiting = uow.get_document(env.tenant_id, ref="div-2")
    assert waiting is not None and waiting.status == DocStatus.AUTHORIZED
    assert first is not None and first.status == DocStatus.CONTINGENCY and first.cstat == 467  # not re-sent
    assert len(env.sim.documents(env.cnpj)) == sent_before + 1
    assert parse_xml(first.signed_xml or b"").findtext(f"{N}infNFe/{N}ide/{N}tpEmis") == "4"


def test_an_nfce_outside_sp_never_tries_epec(db: Database, sim: Sim) -> None:
    """PR has no NFC-e EPEC (states flag ``nfce_epec`` is SP's only): even with SP's EPEC switched on, a silent
    PR authorizer gives the off-line NFC-e and nothing reaches an EPEC service."""
    sim.clear()
    cnpj = new_cnpj()
    config = emitente_config(cnpj)
    config["endereco"].update(uf="PR", codigo_municipio="4106902", municipio="Curitiba", cep="80010000")
    now = datetime.now(UTC)
    with db.write() as conn:
        create_tenant(conn, "tpr", "Clínica PR", now=now)
        rec = create_emitter(conn, tenant_id="tpr", emitente=parse_emitente(config), keyring=MASTER, now=now)
    pfx, password = sim.running.client_pfx(cnpj)
    CertificateStore(SqlCertificateRepository(db), MASTER).put(rec.id, pfx, password, now=now, emitter_cnpj=cnpj)
    directory = SqlEmitterDirectory(db, MASTER, SystemClock(), SefazSettings(sim.ca_pem_path, sim.url))
    env = Env(db, EmissionService(SqlEmissionRepository(db), directory, SystemClock(), recovery_grace_s=0.0),
              SqlEmissionRepository(db), directory, "tpr", rec.id, cnpj, sim)
    sim.running.app.sefaz.set_nfce_epec_active("SP", True)
    try:
        env.service.set_deadline(env.tenant_id, env.emitter_id, 65, 1000)
        sim.fault(uf="PR", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)
        doc = env.service.emit(env.request("pr-1")).document
    finally:
        sim.running.app.sefaz.set_nfce_epec_active("SP", False)
        sim.clear()
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 9 and doc.chave and doc.chave[:2] == "41"
    with env.repo.reader() as uow:
        assert uow.fiscal_events(doc.id) == []
        reasons = [p["reason"] for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.contingency"]
    assert reasons and all("EPEC" not in (r or "") for r in reasons)
    assert _epec_at_sp(env) == []


def test_epec_switched_off_while_in_epec_mode_sends_the_next_nfce_offline(env: Env, epec_on: None) -> None:
    _authorizer_silent(env)
    first = env.service.emit(env.request("sw-1")).document
    assert first.tp_emis == 4 and env.service.mode(env.emitter_id, 65).mode == Mode.EPEC
    env.sim.running.app.sefaz.set_nfce_epec_active("SP", False)  # SEFAZ-SP ends its EPEC window
    second = env.service.emit(env.request("sw-2")).document
    assert second.status == DocStatus.CONTINGENCY and second.tp_emis == 9 and second.number == 3
    with env.repo.reader() as uow:
        [superseded] = uow.attempts(second.id)
        notes = [(h.to_status, h.cstat) for h in uow.history(second.id)]
    assert (superseded.tp_emis, superseded.number) == (4, 3)  # its tpEmis 4 bytes, never accepted anywhere
    assert ("epec-unavailable", 109) in notes
    assert _switches(env) == [("normal", "epec"), ("epec", "offline")]
    assert [e["chNFe"] for e in _epec_at_sp(env)] == [first.chave]
