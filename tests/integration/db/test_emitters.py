"""Emitters and their certificates on the service database: secrets sealed, tenant-scoped."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.db.apikeys import create_tenant
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.emitters import (
    EmitterConflict,
    create_emitter,
    get_emitter,
    list_emitters,
    load_emitente,
    set_csc,
    update_emitter,
)
from adapters.db.engine import Database
from adapters.db.schema import certificate, emitter
from certificates.errors import CertificateError
from certificates.store import CertificateStore, MasterKeyring
from certificates.testpki import IssuedCertificate, make_test_a1
from engine.nfe.build.emitter import CSC, Emitente
from engine.nfe.build.emitter import load_emitente as load_emitente_file

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]
KEYRING = MasterKeyring.from_config("k1:" + base64.b64encode(bytes(range(32))).decode())
TOKEN = "0123456789ABCDEF0123456789ABCDEF"


@pytest.fixture(scope="module")
def emitente() -> Emitente:
    return load_emitente_file(ROOT / "examples" / "emitente-sn.json")


@pytest.fixture(scope="module")
def issued(emitente: Emitente) -> IssuedCertificate:
    return make_test_a1(cnpj=emitente.cnpj, now=NOW)[1]


@pytest.fixture
def tenants(db: Database) -> Database:
    with db.write() as conn:
        create_tenant(conn, "t1", "Clínica 1", now=NOW)
        create_tenant(conn, "t2", "Clínica 2", now=NOW)
    return db


def test_emitter_round_trip_keeps_secrets_out_of_the_config(tenants: Database, emitente: Emitente) -> None:
    assert emitente.csc is not None and emitente.csc.token == TOKEN
    with tenants.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
    assert rec.cnpj == emitente.cnpj and rec.csc_id == emitente.csc.id and rec.version == 1
    with tenants.read() as conn:
        raw = conn.execute(select(emitter)).one()
        assert TOKEN.encode() not in bytes(raw.secrets_ciphertext)
        assert TOKEN not in repr(raw.config) and TOKEN not in repr(rec.as_json())
        full = load_emitente(conn, KEYRING, "t1", rec.id)
    assert full == emitente


def test_other_tenant_cannot_see_the_emitter(tenants: Database, emitente: Emitente) -> None:
    with tenants.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
    with tenants.read() as conn:
        assert get_emitter(conn, "t2", rec.id) is None
        assert list_emitters(conn, "t2") == []
        assert load_emitente(conn, KEYRING, "t2", rec.id) is None
    with tenants.write() as conn:
        assert set_csc(conn, tenant_id="t2", emitter_id=rec.id, csc=CSC(id="2", token=TOKEN), keyring=KEYRING,
                       now=NOW) is None


def test_duplicate_cnpj_is_a_conflict_and_leaves_the_transaction_usable(tenants: Database, emitente: Emitente) -> None:
    with tenants.write() as conn:
        create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
    with tenants.write() as conn:
        with pytest.raises(EmitterConflict):
            create_emitter(conn, tenant_id="t2", emitente=emitente, keyring=KEYRING, now=NOW)
        assert len(list_emitters(conn, "t1")) == 1


def test_update_keeps_stored_csc_and_refuses_a_new_cnpj(tenants: Database, emitente: Emitente) -> None:
    with tenants.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
    changed = emitente.model_copy(update={"csc": None, "razao_social": "CLINICA NOVA LTDA"})
    with tenants.write() as conn:
        updated = update_emitter(conn, tenant_id="t1", emitter_id=rec.id, emitente=changed, keyring=KEYRING,
                                 now=NOW + timedelta(minutes=1))
        assert updated is not None and updated.version == 2 and updated.config["razao_social"] == "CLINICA NOVA LTDA"
        full = load_emitente(conn, KEYRING, "t1", rec.id)
        assert full is not None and full.csc == emitente.csc
        other = emitente.model_copy(update={"cnpj": "11444777000161"})
        with pytest.raises(EmitterConflict):
            update_emitter(conn, tenant_id="t1", emitter_id=rec.id, emitente=other, keyring=KEYRING, now=NOW)


def test_set_csc_replaces_the_token(tenants: Database, emitente: Emitente) -> None:
    with tenants.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
        new = CSC(id="000002", token="ZYXWVUTSRQPONMLK0123")
        assert set_csc(conn, tenant_id="t1", emitter_id=rec.id, csc=new, keyring=KEYRING, now=NOW) is not None
        full = load_emitente(conn, KEYRING, "t1", rec.id)
    assert full is not None and full.csc == new


def test_certificate_store_on_the_service_database(db: Database, issued: IssuedCertificate) -> None:
    store = CertificateStore(SqlCertificateRepository(db), KEYRING)
    first = store.put("e1", issued.to_pfx("senha"), "senha", now=NOW)
    second = store.put("e1", issued.to_pfx("outra"), "outra", now=NOW + timedelta(seconds=1))
    assert [c.id for c in store.certificates_of("e1")] == [first.id, second.id]
    assert store.active_pkcs12("e1")[1] == "outra"
    store.activate("e1", first.id)
    assert store.active_pkcs12("e1")[1] == "senha"
    with db.read() as conn:
        active = conn.execute(select(certificate.c.id).where(certificate.c.active.is_(True))).scalars().all()
    assert active == [first.id]
    with pytest.raises(CertificateError):
        store.activate("e2", first.id)
    rotated = MasterKeyring.from_config(
        "k1:" + base64.b64encode(bytes(range(32))).decode() + ",k2:" + base64.b64encode(bytes(range(1, 33))).decode()
    )
    assert CertificateStore(SqlCertificateRepository(db), rotated).rotate_master_key() == 2
    assert CertificateStore(SqlCertificateRepository(db), rotated).active_pkcs12("e1")[1] == "senha"


def test_emitter_context_is_reused_until_another_worker_commits_a_change(
    tenants: Database, database_url: str, emitente: Emitente, issued: IssuedCertificate, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The directory keeps the loaded configuration and A1 per emitter and checks them with one SELECT
    per call (version + active certificate): a change committed by another process is seen at once."""
    from sqlalchemy import event

    from adapters.sefaz_transport import SystemClock
    from adapters.sefaz_wiring import SefazSettings, SqlEmitterDirectory

    with tenants.write() as conn:
        rec = create_emitter(conn, tenant_id="t1", emitente=emitente, keyring=KEYRING, now=NOW)
    directory = SqlEmitterDirectory(tenants, KEYRING, SystemClock(), SefazSettings(str(tmp_path / "ca.pem")))
    with pytest.raises(Exception, match="não tem certificado A1 ativo") as info:
        directory.context("t1", rec.id)
    assert getattr(info.value, "code", None) == "CERTIFICADO_AUSENTE"
    store = CertificateStore(SqlCertificateRepository(tenants), KEYRING)
    first_cert = store.put(rec.id, issued.to_pfx("senha"), "senha", now=NOW, emitter_cnpj=emitente.cnpj)
    first = directory.context("t1", rec.id)
    assert first is not None and first.emitente == emitente and first.a1.identity.cnpj == emitente.cnpj
    assert directory.context("t2", rec.id) is None  # another tenant's emitter: not found, cache or not

    statements: list[str] = []
    event.listen(tenants.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    read_one = tenants.read_one  # driver SQL (no SQLAlchemy events): recorded here

    def recorded(statement: Any, params: Any) -> Any:
        statements.append(statement.named)
        return read_one(statement, params)

    monkeypatch.setattr(tenants, "read_one", recorded)
    assert directory.context("t1", rec.id) is first  # nothing changed: the same context...
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "emitter" in s]
    assert len(queries) == 1, statements  # ...checked by one SELECT

    other_worker = Database(database_url)  # its own engine and pool, as another uvicorn worker
    try:
        with other_worker.write() as conn:
            update_emitter(conn, tenant_id="t1", emitter_id=rec.id, now=NOW, keyring=KEYRING,
                           emitente=emitente.model_copy(update={"razao_social": "CLINICA RENOMEADA LTDA"}))
        renamed = directory.context("t1", rec.id)
        assert renamed is not None and renamed.emitente.razao_social == "CLINICA RENOMEADA LTDA"
        assert renamed._cert is first._cert  # same A1: its clients, limiter and breaker are kept
        new_csc = CSC(id="000009", token="ZYXWVUTSRQPONMLK0123")
        with other_worker.write() as conn:
            set_csc(conn, tenant_id="t1", emitter_id=rec.id, csc=new_csc, keyring=KEYRING, now=NOW)
        with_csc = directory.context("t1", rec.id)
        assert with_csc is not None and with_csc.emitente.csc == new_csc
        second_cert = CertificateStore(SqlCertificateRepository(other_worker), KEYRING).put(
            rec.id, issued.to_pfx("outra"), "outra", now=NOW + timedelta(seconds=1), emitter_cnpj=emitente.cnpj)
        switched = directory.context("t1", rec.id)
        assert switched is not None and switched._cert.cert_id == second_cert.id != first_cert.id
        assert switched._cert.password == "outra" and switched.emitente.csc == new_csc
        CertificateStore(SqlCertificateRepository(other_worker), KEYRING).activate(rec.id, first_cert.id)
        back = directory.context("t1", rec.id)
        assert back is not None and back._cert.cert_id == first_cert.id and back._cert.password == "senha"
    finally:
        other_worker.dispose()
