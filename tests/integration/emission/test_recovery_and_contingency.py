"""Crash recovery, off-line NFC-e, SVC for the NF-e, rejected -> corrected, events: the real simulator
injects the faults (docs/simulator.md: timeout, slow, cstat108) and tells what SEFAZ holds."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from certificates.a1 import A1Certificate
from engine.emission import Conflict, DocStatus, EmissionService, Mode
from engine.emission.pipeline import chave_of
from engine.nfe.build.emitter import Emitente
from engine.ports import SefazGateway
from engine.xml.parser import parse_xml
from tests.integration.emission.conftest import Env, sale

_DS = "{http://www.w3.org/2000/09/xmldsig#}"


class Crash(BaseException):
    """The process dies (nothing after this line runs; no except clause of the pipeline catches it)."""


class CrashingGateway:
    def __init__(self, inner: SefazGateway, *, deliver: bool) -> None:
        self.inner, self.deliver = inner, deliver

    def authorize(self, nfe: bytes, **kw: Any) -> Any:
        if self.deliver:  # SEFAZ processes the document, the answer is lost with the process
            self.inner.authorize(nfe, **kw)
        raise Crash

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@dataclass
class CrashingContext:
    inner: Any
    deliver: bool

    @property
    def emitente(self) -> Emitente:
        return self.inner.emitente  # type: ignore[no-any-return]

    @property
    def a1(self) -> A1Certificate:
        return self.inner.a1  # type: ignore[no-any-return]

    def online(self, deadline_s: float) -> Any:
        return CrashingGateway(self.inner.online(deadline_s), deliver=self.deliver)

    def worker(self) -> Any:
        return self.inner.worker()


@dataclass
class CrashingDirectory:
    inner: Any
    deliver: bool

    def context(self, tenant_id: str, emitter_id: str) -> Any:
        return CrashingContext(self.inner.context(tenant_id, emitter_id), self.deliver)

    def cached(self, tenant_id: str, emitter_id: str) -> Any:
        found = self.inner.cached(tenant_id, emitter_id)
        return None if found is None else (CrashingContext(found[0], self.deliver), found[1])

    def tenant_of(self, emitter_id: str) -> str | None:
        return self.inner.tenant_of(emitter_id)  # type: ignore[no-any-return]


def _digest(signed: bytes) -> str:
    found = parse_xml(signed).find(f"{_DS}Signature/{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue")
    assert found is not None and found.text
    return found.text


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.parametrize("deliver", [False, True], ids=["crash-before-sefaz", "answer-lost"])
def test_crash_after_persist_before_send_is_recovered_by_consulting_first(env: Env, deliver: bool) -> None:
    crashing = EmissionService(env.repo, CrashingDirectory(env.directory, deliver), env.service.clock)
    with pytest.raises(Crash):
        crashing.emit(env.request("crash-1"))
    with env.repo.reader() as uow:
        left = uow.get_document(env.tenant_id, ref="crash-1")
    assert left is not None and left.status == DocStatus.SENT and left.signed_xml is not None
    stored = left.signed_xml
    assert len(env.sim.documents(env.cnpj)) == (1 if deliver else 0)

    report = env.service.recover_pending(_now())  # a fresh process: the periodic worker
    assert report.resolved == [left.id], report.failures
    with env.repo.reader() as uow:
        doc = uow.get_document(env.tenant_id, ref="crash-1")
        history = uow.history(left.id)
    assert doc is not None and doc.status == DocStatus.AUTHORIZED and doc.signed_xml == stored
    [at_sefaz] = env.sim.documents(env.cnpj)  # never a second document
    assert at_sefaz["chNFe"] == doc.chave and at_sefaz["nProt"] == doc.protocol
    assert at_sefaz["digVal"] == _digest(stored)  # the identical bytes
    assert history[-1].detail == "resolvido por consulta da chave" if deliver else history[-1].to_status == "authorized"
    # A second run finds nothing to do (idempotent worker).
    assert env.service.recover_pending(_now()).resolved == []


def test_timeout_gives_an_offline_nfce_within_the_deadline_then_it_is_transmitted_and_the_number_voided(
    env: Env,
) -> None:
    env.service.set_deadline(env.tenant_id, env.emitter_id, 65, 1000)
    env.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)
    started = time.monotonic()
    doc = env.service.emit(env.request("off-1")).document
    elapsed = time.monotonic() - started
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 9
    assert elapsed < 2.5, elapsed  # deadline 1 s for SEFAZ + building, signing and storing two documents
    assert doc.chave is not None and doc.chave[34] == "9" and doc.number == 2  # new number: 1 was transmitted
    assert doc.signed_xml is not None and b"<infNFeSupl>" in doc.signed_xml and b"<dhCont>" in doc.signed_xml
    assert env.service.mode(env.emitter_id, 65).mode == Mode.OFFLINE
    # While in contingency the next sale goes off-line at once, keeping its number.
    second = env.service.emit(env.request("off-2")).document
    assert second.status == DocStatus.CONTINGENCY and second.number == 3

    report = env.service.recover_pending(_now())
    assert report.mode_changes and not report.failures, report
    with env.repo.reader() as uow:
        first = uow.get_document(env.tenant_id, ref="off-1")
        again = uow.get_document(env.tenant_id, ref="off-2")
        [attempt] = uow.attempts(doc.id)
        topics = [t for t, _ in uow.outbox_topics(env.tenant_id)]
    assert first is not None and first.status == DocStatus.AUTHORIZED and first.chave == doc.chave
    assert again is not None and again.status == DocStatus.AUTHORIZED
    assert attempt.number == 1 and attempt.resolution == "voided"
    assert [(i["mod"], i["nNFIni"], i["nNFFin"]) for i in env.sim.inutilizacoes() if i["CNPJ"] == env.cnpj] == [
        (65, 1, 1)
    ]
    assert topics.count("nfe.contingency") == 2  # normal -> offline -> normal
    assert topics.count("nfe.inutilizacao") == 1
    assert env.service.mode(env.emitter_id, 65).mode == Mode.NORMAL


def test_online_attempt_authorized_after_all_is_cancelled_by_substitution(env: Env) -> None:
    env.service.set_deadline(env.tenant_id, env.emitter_id, 65, 1000)
    env.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="slow", delay_s=1.5, count=1)
    env.sim.fault(uf="SP", model=65, service="NFeConsultaProtocolo4", kind="timeout", delay_s=2, count=1)
    doc = env.service.emit(env.request("slow-1")).document
    assert doc.status == DocStatus.CONTINGENCY and doc.number == 2
    with env.repo.reader() as uow:
        [attempt] = uow.attempts(doc.id)
    deadline = time.monotonic() + 10
    while not [d for d in env.sim.documents(env.cnpj) if d["chNFe"] == attempt.chave]:
        assert time.monotonic() < deadline, "the slow authorization never reached the simulator"
        time.sleep(0.2)

    report = env.service.recover_pending(_now())
    assert not report.failures, report
    with env.repo.reader() as uow:
        final = uow.get_document(env.tenant_id, ref="slow-1")
        [resolved] = uow.attempts(doc.id)
        events = uow.fiscal_events(doc.id)
        announced = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.event"]
    assert [(p["chave"], p["tp_evento"], p["chave_substituta"]) for p in announced] == [
        (attempt.chave, "110112", doc.chave)]
    assert final is not None and final.status == DocStatus.AUTHORIZED
    assert resolved.resolution == "cancelled"
    assert [e.tp_evento for e in events] == ["110112"] and events[0].proc_xml
    online = next(d for d in env.sim.documents(env.cnpj) if d["chNFe"] == attempt.chave)
    assert online["cancelada"] is True


def test_nfe_goes_through_svc_when_the_authorizer_is_down_and_back_when_it_returns(env: Env) -> None:
    env.sim.fault(uf="SP", model=55, kind="cstat108")
    first = env.service.emit(env.request("svc-1", sale(55), model=55)).document
    assert first.status == DocStatus.AUTHORIZED, (first.cstat, first.xmotivo)
    assert first.tp_emis == 6 and first.number == 1 and first.chave and first.chave[34] == "6"  # SP -> SVC-AN
    assert env.service.mode(env.emitter_id, 55).mode == Mode.SVC
    second = env.service.emit(env.request("svc-2", sale(55), model=55)).document
    assert second.status == DocStatus.AUTHORIZED and second.tp_emis == 6 and second.number == 2
    assert env.service.check_modes().mode_changes == []  # still down
    env.sim.clear()
    assert env.service.check_modes().mode_changes
    third = env.service.emit(env.request("svc-3", sale(55), model=55)).document
    assert third.status == DocStatus.AUTHORIZED and third.tp_emis == 1 and third.number == 3
    with env.repo.reader() as uow:
        switches = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.contingency"]
    assert [(s["from"], s["to"]) for s in switches] == [("normal", "svc"), ("svc", "normal")]


def test_rejected_document_is_corrected_and_resent_under_the_same_number(env: Env) -> None:
    env.sim.control("POST", "/_control/clock", {"offset_seconds": -900})  # our dhEmi is 15 min ahead: 703
    try:
        doc = env.service.emit(env.request("rej-1")).document
    finally:
        env.sim.control("POST", "/_control/clock", {"offset_seconds": 0})
    assert doc.status == DocStatus.REJECTED and doc.cstat == 703 and doc.number == 1
    rejected_bytes = doc.signed_xml
    assert rejected_bytes is not None
    fixed = env.service.correct(env.tenant_id, doc.id, env.request("rej-1").body)
    assert fixed.status == DocStatus.AUTHORIZED and fixed.number == 1 and fixed.signed_xml != rejected_bytes
    with env.repo.reader() as uow:
        [old] = uow.attempts(doc.id)
        statuses = [h.to_status for h in uow.history(doc.id)]
    assert old.signed_xml == rejected_bytes and old.cstat == 703 and old.resolution == "superseded"
    assert statuses[-5:] == ["sent", "rejected", "signed", "sent", "authorized"]
    with pytest.raises(Conflict):
        env.service.correct(env.tenant_id, doc.id, env.request("rej-1").body)


def test_denied_emitter_gets_a_denied_document_with_its_protocol(env: Env) -> None:
    env.sim.control("POST", "/_control/deny", {"cnpj": env.cnpj})
    doc = env.service.emit(env.request("den-1")).document
    assert doc.status == DocStatus.DENIED and doc.cstat == 301 and doc.protocol


def test_cancel_correction_letter_and_inutilizacao(env: Env) -> None:
    nfce = env.service.emit(env.request("c-1")).document
    out = env.service.cancel(env.tenant_id, nfce.id, "Venda desfeita a pedido do paciente", actor="k1")
    assert out.document.status == DocStatus.CANCELLED and out.event.cstat == 135 and out.event.proc_xml
    with pytest.raises(Conflict):
        env.service.cancel(env.tenant_id, nfce.id, "Venda desfeita a pedido do paciente")
    nfe = env.service.emit(env.request("n-1", sale(55), model=55)).document
    one = env.service.correction_letter(env.tenant_id, nfe.id, "Correcao do endereco de entrega do paciente")
    two = env.service.correction_letter(env.tenant_id, nfe.id, "Correcao do complemento do endereco de entrega")
    assert (one.event.n_seq_evento, two.event.n_seq_evento) == (1, 2)
    assert one.event.cstat == 135 and two.document.status == DocStatus.AUTHORIZED
    year = _now().year
    inut = env.service.inutilizar(env.tenant_id, env.emitter_id, model=65, series=1, n_ini=10, n_fin=12,
                                  xjust="Numeracao pulada por falha no sistema do PDV", ano=year)
    assert inut.cstat == 102 and inut.proc_xml and inut.protocol
    with pytest.raises(Conflict) as info:
        env.service.inutilizar(env.tenant_id, env.emitter_id, model=65, series=1, n_ini=1, n_fin=1,
                               xjust="Numeracao pulada por falha no sistema do PDV", ano=year)
    assert info.value.cstat == "241"


def test_chave_of_reads_the_stored_bytes(env: Env) -> None:
    doc = env.service.emit(env.request("k-1")).document
    assert doc.signed_xml is not None and chave_of(doc.signed_xml) == doc.chave
    assert hashlib.sha256(doc.signed_xml).hexdigest()


def test_in_process_worker_settles_a_lost_answer_by_itself(env: Env) -> None:
    from adapters.emission_worker import start_in_process
    from tests.integration.emission.conftest import MASTER

    crashing = EmissionService(env.repo, CrashingDirectory(env.directory, True), env.service.clock)
    with pytest.raises(Crash):
        crashing.emit(env.request("worker-1"))
    stop = start_in_process(env.db, MASTER, {"ORTHO_SEFAZ_URL": env.sim.url,
                                             "ORTHO_SEFAZ_TRUST_PEM": env.sim.ca_pem_path,
                                             "ORTHO_EMISSION_RECOVERY_S": "1", "ORTHO_EMISSION_GRACE_S": "0"})
    try:
        deadline = time.monotonic() + 15
        while True:
            with env.repo.reader() as uow:
                doc = uow.get_document(env.tenant_id, ref="worker-1")
            assert doc is not None
            if doc.status == DocStatus.AUTHORIZED:
                break
            assert time.monotonic() < deadline, doc.status
            time.sleep(0.2)
    finally:
        stop()
    assert len(env.sim.documents(env.cnpj)) == 1


class LostThenRefused:
    """The POST timed out after sending (SEFAZ may have it), then the client's consulta was refused."""

    def __init__(self, inner: SefazGateway) -> None:
        self.inner = inner

    def authorize(self, nfe: bytes, **kw: Any) -> Any:
        from engine.ports import TransportError

        def consulta() -> None:
            raise TransportError("conexão recusada", kind="connect", delivered=False)

        try:
            raise TransportError("sem resposta", kind="timeout", delivered=True)
        except TransportError:
            consulta()  # as SefazClient.authorize does: the consulta's failure carries the POST's as context
        raise AssertionError("unreachable")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_refused_consulta_does_not_hide_a_possibly_delivered_authorization(env: Env) -> None:
    class Directory(CrashingDirectory):
        def context(self, tenant_id: str, emitter_id: str) -> Any:
            inner = self.inner.context(tenant_id, emitter_id)

            class Ctx(CrashingContext):
                def online(self, deadline_s: float) -> Any:
                    return LostThenRefused(self.inner.online(deadline_s))

            return Ctx(inner, False)

    service = EmissionService(env.repo, Directory(env.directory, False), env.service.clock)
    doc = service.emit(env.request("lost-1")).document
    assert doc.status == DocStatus.CONTINGENCY and doc.number == 2  # number 1 may be at SEFAZ: not reused
    with env.repo.reader() as uow:
        [attempt] = uow.attempts(doc.id)
    assert attempt.number == 1 and attempt.resolution == "pending"
