"""The demo set-up of ``ortho-fiscal serve`` on an empty database: tenant ``demo``, the emitter of
api/demo_emitente.json (Simples Nacional clinic in São Paulo, homologação), an A1 certificate from
the test PKI (certificates.testpki: NOT ICP-Brasil, only the simulator trusts it; its CA bundle is
written to ``<data dir>/demo-ca.pem``) and one admin and one PDV key, returned once to be printed."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
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
class DemoSetup:
    emitter_id: str
    cnpj: str
    admin_key: IssuedKey
    pdv_key: IssuedKey


def ensure_demo(resources: Resources) -> DemoSetup | None:
    """Create the demo tenant when the database has no tenant at all; None when it already had one."""
    db, now = resources.db, resources.clock()
    with db.read() as conn:
        if conn.execute(select(tenant.c.id).limit(1)).first() is not None:
            return None
    emitente = parse_emitente(json.loads(DEMO_CONFIG.read_text(encoding="utf-8"), parse_float=Decimal))
    ca, issued = make_test_a1(cnpj=emitente.cnpj, now=now)
    password = secrets.token_urlsafe(16)
    pfx = issued.to_pfx(password)
    with db.write() as conn:
        if conn.execute(select(tenant.c.id).limit(1)).first() is not None:  # another process was faster
            return None
        create_tenant(conn, DEMO_TENANT, "Clínica de demonstração", now=now)
        rec = create_emitter(conn, tenant_id=DEMO_TENANT, emitente=emitente, keyring=resources.keyring, now=now)
        store = CertificateStore(SqlCertificateRepository(db, conn), resources.keyring)
        cert = store.put(rec.id, pfx, password, now=now, emitter_cnpj=rec.cnpj)
        admin = issue_key(conn, DEMO_TENANT, Role.ADMIN, now=now, label="demo admin")
        pdv = issue_key(conn, DEMO_TENANT, Role.PDV, now=now, label="demo pdv")
        audit.append(conn, now=now, actor="system:serve", action="demo.setup", tenant_id=DEMO_TENANT,
                     target=f"emitter/{rec.id}", details={"cnpj": rec.cnpj, "certificate_id": cert.id,
                                                          "api_keys": [admin.key_id, pdv.key_id]})
    ca_path = Path(resources.settings.data_dir) / "demo-ca.pem"
    ca_path.parent.mkdir(parents=True, exist_ok=True)
    ca_path.write_bytes(ca.trust_pem())
    return DemoSetup(emitter_id=rec.id, cnpj=rec.cnpj, admin_key=admin, pdv_key=pdv)
