"""The service with PIX, end to end: the app served by uvicorn over HTTPS on loopback (the PSP stand-in
must reach our webhook like a bank would), the PSP stand-in over mTLS, one database of each kind, two
tenants with one key per role and one emitter each."""

from __future__ import annotations

import base64
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import insert

import simulator.psp
from adapters.db.apikeys import Role, create_tenant, issue_key
from adapters.db.schema import emitter
from api.app import create_app
from api.context import Resources
from api.settings import Settings
from engine.pix.psp_profiles import load_profiles
from simulator.pki import SimulatorPKI

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()
CLIENT_CNPJ = "11222333000181"
HMAC_SECRET = "segredo-hmac-do-webhook"
SCOPES = ("cob.write", "cob.read", "pix.write", "pix.read", "webhook.write", "webhook.read")


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pix-service-pki")


@pytest.fixture(scope="session")
def psp(pki_dir: Path) -> Iterator[simulator.psp.RunningPsp]:
    running = simulator.psp.start(pki_dir=pki_dir)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def tls_files(pki_dir: Path, psp: simulator.psp.RunningPsp) -> tuple[Path, Path]:
    pki = SimulatorPKI.load_or_create(pki_dir)
    now = datetime.now(UTC)
    cert = pki.ca.issue_tls_server(not_before=now - timedelta(days=1), not_after=now + timedelta(days=30))
    cert_path, key_path = pki_dir / "service.pem", pki_dir / "service.key"
    cert_path.write_bytes(cert.cert_pem(with_chain=True))
    key_path.write_bytes(cert.key_pem())
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    url: str
    http: httpx.Client
    keys: dict[tuple[str, str], str]
    emitters: dict[str, str]
    resources: Resources
    psp: simulator.psp.RunningPsp

    def h(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[(tenant, role)]}"}

    def configure_psp(self, tenant: str = "t1", **overrides: Any) -> dict[str, Any]:
        prof = load_profiles()["bb"]
        pfx, password = self.psp.client_pfx(CLIENT_CNPJ)
        body = {
            "psp": "bb", "ambiente": "sandbox", "chave": CLIENT_CNPJ, "client_id": f"cliente-{tenant}",
            "client_secret": "segredo+/=" + tenant, "app_key": "chave-app-dev",
            "pfx_base64": base64.b64encode(pfx).decode(), "pfx_password": password,
            "webhook_auth": "hmac", "hmac_secret": HMAC_SECRET,
            "base_url": self.psp.url + prof.base_path(), "token_url": self.psp.url + prof.token_path(),
            **overrides,
        }
        r = self.http.put(f"/v1/emitters/{self.emitters[tenant]}/pix/psp", json=body, headers=self.h(tenant, "admin"))
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    def register_webhook(self, tenant: str = "t1") -> None:
        r = self.http.post(f"/v1/emitters/{self.emitters[tenant]}/pix/psp/webhook",
                           json={"public_base_url": self.url}, headers=self.h(tenant, "admin"))
        assert r.status_code == 200, r.text

    def charge(self, valor: str, tenant: str = "t1", **extra: Any) -> dict[str, Any]:
        r = self.http.post("/v1/pix/charges", json={"emitter_id": self.emitters[tenant], "valor": valor, **extra},
                           headers=self.h(tenant, "pdv"))
        assert r.status_code == 201, r.text
        out: dict[str, Any] = r.json()
        return out

    def wait_charge(self, txid: str, status: str, tenant: str = "t1", timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            data: dict[str, Any] = self.http.get(f"/v1/pix/charges/{txid}", headers=self.h(tenant, "pdv")).json()
            if data["status"] == status or time.monotonic() > deadline:
                return data
            time.sleep(0.05)

    def notifications(self, tenant: str = "t1") -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.http.get("/v1/pix/notifications", headers=self.h(tenant, "admin")).json()[
            "items"]
        return items

    def wait_notifications_settled(self, n: int, tenant: str = "t1", timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            items = self.notifications(tenant)
            if (len(items) >= n and all(i["status"] != "pending" for i in items)) or time.monotonic() > deadline:
                return items
            time.sleep(0.05)


@pytest.fixture
def service(database_url: str, tmp_path: Path, psp: simulator.psp.RunningPsp,
            tls_files: tuple[Path, Path]) -> Iterator[Service]:
    psp.reset({**load_profiles()["bb"].flags.as_dict(), "webhook_auth": "hmac", "hmac_secret": HMAC_SECRET})
    for t in ("t1", "t2"):
        psp.add_client(f"cliente-{t}", "segredo+/=" + t, SCOPES, "chave-app-dev")
    settings = Settings(
        data_dir=str(tmp_path / "data"), database_url=database_url,
        env={"ORTHO_MASTER_KEYS": MASTER, "ORTHO_PIX_TRUST_PEM": str(psp.ca_pem_path), "ORTHO_WEBHOOK_WORKER": "0"},
    )
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, ssl_certfile=str(tls_files[0]),
                            ssl_keyfile=str(tls_files[1]), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    url = f"https://127.0.0.1:{port}"
    resources: Resources = app.state.resources
    now = datetime.now(UTC)
    keys: dict[tuple[str, str], str] = {}
    emitters: dict[str, str] = {}
    with resources.db.write() as conn:
        for t, cnpj in (("t1", CLIENT_CNPJ), ("t2", "11444777000161")):
            create_tenant(conn, t, f"Clínica {t}", now=now)
            for role in Role:
                keys[(t, role.value)] = issue_key(conn, t, role, now=now).key
            emitters[t] = uuid.uuid4().hex
            conn.execute(insert(emitter).values(
                id=emitters[t], tenant_id=t, cnpj=cnpj, ie="123456789", crt=1, razao_social=f"Clínica {t}",
                uf="SP", c_mun="3550308", ambiente=2, serie_nfe=1, serie_nfce=1, config={}, created_at=now,
                updated_at=now,
            ))
    client = httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(psp.ca_pem_path)), timeout=20)
    try:
        yield Service(url, client, keys, emitters, resources, psp)
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
