"""Protocols the adapters implement (design.md: the engine never imports an I/O library).

Kept small on purpose: other areas add their ports here as they need them.

* ``Transport``: one SOAP 1.2 POST over client-certificate TLS (adapters.sefaz_transport).
* ``Clock``: wall-clock time (aware), a monotonic counter and sleeping, injected so that rate
  limits, circuit breakers and polling are testable with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from engine.errors import FiscalError


@dataclass(frozen=True, slots=True)
class TransportRequest:
    """One POST: ``body`` goes on the wire exactly as given (signed bytes are never re-serialised).

    ``soap_action`` is the SOAP 1.2 ``action`` parameter of the Content-Type; ``tls_min_version``
    comes from the endpoint (states data) so that a per-authorizer TLS override applies to that host
    only, never globally.
    """

    url: str
    body: bytes
    soap_action: str
    tls_min_version: str = "TLSv1.2"


@dataclass(frozen=True, slots=True)
class TransportResponse:
    status: int
    body: bytes
    elapsed_s: float = 0.0


TransportFailureKind = Literal["connect", "tls", "timeout", "protocol"]


class TransportError(FiscalError):
    """The request got no usable HTTP answer.

    ``delivered`` says whether the server may have received (and processed) the request:
    ``False`` for connection/TLS failures before the body was sent, ``True`` when it may have been
    (read timeout, connection dropped after sending). After a possibly delivered authorization the
    client consults by chave before re-sending (a re-send is always the identical bytes).
    """

    code = "SEFAZ_COMUNICACAO"

    def __init__(self, mensagem: str, *, kind: TransportFailureKind, delivered: bool) -> None:
        super().__init__(mensagem)
        self.kind: TransportFailureKind = kind
        self.delivered = delivered


class Transport(Protocol):
    def post(self, request: TransportRequest) -> TransportResponse:
        """POST ``request.body``; return any HTTP answer; raise ``TransportError`` when there is none."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (rate limits, breakers, polling)."""
        ...

    def sleep(self, seconds: float) -> None: ...



# -- API Pix (engine/pix/psp_client.py, adapters/pix_http.py) -----------------------------------


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTPS request of the API Pix. ``query`` keeps its order; ``body`` goes on the wire as given."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """Any HTTP answer. ``headers`` names are lower-case."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k == wanted), None)


class HttpError(FiscalError):
    """No usable HTTP answer (connection, TLS, timeout). ``delivered`` as in ``TransportError``."""

    code = "PSP_COMUNICACAO"

    def __init__(self, mensagem: str, *, kind: TransportFailureKind, delivered: bool) -> None:
        super().__init__(mensagem)
        self.kind: TransportFailureKind = kind
        self.delivered = delivered


class HttpPort(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` over HTTPS (mTLS when configured); raise ``HttpError`` when there is no answer."""
        ...


# ---------------------------------------------------------------------------------------------------
# Emission pipeline ports (engine/emission; implemented by adapters/db/documents.py and
# adapters/sefaz_wiring.py).

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from contextlib import AbstractContextManager
    from typing import Any

    from certificates.a1 import A1Certificate
    from engine.emission.records import (
        Attempt,
        AuditNote,
        DocumentFilter,
        DocumentRecord,
        FiscalEventRecord,
        HistoryEntry,
        InutilizacaoRecord,
        ModeState,
        OutboxMessage,
    )
    from engine.nfe.build.emitter import Emitente
    from engine.sefaz.client import Autorizacao
    from engine.sefaz.messages import PagamentoConciliado
    from engine.sefaz.results import Consulta, Inutilizacao, ResultadoEvento, StatusServico


class EmissionUnitOfWork(Protocol):
    """One database transaction. Everything written through it commits or rolls back together:
    a state change, its history line and its outbox event (transactional outbox, design.md §9)."""

    def allocate_number(self, cnpj: str, model: int, series: int) -> int:
        """Next nNF of the series, gap-free (rolled back with the transaction)."""
        ...

    def insert_document(self, doc: DocumentRecord) -> None:
        """Insert; raise ``engine.emission.records.DuplicateRef`` when (tenant, ref) exists (the
        transaction stays usable: the caller rolls it back and replays the committed document)."""
        ...

    def probe_and_allocate(self, tenant_id: str, ref: str, emitter_id: str, model: int, cnpj: str,
                           series: int) -> tuple[str | None, ModeState, int | None]:
        """The start of an emission: the id of the document already holding ``ref`` in the tenant (None
        when free), the emission mode of (emitter, model) and, only when ``ref`` is free,
        ``allocate_number(cnpj, model, series)`` in the same transaction (None when ``ref`` is taken: no
        number is consumed). An adapter may run it all as one statement (one round trip per emission)."""
        ...

    def claim_number(self, cnpj: str, model: int, series: int, number: int) -> None:
        """Take ``number`` (read by ``EmissionRepository.peek_emission``, outside any transaction and without a
        lock) in this transaction, only if it is still the series' next one, as ``allocate_number`` would have
        given it: gap-free and never twice. Raise ``engine.emission.records.NumberTaken`` when another emission
        took it first — at once or, when the adapter writes the document and the claim as one statement, from
        that write (at the latest when the unit of work ends); nothing of the transaction is then written."""
        ...

    def get_document(
        self, tenant_id: str | None, *, id: str | None = None, ref: str | None = None, chave: str | None = None,
        for_update: bool = False,
    ) -> DocumentRecord | None: ...

    def update_document(self, doc: DocumentRecord, *, expected_version: int,
                        columns: Collection[str] | None = None) -> None:
        """Write ``doc`` (its version already incremented); raise ``StaleDocument`` on a version mismatch.
        ``columns``: only these fields changed (status, updated_at and version are always written);
        None writes every field."""
        ...

    def add_history(self, entry: HistoryEntry) -> None: ...

    def add_histories(self, entries: Sequence[HistoryEntry]) -> None:
        """Several history lines in one statement (executemany), in order."""
        ...

    def add_audit(self, note: AuditNote, *, now: datetime, tenant_id: str | None, target: str | None,
                  details: Mapping[str, Any], request_id: str | None) -> None:
        """Append the audit-trail entry (hash chain) in this transaction. It locks the chain head until
        commit, so call it as the LAST write of the transaction."""
        ...

    def add_outbox(self, message: OutboxMessage) -> None: ...

    def add_attempt(self, attempt: Attempt) -> None: ...

    def update_attempt(self, attempt: Attempt) -> None: ...

    def attempts(self, document_id: str) -> list[Attempt]: ...

    def pending_attempts(self, limit: int) -> list[Attempt]: ...

    def add_fiscal_event(self, event: FiscalEventRecord) -> None: ...

    def fiscal_events(self, document_id: str) -> list[FiscalEventRecord]: ...

    def add_inutilizacao(self, record: InutilizacaoRecord) -> None: ...

    def get_mode(self, emitter_id: str, model: int) -> ModeState: ...

    def set_mode(self, state: ModeState, *, now: datetime) -> None: ...

    def modes_not_normal(self) -> list[ModeState]: ...

    def pending_documents(self, *, updated_before: datetime, limit: int) -> list[DocumentRecord]:
        """Documents in signed / sent / contingency last changed before ``updated_before``."""
        ...

    def history(self, document_id: str) -> list[HistoryEntry]: ...

    def list_documents(self, flt: DocumentFilter) -> list[DocumentRecord]: ...


class EmissionRepository(Protocol):
    def unit_of_work(self) -> AbstractContextManager[EmissionUnitOfWork]:
        """A write transaction (commit on success, rollback on any exception)."""
        ...

    def reader(self) -> AbstractContextManager[EmissionUnitOfWork]:
        """A read-only transaction (one consistent snapshot)."""
        ...

    def peek_emission(self, tenant_id: str, ref: str, emitter_id: str, model: int, cnpj: str,
                      series: int) -> tuple[str | None, ModeState, int | None, object]:
        """The optimistic start of an emission, outside any transaction and without a lock: the id of the
        document already holding ``ref`` in the tenant (None when free), the emission mode of (emitter, model),
        the number the series would give next (None for a series never used here) and the emitter's current
        stamp, to compare with the one ``EmitterDirectory.cached`` returns (None: no such emitter in the
        tenant). The emission builds
        and signs with that number, then stores the document with ``claim_number`` in ONE write; when the
        claim fails it takes the number under the series' lock (``probe_and_allocate``). Raise
        ``NumberingExhausted`` (adapters) when the series has no number left, as the allocation would."""
        ...


class SefazGateway(Protocol):
    """What the pipeline needs of ``engine.sefaz.SefazClient`` (which implements it)."""

    def status(self, uf: str, modelo: str | int, ambiente: str, *, contingency: bool = False) -> StatusServico: ...

    def authorize(self, nfe: bytes, *, id_lote: str | None = None) -> Autorizacao: ...

    def consulta(self, chave: str, ambiente: str) -> Consulta: ...

    def cancel(self, chave: str, n_prot: str, x_just: str, ambiente: str) -> ResultadoEvento: ...

    def cancel_substituicao(
        self, chave: str, n_prot: str, x_just: str, chave_substituta: str, ambiente: str
    ) -> ResultadoEvento: ...

    def carta_correcao(self, chave: str, x_correcao: str, n_seq_evento: int, ambiente: str) -> ResultadoEvento: ...

    def conciliacao_financeira(
        self, chave: str, pagamentos: Sequence[PagamentoConciliado], ambiente: str, *, n_seq: int = 1
    ) -> ResultadoEvento: ...

    def inutilizar(
        self, uf: str, modelo: str | int, ambiente: str, *, cnpj: str, ano: int, serie: int, n_nf_ini: int,
        n_nf_fin: int, x_just: str,
    ) -> Inutilizacao: ...

    def epec(self, nfe: bytes) -> ResultadoEvento: ...

    def epec_status(self, uf: str, ambiente: str) -> StatusServico:
        """EPECStatusServico of ``uf`` (SP's NFC-e EPEC, NT 2014/003): 107 when EPEC may be used now."""
        ...


class EmitterContext(Protocol):
    """An emitter ready to emit: its configuration with secrets, its A1 and two SEFAZ gateways."""

    @property
    def emitente(self) -> Emitente: ...

    @property
    def a1(self) -> A1Certificate: ...

    def online(self, deadline_s: float) -> SefazGateway:
        """The gateway for the PDV's synchronous attempt: its timeouts fit in ``deadline_s``."""
        ...

    def worker(self) -> SefazGateway:
        """The gateway for background work (recovery, events, inutilização): normal timeouts."""
        ...


class EmitterDirectory(Protocol):
    def context(self, tenant_id: str, emitter_id: str) -> EmitterContext | None:
        """None when the tenant has no such emitter; raises ConfigurationError without an active A1."""
        ...

    def cached(self, tenant_id: str, emitter_id: str) -> tuple[EmitterContext, object] | None:
        """The context ``context`` last built for the emitter in this tenant and the stamp it was built under
        (the configuration's version and active certificate), from memory, without reading anything: it may
        be stale. Use it only after a fresh read of the stamp matched (``EmissionRepository.peek_emission``)."""
        ...

    def tenant_of(self, emitter_id: str) -> str | None:
        """The tenant owning the emitter (background workers run without a request's tenant)."""
        ...


# -- Bank reconciliation (engine/reconciliation; engine.reconciliation.store.MemoryRepository is the
# in-memory implementation used by the CLI, a database adapter comes with the service).

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date as _date

    from engine.reconciliation.model import Charge, StatementLine


class ReconciliationRepository(Protocol):
    """Charges/receivables of a period and the imported statement lines.

    ``add_statement`` must be atomic (one transaction): either the file hash and all its new lines
    are stored, or nothing is. Lines are identified by their content hash (``StatementLine.hash``),
    files by the sha256 of their bytes; both make re-imports no-ops.
    """

    def charges_for_period(self, inicio: _date, fim: _date) -> Sequence[Charge]:
        """Charges (and payables, ``direcao="D"``) whose due date is in [inicio, fim]."""
        ...

    def statement_file_known(self, arquivo: str) -> bool: ...

    def known_line_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The subset of ``hashes`` already stored."""
        ...

    def add_statement(self, arquivo: str, lines: Sequence[StatementLine]) -> None: ...

    def statement_lines(self, inicio: _date, fim: _date) -> Sequence[StatementLine]:
        """Every stored line dated in [inicio, fim], from any file."""
        ...


if TYPE_CHECKING:  # annotations only (engine.pix.confirmation imports these Protocols at run time)
    from engine.pix.api import Pix
    from engine.pix.confirmation import ConfirmedPayment, PixCharge


class PixLookup(Protocol):
    """Reads one received pix at the PSP (GET /pix/{e2eid}); ``engine.pix.psp_client.PspClient`` is one."""

    def get_pix(self, e2eid: str) -> Pix: ...


class PixChargeRepository(Protocol):
    """Charges and their confirmed payments (engine/pix/confirmation.py); the storage adapter keeps
    them in the database, ``engine.pix.confirmation.InMemoryPixCharges`` is the reference."""

    def charge(self, txid: str) -> PixCharge | None: ...

    def payment(self, end_to_end_id: str) -> ConfirmedPayment | None: ...

    def payments_of(self, txid: str) -> list[ConfirmedPayment]: ...

    def save(self, charge: PixCharge, payment: ConfirmedPayment) -> None:
        """Upsert ``payment`` (by endToEndId) and replace ``charge`` in one transaction."""
        ...
