"""The HTTP transport of the integration connectors (engine.integrations.http.HttpTransport) over
httpx: HTTPS only, a trust store setting, timeouts, and retries only when they are safe.

Settings (environment):

* ``ORTHO_INTEGRATIONS_TRUST_PEM``: PEM bundle of the CAs trusted for provider APIs (default: the
  system store). The loopback stand-ins in tests use the test PKI's ``ca.pem`` here.
* ``ORTHO_INTEGRATIONS_TIMEOUT``: seconds per request (default 15; connect 5).

Retries: a request the engine marks ``idempotent`` (GETs, PUTs, and POSTs carrying an
``Idempotency-Key``) is retried twice on no answer or 429/502/503/504, honouring ``Retry-After``
up to 30 s; everything else is sent once, because a repeated POST could message a patient twice or
create a receivable twice. Headers (credentials) are never logged.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from engine.integrations.http import HttpRequest, HttpResponse, TransportFailure

ENV_TRUST = "ORTHO_INTEGRATIONS_TRUST_PEM"
ENV_TIMEOUT = "ORTHO_INTEGRATIONS_TIMEOUT"
_RETRY_STATUS = frozenset({429, 502, 503, 504})
_MAX_RETRY_AFTER = 30.0


@dataclass
class HttpxTransport:
    trust_pem: str | None = None
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.5
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: object) -> HttpxTransport:
        timeout = float(env.get(ENV_TIMEOUT) or 15)
        return cls(trust_pem=env.get(ENV_TRUST) or None, timeout=timeout, **overrides)  # type: ignore[arg-type]

    def _http(self) -> httpx.Client:
        if self._client is None:
            ctx = ssl.create_default_context(cafile=self.trust_pem) if self.trust_pem else ssl.create_default_context()
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            self._client = httpx.Client(verify=ctx, timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout)),
                                        follow_redirects=False, trust_env=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def send(self, request: HttpRequest) -> HttpResponse:
        if not request.url.startswith("https://"):
            raise TransportFailure(f"somente HTTPS é permitido para provedores: {request.url.split('?')[0]}", tls=True)
        attempts = 1 + (self.retries if request.idempotent else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                resp = self._http().request(request.method, request.url, headers=dict(request.headers),
                                            content=request.body)
            except httpx.ConnectError as exc:
                tls = isinstance(exc.__cause__, ssl.SSLError) or "CERTIFICATE" in str(exc).upper()
                if tls or last:
                    raise TransportFailure(_describe(exc), tls=tls) from exc
                self.sleep(self.backoff * 2**attempt)
                continue
            except httpx.HTTPError as exc:
                if last:
                    raise TransportFailure(_describe(exc)) from exc
                self.sleep(self.backoff * 2**attempt)
                continue
            if resp.status_code in _RETRY_STATUS and not last:
                self.sleep(_retry_after(resp.headers.get("retry-after"), self.backoff * 2**attempt))
                continue
            return HttpResponse(resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.content)
        raise AssertionError("unreachable")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _retry_after(value: str | None, default: float) -> float:
    if value and value.strip().isdigit():
        return min(float(value.strip()), _MAX_RETRY_AFTER)
    return default
