"""The production SEFAZ transport (adapters.sefaz_transport) against the real simulator: keep-alive
reuse (one TLS handshake for many calls), TLS session resumption, a connection closed while idle,
and the exact ``delivered`` semantics of each failure (engine.ports.TransportError)."""

from __future__ import annotations

import socket
import time

import pytest

from adapters.sefaz_transport import HttpsTransport, SystemClock
from engine.errors import ConfigurationError
from engine.ports import TransportError, TransportRequest
from engine.sefaz import SefazClient

from .conftest import Sim


class _Capture:
    def __init__(self, inner: HttpsTransport) -> None:
        self.inner = inner
        self.requests: list[TransportRequest] = []

    def post(self, request: TransportRequest):  # type: ignore[no-untyped-def]
        self.requests.append(request)
        return self.inner.post(request)


def _status_request(sim: Sim, transport: HttpsTransport) -> TransportRequest:
    """A real NFeStatusServico4 request as the client builds it (SP, NFC-e)."""
    capture = _Capture(transport)
    SefazClient(capture, SystemClock(), a1=sim.a1, base_override=sim.url).status("SP", 65, "homologacao")
    return capture.requests[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_one_tls_handshake_serves_many_calls_and_a_new_connection_resumes_the_session(sim: Sim) -> None:
    transport = sim.transport()
    try:
        request = _status_request(sim, transport)
        for _ in range(20):
            response = transport.post(request)
            assert response.status == 200 and b"retConsStatServ" in response.body
        assert transport.pool_stats(request.url) == (1, 0)  # keep-alive: one connection, one handshake
        pool = next(iter(transport._shared.pools.values()))
        idle = pool.idle[0]
        assert idle.sock is not None
        idle.sock.shutdown(socket.SHUT_RD)  # as if the server had closed it while idle
        assert transport.post(request).status == 200  # detected before reuse and replaced, not an error
        opened, resumed = transport.pool_stats(request.url)
        assert opened == 2 and resumed == 1  # the second connection resumed the first one's TLS session
    finally:
        transport.close()


def test_timeout_views_share_the_connections(sim: Sim) -> None:
    transport = sim.transport()
    try:
        request = _status_request(sim, transport)
        online = transport.with_timeouts(0.5, 2.0)
        assert online.post(request).status == 200 and transport.post(request).status == 200
        assert transport.pool_stats(request.url) == (1, 0)
    finally:
        transport.close()


def test_refused_connection_was_not_delivered(sim: Sim) -> None:
    transport = sim.transport()
    try:
        request = _status_request(sim, transport)
        port = sim.url.rsplit(":", 1)[1].split("/")[0]
        closed = TransportRequest(request.url.replace(f":{port}", f":{_free_port()}"), request.body,
                                  request.soap_action)
        with pytest.raises(TransportError) as info:
            transport.post(closed)
        assert (info.value.kind, info.value.delivered) == ("connect", False)
    finally:
        transport.close()


def test_a_server_silent_in_the_handshake_is_a_connect_timeout_not_delivered(sim: Sim) -> None:
    transport = sim.transport().with_timeouts(0.3, 5.0)
    with socket.socket() as mute:  # accepts TCP (backlog) but never speaks TLS
        mute.bind(("127.0.0.1", 0))
        mute.listen(4)
        url = f"https://127.0.0.1:{mute.getsockname()[1]}/ws/NFeStatusServico4"
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            transport.post(TransportRequest(url, b"<x/>", "urn:x"))
        assert (info.value.kind, info.value.delivered) == ("connect", False)
        assert time.monotonic() - started < 3.0
    transport.close()


def test_no_answer_within_the_read_timeout_may_have_been_delivered(sim: Sim) -> None:
    transport = sim.transport(read_timeout_s=0.5)
    try:
        request = _status_request(sim, transport)
        sim.control("POST", "/_control/faults", {"uf": "SP", "model": 65, "service": "NFeStatusServico4",
                                                 "kind": "timeout", "delay_s": 2, "count": 1})
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            transport.post(request)
        assert (info.value.kind, info.value.delivered) == ("timeout", True)
        assert 0.4 < time.monotonic() - started < 1.9
        assert transport.post(request).status == 200  # the timed-out connection is not reused
    finally:
        sim.control("DELETE", "/_control/faults")
        transport.close()


def test_connection_dropped_after_the_request_may_have_been_delivered(sim: Sim) -> None:
    transport = sim.transport(read_timeout_s=5.0)
    try:
        request = _status_request(sim, transport)
        sim.control("POST", "/_control/faults", {"uf": "SP", "model": 65, "service": "NFeStatusServico4",
                                                 "kind": "timeout", "delay_s": 0.2, "count": 1})
        with pytest.raises(TransportError) as info:
            transport.post(request)  # the simulator closes the connection without answering
        assert (info.value.kind, info.value.delivered) == ("protocol", True)
    finally:
        sim.control("DELETE", "/_control/faults")
        transport.close()


def test_only_https_is_accepted(sim: Sim) -> None:
    transport = sim.transport()
    with pytest.raises(ConfigurationError, match="somente HTTPS"):
        transport.post(TransportRequest("http://127.0.0.1:1/ws", b"<x/>", "urn:x"))
    transport.close()


def test_a_client_certificate_the_server_refuses_is_a_tls_failure_not_delivered(sim: Sim) -> None:
    from datetime import UTC, datetime

    from certificates.testpki import make_test_a1

    stranger = make_test_a1(cnpj="45997418000153", now=datetime.now(UTC))[1]  # another CA than the simulator's
    trusted = sim.transport()
    request = _status_request(sim, trusted)
    trusted.close()
    transport = HttpsTransport(pfx=stranger.to_pfx("x"), password="x", trust_pem_path=sim.ca_pem_path)
    try:
        with pytest.raises(TransportError) as info:
            transport.post(request)
        assert (info.value.kind, info.value.delivered) == ("tls", False)
    finally:
        transport.close()
