"""NF-e in EPEC (tpEmis 4, NT 2014.001): the document for the EPEC contingency is schema-valid, rule-clean,
signs and verifies, its chave carries tpEmis 4, and the EPEC event built from it carries its data."""

from __future__ import annotations

from datetime import timedelta

import pytest

import states
from certificates.xmldsig import sign_document, verify_signature
from engine.errors import InputError
from engine.nfe.contingencia import TP_EMIS_EPEC, contingency_findings, to_epec, to_svc
from engine.nfe.validate import validate_document
from engine.sefaz import messages as msg
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings
from tests.unit.engine.nfe.test_contingencia import LATER, MANAUS, NOW, N, _a1, _build, _csrt, _emitente, _nfce

XJUST = "Autorizador e SVC sem resposta; emissao em contingencia EPEC"


def test_epec_nfe_is_valid_signed_and_its_chave_carries_tpemis_4() -> None:
    emitente = _emitente("emitente-normal")
    original = _build("nfe-venda", emitente)
    epec = to_epec(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    ide = epec.find(f"{N}infNFe/{N}ide")
    assert ide is not None
    chave = epec[0].get("Id", "")[3:]
    assert chave[34] == TP_EMIS_EPEC == ide.findtext(N + "tpEmis")
    assert ide.findtext(N + "nNF") == original.findtext(f"{N}infNFe/{N}ide/{N}nNF")  # never sent: same number
    assert ide.findtext(N + "xJust") == XJUST and (ide.findtext(N + "dhCont") or "").endswith("-03:00")
    assert contingency_findings(epec, now=LATER) == []
    doc = parse_xml(sign_document(epec, _a1()))
    report = validate_document(doc, now=LATER)
    assert report.valid, [f.mensagem for f in report.findings]
    assert verify_signature(doc).valid


def test_epec_takes_a_new_number_when_the_normal_attempt_was_transmitted() -> None:
    emitente = _emitente("emitente-normal")
    original = _build("nfe-venda", emitente)
    with pytest.raises(InputError) as reused:
        to_epec(original, now=LATER, xjust=XJUST, transmitida=True, csrt=_csrt(emitente))
    assert reused.value.code == "CONTINGENCIA_NUMERO" and reused.value.cstat == "539"
    epec = to_epec(original, now=LATER, xjust=XJUST, transmitida=True, nnf=777, csrt=_csrt(emitente))
    chave = epec[0].get("Id", "")[3:]
    assert int(chave[25:34]) == 777 and chave[34] == "4"


def test_epec_is_for_the_nfe_only_and_uses_the_emitter_zone() -> None:
    nfce, emitente = _nfce()
    with pytest.raises(InputError) as nfce_epec:
        to_epec(nfce, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert nfce_epec.value.code == "CONTINGENCIA_MODELO"
    am = _emitente("emitente-normal", endereco=MANAUS)
    epec = to_epec(_build("nfe-venda", am), now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(am))
    assert epec.findtext(f"{N}infNFe/{N}ide/{N}dhCont") == "2026-12-04T11:00:07-04:00"


def test_the_epec_event_of_the_signed_nfe_is_schema_valid_for_the_ambiente_nacional() -> None:
    emitente = _emitente("emitente-normal")
    epec = to_epec(_build("nfe-venda", emitente), now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    signed = sign_document(epec, _a1())
    ep = states.endpoint("SP", "55", "homologacao", "RecepcaoEvento_EPEC")
    assert ep.autorizador == "AN" and ep.codigo_orgao == "91"
    raw = msg.epec(ep, nfe=signed, ver_aplic="OrthoFiscal", now=NOW + timedelta(seconds=9), a1=_a1())
    lote = parse_xml(msg.env_evento([raw], id_lote="1"))  # validated against the EPEC schema (raises if not)
    assert schema_findings(lote) == []
    event = parse_xml(raw)
    inf = event.find(f"{N}infEvento")
    assert inf is not None
    assert inf.findtext(f"{N}chNFe") == epec[0].get("Id", "")[3:]
    assert inf.findtext(f"{N}tpEvento") == "110140" and inf.findtext(f"{N}cOrgao") == "91"
    assert inf.findtext(f"{N}detEvento/{N}dest/{N}vNF") == epec.findtext(f"{N}infNFe/{N}total/{N}ICMSTot/{N}vNF")


def test_an_svc_nfe_the_svc_did_not_answer_for_becomes_an_epec_nfe_but_not_twice() -> None:
    emitente = _emitente("emitente-normal")
    svc = to_svc(_build("nfe-venda", emitente), now=NOW, xjust="Autorizador da UF fora de operacao (108)",
                 transmitida=False, csrt=_csrt(emitente))
    epec = to_epec(svc, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    ide = epec.find(f"{N}infNFe/{N}ide")
    assert ide is not None and ide.findtext(N + "tpEmis") == "4" and ide.findtext(N + "xJust") == XJUST
    assert ide.findtext(N + "dhCont") == "2026-12-04T12:00:07-03:00"
    assert contingency_findings(epec, now=LATER) == []
    with pytest.raises(InputError) as twice:
        to_epec(epec, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert twice.value.code == "CONTINGENCIA_TPEMIS"
    with pytest.raises(InputError) as back:
        to_svc(epec, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))
    assert back.value.code == "CONTINGENCIA_TPEMIS"
