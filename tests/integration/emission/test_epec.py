"""NF-e contingency beyond the UF's authorizer, against the REAL simulator on both databases:

* an NF-e sent to the SVC whose answer is lost is settled by the recovery worker at the SVC that holds it
  (the origin authorizer is still down, so a consulta there could not settle it);
* authorizer AND SVC down -> EPEC (tpEmis 4, NT 2014.001): the EPEC registered at the Ambiente Nacional
  (136), the document ``contingency`` with its EPEC recorded, its DANFE printable with the EPEC's
  protocol, the next NF-e straight to EPEC, then both transmitted to the origin once it answers 107 and
  the emitter back to ``normal``; every switch an ``nfe.contingency`` event;
* a silent Ambiente Nacional leaves the EPEC NF-e ``sent`` and the worker registers it later;
* an EPEC the AN refuses (142, the simulator's ``/_control/epec-block``) makes the document
  ``rejected`` with the AN's reason; corrected, it is authorized under the same number.

"SEFAZ-SP is down" is one fault for the whole UF: the simulator matches its contingency authorizers and
the Ambiente Nacional by their own names only, so the AN keeps registering SP's EPEC.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from adapters.danfe import DanfeOptions, epec_proc_evento, plan_danfe, render_stored_danfe
from engine.emission import DocStatus, Mode
from engine.xml.parser import parse_xml
from tests.integration.emission.conftest import Env, body, sale

N = "{http://www.portalfiscal.inf.br/nfe}"


def _now() -> datetime:
    return datetime.now(UTC)


def _origin_down(env: Env) -> None:
    env.sim.fault(uf="SP", model=55, kind="cstat108")


def _switches(env: Env) -> list[tuple[str, str]]:
    with env.repo.reader() as uow:
        return [(p["from"], p["to"]) for t, p in uow.outbox_topics(env.tenant_id)
                if t == "nfe.contingency" and p["emitter_id"] == env.emitter_id]


def _wait_for(env: Env, chave: str) -> None:
    deadline = time.monotonic() + 10
    while not [d for d in env.sim.documents(env.cnpj) if d["chNFe"] == chave]:
        assert time.monotonic() < deadline, "the slow authorization never reached the simulator"
        time.sleep(0.1)


def test_svc_answer_lost_is_settled_by_consulta_at_the_svc(env: Env) -> None:
    env.service.set_deadline(env.tenant_id, env.emitter_id, 55, 1000)  # read timeout 450 ms
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, service="NFeAutorizacao4", kind="slow", delay_s=1.5, count=1)
    doc = env.service.emit(env.request("svc-lost", sale(55), model=55)).document
    assert doc.status == DocStatus.SENT and doc.tp_emis == 6 and doc.number == 1, (doc.status, doc.tp_emis)
    assert doc.chave is not None and doc.chave[34] == "6"
    assert env.service.mode(env.emitter_id, 55).mode == Mode.EPEC  # the SVC did not answer either
    _wait_for(env, doc.chave)  # the SVC authorized it after all; the answer was lost

    report = env.service.recover_pending(_now())
    assert report.resolved == [doc.id], report
    with env.repo.reader() as uow:
        final = uow.get_document(env.tenant_id, ref="svc-lost")
        attempts = uow.attempts(doc.id)
    [at_sefaz] = env.sim.documents(env.cnpj)
    assert final is not None and final.status == DocStatus.AUTHORIZED and final.chave == doc.chave
    assert final.protocol == at_sefaz["nProt"] and final.signed_xml == doc.signed_xml  # never re-issued
    assert [(a.tp_emis, a.resolution) for a in attempts] == [(1, "superseded")]
    assert [e for e in env.sim.control("GET", "/_control/documents")["epec"] if e["chNFe"][6:20] == env.cnpj] == []

    env.sim.clear()
    assert env.service.check_modes().mode_changes == [f"{env.emitter_id}/55: epec -> normal"]
    assert _switches(env) == [("normal", "svc"), ("svc", "epec"), ("epec", "normal")]


def test_authorizer_and_svc_down_gives_an_epec_nfe_printed_then_transmitted_when_back(env: Env) -> None:
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    doc = env.service.emit(env.request("epec-1", sale(55), model=55)).document
    assert doc.status == DocStatus.CONTINGENCY and doc.tp_emis == 4, (doc.status, doc.cstat, doc.xmotivo)
    assert doc.number == 1 and doc.chave is not None and doc.chave[34] == "4"  # never accepted: same number
    assert doc.signed_xml is not None
    ide = parse_xml(doc.signed_xml).find(f"{N}infNFe/{N}ide")
    assert ide is not None and ide.findtext(f"{N}tpEmis") == "4" and ide.findtext(f"{N}dhCont")
    assert "EPEC" in (ide.findtext(f"{N}xJust") or "")
    [registered] = [e for e in env.sim.control("GET", "/_control/documents")["epec"] if e["chNFe"] == doc.chave]

    with env.repo.reader() as uow:
        events = uow.fiscal_events(doc.id)
        history = uow.history(doc.id)
        attempts = uow.attempts(doc.id)
        announced = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.event"]
        modes = {m.model: m.mode for m in uow.modes_of_tenant(env.tenant_id)}
    [epec] = events
    assert (epec.tp_evento, epec.cstat, epec.protocol, epec.chave) == ("110140", 136, registered["nProt"], doc.chave)
    assert epec.proc_xml is not None and b"procEventoNFe" in epec.proc_xml
    assert [(p["tp_evento"], p["cstat"], p["registrado"]) for p in announced] == [("110140", 136, True)]
    assert "evento-110140" in [h.to_status for h in history]
    assert [a.tp_emis for a in attempts] == [1, 6]  # the normal and the SVC bytes, kept, never sent again
    assert all(a.resolution == "superseded" for a in attempts)
    assert modes[55] == Mode.EPEC

    # The DANFE of the EPEC NF-e: printable on plain paper with the EPEC's protocol.
    assert epec_proc_evento(events, doc.chave) == epec.proc_xml
    plan = plan_danfe(doc.signed_xml, options=DanfeOptions(epec_proc_evento=epec.proc_xml))
    assert plan.epec is not None and plan.epec.n_prot == registered["nProt"]
    assert any("EPEC regularmente recebida" in m for m in plan.marcas)
    assert render_stored_danfe(doc.signed_xml, None, events, chave=doc.chave).startswith(b"%PDF")

    # While in EPEC the next NF-e goes straight to EPEC, keeping its number.
    second = env.service.emit(env.request("epec-2", sale(55), model=55)).document
    assert second.status == DocStatus.CONTINGENCY and second.tp_emis == 4 and second.number == 2
    with env.repo.reader() as uow:
        assert uow.attempts(second.id) == []

    # Nothing is transmitted while the origin is down...
    report = env.service.recover_pending(_now())
    assert report.resolved == [] and report.mode_changes == [], report
    assert env.sim.documents(env.cnpj) == []
    # ... and both once it answers 107 again: the same bytes, authorized by the origin.
    env.sim.clear()
    report = env.service.recover_pending(_now())
    assert sorted(report.resolved) == sorted([doc.id, second.id]) and not report.failures, report
    with env.repo.reader() as uow:
        first = uow.get_document(env.tenant_id, ref="epec-1")
        again = uow.get_document(env.tenant_id, ref="epec-2")
    assert first is not None and first.status == DocStatus.AUTHORIZED and first.signed_xml == doc.signed_xml
    assert again is not None and again.status == DocStatus.AUTHORIZED
    at_sefaz = {d["chNFe"]: d for d in env.sim.documents(env.cnpj)}
    assert set(at_sefaz) == {doc.chave, second.chave} and at_sefaz[str(doc.chave)]["nProt"] == first.protocol
    assert _switches(env) == [("normal", "svc"), ("svc", "epec"), ("epec", "normal")]
    assert env.service.mode(env.emitter_id, 55).mode == Mode.NORMAL
    # Authorized: the DANFE is the normal one (nfeProc) with the contingency line.
    assert first.protocol_xml is not None
    assert render_stored_danfe(first.signed_xml or b"", first.protocol_xml, events, chave=first.chave)[:4] == b"%PDF"


def test_silent_ambiente_nacional_leaves_the_epec_nfe_sent_and_the_worker_registers_it(env: Env) -> None:
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    env.sim.fault(uf="AN", model=55, service="RecepcaoEvento_EPEC", kind="cstat108")
    doc = env.service.emit(env.request("epec-an", sale(55), model=55)).document
    assert doc.status == DocStatus.SENT and doc.tp_emis == 4 and doc.number == 1
    with env.repo.reader() as uow:
        assert uow.fiscal_events(doc.id) == []
        assert "epec-no-answer" in [h.to_status for h in uow.history(doc.id)]

    env.sim.clear()  # the AN answers again; SEFAZ-SP and its SVC are still down
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    report = env.service.recover_pending(_now())
    assert report.resolved == [doc.id], report
    with env.repo.reader() as uow:
        registered = uow.get_document(env.tenant_id, ref="epec-an")
        [epec] = uow.fiscal_events(doc.id)
    assert registered is not None and registered.status == DocStatus.CONTINGENCY and epec.cstat == 136
    assert registered.chave == doc.chave and registered.signed_xml == doc.signed_xml

    env.sim.clear()
    env.service.recover_pending(_now())
    with env.repo.reader() as uow:
        final = uow.get_document(env.tenant_id, ref="epec-an")
    assert final is not None and final.status == DocStatus.AUTHORIZED


def test_refused_epec_is_a_rejected_document_corrected_under_the_same_number(env: Env) -> None:
    env.sim.control("POST", "/_control/epec-block", {"cnpj": env.cnpj})
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    doc = env.service.emit(env.request("epec-142", sale(55), model=55)).document
    assert doc.status == DocStatus.REJECTED and doc.cstat == 142 and doc.tp_emis == 4
    assert doc.xmotivo is not None and "EPEC recusado" in doc.xmotivo
    with env.repo.reader() as uow:
        [refused] = uow.fiscal_events(doc.id)
        announced = [p for t, p in uow.outbox_topics(env.tenant_id) if t == "nfe.event"]
        history = uow.history(doc.id)
    assert (refused.tp_evento, refused.cstat, refused.protocol, refused.proc_xml) == ("110140", 142, None, None)
    assert [(p["tp_evento"], p["registrado"]) for p in announced] == [("110140", False)]
    assert history[-1].to_status == "rejected" and history[-1].cstat == 142

    env.sim.clear()
    fixed = env.service.correct(env.tenant_id, doc.id, body(sale(55)))
    assert fixed.status == DocStatus.AUTHORIZED and fixed.number == doc.number and fixed.tp_emis == 1


def test_epec_answer_lost_is_registered_once_and_the_resend_is_573(env: Env) -> None:
    env.service.set_deadline(env.tenant_id, env.emitter_id, 55, 1000)  # read timeout 450 ms
    _origin_down(env)
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    env.sim.fault(uf="AN", model=55, service="RecepcaoEvento_EPEC", kind="slow", delay_s=1.0, count=1)
    doc = env.service.emit(env.request("epec-lost", sale(55), model=55)).document
    assert doc.status == DocStatus.SENT and doc.tp_emis == 4
    deadline = time.monotonic() + 10
    while not [e for e in env.sim.control("GET", "/_control/documents")["epec"] if e["chNFe"] == doc.chave]:
        assert time.monotonic() < deadline, "the slow EPEC never reached the simulator"
        time.sleep(0.1)

    report = env.service.recover_pending(_now())  # the EPEC again: the AN answers 573, it is registered
    assert report.resolved == [doc.id], report
    with env.repo.reader() as uow:
        registered = uow.get_document(env.tenant_id, ref="epec-lost")
        events = uow.fiscal_events(doc.id)
    assert registered is not None and registered.status == DocStatus.CONTINGENCY
    assert [(e.tp_evento, e.cstat) for e in events] == [("110140", 573)]
    assert len([e for e in env.sim.control("GET", "/_control/documents")["epec"] if e["chNFe"] == doc.chave]) == 1

    env.sim.clear()
    env.service.recover_pending(_now())
    with env.repo.reader() as uow:
        final = uow.get_document(env.tenant_id, ref="epec-lost")
    assert final is not None and final.status == DocStatus.AUTHORIZED


def test_in_svc_mode_an_nfe_the_svc_refuses_with_108_goes_on_to_epec(env: Env) -> None:
    _origin_down(env)
    first = env.service.emit(env.request("ladder-1", sale(55), model=55)).document
    assert first.status == DocStatus.AUTHORIZED and first.tp_emis == 6  # the SVC took it
    env.sim.fault(uf="SVC-AN", model=55, kind="cstat108")  # now the SVC stops too
    second = env.service.emit(env.request("ladder-2", sale(55), model=55)).document
    assert second.status == DocStatus.CONTINGENCY and second.tp_emis == 4 and second.number == 2
    with env.repo.reader() as uow:
        assert [(a.tp_emis, a.number, a.resolution) for a in uow.attempts(second.id)] == [(6, 2, "superseded")]
    assert _switches(env) == [("normal", "svc"), ("svc", "epec")]
    env.sim.clear()
    report = env.service.recover_pending(_now())
    assert report.resolved == [second.id] and not report.failures, report
    assert {d["chNFe"][34] for d in env.sim.documents(env.cnpj)} == {"6", "4"}
