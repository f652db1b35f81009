"""The emission's hot statements write through the DBAPI cursor (adapters.db.engine.DriverSql); what
they store must be exactly what the Core statements of the rest of the service read and compare:
aware UTC datetimes to the microsecond, range filters on the boundaries, the outbox's due time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from adapters.db import audit, outbox
from adapters.db.apikeys import create_tenant
from adapters.db.documents import SqlEmissionRepository
from adapters.db.emitters import create_emitter
from adapters.db.engine import Database
from engine.emission import (
    AuditNote,
    DocStatus,
    DocumentFilter,
    DocumentRecord,
    DuplicateRef,
    HistoryEntry,
    OutboxMessage,
    StaleDocument,
)
from engine.nfe.build.emitter import parse_emitente
from tests.integration.emission.conftest import MASTER, emitente_config, new_cnpj

# A local (Brasília) time with microseconds: stored and read back as the same instant, in UTC.
AT = datetime(2026, 3, 10, 9, 15, 30, 123456, tzinfo=timezone(timedelta(hours=-3)))


def _emitter(db: Database) -> str:
    with db.write() as conn:
        create_tenant(conn, "t1", "Clínica", now=AT)
        return create_emitter(conn, tenant_id="t1", emitente=parse_emitente(emitente_config(new_cnpj())),
                              keyring=MASTER, now=AT).id


def test_driver_written_rows_read_back_through_core_with_the_same_instants(db: Database) -> None:
    emitter_id = _emitter(db)
    repo = SqlEmissionRepository(db)
    doc = DocumentRecord(id="d1", tenant_id="t1", emitter_id=emitter_id, ref="r1", model=65, series=1,
                         status=DocStatus.SENT, created_at=AT, updated_at=AT, number=1, chave="3" * 44,
                         signed_xml=b"<NFe/>", signed_at=AT, sent_at=AT, version=4)
    with repo.unit_of_work() as uow:
        uow.insert_document(doc)
        uow.add_histories([HistoryEntry("d1", AT, "received", "received"), HistoryEntry("d1", AT, "sent", "signed")])
        uow.add_outbox(OutboxMessage("nfe.status", "nfe.status:d1:4", {"to": "sent"}, AT, "t1"))
        uow.add_audit(AuditNote("apikey:k1", "document.emit", {"role": "pdv"}), now=AT.astimezone(UTC),
                      tenant_id="t1", target="document/d1", details={"number": 1}, request_id="rid")
    with repo.reader() as uow:
        back = uow.get_document("t1", ref="r1")
        history = uow.history("d1")
        # Range filters of the API and the recovery worker, exactly on the boundary.
        listed = uow.list_documents(DocumentFilter(tenant_id="t1", created_from=AT, created_to=AT + timedelta(
            microseconds=1)))
        pending = uow.pending_documents(updated_before=AT, limit=10)
        not_yet = uow.pending_documents(updated_before=AT - timedelta(microseconds=1), limit=10)
    assert back is not None and back.created_at == AT and back.created_at.tzinfo == UTC
    assert (back.signed_at, back.sent_at, back.signed_xml, back.version) == (AT, AT, b"<NFe/>", 4)
    assert [(h.occurred_at, h.to_status) for h in history] == [(AT, "received"), (AT, "sent")]
    assert [d.id for d in listed] == ["d1"] and [d.id for d in pending] == ["d1"] and not_yet == []
    assert outbox.claim(db, now=AT - timedelta(microseconds=1)) == []
    [event] = outbox.claim(db, now=AT)
    assert event.created_at == AT and event.payload == {"to": "sent"}
    with db.read() as conn:
        assert audit.verify(conn) == (1, [])  # the entry's stored time hashes as it was appended
    # The version-checked update writes only what changed and refuses a stale version.
    later = AT + timedelta(seconds=2)
    done = replace(doc, status=DocStatus.AUTHORIZED, updated_at=later, authorized_at=later, protocol="1" * 15,
                   version=5)
    with repo.unit_of_work() as uow:
        uow.update_document(done, expected_version=4, columns={"authorized_at", "protocol"})
    with pytest.raises(StaleDocument), repo.unit_of_work() as uow:
        uow.update_document(replace(done, version=6), expected_version=4, columns=())
    with repo.reader() as uow:
        stored = uow.get_document(None, id="d1")
    assert stored is not None and stored.status == DocStatus.AUTHORIZED and stored.authorized_at == later
    assert stored.signed_xml == b"<NFe/>" and stored.protocol == "1" * 15 and stored.version == 5


def _sent(doc_id: str, ref: str, emitter_id: str, number: int) -> DocumentRecord:
    return DocumentRecord(id=doc_id, tenant_id="t1", emitter_id=emitter_id, ref=ref, model=65, series=1,
                          status=DocStatus.SENT, created_at=AT, updated_at=AT, number=number,
                          chave=f"{number:044d}", signed_xml=b"<NFe/>", version=4)


def test_a_taken_ref_refuses_the_insert_with_its_lines_and_events(db: Database) -> None:
    """The unit of work may write the document with its lines and events in one statement (PostgreSQL):
    a taken ref still raises DuplicateRef inside the transaction and leaves nothing of the loser."""
    emitter_id = _emitter(db)
    repo = SqlEmissionRepository(db)
    with repo.unit_of_work() as uow:
        uow.insert_document(_sent("d1", "r1", emitter_id, 1))
    with pytest.raises(DuplicateRef), repo.unit_of_work() as uow:
        uow.insert_document(_sent("d2", "r1", emitter_id, 2))
        uow.add_histories([HistoryEntry("d2", AT, "received", "received"), HistoryEntry("d2", AT, "sent", "signed")])
        uow.add_outbox(OutboxMessage("nfe.status", "nfe.status:d2:4", {"to": "sent"}, AT, "t1"))
        uow.add_audit(AuditNote("apikey:k1", "document.emit", {}), now=AT.astimezone(UTC), tenant_id="t1",
                      target="document/d2", details={}, request_id=None)
    with repo.reader() as uow:
        assert uow.get_document(None, id="d2") is None and uow.history("d2") == []
        assert uow.outbox_topics("t1") == []
    with db.read() as conn:
        assert audit.verify(conn) == (0, [])


def test_every_statement_sees_the_writes_made_before_it_in_the_transaction(db: Database) -> None:
    emitter_id = _emitter(db)
    repo = SqlEmissionRepository(db)
    note = AuditNote("apikey:k1", "document.emit", {"role": "pdv"})
    with repo.unit_of_work() as uow:
        uow.insert_document(_sent("d1", "r1", emitter_id, 1))
        uow.add_histories([HistoryEntry("d1", AT, "received", "received"), HistoryEntry("d1", AT, "sent", "signed")])
        uow.add_outbox(OutboxMessage("nfe.status", "nfe.status:d1:4", {"to": "sent"}, AT, "t1"))
        uow.add_audit(note, now=AT.astimezone(UTC), tenant_id="t1", target="document/d1", details={"n": 1},
                      request_id="rid-1")
        seen = uow.get_document(None, id="d1", for_update=True)
        lines = [h.to_status for h in uow.history("d1")]
        assert seen is not None
        uow.update_document(replace(seen, status=DocStatus.AUTHORIZED, version=5), expected_version=4, columns=())
        uow.add_history(HistoryEntry("d1", AT, "authorized", "sent", 100, "autorizado", "rid-2"))
        uow.add_outbox(OutboxMessage("nfe.status", "nfe.status:d1:5", {"to": "authorized"}, AT, "t1"))
        uow.add_audit(note, now=AT.astimezone(UTC), tenant_id="t1", target="document/d1", details={"n": 2},
                      request_id="rid-2")
    assert lines == ["received", "sent"]
    with repo.reader() as uow:
        assert [h.to_status for h in uow.history("d1")] == ["received", "sent", "authorized"]
        assert [p["to"] for _, p in uow.outbox_topics("t1")] == ["sent", "authorized"]
        done = uow.get_document(None, id="d1")
    assert done is not None and done.status == DocStatus.AUTHORIZED and done.version == 5
    with db.read() as conn:
        assert audit.verify(conn) == (2, [])
        entries, _ = audit.query(conn, tenant_id="t1")
    assert [(e.seq, e.details["n"], e.request_id) for e in entries] == [(1, 1, "rid-1"), (2, 2, "rid-2")]


def test_concurrent_units_of_work_keep_one_linear_audit_chain(db: Database) -> None:
    """Writers of several threads (own connections, as the API's workers) each commit a document with its
    lines, event and audit entry as the transaction's last write: the chain verifies, nothing is lost."""
    import threading

    emitter_id = _emitter(db)
    repo = SqlEmissionRepository(db)
    note = AuditNote("apikey:k1", "document.emit", {"role": "pdv"})
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(8):
                doc_id, number = f"d{k}-{i}", k * 100 + i + 1
                with repo.unit_of_work() as uow:
                    uow.insert_document(_sent(doc_id, f"r{k}-{i}", emitter_id, number))
                    uow.add_histories([HistoryEntry(doc_id, AT, "received", "received"),
                                       HistoryEntry(doc_id, AT, "sent", "signed")])
                    uow.add_outbox(OutboxMessage("nfe.status", f"nfe.status:{doc_id}:4", {"to": "sent"}, AT, "t1"))
                    uow.add_audit(note, now=AT.astimezone(UTC), tenant_id="t1", target=f"document/{doc_id}",
                                  details={"number": number}, request_id=f"rid-{doc_id}")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as conn:
        assert audit.verify(conn) == (48, [])
        entries, _ = audit.query(conn, tenant_id="t1", limit=100)
    assert sorted(e.target or "" for e in entries) == sorted(f"document/d{k}-{i}" for k in range(6) for i in range(8))
    with repo.reader() as uow:
        assert len(uow.outbox_topics("t1")) == 48 and len(uow.history("d5-7")) == 2


def test_a_late_answer_for_a_document_another_worker_settled_keeps_its_outcome(db: Database) -> None:
    """The recovery worker authorized the document while the PDV's request still held its older version:
    the request's final write is refused by the version check (on PostgreSQL when its one statement runs,
    with nothing of it written), the row is re-read and returned as it is; its audit entry is still written,
    once; no second line or event."""
    from adapters.sefaz_transport import SystemClock
    from engine.emission import EmissionService
    from engine.emission.pipeline import _AuditDue
    from engine.sefaz.results import ProtocoloNFe

    emitter_id = _emitter(db)
    repo = SqlEmissionRepository(db)
    sent = _sent("d1", "r1", emitter_id, 1)
    with repo.unit_of_work() as uow:
        uow.insert_document(sent)
    service = EmissionService(repo, None, SystemClock())  # type: ignore[arg-type]  # no emitter needed here
    prot = ProtocoloNFe(cstat="100", xmotivo="Autorizado o uso da NF-e", chave=sent.chave or "", n_prot="1" * 15,
                        xml=b"<protNFe/>")
    by_worker = service._finish(sent, prot, request_id="worker")
    due = _AuditDue(AuditNote("apikey:k1", "document.emit", {"role": "pdv"}), "t1", "rid-pdv")
    late = service._finish(sent, prot, request_id="rid-pdv", audit=due)
    assert by_worker.status == late.status == DocStatus.AUTHORIZED and late.version == by_worker.version == 5
    assert due.written
    with repo.reader() as uow:
        assert [(h.to_status, h.request_id) for h in uow.history("d1")] == [("authorized", "worker")]
        assert [(p["from"], p["to"]) for _, p in uow.outbox_topics("t1")] == [("sent", "authorized")]
    with db.read() as conn:
        assert audit.verify(conn) == (1, [])
        [entry], _ = audit.query(conn, tenant_id="t1")
    assert entry.request_id == "rid-pdv" and entry.details["status"] == "authorized"
