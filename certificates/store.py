"""Encrypted certificate store per emitter (tenant).

Envelope encryption with AES-256-GCM (``cryptography``):

* each record has its own random 256-bit data key; the PKCS#12 bytes and the password are
  encrypted with it (fresh 96-bit nonce each, AAD = record id + emitter + purpose, so a ciphertext
  moved to another record or field does not decrypt);
* the data key is wrapped by the master key (AES-256-GCM too) and the record keeps the master
  key's id;
* master-key rotation (``rotate_master_key``) only re-wraps data keys: while it runs, the keyring
  holds the old and the new key, so every record stays readable (no downtime), and each re-wrap is
  a compare-and-set on the key id (safe to run twice or concurrently).

A legacy PKCS#12 (RC2-40/3DES) is re-encrypted with modern algorithms before it is stored.
Several certificates per emitter, one active; ``put(..., activate=True)`` inserts and switches
the active one in a single repository transaction (atomic replace).

Persistence is behind ``CertificateRepository``; ``InMemoryCertificateRepository`` is the
reference implementation (tests, CLI), adapters/db/certificates_repo.py the one on the service
database (SQLite or PostgreSQL).
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from certificates.a1 import A1Certificate, load_a1, load_pkcs12
from certificates.errors import CertificateError

EXPIRY_THRESHOLDS_DAYS = (30, 15, 7)
EVENT_EXPIRING = "certificate.expiring"
EVENT_EXPIRED = "certificate.expired"

_NONCE = 12


def aad(*parts: str) -> bytes:
    """Associated data binding a ciphertext to its purpose and record (a ciphertext moved elsewhere fails)."""
    return "\x1f".join(parts).encode("utf-8")


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """AES-256-GCM with a random 96-bit nonce: ``nonce || ciphertext+tag`` (the envelope every secret uses)."""
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """Inverse of ``seal``; a wrong key, tampered bytes or other associated data raise CertificateError."""
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], associated)
    except (InvalidTag, ValueError) as exc:
        raise CertificateError(
            "CERT_DADOS_CORROMPIDOS",
            "o certificado armazenado não pôde ser decifrado (dados alterados ou chave mestra errada)",
        ) from exc


@dataclass(frozen=True, slots=True)
class MasterKeyring:
    """Master keys by id (32 bytes each) and the id used for new wraps. Never printed."""

    keys: Mapping[str, bytes] = field(repr=False)
    active_id: str

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise CertificateError("CERT_CHAVE_MESTRA", f"chave mestra ativa '{self.active_id}' não configurada")
        for kid, key in self.keys.items():
            if len(key) != 32:
                raise CertificateError("CERT_CHAVE_MESTRA", f"a chave mestra '{kid}' deve ter 32 bytes (AES-256)")

    @classmethod
    def from_config(cls, spec: str, active_id: str | None = None) -> MasterKeyring:
        """Parse ``"id1:<base64 32 bytes>,id2:<base64>"``; the active key is ``active_id`` or the last one."""
        keys: dict[str, bytes] = {}
        last = ""
        for item in filter(None, (p.strip() for p in spec.split(","))):
            kid, sep, b64 = item.partition(":")
            if not sep or not kid:
                raise CertificateError(
                    "CERT_CHAVE_MESTRA", "chaves mestras devem estar no formato id:base64[,id:base64]"
                )
            try:
                keys[kid] = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise CertificateError("CERT_CHAVE_MESTRA", f"a chave mestra '{kid}' não está em base64") from exc
            last = kid
        if not keys:
            raise CertificateError("CERT_CHAVE_MESTRA", "nenhuma chave mestra configurada para o cofre de certificados")
        return cls(keys, active_id or last)

    @staticmethod
    def generate_key() -> str:
        """A new random master key, base64 (for configuration)."""
        return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")

    def wrap(self, data_key: bytes, record_id: str) -> tuple[str, bytes]:
        return self.active_id, seal(self.keys[self.active_id], data_key, aad("data-key", record_id, self.active_id))

    def unwrap(self, key_id: str, wrapped: bytes, record_id: str) -> bytes:
        master = self.keys.get(key_id)
        if master is None:
            raise CertificateError(
                "CERT_CHAVE_MESTRA",
                f"o certificado foi cifrado com a chave mestra '{key_id}', que não está configurada",
            )
        return unseal(master, wrapped, aad("data-key", record_id, key_id))


@dataclass(frozen=True, slots=True)
class StoredCertificate:
    """One stored certificate. Only public metadata is in clear; secrets are ciphertexts."""

    id: str
    emitter_id: str
    cnpj: str | None
    subject: str
    fingerprint_sha256: str
    not_before: datetime
    not_after: datetime
    created_at: datetime
    active: bool
    key_id: str
    wrapped_key: bytes = field(repr=False)
    pfx_ciphertext: bytes = field(repr=False)
    password_ciphertext: bytes = field(repr=False)
    warned_days: int | None = None  # smallest expiry threshold already announced


@dataclass(frozen=True, slots=True)
class CertificateEvent:
    """An event record for the outbox (``certificate.expiring`` / ``certificate.expired``)."""

    type: str
    emitter_id: str
    certificate_id: str
    cnpj: str | None
    not_after: datetime
    days_left: int
    threshold_days: int
    occurred_at: datetime

    @property
    def idempotency_key(self) -> str:
        return f"{self.type}:{self.certificate_id}:{self.threshold_days}"

    def payload(self) -> dict[str, object]:
        return {
            "emitter_id": self.emitter_id,
            "certificate_id": self.certificate_id,
            "cnpj": self.cnpj,
            "not_after": self.not_after.isoformat(),
            "days_left": self.days_left,
            "threshold_days": self.threshold_days,
            "mensagem": (
                f"o certificado A1 vence em {self.days_left} dia(s) ({self.not_after.date().isoformat()}); renove-o"
                if self.days_left >= 0
                else f"o certificado A1 venceu em {self.not_after.date().isoformat()}; a emissão está bloqueada"
            ),
        }


class CertificateRepository(Protocol):
    """Persistence of ``StoredCertificate`` records. ``add`` with ``activate`` and ``activate`` must
    switch the active certificate of the emitter atomically (one transaction)."""

    def add(self, record: StoredCertificate, *, activate: bool) -> None: ...

    def activate(self, emitter_id: str, record_id: str) -> None: ...

    def get(self, record_id: str) -> StoredCertificate | None: ...

    def active(self, emitter_id: str) -> StoredCertificate | None: ...

    def list_for(self, emitter_id: str) -> list[StoredCertificate]: ...

    def all_active(self) -> list[StoredCertificate]: ...

    def wrapped_with_other_than(self, key_id: str) -> list[StoredCertificate]: ...

    def rewrap(self, record_id: str, *, old_key_id: str, new_key_id: str, wrapped_key: bytes) -> bool:
        """Compare-and-set: replace the wrapped key only if the record is still under ``old_key_id``."""
        ...

    def mark_warned(self, record_id: str, days: int) -> None: ...


class InMemoryCertificateRepository:
    """Reference implementation of ``CertificateRepository`` (a lock makes each call atomic)."""

    def __init__(self) -> None:
        self._rows: dict[str, StoredCertificate] = {}
        self._lock = threading.Lock()

    def add(self, record: StoredCertificate, *, activate: bool) -> None:
        with self._lock:
            if record.id in self._rows:
                raise ValueError(f"duplicate certificate id {record.id}")
            self._rows[record.id] = replace(record, active=False)
            if activate:
                self._activate(record.emitter_id, record.id)

    def _activate(self, emitter_id: str, record_id: str) -> None:
        target = self._rows.get(record_id)
        if target is None or target.emitter_id != emitter_id:
            raise CertificateError("CERT_NAO_ENCONTRADO", "certificado não encontrado para este emitente")
        for rid, row in list(self._rows.items()):
            if row.emitter_id == emitter_id:
                self._rows[rid] = replace(row, active=rid == record_id)

    def activate(self, emitter_id: str, record_id: str) -> None:
        with self._lock:
            self._activate(emitter_id, record_id)

    def get(self, record_id: str) -> StoredCertificate | None:
        return self._rows.get(record_id)

    def active(self, emitter_id: str) -> StoredCertificate | None:
        return next((r for r in self._rows.values() if r.emitter_id == emitter_id and r.active), None)

    def list_for(self, emitter_id: str) -> list[StoredCertificate]:
        return sorted((r for r in self._rows.values() if r.emitter_id == emitter_id), key=lambda r: r.created_at)

    def all_active(self) -> list[StoredCertificate]:
        return [r for r in self._rows.values() if r.active]

    def wrapped_with_other_than(self, key_id: str) -> list[StoredCertificate]:
        return [r for r in self._rows.values() if r.key_id != key_id]

    def rewrap(self, record_id: str, *, old_key_id: str, new_key_id: str, wrapped_key: bytes) -> bool:
        with self._lock:
            row = self._rows.get(record_id)
            if row is None or row.key_id != old_key_id:
                return False
            self._rows[record_id] = replace(row, key_id=new_key_id, wrapped_key=wrapped_key)
            return True

    def mark_warned(self, record_id: str, days: int) -> None:
        with self._lock:
            row = self._rows[record_id]
            self._rows[record_id] = replace(row, warned_days=days)


class CertificateStore:
    """The use cases over a repository and a master keyring."""

    def __init__(
        self,
        repository: CertificateRepository,
        keyring: MasterKeyring,
        *,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._repo = repository
        self._keyring = keyring
        self._new_id = new_id

    def put(
        self,
        emitter_id: str,
        pfx: bytes,
        password: str,
        *,
        now: datetime,
        emitter_cnpj: str | None = None,
        activate: bool = True,
    ) -> StoredCertificate:
        """Check the A1 (password, validity, CNPJ root, key usage), re-encrypt it with modern
        PKCS#12 algorithms, encrypt it at rest and store it; with ``activate`` it atomically
        becomes the emitter's active certificate."""
        a1 = load_a1(pfx, password, now=now, emitter_cnpj=emitter_cnpj)
        modern = a1.to_pkcs12(password)
        record_id = self._new_id()
        data_key = AESGCM.generate_key(bit_length=256)
        key_id, wrapped = self._keyring.wrap(data_key, record_id)
        record = StoredCertificate(
            id=record_id,
            emitter_id=emitter_id,
            cnpj=a1.identity.cnpj,
            subject=a1.subject,
            fingerprint_sha256=a1.fingerprint_sha256,
            not_before=a1.not_before,
            not_after=a1.not_after,
            created_at=now,
            active=activate,
            key_id=key_id,
            wrapped_key=wrapped,
            pfx_ciphertext=seal(data_key, modern, aad("pfx", record_id, emitter_id)),
            password_ciphertext=seal(data_key, password.encode("utf-8"), aad("password", record_id, emitter_id)),
        )
        self._repo.add(record, activate=activate)
        return record

    def activate(self, emitter_id: str, record_id: str) -> None:
        self._repo.activate(emitter_id, record_id)

    def _active(self, emitter_id: str) -> StoredCertificate:
        record = self._repo.active(emitter_id)
        if record is None:
            raise CertificateError("CERT_NAO_ENCONTRADO", "nenhum certificado A1 ativo para este emitente")
        return record

    def reveal(self, record: StoredCertificate) -> tuple[bytes, str]:
        """The PKCS#12 bytes and password (for the TLS client of the SEFAZ transport)."""
        data_key = self._keyring.unwrap(record.key_id, record.wrapped_key, record.id)
        pfx = unseal(data_key, record.pfx_ciphertext, aad("pfx", record.id, record.emitter_id))
        password = unseal(data_key, record.password_ciphertext, aad("password", record.id, record.emitter_id))
        return pfx, password.decode("utf-8")

    def active_pkcs12(self, emitter_id: str) -> tuple[bytes, str]:
        return self.reveal(self._active(emitter_id))

    def load_active(self, emitter_id: str) -> A1Certificate:
        """The emitter's active A1, decrypted in memory (check it with ``check_usable`` before signing)."""
        pfx, password = self.active_pkcs12(emitter_id)
        return load_pkcs12(pfx, password)

    def certificates_of(self, emitter_id: str) -> list[StoredCertificate]:
        return self._repo.list_for(emitter_id)

    def rotate_master_key(self) -> int:
        """Re-wrap every data key not under the active master key; returns how many were re-wrapped.

        Run it after adding the new key to the keyring (as active, old key still present); remove
        the old key from the configuration only after it returns.
        """
        count = 0
        new_id = self._keyring.active_id
        for record in self._repo.wrapped_with_other_than(new_id):
            data_key = self._keyring.unwrap(record.key_id, record.wrapped_key, record.id)
            key_id, wrapped = self._keyring.wrap(data_key, record.id)
            if self._repo.rewrap(record.id, old_key_id=record.key_id, new_key_id=key_id, wrapped_key=wrapped):
                count += 1
        return count

    def check_expiry(self, now: datetime) -> list[CertificateEvent]:
        """Events for active certificates crossing 30, 15 and 7 days before ``not_after`` (and once
        when expired). Each threshold is announced once per certificate (``warned_days``)."""
        events: list[CertificateEvent] = []
        for record in self._repo.all_active():
            days_left = (record.not_after - now).days
            if days_left < 0:
                threshold, kind = -1, EVENT_EXPIRED
            else:
                crossed = [t for t in EXPIRY_THRESHOLDS_DAYS if days_left <= t]
                if not crossed:
                    continue
                threshold, kind = min(crossed), EVENT_EXPIRING
            if record.warned_days is not None and record.warned_days <= threshold:
                continue
            events.append(
                CertificateEvent(
                    type=kind,
                    emitter_id=record.emitter_id,
                    certificate_id=record.id,
                    cnpj=record.cnpj,
                    not_after=record.not_after,
                    days_left=days_left,
                    threshold_days=threshold,
                    occurred_at=now,
                )
            )
            self._repo.mark_warned(record.id, threshold)
        return events


def check_expiry(store: CertificateStore, now: datetime) -> list[CertificateEvent]:
    """Module-level entry point for a scheduler: ``store.check_expiry(now)``."""
    return store.check_expiry(now)
