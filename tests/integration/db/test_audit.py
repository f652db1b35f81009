"""The audit chain: appends, queries with cursors, and verification that names the exact entry
that was edited, removed or moved — tampering done directly on the table, as an intruder would."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from adapters.db import audit
from adapters.db.engine import Database
from adapters.db.schema import audit_log

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _fill(db: Database, n: int = 6, tenant: str = "t1") -> None:
    for i in range(1, n + 1):
        with db.write() as conn:
            audit.append(
                conn, now=T0 + timedelta(seconds=i), actor=f"key{i % 2}", action="emitter.update", tenant_id=tenant,
                target=f"emitter/{i}", details={"campo": "ie", "valor": str(i), "ação": "alteração"},
                request_id=f"req-{i}",
            )


def _verify(db: Database) -> tuple[int, list[audit.AuditFinding]]:
    with db.read() as conn:
        return audit.verify(conn)


def test_intact_chain_verifies(db: Database) -> None:
    _fill(db)
    checked, findings = _verify(db)
    assert (checked, findings) == (6, [])


def test_empty_log_verifies(db: Database) -> None:
    assert _verify(db) == (0, [])


def test_entries_link_to_their_predecessor(db: Database) -> None:
    _fill(db, 3)
    with db.read() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].entry_hash and rows[2].prev_hash == rows[1].entry_hash


@pytest.mark.parametrize(
    "column,value",
    [("details", '{"campo":"ie","valor":"999"}'), ("actor", "intruso"), ("action", "emitter.create"),
     ("occurred_at", T0 + timedelta(days=1)), ("request_id", None)],
)
def test_edited_entry_is_reported(db: Database, column: str, value: object) -> None:
    _fill(db)
    with db.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values({column: value}))
    _, findings = _verify(db)
    assert [(f.seq, f.kind) for f in findings] == [(4, "ALTERADA")]
    assert "entrada 4" in findings[0].mensagem


def test_removed_entry_is_reported(db: Database) -> None:
    _fill(db)
    with db.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
    _, findings = _verify(db)
    assert [(f.seq, f.kind) for f in findings] == [(3, "REMOVIDA")]


def test_removed_first_entry_is_reported(db: Database) -> None:
    _fill(db)
    with db.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 1))
    _, findings = _verify(db)
    assert [(f.seq, f.kind) for f in findings] == [(1, "REMOVIDA")]


def test_removed_last_entries_are_reported(db: Database) -> None:
    _fill(db)
    with db.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 5))
    _, findings = _verify(db)
    assert [(f.seq, f.kind) for f in findings] == [(5, "REMOVIDA")]


def test_removed_and_renumbered_entry_is_reported(db: Database) -> None:
    _fill(db)
    with db.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
        for seq in (4, 5, 6):
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(seq=seq - 1))
    _, findings = _verify(db)
    assert (findings[0].seq, findings[0].kind) == (3, "ENCADEAMENTO_QUEBRADO")


def test_reordered_entries_are_reported(db: Database) -> None:
    _fill(db)
    with db.write() as conn:  # swap entries 3 and 5 (seq is the order)
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(seq=-3))
        conn.execute(update(audit_log).where(audit_log.c.seq == 5).values(seq=3))
        conn.execute(update(audit_log).where(audit_log.c.seq == -3).values(seq=5))
    _, findings = _verify(db)
    assert (findings[0].seq, findings[0].kind) == (3, "FORA_DE_ORDEM")
    assert all(f.kind == "FORA_DE_ORDEM" for f in findings)


def test_query_is_scoped_to_the_tenant_and_paginates(db: Database) -> None:
    _fill(db, 5, tenant="t1")
    _fill(db, 2, tenant="t2")
    with db.read() as conn:
        page1, cursor = audit.query(conn, tenant_id="t1", limit=2)
        assert [e.seq for e in page1] == [1, 2] and cursor is not None
        page2, cursor = audit.query(conn, tenant_id="t1", limit=2, after_seq=audit.decode_cursor(cursor))
        assert [e.seq for e in page2] == [3, 4] and cursor is not None
        page3, cursor = audit.query(conn, tenant_id="t1", limit=2, after_seq=audit.decode_cursor(cursor))
        assert [e.seq for e in page3] == [5] and cursor is None
        other, _ = audit.query(conn, tenant_id="t2")
        assert {e.tenant_id for e in other} == {"t2"} and len(other) == 2
        filtered, _ = audit.query(conn, tenant_id="t1", actor="key0")
        assert [e.seq for e in filtered] == [2, 4]
        window, _ = audit.query(conn, tenant_id="t1", since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=4))
        assert [e.seq for e in window] == [2, 3]
    assert page1[0].details == {"campo": "ie", "valor": "1", "ação": "alteração"}


def test_foreign_cursor_is_refused() -> None:
    with pytest.raises(ValueError):
        audit.decode_cursor("bm90LWEtY3Vyc29y")
    with pytest.raises(ValueError):
        audit.decode_cursor("%%%")


def test_concurrent_appends_keep_one_linear_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(10):
                with db.write() as conn:
                    audit.append(conn, now=T0, actor=f"w{k}", action="x", tenant_id="t", details={"i": i})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _verify(db) == (60, [])


def test_append_returns_the_entry_as_stored_and_hashed_as_verify_recomputes_it(db: Database) -> None:
    """On PostgreSQL the server hashes the entry (one statement); the hash is the one ``verify`` computes."""
    entries = []
    for i in range(2):
        with db.write() as conn:
            entries.append(audit.append(conn, now=T0 + timedelta(microseconds=7 + i), actor="key1",
                                        action="document.emit", tenant_id="t1", target="document/d1",
                                        details={"motivo": "emissão autorizada — R$ 1.234,56", "i": i},
                                        request_id="req-€"))
    first, second = entries
    assert (first.seq, first.prev_hash, second.seq, second.prev_hash) == (1, audit.GENESIS, 2, first.entry_hash)
    for entry in entries:
        assert entry.entry_hash == audit._hash(
            entry.prev_hash, entry.occurred_at, entry.tenant_id, entry.actor, entry.request_id, entry.action,
            entry.target, audit.canonical_json(dict(entry.details)))
    with db.read() as conn:
        stored, _ = audit.query(conn, tenant_id="t1")
        assert audit.verify(conn) == (2, [])
    assert stored == entries
