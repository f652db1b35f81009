"""Webhook test fixtures: a test PKI, real HTTPS receivers on loopback, a migrated database with a
tenant, and a keyring. The SSRF guard's development allowance admits 127.0.0.1 only."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from certificates.store import MasterKeyring
from certificates.testpki import TestCA

ALLOW_LOOPBACK = {"ORTHO_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32"}


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    cert_file: Path
    key_file: Path


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    now = datetime.now(UTC)
    ca = TestCA.create(now=now)
    server = ca.issue_tls_server(hostnames=("127.0.0.1", "localhost"), not_before=now - timedelta(days=1),
                                 not_after=now + timedelta(days=30))
    d = tmp_path_factory.mktemp("webhook-pki")
    (d / "ca.pem").write_bytes(ca.trust_pem())
    (d / "server.pem").write_bytes(server.cert_pem(with_chain=True))
    (d / "server.key").write_bytes(server.key_pem())
    return Pki(d / "ca.pem", d / "server.pem", d / "server.key")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event_id(self) -> str:
        return self.headers["x-ortho-event-id"]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTPS server recording every request. ``responses`` is consumed one per request
    (status, headers); when empty, 200. ``hold`` blocks the handler (after the body was read)
    until it is set; ``got_request`` is set when a request arrived."""

    url: str
    received: list[Received] = field(default_factory=list)
    responses: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    hold: threading.Event | None = None
    got_request: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unique_event_ids(self) -> set[str]:
        return {r.event_id for r in self.received}


@pytest.fixture
def receiver(pki: Pki) -> Iterator[Receiver]:
    yield from _serve(pki)


def _serve(pki: Pki) -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            rec = state["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with rec.lock:
                rec.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers = rec.responses.pop(0) if rec.responses else (200, {})
            rec.got_request.set()
            if rec.hold is not None:
                rec.hold.wait(30)
            payload = b'{"ok":true}'
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki.cert_file, pki.key_file)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    rec = Receiver(f"https://127.0.0.1:{server.server_address[1]}/webhook/ortho")
    state["r"] = rec
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        if rec.hold is not None:
            rec.hold.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def keyring() -> MasterKeyring:
    return MasterKeyring.from_config(f"test:{MasterKeyring.generate_key()}")


TENANT = "clinica-1"


@pytest.fixture
def wdb(db: Any) -> Any:
    """The migrated database with the tenant ``clinica-1``."""
    from adapters.db.apikeys import create_tenant

    with db.write() as conn:
        create_tenant(conn, TENANT, "Clínica Sorriso", now=datetime.now(UTC))
    return db


@pytest.fixture
def worker_env(pki: Pki) -> dict[str, str]:
    return {**ALLOW_LOOPBACK, "ORTHO_WEBHOOK_CA_FILE": str(pki.ca_file)}


Clock = Callable[[], datetime]
