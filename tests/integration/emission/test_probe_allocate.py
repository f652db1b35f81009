"""``probe_and_allocate``: the emission's probe and its number in one call (one statement on PostgreSQL,
two on SQLite) - a free ref takes the series' next number, a taken ref takes none, the mode is the one
stored, and an exhausted series is refused with the increment rolled back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from adapters.db.numbering import MAX_NUMBER, NumberingExhausted, peek_next_number
from adapters.db.schema import numbering
from engine.emission import DocStatus
from engine.emission.records import Mode, ModeState
from tests.integration.emission.conftest import Env


def test_a_free_ref_takes_the_next_number_of_its_series(env: Env) -> None:
    got = []
    for ref in ("p1", "p2"):
        with env.repo.unit_of_work() as uow:
            got.append(uow.probe_and_allocate(env.tenant_id, ref, env.emitter_id, 65, env.cnpj, 7))
    assert got == [(None, ModeState(env.emitter_id, 65), 1), (None, ModeState(env.emitter_id, 65), 2)]
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, 7) == 3
        assert peek_next_number(conn, env.cnpj, 55, 7) is None  # other model untouched


def test_a_taken_ref_returns_its_document_and_takes_no_number(env: Env) -> None:
    doc = env.service.emit(env.request("taken")).document
    assert doc.status == DocStatus.AUTHORIZED and doc.number == 1
    with env.repo.unit_of_work() as uow:
        existing, state, number = uow.probe_and_allocate(env.tenant_id, "taken", env.emitter_id, 65, env.cnpj,
                                                         doc.series)
    assert (existing, state.mode, number) == (doc.id, Mode.NORMAL, None)
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, doc.series) == 2  # no gap opened by the probe


def test_the_stored_mode_comes_with_the_number(env: Env) -> None:
    since = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    offline = ModeState(env.emitter_id, 65, Mode.OFFLINE, since, "SEFAZ sem resposta", 3000)
    with env.repo.unit_of_work() as uow:
        uow.set_mode(offline, now=since)
    with env.repo.unit_of_work() as uow:
        existing, state, number = uow.probe_and_allocate(env.tenant_id, "m1", env.emitter_id, 65, env.cnpj, 1)
    assert (existing, state, number) == (None, offline, 1)


def test_an_exhausted_series_is_refused_and_rolled_back(env: Env) -> None:
    with env.repo.unit_of_work() as uow:
        uow.probe_and_allocate(env.tenant_id, "x1", env.emitter_id, 65, env.cnpj, 3)
    key = (numbering.c.cnpj == env.cnpj) & (numbering.c.model == 65) & (numbering.c.series == 3)
    with env.db.write() as conn:
        conn.execute(update(numbering).where(key).values(next_number=MAX_NUMBER + 1))
    with pytest.raises(NumberingExhausted), env.repo.unit_of_work() as uow:
        uow.probe_and_allocate(env.tenant_id, "x2", env.emitter_id, 65, env.cnpj, 3)
    with env.db.read() as conn:
        assert peek_next_number(conn, env.cnpj, 65, 3) == MAX_NUMBER + 1
