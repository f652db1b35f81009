"""SQLite implementation of ``certificates.store.CertificateRepository`` (stdlib ``sqlite3``).

One table; switching the active certificate of an emitter is a single ``BEGIN IMMEDIATE``
transaction, and a partial unique index guarantees at most one active certificate per emitter
even under concurrent writers. Secrets are stored only as AES-GCM ciphertexts (see
certificates/store.py). The service's full schema, with Alembic migrations, comes with the
persistence issue; this table's layout is meant to be carried over unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from certificates.errors import CertificateError
from certificates.store import StoredCertificate

_SCHEMA = """
CREATE TABLE IF NOT EXISTS certificate (
    id TEXT PRIMARY KEY,
    emitter_id TEXT NOT NULL,
    cnpj TEXT,
    subject TEXT NOT NULL,
    fingerprint_sha256 TEXT NOT NULL,
    not_before TEXT NOT NULL,
    not_after TEXT NOT NULL,
    created_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    key_id TEXT NOT NULL,
    wrapped_key BLOB NOT NULL,
    pfx_ciphertext BLOB NOT NULL,
    password_ciphertext BLOB NOT NULL,
    warned_days INTEGER
);
CREATE INDEX IF NOT EXISTS certificate_emitter ON certificate (emitter_id);
CREATE UNIQUE INDEX IF NOT EXISTS certificate_one_active ON certificate (emitter_id) WHERE active = 1;
"""

_COLUMNS = (
    "id, emitter_id, cnpj, subject, fingerprint_sha256, not_before, not_after, created_at, active, "
    "key_id, wrapped_key, pfx_ciphertext, password_ciphertext, warned_days"
)


def _row(values: tuple[Any, ...]) -> StoredCertificate:
    (rid, emitter, cnpj, subject, fp, nb, na, created, active, kid, wrapped, pfx, pwd, warned) = values
    return StoredCertificate(
        id=str(rid),
        emitter_id=str(emitter),
        cnpj=None if cnpj is None else str(cnpj),
        subject=str(subject),
        fingerprint_sha256=str(fp),
        not_before=datetime.fromisoformat(str(nb)),
        not_after=datetime.fromisoformat(str(na)),
        created_at=datetime.fromisoformat(str(created)),
        active=bool(active),
        key_id=str(kid),
        wrapped_key=bytes(wrapped),
        pfx_ciphertext=bytes(pfx),
        password_ciphertext=bytes(pwd),
        warned_days=None if warned is None else int(warned),
    )


class SqliteCertificateRepository:
    """``CertificateRepository`` over a SQLite file (WAL) or ``:memory:``."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _select(self, where: str, params: tuple[object, ...]) -> list[StoredCertificate]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM certificate WHERE {where}", params).fetchall()  # noqa: S608 - fixed fragments
        return [_row(tuple(r)) for r in rows]

    def add(self, record: StoredCertificate, *, activate: bool) -> None:
        with self._tx() as conn:
            conn.execute(
                f"INSERT INTO certificate ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    record.id,
                    record.emitter_id,
                    record.cnpj,
                    record.subject,
                    record.fingerprint_sha256,
                    record.not_before.isoformat(),
                    record.not_after.isoformat(),
                    record.created_at.isoformat(),
                    record.key_id,
                    record.wrapped_key,
                    record.pfx_ciphertext,
                    record.password_ciphertext,
                    record.warned_days,
                ),
            )
            if activate:
                self._switch(conn, record.emitter_id, record.id)

    @staticmethod
    def _switch(conn: sqlite3.Connection, emitter_id: str, record_id: str) -> None:
        found = conn.execute(
            "SELECT 1 FROM certificate WHERE id = ? AND emitter_id = ?", (record_id, emitter_id)
        ).fetchone()
        if found is None:
            raise CertificateError("CERT_NAO_ENCONTRADO", "certificado não encontrado para este emitente")
        conn.execute("UPDATE certificate SET active = 0 WHERE emitter_id = ? AND active = 1", (emitter_id,))
        conn.execute("UPDATE certificate SET active = 1 WHERE id = ?", (record_id,))

    def activate(self, emitter_id: str, record_id: str) -> None:
        with self._tx() as conn:
            self._switch(conn, emitter_id, record_id)

    def get(self, record_id: str) -> StoredCertificate | None:
        rows = self._select("id = ?", (record_id,))
        return rows[0] if rows else None

    def active(self, emitter_id: str) -> StoredCertificate | None:
        rows = self._select("emitter_id = ? AND active = 1", (emitter_id,))
        return rows[0] if rows else None

    def list_for(self, emitter_id: str) -> list[StoredCertificate]:
        return sorted(self._select("emitter_id = ?", (emitter_id,)), key=lambda r: r.created_at)

    def all_active(self) -> list[StoredCertificate]:
        return self._select("active = 1", ())

    def wrapped_with_other_than(self, key_id: str) -> list[StoredCertificate]:
        return self._select("key_id <> ?", (key_id,))

    def rewrap(self, record_id: str, *, old_key_id: str, new_key_id: str, wrapped_key: bytes) -> bool:
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE certificate SET key_id = ?, wrapped_key = ? WHERE id = ? AND key_id = ?",
                (new_key_id, wrapped_key, record_id, old_key_id),
            )
            return cur.rowcount == 1

    def mark_warned(self, record_id: str, days: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE certificate SET warned_days = ? WHERE id = ?", (days, record_id))
