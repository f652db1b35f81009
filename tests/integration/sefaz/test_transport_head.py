"""The transport reads an answer's head without the e-mail parser (adapters.sefaz_transport._Response):
every decision taken from the head must be the one http.client's own HTTPResponse takes, and the body
read the same way, for each shape of answer an HTTP/1.x server may send."""

from __future__ import annotations

import http.client
import io
import ssl

import pytest

from adapters.sefaz_transport import _Connection, _Response

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


@pytest.mark.parametrize(("data", "error"), [
    (b"", http.client.RemoteDisconnected),
    (b"SOAP 200 OK\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/1.1 2000 OK\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/2.0 200 OK\r\n\r\n", http.client.UnknownProtocol),
    (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
    (b"HTTP/1.1 200 OK\r\n" + b"X: 1\r\n" * 101 + b"\r\n", http.client.HTTPException),
])
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
    """A connected socket stand-in recording each write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))


def _sent(conn: http.client.HTTPConnection, body: object) -> list[bytes]:
    wire = _Wire()
    conn.sock = wire  # type: ignore[assignment]
    conn.request("POST", "/ws/NFeAutorizacao4.asmx", body=body,  # type: ignore[arg-type]
                 headers={"Content-Type": 'application/soap+xml; charset=utf-8; action="x"'})
    return wire.writes


def test_the_request_goes_in_one_write_with_the_bytes_http_client_sends() -> None:
    context = ssl.create_default_context()
    ours = _sent(_Connection("sefaz.example", 443, context, 5.0, None), BODY)
    theirs = _sent(http.client.HTTPSConnection("sefaz.example", 443, context=context), BODY)
    assert len(ours) == 1 and len(theirs) == 2  # head + body as one TLS record instead of two
    assert ours[0] == b"".join(theirs)
    assert ours[0].endswith(b"\r\n\r\n" + BODY)


def test_a_body_that_is_not_bytes_is_sent_by_http_client() -> None:
    context = ssl.create_default_context()
    ours = _sent(_Connection("sefaz.example", 443, context, 5.0, None), [BODY[:5], BODY[5:]])
    theirs = _sent(http.client.HTTPSConnection("sefaz.example", 443, context=context), [BODY[:5], BODY[5:]])
    assert ours == theirs
