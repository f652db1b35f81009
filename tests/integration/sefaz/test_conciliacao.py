"""SefazClient.conciliacao_financeira (ECONF, evento 110750) through the production transport against
the real simulator: NF-e from SP registered at the SVRS (cOrgao 92) with a valid procEventoNFe, NFC-e at
the UF, 573/218 as results, and a bad payment refused before anything is sent."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

import pytest

from engine.errors import ValidationFailed
from engine.nfe.chave import dv_chave
from engine.nfe.rules.eventos import rule_eventos
from engine.sefaz.messages import PagamentoConciliado
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import CNPJ, Sim
from .documents import signed

_numbers = itertools.count(7000)


def _pix(now: datetime, valor: str = "150.00") -> PagamentoConciliado:
    return PagamentoConciliado(t_pag="17", v_pag=Decimal(valor), d_pag=now.date(), cnpj_pag="00000000000191",
                               uf_pag="DF", c_aut="E00000000202612031200abcdefghijk")


@pytest.mark.parametrize("model", [55, 65])
def test_econf_of_an_authorized_document_is_135_with_a_valid_proc(sim: Sim, now: datetime, model: int) -> None:
    client = sim.client()
    auth = client.authorize(signed("SP", model, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ))
    assert auth.cstat == "100" and auth.protocolo is not None, auth.xmotivo
    chave = auth.protocolo.chave

    result = client.conciliacao_financeira(chave, [_pix(now)], "homologacao")
    assert result.evento is not None and result.evento.cstat == "135", result.evento
    assert len(result.proc) == 1
    proc = parse_xml(result.proc[0])
    assert schema_findings(proc) == []
    assert list(rule_eventos(proc)) == []
    orgao = proc.findtext(".//{http://www.portalfiscal.inf.br/nfe}infEvento/{http://www.portalfiscal.inf.br/nfe}cOrgao")
    assert orgao == ("92" if model == 55 else "35")

    again = client.conciliacao_financeira(chave, [_pix(now)], "homologacao")
    assert again.evento is not None and again.evento.cstat == "573"
    second = client.conciliacao_financeira(chave, [_pix(now, "10.00")], "homologacao", n_seq=2)
    assert second.evento is not None and second.evento.cstat == "135"


def test_econf_of_a_cancelled_nfe_is_218(sim: Sim, now: datetime) -> None:
    client = sim.client()
    auth = client.authorize(signed("SP", 55, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ))
    assert auth.protocolo is not None, auth.xmotivo
    chave = auth.protocolo.chave
    cancel = client.cancel(chave, auth.protocolo.n_prot, "Venda desfeita a pedido do paciente", "homologacao")
    assert cancel.evento is not None and cancel.evento.cstat == "135"
    result = client.conciliacao_financeira(chave, [_pix(now)], "homologacao")
    assert result.evento is not None and result.evento.cstat == "218"
    assert result.proc == ()


def test_invalid_payment_never_reaches_the_sefaz(sim: Sim, now: datetime) -> None:
    client = sim.client()
    body = f"352612{CNPJ}55001000000001100000001"
    chave = body + dv_chave(body)
    with pytest.raises(ValidationFailed, match="vPag"):
        client.conciliacao_financeira(chave, [_pix(now, "0")], "homologacao")
