"""PostgreSQL: lz4 TOAST compression for the large XML/JSON columns written per document

Every NFC-e stores its request (JSON), its signed XML and SEFAZ's protocol, plus an outbox payload,
state-change details and an audit entry. PostgreSQL compresses any value that makes a row exceed
the TOAST threshold (~2 KB) with ``default_toast_compression``, pglz by default, and a profile of the
backends during the NFC-e benchmark had ``pglz_compress`` as their top function (~8 % of the
database's CPU). lz4 compresses several times faster: a 6 KB + 9 KB bytea insert went from 283 to
200 us of backend CPU (PostgreSQL 15, 2026-12-04). Reading an lz4 value is faster too.

* PostgreSQL >= 14 built ``--with-lz4`` (Debian's and the official images are): ``ALTER TABLE t
  ALTER COLUMN c SET COMPRESSION lz4`` on the columns below. This only changes the catalog (no
  table rewrite; a brief ACCESS EXCLUSIVE lock per table). **Values already stored keep the
  compression they were written with**: PostgreSQL applies a column's setting to new values only
  (``VACUUM FULL`` does not recompress either). Both methods read back transparently.
* An older server (no per-column compression before 14) or one built without lz4 (``lz4`` absent
  from the ``enumvals`` of ``default_toast_compression``): nothing is done, pglz stays.
* SQLite: nothing (no TOAST).

Columns added by later migrations that hold large values must set their compression themselves
(``toast_lz4_supported`` / ``set_compression`` below): fresh databases are only ever created by
running these migrations (adapters/db/migrate.py), never from ``metadata.create_all``.

downgrade: back to pglz on the same condition (again for new values only).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The text/bytea/json columns whose values can exceed the TOAST threshold, written on the emission
# path (per NFC-e: document, document_event, outbox, audit_log, webhook_delivery; per contingency,
# event or voided range: document_attempt, fiscal_event, inutilizacao).
LZ4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("document", "request_json"),
    ("document", "signed_xml"),
    ("document", "protocol_xml"),
    ("document_event", "detail"),
    ("outbox", "payload"),
    ("audit_log", "details"),
    ("webhook_delivery", "body"),
    ("document_attempt", "signed_xml"),
    ("fiscal_event", "detail"),
    ("fiscal_event", "proc_xml"),
    ("inutilizacao", "proc_xml"),
)

_LZ4_SUPPORTED = text(
    "SELECT current_setting('server_version_num')::int >= 140000 AND EXISTS ("
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals))"
)


def toast_lz4_supported(conn: Connection) -> bool:
    """PostgreSQL >= 14 (SET COMPRESSION and ``default_toast_compression`` appeared there) with lz4
    compiled in; False on SQLite."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(_LZ4_SUPPORTED).scalar_one())


def set_compression(conn: Connection, method: str) -> None:
    quote = conn.dialect.identifier_preparer.quote
    for table, column in LZ4_COLUMNS:
        # Identifiers from the constant list above, quoted; the method is one of two literals.
        conn.execute(text(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET COMPRESSION {method}"))


def upgrade() -> None:
    conn = op.get_bind()
    if toast_lz4_supported(conn):
        set_compression(conn, "lz4")


def downgrade() -> None:
    conn = op.get_bind()
    if toast_lz4_supported(conn):
        set_compression(conn, "pglz")
