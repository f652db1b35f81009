"""The transport reads an answer without http.client's file object and e-mail parser
(adapters.sefaz_transport._exchange for the common head, _Response for the others) and writes the request
head itself (_request_head): every decision taken from the head must be the one http.client's own
HTTPResponse takes, the body read the same way, and the request bytes those http.client sends, for each
shape of answer an HTTP/1.x server may send."""

from __future__ import annotations

import http.client
import io
import ssl

import pytest

from adapters.sefaz_transport import _exchange, _request_head, _Response

BODY = b"<soap12:Envelope/>"


class _Sock:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))  # type: ignore[arg-type]


def _chunked(body: bytes) -> bytes:
    """``body`` in two chunks and the last-chunk."""
    first, rest = body[:7], body[7:]
    return b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(first), first, len(rest), rest)


HEADS = {
    "content-length": b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "lower-case names, spaces": b"HTTP/1.1 200 OK\r\ncontent-length:   %d  \r\n\r\n" % len(BODY),
    "connection close": b"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "no length: until close": b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n",
    "http/1.0": b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "http/1.0 keep-alive": b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "http/1.0 Keep-Alive field": b"HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "100-continue first": b"HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(BODY),
    "negative length": b"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
    "bad length": b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
    "repeated field: first counts": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Length: 3\r\n\r\n" % len(BODY),
    "folded field": b"HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n close\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "no reason phrase": b"HTTP/1.1 200\r\nContent-Length: %d\r\n\r\n" % len(BODY),
    "bare LF": b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(BODY),
    "204 without body": b"HTTP/1.1 204 No Content\r\n\r\n",
}


def _read(cls: type[http.client.HTTPResponse], data: bytes) -> tuple[object, ...]:
    response = cls(_Sock(data))  # type: ignore[arg-type]
    response.begin()
    state = (response.status, response.reason, response.version, response.chunked, response.length,
             response.will_close)
    return (*state, response.read())


@pytest.mark.parametrize("name", sorted(HEADS))
def test_the_head_is_read_as_http_client_reads_it(name: str) -> None:
    data = HEADS[name] + BODY
    assert _read(_Response, data) == _read(http.client.HTTPResponse, data)


def test_a_chunked_answer_is_read_as_http_client_reads_it() -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 3\r\n\r\n" + _chunked(BODY)
    ours = _read(_Response, data)
    assert ours == _read(http.client.HTTPResponse, data)
    assert ours[3] is True and ours[-1] == BODY


BROKEN = [
    (b"", http.client.RemoteDisconnected),
    (b"SOAP 200 OK\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/1.1 2000 OK\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/2.0 200 OK\r\n\r\n", http.client.UnknownProtocol),
    (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
    (b"HTTP/1.1 200 OK\r\n" + b"X: 1\r\n" * 101 + b"\r\n", http.client.HTTPException),
]


@pytest.mark.parametrize(("data", "error"), BROKEN)
def test_a_broken_head_raises_what_http_client_raises(data: bytes, error: type[Exception]) -> None:
    # The transport maps these (HTTPException, OSError) to TransportError(kind="protocol", delivered=True).
    with pytest.raises(error):
        _read(_Response, data)
    with pytest.raises(error):
        _read(http.client.HTTPResponse, data)


def test_a_truncated_body_is_an_incomplete_read() -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + BODY
    with pytest.raises(http.client.IncompleteRead):
        _read(_Response, data)


class _Wire:
    """An SSL socket stand-in: records each write, answers with ``data`` cut into ``records`` (as TLS
    records arrive: a read never returns more than one)."""

    def __init__(self, data: bytes = b"", cut: int = 0) -> None:
        self.writes: list[bytes] = []
        self.records = [data[i:i + cut] for i in range(0, len(data), cut)] if cut else ([data] if data else [])

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def recv(self, size: int) -> bytes:
        if not self.records:
            return b""
        record = self.records.pop(0)
        if len(record) > size:
            record, rest = record[:size], record[size:]
            self.records.insert(0, rest)
        return record

    def recv_into(self, buffer: memoryview) -> int:
        record = self.recv(len(buffer))
        buffer[:len(record)] = record
        return len(record)


def _theirs(data: bytes) -> tuple[object, ...]:
    response = http.client.HTTPResponse(_Sock(data), method="POST")  # type: ignore[arg-type]
    response.begin()
    return response.status, response.read(), response.will_close


@pytest.mark.parametrize("cut", [0, 1, 7, 64])
@pytest.mark.parametrize("name", sorted(HEADS))
def test_an_exchange_reads_the_answer_as_http_client_reads_it(name: str, cut: int) -> None:
    data = HEADS[name] + BODY
    wire = _Wire(data, cut)
    assert _exchange(wire, b"request") == _theirs(data)  # type: ignore[arg-type]
    assert wire.writes == [b"request"]


@pytest.mark.parametrize("cut", [0, 5])
def test_an_exchange_reads_a_chunked_answer_as_http_client_reads_it(cut: int) -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 3\r\n\r\n" + _chunked(BODY)
    assert _exchange(_Wire(data, cut), b"request") == _theirs(data) == (200, BODY, False)  # type: ignore[arg-type]


@pytest.mark.parametrize("extra", [
    b"Server: Microsoft-IIS/10.0\r\nX-Powered-By: ASP.NET\r\nDate: Sat, 05 Dec 2026 02:00:00 GMT\r\n",
    b"Connection: keep-alive, Close\r\n",
    b"Content-length: 3\r\n",  # a repeated field: the first one counts
    b"X-Latin: caf\xe9\r\nConnection: close\xa0\r\n",  # not ASCII: read by http.client
    b"Content-Length : 3\r\n",
])
def test_the_fields_of_an_answer_decide_as_in_http_client(extra: bytes) -> None:
    data = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: %d\r\n%s\r\n%s" % (len(BODY), extra, BODY)
    assert _exchange(_Wire(data), b"request") == _theirs(data)  # type: ignore[arg-type]


def test_bytes_after_the_answer_close_the_connection() -> None:
    data = HEADS["content-length"] + BODY + b"HTTP/1.1 200 OK\r\n"
    assert _exchange(_Wire(data), b"request") == (200, BODY, True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("data", "error"), BROKEN)
def test_an_exchange_with_a_broken_head_raises_what_http_client_raises(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        _exchange(_Wire(data, 4096), b"request")  # type: ignore[arg-type]


@pytest.mark.parametrize("cut", [0, 10])
def test_an_exchange_with_a_truncated_body_is_an_incomplete_read(cut: int) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + BODY
    with pytest.raises(http.client.IncompleteRead):
        _exchange(_Wire(data, cut), b"request")  # type: ignore[arg-type]


def test_an_answer_longer_than_the_limit_is_refused_before_it_is_read() -> None:
    from adapters.sefaz_transport import MAX_ANSWER_BYTES

    data = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_ANSWER_BYTES + 1) + BODY
    with pytest.raises(http.client.HTTPException, match="acima do limite"):
        _exchange(_Wire(data), b"request")  # type: ignore[arg-type]


def _http_client_request(host: str, port: int, target: str, content_type: str, body: bytes) -> bytes:
    conn = http.client.HTTPSConnection(host, port, context=ssl.create_default_context())
    wire = _Wire()
    conn.sock = wire
    conn.request("POST", target, body=body, headers={"Content-Type": content_type})
    return b"".join(wire.writes)


@pytest.mark.parametrize(("host", "port"), [("sefaz.example", 443), ("127.0.0.1", 8443), ("::1", 443)])
@pytest.mark.parametrize("body", [b"", BODY, b"x" * 100_000])
def test_the_request_bytes_are_those_http_client_sends(host: str, port: int, body: bytes) -> None:
    content_type = 'application/soap+xml; charset=utf-8; action="http://www.portalfiscal.inf.br/nfe/wsdl/x/y"'
    before, after = _request_head(host, port, ssl.create_default_context(), "/ws/NFeAutorizacao4.asmx?x=1",
                                  content_type)
    ours = before + str(len(body)).encode() + after + body
    assert ours == _http_client_request(host, port, "/ws/NFeAutorizacao4.asmx?x=1", content_type, body)


def test_a_request_head_http_client_refuses_is_refused() -> None:
    with pytest.raises(ValueError):
        _request_head("sefaz.example", 443, ssl.create_default_context(), "/ws", 'x; action="a\r\nX-Injected: 1"')
