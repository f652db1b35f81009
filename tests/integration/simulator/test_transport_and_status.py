"""Transport: mutual TLS, SOAP 1.2 framing, routing of every UF x model, message-level validation."""

from __future__ import annotations

import socket
import ssl
import time
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

import states
from certificates.testpki import TestCA

from .sefazclient import (
    Client,
    N,
    assert_schema_valid,
    authorizer_offset,
    cons_stat,
    envelope,
    envi_nfe,
    root,
    signed_nfe,
    sub,
)

ALL_UFS = [u.sigla for u in states.all_ufs()]


def test_tls_handshake_is_refused_without_a_client_certificate(sim) -> None:
    client = Client(sim.url, sim.ca_pem_path, None, None)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        client.request("POST", "/SP/55/ws/nfestatusservico4.asmx", envelope("NFeStatusServico4", cons_stat("35")))


def _stranger_client(sim, tmp_path) -> Client:
    """A client whose e-CNPJ comes from a CA outside the simulator's test PKI."""
    now = datetime.now(UTC)
    stranger = TestCA.create(now=now).issue_ecnpj(
        cnpj="11222333000181", not_before=now - timedelta(days=1), not_after=now + timedelta(days=30)
    )
    (tmp_path / "c.pem").write_bytes(stranger.cert_pem(with_chain=True))
    (tmp_path / "c.key").write_bytes(stranger.key_pem())
    return Client(sim.url, sim.ca_pem_path, tmp_path / "c.pem", tmp_path / "c.key")


def test_tls_handshake_is_refused_for_a_certificate_outside_the_test_pki(sim, tmp_path) -> None:
    client = _stranger_client(sim, tmp_path)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        client.request("POST", "/SP/55/ws/nfestatusservico4.asmx", envelope("NFeStatusServico4", cons_stat("35")))


def test_a_refused_client_certificate_reaches_the_client_as_a_tls_alert_every_time(sim, tmp_path) -> None:
    """TLS 1.3: the client has sent its request before the server judges its certificate. The refusal
    must arrive as the server's alert (ssl.SSLError), not as a connection reset that races it."""
    client = _stranger_client(sim, tmp_path)
    body = envelope("NFeStatusServico4", cons_stat("35"))
    head = (f"POST /SP/55/ws/nfestatusservico4.asmx HTTP/1.1\r\nHost: {client.host}\r\n"
            f"Content-Type: application/soap+xml\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    for _ in range(5):
        raw = socket.create_connection((client.host, client.port), timeout=5)
        with client.ctx.wrap_socket(raw, server_hostname=client.host) as tls:  # our handshake side ends here
            with pytest.raises(ssl.SSLError) as refused:  # not a reset, a broken pipe or a bare EOF
                tls.sendall(head)  # headers and body in two writes, as many HTTP clients send them
                time.sleep(0.05)
                tls.sendall(body)
                tls.recv(1024)
            assert not isinstance(refused.value, ssl.SSLEOFError | ssl.SSLZeroReturnError), refused.value
            assert "alert" in str(refused.value).lower(), refused.value


@pytest.mark.parametrize("model", ["55", "65"])
@pytest.mark.parametrize("uf", ALL_UFS)
def test_status_answers_107_on_the_route_of_every_uf_and_model(sim, emitter, uf: str, model: str) -> None:
    cuf = states.uf(uf).codigo
    resp = emitter.client.call(uf, model, "NFeStatusServico4", cons_stat(cuf), base=sim.url)
    assert resp.status == 200
    ret = resp.ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:cStat", namespaces=N) == "107"
    assert ret.findtext("n:cUF", namespaces=N) == cuf
    # dhRecbto on the authorizer's clock: AM/MT/MS (own authorizers) at -04:00, SVRS/SVAN (AC, RR,
    # RO...) in Brasília time, never the -05:00 of AC that the event schemas refuse.
    received = datetime.fromisoformat(ret.findtext("n:dhRecbto", namespaces=N))
    assert received.utcoffset() == authorizer_offset(states.uf(uf).autorizador(model), received)


def test_status_of_a_uf_the_authorizer_does_not_serve_is_226(sim, emitter) -> None:
    assert emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("43"), base=sim.url).cstat() == "226"


def test_production_tpamb_is_rejected_with_252(sim, emitter) -> None:
    assert emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("35", "1"), base=sim.url).cstat() == "252"


def test_answer_is_soap12_nfe_result_msg_in_the_operation_namespace(sim, emitter) -> None:
    resp = emitter.client.call("RS", "65", "NFeStatusServico4", cons_stat("43"), base=sim.url)
    env = etree.fromstring(resp.body)
    assert env.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    result = env[0][0]
    assert result.tag == "{http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4}nfeResultMsg"


def test_message_failing_the_schema_is_215(sim, emitter) -> None:
    msg = cons_stat("35")
    msg.find("n:xServ", N).text = "STATUSX"
    resp = emitter.client.call("SP", "55", "NFeStatusServico4", msg, base=sim.url)
    assert resp.cstat() == "215"
    assert "Falha no schema" in resp.ret().findtext("n:xMotivo", namespaces=N)


def test_batch_failing_the_schema_is_225(sim, emitter, nnf) -> None:
    nfe = signed_nfe(emitter.signer, model="55", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    msg = envi_nfe([nfe])
    msg.find("n:indSinc", N).text = "7"
    ret = emitter.client.call("SP", "55", "NFeAutorizacao4", msg, base=sim.url).ret()
    assert_schema_valid(ret)
    assert ret.findtext("n:cStat", namespaces=N) == "225"
    assert ret.find("n:protNFe", N) is None


def test_wrong_root_is_516_and_missing_versao_is_517(sim, emitter) -> None:
    wrong = root("consSitNFe", "4.00")
    sub(wrong, "tpAmb", "2")
    assert emitter.client.call("SP", "55", "NFeStatusServico4", wrong, base=sim.url).cstat() == "516"
    msg = cons_stat("35")
    del msg.attrib["versao"]
    assert emitter.client.call("SP", "55", "NFeStatusServico4", msg, base=sim.url).cstat() == "517"


def test_message_in_another_operation_namespace_is_a_soap_fault(sim, emitter) -> None:
    body = envelope("NFeConsultaProtocolo4", cons_stat("35"))
    resp = emitter.client.request("POST", "/SP/55/ws/nfestatusservico4.asmx", body)
    assert resp.status == 500
    assert b"Fault" in resp.body


def test_soap11_content_type_is_refused_with_415(sim, emitter) -> None:
    body = envelope("NFeStatusServico4", cons_stat("35"))
    resp = emitter.client.request("POST", "/SP/55/ws/nfestatusservico4.asmx", body, "text/xml; charset=utf-8")
    assert resp.status == 415


def test_unknown_path_is_404(sim, emitter) -> None:
    assert emitter.client.request("POST", "/SP/55/ws/nada.asmx", b"<x/>").status == 404


def test_contingency_svc_routes_answer_for_their_ufs(sim, emitter) -> None:
    resp = emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=sim.url, contingency=True)
    assert resp.cstat() == "107"
    resp = emitter.client.call("PR", "55", "NFeStatusServico4", cons_stat("41"), base=sim.url, contingency=True)
    assert resp.cstat() == "107"


def test_registry_service_outside_the_simulation_is_a_501_fault_not_a_crash(sim, emitter) -> None:
    msg = root("distDFeInt", "1.01")
    resp = emitter.client.call("SP", "55", "NFeDistribuicaoDFe", msg, base=sim.url)
    assert resp.status == 501
    assert "não é simulado" in resp.body.decode()


def test_message_over_500_kb_is_214(sim, emitter) -> None:
    msg = cons_stat("35")
    msg.append(etree.Comment("x" * (501 * 1024)))
    assert emitter.client.call("SP", "55", "NFeStatusServico4", msg, base=sim.url).cstat() == "214"


def test_answer_declares_xml_as_the_sefaz_front_ends_do(sim, emitter) -> None:
    body = emitter.client.call("SP", "55", "NFeStatusServico4", cons_stat("35"), base=sim.url).body
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
