"""Two-way planning: pushes, pulls, conflicts (changed on both sides since the last sync) and the
runner applying a plan through a fake connector."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.integrations.catalog import entry
from engine.integrations.conflicts import Cursor, fingerprint, plan_two_way
from engine.integrations.connectors.base import Pushed, RecordFailure
from engine.integrations.model import ConnectorFailure, Direction, ProviderError
from engine.integrations.runlog import Trigger
from engine.integrations.runner import RecordState, run

A = {"valor": "10.00", "vencimento": "2026-12-20"}
B = {"valor": "20.00", "vencimento": "2026-12-20"}
C = {"valor": "30.00", "vencimento": "2026-12-20"}


def _cur(local: Mapping[str, Any], remote: Mapping[str, Any]) -> Cursor:
    return Cursor(fingerprint(local), fingerprint(remote))


def test_plan_covers_every_case() -> None:
    local = {"only-here": A, "here-changed": B, "there-changed": A, "both-same": B, "both-diff": B, "new-diff": A,
             "untouched": A}
    remote = {"only-there": A, "here-changed": A, "there-changed": B, "both-same": B, "both-diff": C, "new-diff": B,
              "untouched": A}
    cursors = {k: _cur(A, A) for k in ("here-changed", "there-changed", "both-same", "both-diff", "untouched")}
    plan = plan_two_way(local, remote, cursors)
    assert plan.push == ["here-changed", "only-here"]
    assert plan.pull == ["only-there", "there-changed"]
    assert [c.key for c in plan.conflicts] == ["both-diff", "new-diff"]
    assert plan.conflicts[0].fields() == ["valor"]
    assert plan.in_sync == ["both-same", "untouched"]


def test_fingerprint_ignores_key_order() -> None:
    assert fingerprint({"a": 1, "b": "x"}) == fingerprint({"b": "x", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


class FakeConnector:
    entry = entry("bling")

    def __init__(self, remote: dict[str, dict[str, Any]], refuse: set[str] | None = None,
                 down: bool = False) -> None:
        self.remote, self.refuse, self.down, self.pushed = remote, refuse or set(), down, []

    def test_connection(self) -> str:
        return "ok"

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        if self.down:
            raise ConnectorFailure(ProviderError("AUTENTICACAO_X", "Token expirado", "Renovar token"))
        if key in self.refuse:
            raise RecordFailure(ProviderError("BLING_VALIDACAO", "valor inválido", "Corrigir", record=key))
        rid = remote_id or f"r-{key}"
        self.remote[rid] = dict(record)
        self.pushed.append(key)
        return Pushed(rid, dict(record))

    def pull(self) -> dict[str, Mapping[str, Any]]:
        if self.down:
            raise ConnectorFailure(ProviderError("AUTENTICACAO_X", "Token expirado", "Renovar token"))
        return {k: dict(v) for k, v in self.remote.items()}

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return dict(record)

    def updated_credentials(self) -> dict[str, str] | None:
        return None


def _clock() -> Any:
    t = [datetime(2026, 12, 4, 12, 0, tzinfo=UTC)]

    def now() -> datetime:
        t[0] += timedelta(milliseconds=400)
        return t[0]
    return now


def test_runner_two_way_pushes_pulls_and_reports_conflicts() -> None:
    fa = fingerprint(A)
    fake = FakeConnector({"r-k1": dict(A), "r-k2": dict(C), "r-new": dict(B)})
    records = [RecordState("k1", B, "enviado", "r-k1", fa, fa),   # changed here only -> push
               RecordState("k2", B, "enviado", "r-k2", fa, fa),   # changed on both -> conflict
               RecordState("k3", A)]                              # new here -> push
    result = run(fake, records, direction=Direction.TWO_WAY, trigger=Trigger.MANUAL, clock=_clock())
    assert fake.pushed == ["k1", "k3"]
    assert result.log.sent == 2 and result.log.received == 1
    assert result.log.conflicts == [{"key": "k2", "fields": ["valor"]}]
    assert result.updates["k2"].status == "conflito" and fake.remote["r-k2"] == C  # never overwritten
    assert result.updates["bling:r-new"].payload == B
    assert result.log.outcome.value == "parcial" and result.log.duration_ms > 0


def test_runner_one_way_record_errors_and_run_failure() -> None:
    fake = FakeConnector({}, refuse={"bad"})
    records = [RecordState("ok", A), RecordState("bad", B), RecordState("done", C, "enviado")]
    result = run(fake, records, direction=Direction.ONE_WAY, trigger=Trigger.BATCH, clock=_clock())
    assert fake.pushed == ["ok"] and result.updates["bad"].status == "erro"
    assert [e.record for e in result.log.errors] == ["bad"] and not result.log.failed
    down = run(FakeConnector({}, down=True), records, direction=Direction.ONE_WAY, trigger=Trigger.BATCH,
               clock=_clock())
    assert down.log.failed and down.log.outcome.value == "falha" and down.log.errors[0].acao == "Renovar token"
