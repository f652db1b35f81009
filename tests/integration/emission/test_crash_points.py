"""A crash between any two statements of an emission: what is left behind is either nothing (the first
transaction numbers, builds, signs and stores at once) or a committed 'sent' document whose bytes the
recovery worker resolves by consulting its chave first. The crash is injected into the unit of work
(the process dies in the middle of a transaction: it is rolled back), SEFAZ is the real simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.db import audit
from engine.emission import AuditNote, DocStatus, EmissionService
from tests.integration.emission.conftest import Env


class Crash(BaseException):
    """The process dies: nothing after this line runs and no except clause of the pipeline catches it."""


class _CrashingUnitOfWork:
    def __init__(self, inner: Any, plan: CrashingRepository) -> None:
        self._inner, self._plan = inner, plan

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name != self._plan.method:
            return attr

        def crash_on_nth(*args: Any, **kwargs: Any) -> Any:
            self._plan.calls += 1
            if self._plan.calls == self._plan.nth:
                raise Crash(name)
            return attr(*args, **kwargs)

        return crash_on_nth


class CrashingRepository:
    """The emission repository, dying at the ``nth`` call of ``method`` inside a write transaction.
    ``method="commit"``: the ``nth`` write transaction dies after ALL its statements ran (the writes the
    PostgreSQL unit of work holds for its last statement included, run here inside the transaction),
    right before COMMIT. (In service, an NFC-e's final transaction on PostgreSQL is that one statement in
    autocommit mode: it commits with the statement or not at all.)"""

    def __init__(self, inner: Any, method: str, nth: int = 1) -> None:
        self.inner, self.method, self.nth, self.calls = inner, method, nth, 0

    @contextmanager
    def unit_of_work(self) -> Iterator[Any]:
        with self.inner.unit_of_work() as uow:
            yield _CrashingUnitOfWork(uow, self)
            if self.method == "commit":
                self.calls += 1
                if self.calls == self.nth:
                    uow.flush()  # every statement of the transaction has run
                    raise Crash("commit")

    def reader(self) -> Any:
        return self.inner.reader()

    def peek_emission(self, *args: Any, **kwargs: Any) -> Any:  # a read outside any transaction
        return self.inner.peek_emission(*args, **kwargs)


NOTE = AuditNote(actor="apikey:k1", action="document.emit", details={"role": "pdv"})


@pytest.mark.parametrize(("method", "nth"), [
    ("probe_and_allocate", 1),  # the first statement (probe + number, one statement on PostgreSQL)
    ("insert_document", 1),  # numbered (the number taken in this transaction), built and signed, not stored
    ("add_histories", 1),
    ("add_outbox", 1),
    ("commit", 1),  # every statement of the first transaction ran, COMMIT did not
])
def test_crash_inside_the_first_transaction_leaves_nothing_and_takes_no_number(env: Env, method: str,
                                                                                nth: int) -> None:
    crashing = EmissionService(CrashingRepository(env.repo, method, nth), env.directory, env.service.clock)
    with pytest.raises(Crash):
        crashing.emit(env.request("crash-t1"))
    with env.repo.reader() as uow:
        assert uow.get_document(env.tenant_id, ref="crash-t1") is None
        assert uow.outbox_topics(env.tenant_id) == []
    assert env.sim.documents(env.cnpj) == []  # nothing was sent
    # The PDV's retry of the same ref takes number 1: the crashed transaction gave it back (no gap).
    doc = env.service.emit(env.request("crash-t1")).document
    assert doc.status == DocStatus.AUTHORIZED and doc.number == 1
    with env.repo.reader() as uow:
        assert [h.to_status for h in uow.history(doc.id)] == ["received", "numbered", "signed", "sent", "authorized"]


@pytest.mark.parametrize("method", ["claim_number", "insert_document", "add_histories", "add_outbox", "commit"])
def test_crash_in_the_optimistic_first_transaction_leaves_nothing_and_takes_no_number(env: Env, method: str) -> None:
    """A series already used: the number is peeked without a lock, the document built and signed outside any
    transaction, and the claim of the number written with the document (one statement on PostgreSQL)."""
    first = env.service.emit(env.request("crash-t3-first")).document
    assert first.number == 1
    crashing = EmissionService(CrashingRepository(env.repo, method, 1), env.directory, env.service.clock)
    with pytest.raises(Crash):
        crashing.emit(env.request("crash-t3"))
    with env.repo.reader() as uow:
        assert uow.get_document(env.tenant_id, ref="crash-t3") is None
        assert [p["document_id"] for _, p in uow.outbox_topics(env.tenant_id)] == [first.id, first.id]
    assert len(env.sim.documents(env.cnpj)) == 1  # only the first one was sent
    doc = env.service.emit(env.request("crash-t3")).document
    assert doc.status == DocStatus.AUTHORIZED and doc.number == 2  # the crashed claim gave number 2 back


@pytest.mark.parametrize(("method", "nth"), [
    ("update_document", 1),  # the first statement of the final transaction
    ("add_histories", 2),  # the first call was the first transaction's
    ("add_outbox", 2),
    ("add_audit", 1),
    ("commit", 2),  # every statement of the final transaction ran (the audit entry too), COMMIT did not
])
def test_crash_inside_the_final_transaction_is_recovered_by_consulting_the_chave(env: Env, method: str,
                                                                                 nth: int) -> None:
    crashing = EmissionService(CrashingRepository(env.repo, method, nth), env.directory, env.service.clock)
    request = replace(env.request("crash-t2"), audit=NOTE)
    with pytest.raises(Crash):
        crashing.emit(request)
    with env.repo.reader() as uow:
        left = uow.get_document(env.tenant_id, ref="crash-t2")
        topics = uow.outbox_topics(env.tenant_id)
    assert left is not None and left.status == DocStatus.SENT and left.signed_xml is not None
    assert [(p["from"], p["to"]) for _, p in topics] == [(None, "sent")]
    with env.db.read() as conn:  # the audit entry went back with its transaction, head included
        assert audit.verify(conn) == (0, [])
    [at_sefaz] = env.sim.documents(env.cnpj)  # SEFAZ authorized it; the answer died with the process
    # The PDV's retry gets the stored document (no second number, nothing re-sent)...
    replay = env.service.emit(env.request("crash-t2"))
    assert not replay.created and replay.document.id == left.id and replay.document.number == 1
    # ...and the worker resolves it by consulta: the protocol of the identical bytes.
    report = env.service.recover_pending(datetime.now(UTC))
    assert report.resolved == [left.id], report.failures
    with env.repo.reader() as uow:
        doc = uow.get_document(env.tenant_id, ref="crash-t2")
    assert doc is not None and doc.status == DocStatus.AUTHORIZED and doc.signed_xml == left.signed_xml
    assert at_sefaz["chNFe"] == doc.chave and at_sefaz["nProt"] == doc.protocol
    assert len(env.sim.documents(env.cnpj)) == 1
