"""SP's NFC-e EPEC (NT 2014.003) through the production client against the REAL simulator:

* EPECStatusServico answers 107 only while SEFAZ-SP's "EPEC active" switch is on; while it is off the
  reception registers nothing (message-level 109);
* the model-65 event is received by SP (cOrgao 35) and validated by the model-65 schema: 136 registered
  (its procEventoNFe assembled and valid), 573 when repeated, 142 once an EPEC NFC-e waited 24 h;
* the NFC-e transmitted later: 100 with the same data, 467 naming the differing tag, 468 without an EPEC.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests

from certificates.xmldsig import sign_document
from engine.documentos import cnpj_dv
from engine.nfe.contingencia import finalize_epec, to_epec
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings
from states import ServiceNotOffered

from .conftest import Sim
from .documents import N, unsigned

XJUST = "Autorizador da NFC-e sem resposta no prazo do PDV; contingencia EPEC"
_SEQ = itertools.count(int.from_bytes(os.urandom(2), "big"))


def _cnpj() -> str:
    base = f"{(os.getpid() % 1000):03d}{next(_SEQ) % 10**5:05d}0001"
    return base + cnpj_dv(base)


@pytest.fixture
def epec_on(sim: Sim) -> Iterator[None]:
    sim.running.app.sefaz.set_nfce_epec_active("SP", True)
    try:
        yield
    finally:
        sim.running.app.sefaz.set_nfce_epec_active("SP", False)


def _epec_nfce(sim: Sim, cnpj: str, numero: int, now: datetime, uf: str = "SP") -> bytes:
    a1 = sim.client_for(cnpj).a1
    assert a1 is not None
    root = to_epec(unsigned(uf, 65, numero, now=now, cnpj=cnpj), now=now, xjust=XJUST, transmitida=False,
                   modelo="65")
    return finalize_epec(sign_document(root, a1), versao=3)


def test_epec_status_follows_the_switch_and_nothing_is_registered_while_it_is_off(sim: Sim, now: datetime) -> None:
    cnpj = _cnpj()
    client = sim.client_for(cnpj)
    nfce = _epec_nfce(sim, cnpj, 1, now)
    off = client.epec_status("SP", "homologacao")
    assert off.cstat == "109", off
    refused = client.epec(nfce)  # SP's reception does not process it either (message-level 109)
    assert refused.cstat == "109" and refused.evento is None and refused.proc == ()
    assert not [e for e in sim.control("GET", "/_control/documents")["epec"] if e["chNFe"][6:20] == cnpj]
    sim.running.app.sefaz.set_nfce_epec_active("SP", True)
    try:
        assert client.epec_status("SP", "homologacao").cstat == "107"
        assert client.epec(nfce).evento.registrado  # type: ignore[union-attr]
    finally:
        sim.running.app.sefaz.set_nfce_epec_active("SP", False)


def test_epec_registered_by_sp_then_the_same_nfce_is_authorized(sim: Sim, now: datetime, epec_on: None) -> None:
    cnpj = _cnpj()
    client = sim.client_for(cnpj)
    nfce = _epec_nfce(sim, cnpj, 1, now)
    result = client.epec(nfce)
    ev = result.evento
    assert ev is not None and ev.registrado and ev.cstat == "136" and ev.n_prot, ev
    assert result.avisos == () and len(result.proc) == 1
    proc = parse_xml(result.proc[0])
    assert schema_findings(proc, "evento_epec_nfce_v1.00/procEPECNFCe_v1.00.xsd") == []
    assert proc.findtext(f"{N}evento/{N}infEvento/{N}cOrgao") == "35"
    assert proc.findtext(f"{N}retEvento/{N}infEvento/{N}cOrgaoAutor") == "35"
    again = client.epec(nfce)  # an answer lost, sent again: already registered
    assert again.evento is not None and again.evento.cstat == "573"
    auth = client.authorize(nfce)
    assert auth.cstat == "100" and auth.nfe_proc is not None, auth.xmotivo


def test_divergent_nfce_is_467_and_one_without_epec_is_468(sim: Sim, now: datetime, epec_on: None) -> None:
    cnpj = _cnpj()
    client = sim.client_for(cnpj)
    a1 = client.a1
    assert a1 is not None
    nfce = _epec_nfce(sim, cnpj, 1, now)
    assert client.epec(nfce).evento.registrado  # type: ignore[union-attr]
    changed = parse_xml(nfce)
    v_nf = changed.find(f"{N}infNFe/{N}total/{N}ICMSTot/{N}vNF")
    assert v_nf is not None and v_nf.text
    v_nf.text = str(Decimal(v_nf.text) + Decimal("1.00"))
    for el in changed.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        changed.remove(el)
    divergent = client.authorize(sign_document(changed, a1))
    assert divergent.cstat == "467" and "[tag:vNF]" in divergent.xmotivo, divergent.xmotivo
    without = client.authorize(_epec_nfce(sim, cnpj, 2, now))
    assert without.cstat == "468", without.xmotivo


def test_an_epec_nfce_not_authorized_within_24_h_blocks_new_epec(sim: Sim, now: datetime, epec_on: None) -> None:
    cnpj = _cnpj()
    client = sim.client_for(cnpj)
    first = _epec_nfce(sim, cnpj, 1, now)
    assert client.epec(first).evento.registrado  # type: ignore[union-attr]
    later = _epec_nfce(sim, cnpj, 2, now)
    sim.control("POST", "/_control/clock", {"offset_seconds": timedelta(hours=25).total_seconds()})
    try:
        blocked = client.epec(later)
    finally:
        sim.control("POST", "/_control/clock", {"offset_seconds": 0})
    ev = blocked.evento
    assert ev is not None and ev.cstat == "142" and not ev.registrado
    pending = [el.text for el in parse_xml(ev.xml).iter(f"{N}chNFePend")]
    assert pending == [parse_xml(first).find(f"{N}infNFe").get("Id", "")[3:]]  # type: ignore[union-attr]


def test_a_uf_without_nfce_epec_is_refused_before_anything_is_sent(sim: Sim, now: datetime) -> None:
    cnpj = _cnpj()
    client = sim.client_for(cnpj)
    with pytest.raises(ServiceNotOffered):
        client.epec_status("PR", "homologacao")
    root = unsigned("PR", 65, 1, now=now, cnpj=cnpj)
    with pytest.raises(Exception) as no_epec:
        to_epec(root, now=now, xjust=XJUST, transmitida=False, modelo="65")
    assert getattr(no_epec.value, "code", "") == "CONTINGENCIA_EPEC_UF"


def test_the_epec_switch_over_the_control_api_and_reset_turns_it_off(sim: Sim) -> None:
    client = sim.client_for(_cnpj())
    try:
        assert sim.control("POST", "/_control/nfce-epec", {"uf": "SP", "active": True}) == {"nfce_epec_active": ["SP"]}
        assert client.epec_status("SP", "homologacao").cstat == "107"
        assert sim.control("POST", "/_control/reset", {}) == {"reset": True}
        assert client.epec_status("SP", "homologacao").cstat == "109"
        for bad in ({"uf": "SP", "active": "sim"}, {"uf": "XX", "active": True}, {"active": True}):
            with pytest.raises(requests.HTTPError) as refused:
                sim.control("POST", "/_control/nfce-epec", bad)
            assert refused.value.response.status_code == 400
    finally:
        sim.running.app.sefaz.set_nfce_epec_active("SP", False)
