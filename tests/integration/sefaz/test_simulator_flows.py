"""Every service through the real transport against the simulator: 27 UFs x 2 models for status,
the full flow for one UF per authorizer and model, and the failure paths (timeout, 204, 656)."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

import states
from engine.ports import TransportError
from engine.sefaz import ConsumoIndevidoEvitado, RespostaInvalida, ServicoIndisponivel
from engine.sefaz.protection import CircuitBreaker
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import CNPJ, Sim
from .documents import signed

_numbers = itertools.count(1000)


def representative() -> list[tuple[str, int]]:
    """The first UF (alphabetically) of every authorizer, per model."""
    chosen: dict[tuple[int, str], str] = {}
    for the_uf in states.all_ufs():
        for model in (55, 65):
            chosen.setdefault((model, the_uf.autorizador(str(model))), the_uf.sigla)  # type: ignore[arg-type]
    return sorted((uf, model) for (model, _), uf in chosen.items())


ALL = [(u.sigla, m) for u in states.all_ufs() for m in (55, 65)]


@pytest.fixture(scope="module")
def client(sim: Sim):  # type: ignore[no-untyped-def]
    return sim.client()


@pytest.mark.parametrize(("uf", "model"), ALL, ids=[f"{u}-{m}" for u, m in ALL])
def test_status_for_every_uf_and_model(client, uf: str, model: int) -> None:  # type: ignore[no-untyped-def]
    result = client.status(uf, model, "homologacao")
    assert (result.cstat, result.categoria) == ("107", "sucesso")
    assert result.c_uf == states.uf(uf).codigo


@pytest.mark.parametrize(("uf", "model"), representative(), ids=[f"{u}-{m}" for u, m in representative()])
def test_full_flow_per_authorizer(sim: Sim, client, now: datetime, uf: str, model: int) -> None:  # type: ignore[no-untyped-def]
    numero = next(_numbers)
    nfe = signed(uf, model, numero, now=now, a1=sim.a1, cnpj=CNPJ)
    auth = client.authorize(nfe)
    assert auth.cstat == "100", auth.xmotivo
    assert auth.nfe_proc is not None and nfe in auth.nfe_proc
    assert schema_findings(parse_xml(auth.nfe_proc)) == []
    assert auth.protocolo is not None
    chave = auth.protocolo.chave

    consulta = client.consulta(chave, "homologacao")
    assert consulta.cstat == "100" and consulta.protocolo is not None
    assert consulta.protocolo.n_prot == auth.protocolo.n_prot

    if model == 55:
        cce = client.carta_correcao(chave, "Corrige o complemento do endereco do destinatario", 1, "homologacao")
        assert cce.evento is not None and cce.evento.cstat == "135", cce.evento.xmotivo
        _assert_proc(cce, uf)
    cancel = client.cancel(chave, auth.protocolo.n_prot, "Venda desfeita a pedido do paciente", "homologacao")
    assert cancel.evento is not None and cancel.evento.cstat == "135", cancel.evento.xmotivo
    _assert_proc(cancel, uf)
    assert client.consulta(chave, "homologacao").cstat == "101"  # cancelada

    inut = client.inutilizar(uf, model, "homologacao", cnpj=CNPJ, ano=now.year, serie=7, n_nf_ini=2 * numero,
                             n_nf_fin=2 * numero + 1, x_just="Numeracao pulada por falha no PDV")
    assert inut.cstat == "102", inut.xmotivo
    assert schema_findings(parse_xml(inut.proc), "nfe_v4.00/procInutNFe_v4.00.xsd") == []


def _assert_proc(result, uf: str) -> None:  # type: ignore[no-untyped-def]
    """The procEventoNFe is assembled and valid against its event's proc XSD, in every UF: the
    simulator stamps dhRegEvento on the authorizer's clock (SVRS in Brasília time for AC), so the
    cancel/CC-e dhRegEvento pattern (-0[1-4]:00) never sees the -05:00 of a UTC-5 UF."""
    assert result.avisos == (), result.avisos
    assert len(result.proc) == 1 and schema_findings(parse_xml(result.proc[0])) == []
    dh_reg = parse_xml(result.proc[0]).findtext(".//{http://www.portalfiscal.inf.br/nfe}dhRegEvento")
    assert dh_reg is not None and not dh_reg.endswith("-05:00"), (uf, dh_reg)


def test_cadastro_where_offered(client) -> None:  # type: ignore[no-untyped-def]
    result = client.cadastro("SP", "homologacao", cnpj=CNPJ)
    assert result.cstat in ("111", "112") and result.contribuintes[0].cnpj == CNPJ
    with pytest.raises(states.ServiceNotOffered):
        client.cadastro("AM", "homologacao", cnpj=CNPJ)


def test_async_batch_is_polled_to_the_protocols(sim: Sim, client, now: datetime) -> None:  # type: ignore[no-untyped-def]
    docs = [signed("PR", 55, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ) for _ in range(3)]
    result = client.authorize_batch(docs)
    assert result.lote.cstat == "104", result.lote.xmotivo
    assert sorted(a.cstat for a in result.autorizacoes.values()) == ["100", "100", "100"]
    assert all(a.nfe_proc for a in result.autorizacoes.values())


def test_timeout_then_consulta_then_identical_resend_gives_one_document(sim: Sim, now: datetime) -> None:
    numero = next(_numbers)
    nfe = signed("RS", 65, numero, now=now, a1=sim.a1, cnpj=CNPJ)
    sim.control("POST", "/_control/faults", {"uf": "RS", "model": "65", "service": "NFeAutorizacao4",
                                             "kind": "timeout", "delay_s": 3, "count": 1})
    try:
        client = sim.client(transport=sim.transport(read_timeout_s=1.0))
        result = client.authorize(nfe)
    finally:
        sim.control("DELETE", "/_control/faults")
    assert result.cstat == "100"
    docs = [d for d in sim.control("GET", "/_control/documents")["documents"] if d["nNF"] in (numero, str(numero))
            and int(d["mod"]) == 65 and d["CNPJ"] == CNPJ]
    assert len(docs) == 1  # no duplicate


def test_resending_identical_bytes_resolves_204_to_the_original_protocol(sim: Sim, now: datetime) -> None:
    nfe = signed("SP", 65, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ)
    first = sim.client().authorize(nfe)
    again = sim.client().authorize(nfe)  # another process with no memory of the first send
    assert first.cstat == again.cstat == "100"
    assert again.via_consulta and again.protocolo is not None and first.protocolo is not None
    assert again.protocolo.n_prot == first.protocolo.n_prot


def test_our_limits_stop_a_consulta_loop_before_sefaz_answers_656(sim: Sim, now: datetime) -> None:
    client = sim.client()
    nfe = signed("MG", 65, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ)
    chave = client.authorize(nfe).protocolo.chave  # type: ignore[union-attr]
    seen = []
    with pytest.raises(ConsumoIndevidoEvitado):
        for _ in range(30):  # the simulator (like SEFAZ) blocks past 10 consultations of one chave per hour
            seen.append(client.consulta(chave, "homologacao").cstat)
    assert "656" not in seen and len(seen) < 10


def test_http500_and_malformed_answers_are_errors_and_open_the_breaker(sim: Sim) -> None:
    from adapters.sefaz_transport import SystemClock

    client = sim.client(breaker=CircuitBreaker(SystemClock(), threshold=2, cooldown_s=60))
    for kind in ("http500", "malformed"):
        sim.control("POST", "/_control/faults", {"uf": "GO", "model": "55", "service": "NFeStatusServico4",
                                                 "kind": kind, "count": 3})
    try:
        client.policy = type(client.policy)(retries=0)
        with pytest.raises(RespostaInvalida, match="SOAP Fault"):
            client.status("GO", 55, "homologacao")
        with pytest.raises(RespostaInvalida):
            client.status("GO", 55, "homologacao")
        with pytest.raises(ServicoIndisponivel):
            client.status("GO", 55, "homologacao")
    finally:
        sim.control("DELETE", "/_control/faults")


def test_service_stopped_is_a_result(sim: Sim) -> None:
    sim.control("POST", "/_control/faults", {"uf": "PE", "model": "55", "service": "NFeStatusServico4",
                                             "kind": "cstat109", "count": 1})
    try:
        result = sim.client().status("PE", 55, "homologacao")
    finally:
        sim.control("DELETE", "/_control/faults")
    assert (result.cstat, result.categoria) == ("109", "erro_servico")


def test_server_outside_the_trust_store_is_refused(sim: Sim, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from adapters.sefaz_transport import HttpsTransport, SystemClock
    from certificates.testpki import TestCA
    from engine.sefaz import SefazClient

    other = tmp_path / "other.pem"
    other.write_bytes(TestCA.create(now=datetime.now().astimezone()).trust_pem())
    transport = HttpsTransport(pfx=sim.pfx, password=sim.password, trust_pem_path=other)
    with pytest.raises(TransportError) as info:
        SefazClient(transport, SystemClock(), base_override=sim.url).status("SP", 55, "homologacao")
    assert info.value.kind == "tls" and not info.value.delivered


def test_transport_refuses_plain_http(sim: Sim) -> None:
    from engine.errors import ConfigurationError
    from engine.ports import TransportRequest

    with pytest.raises(ConfigurationError, match="HTTPS"):
        sim.transport().post(TransportRequest("http://127.0.0.1:1/x", b"<a/>", "urn:x"))


def test_transport_writes_no_key_file(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
    """The A1 goes to OpenSSL through an anonymous memory file: no temporary file is ever created."""
    import tempfile

    def forbidden(*_a: object, **_k: object) -> None:
        raise AssertionError("arquivo temporário criado com a chave do A1")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", forbidden)
    monkeypatch.setattr(tempfile, "mkstemp", forbidden)
    client = sim.client(transport=sim.transport())
    assert client.status("TO", 65, "homologacao").cstat == "107"


def test_epec_at_the_ambiente_nacional_then_the_document_is_authorised(sim: Sim, now: datetime) -> None:
    from .documents import signed_epec

    client = sim.client()
    nfe = signed_epec("SP", next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ)
    result = client.epec(nfe)
    assert result.evento is not None and result.evento.registrado, result.evento
    assert result.evento.tp_evento == "110140"
    # The AN's retEvento carries cOrgaoAutor (required by procEPEC_v1.00.xsd): the proc is assembled.
    assert result.avisos == (), result.avisos
    assert len(result.proc) == 1
    proc = parse_xml(result.proc[0])
    assert schema_findings(proc, "evento_epec_v1.00/procEPEC_v1.00.xsd") == []
    ret_inf = proc.find("{http://www.portalfiscal.inf.br/nfe}retEvento/{http://www.portalfiscal.inf.br/nfe}infEvento")
    assert ret_inf is not None and ret_inf.findtext("{http://www.portalfiscal.inf.br/nfe}cOrgaoAutor") == "35"
    assert client.authorize(nfe).cstat == "100"  # transmitted afterwards, as the EPEC rules require


@pytest.mark.parametrize(("uf", "model"), ALL, ids=[f"{u}-{m}" for u, m in ALL])
def test_authorization_consulta_and_inutilizacao_route_for_every_uf_and_model(
    sim: Sim, client, now: datetime, uf: str, model: int  # type: ignore[no-untyped-def]
) -> None:
    numero = next(_numbers)
    auth = client.authorize(signed(uf, model, numero, now=now, a1=sim.a1, cnpj=CNPJ))
    assert auth.cstat == "100", f"{uf}/{model}: {auth.xmotivo}"
    assert auth.protocolo is not None and auth.protocolo.chave[:2] == states.uf(uf).codigo
    assert client.consulta(auth.protocolo.chave, "homologacao").cstat == "100"
    inut = client.inutilizar(uf, model, "homologacao", cnpj=CNPJ, ano=now.year, serie=8, n_nf_ini=2 * numero,
                             n_nf_fin=2 * numero, x_just="Numero pulado por falha no PDV")
    assert inut.cstat == "102", f"{uf}/{model}: {inut.xmotivo}"


def test_cancel_by_substitution_of_an_nfce(sim: Sim, client, now: datetime) -> None:  # type: ignore[no-untyped-def]
    first = client.authorize(signed("SC", 65, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ))
    second = client.authorize(signed("SC", 65, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ))
    assert first.protocolo is not None and second.protocolo is not None
    result = client.cancel_substituicao(first.protocolo.chave, first.protocolo.n_prot,
                                        "Emitida em duplicidade, substituida por outra NFC-e",
                                        second.protocolo.chave, "homologacao")
    assert result.evento is not None and result.evento.cstat == "135", result.evento.xmotivo
    assert result.evento.tp_evento == "110112"
    _assert_proc(result, "SC")


def test_denied_authorization_is_a_result_with_its_nfe_proc(sim: Sim, now: datetime) -> None:
    denied_cnpj = "11444777000161"
    sim.control("POST", "/_control/deny", {"cnpj": denied_cnpj})
    client = sim.client_for(denied_cnpj)
    nfe = signed("SP", 55, next(_numbers), now=now, a1=client.a1, cnpj=denied_cnpj)  # type: ignore[arg-type]
    result = client.authorize(nfe)
    assert result.categoria == "denegado" and result.protocolo is not None and result.protocolo.denegado
    assert result.nfe_proc is not None and schema_findings(parse_xml(result.nfe_proc)) == []


def test_cancel_past_the_nfe_deadline_is_a_rejection(sim: Sim, client, now: datetime) -> None:  # type: ignore[no-untyped-def]
    auth = client.authorize(signed("ES", 55, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ))
    assert auth.protocolo is not None
    sim.control("POST", "/_control/clock", {"offset_seconds": 25 * 3600})
    try:
        result = client.cancel(auth.protocolo.chave, auth.protocolo.n_prot, "Cancelamento fora do prazo legal",
                               "homologacao")
    finally:
        sim.control("POST", "/_control/clock", {"offset_seconds": 0})
    assert result.evento is not None and result.evento.cstat == "501" and result.evento.categoria == "rejeicao"
    assert result.proc == ()
