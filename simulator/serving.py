"""What the HTTPS stand-ins (the SEFAZ simulator, the PSP stand-in) share: the mutual-TLS server context
from the test PKI, a threading HTTP server that does the TLS handshake in the handler thread, the
handler basics (a lean HTTP/1.1 request head parser, one-write answers), and serving in a background
thread that ``stop()`` ends."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, Self

from simulator.pki import SimulatorPKI

MAX_LINE = 65536  # bytes of one request or header line (http.client's limit), else 431
MAX_HEADERS = 100  # header fields of one request (http.client's limit), else 431


def mutual_tls_context(pki: SimulatorPKI) -> ssl.SSLContext:
    """The server side of mutual TLS: the PKI's server certificate, client certificates required and
    verified against the test chain (SEFAZ 4.00 endpoints and the API Pix both demand TLS 1.2+)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(pki.server_cert_path), str(pki.server_key_path))
    ctx.load_verify_locations(str(pki.chain_pem_path))
    ctx.verify_mode = ssl.CERT_REQUIRED  # no client certificate, no connection
    return ctx


class Headers:
    """The header fields of a request, as ``http.server`` hands them out (an ``email.message.Message``)
    for what the handlers use: names are case-insensitive (RFC 9110 §5.1) and ``get``/``[]`` give the
    first value of a repeated field (``get_all`` every one), ``None`` when absent."""

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._first: dict[str, str] = {}
        for name, value in fields:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def get_all(self, name: str, failobj: Any = None) -> Any:
        key = name.lower()
        values = [v for n, v in self._fields if n.lower() == key]
        return values or failobj

    def __getitem__(self, name: str) -> str | None:
        return self._first.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def __iter__(self) -> Iterator[str]:
        return (n for n, _v in self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def keys(self) -> list[str]:
        return [n for n, _v in self._fields]

    def values(self) -> list[str]:
        return [v for _n, v in self._fields]

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)


class MutualTlsServer(ThreadingHTTPServer):
    """One thread per connection (kept alive across requests); IPv6 when the host is (``--host ::1``)."""

    daemon_threads = True
    allow_reuse_address = True
    # (second, its IMF-fixdate): the Date header changes once a second, not once per answer.
    date_cache: tuple[int, str] = (-1, "")

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext) -> None:
        self.tls = tls
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        # Handshake in the handler thread (do_handshake_on_connect=False), never in the accept loop.
        return self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Refused handshakes (no or untrusted client certificate) and dropped connections are normal here.
        return


class TlsRequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive), no Nagle delay, the handshake done here, no access log on stderr."""

    server: MutualTlsServer
    raw_requestline: bytes
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    # Read buffer of a whole TLS record (up to 16 KB): a signed NF-e request arrives in one read
    # instead of two with the default 8 KB.
    rbufsize = 64 * 1024

    def setup(self) -> None:
        self.request.settimeout(30)
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            _close_after_refusal(self.request)
            raise
        # The client certificate of this connection (DER), read once: it cannot change within the
        # connection: TLS 1.3 has no renegotiation, and on TLS 1.2 OpenSSL 3 refuses a client-initiated one
        # by default (SSL_OP_ALLOW_CLIENT_RENEGOTIATION unset); the simulator never starts one.
        self.peer_der: bytes | None = self.request.getpeercert(binary_form=True)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def parse_request(self) -> bool:
        """``BaseHTTPRequestHandler.parse_request`` (same request line rules, same answers: 400, 505,
        431, ``Connection``, ``Expect: 100-continue``) with the header fields read by a plain HTTP/1.1
        field parser instead of the e-mail parser ``http.client.parse_headers`` uses, which cost more
        CPU than the rest of the request head handling together. Stricter where RFC 9112 §5 says a
        server must be: a line without a colon, whitespace before the colon or an obs-fold is a 400."""
        self.command = None  # type: ignore[assignment]  # set in case of an error on the first line
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:  # enough to determine the protocol version
            version = words[-1]
            base_version_number = version[5:]
            try:
                if version == "HTTP/1.1":  # nearly every request: what the general rule below gives it
                    version_number = (1, 1)
                else:
                    if not version.startswith("HTTP/"):
                        raise ValueError
                    parts = base_version_number.split(".")
                    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 10 for p in parts):
                        raise ValueError
                    version_number = int(parts[0]), int(parts[1])
            except ValueError:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if version_number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if version_number >= (2, 0):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({base_version_number})")
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):  # gh-87389, as http.server: never an absolute URI without scheme
            self.path = "/" + self.path.lstrip("/")
        fields: list[tuple[str, str]] = []
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if len(line) > MAX_LINE:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            if len(fields) >= MAX_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return False
            name, colon, value = line.decode("iso-8859-1").partition(":")
            if not colon or not name or name != name.strip() or name[0] in " \t":
                self.send_error(HTTPStatus.BAD_REQUEST, "Bad header field")
                return False
            fields.append((name, value.strip(" \t\r\n")))
        self.headers = Headers(fields)  # type: ignore[assignment]  # the subset of Message the handlers use
        conntype = (self.headers.get("Connection") or "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = (self.headers.get("Expect") or "").lower()
        if expect == "100-continue" and self.protocol_version >= "HTTP/1.1" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def send_whole(self, status: int, fields: Sequence[tuple[str, str]], body: bytes) -> None:
        """Status line, ``Server``, ``Date``, ``fields`` and ``body`` in one write (one TLS record, one
        send): the bytes ``send_response`` + ``send_header`` + ``end_headers`` + ``write`` produce.
        An HTTP/0.9 request gets the body alone, as ``send_response`` leaves it."""
        if self.request_version == "HTTP/0.9":
            self.wfile.write(body)
            return
        second = int(time.time())
        cached = self.server.date_cache
        if cached[0] != second:
            cached = (second, formatdate(second, usegmt=True))
            self.server.date_cache = cached  # a tuple: replaced, never mutated
        reason = self.responses[status][0] if status in self.responses else ""
        head = [
            f"{self.protocol_version} {status} {reason}\r\n",
            f"Server: {self.version_string()}\r\nDate: {cached[1]}\r\n",
        ]
        for name, value in fields:
            head.append(f"{name}: {value}\r\n")
            if name.lower() == "connection":
                if value.lower() == "close":
                    self.close_connection = True
                elif value.lower() == "keep-alive":
                    self.close_connection = False
        head.append("\r\n")
        self.wfile.write("".join(head).encode("latin-1", "strict") + body)


def _close_after_refusal(sock: socket.socket) -> None:
    """End a refused handshake the way a TLS server does: the alert OpenSSL wrote, then FIN.

    With TLS 1.3 the client finishes its side of the handshake before we judge its certificate and
    sends its request at once; closing with that request unread makes the kernel answer RST, which
    can reach the client before the alert (it then sees a reset instead of "certificate refused").
    So half-close, read what the client had sent (raw bytes, below TLS) until it closes or briefly
    goes quiet, then close."""
    deadline = time.monotonic() + 1.0  # a client that keeps trickling bytes does not hold the thread
    try:
        socket.socket.shutdown(sock, socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not socket.socket.recv(sock, 65536):
                break
    except OSError:
        pass  # already reset, closed or quiet: nothing left to protect


def https_url(host: str, port: int) -> str:
    return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


def serve_in_background(server: ThreadingHTTPServer, name: str) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True)
    thread.start()
    return thread


class _Stoppable(Protocol):
    stopping: threading.Event  # set on stop: requests held by a fault (timeout, slow) give up waiting


class BackgroundServer:
    """``stop()`` and the context manager of a stand-in served by ``serve_in_background``."""

    app: _Stoppable
    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def stop(self) -> None:
        self.app.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
