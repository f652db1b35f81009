"""PostgreSQL: a unit of work opens its connection and transaction only for its first statement
(adapters/db/documents.py); one whose only statement is the held write runs it alone in autocommit mode,
without a transaction. Whatever path it takes, a failure leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.db.apikeys import create_tenant
from adapters.db.documents import SqlEmissionRepository
from adapters.db.emitters import create_emitter
from adapters.db.engine import Database
from engine.emission import DocStatus, DocumentRecord, HistoryEntry, OutboxMessage
from engine.nfe.build.emitter import parse_emitente
from tests.integration.emission.conftest import MASTER, emitente_config, new_cnpj

AT = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


class _Boom(Exception):
    pass


def _setup(db: Database) -> tuple[SqlEmissionRepository, str]:
    with db.write() as conn:
        create_tenant(conn, "t1", "Clínica", now=AT)
        emitter_id = create_emitter(conn, tenant_id="t1", emitente=parse_emitente(emitente_config(new_cnpj())),
                                    keyring=MASTER, now=AT).id
    return SqlEmissionRepository(db), emitter_id


def _doc(emitter_id: str, ref: str) -> DocumentRecord:
    return DocumentRecord(id=f"d-{ref}", tenant_id="t1", emitter_id=emitter_id, ref=ref, model=65, series=1,
                          status=DocStatus.SENT, created_at=AT, updated_at=AT, number=None, signed_xml=b"<NFe/>")


def _write(uow: Any, doc: DocumentRecord) -> None:
    uow.insert_document(doc)
    uow.add_histories([HistoryEntry(doc.id, AT, "sent", "received")])
    uow.add_outbox(OutboxMessage("nfe.status", f"nfe.status:{doc.id}", {"to": "sent"}, AT, "t1"))


def _opened(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the transactions ``Database.write`` opens."""
    opened: list[int] = []
    original = db.write

    def write() -> Any:
        opened.append(1)
        return original()

    monkeypatch.setattr(db, "write", write)
    return opened


def test_a_unit_of_work_whose_only_statement_is_the_held_write_opens_no_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, emitter_id = _setup(db)
    opened = _opened(db, monkeypatch)
    with repo.unit_of_work() as uow:
        _write(uow, _doc(emitter_id, "r1"))
    assert opened == ([1] if db.is_sqlite else [])  # PostgreSQL: one statement in autocommit mode
    with repo.reader() as reader:
        assert reader.get_document("t1", ref="r1") is not None
        assert [h.to_status for h in reader.history("d-r1")] == ["sent"]
        assert [t for t, _ in reader.outbox_topics("t1")] == ["nfe.status"]


def test_a_read_after_held_writes_opens_the_transaction_and_sees_them(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, emitter_id = _setup(db)
    opened = _opened(db, monkeypatch)
    with repo.unit_of_work() as uow:
        _write(uow, _doc(emitter_id, "r1"))
        assert uow.get_document("t1", ref="r1") is not None
    assert opened == [1]


@pytest.mark.parametrize("read_first", [False, True], ids=["nothing-sent-yet", "inside-the-transaction"])
def test_an_error_in_the_unit_of_work_leaves_nothing(db: Database, read_first: bool) -> None:
    repo, emitter_id = _setup(db)
    with pytest.raises(_Boom), repo.unit_of_work() as uow:
        _write(uow, _doc(emitter_id, "r1"))
        if read_first:  # the held writes go first, inside the transaction the error rolls back
            assert uow.get_document("t1", ref="r1") is not None
        raise _Boom
    with repo.reader() as reader:
        assert reader.get_document("t1", ref="r1") is None
        assert reader.outbox_topics("t1") == []
