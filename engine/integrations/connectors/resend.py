"""Resend e-mail: POST /emails with ``Authorization: Bearer re_...``.

Sources (read 2026-12): resend.com/docs/api-reference/emails/send-email (body ``from``, ``to``,
``subject``, ``html``/``text``, ``tags``; answer ``{"id": ...}``; header ``Idempotency-Key``, kept
24 h, which makes a retry safe); resend.com/docs/api-reference/errors (``{"statusCode", "message",
"name"}``: missing_api_key 401, restricted_api_key 401, invalid_api_key 403, validation_error
400/403/422, missing_required_field 422, rate_limit_exceeded 429, daily_quota_exceeded 429,
application_error 500); resend.com/docs/api-reference/domains/list-domains (GET /domains, which a
sending-only key answers with restricted_api_key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.integrations.catalog import CatalogEntry, entry
from engine.integrations.connectors import messaging
from engine.integrations.connectors.base import (
    Pushed,
    RecordFailure,
    call,
    check_template,
    fill,
    generic_http_error,
    https_base,
)
from engine.integrations.http import HttpRequest, HttpResponse, HttpTransport, json_body
from engine.integrations.model import ConnectorFailure, Credentials, IntegrationError, ProviderError

DEFAULT_BASE = "https://api.resend.com"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FROM = re.compile(r"^(?:[^<>]*<)?[^@\s<>]+@([^@\s<>]+)>?$")


def _error(resp: HttpResponse, key: str | None) -> tuple[ProviderError, bool]:
    body = resp.json()
    name = body.get("name") if isinstance(body, dict) else None
    message = body.get("message", "") if isinstance(body, dict) else ""
    detail = f"{name}: {message}" if name else f"HTTP {resp.status}"
    if name in ("missing_api_key", "invalid_api_key") or (name == "validation_error" and "API key" in message):
        return ProviderError("AUTENTICACAO_CHAVE_INVALIDA", "Chave de API do Resend inválida ou ausente",
                             "Gerar uma nova chave em resend.com/api-keys e atualizar a configuração",
                             detail=detail), True
    if name == "validation_error" and resp.status == 403:
        return ProviderError("DOMINIO_NAO_VERIFICADO", "O domínio do remetente não está verificado no Resend",
                             "Verificar o domínio (registros DNS) no painel do Resend ou trocar o remetente",
                             detail=detail), True
    if name == "daily_quota_exceeded":
        return ProviderError("COTA_DIARIA_ESGOTADA", "Cota diária de e-mails do Resend esgotada",
                             "Aguardar a renovação da cota ou ampliar o plano no Resend", detail=detail), True
    if name in ("validation_error", "missing_required_field", "invalid_parameter"):
        return ProviderError("EMAIL_RECUSADO", "O Resend recusou o e-mail (campo inválido)",
                             "Verificar o e-mail do paciente e o remetente configurado", record=key,
                             detail=detail), False
    if name == "rate_limit_exceeded":
        return ProviderError("LIMITE_DE_ENVIO", "Limite de requisições do Resend atingido",
                             "Aguardar e sincronizar novamente", retryable=True, record=key, detail=detail), False
    return generic_http_error(resp.status, detail, key), resp.status in (401, 403)


class ResendConnector:
    def __init__(self, *, settings: Mapping[str, Any], credentials: Credentials, transport: HttpTransport,
                 integration_id: str, mapping: Mapping[str, Any] | None = None) -> None:
        self.entry: CatalogEntry = entry("resend")  # type: ignore[assignment]
        self.base = https_base(str(settings.get("base_url") or DEFAULT_BASE), "base_url")
        sender = str(settings.get("from") or "")
        m = _FROM.match(sender)
        if not m:
            raise IntegrationError("remetente inválido: use 'Clínica <contato@dominio.com.br>'", path="settings.from")
        self.sender, self.domain = sender, m.group(1)
        self.texts = {t: check_template(str(settings.get(f"texto_{t}") or messaging.DEFAULT_TEXTS[t]),
                                        messaging.SOURCE_FIELDS, f"settings.texto_{t}") for t in messaging.TIPOS}
        self.subjects = {t: check_template(str(settings.get(f"assunto_{t}") or messaging.DEFAULT_SUBJECTS[t]),
                                           messaging.SOURCE_FIELDS, f"settings.assunto_{t}") for t in messaging.TIPOS}
        self.to_field = str((mapping or {}).get("to") or "paciente_email")
        if self.to_field not in messaging.SOURCE_FIELDS:
            raise IntegrationError(f"campo desconhecido no mapeamento: {self.to_field!r}", path="mapping.to")
        self.credentials, self.transport, self.integration_id = credentials, transport, integration_id

    def _headers(self) -> dict[str, str]:
        self.credentials.require("api_key")
        return {"Authorization": f"Bearer {self.credentials.get('api_key')}", "Content-Type": "application/json"}

    def test_connection(self) -> str:
        resp = call(self.transport, HttpRequest("GET", f"{self.base}/domains", self._headers(), idempotent=True))
        body = resp.json()
        if resp.status == 401 and isinstance(body, dict) and body.get("name") == "restricted_api_key":
            # A sending-only key (the recommended least privilege) cannot list domains: it is valid.
            return "Chave válida (restrita a envio); domínio do remetente não pôde ser conferido"
        if resp.status != 200:
            error, _ = _error(resp, None)
            raise ConnectorFailure(error)
        domains = {d.get("name"): d.get("status") for d in (body or {}).get("data", []) if isinstance(d, dict)}
        status = domains.get(self.domain)
        if status != "verified":
            raise ConnectorFailure(ProviderError(
                "DOMINIO_NAO_VERIFICADO", f"O domínio {self.domain} não está verificado no Resend (status: {status})",
                "Verificar o domínio (registros DNS) no painel do Resend ou trocar o remetente",
            ))
        return f"Chave válida; domínio {self.domain} verificado"

    def email_body(self, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
        vals = messaging.values(key, record)
        to = str(record.get(self.to_field) or "")
        if not _EMAIL.match(to):
            raise RecordFailure(ProviderError("EMAIL_INVALIDO", f"E-mail do paciente inválido: {to!r}",
                                              "Corrigir o e-mail no cadastro do paciente", record=key))
        tipo = str(record["tipo"])
        return {"from": self.sender, "to": [to], "subject": fill(self.subjects[tipo], vals),
                "text": fill(self.texts[tipo], vals), "tags": [{"name": "tipo", "value": tipo}]}

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        body = self.email_body(key, record)
        headers = {**self._headers(), "Idempotency-Key": f"{self.integration_id}-{key}"[:256]}
        resp = call(self.transport, HttpRequest("POST", f"{self.base}/emails", headers, json_body(body),
                                                idempotent=True))
        if resp.status == 200:
            return Pushed(str((resp.json() or {}).get("id", "")))
        error, whole = _error(resp, key)
        raise ConnectorFailure(error) if whole else RecordFailure(error)

    def pull(self) -> dict[str, Mapping[str, Any]]:
        return {}

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return dict(record)

    def updated_credentials(self) -> dict[str, str] | None:
        return None
