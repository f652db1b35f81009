"""Injected faults (control API) and the consumo-indevido rules (656)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from lxml import etree

import simulator

from .sefazclient import N, chave_of, cons_sit, cons_stat, env_evento, envi_nfe, epec_evento, signed_nfe


def _status(sim, party, uf="SP", model="55"):
    from states import uf as uf_of

    return party.client.call(uf, model, "NFeStatusServico4", cons_stat(uf_of(uf).codigo), base=sim.url)


def test_fault_timeout_holds_the_request_past_the_client_timeout(sim, emitter):
    emitter.client.control(
        "POST",
        "/_control/faults",
        {"uf": "SP", "model": 55, "service": "NFeStatusServico4", "kind": "timeout", "delay_s": 1.0, "count": 1},
    )
    impatient = emitter.client.for_url(sim.url, timeout=0.3)
    with pytest.raises(TimeoutError):
        impatient.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=sim.url)
    assert _status(sim, emitter).cstat() == "107"  # count 1: only one request affected


def test_fault_slow_answers_after_the_delay(sim, emitter):
    emitter.client.control(
        "POST",
        "/_control/faults",
        {"uf": None, "model": None, "service": None, "kind": "slow", "delay_s": 0.4, "count": 1},
    )
    started = time.monotonic()
    assert _status(sim, emitter).cstat() == "107"
    assert time.monotonic() - started >= 0.4


def test_fault_http500_is_a_soap_fault_until_cleared(sim, emitter):
    emitter.client.control("POST", "/_control/faults", {"kind": "http500", "count": None})
    for _ in range(2):
        resp = _status(sim, emitter)
        assert resp.status == 500
        assert etree.fromstring(resp.body).find(".//{http://www.w3.org/2003/05/soap-envelope}Fault") is not None
    assert emitter.client.control("DELETE", "/_control/faults") == {"faults": []}
    assert _status(sim, emitter).cstat() == "107"


def test_fault_malformed_answers_unparseable_xml(sim, emitter):
    emitter.client.control("POST", "/_control/faults", {"kind": "malformed", "count": 1})
    resp = _status(sim, emitter)
    assert resp.status == 200
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(resp.body)


@pytest.mark.parametrize("kind", ["cstat108", "cstat109"])
def test_fault_service_stopped_answers_108_or_109_on_any_service(sim, emitter, nnf, kind):
    emitter.client.control("POST", "/_control/faults", {"uf": "SP", "kind": kind, "count": 2})
    assert _status(sim, emitter).cstat() == kind[-3:]
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
    assert ret.findtext("n:cStat", namespaces=N) == kind[-3:]
    assert ret.find("n:protNFe", N) is None


def test_fault_filters_by_uf_model_and_service(sim, emitter):
    emitter.client.control(
        "POST",
        "/_control/faults",
        {"uf": "RS", "model": 65, "service": "NFeStatusServico4", "kind": "cstat109", "count": None},
    )
    assert _status(sim, emitter, "RS", "65").cstat() == "109"
    assert _status(sim, emitter, "RS", "55").cstat() == "107"
    assert _status(sim, emitter, "SP", "65").cstat() == "107"
    # A UF served by SVRS is matched by its own sigla and by the authorizer's name.
    emitter.client.control("POST", "/_control/faults", {"uf": "BA", "model": 65, "kind": "cstat108", "count": 1})
    assert _status(sim, emitter, "BA", "65").cstat() == "108"
    assert _status(sim, emitter, "PE", "65").cstat() == "107"


def test_control_rejects_an_unknown_fault_kind(sim, emitter):
    resp = emitter.client.request("POST", "/_control/faults", b'{"kind": "explode"}', "application/json")
    assert resp.status == 400
    assert "kind" in resp.body.decode()


def test_consulta_of_the_same_chave_more_than_10_times_an_hour_is_656_for_an_hour(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url)
    seen = [
        emitter.client.call("SP", "55", "NFeConsultaProtocolo4", cons_sit(chave_of(nfe)), base=sim.url).cstat()
        for _ in range(11)
    ]
    assert seen == ["100"] * 10 + ["656"]
    # The block covers the whole service for this transmitter, not only that chave ...
    other_chave = chave_of(nfe)[:-1] + ("0" if chave_of(nfe)[-1] != "0" else "1")
    assert (
        emitter.client.call("SP", "55", "NFeConsultaProtocolo4", cons_sit(other_chave), base=sim.url).cstat() == "656"
    )
    # ... other services keep answering, and the block ends after an hour.
    assert _status(sim, emitter).cstat() == "107"
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 3601})
    assert (
        emitter.client.call("SP", "55", "NFeConsultaProtocolo4", cons_sit(chave_of(nfe)), base=sim.url).cstat() == "100"
    )


def test_resending_a_rejected_nfe_more_than_30_times_blocks_the_authorization_with_656(sim, emitter, nnf):
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    nfe.find("n:infNFe/n:emit/n:xNome", N).text = "ALTERADO DEPOIS DE ASSINAR"
    seen = []
    for _ in range(31):
        ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
        seen.append(ret.findtext("n:protNFe/n:infProt/n:cStat", namespaces=N) or ret.findtext("n:cStat", namespaces=N))
    assert seen == ["297"] * 30 + ["656"]
    good = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf + 1, dh_emi=datetime.now(UTC))
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", envi_nfe([good]), base=sim.url).ret()
    assert ret.findtext("n:cStat", namespaces=N) == "656"


def test_burst_of_requests_from_one_certificate_is_656(sim, emitter):
    strict = simulator.start(pki_dir=sim.pki.directory, consumo=simulator.ConsumoRules(burst_requests=5))
    client = emitter.client.for_url(strict.url)
    try:
        seen = [
            client.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=strict.url).cstat() for _ in range(6)
        ]
        assert seen == ["107"] * 5 + ["656"]
    finally:
        strict.stop()


def test_fault_on_a_uf_leaves_its_contingency_authorizer_up(sim, emitter):
    emitter.client.control("POST", "/_control/faults", {"uf": "SP", "model": 55, "kind": "cstat109", "count": None})
    assert _status(sim, emitter).cstat() == "109"
    svc = emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=sim.url, contingency=True)
    assert svc.cstat() == "107"
    emitter.client.control("POST", "/_control/faults", {"uf": "SVC-AN", "kind": "cstat108", "count": 1})
    svc = emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=sim.url, contingency=True)
    assert svc.cstat() == "108"



def test_fault_on_a_uf_leaves_the_ambiente_nacional_epec_up(sim, emitter, nnf):
    """SEFAZ-SP down (uf=SP, any service) must not take down the AN's EPEC, whose messages name SP's chave."""
    emitter.client.control("POST", "/_control/faults", {"uf": "SP", "model": 55, "kind": "cstat108", "count": None})
    assert _status(sim, emitter).cstat() == "108"
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC), tp_emis="4")
    ev = epec_evento(emitter.signer, nfe)
    ret = emitter.client.call("SP", "55", "RecepcaoEvento_EPEC", env_evento(ev), base=sim.url).ret()
    assert ret.findtext("n:cStat", namespaces=N) == "128"
    assert ret.findtext("n:retEvento/n:infEvento/n:cStat", namespaces=N) == "136"
    emitter.client.control("POST", "/_control/faults", {"uf": "AN", "kind": "cstat109", "count": 1})
    ret = emitter.client.call("SP", "55", "RecepcaoEvento_EPEC", env_evento(ev), base=sim.url).ret()
    assert ret.findtext("n:cStat", namespaces=N) == "109"
