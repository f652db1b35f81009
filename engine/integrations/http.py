"""The HTTP port the connectors speak through (adapters.integrations_http implements it).

The engine builds requests and reads responses; the adapter does TLS, timeouts and the retries
that are safe (``idempotent=True``: GETs and requests carrying an idempotency key)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may carry credentials
    body: bytes | None = None
    idempotent: bool = False


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, ValueError):
            return None


class TransportFailure(Exception):
    """No HTTP answer: timeout, connection refused, TLS failure (``tls`` True)."""

    def __init__(self, detail: str, *, tls: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.tls = tls


class HttpTransport(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse: ...


def json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
