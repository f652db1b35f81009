"""What every connector offers, and the helpers they share."""

from __future__ import annotations

import base64
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.integrations.catalog import CatalogEntry
from engine.integrations.http import HttpRequest, HttpResponse, HttpTransport, TransportFailure
from engine.integrations.model import (
    ConnectorFailure,
    Credentials,
    IntegrationError,
    ProviderError,
    tls_error,
    transport_error,
)


class RecordFailure(Exception):
    """One record was refused; the run goes on with the next one."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.mensagem)
        self.error = error


@dataclass(frozen=True, slots=True)
class Pushed:
    remote_id: str
    remote: Mapping[str, Any] | None = None  # the remote version after the write (two-way cursors)


class Connector(Protocol):
    entry: CatalogEntry

    def test_connection(self) -> str:
        """A pt-BR description of what was verified; raises ConnectorFailure."""
        ...

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        """Send one record; raises RecordFailure (this record) or ConnectorFailure (the whole run)."""
        ...

    def pull(self) -> dict[str, Mapping[str, Any]]:
        """Two-way connectors: remote id -> record in OUR field names. Others return {}."""
        ...

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of one of our records that two-way sync compares, normalised like ``pull``."""
        ...

    def updated_credentials(self) -> dict[str, str] | None:
        """New credentials to store sealed (OAuth token refresh), or None."""
        ...


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def call(transport: HttpTransport, request: HttpRequest) -> HttpResponse:
    """Send, turning the absence of an answer into the run-level failure the log shows."""
    try:
        return transport.send(request)
    except TransportFailure as exc:
        raise ConnectorFailure(tls_error(exc.detail) if exc.tls else transport_error(exc.detail)) from exc


def require_fields(key: str, record: Mapping[str, Any], *names: str) -> None:
    missing = [n for n in names if record.get(n) in (None, "")]
    if missing:
        raise RecordFailure(ProviderError(
            "REGISTRO_INCOMPLETO", f"Campos obrigatórios ausentes: {', '.join(missing)}",
            "Completar o cadastro no Ortho+ e sincronizar novamente", record=key,
        ))


def https_base(url: str, field: str) -> str:
    """Every provider is reached over HTTPS; a plain http:// base is a configuration error."""
    if not url.startswith("https://"):
        raise IntegrationError(f"o endereço do provedor deve usar HTTPS: {url!r}", path=f"settings.{field}")
    return url.rstrip("/")


def check_template(template: str, fields: tuple[str, ...], path: str) -> str:
    """A text template may only use ``{campo}`` placeholders of ``fields``: no format specs, no
    attribute or index access (a template is configuration typed by the clinic, not code)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise IntegrationError(f"modelo de texto inválido: {exc}", path=path) from exc
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in fields or spec or conversion:
            raise IntegrationError(
                f"campo inválido no modelo de texto: {{{name}}} (use {', '.join('{' + f + '}' for f in fields)})",
                path=path)
    if len(template) > 2000:
        raise IntegrationError("o modelo de texto deve ter até 2000 caracteres", path=path)
    return template


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Message text from a checked template with ``{campo}`` placeholders (plain text, never markup)."""
    names = {name for _t, name, _s, _c in string.Formatter().parse(template) if name}
    return template.format_map({n: "" if values.get(n) is None else str(values[n]) for n in names})


def local_parts(value: str) -> tuple[str, str]:
    """``2026-12-10T14:30`` -> ("10/12/2026", "14:30"): how a Brazilian patient reads a date."""
    dt = datetime.fromisoformat(value)
    return dt.strftime("%d/%m/%Y"), dt.strftime("%H:%M")


def generic_http_error(status: int, detail: str, key: str | None) -> ProviderError:
    if status >= 500 or status == 429:
        return ProviderError("PROVEDOR_INDISPONIVEL", f"O provedor respondeu HTTP {status} (instabilidade ou limite)",
                             "Aguardar e tentar a sincronização novamente", retryable=True, record=key, detail=detail)
    return ProviderError("PROVEDOR_RECUSOU", f"O provedor recusou a requisição (HTTP {status})",
                         "Verificar a configuração da integração e os dados do registro", record=key, detail=detail)


def credentials_of(values: Mapping[str, str]) -> Credentials:
    return Credentials(dict(values))
