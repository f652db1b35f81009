"""Client-side protection against SEFAZ's "consumo indevido" blocks (cStat 656).

SEFAZ blocks a certificate/CNPJ for an hour (and permanently after repeated blocks) when it sees
too many requests in a short time: the published rules vary per UF; the ones commonly cited are
600 requests per 5 minutes per certificate, the same chave consulted more than 10 times in an
hour, and the same document re-sent with the same rejection 20-30 times. We stay clearly below:

* ``RateLimiter``: sliding windows keyed by (CNPJ, UF, service), by (CNPJ, service) across all UFs
  (the certificate's ceiling) and, for queries about one document, by (CNPJ, chave/recibo); a
  request that would exceed a window waits (up to a bound) or is refused with
  ``ConsumoIndevidoEvitado`` *before* it reaches SEFAZ;
* ``CircuitBreaker``: after consecutive failures of an authorizer's service (no answer, HTTP 5xx,
  cStat 108/109) it stops calling it for a cool-down, then lets one trial request through;
* the client refuses to re-send bytes SEFAZ already rejected (``ReenvioBloqueado``, in client.py).

Both keep their state in the instance (no module state) and read time from an injected ``Clock``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from engine.ports import Clock
from engine.sefaz.errors import ConsumoIndevidoEvitado, ServicoIndisponivel


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``max_requests`` in any ``window_s`` seconds."""

    max_requests: int
    window_s: float


# Per (CNPJ, UF, service). 600 per 5 min is the commonly cited SEFAZ ceiling per certificate for
# queries; we keep the sum well below it. Status has little use beyond a few calls a minute.
# Authorizations have NO volume window (None): selling a lot is not consumo indevido — SEFAZ's rules
# target the same document re-sent with the same rejection and repeated queries, which the client
# blocks per document (ReenvioBloqueado, same cStat three times) and per chave/recibo. A volume cap
# here would refuse a busy store's legitimate sales.
DEFAULT_SERVICE_LIMITS: Mapping[str, Limit | None] = MappingProxyType(
    {
        "NFeStatusServico4": Limit(20, 60.0),
        "NFeAutorizacao4": None,
        "NFeRetAutorizacao4": Limit(120, 300.0),
        "NFeConsultaProtocolo4": Limit(120, 300.0),
        "NFeRecepcaoEvento4": Limit(120, 300.0),
        "RecepcaoEvento_EPEC": Limit(120, 300.0),
        "NFeInutilizacao4": Limit(60, 300.0),
        "CadConsultaCadastro4": Limit(60, 300.0),
    }
)
DEFAULT_LIMIT = Limit(60, 300.0)
# Per document (chave or recibo): SEFAZ blocks beyond 10 consultations of one chave in an hour.
PER_DOCUMENT_LIMIT = Limit(6, 3600.0)
# Per (CNPJ, service) across every UF: SEFAZ counts 600 requests per 5 minutes per certificate.
PER_CERTIFICATE_LIMIT = Limit(500, 300.0)


@dataclass
class RateLimiter:
    clock: Clock
    service_limits: Mapping[str, Limit | None] = field(default_factory=lambda: DEFAULT_SERVICE_LIMITS)
    default_limit: Limit = DEFAULT_LIMIT
    per_document: Limit = PER_DOCUMENT_LIMIT
    per_certificate: Limit = PER_CERTIFICATE_LIMIT
    max_wait_s: float = 5.0
    _windows: dict[Hashable, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def limit_for(self, service: str) -> Limit | None:
        """The volume window of ``service`` (None: no volume cap, e.g. authorizations)."""
        return self.service_limits.get(service, self.default_limit)

    def _wait(self, key: Hashable, limit: Limit, now: float) -> float:
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - limit.window_s:
            window.popleft()
        if len(window) < limit.max_requests:
            return 0.0
        return window[0] + limit.window_s - now

    def acquire(self, *, cnpj: str, uf: str, service: str, documento: str | None = None) -> None:
        """Reserve one request; waits on the clock up to ``max_wait_s``, else ``ConsumoIndevidoEvitado``."""
        volume = self.limit_for(service)
        if volume is None and not documento:
            return  # nothing to count (every authorization): no window, no lock
        keys: list[tuple[Hashable, Limit]] = []
        if volume is not None:
            keys += [((cnpj, uf, service), volume), ((cnpj, "*", service), self.per_certificate)]
        per_document: list[tuple[Hashable, Limit]] = []
        if documento:
            per_document.append(((cnpj, "documento", documento), self.per_document))
        keys += per_document
        if not keys:
            return
        while True:
            with self._lock:
                now = self.clock.monotonic()
                wait = max(self._wait(key, limit, now) for key, limit in keys)
                if wait <= 0:
                    for key, _ in keys:
                        self._windows[key].append(now)
                    return
            if wait > self.max_wait_s:
                alvo = f"o documento {documento}" if self._over(per_document, now) else f"{service} em {uf}"
                raise ConsumoIndevidoEvitado(
                    f"limite de requisições atingido para {alvo} (CNPJ {cnpj}); aguarde {wait:.0f} s para não "
                    "provocar o bloqueio por consumo indevido da SEFAZ (cStat 656)",
                    retry_after_s=wait,
                )
            self.clock.sleep(wait)

    def _over(self, keys: list[tuple[Hashable, Limit]], now: float) -> bool:
        return any(self._wait(key, limit, now) > 0 for key, limit in keys)


@dataclass
class _BreakerState:
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = False


@dataclass
class CircuitBreaker:
    """Per key (authorizer URL + service): closed -> open after ``threshold`` consecutive failures ->
    half-open after ``cooldown_s`` (one trial request) -> closed on success / open again on failure."""

    clock: Clock
    threshold: int = 5
    cooldown_s: float = 60.0
    _states: dict[Hashable, _BreakerState] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def before(self, key: Hashable, descricao: str) -> None:
        """Raise ``ServicoIndisponivel`` while the circuit of ``key`` is open."""
        with self._lock:
            state = self._states.get(key)
            if state is None:
                state = self._states[key] = _BreakerState()
            if state.opened_at is None:
                return
            remaining = state.opened_at + self.cooldown_s - self.clock.monotonic()
            if remaining > 0 or state.trial_in_flight:
                raise ServicoIndisponivel(
                    f"{descricao}: serviço suspenso após {state.failures} falhas seguidas; nova tentativa em "
                    f"{max(remaining, 0):.0f} s (avalie a contingência)",
                    retry_after_s=max(remaining, 0.0),
                )
            state.trial_in_flight = True  # half-open: this one request is the trial

    def success(self, key: Hashable) -> None:
        with self._lock:
            state = self._states.get(key)
            # Closed with no failure already (nearly every call): nothing to reset, no new state object.
            if state is None or state.failures or state.opened_at is not None or state.trial_in_flight:
                self._states[key] = _BreakerState()

    def failure(self, key: Hashable) -> None:
        with self._lock:
            state = self._states.setdefault(key, _BreakerState())
            state.failures += 1
            state.trial_in_flight = False
            if state.opened_at is not None or state.failures >= self.threshold:
                state.opened_at = self.clock.monotonic()

    def is_open(self, key: Hashable) -> bool:
        with self._lock:
            state = self._states.get(key)
            return state is not None and state.opened_at is not None
