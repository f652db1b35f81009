"""``certificates.store.CertificateRepository`` on the service database (SQLite or PostgreSQL).

The table layout of the certificate store (certificates/store.py records), created by the
Alembic migrations. Switching the active certificate is one write transaction; the partial unique
index ``uq_certificate_one_active`` keeps at most one active certificate per emitter.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from sqlalchemy import Connection, Row, select, update

from adapters.db.engine import Database
from adapters.db.schema import certificate
from certificates.errors import CertificateError
from certificates.store import StoredCertificate


def _record(row: Row[Any]) -> StoredCertificate:
    m = row._mapping
    return StoredCertificate(
        id=m["id"],
        emitter_id=m["emitter_id"],
        cnpj=m["cnpj"],
        subject=m["subject"],
        fingerprint_sha256=m["fingerprint_sha256"],
        not_before=m["not_before"],
        not_after=m["not_after"],
        created_at=m["created_at"],
        active=bool(m["active"]),
        key_id=m["key_id"],
        wrapped_key=bytes(m["wrapped_key"]),
        pfx_ciphertext=bytes(m["pfx_ciphertext"]),
        password_ciphertext=bytes(m["password_ciphertext"]),
        warned_days=m["warned_days"],
    )


class SqlCertificateRepository:
    """Implements ``CertificateRepository``. ``connection``: run inside the caller's transaction
    (e.g. an emitter update and its certificate in one commit); otherwise each call is its own."""

    def __init__(self, db: Database, connection: Connection | None = None) -> None:
        self._db = db
        self._conn = connection

    def _write(self) -> Any:
        return nullcontext(self._conn) if self._conn is not None else self._db.write()

    def _read(self) -> Any:
        return nullcontext(self._conn) if self._conn is not None else self._db.read()

    def _select(self, *where: Any) -> list[StoredCertificate]:
        with self._read() as conn:
            rows = conn.execute(select(certificate).where(*where).order_by(certificate.c.created_at)).all()
        return [_record(r) for r in rows]

    def add(self, record: StoredCertificate, *, activate: bool) -> None:
        with self._write() as conn:
            conn.execute(
                certificate.insert().values(
                    id=record.id,
                    emitter_id=record.emitter_id,
                    cnpj=record.cnpj,
                    subject=record.subject,
                    fingerprint_sha256=record.fingerprint_sha256,
                    not_before=record.not_before,
                    not_after=record.not_after,
                    created_at=record.created_at,
                    active=False,
                    key_id=record.key_id,
                    wrapped_key=record.wrapped_key,
                    pfx_ciphertext=record.pfx_ciphertext,
                    password_ciphertext=record.password_ciphertext,
                    warned_days=record.warned_days,
                )
            )
            if activate:
                self._switch(conn, record.emitter_id, record.id)

    @staticmethod
    def _switch(conn: Connection, emitter_id: str, record_id: str) -> None:
        found = conn.execute(
            select(certificate.c.id)
            .where(certificate.c.id == record_id, certificate.c.emitter_id == emitter_id)
            .with_for_update()
        ).first()
        if found is None:
            raise CertificateError("CERT_NAO_ENCONTRADO", "certificado não encontrado para este emitente")
        conn.execute(
            update(certificate)
            .where(certificate.c.emitter_id == emitter_id, certificate.c.active.is_(True))
            .values(active=False)
        )
        conn.execute(update(certificate).where(certificate.c.id == record_id).values(active=True))

    def activate(self, emitter_id: str, record_id: str) -> None:
        with self._write() as conn:
            self._switch(conn, emitter_id, record_id)

    def get(self, record_id: str) -> StoredCertificate | None:
        rows = self._select(certificate.c.id == record_id)
        return rows[0] if rows else None

    def active(self, emitter_id: str) -> StoredCertificate | None:
        rows = self._select(certificate.c.emitter_id == emitter_id, certificate.c.active.is_(True))
        return rows[0] if rows else None

    def list_for(self, emitter_id: str) -> list[StoredCertificate]:
        return self._select(certificate.c.emitter_id == emitter_id)

    def all_active(self) -> list[StoredCertificate]:
        return self._select(certificate.c.active.is_(True))

    def wrapped_with_other_than(self, key_id: str) -> list[StoredCertificate]:
        return self._select(certificate.c.key_id != key_id)

    def rewrap(self, record_id: str, *, old_key_id: str, new_key_id: str, wrapped_key: bytes) -> bool:
        with self._write() as conn:
            result = conn.execute(
                update(certificate)
                .where(certificate.c.id == record_id, certificate.c.key_id == old_key_id)
                .values(key_id=new_key_id, wrapped_key=wrapped_key)
            )
            return bool(result.rowcount == 1)

    def mark_warned(self, record_id: str, days: int) -> None:
        with self._write() as conn:
            conn.execute(update(certificate).where(certificate.c.id == record_id).values(warned_days=days))
