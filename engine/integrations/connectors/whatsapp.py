"""WhatsApp Business Cloud API (Meta Graph API): template messages for appointment reminders and
confirmations.

Sources (read 2026-12): developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
(POST /{Phone-Number-ID}/messages, ``messaging_product: whatsapp``, ``type: template``,
``template.name``/``language.code``/``components[].parameters[]``; answer ``messages[0].id``);
developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes (the Graph
error object ``{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"},
"fbtrace_id"}}`` and the codes mapped below). Authentication: ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from engine.integrations.catalog import CatalogEntry, entry
from engine.integrations.connectors import messaging
from engine.integrations.connectors.base import Pushed, RecordFailure, call, generic_http_error, https_base
from engine.integrations.http import HttpRequest, HttpResponse, HttpTransport, json_body
from engine.integrations.model import ConnectorFailure, Credentials, IntegrationError, ProviderError

DEFAULT_BASE = "https://graph.facebook.com/v21.0"
# Template body parameters, in order ({{1}}, {{2}}, ...): our field per position.
DEFAULT_MAPPING = {"1": "paciente_nome", "2": "data", "3": "hora", "4": "profissional"}
_POSITIONS = frozenset(messaging.SOURCE_FIELDS)

_TOKEN = ("AUTENTICACAO_TOKEN_EXPIRADO", "Token expirado ou inválido",
          "Renovar token na configuração (gere um token de sistema permanente no Meta Business)")


def _graph_error(resp: HttpResponse, key: str | None) -> tuple[ProviderError, bool]:
    """(error, whole_run): the Cloud API's error codes mapped to an action."""
    body = resp.json()
    err = body.get("error", {}) if isinstance(body, dict) else {}
    code = err.get("code")
    details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
    detail = f"code {code}: {err.get('message', '')}" + (f" ({details})" if details else "")
    if code == 190:
        return ProviderError(*_TOKEN, detail=detail), True
    if code in (10, 200, 3):
        return ProviderError("AUTENTICACAO_PERMISSAO", "O token não tem permissão para enviar mensagens",
                             "Gerar um token com as permissões whatsapp_business_messaging e "
                             "whatsapp_business_management", detail=detail), True
    if code == 132001:
        return ProviderError("TEMPLATE_INEXISTENTE", "Template de mensagem inexistente ou não aprovado no idioma",
                             "Criar e aprovar o template no WhatsApp Manager ou corrigir o nome na configuração",
                             detail=detail), True
    if code == 132000:
        return ProviderError("TEMPLATE_PARAMETROS", "Número de parâmetros diferente do template aprovado",
                             "Ajustar o mapeamento de parâmetros da integração ao template", detail=detail), True
    if code == 133010:
        return ProviderError("NUMERO_NAO_REGISTRADO", "O número da clínica não está registrado na Cloud API",
                             "Concluir o registro do número no WhatsApp Manager", detail=detail), True
    if code == 131030:
        return ProviderError("DESTINATARIO_NAO_PERMITIDO", "Número do paciente fora da lista de permitidos",
                             "Adicionar o número na lista do app de teste na Meta ou usar um número de produção",
                             record=key, detail=detail), False
    if code == 131026:
        return ProviderError("MENSAGEM_NAO_ENTREGAVEL", "O paciente não pode receber mensagens no WhatsApp",
                             "Confirmar o número com o paciente ou usar SMS/e-mail", record=key, detail=detail), False
    if code in (4, 80007, 130429, 131048, 131056):
        return ProviderError("LIMITE_DE_ENVIO", "Limite de envio do WhatsApp atingido",
                             "Aguardar e sincronizar novamente; reduza a frequência de envios",
                             retryable=True, record=key, detail=detail), False
    if code == 100:
        return ProviderError("PARAMETRO_INVALIDO", "Parâmetro inválido na mensagem",
                             "Verificar o telefone do paciente e o mapeamento do template", record=key,
                             detail=detail), False
    return generic_http_error(resp.status, detail, key), resp.status in (401, 403)


class WhatsAppConnector:
    def __init__(self, *, settings: Mapping[str, Any], credentials: Credentials, transport: HttpTransport,
                 mapping: Mapping[str, Any] | None = None) -> None:
        self.entry: CatalogEntry = entry("whatsapp-cloud")  # type: ignore[assignment]
        self.base = https_base(str(settings.get("base_url") or DEFAULT_BASE), "base_url")
        self.phone_number_id = str(settings.get("phone_number_id") or "")
        if not self.phone_number_id.isdigit():
            raise IntegrationError("phone_number_id (ID do número no WhatsApp Business) deve ser numérico",
                                   path="settings.phone_number_id")
        self.templates = {"lembrete": str(settings.get("template_lembrete") or "lembrete_consulta"),
                          "confirmacao": str(settings.get("template_confirmacao") or "confirmacao_consulta")}
        self.language = str(settings.get("idioma") or "pt_BR")
        self.mapping = self._parameters(mapping)
        self.credentials = credentials
        self.transport = transport

    @staticmethod
    def _parameters(overrides: Mapping[str, Any] | None) -> dict[str, str]:
        # Here the mapping is position -> our field; positions are "1".."10".
        out = dict(DEFAULT_MAPPING)
        for pos, ours in (overrides or {}).items():
            if not re.fullmatch(r"[0-9]{1,2}", str(pos)) or not 1 <= int(pos) <= 10:
                raise IntegrationError(f"posição de parâmetro inválida: {pos!r} (use 1 a 10)", path=f"mapping.{pos}")
            if ours is None:
                out.pop(str(pos), None)
            elif ours not in _POSITIONS:
                raise IntegrationError(f"campo desconhecido no mapeamento: {ours!r}", path=f"mapping.{pos}")
            else:
                out[str(pos)] = str(ours)
        return out

    def _headers(self) -> dict[str, str]:
        self.credentials.require("access_token")
        return {"Authorization": f"Bearer {self.credentials.get('access_token')}", "Content-Type": "application/json"}

    def test_connection(self) -> str:
        url = f"{self.base}/{quote(self.phone_number_id)}?fields=display_phone_number,verified_name,quality_rating"
        resp = call(self.transport, HttpRequest("GET", url, self._headers(), idempotent=True))
        if resp.status != 200:
            error, _ = _graph_error(resp, None)
            raise ConnectorFailure(error)
        body = resp.json() or {}
        return f"Número {body.get('display_phone_number', '?')} ({body.get('verified_name', '?')}) verificado"

    def message_body(self, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
        vals = messaging.values(key, record)
        to = messaging.phone(key, record.get("paciente_telefone"))
        params = [{"type": "text", "text": str(vals.get(self.mapping[p], ""))}
                  for p in sorted(self.mapping, key=int)]
        return {
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"),
            "type": "template",
            "template": {"name": self.templates[str(record["tipo"])], "language": {"code": self.language},
                         "components": [{"type": "body", "parameters": params}]},
        }

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        body = self.message_body(key, record)
        url = f"{self.base}/{quote(self.phone_number_id)}/messages"
        # Not retried: the Cloud API has no idempotency key, a retry could message the patient twice.
        resp = call(self.transport, HttpRequest("POST", url, self._headers(), json_body(body)))
        if resp.status == 200:
            data = resp.json() or {}
            messages = data.get("messages") or [{}]
            return Pushed(str(messages[0].get("id", "")))
        error, whole = _graph_error(resp, key)
        raise ConnectorFailure(error) if whole else RecordFailure(error)

    def pull(self) -> dict[str, Mapping[str, Any]]:
        return {}

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return dict(record)

    def updated_credentials(self) -> dict[str, str] | None:
        return None
