"""SEFAZ wiring for the emission pipeline: ``engine.ports.EmitterDirectory`` over the database.

For an emitter it loads the configuration with its secrets (``adapters.db.emitters.load_emitente``)
and the ACTIVE A1 from the encrypted certificate store, and builds ``engine.sefaz.SefazClient``s on
``adapters.sefaz_transport.HttpsTransport`` (mutual TLS with that A1, server verified against the
configured trust store only):

* ``worker()``: normal timeouts (connect 5 s, read 30 s) and the client's retry policy; used by the
  recovery worker, events and inutilizações;
* ``online(deadline_s)``: the PDV's synchronous attempt. Its timeouts are derived from the deadline:
  connect 25 %, read 45 % of it, and no retries — the client's own consulta by chave after a read
  timeout (``SefazClient.authorize``) then also fits, so the PDV has an answer (authorized, rejected
  or off-line contingency) within the deadline.

Both share the rate limiter and the circuit breaker of the emitter (one view of the authorizer's
health). Clients are cached per (emitter, active certificate id): a new certificate is picked up on
the next call.

Configuration (``Settings.env``): ``ORTHO_SEFAZ_URL`` replaces the host of every SEFAZ endpoint (the
simulator: ``states.endpoint(base_override=...)``); ``ORTHO_SEFAZ_TRUST_PEM`` is the PEM bundle the
SEFAZ servers must chain to (the ICP-Brasil roots in production, the simulator's ``ca.pem`` in tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.emitters import EmitterStamp, emitter_stamp, load_emitente_versioned
from adapters.db.engine import Database
from adapters.db.schema import emitter
from adapters.sefaz_transport import HttpsTransport
from certificates.a1 import A1Certificate, load_pkcs12
from certificates.store import CertificateStore, MasterKeyring
from engine.errors import ConfigurationError
from engine.nfe.build.emitter import Emitente
from engine.ports import Clock
from engine.sefaz import CircuitBreaker, ClientPolicy, RateLimiter, SefazClient

ENV_URL = "ORTHO_SEFAZ_URL"
ENV_TRUST = "ORTHO_SEFAZ_TRUST_PEM"


@dataclass(frozen=True, slots=True)
class SefazSettings:
    trust_pem_path: str | None
    base_override: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SefazSettings:
        return cls(trust_pem_path=env.get(ENV_TRUST) or None, base_override=env.get(ENV_URL) or None)


@dataclass
class _Certificate:
    """One emitter's A1 and the clients built on it (cached)."""

    cert_id: str
    a1: A1Certificate
    pfx: bytes
    password: str
    limiter: RateLimiter
    breaker: CircuitBreaker
    transport: HttpsTransport | None = None  # one connection pool per host for all its clients
    worker: SefazClient | None = None
    online: dict[int, SefazClient] = field(default_factory=dict)  # by deadline in ms
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True, slots=True)
class EmitterSefaz:
    """``engine.ports.EmitterContext``."""

    emitente: Emitente
    a1: A1Certificate
    _cert: _Certificate
    _settings: SefazSettings
    _clock: Clock

    def _transport(self, connect_s: float, read_s: float) -> HttpsTransport:
        """A view with these timeouts over the certificate's one transport (called under ``_cert.lock``):
        the PDV's online client and the worker reuse the same keep-alive connections."""
        if not self._settings.trust_pem_path:
            raise ConfigurationError(
                f"repositório de confiança da SEFAZ não configurado: defina {ENV_TRUST} (PEM com as raízes "
                "ICP-Brasil, ou o ca.pem do simulador)"
            )
        if self._cert.transport is None:
            self._cert.transport = HttpsTransport(pfx=self._cert.pfx, password=self._cert.password,
                                                  trust_pem_path=self._settings.trust_pem_path)
        return self._cert.transport.with_timeouts(connect_s, read_s)

    def worker(self) -> SefazClient:
        with self._cert.lock:
            if self._cert.worker is None:
                self._cert.worker = SefazClient(
                    self._transport(5.0, 30.0), self._clock, a1=self.a1, base_override=self._settings.base_override,
                    limiter=self._cert.limiter, breaker=self._cert.breaker,
                )
            return self._cert.worker

    def online(self, deadline_s: float) -> SefazClient:
        key = int(deadline_s * 1000)
        with self._cert.lock:
            client = self._cert.online.get(key)
            if client is None:
                client = SefazClient(
                    self._transport(max(0.2, deadline_s * 0.25), max(0.2, deadline_s * 0.45)), self._clock,
                    a1=self.a1, base_override=self._settings.base_override, limiter=self._cert.limiter,
                    breaker=self._cert.breaker, policy=ClientPolicy(retries=0, backoff_s=0.0),
                )
                self._cert.online[key] = client
            return client


class CallableClock:
    """``engine.ports.Clock`` over the API's ``Resources.clock`` (a ``() -> datetime``)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A context built for one (tenant, emitter version, active certificate)."""

    tenant_id: str
    version: int
    cert_id: str
    context: EmitterSefaz


class SqlEmitterDirectory:
    """``engine.ports.EmitterDirectory`` over the emitter table and the certificate store.

    The context (configuration with its decrypted CSC/CSRT, the A1 and its SEFAZ clients) is kept per
    emitter and validated on every call by ONE indexed SELECT (``emitters.emitter_stamp``; an emission
    compares ``cached``'s stamp with the one its peek reads instead: adapters.db.documents): the row's
    version and the active certificate id): any committed change — by this process or another worker —
    bumps the version or switches the certificate, so the next call rebuilds. The A1, its clients,
    rate limiter and circuit breaker survive a configuration change; a new certificate gets new ones.
    """

    def __init__(self, db: Database, keyring: MasterKeyring, clock: Clock, settings: SefazSettings) -> None:
        self.db = db
        self.keyring = keyring
        self.clock = clock
        self.settings = settings
        self._certs: dict[str, _Certificate] = {}
        self._loaded: dict[str, _Loaded] = {}
        self._lock = threading.Lock()

    def tenant_of(self, emitter_id: str) -> str | None:
        with self.db.read() as conn:
            value = conn.execute(select(emitter.c.tenant_id).where(emitter.c.id == emitter_id)).scalar_one_or_none()
        return None if value is None else str(value)

    def _refuse_unconfigured(self) -> None:
        if not self.settings.trust_pem_path:  # refused before anything is numbered or written
            raise ConfigurationError(
                f"repositório de confiança da SEFAZ não configurado: defina {ENV_TRUST} (PEM com as raízes "
                "ICP-Brasil, ou o ca.pem do simulador)", code="SEFAZ_NAO_CONFIGURADA",
            )

    @staticmethod
    def _no_certificate(cnpj: str) -> ConfigurationError:
        return ConfigurationError(
            f"o emitente {cnpj} não tem certificado A1 ativo: envie o certificado antes de emitir",
            code="CERTIFICADO_AUSENTE",
        )

    def _stamp(self, tenant_id: str, emitter_id: str) -> EmitterStamp | None:
        # One statement, consistent by itself: on PostgreSQL outside a transaction (no BEGIN and ROLLBACK
        # round trips on every emission), as driver SQL (adapters.db.engine.Database.read_one).
        return emitter_stamp(self.db, tenant_id, emitter_id)

    def cached(self, tenant_id: str, emitter_id: str) -> tuple[EmitterSefaz, object] | None:
        """``engine.ports.EmitterDirectory.cached``; the stamp is (version, active certificate id), what
        ``adapters.db.documents``' peek reads back."""
        with self._lock:
            loaded = self._loaded.get(emitter_id)
        if loaded is None or loaded.tenant_id != tenant_id:
            return None
        return loaded.context, (loaded.version, loaded.cert_id)

    def context(self, tenant_id: str, emitter_id: str) -> EmitterSefaz | None:
        stamp = self._stamp(tenant_id, emitter_id)
        if stamp is None:
            return None
        self._refuse_unconfigured()
        if stamp.certificate_id is None:
            raise self._no_certificate(stamp.cnpj)
        with self._lock:
            loaded = self._loaded.get(emitter_id)
        if (loaded is not None and loaded.tenant_id == tenant_id and loaded.version == stamp.version
                and loaded.cert_id == stamp.certificate_id):
            return loaded.context
        # Changed (or first use): the full row, read now (it may be newer than the stamp: it is cached
        # under its own version, never under the stamp's).
        with self.db.read() as conn:
            versioned = load_emitente_versioned(conn, self.keyring, tenant_id, emitter_id)
            active = SqlCertificateRepository(self.db, conn).active(emitter_id)
        if versioned is None:
            return None
        emitente, version = versioned
        if active is None:
            raise self._no_certificate(emitente.cnpj)
        with self._lock:
            cached = self._certs.get(emitter_id)
        if cached is None or cached.cert_id != active.id:
            store = CertificateStore(SqlCertificateRepository(self.db), self.keyring)
            pfx, password = store.reveal(active)
            a1 = load_pkcs12(pfx, password)
            built = _Certificate(active.id, a1, pfx, password, RateLimiter(self.clock), CircuitBreaker(self.clock))
            with self._lock:
                cached = self._certs.get(emitter_id)
                if cached is None or cached.cert_id != built.cert_id:  # else another thread was first:
                    replaced, cached = cached, built  # one limiter and breaker per certificate
                    self._certs[emitter_id] = built
                else:
                    replaced = None
            if replaced is not None and replaced.transport is not None:
                replaced.transport.close()  # idle connections of the old A1 (calls in flight finish)
        context = EmitterSefaz(emitente, cached.a1, cached, self.settings, self.clock)
        with self._lock:
            self._loaded[emitter_id] = _Loaded(tenant_id, version, cached.cert_id, context)
        return context


__all__ = ["ENV_TRUST", "ENV_URL", "CallableClock", "EmitterSefaz", "SefazSettings", "SqlEmitterDirectory"]
