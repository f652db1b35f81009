"""The simulator's memory: clock, documents, events, inutilizações, batches, denial list, faults and
the consumo-indevido counters. One ``State`` per running simulator, guarded by one re-entrant lock
(requests are served by many threads)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

FAULT_KINDS = ("timeout", "slow", "http500", "malformed", "cstat108", "cstat109")


class Clock:
    """Wall clock plus an offset moved by POST /_control/clock."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def set_offset(self, seconds: float) -> None:
        with self._lock:
            self._offset = timedelta(seconds=seconds)

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return self._offset.total_seconds()


@dataclass
class EventRecord:
    tp_evento: str
    n_seq: int
    n_prot: str
    cstat: str
    evento_xml: bytes  # the event as received (signed bytes, re-serialised from the request tree)
    ret_xml: bytes  # our signed retEvento
    registered_at: datetime


@dataclass
class Document:
    chave: str
    modelo: str
    cnpj: str
    serie: int
    nnf: int
    cstat: str  # 100 authorized, 301/302 denied
    n_prot: str
    authorized_at: datetime
    dig_val: str
    prot_xml: bytes
    dh_emi: datetime | None = None
    emit_ie: str | None = None
    emit_nome: str | None = None
    emit_uf: str | None = None
    cancelled: bool = False
    events: list[EventRecord] = field(default_factory=list)


@dataclass
class Inutilizacao:
    cnpj: str
    modelo: str
    serie: int
    ano: str
    ini: int
    fin: int
    n_prot: str
    at: datetime


@dataclass
class Batch:
    n_rec: str
    cuf: str
    transmitter: str | None
    received_at: datetime
    ready_at: datetime
    prot_xml: list[bytes]


@dataclass
class Fault:
    uf: str | None
    model: str | None
    service: str | None
    kind: str
    delay_s: float
    remaining: int | None

    def matches(self, ufs: set[str], model: str, service: str) -> bool:
        return (
            (self.uf is None or self.uf in ufs)
            and (self.model is None or self.model == model)
            and (self.service is None or self.service == service)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "uf": self.uf,
            "model": int(self.model) if self.model else None,
            "service": self.service,
            "kind": self.kind,
            "delay_s": self.delay_s,
            "count": self.remaining,
        }


@dataclass(frozen=True, slots=True)
class ConsumoRules:
    """Limits of the "Consumo Indevido" control (cStat 656), defaults of NT 2018.002 as the UFs
    publish them: the same NF-e rejected with the same cStat more than 30 times, an event rejected
    the same way more than 20 times, the same chave consulted more than 10 times or the same recibo
    more than 40 times within an hour; a query service (status, consulta, recibo, cadastro) called
    more than 600 times in 5 minutes by one transmitter certificate (the limit the UFs quote for
    queries). The offender, identified by the CNPJ of its TLS certificate (NT 2018.002 "Observação
    2"), is then answered 656 on that web service for one hour ("Observação 1": renewed if the
    behaviour repeats)."""

    same_rejection_nfe: int = 30
    same_rejection_event: int = 20
    consulta_same_chave: int = 10
    consulta_same_recibo: int = 40
    window: timedelta = timedelta(hours=1)
    burst_requests: int = 600
    burst_window: timedelta = timedelta(minutes=5)
    block: timedelta = timedelta(hours=1)


class Consumo:
    """Sliding-window counters and blocks per (transmitter CNPJ, service)."""

    def __init__(self, rules: ConsumoRules) -> None:
        self.rules = rules
        self._hits: dict[tuple[str, ...], deque[datetime]] = {}
        self._blocked: dict[tuple[str, str], datetime] = {}

    def blocked(self, who: str, service: str, now: datetime) -> bool:
        until = self._blocked.get((who, service))
        return until is not None and now < until

    def block(self, who: str, service: str, now: datetime) -> None:
        self._blocked[(who, service)] = now + self.rules.block

    def hit(self, key: tuple[str, ...], now: datetime, window: timedelta) -> int:
        """Record one occurrence and return how many fell inside ``window``."""
        hits = self._hits.setdefault(key, deque())
        hits.append(now)
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(self._hits) > self.SWEEP_AT:
            self._sweep(now)
        return len(hits)

    SWEEP_AT = 50_000  # keys (chaves, recibos...) before a sweep: a long-running simulator stays bounded

    def _sweep(self, now: datetime) -> None:
        horizon = max(self.rules.window, self.rules.burst_window)
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - horizon]:
            del self._hits[key]
        for key in [k for k, until in self._blocked.items() if until <= now]:
            del self._blocked[key]

    def clear(self) -> None:
        self._hits.clear()
        self._blocked.clear()


@dataclass
class State:
    rules: ConsumoRules = field(default_factory=ConsumoRules)
    lock: threading.RLock = field(default_factory=threading.RLock)
    documents: dict[str, Document] = field(default_factory=dict)
    numbers: dict[tuple[str, str, int, int], str] = field(default_factory=dict)  # (cnpj, mod, serie, nNF) -> chave
    inutilizacoes: list[Inutilizacao] = field(default_factory=list)
    batches: dict[str, Batch] = field(default_factory=dict)
    epec: dict[str, EventRecord] = field(default_factory=dict)  # chave -> EPEC event (AN)
    denied: set[str] = field(default_factory=set)
    epec_blocked: set[str] = field(default_factory=set)  # CNPJs whose EPEC the AN refuses (142)
    faults: list[Fault] = field(default_factory=list)
    sequence: int = 0
    consumo: Consumo = field(init=False)

    def __post_init__(self) -> None:
        self.consumo = Consumo(self.rules)

    def next_seq(self) -> int:
        with self.lock:
            self.sequence += 1
            return self.sequence

    def reset(self) -> None:
        with self.lock:
            self.documents.clear()
            self.numbers.clear()
            self.inutilizacoes.clear()
            self.batches.clear()
            self.epec.clear()
            self.denied.clear()
            self.epec_blocked.clear()
            self.faults.clear()
            self.consumo.clear()

    def take_fault(self, ufs: set[str], model: str, service: str) -> Fault | None:
        """The first active fault for this request; consumes one of its ``count``."""
        with self.lock:
            for fault in self.faults:
                if fault.remaining is not None and fault.remaining <= 0:
                    continue
                if fault.matches(ufs, model, service):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
            return None
