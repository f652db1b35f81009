"""Cancelamento por substituição (110112): detEvento is checked by the rules (the generic schema skips it)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

import states
from certificates.testpki import make_test_a1
from engine.nfe.chave import make_chave
from engine.nfe.rules import event_findings
from engine.sefaz import messages
from engine.xml.parser import parse_xml

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
CNPJ = "11222333000181"
N = "{http://www.portalfiscal.inf.br/nfe}"


def _chave(nnf: int, mod: int = 65) -> str:
    return make_chave(uf="SP", ano_mes=dt.date(2026, 12, 1), emitente=CNPJ, mod=mod, serie=1, nnf=nnf, cnf="40718253")


@pytest.fixture(scope="module")
def env_evento() -> etree._Element:
    _, issued = make_test_a1(cnpj=CNPJ, now=NOW)
    endpoint = states.endpoint("SP", 65, "homologacao", "NFeRecepcaoEvento4")
    data = messages.cancelamento_substituicao(
        endpoint, chave=_chave(10), n_prot="135260000000001", x_just="Venda refeita em nova NFC-e",
        chave_substituta=_chave(11), ver_aplic="OrthoFiscal", now=NOW, a1=issued.to_a1(),
    )  # fmt: skip
    return parse_xml(data)


def _det(root: etree._Element) -> etree._Element:
    det = root.find(f".//{N}detEvento")
    assert det is not None
    return det


def test_a_well_formed_substitution_has_no_findings(env_evento: etree._Element) -> None:
    assert event_findings(env_evento) == []


@pytest.mark.parametrize(
    ("campo", "valor", "trecho"),
    [
        ("descEvento", "Cancelamento", "descEvento"),
        ("tpAutor", "2", "tpAutor 1"),
        ("nProt", "123", "15 dígitos"),
        ("xJust", "curta", "15 a 255"),
        ("chNFeRef", "123", "substituta ausente ou inválida"),
    ],
)
def test_each_detevento_field_is_checked(env_evento: etree._Element, campo: str, valor: str, trecho: str) -> None:
    root = etree.fromstring(etree.tostring(env_evento))
    el = _det(root).find(N + campo)
    assert el is not None
    el.text = valor
    findings = event_findings(root)
    assert [f.code for f in findings] == ["EVENTO_SUBSTITUICAO"]
    assert trecho in findings[0].mensagem and findings[0].cstat == "225"
    assert findings[0].xpath.endswith(f"detEvento/{campo}")


def test_the_substitute_must_differ_and_be_an_nfce(env_evento: etree._Element) -> None:
    root = etree.fromstring(etree.tostring(env_evento))
    ch = root.findtext(f".//{N}infEvento/{N}chNFe")
    ref = _det(root).find(N + "chNFeRef")
    assert ref is not None and ch
    ref.text = ch
    assert any("diferente" in f.mensagem for f in event_findings(root))
    ref.text = _chave(12, mod=55)
    assert any("modelo 65" in f.mensagem for f in event_findings(root))
