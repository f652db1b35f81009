"""Encrypted certificate store: envelope encryption, atomic replace, rotation, expiry events."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.engine import Database, sqlite_url_for
from certificates.errors import CertificateError
from certificates.store import (
    EVENT_EXPIRED,
    EVENT_EXPIRING,
    CertificateRepository,
    CertificateStore,
    InMemoryCertificateRepository,
    MasterKeyring,
    StoredCertificate,
)
from certificates.testpki import IssuedCertificate, TestCA

from .conftest import CNPJ, NOW, PASSWORD

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()


def _sqlite_repo(data_dir: Path) -> tuple[Database, SqlCertificateRepository]:
    db = Database(sqlite_url_for(data_dir))
    db.upgrade()
    return db, SqlCertificateRepository(db)


@pytest.fixture(params=["memory", "sqlite"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CertificateRepository]:
    if request.param == "memory":
        yield InMemoryCertificateRepository()
    else:
        db, sqlite = _sqlite_repo(tmp_path)
        yield sqlite
        db.dispose()


@pytest.fixture
def store(repo: CertificateRepository) -> CertificateStore:
    return CertificateStore(repo, MasterKeyring.from_config(f"k1:{KEY_A}"))


def test_put_then_load_roundtrip(store: CertificateStore, issued: IssuedCertificate) -> None:
    record = store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW, emitter_cnpj=CNPJ)
    assert record.active and record.cnpj == CNPJ and record.key_id == "k1"
    a1 = store.load_active("clinica-1")
    assert a1.certificate == issued.certificate
    pfx, password = store.active_pkcs12("clinica-1")
    assert password == PASSWORD and pfx != issued.to_pfx(PASSWORD)


def test_legacy_pfx_is_stored_re_encrypted(store: CertificateStore, issued: IssuedCertificate) -> None:
    legacy = issued.to_pfx(PASSWORD, legacy=True)
    store.put("clinica-1", legacy, PASSWORD, now=NOW)
    pfx, _ = store.active_pkcs12("clinica-1")
    assert pfx != legacy
    assert b"\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d" in pfx  # PBES2 OID 1.2.840.113549.1.5.13: modern scheme


def test_unusable_certificate_is_not_stored(store: CertificateStore, issued: IssuedCertificate) -> None:
    with pytest.raises(CertificateError) as info:
        store.put("clinica-1", issued.to_pfx(PASSWORD), "errada", now=NOW)
    assert info.value.code == "CERT_SENHA_INCORRETA"
    with pytest.raises(CertificateError) as info:
        store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW, emitter_cnpj="99888777000166")
    assert info.value.code == "CERT_CNPJ_DIVERGENTE"
    assert store.certificates_of("clinica-1") == []


def test_replace_is_atomic_and_keeps_one_active(
    store: CertificateStore, issued: IssuedCertificate, test_ca: TestCA
) -> None:
    first = store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    renewed = test_ca.issue_ecnpj(
        cnpj=CNPJ, not_before=NOW, not_after=NOW + timedelta(days=365), key=issued.private_key
    )
    second = store.put("clinica-1", renewed.to_pfx("nova"), "nova", now=NOW + timedelta(seconds=1))
    listed = store.certificates_of("clinica-1")
    assert [r.id for r in listed] == [first.id, second.id]
    assert [r.active for r in listed] == [False, True]
    assert store.load_active("clinica-1").certificate == renewed.certificate
    store.activate("clinica-1", first.id)  # roll back to the previous one
    assert store.load_active("clinica-1").certificate == issued.certificate
    with pytest.raises(CertificateError):
        store.activate("outra-clinica", first.id)


def test_emitters_are_isolated(store: CertificateStore, issued: IssuedCertificate) -> None:
    store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    with pytest.raises(CertificateError) as info:
        store.load_active("clinica-2")
    assert info.value.code == "CERT_NAO_ENCONTRADO"


def test_ciphertext_bound_to_its_record(repo: CertificateRepository, issued: IssuedCertificate) -> None:
    """A ciphertext copied into another record does not decrypt (AES-GCM associated data)."""
    store = CertificateStore(repo, MasterKeyring.from_config(f"k1:{KEY_A}"))
    a = store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    b = store.put("clinica-2", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    forged = StoredCertificate(**{**_fields(b), "pfx_ciphertext": a.pfx_ciphertext, "wrapped_key": a.wrapped_key})
    with pytest.raises(CertificateError) as info:
        store.reveal(forged)
    assert info.value.code == "CERT_DADOS_CORROMPIDOS"


def _fields(record: StoredCertificate) -> dict[str, object]:
    return {name: getattr(record, name) for name in StoredCertificate.__dataclass_fields__}


def test_master_key_rotation_without_downtime(repo: CertificateRepository, issued: IssuedCertificate) -> None:
    old = CertificateStore(repo, MasterKeyring.from_config(f"k1:{KEY_A}"))
    old.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    old.put("clinica-2", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    during = CertificateStore(repo, MasterKeyring.from_config(f"k1:{KEY_A},k2:{KEY_B}", active_id="k2"))
    assert during.load_active("clinica-1").certificate == issued.certificate  # readable before re-wrap
    assert during.rotate_master_key() == 2
    assert during.rotate_master_key() == 0  # idempotent
    after = CertificateStore(repo, MasterKeyring.from_config(f"k2:{KEY_B}"))
    assert after.load_active("clinica-2").certificate == issued.certificate
    assert {r.key_id for r in after.certificates_of("clinica-1")} == {"k2"}
    with pytest.raises(CertificateError) as info:
        old.load_active("clinica-1")
    assert info.value.code == "CERT_CHAVE_MESTRA"


def test_keyring_configuration_errors() -> None:
    for spec in ("", "semdoispontos", "k1:???", "k1:" + base64.b64encode(b"curta").decode()):
        with pytest.raises(CertificateError) as info:
            MasterKeyring.from_config(spec)
        assert info.value.code == "CERT_CHAVE_MESTRA"
    ring = MasterKeyring.from_config(f"k1:{KEY_A}")
    assert KEY_A not in repr(ring) and "keys" not in repr(ring)
    assert len(base64.b64decode(MasterKeyring.generate_key())) == 32


def test_expiry_events_at_30_15_7_days_once_each(store: CertificateStore, test_ca: TestCA) -> None:
    issued = test_ca.issue_ecnpj(cnpj=CNPJ, not_before=NOW - timedelta(days=300), not_after=NOW + timedelta(days=40))
    record = store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    seen: list[tuple[str, int, int]] = []
    for day in range(0, 45):
        for event in store.check_expiry(NOW + timedelta(days=day, hours=1)):
            assert event.certificate_id == record.id and event.emitter_id == "clinica-1"
            seen.append((event.type, event.threshold_days, event.days_left))
    assert seen == [
        (EVENT_EXPIRING, 30, 30),
        (EVENT_EXPIRING, 15, 15),
        (EVENT_EXPIRING, 7, 7),
        (EVENT_EXPIRED, -1, -1),
    ]


def test_expiry_event_record_shape(store: CertificateStore, test_ca: TestCA) -> None:
    issued = test_ca.issue_ecnpj(cnpj=CNPJ, not_before=NOW - timedelta(days=300), not_after=NOW + timedelta(days=10))
    store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    [event] = store.check_expiry(NOW)
    assert event.type == "certificate.expiring" and event.threshold_days == 15
    payload = event.payload()
    assert payload["cnpj"] == CNPJ and "vence em" in str(payload["mensagem"])
    assert event.idempotency_key.startswith("certificate.expiring:")
    assert store.check_expiry(NOW) == []  # not repeated


def test_sqlite_file_holds_no_plaintext(tmp_path: Path, issued: IssuedCertificate) -> None:
    db, repo = _sqlite_repo(tmp_path)
    store = CertificateStore(repo, MasterKeyring.from_config(f"k1:{KEY_A}"))
    original = issued.to_pfx(PASSWORD)
    store.put("clinica-1", original, PASSWORD, now=NOW)
    stored_pfx, _ = store.active_pkcs12("clinica-1")
    db.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # the database and any WAL/SHM file
    assert len(raw) > 4096
    key_der = issued.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forbidden = {
        "the PFX as uploaded": original,
        "the PFX as re-encrypted": stored_pfx,
        "the password (UTF-8)": PASSWORD.encode(),
        "the password (UTF-16)": PASSWORD.encode("utf-16-le"),
        "a PEM block": b"-----BEGIN",
        "the private key": key_der,
        "the master key": base64.b64decode(KEY_A),
    }
    for what, needle in forbidden.items():
        assert needle not in raw, f"{what} found in clear in the database"
    for chunk in (original[100:132], stored_pfx[200:232], key_der[40:72]):
        assert chunk not in raw


def test_no_secret_in_reprs_or_logs(
    store: CertificateStore, issued: IssuedCertificate, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    record = store.put("clinica-1", issued.to_pfx(PASSWORD), PASSWORD, now=NOW)
    store.load_active("clinica-1")
    store.check_expiry(NOW)
    text = repr(record) + repr(store.load_active("clinica-1")) + caplog.text
    assert PASSWORD not in text
    assert "ciphertext=" not in repr(record) and "wrapped_key=" not in repr(record)
