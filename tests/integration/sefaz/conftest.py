"""The REAL simulator on loopback, once per session (simulator.start), and clients talking to it
through the production transport (adapters.sefaz_transport: requests + mutual TLS)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.sefaz_transport import HttpsTransport, SystemClock
from certificates.a1 import A1Certificate, load_pkcs12
from engine.sefaz import SefazClient

simulator = pytest.importorskip("simulator")

CNPJ = "45997418000153"


@dataclass
class Sim:
    url: str
    ca_pem_path: Path
    pfx: bytes
    password: str
    a1: A1Certificate
    control_cert: tuple[str, str]
    data_dir: Path  # the simulator's data directory layout: <data_dir>/pki/ca.pem (what the CLI reads)
    running: Any = None

    def client_for(self, cnpj: str, **kw: Any) -> SefazClient:
        """A client with the simulator's test A1 of another emitter."""
        pfx, password = self.running.client_pfx(cnpj)
        transport = HttpsTransport(pfx=pfx, password=password, trust_pem_path=self.ca_pem_path)
        return SefazClient(transport, SystemClock(), a1=load_pkcs12(pfx, password), base_override=self.url, **kw)

    def control(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = requests.request(method, self.url + path, json=payload, cert=self.control_cert,
                                    verify=str(self.ca_pem_path), timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def transport(self, *, read_timeout_s: float = 10.0) -> HttpsTransport:
        return HttpsTransport(pfx=self.pfx, password=self.password, trust_pem_path=self.ca_pem_path,
                                 read_timeout_s=read_timeout_s)

    def client(self, **kw: Any) -> SefazClient:
        transport = kw.pop("transport", None) or self.transport()
        return SefazClient(transport, SystemClock(), a1=self.a1, base_override=self.url, **kw)


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    data_dir = tmp_path_factory.mktemp("sim")
    pki_dir = data_dir / "pki"
    running = simulator.start(pki_dir=pki_dir)
    try:
        pfx, password = running.client_pfx(CNPJ)
        issued = running.pki.issue_client(CNPJ)  # a second identity for the control API (test material)
        cert_file, key_file = pki_dir / "control.pem", pki_dir / "control.key"
        cert_file.write_bytes(issued.cert_pem(with_chain=True))
        key_file.write_bytes(issued.key_pem())
        yield Sim(running.url, Path(running.ca_pem_path), pfx, password, load_pkcs12(pfx, password),
                  (str(cert_file), str(key_file)), data_dir, running)
    finally:
        running.stop()


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)
