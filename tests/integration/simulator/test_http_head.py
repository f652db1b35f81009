"""The request head as the simulator reads it (simulator.serving.TlsRequestHandler.parse_request):
header names are case-insensitive, malformed field lines are a 400, Expect: 100-continue gets its
interim answer, Connection: close ends the connection, and the answer head carries Server and Date."""

from __future__ import annotations

import socket
from email.utils import parsedate_to_datetime

import states

from .sefazclient import cons_stat, envelope


def _exchange(sim, emitter, raw: bytes, *, until_close: bool = False, interim: bool = False) -> bytes:
    with socket.create_connection((sim.host, sim.port), timeout=10) as plain:
        with emitter.client.ctx.wrap_socket(plain, server_hostname=sim.host) as tls:
            tls.sendall(raw)
            received = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    return received
                received += chunk
                final = received.partition(b"HTTP/1.1 100 Continue\r\n\r\n")[2] if interim else received
                if not until_close and b"\r\n\r\n" in final:
                    head, _, rest = final.partition(b"\r\n\r\n")
                    length = next(
                        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                         if line.lower().startswith(b"content-length:")),
                        0,
                    )
                    if len(rest) >= length:
                        return received


def _status_request(sim, *, headers: list[bytes], body_after_continue: bool = False) -> tuple[bytes, bytes]:
    ep = states.endpoint("SP", "55", "homologacao", "NFeStatusServico4", base_override=sim.url)
    body = envelope(ep.soap_operation, cons_stat("35"))
    path = ep.url.removeprefix(sim.url).encode()
    head = b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" + b"".join(h + b"\r\n" for h in headers)
    head += b"content-length: " + str(len(body)).encode() + b"\r\n\r\n"
    return head, body


def test_lower_case_header_names_are_read(sim, emitter):
    head, body = _status_request(sim, headers=[b"content-type: application/soap+xml; charset=utf-8"])
    answer = _exchange(sim, emitter, head + body)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"<cStat>107</cStat>" in answer


def test_a_header_line_without_a_colon_is_400(sim, emitter):
    head, body = _status_request(sim, headers=[b"Content-Type: application/soap+xml", b"this is not a field"])
    assert _exchange(sim, emitter, head + body, until_close=True).startswith(b"HTTP/1.1 400 ")


def test_whitespace_before_the_colon_is_400(sim, emitter):
    head, body = _status_request(sim, headers=[b"Content-Type : application/soap+xml"])
    assert _exchange(sim, emitter, head + body, until_close=True).startswith(b"HTTP/1.1 400 ")


def test_expect_100_continue_gets_the_interim_answer_first(sim, emitter):
    head, body = _status_request(
        sim, headers=[b"Content-Type: application/soap+xml; charset=utf-8", b"Expect: 100-continue"]
    )
    answer = _exchange(sim, emitter, head + body, interim=True)
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")


def test_connection_close_ends_the_connection_after_the_answer(sim, emitter):
    head, body = _status_request(
        sim, headers=[b"Content-Type: application/soap+xml; charset=utf-8", b"Connection: close"]
    )
    answer = _exchange(sim, emitter, head + body, until_close=True)  # returns only once the server closed
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def test_the_answer_head_has_server_date_type_and_length(sim, emitter):
    head, body = _status_request(sim, headers=[b"Content-Type: application/soap+xml; charset=utf-8"])
    answer = _exchange(sim, emitter, head + body)
    lines = answer.partition(b"\r\n\r\n")[0].split(b"\r\n")
    fields = dict(line.split(b": ", 1) for line in lines[1:])
    assert lines[0] == b"HTTP/1.1 200 OK"
    assert fields[b"Server"] == b"Microsoft-IIS/10.0 "
    assert parsedate_to_datetime(fields[b"Date"].decode()).tzinfo is not None
    assert fields[b"Content-Type"] == b"application/soap+xml; charset=utf-8"
    assert int(fields[b"Content-Length"]) == len(answer.partition(b"\r\n\r\n")[2])


def test_the_request_line_version_is_judged_as_http_server_judges_it(sim, emitter):
    head, body = _status_request(sim, headers=[b"Content-Type: application/soap+xml; charset=utf-8"])
    request_line, _, rest = head.partition(b"\r\n")
    method_path = request_line.rsplit(b" ", 1)[0]

    def answer(version: bytes) -> bytes:
        raw = method_path + b" " + version + b"\r\n" + rest + body
        return _exchange(sim, emitter, raw)

    assert answer(b"HTTP/1.1").startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer(b"HTTP/1.0").startswith(b"HTTP/1.1 200 OK\r\n")  # answered, then the connection closes
    assert answer(b"HTTP/01.1").startswith(b"HTTP/1.1 200 OK\r\n")  # (1, 1) as well
    for bad in (b"HTTP/1.x", b"HTTP/1", b"HTTP/1.1.1", b"HTTX/1.1", b"HTTP/12345678901.1", b"HTTP/+1.1"):
        # No version understood: http.server's HTTP/0.9 answer, the error page without a head.
        assert answer(bad).startswith(b"<!DOCTYPE HTML>") and b"Error code: 400" in answer(bad), bad
    http2 = answer(b"HTTP/2.0")  # refused before its version is taken: also the bare error page
    assert b"Error code: 505" in http2 and b"Invalid HTTP version (2.0)" in http2
