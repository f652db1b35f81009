"""One sync run of a connector: push pending records (one-way), or plan and apply a two-way sync
with conflict detection; the result is the run log plus what changed for each record, for the
adapter to store in one transaction. The clock is passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.integrations.conflicts import Cursor, fingerprint, plan_two_way
from engine.integrations.connectors.base import Connector, RecordFailure
from engine.integrations.model import ConnectorFailure, Direction
from engine.integrations.runlog import RunLog, Trigger


@dataclass(frozen=True, slots=True)
class RecordState:
    key: str
    payload: Mapping[str, Any]
    # pendente | enviado | sincronizado | erro | conflito, or a conflict settled by the user:
    # manter_ortho (push ours over theirs) | manter_externo (receive theirs over ours)
    status: str = "pendente"
    remote_id: str | None = None
    synced_local_fp: str | None = None
    synced_remote_fp: str | None = None


@dataclass(slots=True)
class RecordUpdate:
    status: str
    remote_id: str | None = None
    synced_local_fp: str | None = None
    synced_remote_fp: str | None = None
    error: str | None = None
    payload: Mapping[str, Any] | None = None  # set when the remote version was received


@dataclass(slots=True)
class RunResult:
    log: RunLog
    updates: dict[str, RecordUpdate] = field(default_factory=dict)
    # Called after each pushed record, so the caller can store it at once: a crash in the middle
    # of a run then re-sends at most the record in flight, not the whole run.
    progress: Callable[[str, RecordUpdate], None] | None = None

    def set(self, key: str, update: RecordUpdate) -> None:
        self.updates[key] = update
        if self.progress is not None:
            self.progress(key, update)


def run(connector: Connector, records: Sequence[RecordState], *, direction: Direction, trigger: Trigger,
        clock: Callable[[], datetime], progress: Callable[[str, RecordUpdate], None] | None = None) -> RunResult:
    started = clock()
    log = RunLog(started_at=started, finished_at=started, trigger=trigger)
    result = RunResult(log, progress=progress)
    try:
        if direction is Direction.TWO_WAY:
            _two_way(connector, records, result)
        else:
            _one_way(connector, records, result)
    except ConnectorFailure as exc:
        log.failed = True
        log.errors.append(exc.error)
    log.finished_at = clock()
    return result


def _push(connector: Connector, rec: RecordState, result: RunResult) -> None:
    try:
        pushed = connector.push(rec.key, rec.payload, rec.remote_id)
    except RecordFailure as exc:
        result.log.errors.append(exc.error)
        # A retryable refusal (rate limit, provider instability) stays pending for the next run; any
        # other waits for the record to change (queueing it again re-arms it).
        status = "pendente" if exc.error.retryable else "erro"
        result.set(rec.key, RecordUpdate(status, rec.remote_id, rec.synced_local_fp, rec.synced_remote_fp,
                                         exc.error.mensagem))
        return
    result.log.sent += 1
    local_fp = fingerprint(connector.comparable(rec.payload))
    remote_fp = fingerprint(pushed.remote) if pushed.remote is not None else None
    result.set(rec.key, RecordUpdate("enviado", pushed.remote_id or rec.remote_id, local_fp, remote_fp))


def _one_way(connector: Connector, records: Sequence[RecordState], result: RunResult) -> None:
    for rec in records:
        if rec.status == "pendente":
            _push(connector, rec, result)


def _two_way(connector: Connector, records: Sequence[RecordState], result: RunResult) -> None:
    remote_by_id = connector.pull()
    prefix = connector.entry.id + ":"
    by_key = {r.key: r for r in records}
    key_of_remote = {r.remote_id: r.key for r in records if r.remote_id}
    local = {r.key: connector.comparable(r.payload) for r in records}
    remote: dict[str, Mapping[str, Any]] = {}
    remote_ids: dict[str, str] = {}
    for rid, data in remote_by_id.items():
        key = key_of_remote.get(rid, prefix + rid)
        remote[key], remote_ids[key] = data, rid
    # A record of ours already pushed whose remote was deleted: push again (recreate), not a pull.
    cursors = {r.key: Cursor(r.synced_local_fp, r.synced_remote_fp) for r in records
               if r.synced_local_fp and r.synced_remote_fp}
    # Conflicts the user settled are applied as chosen, outside the plan.
    for rec in records:
        if rec.status == "manter_ortho":
            local.pop(rec.key, None)
            remote.pop(rec.key, None)
            _push(connector, rec if rec.remote_id in remote_by_id else RecordState(rec.key, rec.payload), result)
        elif rec.status == "manter_externo" and rec.key in remote:
            local.pop(rec.key, None)
            data = remote.pop(rec.key)
            fp = fingerprint(data)
            result.log.received += 1
            result.updates[rec.key] = RecordUpdate("sincronizado", remote_ids[rec.key], fp, fp, payload=dict(data))
    plan = plan_two_way(local, remote, cursors)
    for key in plan.push:
        rec = by_key[key]
        if rec.remote_id and rec.remote_id not in remote_by_id:
            rec = RecordState(rec.key, rec.payload, rec.status)
        _push(connector, rec, result)
    for key in plan.pull:
        data = remote[key]
        fp = fingerprint(data)
        result.log.received += 1
        result.updates[key] = RecordUpdate("sincronizado", remote_ids[key], fp, fp, payload=dict(data))
    for c in plan.conflicts:
        result.log.conflicts.append({"key": c.key, "fields": c.fields()})
        rec = by_key[c.key]
        result.updates[c.key] = RecordUpdate("conflito", remote_ids.get(c.key) or rec.remote_id,
                                             rec.synced_local_fp, rec.synced_remote_fp,
                                             "alterado no Ortho+ e no sistema externo desde a última sincronização")
    for key in plan.in_sync:
        fp = fingerprint(local[key])
        if by_key[key].synced_local_fp != fp or by_key[key].status != "sincronizado":
            result.updates[key] = RecordUpdate("sincronizado", remote_ids[key], fp, fp)
