"""certificate.expiring reaches the outbox at 30, 15 and 7 days (and once expired), in the same
transaction as the threshold mark: announced once each, on both databases."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from adapters import certificate_expiry
from adapters.db.apikeys import create_tenant
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.emitters import create_emitter
from adapters.db.engine import Database
from adapters.db.schema import outbox
from certificates.store import CertificateStore, MasterKeyring
from certificates.testpki import make_test_a1
from engine.nfe.build.emitter import load_emitente

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
KEYRING = MasterKeyring.from_config("k1:" + base64.b64encode(bytes(range(32))).decode())


def _events(db: Database) -> list[dict[str, object]]:
    with db.read() as conn:
        rows = conn.execute(select(outbox.c.topic, outbox.c.tenant_id, outbox.c.payload).order_by(outbox.c.id)).all()
    return [{"topic": r.topic, "tenant": r.tenant_id, **json.loads(r.payload)["data"]} for r in rows]


def test_expiry_thresholds_are_announced_once_each(db: Database) -> None:
    emitente = load_emitente(ROOT / "examples" / "emitente-sn.json")
    not_after = NOW + timedelta(days=40)
    _, issued = make_test_a1(cnpj=emitente.cnpj, now=NOW - timedelta(days=300), not_after=not_after)
    with db.write() as conn:
        create_tenant(conn, "clinica", "Clínica", now=NOW)
        rec = create_emitter(conn, tenant_id="clinica", emitente=emitente, keyring=KEYRING, now=NOW)
    CertificateStore(SqlCertificateRepository(db), KEYRING).put(
        rec.id, issued.to_pfx("senha-teste"), "senha-teste", now=NOW, emitter_cnpj=emitente.cnpj
    )

    assert certificate_expiry.run_once(db, KEYRING, NOW) == 0  # 40 days left: nothing yet
    assert certificate_expiry.run_once(db, KEYRING, not_after - timedelta(days=29)) == 1
    assert certificate_expiry.run_once(db, KEYRING, not_after - timedelta(days=28)) == 0  # not again
    assert certificate_expiry.run_once(db, KEYRING, not_after - timedelta(days=14)) == 1
    assert certificate_expiry.run_once(db, KEYRING, not_after - timedelta(days=6)) == 1
    assert certificate_expiry.run_once(db, KEYRING, not_after + timedelta(days=1)) == 1  # expired
    assert certificate_expiry.run_once(db, KEYRING, not_after + timedelta(days=2)) == 0

    events = _events(db)
    assert [e["topic"] for e in events] == ["certificate.expiring"] * 4
    assert {e["tenant"] for e in events} == {"clinica"}
    assert [e["threshold_days"] for e in events] == [30, 15, 7, -1]
    assert all(e["emitter_id"] == rec.id for e in events)
