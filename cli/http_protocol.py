"""uvicorn's httptools protocol with each answer written to the socket in one piece.

uvicorn writes the status line and header fields of an answer when the app sends
``http.response.start`` and the body when it sends ``http.response.body``: two ``write(2)`` calls,
two TCP segments and, for a client reading the head first, two wake-ups per answer (seen with
strace on ``POST /v1/nfce``: a 162-byte head, then the 885-byte document). Here the transport
the protocol writes to keeps what is written during one turn of the event loop and hands it to
the real transport at the end of that turn, joined: the head and body of an answer sent without
waiting in between (every JSON answer of the API) leave in one write. Order and content are
unchanged; an answer whose parts are sent in different turns (streaming) still goes out part by
part, each at the end of its turn, and a large amount is passed on at once, so the real
transport's flow control (pause_writing) still applies.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Above this many bytes held, the write goes through at once: the real transport then buffers it and
# pauses the writer (flow control) as it would without this layer.
FLUSH_AT = 64 * 1024


class CoalescingTransport:
    """A transport proxy: ``write``s of one loop turn become one ``write`` of the real transport at the
    end of that turn (or at once past ``FLUSH_AT`` bytes, or before ``close``/``write_eof``); ``abort``
    drops them as the real transport drops its buffer. Everything else is the real transport's."""

    __slots__ = ("_loop", "_pending", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Hand what is held to the real transport, joined (nothing if it is closing: it would drop it)."""
        if not self._pending:
            return
        pending = self._pending
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        self._pending, self._size = [], 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()  # the real transport sends its buffer before it closes
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._pending, self._size = [], 0
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return int(self._transport.get_write_buffer_size()) + self._size

    def __getattr__(self, name: str) -> Any:  # get_extra_info, is_closing, pause_reading, set_protocol, ...
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` writing through a ``CoalescingTransport`` (``ortho-fiscal serve``'s ``http``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]


__all__ = ["FLUSH_AT", "CoalescingHttpToolsProtocol", "CoalescingTransport"]
