"""The optimistic start of an emission (``peek_emission`` + ``claim_number``): the series' next number is read
without a lock, the document built and signed outside any transaction, and stored by one write that claims
the number only if it is still the next one. When another emission took it in between, nothing of that
write is left and the number is taken under the series' lock instead; when another request stored the
same ref in between, the write fails as a whole (its claim included) and the PDV gets that document. Both
on SQLite and PostgreSQL (one statement in autocommit mode there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.db import audit
from adapters.db.emitters import update_emitter
from adapters.db.numbering import MAX_NUMBER, NumberingExhausted, peek_next_number
from adapters.db.schema import certificate, numbering
from engine.emission import AuditNote, DocStatus, DocumentFilter, EmissionService, NumberTaken
from engine.errors import ConfigurationError
from tests.integration.emission.conftest import MASTER, Env

NOTE = AuditNote(actor="apikey:k1", action="document.emit", details={"role": "pdv"})


class _PeekThenInterleave:
    """The emission repository, letting ``meanwhile`` run right after the first peek: what another API worker
    could do between the peek and the write."""

    def __init__(self, inner: Any, meanwhile: Callable[[], object]) -> None:
        self.inner, self.meanwhile, self.peeks = inner, meanwhile, 0

    def peek_emission(self, *args: Any, **kwargs: Any) -> Any:
        got = self.inner.peek_emission(*args, **kwargs)
        self.peeks += 1
        if self.peeks == 1:
            self.meanwhile()
        return got

    def unit_of_work(self) -> Any:
        return self.inner.unit_of_work()

    def reader(self) -> Any:
        return self.inner.reader()


def _series_numbers(env: Env) -> list[int]:
    with env.repo.reader() as uow:
        docs = uow.list_documents(DocumentFilter(env.tenant_id, limit=100))
    return sorted(d.number for d in docs if d.number is not None)


def test_peek_reads_the_ref_the_mode_and_the_next_number_without_taking_it(env: Env) -> None:
    first = env.service.emit(env.request("o-1")).document
    assert env.repo.peek_emission(env.tenant_id, "o-1", env.emitter_id, 65, env.cnpj, first.series)[0] == first.id
    existing, state, number, stamp = env.repo.peek_emission(env.tenant_id, "o-2", env.emitter_id, 65, env.cnpj,
                                                            first.series)
    assert (existing, state.mode.value, number) == (None, "normal", 2)
    cached = env.directory.cached(env.tenant_id, env.emitter_id)
    assert cached is not None and stamp == cached[1]  # what the emission compares before using its cached context
    assert env.repo.peek_emission("other-tenant", "o-2", env.emitter_id, 65, env.cnpj, first.series)[3] is None
    assert env.repo.peek_emission(env.tenant_id, "o-2", env.emitter_id, 65, env.cnpj, 77)[2] is None  # never used
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, first.series) == 2  # nothing taken by peeking


def test_a_number_taken_in_between_falls_back_to_the_lock_and_leaves_no_gap(env: Env) -> None:
    env.service.emit(env.request("o-first"))  # the series exists: the next emission is optimistic
    other: list[Any] = []
    repo = _PeekThenInterleave(env.repo, lambda: other.append(env.service.emit(env.request("o-between")).document))
    racing = EmissionService(repo, env.directory, env.service.clock)
    doc = racing.emit(replace(env.request("o-mine"), audit=NOTE)).document
    assert other[0].number == 2  # took the number this emission had peeked and signed with
    assert doc.status == DocStatus.AUTHORIZED and doc.number == 3
    assert _series_numbers(env) == [1, 2, 3]
    with env.repo.reader() as uow:
        assert [h.to_status for h in uow.history(doc.id)] == ["received", "numbered", "signed", "sent", "authorized"]
        # one nfe.status event per committed transition of each document, none from the failed claim
        assert [p["document_id"] for _, p in uow.outbox_topics(env.tenant_id)].count(doc.id) == 2
    with env.db.read() as conn:
        count, problems = audit.verify(conn)
    assert problems == [] and count == 1  # the emission's audit entry, once
    assert [d["chNFe"] for d in env.sim.documents(env.cnpj)][-1] == doc.chave  # the chave of number 3 was sent


def test_the_same_ref_stored_in_between_is_replayed_and_takes_no_number(env: Env) -> None:
    env.service.emit(env.request("o-first"))
    other: list[Any] = []
    repo = _PeekThenInterleave(env.repo, lambda: other.append(env.service.emit(env.request("o-dup")).document))
    racing = EmissionService(repo, env.directory, env.service.clock)
    out = racing.emit(env.request("o-dup"))  # the PDV's retry, racing its own first request
    assert not out.created and out.document.id == other[0].id and out.document.number == 2
    assert _series_numbers(env) == [1, 2]
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, out.document.series) == 3  # the failed write gave nothing back
    assert len(env.sim.documents(env.cnpj)) == 2


def test_claim_number_refuses_a_number_that_is_not_the_next(env: Env) -> None:
    first = env.service.emit(env.request("o-first")).document
    with pytest.raises(NumberTaken), env.repo.unit_of_work() as uow:
        uow.claim_number(env.cnpj, 65, first.series, 1)  # already given
        uow.insert_document(replace(first, id="x" * 32, ref="o-stale", number=1, chave=None))
    with env.repo.reader() as uow:
        assert uow.get_document(env.tenant_id, ref="o-stale") is None
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, first.series) == 2


def test_an_exhausted_series_is_refused_by_the_peek(env: Env) -> None:
    first = env.service.emit(env.request("o-first")).document
    key = (numbering.c.cnpj == env.cnpj) & (numbering.c.model == 65) & (numbering.c.series == first.series)
    with env.db.write() as conn:
        conn.execute(numbering.update().where(key).values(next_number=MAX_NUMBER + 1))
    with pytest.raises(NumberingExhausted):
        env.repo.peek_emission(env.tenant_id, "o-x", env.emitter_id, 65, env.cnpj, first.series)


def test_the_cached_configuration_is_used_only_while_the_peek_reads_its_stamp(env: Env,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An emission reads no stamp of its own: the peek's fresh read of (version, active certificate) decides
    whether the configuration cached in memory is still the emitter's; a change committed meanwhile by
    another worker is read again before anything is built with it."""
    import adapters.sefaz_wiring as wiring

    stamps: list[str] = []
    real_stamp = wiring.emitter_stamp
    monkeypatch.setattr(wiring, "emitter_stamp", lambda db, t, e: stamps.append(e) or real_stamp(db, t, e))
    env.service.emit(env.request("c-1"))
    assert stamps == [env.emitter_id]  # first use: read and cached
    env.service.emit(env.request("c-2"))
    assert stamps == [env.emitter_id]  # unchanged: the peek's stamp matched, no read of its own
    cached = env.directory.cached(env.tenant_id, env.emitter_id)
    assert cached is not None
    renamed = cached[0].emitente.model_copy(update={"razao_social": "CLINICA RENOMEADA NO OUTRO WORKER LTDA"})
    with env.db.write() as conn:  # another API worker's change
        update_emitter(conn, tenant_id=env.tenant_id, emitter_id=env.emitter_id, emitente=renamed, keyring=MASTER,
                       now=datetime.now(UTC))
    doc = env.service.emit(env.request("c-3")).document
    assert stamps == [env.emitter_id, env.emitter_id]  # the stale stamp made it read the configuration again
    assert doc.status == DocStatus.AUTHORIZED and doc.signed_xml is not None
    assert b"<xNome>CLINICA RENOMEADA NO OUTRO WORKER LTDA</xNome>" in doc.signed_xml
    with env.db.write() as conn:  # the certificate switched off by another worker: refused, nothing numbered
        conn.execute(certificate.update().where(certificate.c.emitter_id == env.emitter_id).values(active=False))
    with pytest.raises(ConfigurationError, match="não tem certificado A1 ativo"):
        env.service.emit(env.request("c-4"))
    assert _series_numbers(env) == [1, 2, 3]


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_concurrent_emissions_of_one_series_get_gap_free_unique_numbers(env: Env) -> None:
    """Eight PDVs of one emitter and series at once, four sales each: the peeks collide, the lost claims fall
    back to the series' lock, and the numbers are 1..33 exactly, each once, every document authorized."""
    env.service.emit(env.request("g-first"))
    docs = [d for batch in _in_threads(8, lambda i: [env.service.emit(env.request(f"g-{i}-{k}")).document
                                                     for k in range(4)]) for d in batch]
    assert all(d.status == DocStatus.AUTHORIZED for d in docs)
    assert _series_numbers(env) == list(range(1, 34))
    assert len({d.chave for d in docs}) == 32 and len(env.sim.documents(env.cnpj)) == 33


def test_concurrent_retries_of_one_ref_on_a_used_series_make_one_document(env: Env) -> None:
    env.service.emit(env.request("r-first"))
    outcomes = _in_threads(6, lambda i: env.service.emit(env.request("r-same")))
    assert len({o.document.id for o in outcomes}) == 1 and sum(o.created for o in outcomes) == 1
    assert _series_numbers(env) == [1, 2]
    assert env.service.emit(env.request("r-next")).document.number == 3  # nothing was taken by the losers
