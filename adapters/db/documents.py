"""The emission repository over the SQLAlchemy schema (engine.ports.EmissionRepository), SQLite and
PostgreSQL.

``unit_of_work()`` is one ``Database.write()`` transaction (BEGIN IMMEDIATE on SQLite): a state change,
its ``document_event`` line and its ``outbox`` row commit together or not at all. Idempotency by
``ref``: the unique constraint (tenant_id, ref) is the arbiter (INSERT ... ON CONFLICT (tenant_id,
ref) DO NOTHING RETURNING); a taken ref becomes ``DuplicateRef`` and the caller re-reads in a new
transaction (the failed one, with its number, is rolled back). Updates check the row ``version``
(optimistic concurrency between API and worker).

Cost: this is the hot path of POST /v1/nfce. Its statements are written once and run as driver SQL on
the connection's DBAPI cursor (``adapters.db.engine.DriverSql``: no compilation, cache key or execution
context per call); the rest are Core statements built once with ``bindparam()``. An update writes only
the columns that changed (a signed XML is never rewritten when only the status moves).

PostgreSQL: the inserts nobody reads back inside the transaction — the new document row, history lines,
outbox events and the audit entry — are held by the unit of work and written together by ONE statement
(data-modifying WITH: ``_write_sql``) when the transaction needs the database next: before any other
statement of the unit of work (so every statement still sees all earlier writes, in order) and, at the
latest, right before COMMIT. A version-checked UPDATE that is the transaction's FIRST statement is held
too (its lines, events and audit entry are then written only if it updated the row), and a transaction
whose only statement is that write runs it in autocommit mode: one statement is atomic by itself, and
BEGIN and COMMIT are two round trips less. The unit of work opens its connection and transaction only for
its first statement that needs one, so that lone write runs on a pooled connection without SQLAlchemy's
``Connection`` and transaction objects (``Database.autocommit``).

An emission starts optimistically (``SqlEmissionRepository.peek_emission``, ``claim_number``): one read-only
statement in autocommit mode gives the ref's document, the mode and the series' next number; the document
is built and signed outside any transaction, and its first write is ONE statement in autocommit mode: the
claim of the number (``UPDATE numbering ... WHERE next_number = <peeked>``) with the document row, its lines
and its event, the row inserted only if the claim took the number. When another emission took it in
between, nothing is written (``NumberTaken``) and the pipeline takes the number under the series' lock
(``probe_and_allocate``, then the write, between BEGIN and COMMIT). The peek also reads the emitter's stamp
(``adapters.sefaz_wiring``: its cached configuration is used only when that stamp matches). An NFC-e is
then 3 statements and 3 round trips (peek, first write, final write) instead of 6 (stamp, BEGIN, probe and
number, write, COMMIT, final write), and the series' counter is never locked while a document is built and
signed.
The audit entry (it locks ``audit_head`` until commit) is part of the
transaction's last statement. What changes is only WHEN a refusal is noticed: a taken ref
(``DuplicateRef``), a stale version (``StaleDocument``, then nothing of that statement was written) or a
constraint violation surfaces at that write, at the latest when the unit of work ends, and the
transaction rolls back as before (``EmissionService._settle_committed`` settles a stale document in a
new transaction). SQLite runs every statement when it is called (in-process calls: nothing to merge).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from functools import cache, wraps
from operator import attrgetter
from typing import Any, Concatenate, ParamSpec, TypeVar

import msgspec
from sqlalchemy import (
    Connection,
    Integer,
    LargeBinary,
    Row,
    String,
    Text,
    and_,
    bindparam,
    insert,
    or_,
    select,
    update,
)

from adapters.db import audit
from adapters.db.engine import Database, DriverSql, driver_time
from adapters.db.numbering import MAX_NUMBER, NumberingExhausted, allocate_number, allocated
from adapters.db.schema import (
    UtcDateTime,
    document,
    document_attempt,
    document_event,
    emission_mode,
    emitter,
    fiscal_event,
    inutilizacao,
    outbox,
)
from engine.emission.pipeline import DEFAULT_DEADLINE_MS, PENDING
from engine.emission.records import (
    Attempt,
    AuditNote,
    DocStatus,
    DocumentFilter,
    DocumentRecord,
    DuplicateRef,
    FiscalEventRecord,
    HistoryEntry,
    InutilizacaoRecord,
    Mode,
    ModeState,
    NumberTaken,
    OutboxMessage,
    StaleDocument,
)

_DOC_FIELDS = tuple(c.name for c in document.columns)
_UPDATABLE = tuple(name for name in _DOC_FIELDS if name not in ("id", "tenant_id", "ref"))
_ALWAYS = ("status", "updated_at", "version")

_DOC_TIMES = tuple(c.name for c in document.columns if isinstance(c.type, UtcDateTime))

# The hot path as driver SQL, written once (adapters.db.engine.DriverSql). The unique (tenant_id, ref)
# constraint arbitrates retries: ON CONFLICT DO NOTHING RETURNING tells a taken ref without an
# exception (the transaction stays usable on PostgreSQL, no savepoint needed); any other violation
# (chave, number) still raises.
_INSERT_DOCUMENT = DriverSql(
    # Column names from our own schema, values as parameters.
    f"INSERT INTO document ({', '.join(_DOC_FIELDS)}) VALUES ({', '.join(':' + n for n in _DOC_FIELDS)}) "  # noqa: S608
    "ON CONFLICT (tenant_id, ref) DO NOTHING RETURNING id"
)
_INSERT_HISTORY = DriverSql(
    "INSERT INTO document_event (document_id, occurred_at, from_status, to_status, cstat, detail, request_id) "
    "VALUES (:document_id, :occurred_at, :from_status, :to_status, :cstat, :detail, :request_id)"
)
_INSERT_OUTBOX = DriverSql(
    "INSERT INTO outbox (tenant_id, topic, idempotency_key, payload, created_at, available_at, attempts) "
    "VALUES (:tenant_id, :topic, :idempotency_key, :payload, :created_at, :available_at, 0)"
)
# The mode row (absent = normal, default deadline) and the ref's document id, in ONE read.
_PROBE_EMISSION = DriverSql(
    "SELECT (SELECT d.id FROM document d WHERE d.tenant_id = :tenant AND d.ref = :ref) AS existing, "
    "m.mode, m.since, m.reason, m.deadline_ms "
    "FROM (SELECT 1 AS one) AS x LEFT JOIN emission_mode m ON m.emitter_id = :emitter AND m.model = :model"
)
# PostgreSQL: the probe and the number allocation of an emission as ONE statement. The upsert is
# numbering.py's, fed by the probe's row only when the ref is free (a taken ref consumes no number); a
# data-modifying CTE runs once whether or not the outer SELECT reads it, and every part sees the same
# snapshot, so the ref check is the one the separate probe made just before. The row lock on the counter
# is taken here as it was by the separate upsert, and held until the transaction ends.
_PROBE_ALLOCATE = DriverSql(
    "WITH probe AS (SELECT (SELECT d.id FROM document d WHERE d.tenant_id = :tenant AND d.ref = :ref) AS existing, "
    "m.mode, m.since, m.reason, m.deadline_ms "
    "FROM (SELECT 1 AS one) AS x LEFT JOIN emission_mode m ON m.emitter_id = :emitter AND m.model = :model), "
    "alloc AS (INSERT INTO numbering (cnpj, model, series, next_number) "
    "SELECT CAST(:cnpj AS varchar), CAST(:model AS integer), CAST(:series AS integer), CAST(:after_first AS bigint) "
    "FROM probe WHERE probe.existing IS NULL "
    "ON CONFLICT (cnpj, model, series) DO UPDATE SET next_number = numbering.next_number + 1 "
    "RETURNING next_number) "
    "SELECT probe.existing, probe.mode, probe.since, probe.reason, probe.deadline_ms, "
    "(SELECT alloc.next_number FROM alloc) FROM probe"
)
_UTC = UtcDateTime()
# The optimistic start of an emission (``SqlEmissionRepository.peek_emission``): the probe's row plus the
# number the series would give next (numbering.next_number is the next number to give), read without a
# lock, outside any transaction.
_PEEK_EMISSION = DriverSql(
    "SELECT (SELECT d.id FROM document d WHERE d.tenant_id = :tenant AND d.ref = :ref) AS existing, "
    "m.mode, m.since, m.reason, m.deadline_ms, "
    "(SELECT n.next_number FROM numbering n WHERE n.cnpj = :cnpj AND n.model = :model AND n.series = :series), "
    # The emitter's stamp (adapters.db.emitters' _STAMP): its configuration version and active certificate.
    "(SELECT e.version FROM emitter e WHERE e.id = :emitter AND e.tenant_id = :tenant), "
    "(SELECT c.id FROM certificate c WHERE c.emitter_id = :emitter AND c.active = :active) "
    "FROM (SELECT 1 AS one) AS x LEFT JOIN emission_mode m ON m.emitter_id = :emitter AND m.model = :model"
)
# ``claim_number``: the counter moves past the peeked number only if it is still the next one (a
# compare-and-set; on PostgreSQL a concurrent allocator's row lock is waited for and the condition re-checked
# on the row it committed, READ COMMITTED's rule for UPDATE).
_CLAIM_WHERE = ("cnpj = :c_cnpj AND model = :c_model AND series = :c_series AND next_number = :c_number")
_CLAIM_NUMBER = DriverSql(f"UPDATE numbering SET next_number = next_number + 1 WHERE {_CLAIM_WHERE}")  # noqa: S608

# PostgreSQL: the held inserts of a unit of work as ONE statement (see the module docstring). History
# lines and outbox events travel as one JSON array each (json_to_recordset keeps the array's order, so
# the serial ids keep the order of the calls); the document row as parameters. When the document is part
# of the write, its lines and events are inserted only if its row was (``EXISTS (SELECT 1 FROM w_doc)``):
# a taken ref leaves nothing and is reported as ``DuplicateRef``, as the insert alone did.
_HISTORY_COLUMNS = "document_id, occurred_at, from_status, to_status, cstat, detail, request_id"
_OUTBOX_COLUMNS = "tenant_id, topic, idempotency_key, payload, created_at, available_at"


def _pg_type(name: str) -> str:
    """The PostgreSQL type of a document column for an explicit cast, without a length: a CAST to varchar(n)
    would cut a longer value silently, the column itself refuses it."""
    kind = document.c[name].type
    for python_type, pg in ((UtcDateTime, "timestamptz"), (LargeBinary, "bytea"), (Integer, "integer"),
                            (Text, "text"), (String, "varchar")):
        if isinstance(kind, python_type):
            return pg
    raise TypeError(f"document.{name}: {kind!r} sem conversão para o INSERT com reserva de número")


@cache
def _write_sql(with_doc: bool, update: tuple[str, ...] | None, with_history: bool, with_outbox: bool,
               with_audit: bool, with_claim: bool = False) -> DriverSql:
    """``update``: the columns of a held version-checked UPDATE (its rows: ``w_upd``). The lines, events
    and audit entry written with a document row (inserted or updated) are conditional on that row.

    ``with_claim``: a held ``claim_number`` (``w_claim``, the counter's compare-and-set) goes first, and the
    document row is inserted only if the claim took the number. The ref's uniqueness is then left to the
    constraint, without ON CONFLICT: a taken ref fails the whole statement (the claim with it: no number
    is consumed) and is reported as ``DuplicateRef``; with ON CONFLICT DO NOTHING the claim would stay
    committed without its document, a gap."""
    parts: list[str] = []
    row = "w_doc" if with_doc else "w_upd" if update is not None else None
    condition = f"EXISTS (SELECT 1 FROM {row})" if row else ""  # noqa: S608 - CTE names of this function
    guard = f" WHERE {condition}" if row else ""
    if with_claim:
        parts.append(f"w_claim AS (UPDATE numbering SET next_number = next_number + 1 WHERE {_CLAIM_WHERE} "  # noqa: S608
                     "RETURNING 1)")
    if with_doc and with_claim:
        # INSERT ... SELECT: the parameters carry no type from a VALUES row here, hence the casts.
        values = ", ".join(f"CAST(:{n} AS {_pg_type(n)})" for n in _DOC_FIELDS)
        parts.append(f"w_doc AS (INSERT INTO document ({', '.join(_DOC_FIELDS)}) SELECT {values} "  # noqa: S608
                     "WHERE EXISTS (SELECT 1 FROM w_claim) RETURNING id)")
    elif with_doc:
        parts.append(
            # Column names from our own schema, values as parameters.
            f"w_doc AS (INSERT INTO document ({', '.join(_DOC_FIELDS)}) "  # noqa: S608
            f"VALUES ({', '.join(':' + n for n in _DOC_FIELDS)}) ON CONFLICT (tenant_id, ref) DO NOTHING RETURNING id)"
        )
    if update is not None:
        sets = ", ".join(f"{n} = :{n}" for n in update)  # names: columns of our schema, never input
        parts.append(f"w_upd AS (UPDATE document SET {sets} WHERE id = :w_id AND version = :w_version "  # noqa: S608
                     "RETURNING id)")
    if with_history:
        parts.append(
            f"w_history AS (INSERT INTO document_event ({_HISTORY_COLUMNS}) SELECT {_HISTORY_COLUMNS} "  # noqa: S608
            "FROM json_to_recordset(:w_history) AS x(document_id text, occurred_at timestamptz, from_status text, "
            f"to_status text, cstat integer, detail text, request_id text){guard})"
        )
    if with_outbox:
        parts.append(
            f"w_outbox AS (INSERT INTO outbox ({_OUTBOX_COLUMNS}, attempts) SELECT {_OUTBOX_COLUMNS}, 0 "  # noqa: S608
            "FROM json_to_recordset(:w_outbox) AS x(tenant_id text, topic text, idempotency_key text, payload text, "
            f"created_at timestamptz, available_at timestamptz){guard})"
        )
    if with_audit:  # its lock on audit_head is held from this statement to the COMMIT
        parts.append(audit.append_ctes(condition))
        parts.append(f"w_audit AS ({audit.APPEND_INSERT})")
    counts = [f"(SELECT count(*) FROM {name})" for name in (row, "w_claim" if with_claim else None)  # noqa: S608
              if name]
    main = f"SELECT {', '.join(counts)}" if counts else "SELECT 1"
    return DriverSql(f"WITH {', '.join(parts)} {main}")


_REF_CONSTRAINT = "uq_document_tenant_id_ref"


def _constraint_of(exc: BaseException) -> str | None:
    """The constraint a unique violation names (psycopg's diagnostics; SQLAlchemy's wrapper holds it in
    ``orig``); None for any other error."""
    for err in (exc, getattr(exc, "orig", None)):
        name = getattr(getattr(err, "diag", None), "constraint_name", None)
        if name:
            return str(name)
    return None


def _iso(value: datetime) -> str:
    """A datetime for json_to_recordset's timestamptz (aware: naive values are refused like UtcDateTime)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database (pass an aware datetime)")
    return value.isoformat()


def _history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {"document_id": entry.document_id, "occurred_at": _iso(entry.occurred_at),
            "from_status": entry.from_status, "to_status": entry.to_status, "cstat": entry.cstat,
            "detail": entry.detail, "request_id": entry.request_id}


def _json_text(rows: list[dict[str, Any]]) -> str:
    return msgspec.json.encode(rows).decode("utf-8")


def _payload(message: OutboxMessage) -> str:
    # Sorted keys, UTF-8 as it is, anything else as str (msgspec: several times faster than json.dumps; the
    # workers read it back with json.loads).
    return msgspec.json.encode(message.payload, order="sorted", enc_hook=str).decode("utf-8")


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _flushed(method: Callable[Concatenate[SqlUnitOfWork, _P], _R]) -> Callable[Concatenate[SqlUnitOfWork, _P], _R]:
    """A statement that runs at once: the held writes go first, so it sees them (and their order stays)."""

    @wraps(method)
    def run(self: SqlUnitOfWork, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if self._held:
            self.flush()
        return method(self, *args, **kwargs)

    return run


@cache  # the document's columns and a few update column sets
def _getter(names: tuple[str, ...]) -> Callable[[DocumentRecord], tuple[Any, ...]]:
    getter = attrgetter(*names)
    return getter if len(names) > 1 else lambda doc: (getter(doc),)


@cache
def _times_of(names: tuple[str, ...]) -> tuple[str, ...]:
    """The datetime columns among ``names`` (the driver takes them through ``UtcDateTime``'s conversion)."""
    return tuple(name for name in names if name in _DOC_TIMES)


@cache  # a few column sets in practice (one per kind of transition)
def _update_sql(names: tuple[str, ...]) -> DriverSql:
    sets = ", ".join(f"{n} = :{n}" for n in names)  # names: columns of our schema, never input
    return DriverSql(f"UPDATE document SET {sets} WHERE id = :w_id AND version = :w_version")  # noqa: S608


_UPDATE_ALL = _update_sql(_UPDATABLE)


def _document_query(by_tenant: bool, key: str, lock: bool) -> Any:
    query = select(document).where(document.c[key] == bindparam("w_key"))
    if by_tenant:
        query = query.where(document.c.tenant_id == bindparam("w_tenant"))
    return query.with_for_update() if lock else query


_GET_DOCUMENT = {(t, k, lock): _document_query(t, k, lock)
                 for t in (False, True) for k in ("id", "ref", "chave") for lock in (False, True)}


def _doc(row: Row[Any]) -> DocumentRecord:
    data = dict(row._mapping)
    data["status"] = DocStatus(data["status"])
    return DocumentRecord(**data)


def _attempt(row: Row[Any]) -> Attempt:
    return Attempt(**dict(row._mapping))


def _event(row: Row[Any]) -> FiscalEventRecord:
    return FiscalEventRecord(**dict(row._mapping))


def _history_values(entry: HistoryEntry, time: Callable[[Any], Any]) -> dict[str, Any]:
    return {"document_id": entry.document_id, "occurred_at": time(entry.occurred_at),
            "from_status": entry.from_status, "to_status": entry.to_status, "cstat": entry.cstat,
            "detail": entry.detail, "request_id": entry.request_id}


def _probe_row(row: Any, emitter_id: str, model: int, dialect: Any) -> tuple[str | None, ModeState]:
    """The document id holding the ref and the emission mode, from the first five columns of a probe."""
    existing, mode, since, reason, deadline_ms = row[:5]
    if mode is None:
        state = ModeState(emitter_id, model, Mode.NORMAL, deadline_ms=DEFAULT_DEADLINE_MS)
    else:
        state = ModeState(emitter_id, model, Mode(mode), _UTC.process_result_value(since, dialect), reason,
                          int(deadline_ms))
    return (None if existing is None else str(existing)), state


def inutilizacao_record(row: Row[Any]) -> InutilizacaoRecord:
    return InutilizacaoRecord(**dict(row._mapping))


class SqlUnitOfWork:
    """``engine.ports.EmissionUnitOfWork`` on one connection inside one transaction.

    ``hold``: keep the inserts for one merged statement (PostgreSQL; see the module docstring). The
    owner calls ``flush()`` before COMMIT (``SqlEmissionRepository.unit_of_work`` does).

    ``conn``: the connection and its transaction; or None with ``opener`` (it opens them) and ``db``: the
    connection is then opened for the first statement that needs one, and a ``flush(last=True)`` that is the
    unit of work's only statement runs by itself in autocommit mode (``Database.autocommit``) on a pooled
    connection, without a SQLAlchemy ``Connection`` and its transaction ever being made."""

    def __init__(self, conn: Connection | None, time: Callable[[Any], Any] | None = None, *, hold: bool = False,
                 opener: Callable[[], Connection] | None = None, db: Database | None = None) -> None:
        if conn is None and (opener is None or db is None):
            raise ValueError("SqlUnitOfWork needs a connection, or an opener and its database")
        self._conn = conn
        self._opener = opener
        self._db = db
        self.dialect: Any = conn.dialect if conn is not None else db.engine.dialect  # type: ignore[union-attr]
        self.time = time or driver_time(self.dialect)  # datetimes as the driver takes them
        self.hold = hold
        self._held = False
        self._doc: DocumentRecord | None = None
        self._update: tuple[tuple[str, ...], dict[str, Any]] | None = None
        self._history: list[dict[str, Any]] = []
        self._outbox: list[dict[str, Any]] = []
        self._audit: dict[str, Any] | None = None
        self._claim: dict[str, Any] | None = None

    @property
    def conn(self) -> Connection:
        """The connection inside its transaction, opened now if it was not yet."""
        conn = self._conn
        if conn is None:
            conn = self._conn = self._opener()  # type: ignore[misc]
        return conn

    def _untouched(self) -> bool:
        """Nothing of this unit of work reached the database yet: no connection was opened for it."""
        return self._conn is None

    def flush(self, *, last: bool = False) -> None:
        """Write what is held, in one statement: ``DuplicateRef`` when the held document's ref is taken,
        ``StaleDocument`` when the held UPDATE found another version (then nothing of it was written).

        ``last`` (the owner, right before COMMIT): when this statement is the transaction's only one, it
        runs by itself in autocommit mode — one statement is atomic, and the BEGIN and COMMIT round trips
        are saved (an NFC-e's final transaction: UPDATE, line, event and audit entry in ONE round trip)."""
        if not self._held:
            return
        doc, update, history, events, entry = self._doc, self._update, self._history, self._outbox, self._audit
        claim = self._claim
        self._held, self._doc, self._update, self._history, self._outbox, self._audit = False, None, None, [], [], None
        self._claim = None
        params: dict[str, Any] = self._values(doc, _DOC_FIELDS) if doc is not None else {}
        if update is not None:
            params.update(update[1])
        # The arrays json_to_recordset reads (strings, numbers and nulls only): msgspec writes them several
        # times faster than json.dumps; the server parses them, no reader sees the text.
        if history:
            params["w_history"] = _json_text(history)
        if events:
            params["w_outbox"] = _json_text(events)
        if entry is not None:
            params.update(entry)
        if claim is not None:
            params.update(claim)
        statement = _write_sql(doc is not None, update[0] if update is not None else None, bool(history),
                               bool(events), entry is not None, claim is not None)
        try:
            if last and self._conn is None:
                _count, row = self._db.autocommit(statement, params)  # type: ignore[union-attr]
            else:
                _count, row = statement.execute(self.conn, params)
        except Exception as exc:  # the driver's own (psycopg's UniqueViolation): driver SQL, no wrapping
            # Only with a claim does the document insert go without ON CONFLICT (see _write_sql): the statement
            # failed as a whole, its claim included.
            if claim is not None and doc is not None and _constraint_of(exc) == _REF_CONSTRAINT:
                raise DuplicateRef(f"referência '{doc.ref}' já usada neste tenant") from exc
            raise
        if claim is not None and (row is None or int(row[-1]) != 1):
            raise NumberTaken(f"o número {claim['c_number']} da série {claim['c_series']} já foi tomado por outra "
                              "emissão")
        if doc is not None and (row is None or int(row[0]) != 1):
            raise DuplicateRef(f"referência '{doc.ref}' já usada neste tenant")
        if update is not None and (row is None or int(row[0]) != 1):
            raise StaleDocument(f"o documento {update[1]['w_id']} foi alterado por outro processo; tente de novo")

    def _holds_writes(self) -> bool:
        """Something besides a claim of a number is held."""
        return (self._doc is not None or self._update is not None or bool(self._history) or bool(self._outbox)
                or self._audit is not None)

    def _first_write(self) -> bool:
        """Nothing reached the database nor is held yet: a statement that may be held for the flush (PostgreSQL)."""
        return self.hold and not self._held and self._untouched()

    def _run_now(self, statement: DriverSql, params: dict[str, Any]) -> int:
        """``statement`` at once, after what is held; its row count."""
        if self._held:
            self.flush()
        count, _row = statement.execute(self.conn, params)
        return count

    def claim_number(self, cnpj: str, model: int, series: int, number: int) -> None:
        """``engine.ports.EmissionUnitOfWork.claim_number``. PostgreSQL, as the transaction's first write: held,
        and written by the flush together with the document (whose row is inserted only if the claim took
        the number): an emission's first transaction is then ONE statement in autocommit mode. Otherwise
        (SQLite, or after other statements) at once."""
        params = {"c_cnpj": cnpj, "c_model": model, "c_series": series, "c_number": number}
        if self._first_write():
            self._claim, self._held = params, True
            return
        if self._run_now(_CLAIM_NUMBER, params) != 1:
            raise NumberTaken(f"o número {number} da série {series} já foi tomado por outra emissão")

    @_flushed
    def allocate_number(self, cnpj: str, model: int, series: int) -> int:
        return allocate_number(self.conn, cnpj, model, series)

    def _values(self, doc: DocumentRecord, names: tuple[str, ...]) -> dict[str, Any]:
        values = dict(zip(names, _getter(names)(doc), strict=True))
        values["status"] = doc.status.value
        time = self.time
        for name in _times_of(names):
            value = values[name]
            if value is not None:
                values[name] = time(value)
        return values

    def insert_document(self, doc: DocumentRecord) -> None:
        if self.hold:
            # One document per merged statement, after every write held before it; a held claim of its number
            # is not such a write: it goes WITH the document (the row is inserted only if the claim took it).
            if self._holds_writes():
                self.flush()
            self._doc, self._held = doc, True
            return
        _count, row = _INSERT_DOCUMENT.execute(self.conn, self._values(doc, _DOC_FIELDS))
        if row is None:
            raise DuplicateRef(f"referência '{doc.ref}' já usada neste tenant")

    @_flushed
    def _probe_emission(self, tenant_id: str, ref: str, emitter_id: str, model: int) -> tuple[str | None, ModeState]:
        _count, row = _PROBE_EMISSION.execute(self.conn, {"tenant": tenant_id, "ref": ref, "emitter": emitter_id,
                                                          "model": model})
        return self._probed(row, emitter_id, model)

    def _probed(self, row: Any, emitter_id: str, model: int) -> tuple[str | None, ModeState]:
        return _probe_row(row, emitter_id, model, self.dialect)

    @_flushed
    def probe_and_allocate(self, tenant_id: str, ref: str, emitter_id: str, model: int, cnpj: str,
                           series: int) -> tuple[str | None, ModeState, int | None]:
        if self.dialect.name != "postgresql":  # SQLite has no data-modifying CTE: two statements
            existing, state = self._probe_emission(tenant_id, ref, emitter_id, model)
            number = None if existing is not None else allocate_number(self.conn, cnpj, model, series)
            return existing, state, number
        _count, row = _PROBE_ALLOCATE.execute(self.conn, {
            "tenant": tenant_id, "ref": ref, "emitter": emitter_id, "model": model, "cnpj": cnpj, "series": series,
            "after_first": 2})  # numbering.allocate_number's start=1: the first number of a new series is 1
        existing, state = self._probed(row, emitter_id, model)
        if existing is not None:
            return existing, state, None
        return None, state, allocated(row[5], cnpj, model, series)

    @_flushed
    def get_document(
        self, tenant_id: str | None, *, id: str | None = None, ref: str | None = None, chave: str | None = None,
        for_update: bool = False,
    ) -> DocumentRecord | None:
        given = [(k, v) for k, v in (("id", id), ("ref", ref), ("chave", chave)) if v is not None]
        if len(given) != 1:
            raise ValueError("get_document needs one of id, ref or chave")
        key, value = given[0]
        params = {"w_key": value} if tenant_id is None else {"w_key": value, "w_tenant": tenant_id}
        row = self.conn.execute(_GET_DOCUMENT[(tenant_id is not None, key, for_update)], params).first()
        return None if row is None else _doc(row)

    def update_document(self, doc: DocumentRecord, *, expected_version: int,
                        columns: Collection[str] | None = None) -> None:
        """The version-checked UPDATE. PostgreSQL, when it is the transaction's FIRST statement: held with
        the writes after it and its ``StaleDocument`` raised by the flush (at the latest when the unit of
        work ends: ``EmissionService`` settles a stale document in a new transaction then). Otherwise at
        once, after what is held."""
        if columns is None:
            names, statement = _UPDATABLE, _UPDATE_ALL
        else:
            names = (*_ALWAYS, *sorted(set(columns).difference(_ALWAYS)))
            statement = _update_sql(names)
        values = self._values(doc, names)
        values["w_id"], values["w_version"] = doc.id, expected_version
        if self._first_write():
            self._update, self._held = (names, values), True
            return
        if self._run_now(statement, values) != 1:
            raise StaleDocument(f"o documento {doc.id} foi alterado por outro processo; tente de novo")

    def add_history(self, entry: HistoryEntry) -> None:
        self.add_histories((entry,))

    def add_histories(self, entries: Sequence[HistoryEntry]) -> None:
        if not entries:
            return
        if self.hold:
            if self._audit is not None:  # the audit entry stays the last write
                self.flush()
            self._history.extend(_history_json(e) for e in entries)
            self._held = True
        elif len(entries) == 1:
            _INSERT_HISTORY.execute(self.conn, _history_values(entries[0], self.time))
        else:
            _INSERT_HISTORY.executemany(self.conn, [_history_values(e, self.time) for e in entries])

    def add_outbox(self, message: OutboxMessage) -> None:
        if self.hold:
            if self._audit is not None:
                self.flush()
            at_iso = _iso(message.created_at)
            self._outbox.append({
                "tenant_id": message.tenant_id, "topic": message.topic,
                "idempotency_key": message.idempotency_key[:200], "payload": _payload(message),
                "created_at": at_iso, "available_at": at_iso,
            })
            self._held = True
            return
        at = self.time(message.created_at)
        _INSERT_OUTBOX.execute(self.conn, {
            "tenant_id": message.tenant_id, "topic": message.topic, "idempotency_key": message.idempotency_key[:200],
            "payload": _payload(message), "created_at": at, "available_at": at,
        })

    def add_audit(self, note: AuditNote, *, now: datetime, tenant_id: str | None, target: str | None,
                  details: Mapping[str, Any], request_id: str | None) -> None:
        if self.hold:
            if self._audit is not None:  # entries keep the order of the calls
                self.flush()
            self._audit = audit.append_params(self.dialect, now=now, actor=note.actor, action=note.action,
                                              tenant_id=tenant_id, target=target, details=details,
                                              request_id=request_id, time=self.time)
            self._held = True
            return
        audit.append(self.conn, now=now, actor=note.actor, action=note.action, tenant_id=tenant_id, target=target,
                     details=details, request_id=request_id)

    @_flushed
    def add_attempt(self, attempt: Attempt) -> None:
        values = {k: getattr(attempt, k) for k in Attempt.__dataclass_fields__ if k != "id"}
        self.conn.execute(insert(document_attempt).values(values))

    @_flushed
    def update_attempt(self, attempt: Attempt) -> None:
        values = {k: getattr(attempt, k) for k in ("resolution", "protocol", "cstat", "xmotivo", "resolved_at")}
        self.conn.execute(update(document_attempt).where(document_attempt.c.id == attempt.id).values(values))

    @_flushed
    def attempts(self, document_id: str) -> list[Attempt]:
        rows = self.conn.execute(select(document_attempt).where(document_attempt.c.document_id == document_id)
                                 .order_by(document_attempt.c.id))
        return [_attempt(r) for r in rows]

    @_flushed
    def pending_attempts(self, limit: int) -> list[Attempt]:
        rows = self.conn.execute(select(document_attempt).where(document_attempt.c.resolution == "pending")
                                 .order_by(document_attempt.c.id).limit(limit))
        return [_attempt(r) for r in rows]

    @_flushed
    def add_fiscal_event(self, event: FiscalEventRecord) -> None:
        values = {k: getattr(event, k) for k in FiscalEventRecord.__dataclass_fields__ if k != "id"}
        self.conn.execute(insert(fiscal_event).values(values))

    @_flushed
    def fiscal_events(self, document_id: str) -> list[FiscalEventRecord]:
        rows = self.conn.execute(select(fiscal_event).where(fiscal_event.c.document_id == document_id)
                                 .order_by(fiscal_event.c.id))
        return [_event(r) for r in rows]

    @_flushed
    def add_inutilizacao(self, record: InutilizacaoRecord) -> None:
        values = {k: getattr(record, k) for k in InutilizacaoRecord.__dataclass_fields__}
        self.conn.execute(insert(inutilizacao).values(values))

    @_flushed
    def get_mode(self, emitter_id: str, model: int) -> ModeState:
        row = self.conn.execute(select(emission_mode).where(
            emission_mode.c.emitter_id == emitter_id, emission_mode.c.model == model)).first()
        if row is None:
            return ModeState(emitter_id, model, Mode.NORMAL, deadline_ms=DEFAULT_DEADLINE_MS)
        return ModeState(emitter_id, model, Mode(row.mode), row.since, row.reason, row.deadline_ms)

    @_flushed
    def set_mode(self, state: ModeState, *, now: datetime) -> None:
        values = {"mode": state.mode.value, "since": state.since, "reason": state.reason,
                  "deadline_ms": state.deadline_ms, "updated_at": now}
        result = self.conn.execute(update(emission_mode).where(
            emission_mode.c.emitter_id == state.emitter_id, emission_mode.c.model == state.model).values(values))
        if result.rowcount == 0:
            self.conn.execute(insert(emission_mode).values(emitter_id=state.emitter_id, model=state.model, **values))

    @_flushed
    def modes_not_normal(self) -> list[ModeState]:
        rows = self.conn.execute(select(emission_mode).where(emission_mode.c.mode != Mode.NORMAL.value))
        return [ModeState(r.emitter_id, r.model, Mode(r.mode), r.since, r.reason, r.deadline_ms) for r in rows]

    @_flushed
    def modes_of_tenant(self, tenant_id: str) -> list[ModeState]:
        rows = self.conn.execute(
            select(emission_mode).join(emitter, emitter.c.id == emission_mode.c.emitter_id)
            .where(emitter.c.tenant_id == tenant_id).order_by(emission_mode.c.emitter_id, emission_mode.c.model))
        return [ModeState(r.emitter_id, r.model, Mode(r.mode), r.since, r.reason, r.deadline_ms) for r in rows]

    @_flushed
    def pending_documents(self, *, updated_before: datetime, limit: int) -> list[DocumentRecord]:
        rows = self.conn.execute(
            select(document).where(document.c.status.in_([s.value for s in PENDING]),
                                   document.c.updated_at <= updated_before)
            .order_by(document.c.updated_at).limit(limit))
        return [_doc(r) for r in rows]

    @_flushed
    def history(self, document_id: str) -> list[HistoryEntry]:
        rows = self.conn.execute(select(document_event).where(document_event.c.document_id == document_id)
                                 .order_by(document_event.c.id))
        return [HistoryEntry(r.document_id, r.occurred_at, r.to_status, r.from_status, r.cstat, r.detail,
                             r.request_id) for r in rows]

    @_flushed
    def list_documents(self, flt: DocumentFilter) -> list[DocumentRecord]:
        c = document.c
        query = select(document).where(c.tenant_id == flt.tenant_id)
        conditions = [
            (flt.emitter_id, lambda v: c.emitter_id == v),
            (flt.created_from, lambda v: c.created_at >= v),
            (flt.created_to, lambda v: c.created_at < v),
            (flt.model, lambda v: c.model == v),
            (flt.series, lambda v: c.series == v),
            (flt.number_from, lambda v: c.number >= v),
            (flt.number_to, lambda v: c.number <= v),
            (flt.status.value if flt.status else None, lambda v: c.status == v),
            (flt.created_by, lambda v: c.created_by == v),
        ]
        for value, make in conditions:
            if value is not None:
                query = query.where(make(value))
        if flt.after is not None:
            at, last_id = flt.after
            query = query.where(or_(c.created_at > at, and_(c.created_at == at, c.id > last_id)))
        rows = self.conn.execute(query.order_by(c.created_at, c.id).limit(flt.limit))
        return [_doc(r) for r in rows]

    @_flushed
    def inutilizacoes(self, tenant_id: str, *, emitter_id: str | None = None) -> list[InutilizacaoRecord]:
        query = select(inutilizacao).where(inutilizacao.c.tenant_id == tenant_id)
        if emitter_id is not None:
            query = query.where(inutilizacao.c.emitter_id == emitter_id)
        return [inutilizacao_record(r) for r in self.conn.execute(query.order_by(inutilizacao.c.created_at))]

    @_flushed
    def get_inutilizacao(self, tenant_id: str, inut_id: str) -> InutilizacaoRecord | None:
        row = self.conn.execute(select(inutilizacao).where(inutilizacao.c.tenant_id == tenant_id,
                                                           inutilizacao.c.id == inut_id)).first()
        return None if row is None else inutilizacao_record(row)

    @_flushed
    def outbox_topics(self, tenant_id: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self.conn.execute(select(outbox.c.topic, outbox.c.payload).where(outbox.c.tenant_id == tenant_id)
                                 .order_by(outbox.c.id))
        return [(r.topic, json.loads(r.payload)) for r in rows]


class SqlEmissionRepository:
    """``engine.ports.EmissionRepository`` over ``adapters.db.engine.Database``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._time = driver_time(db.engine.dialect)

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        if self.db.is_sqlite:  # every statement runs when it is called, in the BEGIN IMMEDIATE transaction
            with self.db.write() as conn:
                yield SqlUnitOfWork(conn, self._time)
            return
        # PostgreSQL: the connection and its transaction are opened by the first statement that needs them
        # (an error raised in the block rolls that transaction back, as ``Database.write`` does).
        with ExitStack() as stack:
            uow = SqlUnitOfWork(None, self._time, hold=True, db=self.db,
                                opener=lambda: stack.enter_context(self.db.write()))
            yield uow
            uow.flush(last=True)  # the held writes, as the last statement before COMMIT (or alone: autocommit)

    @contextmanager
    def reader(self) -> Iterator[SqlUnitOfWork]:
        with self.db.read() as conn:
            yield SqlUnitOfWork(conn, self._time)

    def peek_emission(self, tenant_id: str, ref: str, emitter_id: str, model: int, cnpj: str,
                      series: int) -> tuple[str | None, ModeState, int | None, object]:
        """``engine.ports.EmissionRepository.peek_emission``: ONE read-only statement (PostgreSQL: in autocommit
        mode, no BEGIN/ROLLBACK round trips). The stamp is (version, active certificate id), as
        ``adapters.sefaz_wiring.SqlEmitterDirectory.cached`` keeps it; None when the tenant has no such
        emitter."""
        row = self.db.read_one(_PEEK_EMISSION, {"tenant": tenant_id, "ref": ref, "emitter": emitter_id,
                                                "model": model, "cnpj": cnpj, "series": series, "active": True})
        existing, state = _probe_row(row, emitter_id, model, self.db.engine.dialect)
        stamp = None if row[6] is None else (int(row[6]), row[7])
        if existing is not None:
            return existing, state, None, stamp
        next_number = row[5]
        if next_number is not None and int(next_number) > MAX_NUMBER:
            raise NumberingExhausted(cnpj, model, series)
        return None, state, None if next_number is None else int(next_number), stamp


__all__ = ["SqlEmissionRepository", "SqlUnitOfWork", "inutilizacao_record"]
