"""Protocols the adapters implement (design.md: the engine never imports an I/O library).

Kept small on purpose: other areas add their ports here as they need them.

* ``Transport``: one SOAP 1.2 POST over client-certificate TLS (adapters.sefaz_transport).
* ``Clock``: wall-clock time (aware), a monotonic counter and sleeping, injected so that rate
  limits, circuit breakers and polling are testable with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

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

