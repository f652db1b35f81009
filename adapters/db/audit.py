"""The audit trail: append-only and hash-chained.

Every request that changed something and every state change appends one entry, in the same
transaction as the change. Entry ``seq`` (1, 2, 3, ...) carries

    entry_hash = SHA-256( prev_hash || "\\n" || canonical JSON of
                          {occurred_at, tenant_id, actor, request_id, action, target, details} )

where ``prev_hash`` is the previous entry's hash (64 zeros before the first) and the canonical JSON
has sorted keys, no blanks and UTF-8 text. ``audit_head`` (one row, created by the migration) holds
the last seq and hash: appends lock it (``SELECT ... FOR UPDATE``; BEGIN IMMEDIATE on SQLite), so the
chain is linear under concurrent writers, and removing the newest entries is detected too.

Appending locks the head row until commit, so every audited transaction of the service is
serialised from its append to its commit: append the entry as the LAST statement of the
transaction. On PostgreSQL an append is ONE statement (``append_ctes()`` + ``APPEND_INSERT``: lock the
head, move it, insert the entry; the server's ``sha256()`` hashes the same bytes as ``_hash``), so the
head is held for that statement and the COMMIT only; the emission's unit of work folds it into the
last statement of its transaction (adapters/db/documents.py). On SQLite the writer's BEGIN IMMEDIATE
already serialises writers: there the head is read, the hash computed here, the entry inserted.

The chain proves the log was not edited in place; someone able to rewrite the whole
table and the head could forge a new chain, so export ``audit_head.last_hash`` periodically (to a
ticket, an e-mail, a WORM bucket) as an external anchor.

``verify`` reports, per entry: ``ALTERADA`` (its content no longer matches its hash),
``REMOVIDA`` (an entry is missing: seq gap, chain link to an entry that no longer exists, or a
truncated tail), ``FORA_DE_ORDEM`` (it links to an entry that exists elsewhere in the sequence) and
``ENCADEAMENTO_QUEBRADO`` (its link matches nothing although no seq is missing: the previous entry
was rewritten together with its hash).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Dialect, Row, select

from adapters.db.engine import DriverSql, driver_time
from adapters.db.schema import audit_head, audit_log

GENESIS = "0" * 64

# Built once, run as driver SQL: an append is on the path of every audited request. SQLite (no FOR
# UPDATE): the writer's BEGIN IMMEDIATE already holds the database's write lock.
_READ_HEAD = DriverSql("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
_INSERT_ENTRY = DriverSql(
    "INSERT INTO audit_log (seq, occurred_at, tenant_id, actor, request_id, action, target, details, prev_hash, "
    "entry_hash) VALUES (:seq, :occurred_at, :tenant_id, :actor, :request_id, :action, :target, :details, "
    ":prev_hash, :entry_hash)"
)
_MOVE_HEAD = DriverSql("UPDATE audit_head SET last_seq = :last_seq, last_hash = :last_hash WHERE id = 1")

# PostgreSQL: lock the head (FOR UPDATE: a writer that waited re-reads the head its predecessor committed),
# move it and insert the entry in one statement. entry_hash = SHA-256(prev_hash || "\n" || content) as in
# ``_hash``: the server hashes the ASCII hex of prev_hash followed by ``:a_tail`` ("\n" + the canonical
# content, UTF-8 bytes made here), so the database encoding plays no part. Parameters ``a_*``; the parts
# are reused by adapters/db/documents.py inside a larger data-modifying WITH.
def append_ctes(condition: str = "") -> str:
    """The head's CTEs of an append; ``condition`` (SQL, e.g. ``EXISTS (SELECT 1 FROM w_upd)``): append
    only when it holds (the entry belongs to a write of the same statement)."""
    extra = f" AND {condition}" if condition else ""  # our own SQL, never input
    return (
        "a_head AS (SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE), "  # noqa: S608
        "a_moved AS (UPDATE audit_head AS h SET last_seq = a_head.last_seq + 1, "
        "last_hash = encode(sha256(convert_to(a_head.last_hash, 'UTF8') || :a_tail), 'hex') FROM a_head "
        f"WHERE h.id = 1{extra} RETURNING h.last_seq AS seq, a_head.last_hash AS prev_hash, "
        "h.last_hash AS entry_hash)"
    )


APPEND_INSERT = (
    "INSERT INTO audit_log (seq, occurred_at, tenant_id, actor, request_id, action, target, details, prev_hash, "
    "entry_hash) SELECT seq, :a_occurred_at, :a_tenant_id, :a_actor, :a_request_id, :a_action, :a_target, "
    ":a_details, prev_hash, entry_hash FROM a_moved RETURNING seq, prev_hash, entry_hash"
)
_APPEND_PG = DriverSql(f"WITH {append_ctes()} {APPEND_INSERT}")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


_INT64 = 1 << 63


def _plain(value: Any) -> bool:
    """Only JSON's own values: str, int (64-bit), bool, None, lists / tuples and str-keyed dicts of them,
    exact types. For these, msgspec's sorted-keys encoding is byte for byte ``canonical_json`` (the same
    escapes, key order and number text; tests/integration/db/test_audit_canonical.py), and a value read back
    from its canonical JSON encodes to the same text. Anything else (floats, Decimals, datetimes, enums,
    other keys) keeps the ``json`` path."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-_INT64 <= value < _INT64)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list or kind is tuple:
        return all(_plain(v) for v in value)
    return False


def _fast_canonical(value: Any) -> str:
    """``canonical_json`` of a ``_plain`` value (several times faster)."""
    return msgspec.json.encode(value, order="sorted").decode("utf-8")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    occurred_at: datetime
    tenant_id: str | None
    actor: str
    request_id: str | None
    action: str
    target: str | None
    details: Mapping[str, Any]
    prev_hash: str
    entry_hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "tenant_id": self.tenant_id,
            "actor": self.actor,
            "request_id": self.request_id,
            "action": self.action,
            "target": self.target,
            "details": dict(self.details),
            "prev_hash": self.prev_hash,
            "entry_hash": self.entry_hash,
        }


@dataclass(frozen=True, slots=True)
class AuditFinding:
    seq: int
    kind: str
    mensagem: str


def _content(occurred_at: datetime, tenant_id: str | None, actor: str, request_id: str | None, action: str,
             target: str | None, details: Any) -> str:
    """The canonical JSON an entry's hash covers (after its predecessor's hash and a newline)."""
    return canonical_json(
        {
            "occurred_at": occurred_at.isoformat(),
            "tenant_id": tenant_id,
            "actor": actor,
            "request_id": request_id,
            "action": action,
            "target": target,
            "details": details,
        }
    )


def _hash(prev_hash: str, occurred_at: datetime, tenant_id: str | None, actor: str, request_id: str | None,
          action: str, target: str | None, details_json: str) -> str:
    content = _content(occurred_at, tenant_id, actor, request_id, action, target, json.loads(details_json))
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def append_params(dialect: Dialect, *, now: datetime, actor: str, action: str, tenant_id: str | None,
                  target: str | None, details: Mapping[str, Any] | None, request_id: str | None,
                  time: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """The ``a_*`` parameters of ``append_ctes()`` / ``APPEND_INSERT`` (PostgreSQL) for one entry; ``time``:
    the dialect's ``driver_time`` when the caller holds it already."""
    plain = dict(details or {})
    fields = {"occurred_at": now.isoformat(), "tenant_id": tenant_id, "actor": actor, "request_id": request_id,
              "action": action, "target": target, "details": plain}
    if _plain(fields):  # the common case: the same bytes as below, without json's encoder and the read-back
        details_json, content = _fast_canonical(plain), _fast_canonical(fields)
    else:
        details_json = canonical_json(plain)
        # The hashed details are the stored text read back (json.loads), as ``verify`` recomputes them.
        content = _content(now, tenant_id, actor, request_id, action, target, json.loads(details_json))
    return {"a_tail": ("\n" + content).encode(), "a_occurred_at": (time or driver_time(dialect))(now),
            "a_tenant_id": tenant_id, "a_actor": actor, "a_request_id": request_id, "a_action": action,
            "a_target": target, "a_details": details_json}


def append(
    conn: Connection,
    *,
    now: datetime,
    actor: str,
    action: str,
    tenant_id: str | None = None,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's write transaction."""
    if conn.dialect.name == "postgresql":
        params = append_params(conn.dialect, now=now, actor=actor, action=action, tenant_id=tenant_id, target=target,
                               details=details, request_id=request_id)
        _count, row = _APPEND_PG.execute(conn, params)
        if row is None:  # pragma: no cover - the migration creates the head row
            raise RuntimeError("audit_head ausente: rode as migrações")
        return AuditEntry(int(row[0]), now, tenant_id, actor, request_id, action, target,
                          json.loads(params["a_details"]), str(row[1]), str(row[2]))
    details_json = canonical_json(dict(details or {}))
    # Round-trip through the canonical JSON so the stored and hashed forms are the same values.
    details_value = json.loads(details_json)
    _count, head = _READ_HEAD.execute(conn, {})
    if head is None:  # pragma: no cover - the migration creates the head row
        raise RuntimeError("audit_head ausente: rode as migrações")
    last_seq, last_hash = int(head[0]), str(head[1])
    seq = last_seq + 1
    entry_hash = _hash(last_hash, now, tenant_id, actor, request_id, action, target, details_json)
    _INSERT_ENTRY.execute(conn, {
        "seq": seq, "occurred_at": driver_time(conn.dialect)(now), "tenant_id": tenant_id, "actor": actor,
        "request_id": request_id, "action": action, "target": target, "details": details_json,
        "prev_hash": last_hash, "entry_hash": entry_hash,
    })
    _MOVE_HEAD.execute(conn, {"last_seq": seq, "last_hash": entry_hash})
    return AuditEntry(seq, now, tenant_id, actor, request_id, action, target, details_value, last_hash,
                      entry_hash)


def _entry(row: Row[Any]) -> AuditEntry:
    m = row._mapping
    return AuditEntry(
        seq=int(m["seq"]), occurred_at=m["occurred_at"], tenant_id=m["tenant_id"], actor=m["actor"],
        request_id=m["request_id"], action=m["action"], target=m["target"], details=json.loads(m["details"]),
        prev_hash=m["prev_hash"], entry_hash=m["entry_hash"],
    )


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{seq}".encode()).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The seq after which the next page starts; ValueError for a cursor we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("cursor inválido") from exc
    kind, _, number = raw.partition(":")
    if kind != "audit" or not number.isdigit():
        raise ValueError("cursor inválido")
    return int(number)


def query(
    conn: Connection,
    *,
    tenant_id: str,
    after_seq: int = 0,
    limit: int = 50,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[AuditEntry], str | None]:
    """One page of the tenant's entries in seq order, and the cursor of the next page (or None)."""
    stmt = select(audit_log).where(audit_log.c.tenant_id == tenant_id, audit_log.c.seq > after_seq)
    if action:
        stmt = stmt.where(audit_log.c.action == action)
    if actor:
        stmt = stmt.where(audit_log.c.actor == actor)
    if target:
        stmt = stmt.where(audit_log.c.target == target)
    if since:
        stmt = stmt.where(audit_log.c.occurred_at >= since)
    if until:
        stmt = stmt.where(audit_log.c.occurred_at < until)
    rows = conn.execute(stmt.order_by(audit_log.c.seq).limit(limit + 1)).all()
    entries = [_entry(r) for r in rows[:limit]]
    next_cursor = encode_cursor(entries[-1].seq) if len(rows) > limit else None
    return entries, next_cursor


def _rows(conn: Connection, batch: int = 1000) -> Iterator[Row[Any]]:
    last = 0
    while True:
        stmt = select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
        rows = conn.execute(stmt).all()
        if not rows:
            return
        yield from rows
        last = int(rows[-1].seq)


def verify(conn: Connection) -> tuple[int, list[AuditFinding]]:
    """Check the whole chain; returns (entries checked, findings in seq order; empty = intact)."""
    findings: list[AuditFinding] = []
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for row in _rows(conn):
        checked += 1
        seq = int(row.seq)
        recomputed = _hash(row.prev_hash, row.occurred_at, row.tenant_id, row.actor, row.request_id, row.action,
                           row.target, row.details)
        if recomputed != row.entry_hash:
            mensagem = f"a entrada {seq} foi alterada: o hash do conteúdo não confere"
            findings.append(AuditFinding(seq, "ALTERADA", mensagem))
        elif row.prev_hash != expected_prev:
            linked = conn.execute(select(audit_log.c.seq).where(audit_log.c.entry_hash == row.prev_hash)).scalar()
            if linked is not None and int(linked) != seq:
                findings.append(AuditFinding(
                    seq, "FORA_DE_ORDEM", f"a entrada {seq} está fora de ordem: ela encadeia com a entrada {linked}"))
            elif seq > expected_seq or (row.prev_hash == GENESIS and expected_seq > 1):
                first_missing = expected_seq if seq > expected_seq else 1
                findings.append(AuditFinding(
                    first_missing, "REMOVIDA", f"a entrada {first_missing} foi removida (a entrada {seq} não encadeia "
                    "com a anterior)"))
            else:
                findings.append(AuditFinding(
                    seq, "ENCADEAMENTO_QUEBRADO",
                    f"a entrada {seq} não encadeia com a entrada {seq - 1}: a anterior foi reescrita com novo hash"))
        elif seq != expected_seq:
            findings.append(AuditFinding(seq, "SEQUENCIA", f"a entrada {seq} deveria ter o número {expected_seq}"))
        expected_prev, expected_seq = row.entry_hash, seq + 1
    head = conn.execute(select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == 1)).one()
    if int(head.last_seq) >= expected_seq:
        findings.append(AuditFinding(
            expected_seq, "REMOVIDA", f"a entrada {expected_seq} foi removida: o registro termina na entrada "
            f"{expected_seq - 1}, mas a última gravada foi a {head.last_seq}"))
    elif int(head.last_seq) == expected_seq - 1 and head.last_hash != expected_prev and checked:
        findings.append(AuditFinding(
            expected_seq - 1, "ALTERADA", f"a entrada {expected_seq - 1} não é a última gravada (hash final diverge)"))
    return checked, findings
