"""One PSP stand-in and one test PKI per session; each test resets the stand-in with the quirks of
the PSP profile it plays. A loopback HTTPS webhook receiver records what the stand-in POSTs."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import simulator.psp
from adapters.pix_http import PixHttp
from engine.pix.psp_client import PspClient
from engine.pix.psp_credentials import PspCredentials
from engine.pix.psp_profiles import PspProfile, load_profiles

CLIENT_CNPJ = "11222333000181"
HMAC_SECRET = "segredo-do-webhook-de-teste"
SCOPES = ("cob.write", "cob.read", "cobv.write", "cobv.read", "pix.write", "pix.read", "webhook.write", "webhook.read")
PROFILE_IDS = sorted(load_profiles())


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> datetime:
        return datetime(2026, 12, 4, 12, 0, tzinfo=UTC) + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    peer_subject: str | None


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    event: threading.Event = field(default_factory=threading.Event)


def _receiver(pki_dir: Path, tmp: Path, *, require_client_cert: bool) -> Iterator[Receiver]:
    from simulator.pki import SimulatorPKI

    pki = SimulatorPKI.load_or_create(pki_dir)
    now = datetime.now(UTC)
    server_cert = pki.ca.issue_tls_server(not_before=now - timedelta(days=1), not_after=now + timedelta(days=30))
    cert, key = tmp / "receiver.pem", tmp / "receiver.key"
    cert.write_bytes(server_cert.cert_pem(with_chain=True))
    key.write_bytes(server_cert.key_pem())
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    ctx.load_verify_locations(str(pki.chain_pem_path))
    ctx.verify_mode = ssl.CERT_REQUIRED if require_client_cert else ssl.CERT_NONE
    box = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            peer = self.connection.getpeercert()
            subject = None
            if peer:
                subject = ",".join(f"{k}={v}" for rdn in peer["subject"] for k, v in rdn)
            box.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, subject))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            box.event.set()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    box.url = f"https://127.0.0.1:{server.server_address[1]}/webhooks/pix-teste"
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("psp-pki")


@pytest.fixture(scope="session")
def psp(pki_dir: Path) -> Iterator[simulator.psp.RunningPsp]:
    running = simulator.psp.start(pki_dir=pki_dir)
    try:
        yield running
    finally:
        running.stop()
    assert running.app.errors == [], "the PSP stand-in failed internally"


@pytest.fixture(scope="session")
def mtls_receiver(pki_dir: Path, tmp_path_factory: pytest.TempPathFactory, psp: Any) -> Iterator[Receiver]:
    yield from _receiver(pki_dir, tmp_path_factory.mktemp("rx-mtls"), require_client_cert=True)


@pytest.fixture(scope="session")
def plain_receiver(pki_dir: Path, tmp_path_factory: pytest.TempPathFactory, psp: Any) -> Iterator[Receiver]:
    yield from _receiver(pki_dir, tmp_path_factory.mktemp("rx-hmac"), require_client_cert=False)


@dataclass
class Bench:
    """A profile, the stand-in playing it, and our client pointed at it."""

    profile: PspProfile
    psp: simulator.psp.RunningPsp
    client: PspClient
    clock: FakeClock
    http: PixHttp


def make_bench(psp: simulator.psp.RunningPsp, profile_id: str, *, quirks: dict[str, Any] | None = None,
               scopes: tuple[str, ...] = SCOPES, token_ttl_s: int = 3600) -> Bench:
    base = load_profiles()[profile_id]
    profile = base.with_base_url("sandbox", psp.url + base.base_path(), psp.url + base.token_path())
    psp.reset({**profile.flags.as_dict(), "token_ttl_s": token_ttl_s, **(quirks or {})})
    app_key = "chave-app-dev" if (profile.flags.app_key_query_param or profile.flags.app_key_header) else None
    psp.add_client("cliente-" + profile_id, "segredo+/=" + profile_id, scopes, app_key)
    pfx, password = psp.client_pfx(CLIENT_CNPJ)
    creds = PspCredentials("cliente-" + profile_id, "segredo+/=" + profile_id, app_key, pfx, password)
    http = PixHttp(pfx=pfx, pfx_password=password, trust_pem_path=psp.ca_pem_path)
    clock = FakeClock()
    return Bench(profile, psp, PspClient(profile, creds, http, clock, environment="sandbox"), clock, http)


@pytest.fixture(params=PROFILE_IDS)
def bench(request: pytest.FixtureRequest, psp: simulator.psp.RunningPsp) -> Iterator[Bench]:
    b = make_bench(psp, request.param)
    try:
        yield b
    finally:
        b.http.close()


def payload_of(r: Received) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(r.body)
    return data
