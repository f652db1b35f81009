"""Evento 110750 Conciliação Financeira (ECONF, NT 2024.002): the signed message against a golden file
after C14N, where it goes (SVRS/92 for NF-e, the UF for NFC-e) and the detEvento rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

import states
from certificates.a1 import A1Certificate
from certificates.xmldsig import verify_signature
from engine.errors import ValidationFailed
from engine.nfe.chave import dv_chave
from engine.nfe.rules.eventos import rule_eventos
from engine.sefaz import SefazClient
from engine.sefaz import messages as msg
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import NOW
from .fakes import FakeClock, FakeSefaz
from .test_golden import canonical

GOLDEN = Path(__file__).parent / "golden"
N = "{http://www.portalfiscal.inf.br/nfe}"
PSP_CNPJ = "00000000000191"  # Banco do Brasil S.A.


def _chave(mod: str, uf_code: str = "35") -> str:
    body = f"{uf_code}2612{'11222333000181'}{mod}001000000001100000001"
    return body + dv_chave(body)


PIX = msg.PagamentoConciliado(
    t_pag="17", v_pag=Decimal("150"), d_pag=date(2026, 12, 3), ind_pag="0", cnpj_pag=PSP_CNPJ, uf_pag="DF",
    c_aut="E00000000202612031200abcdefghijk",
)


def _econf(a1: A1Certificate, chave: str, *pagamentos: msg.PagamentoConciliado, n_seq: int = 1) -> bytes:
    ep = states.endpoint("SP", chave[20:22], "homologacao", "NFeRecepcaoEvento4")
    return msg.conciliacao_financeira(
        ep, chave=chave, pagamentos=list(pagamentos) or [PIX], ver_aplic="ortho-fiscal 1.0", now=NOW, a1=a1,
        n_seq=n_seq,
    )


def test_nfe_econf_inf_evento_matches_golden_after_c14n(a1: A1Certificate) -> None:
    signed = parse_xml(_econf(a1, _chave("55")))
    inf = signed.find(N + "infEvento")
    assert inf is not None
    assert canonical(etree.tostring(inf)) == canonical((GOLDEN / "infEvento-conciliacao.xml").read_bytes())


def test_econf_is_signed_and_its_env_evento_passes_the_generic_schema_and_the_rules(a1: A1Certificate) -> None:
    evento = _econf(a1, _chave("65"))
    assert verify_signature(parse_xml(evento)).valid
    env = parse_xml(msg.env_evento([evento], id_lote="1"))
    assert schema_findings(env) == []
    assert list(rule_eventos(env)) == []
    # NFC-e: the UF's own authorizer receives it, cOrgao = cUF of the chave (NT 2024.002 P08).
    assert env.findtext(f"{N}evento/{N}infEvento/{N}cOrgao") == "35"


def test_several_payments_keep_layout_order_and_card_fields(a1: A1Certificate) -> None:
    cartao = msg.PagamentoConciliado(
        t_pag="03", v_pag=Decimal("99.9"), d_pag=date(2026, 12, 2), cnpj_pag="60701190000104", uf_pag="SP",
        cnpj_if="60701190000104", t_band="02", c_aut="A1B2C3", cnpj_receb="11222333000181", uf_receb="SP",
    )
    inf = parse_xml(_econf(a1, _chave("55"), PIX, cartao)).find(N + "infEvento")
    assert inf is not None
    pags = inf.findall(f"{N}detEvento/{N}detPag")
    assert [etree.QName(c).localname for c in pags[1]] == [
        "tPag", "vPag", "dPag", "CNPJPag", "UFPag", "CNPJIF", "tBand", "cAut", "CNPJReceb", "UFReceb",
    ]
    assert pags[1].findtext(N + "vPag") == "99.90"


@pytest.mark.parametrize(
    ("change", "campo"),
    [
        ({"t_pag": "99"}, "xPag"),  # "outros" needs its description
        ({"t_pag": "14"}, "tPag"),  # duplicata left the table in layout 4.00
        ({"v_pag": Decimal("0")}, "vPag"),
        ({"uf_pag": None}, "UFPag"),  # CNPJPag and UFPag go together
        ({"cnpj_pag": "00000000000192"}, "CNPJPag"),
        ({"ind_pag": "2"}, "indPag"),
        ({"t_band": "1"}, "tBand"),
        ({"c_aut": "x" * 129}, "cAut"),
    ],
)
def test_invalid_payment_is_refused_before_signing_naming_the_field(
    a1: A1Certificate, change: dict[str, object], campo: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        _econf(a1, _chave("55"), replace(PIX, **change))  # type: ignore[arg-type]
    findings = info.value.findings
    assert any(campo in f.mensagem and f.cstat == "225" for f in findings), [f.mensagem for f in findings]


def test_econf_without_payments_is_refused(a1: A1Certificate) -> None:
    ep = states.endpoint("SP", 55, "homologacao", "NFeRecepcaoEvento4")
    with pytest.raises(ValidationFailed, match="detPag"):
        msg.conciliacao_financeira(ep, chave=_chave("55"), pagamentos=[], ver_aplic="1", now=NOW, a1=a1)


def test_validate_catches_a_tampered_econf(a1: A1Certificate) -> None:
    root = parse_xml(_econf(a1, _chave("55")))
    inf = root.find(N + "infEvento")
    assert inf is not None
    inf.find(N + "cOrgao").text = "35"  # type: ignore[union-attr]
    inf.find(f"{N}detEvento/{N}descEvento").text = "Conciliacao"  # type: ignore[union-attr]
    inf.find(f"{N}detEvento/{N}detPag/{N}dPag").text = "2026-13-01"  # type: ignore[union-attr]
    found = {(f.mensagem.split(":")[0], f.cstat) for f in rule_eventos(root)}
    assert ("cOrgao '35'", "226") in found
    assert ("descEvento", "225") in found
    assert ("detPag[0]/dPag", "225") in found


def test_client_sends_nfe_econf_to_svrs_and_nfce_econf_to_the_uf() -> None:
    client = SefazClient(FakeSefaz(), FakeClock(NOW))
    ep55 = client.conciliacao_endpoint(_chave("55"), "homologacao")
    assert (ep55.autorizador, ep55.codigo_orgao, ep55.uf) == ("SVRS", "92", "SP")
    assert "svrs" in ep55.url
    ep65 = client.conciliacao_endpoint(_chave("65"), "homologacao")
    assert (ep65.autorizador, ep65.codigo_orgao) == ("SP", "35")
