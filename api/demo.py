"""The demo set-up of ``ortho-fiscal serve`` on an empty database: tenant ``demo``, the emitter of
api/demo_emitente.json (Simples Nacional clinic in São Paulo, homologação), an A1 certificate from
a test PKI (NOT ICP-Brasil: only the simulator trusts it; the root is written to
``<data dir>/demo-ca.pem``) and one admin and one PDV key, returned once to be printed.

``ortho-fiscal serve`` passes ``issue_certificate``: an A1 from the PKI of the SEFAZ simulator it
runs (``<data dir>/simulator/pki``), so the demo emitter's NFC-e are accepted by that simulator.
Without it a stand-alone test CA is made (``certificates.testpki.make_test_a1``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from adapters.db import audit
from adapters.db.apikeys import IssuedKey, Role, create_tenant, issue_key
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.emitters import create_emitter
from adapters.db.schema import tenant
from api.context import Resources
from certificates.store import CertificateStore
from certificates.testpki import make_test_a1
from engine.nfe.build.emitter import parse_emitente

DEMO_TENANT = "demo"
DEMO_CONFIG = Path(__file__).with_name("demo_emitente.json")


@dataclass(frozen=True, slots=True)
class DemoCertificate:
    """An A1 for the demo emitter and the root it chains to (PEM)."""

    pfx: bytes
    password: str
    trust_pem: bytes


CertificateIssuer = Callable[[str, datetime], DemoCertificate]  # (cnpj, now) -> certificate


def _standalone_certificate(cnpj: str, now: datetime) -> DemoCertificate:
    ca, issued = make_test_a1(cnpj=cnpj, now=now)
    password = secrets.token_urlsafe(16)
    return DemoCertificate(issued.to_pfx(password), password, ca.trust_pem())


@dataclass(frozen=True, slots=True)
class DemoSetup:
    emitter_id: str
    cnpj: str
    admin_key: IssuedKey
    pdv_key: IssuedKey


def ensure_demo(resources: Resources, issue_certificate: CertificateIssuer | None = None) -> DemoSetup | None:
    """Create the demo tenant when the database has no tenant at all; None when it already had one.

    ``issue_certificate(cnpj, now)`` supplies the demo A1 (default: a stand-alone test CA)."""
    db, now = resources.db, resources.clock()
    with db.read() as conn:
        if conn.execute(select(tenant.c.id).limit(1)).first() is not None:
            return None
    emitente = parse_emitente(json.loads(DEMO_CONFIG.read_text(encoding="utf-8"), parse_float=Decimal))
    a1 = (issue_certificate or _standalone_certificate)(emitente.cnpj, now)
    with db.write() as conn:
        if conn.execute(select(tenant.c.id).limit(1)).first() is not None:  # another process was faster
            return None
        create_tenant(conn, DEMO_TENANT, "Clínica de demonstração", now=now)
        rec = create_emitter(conn, tenant_id=DEMO_TENANT, emitente=emitente, keyring=resources.keyring, now=now)
        store = CertificateStore(SqlCertificateRepository(db, conn), resources.keyring)
        cert = store.put(rec.id, a1.pfx, a1.password, now=now, emitter_cnpj=rec.cnpj)
        admin = issue_key(conn, DEMO_TENANT, Role.ADMIN, now=now, label="demo admin")
        pdv = issue_key(conn, DEMO_TENANT, Role.PDV, now=now, label="demo pdv")
        audit.append(conn, now=now, actor="system:serve", action="demo.setup", tenant_id=DEMO_TENANT,
                     target=f"emitter/{rec.id}", details={"cnpj": rec.cnpj, "certificate_id": cert.id,
                                                          "api_keys": [admin.key_id, pdv.key_id]})
    ca_path = Path(resources.settings.data_dir) / "demo-ca.pem"
    ca_path.parent.mkdir(parents=True, exist_ok=True)
    ca_path.write_bytes(a1.trust_pem)
    return DemoSetup(emitter_id=rec.id, cnpj=rec.cnpj, admin_key=admin, pdv_key=pdv)
