from __future__ import annotations

import pytest

import states
from certificates.a1 import A1Certificate
from engine.errors import ValidationFailed
from engine.ports import TransportError, TransportRequest
from engine.sefaz import ReenvioBloqueado, SefazClient, ServicoIndisponivel
from engine.sefaz.client import ClientPolicy
from engine.sefaz.protection import CircuitBreaker
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import NOW
from .fakes import FakeClock, FakeSefaz

N = "{http://www.portalfiscal.inf.br/nfe}"


def client(fake: FakeSefaz, a1: A1Certificate, clock: FakeClock | None = None, **kw: object) -> SefazClient:
    return SefazClient(fake, clock or FakeClock(NOW), a1=a1, **kw)  # type: ignore[arg-type]


def chave_of(nfe: bytes) -> str:
    return str(parse_xml(nfe).find(N + "infNFe").get("Id"))[3:]  # type: ignore[union-attr]


def test_status_returns_cstat_and_motivo_as_a_result(a1: A1Certificate) -> None:
    fake = FakeSefaz()
    result = client(fake, a1).status("SP", 65, "homologacao")
    assert (result.cstat, result.em_operacao, result.categoria, result.c_uf) == ("107", True, "sucesso", "35")
    ep = states.endpoint("SP", 65, "homologacao", "NFeStatusServico4")
    assert (fake.requests[0].url, fake.requests[0].soap_action) == (ep.url, ep.soap_action)
    assert fake.requests[0].tls_min_version == ep.tls_min_version


def test_sync_authorization_sends_the_signed_bytes_and_builds_a_valid_nfe_proc(
    a1: A1Certificate, nfce_signed: bytes
) -> None:
    fake = FakeSefaz()
    result = client(fake, a1).authorize(nfce_signed)
    assert result.autorizado and result.cstat == "100" and result.protocolo is not None
    assert nfce_signed in fake.requests[0].body  # exactly the signed bytes, inside enviNFe
    assert result.nfe_proc is not None and nfce_signed in result.nfe_proc
    assert schema_findings(parse_xml(result.nfe_proc)) == []
    sent = parse_xml(fake.requests[0].body)
    assert sent.find(f".//{N}indSinc").text == "1"  # type: ignore[union-attr]


def test_unsigned_nfe_is_refused_before_sending(a1: A1Certificate) -> None:
    from .conftest import FIXTURES

    fake = FakeSefaz()
    with pytest.raises(ValidationFailed) as info:
        client(fake, a1).authorize((FIXTURES / "nfce65_sp_pagamentos_multiplos.xml").read_bytes())
    assert info.value.findings[0].cstat == "297" and fake.requests == []


def test_lost_answer_is_resolved_by_consulta_without_resending(a1: A1Certificate, nfe_signed: bytes) -> None:
    fake = FakeSefaz(lost_answers=1)
    result = client(fake, a1).authorize(nfe_signed)
    names = [parse_xml(r.body).find(".//{*}nfeDadosMsg")[0].tag.split("}")[1] for r in fake.requests]  # type: ignore[index]
    assert names == ["enviNFe", "consSitNFe"]  # no second enviNFe: no duplicate
    assert result.autorizado and result.via_consulta and result.nfe_proc is not None


def test_duplicity_204_resolves_to_the_original_protocol(a1: A1Certificate, nfe_signed: bytes) -> None:
    fake = FakeSefaz()
    first = client(fake, a1).authorize(nfe_signed)
    again = client(fake, a1).authorize(nfe_signed)  # identical bytes re-sent by another process
    assert again.autorizado and again.via_consulta
    assert again.protocolo is not None and first.protocolo is not None
    assert again.protocolo.n_prot == first.protocolo.n_prot


def test_retry_after_undelivered_failure_resends_identical_bytes(a1: A1Certificate, nfce_signed: bytes) -> None:
    def refuse(_: TransportRequest) -> None:
        raise TransportError("refused", kind="connect", delivered=False)

    fake = FakeSefaz(faults=[refuse])
    clock = FakeClock(NOW)
    result = client(fake, a1, clock).authorize(nfce_signed)
    assert result.autorizado
    assert len(fake.requests) == 2 and fake.requests[0].body == fake.requests[1].body
    assert clock.sleeps == [1.0]


def test_rejected_bytes_are_never_resent(a1: A1Certificate, nfce_signed: bytes) -> None:
    fake = FakeSefaz(reject_with="225")
    c = client(fake, a1)
    assert c.authorize(nfce_signed).categoria == "rejeicao"
    with pytest.raises(ReenvioBloqueado) as info:
        c.authorize(nfce_signed)
    assert info.value.cstat == "225" and len(fake.requests) == 1


def test_async_batch_polls_by_recibo_honouring_tmed(a1: A1Certificate, nfe_signed: bytes) -> None:
    fake = FakeSefaz(async_polls=1)
    clock = FakeClock(NOW)
    result = client(fake, a1, clock).authorize_batch([nfe_signed])
    assert result.lote.cstat == "104"
    assert clock.sleeps == [3.0, 3.0]  # tMed 3 from the recibo, then never shorter than the last wait
    autorizacao = result.autorizacoes[chave_of(nfe_signed)]
    assert autorizacao.autorizado and autorizacao.nfe_proc is not None
    assert parse_xml(fake.requests[0].body).find(f".//{N}indSinc").text == "0"  # type: ignore[union-attr]


def test_cancel_cce_and_inutilizacao_build_valid_distribution_documents(a1: A1Certificate, nfe_signed: bytes) -> None:
    fake = FakeSefaz()
    c = client(fake, a1)
    auth = c.authorize(nfe_signed)
    assert auth.protocolo is not None
    chave = chave_of(nfe_signed)
    cce = c.carta_correcao(chave, "Corrige o endereco do destinatario: numero 123", 1, "homologacao")
    assert cce.evento is not None and cce.evento.registrado and len(cce.proc) == 1
    assert schema_findings(parse_xml(cce.proc[0])) == []
    canc = c.cancel(chave, auth.protocolo.n_prot, "Venda desfeita a pedido do cliente", "homologacao")
    assert canc.evento is not None and canc.evento.cstat == "135"
    assert schema_findings(parse_xml(canc.proc[0])) == []
    inut = c.inutilizar(
        "SP",
        55,
        "homologacao",
        cnpj="11222333000181",
        ano=2026,
        serie=1,
        n_nf_ini=10,
        n_nf_fin=12,
        x_just="Numeracao pulada por falha no sistema",
    )
    assert inut.homologada
    assert schema_findings(parse_xml(inut.proc), "nfe_v4.00/procInutNFe_v4.00.xsd") == []


def test_event_rejection_is_a_result_and_not_resent(a1: A1Certificate, nfe_signed: bytes) -> None:
    fake = FakeSefaz()
    c = client(fake, a1)
    chave = chave_of(nfe_signed)  # never authorised at the fake: 580
    result = c.carta_correcao(chave, "Corrige o endereco do destinatario", 1, "homologacao")
    assert result.evento is not None and result.evento.cstat == "580" and result.proc == ()
    for _ in range(2):
        c.clock.advance(1)  # type: ignore[attr-defined]
        c.carta_correcao(chave, "Corrige o endereco do destinatario", 1, "homologacao")
    with pytest.raises(ReenvioBloqueado):
        c.carta_correcao(chave, "Corrige o endereco do destinatario", 1, "homologacao")


def test_service_stopped_opens_the_breaker(a1: A1Certificate) -> None:
    fake = FakeSefaz(status_cstat="109")
    clock = FakeClock(NOW)
    c = client(fake, a1, clock, breaker=CircuitBreaker(clock, threshold=2, cooldown_s=30), policy=ClientPolicy())
    assert c.status("SP", 55, "homologacao").categoria == "erro_servico"
    c.status("SP", 55, "homologacao")
    with pytest.raises(ServicoIndisponivel):
        c.status("SP", 55, "homologacao")
    assert len(fake.requests) == 2
    clock.advance(31)
    fake.status_cstat = "107"
    assert c.status("SP", 55, "homologacao").em_operacao  # half-open trial succeeds and closes it


def test_malformed_nfe_bytes_fail_with_their_own_parse_error_before_anything_is_sent(
    a1: A1Certificate, nfce_signed: bytes
) -> None:
    from engine.errors import XmlError, XmlSecurityError

    fake = FakeSefaz()
    for bad, error in ((nfce_signed[:-20], XmlError), (nfce_signed + nfce_signed, XmlError),
                       (b"<!DOCTYPE x []>" + nfce_signed, XmlSecurityError)):
        with pytest.raises(error) as got:
            client(fake, a1).authorize(bad)
        with pytest.raises(error) as alone:
            parse_xml(bad)
        assert got.value.mensagem == alone.value.mensagem
    assert fake.requests == []


def test_authorization_protocol_keeps_the_tree_its_xml_serialises(a1: A1Certificate, nfce_signed: bytes) -> None:
    import dataclasses

    from lxml import etree

    result = client(FakeSefaz(), a1).authorize(nfce_signed)
    prot = result.protocolo
    assert prot is not None and prot.tree is not None
    assert etree.tostring(prot.tree, encoding="UTF-8") == prot.xml
    assert prot == dataclasses.replace(prot, tree=None)  # not part of the value
