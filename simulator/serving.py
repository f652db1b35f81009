"""What the HTTPS stand-ins (the SEFAZ simulator, the PSP stand-in) share: the mutual-TLS server context
from the test PKI, a threading HTTP server that does the TLS handshake in the handler thread, the
handler basics, and serving in a background thread that ``stop()`` ends."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, Self

from simulator.pki import SimulatorPKI


def mutual_tls_context(pki: SimulatorPKI) -> ssl.SSLContext:
    """The server side of mutual TLS: the PKI's server certificate, client certificates required and
    verified against the test chain (SEFAZ 4.00 endpoints and the API Pix both demand TLS 1.2+)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(pki.server_cert_path), str(pki.server_key_path))
    ctx.load_verify_locations(str(pki.chain_pem_path))
    ctx.verify_mode = ssl.CERT_REQUIRED  # no client certificate, no connection
    return ctx


class MutualTlsServer(ThreadingHTTPServer):
    """One thread per connection (kept alive across requests); IPv6 when the host is (``--host ::1``)."""

    daemon_threads = True
    allow_reuse_address = True

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
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        return


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
