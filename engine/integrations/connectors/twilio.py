"""Twilio SMS: the Messages resource of the 2010-04-01 REST API.

Sources (read 2026-12): twilio.com/docs/messaging/api/message-resource (POST
/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded ``To``, ``From`` or
``MessagingServiceSid``, ``Body``; answer 201 with ``sid`` SM... and ``status``);
twilio.com/docs/usage/twilios-response (JSON error ``{"code", "message", "more_info", "status"}``);
twilio.com/docs/api/errors (20003 authentication, 20429 too many requests, 21211 invalid To, 21408
region not enabled, 21606/21659 From not usable, 21608 unverified number on a trial account, 21610
unsubscribed recipient, 21614 not a mobile number). HTTP Basic auth with Account SID : Auth Token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from engine.integrations.catalog import CatalogEntry, entry
from engine.integrations.connectors import messaging
from engine.integrations.connectors.base import (
    Pushed,
    RecordFailure,
    basic,
    call,
    check_template,
    fill,
    generic_http_error,
    https_base,
)
from engine.integrations.http import HttpRequest, HttpResponse, HttpTransport
from engine.integrations.model import ConnectorFailure, Credentials, IntegrationError, ProviderError

DEFAULT_BASE = "https://api.twilio.com"
_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


def _error(resp: HttpResponse, key: str | None) -> tuple[ProviderError, bool]:
    body = resp.json()
    code = body.get("code") if isinstance(body, dict) else None
    detail = f"{code}: {body.get('message', '')}" if isinstance(body, dict) else f"HTTP {resp.status}"
    if code == 20003 or resp.status == 401:
        return ProviderError("AUTENTICACAO_CREDENCIAIS", "Account SID ou Auth Token do Twilio inválidos",
                             "Conferir o Account SID e o Auth Token no Console do Twilio e atualizar a configuração",
                             detail=detail), True
    if code in (21606, 21659, 21212):
        return ProviderError("REMETENTE_INVALIDO", "O número remetente não pode enviar SMS por esta conta",
                             "Configurar um número Twilio com SMS habilitado ou um Messaging Service",
                             detail=detail), True
    if code == 21211:
        return ProviderError("TELEFONE_INVALIDO", "Telefone do paciente inválido para o Twilio",
                             "Corrigir o telefone no cadastro do paciente (formato +55 DDD número)",
                             record=key, detail=detail), False
    if code == 21608:
        return ProviderError("NUMERO_NAO_VERIFICADO", "Conta de teste do Twilio: número do paciente não verificado",
                             "Verificar o número no Console do Twilio ou ativar a conta paga", record=key,
                             detail=detail), False
    if code == 21610:
        return ProviderError("DESCADASTRADO", "O paciente pediu para não receber SMS (respondeu STOP)",
                             "Usar outro canal (WhatsApp/e-mail); o paciente precisa responder START para voltar",
                             record=key, detail=detail), False
    if code == 21408:
        return ProviderError("REGIAO_NAO_HABILITADA", "Envio de SMS para o país do paciente não habilitado",
                             "Habilitar o país em Messaging → Settings → Geo permissions no Twilio",
                             record=key, detail=detail), False
    if code == 21614:
        return ProviderError("NAO_E_CELULAR", "O número do paciente não recebe SMS (não é celular)",
                             "Cadastrar um celular para o paciente", record=key, detail=detail), False
    if code == 20429:
        return ProviderError("LIMITE_DE_ENVIO", "Limite de requisições do Twilio atingido",
                             "Aguardar e sincronizar novamente", retryable=True, record=key, detail=detail), False
    return generic_http_error(resp.status, detail, key), resp.status == 403


class TwilioConnector:
    def __init__(self, *, settings: Mapping[str, Any], credentials: Credentials, transport: HttpTransport,
                 mapping: Mapping[str, Any] | None = None) -> None:
        self.entry: CatalogEntry = entry("twilio")  # type: ignore[assignment]
        self.base = https_base(str(settings.get("base_url") or DEFAULT_BASE), "base_url")
        self.sender = str(settings.get("from") or "")
        self.service = str(settings.get("messaging_service_sid") or "")
        if not self.sender and not self.service:
            raise IntegrationError("informe o número remetente (from) ou o messaging_service_sid", path="settings.from")
        self.texts = {t: check_template(str(settings.get(f"texto_{t}") or messaging.DEFAULT_TEXTS[t]),
                                        messaging.SOURCE_FIELDS, f"settings.texto_{t}") for t in messaging.TIPOS}
        self.to_field = str((mapping or {}).get("To") or "paciente_telefone")
        if self.to_field not in messaging.SOURCE_FIELDS:
            raise IntegrationError(f"campo desconhecido no mapeamento: {self.to_field!r}", path="mapping.To")
        self.credentials, self.transport = credentials, transport

    def _auth(self) -> tuple[str, dict[str, str]]:
        self.credentials.require("account_sid", "auth_token")
        sid = self.credentials.get("account_sid")
        if not _SID.match(sid):
            raise ConnectorFailure(ProviderError(
                "AUTENTICACAO_CREDENCIAIS", "Account SID inválido (deve começar com AC e ter 34 caracteres)",
                "Copiar o Account SID do Console do Twilio"))
        return sid, {"Authorization": basic(sid, self.credentials.get("auth_token"))}

    def test_connection(self) -> str:
        sid, headers = self._auth()
        url = f"{self.base}/2010-04-01/Accounts/{quote(sid)}.json"
        resp = call(self.transport, HttpRequest("GET", url, headers, idempotent=True))
        if resp.status != 200:
            error, _ = _error(resp, None)
            raise ConnectorFailure(error)
        body = resp.json() or {}
        if body.get("status") != "active":
            raise ConnectorFailure(ProviderError(
                "CONTA_INATIVA", f"A conta Twilio está {body.get('status')}", "Reativar a conta no Console do Twilio"))
        return f"Conta {body.get('friendly_name', sid)} ativa"

    def form(self, key: str, record: Mapping[str, Any]) -> dict[str, str]:
        vals = messaging.values(key, record)
        form = {"To": messaging.phone(key, record.get(self.to_field)), "Body": fill(self.texts[str(record["tipo"])],
                                                                                    vals)}
        if self.service:
            form["MessagingServiceSid"] = self.service
        else:
            form["From"] = self.sender
        return form

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        form = self.form(key, record)
        sid, headers = self._auth()
        url = f"{self.base}/2010-04-01/Accounts/{quote(sid)}/Messages.json"
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        # Not retried: a second POST would be a second SMS (the Messages API has no idempotency key).
        resp = call(self.transport, HttpRequest("POST", url, headers, urlencode(form).encode("ascii")))
        if resp.status in (200, 201):
            return Pushed(str((resp.json() or {}).get("sid", "")))
        error, whole = _error(resp, key)
        raise ConnectorFailure(error) if whole else RecordFailure(error)

    def pull(self) -> dict[str, Mapping[str, Any]]:
        return {}

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return dict(record)

    def updated_credentials(self) -> dict[str, str] | None:
        return None
