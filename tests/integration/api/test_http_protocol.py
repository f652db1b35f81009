"""cli/http_protocol.py: uvicorn's httptools protocol writing each answer in one piece.

The transport proxy on a real asyncio loop (what is written in one turn leaves as one write, in
order; close/write_eof flush first, abort drops, a large amount passes at once), and a real uvicorn
server on loopback with the protocol: each answer arrives whole in one segment, keep-alive, HEAD,
streaming and errors behave as with uvicorn's own protocol.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest
import uvicorn

from cli.http_protocol import FLUSH_AT, CoalescingHttpToolsProtocol, CoalescingTransport


class _RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))
        self.events.append("write")

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def abort(self) -> None:
        self.closing = True
        self.events.append("abort")

    def write_eof(self) -> None:
        self.events.append("eof")

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1234)}.get(name, default)


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_writes_of_one_turn_leave_as_one_write_in_order() -> None:
    async def go() -> list[bytes]:
        real = _RecordingTransport()
        proxy = CoalescingTransport(real, asyncio.get_running_loop())
        proxy.write(b"HTTP/1.1 200 OK\r\n\r\n")
        proxy.write(memoryview(b"body"))
        proxy.write(b"")  # nothing: no empty write reaches the socket
        assert real.writes == [] and proxy.get_write_buffer_size() == 7 + 23
        await asyncio.sleep(0)  # the end of the turn
        proxy.write(b"next")
        await asyncio.sleep(0)
        return real.writes

    assert _run(go()) == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]


def test_close_and_write_eof_flush_first_abort_drops() -> None:
    async def go() -> tuple[list[str], list[bytes], list[str]]:
        loop = asyncio.get_running_loop()
        real = _RecordingTransport()
        proxy = CoalescingTransport(real, loop)
        proxy.write(b"a")
        proxy.write_eof()
        proxy.write(b"b")
        proxy.close()
        await asyncio.sleep(0)  # the flush scheduled by the first write finds nothing left
        other = _RecordingTransport()
        dropped = CoalescingTransport(other, loop)
        dropped.write(b"never")
        dropped.abort()
        await asyncio.sleep(0)
        return real.events, real.writes, other.events

    events, writes, aborted = _run(go())
    assert events == ["write", "eof", "write", "close"] and writes == [b"a", b"b"]
    assert aborted == ["abort"]


def test_a_large_amount_passes_at_once_and_nothing_goes_to_a_closing_transport() -> None:
    async def go() -> tuple[list[int], list[bytes]]:
        loop = asyncio.get_running_loop()
        real = _RecordingTransport()
        proxy = CoalescingTransport(real, loop)
        proxy.write(b"x" * (FLUSH_AT - 1))
        sizes_before = [len(w) for w in real.writes]
        proxy.write(b"y")  # reaches FLUSH_AT: written now, without waiting for the turn to end
        sizes = sizes_before + [len(w) for w in real.writes]
        closing = _RecordingTransport()
        closing.closing = True
        late = CoalescingTransport(closing, loop)
        late.write(b"late")
        await asyncio.sleep(0)
        return sizes, closing.writes

    sizes, late_writes = _run(go())
    assert sizes == [FLUSH_AT] and late_writes == []


def test_everything_else_is_the_real_transports() -> None:
    async def go() -> Any:
        real = _RecordingTransport()
        return CoalescingTransport(real, asyncio.get_running_loop()).get_extra_info("peername")

    assert _run(go()) == ("127.0.0.1", 1234)


# -- a real uvicorn server on loopback --------------------------------------------------------------------


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    if scope["path"] == "/boom":
        raise RuntimeError("falha de teste")
    answer = b'{"echo":"' + body + b'"}'
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})


@pytest.fixture()
def server() -> Any:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = uvicorn.Config(_app, host="127.0.0.1", port=port, loop="uvloop",
                            http="cli.http_protocol:CoalescingHttpToolsProtocol", log_level="critical",
                            server_header=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn não subiu"
        time.sleep(0.01)
    assert config.http_protocol_class is CoalescingHttpToolsProtocol
    yield port
    srv.should_exit = True
    thread.join(10)


def _read_answer(conn: socket.socket) -> tuple[bytes, int]:
    """One answer with a Content-Length (or until close): its bytes and how many recv calls it took."""
    data, reads = b"", 0
    while True:
        chunk = conn.recv(65536)
        reads += 1
        if not chunk:
            return data, reads
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
            if b"content-length" in fields and len(body) >= int(fields[b"content-length"]):
                return data, reads


def test_each_answer_arrives_whole_over_keep_alive(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as conn:
        for n in range(5):
            body = f"venda-{n}".encode()
            conn.sendall(b"POST /v1/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            time.sleep(0.05)  # both parts are in the socket by now: coalesced, they are one segment
            answer, _ = _read_answer(conn)
            assert answer.startswith(b"HTTP/1.1 201 Created\r\n")
            assert answer.endswith(b'{"echo":"' + body + b'"}')
            assert b"server:" not in answer.lower()
        # The whole answer came in the first recv: one write of head and body.
        conn.sendall(b"POST /v1/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nz")
        conn.settimeout(5)
        first = conn.recv(65536)
        assert first.startswith(b"HTTP/1.1 201") and first.endswith(b'{"echo":"z"}')


def test_head_streaming_and_errors_still_answer(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as conn:
        conn.settimeout(5)
        conn.sendall(b"HEAD /v1/x HTTP/1.1\r\nHost: t\r\n\r\n")  # a head without a body: flushed at the turn's end
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        assert head.startswith(b"HTTP/1.1 201") and head.endswith(b"\r\n\r\n")
        conn.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        streamed = b""
        while not streamed.endswith(b"0\r\n\r\n"):
            chunk = conn.recv(65536)
            assert chunk, "conexão fechada no meio do streaming"
            streamed += chunk
        assert b"transfer-encoding: chunked" in streamed
        assert b"4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n" in streamed
        conn.sendall(b"GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
        error, _ = _read_answer(conn)
        assert error.startswith(b"HTTP/1.1 500")
