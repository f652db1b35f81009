"""Migration 0009: on PostgreSQL with lz4 the large columns of the emission path are TOAST-compressed
with lz4 (pglz otherwise), a large value inserted afterwards is stored lz4-compressed, and the
downgrade puts pglz back. A server without lz4 is left alone."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from alembic import command
from lxml import etree
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from adapters.db.engine import Database
from adapters.db.migrate import alembic_config, current, head
from adapters.db.schema import document, emitter, outbox, tenant

lz4_migration = importlib.import_module("adapters.db.migrations.versions.0009_toast_lz4")

# What the migration must cover at least: the values every NFC-e writes (design.md §6 storage).
HOT_PATH = {
    ("document", "request_json"),
    ("document", "signed_xml"),
    ("document", "protocol_xml"),
    ("outbox", "payload"),
    ("audit_log", "details"),
    ("document_event", "detail"),
    ("fiscal_event", "proc_xml"),
}

_ATTCOMPRESSION = text(
    "SELECT attcompression FROM pg_attribute WHERE attrelid = to_regclass(:t) AND attname = :c AND NOT attisdropped"
)


@pytest.fixture
def fresh_pg(postgres_server_url: str) -> Iterator[Database]:
    """An empty schema of the test server (the search_path of every connection), not yet migrated."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in postgres_server_url else "?"
    db = Database(f"{postgres_server_url}{sep}options={quote(f'-csearch_path={schema}')}")
    try:
        yield db
    finally:
        db.dispose()
        with psycopg.connect(postgres_server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _compression(conn: Connection) -> dict[tuple[str, str], str]:
    return {(t, c): conn.execute(_ATTCOMPRESSION, {"t": t, "c": c}).scalar_one()
            for t, c in lz4_migration.LZ4_COLUMNS}


def _signed_nfce_like_xml(items: int) -> bytes:
    """A document the size of a multi-item NFC-e (compressible the way real XML is)."""
    root = etree.Element("NFe", xmlns="http://www.portalfiscal.inf.br/nfe")
    inf = etree.SubElement(root, "infNFe", Id="NFe35261212345678000195650010000000011000000010", versao="4.00")
    for n in range(1, items + 1):
        det = etree.SubElement(inf, "det", nItem=str(n))
        prod = etree.SubElement(det, "prod")
        for tag, value in (("cProd", f"{n:06d}"), ("cEAN", "SEM GTIN"), ("xProd", f"ESCOVA DENTAL MACIA {n}"),
                           ("NCM", "96032100"), ("CFOP", "5102"), ("uCom", "UN"), ("qCom", "1.0000"),
                           ("vUnCom", f"{n % 50 + 3}.90"), ("vProd", f"{n % 50 + 3}.90")):
            etree.SubElement(prod, tag).text = value
    return etree.tostring(root, encoding="UTF-8")


def _insert_large_document(conn: Connection) -> None:
    now = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    conn.execute(insert(tenant).values(id="clinica-1", name="Clínica 1", created_at=now))
    conn.execute(insert(emitter).values(
        id="em1", tenant_id="clinica-1", cnpj="12345678000195", ie="111111111111", crt=1,
        razao_social="CLINICA ODONTOLOGICA LTDA", uf="SP", c_mun="3550308", ambiente=2, serie_nfe=1,
        serie_nfce=1, config={}, created_at=now, updated_at=now))
    xml = _signed_nfce_like_xml(60)
    assert len(xml) > 4000  # well over the TOAST threshold (~2 KB)
    conn.execute(insert(document).values(
        id="doc1", tenant_id="clinica-1", emitter_id="em1", ref="venda-1", model=65, series=1, status="signed",
        request_json=json.dumps({"itens": [{"codigo": f"{n:06d}", "valor": "3.90"} for n in range(200)]}),
        signed_xml=xml, created_at=now, updated_at=now))
    conn.execute(insert(outbox).values(
        tenant_id="clinica-1", topic="nfe.signed", idempotency_key="doc1:signed",
        payload=json.dumps({"xml": xml.decode()}), created_at=now, available_at=now))


@pytest.mark.postgres
def test_upgrade_sets_lz4_and_new_values_are_stored_lz4(fresh_pg: Database) -> None:
    assert HOT_PATH <= set(lz4_migration.LZ4_COLUMNS)
    fresh_pg.upgrade()
    assert current(fresh_pg) == head()
    with fresh_pg.write() as conn:
        supported = lz4_migration.toast_lz4_supported(conn)
        compression = _compression(conn)
        # Columns outside the list keep the server's default ('' in attcompression).
        untouched = conn.execute(_ATTCOMPRESSION, {"t": "document", "c": "xmotivo"}).scalar_one()
        _insert_large_document(conn)
    with fresh_pg.read() as conn:
        stored = conn.execute(text(
            "SELECT pg_column_compression(d.signed_xml), pg_column_compression(d.request_json), "
            "pg_column_compression(o.payload) FROM document d, outbox o WHERE d.id = 'doc1'")).one()
    assert untouched == ""
    if supported:
        assert compression == {col: "l" for col in lz4_migration.LZ4_COLUMNS}
        assert tuple(stored) == ("lz4", "lz4", "lz4")
    else:  # PostgreSQL < 14 or built without lz4: the migration left every column alone
        assert compression == {col: "" for col in lz4_migration.LZ4_COLUMNS}
        assert tuple(stored) == ("pglz", "pglz", "pglz")


@pytest.mark.postgres
def test_downgrade_goes_back_to_pglz_and_upgrade_again_to_lz4(fresh_pg: Database) -> None:
    fresh_pg.upgrade()
    cfg = alembic_config()
    with fresh_pg.write() as conn:
        supported = lz4_migration.toast_lz4_supported(conn)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    assert current(fresh_pg) == "0008"
    with fresh_pg.read() as conn:
        after_downgrade = _compression(conn)
    fresh_pg.upgrade()
    with fresh_pg.read() as conn:
        after_upgrade = _compression(conn)
    if supported:
        assert set(after_downgrade.values()) == {"p"}
        assert set(after_upgrade.values()) == {"l"}
    else:
        assert set(after_downgrade.values()) == set(after_upgrade.values()) == {""}


def test_sqlite_is_not_touched(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/x.sqlite3")
    try:
        db.upgrade()
        assert current(db) == head()
        with db.read() as conn:
            assert lz4_migration.toast_lz4_supported(conn) is False
    finally:
        db.dispose()
