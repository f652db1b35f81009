"""The emission pipeline against the REAL simulator (once per session) and the real databases
(``db`` of tests/conftest.py: SQLite and PostgreSQL). Each test gets a tenant and an emitter with a
CNPJ of its own, so the session-wide simulator never sees two tests' numbers collide."""

from __future__ import annotations

import base64
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.db.apikeys import create_tenant
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.documents import SqlEmissionRepository
from adapters.db.emitters import create_emitter
from adapters.db.engine import Database
from adapters.sefaz_transport import SystemClock
from adapters.sefaz_wiring import SefazSettings, SqlEmitterDirectory
from certificates.store import CertificateStore, MasterKeyring
from engine.documentos import cnpj_dv
from engine.emission import EmissionService, EmitRequest
from engine.nfe.build.emitter import parse_emitente

simulator = pytest.importorskip("simulator")

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
_SEQ = itertools.count(int.from_bytes(os.urandom(2), "big"))


def new_cnpj() -> str:
    base = f"{(os.getpid() % 1000):03d}{next(_SEQ) % 10**5:05d}0001"
    return base + cnpj_dv(base)


@dataclass
class Sim:
    url: str
    ca_pem_path: str
    running: Any
    control_cert: tuple[str, str]

    def control(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = requests.request(method, self.url + path, json=payload, cert=self.control_cert,
                                    verify=self.ca_pem_path, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def fault(self, **spec: Any) -> None:
        self.control("POST", "/_control/faults", spec)

    def clear(self) -> None:
        self.control("DELETE", "/_control/faults")

    def documents(self, cnpj: str) -> list[dict[str, Any]]:
        return [d for d in self.control("GET", "/_control/documents")["documents"] if d["CNPJ"] == cnpj]

    def inutilizacoes(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "/_control/documents")["inutilizacoes"])


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    pki_dir = tmp_path_factory.mktemp("emission-sim") / "pki"
    running = simulator.start(pki_dir=pki_dir)
    try:
        issued = running.pki.issue_client("11222333000181")
        cert_file, key_file = pki_dir / "control.pem", pki_dir / "control.key"
        cert_file.write_bytes(issued.cert_pem(with_chain=True))
        key_file.write_bytes(issued.key_pem())
        yield Sim(running.url, str(running.ca_pem_path), running, (str(cert_file), str(key_file)))
    finally:
        running.stop()


def emitente_config(cnpj: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "api" / "demo_emitente.json").read_text(encoding="utf-8"),
                                      parse_float=Decimal)
    data["cnpj"] = cnpj
    return data


def sale(model: int = 65, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (EXAMPLES / ("nfce-venda.json" if model == 65 else "nfe-venda.json")).read_text(encoding="utf-8"),
        parse_float=Decimal)
    data.pop("numero", None)
    if model == 55:
        for item in data["itens"]:  # the Simples Nacional emitter's profile (CSOSN) applies
            item.get("tributacao", {}).pop("icms", None)
    data.update(changes)
    return data


def body(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str)


@dataclass
class Env:
    db: Database
    service: EmissionService
    repo: SqlEmissionRepository
    directory: SqlEmitterDirectory
    tenant_id: str
    emitter_id: str
    cnpj: str
    sim: Sim

    def request(self, ref: str, data: dict[str, Any] | None = None, model: int = 65) -> EmitRequest:
        return EmitRequest(self.tenant_id, self.emitter_id, ref, model, body(data or sale(model)),
                           created_by="k1", request_id=f"rid-{ref}")


MASTER = MasterKeyring({"k1": bytes(range(32))}, "k1")


def make_env(db: Database, sim: Sim, *, tenant_id: str = "t1", grace_s: float = 0.0) -> Env:
    cnpj = new_cnpj()
    now = datetime.now(UTC)
    with db.write() as conn:
        create_tenant(conn, tenant_id, f"Clínica {tenant_id}", now=now)
        rec = create_emitter(conn, tenant_id=tenant_id, emitente=parse_emitente(emitente_config(cnpj)),
                             keyring=MASTER, now=now)
    pfx, password = sim.running.client_pfx(cnpj)
    CertificateStore(SqlCertificateRepository(db), MASTER).put(rec.id, pfx, password, now=now, emitter_cnpj=cnpj)
    clock = SystemClock()
    directory = SqlEmitterDirectory(db, MASTER, clock, SefazSettings(sim.ca_pem_path, sim.url))
    repo = SqlEmissionRepository(db)
    service = EmissionService(repo, directory, clock, recovery_grace_s=grace_s)
    return Env(db, service, repo, directory, tenant_id, rec.id, cnpj, sim)


@pytest.fixture
def env(db: Database, sim: Sim) -> Iterator[Env]:
    sim.clear()
    yield make_env(db, sim)
    sim.clear()


__all__ = ["MASTER", "Env", "Sim", "base64", "body", "make_env", "sale"]
