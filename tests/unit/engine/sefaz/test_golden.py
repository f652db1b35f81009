"""Outgoing messages compared with golden files after C14N (whitespace between elements ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import states
from certificates.a1 import A1Certificate
from engine.sefaz import messages as msg
from engine.sefaz.soap import envelope
from engine.xml.parser import c14n, parse_xml

from .conftest import NOW

GOLDEN = Path(__file__).parent / "golden"
CHAVE = "35261211222333000181550010000000011000000018"


def canonical(data: bytes) -> bytes:
    root = parse_xml(data)
    for el in root.iter():
        if el.text is not None and not el.text.strip() and len(el):
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    return c14n(root)


@pytest.mark.parametrize(
    ("golden", "build"),
    [
        ("consSitNFe.xml", lambda: _env("SP", 55, "homologacao", "NFeConsultaProtocolo4", msg.cons_sit_nfe, CHAVE)),
        ("consReciNFe.xml", lambda: _env("RS", 65, "producao", "NFeRetAutorizacao4", msg.cons_reci_nfe,
                                         "431000012345678")),
        ("ConsCad.xml", lambda: _cad()),
    ],
)
def test_message_matches_golden(golden: str, build) -> None:  # type: ignore[no-untyped-def]
    assert canonical(build()) == canonical((GOLDEN / golden).read_bytes())


def _env(uf: str, model: int, env: str, service: str, builder, arg: str) -> bytes:  # type: ignore[no-untyped-def]
    ep = states.endpoint(uf, model, env, service)
    return envelope(ep, builder(ep, arg))


def _cad() -> bytes:
    ep = states.endpoint("SP", 55, "producao", "CadConsultaCadastro4")
    return envelope(ep, msg.cons_cad(ep, cnpj="11222333000181"))


def test_cancel_event_inf_evento_matches_golden(a1: A1Certificate) -> None:
    ep = states.endpoint("SP", 55, "homologacao", "NFeRecepcaoEvento4")
    signed = parse_xml(msg.cancelamento(ep, chave=CHAVE, n_prot="135260000000001",
                                        x_just="Venda desfeita a pedido do cliente", now=NOW, a1=a1))
    inf = signed.find("{http://www.portalfiscal.inf.br/nfe}infEvento")
    assert inf is not None
    standalone = etree.tostring(inf)  # the element in its own namespace context, as signed
    assert canonical(standalone) == canonical((GOLDEN / "infEvento-cancelamento.xml").read_bytes())
