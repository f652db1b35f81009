"""Bling API v3 (ERP/contabilidade): contas a receber, two-way, with OAuth 2.0.

Sources (read 2026-12): developer.bling.com.br/autenticacao and /aplicativos (authorization code
flow: POST /Api/v3/oauth/token with ``Authorization: Basic base64(client_id:client_secret)`` and
form ``grant_type=authorization_code&code=...``; renewal with ``grant_type=refresh_token``; answer
``access_token``, ``expires_in`` (21600 s), ``token_type`` Bearer, ``scope``, ``refresh_token``; a
used code or a revoked refresh token answer ``invalid_grant``); developer.bling.com.br/referencia
(``/contas/receber``: POST creates and answers 201 ``{"data": {"id": ...}}``, PUT
``/contas/receber/{id}`` updates, GET lists with ``pagina``/``limite`` and answers ``{"data": [...]}``;
errors ``{"error": {"type", "message", "description", "fields": [{"code", "msg", "element"}]}}``
with types such as VALIDATION_ERROR, invalid_token, RESOURCE_NOT_FOUND, TOO_MANY_REQUESTS). Limits:
3 requests/s per account (the stand-in enforces nothing of that; the client sends serially).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from engine.integrations.catalog import CatalogEntry, entry
from engine.integrations.connectors.base import Pushed, RecordFailure, basic, call, generic_http_error, https_base
from engine.integrations.http import HttpRequest, HttpResponse, HttpTransport, json_body
from engine.integrations.mapping import apply, merge, reverse
from engine.integrations.model import ConnectorFailure, Credentials, IntegrationError, ProviderError

DEFAULT_BASE = "https://www.bling.com.br/Api/v3"
# Our conta a receber -> Bling's ContasReceber fields.
DEFAULT_MAPPING = {
    "vencimento": "vencimento",
    "valor": "valor",
    "data_emissao": "dataEmissao",
    "descricao": "historico",
    "documento": "numeroDocumento",
    "contato_id": "contato.id",
}
TARGETS = frozenset({"vencimento", "valor", "dataEmissao", "historico", "numeroDocumento", "contato.id",
                     "competencia", "ocorrencia.tipo"})
_PAGE = 100
_MAX_PAGES = 1000
_SKEW = timedelta(seconds=60)  # renew a token a minute before it expires


def _money(value: Any) -> str:
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return str(value)


def _bling_error(resp: HttpResponse, key: str | None) -> tuple[ProviderError, bool]:
    body = resp.json()
    err = body.get("error", {}) if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    kind = err.get("type") or ""
    detail = f"{kind}: {err.get('description') or err.get('message') or ''}".strip()
    if kind in ("invalid_token", "invalid_grant", "invalid_client", "unauthorized_client") or resp.status == 401:
        return ProviderError("AUTENTICACAO_TOKEN_EXPIRADO", "Token expirado ou autorização revogada no Bling",
                             "Renovar token na configuração (autorizar o aplicativo novamente no Bling)",
                             detail=detail), True
    if resp.status == 403:
        return ProviderError("AUTENTICACAO_PERMISSAO", "O aplicativo não tem o escopo de Contas a Receber",
                             "Incluir o escopo Contas a Receber no aplicativo do Bling e autorizar novamente",
                             detail=detail), True
    if kind == "VALIDATION_ERROR":
        fields = err.get("fields") or []
        parts = [f"{f.get('element')}: {f.get('msg')}" for f in fields if isinstance(f, dict)]
        return ProviderError("BLING_VALIDACAO", "O Bling recusou a conta a receber: " + ("; ".join(parts) or
                                                                                          err.get("message", "")),
                             "Corrigir o campo indicado no Ortho+ ou o mapeamento e sincronizar novamente",
                             record=key, detail=detail), False
    if kind == "RESOURCE_NOT_FOUND" or resp.status == 404:
        return ProviderError("BLING_NAO_ENCONTRADO", "A conta a receber não existe mais no Bling",
                             "Verificar se foi excluída no Bling; sincronize para recriá-la", record=key,
                             detail=detail), False
    return generic_http_error(resp.status, detail, key), False


class BlingConnector:
    def __init__(self, *, settings: Mapping[str, Any], credentials: Credentials, transport: HttpTransport,
                 now: datetime, mapping: Mapping[str, Any] | None = None) -> None:
        self.entry: CatalogEntry = entry("bling")  # type: ignore[assignment]
        self.base = https_base(str(settings.get("base_url") or DEFAULT_BASE), "base_url")
        self.redirect_uri = str(settings.get("redirect_uri") or "")
        self.default_contato = settings.get("contato_id_padrao")
        if self.default_contato is not None and not re.fullmatch(r"[0-9]{1,18}", str(self.default_contato)):
            raise IntegrationError("contato_id_padrao deve ser o id numérico de um contato do Bling",
                                   path="settings.contato_id_padrao")
        self.mapping = merge(DEFAULT_MAPPING, mapping, targets=TARGETS)
        self.creds = dict(credentials.values)
        self.transport, self.now = transport, now
        self._changed = False

    # -- OAuth 2.0 -------------------------------------------------------------------------------
    def _token_request(self, form: dict[str, str]) -> None:
        cid, secret = self.creds.get("client_id", ""), self.creds.get("client_secret", "")
        Credentials({"client_id": cid, "client_secret": secret}).require("client_id", "client_secret")
        headers = {"Authorization": basic(cid, secret), "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "1.0"}
        resp = call(self.transport, HttpRequest("POST", f"{self.base}/oauth/token", headers,
                                                urlencode(form).encode("ascii")))
        body = resp.json()
        if resp.status != 200 or not isinstance(body, dict) or "access_token" not in body:
            error, _ = _bling_error(resp, None)
            raise ConnectorFailure(error)
        self.creds["access_token"] = str(body["access_token"])
        self.creds["refresh_token"] = str(body.get("refresh_token") or self.creds.get("refresh_token", ""))
        expires = int(body.get("expires_in") or 21600)
        self.creds["expires_at"] = (self.now + timedelta(seconds=expires)).isoformat()
        self.creds.pop("authorization_code", None)  # a code is single-use
        self._changed = True

    def _ensure_token(self, *, force: bool = False) -> str:
        token, expires_at = self.creds.get("access_token"), self.creds.get("expires_at")
        fresh = token and expires_at and datetime.fromisoformat(expires_at) - _SKEW > self.now
        if fresh and not force:
            return str(token)
        if self.creds.get("authorization_code"):
            form = {"grant_type": "authorization_code", "code": self.creds["authorization_code"]}
            if self.redirect_uri:
                form["redirect_uri"] = self.redirect_uri
            self._token_request(form)
        elif self.creds.get("refresh_token"):
            self._token_request({"grant_type": "refresh_token", "refresh_token": self.creds["refresh_token"]})
        else:
            Credentials(self.creds).require("authorization_code")
        return self.creds["access_token"]

    def _api(self, method: str, path: str, body: Any = None, *, key: str | None = None) -> HttpResponse:
        for attempt in (0, 1):
            token = self._ensure_token(force=attempt == 1)
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            payload = None
            if body is not None:
                headers["Content-Type"] = "application/json"
                payload = json_body(body)
            resp = call(self.transport, HttpRequest(method, f"{self.base}{path}", headers, payload,
                                                    idempotent=method in ("GET", "PUT")))
            if resp.status == 401 and attempt == 0:
                continue  # the access token was revoked or expired early: renew once and repeat
            return resp
        return resp

    def updated_credentials(self) -> dict[str, str] | None:
        return dict(self.creds) if self._changed else None

    # -- connector -------------------------------------------------------------------------------
    def test_connection(self) -> str:
        resp = self._api("GET", "/contas/receber?" + urlencode({"pagina": 1, "limite": 1}))
        if resp.status != 200:
            error, _ = _bling_error(resp, None)
            raise ConnectorFailure(error)
        return "Autorização OAuth válida; contas a receber acessíveis"

    def _body(self, record: Mapping[str, Any]) -> dict[str, Any]:
        data = {**record}
        if data.get("valor") is not None:
            data["valor"] = float(Decimal(str(data["valor"])).quantize(Decimal("0.01")))  # JSON number on the wire
        if data.get("contato_id") is None and self.default_contato is not None:
            data["contato_id"] = self.default_contato
        if data.get("contato_id") is not None:
            data["contato_id"] = int(data["contato_id"])
        return apply(data, self.mapping)

    def push(self, key: str, record: Mapping[str, Any], remote_id: str | None) -> Pushed:
        for name in ("vencimento", "valor"):
            if record.get(name) in (None, ""):
                raise RecordFailure(ProviderError("REGISTRO_INCOMPLETO", f"Campo obrigatório ausente: {name}",
                                                  "Completar a conta a receber no Ortho+", record=key))
        try:
            valor = Decimal(str(record["valor"]))
        except InvalidOperation:
            valor = Decimal("NaN")
        if not valor.is_finite():
            raise RecordFailure(ProviderError("REGISTRO_INVALIDO", f"valor inválido: {record['valor']!r}",
                                              "Informar o valor com ponto decimal (ex.: 350.00)", record=key))
        contato = record.get("contato_id")
        if contato is not None and not re.fullmatch(r"[0-9]{1,18}", str(contato)):
            raise RecordFailure(ProviderError("REGISTRO_INVALIDO", f"contato_id inválido: {contato!r}",
                                              "Informar o id numérico do contato no Bling", record=key))
        body = self._body(record)
        if remote_id:
            resp = self._api("PUT", f"/contas/receber/{remote_id}", body, key=key)
            if resp.status in (200, 204):
                return Pushed(remote_id, self.comparable(record))
        else:
            # POST is not retried (a retry could create the receivable twice).
            resp = self._api("POST", "/contas/receber", body, key=key)
            if resp.status in (200, 201):
                data = (resp.json() or {}).get("data") or {}
                return Pushed(str(data.get("id", "")), self.comparable(record))
        error, whole = _bling_error(resp, key)
        raise ConnectorFailure(error) if whole else RecordFailure(error)

    def pull(self) -> dict[str, Mapping[str, Any]]:
        out: dict[str, Mapping[str, Any]] = {}
        for page in range(1, _MAX_PAGES + 1):
            resp = self._api("GET", "/contas/receber?" + urlencode({"pagina": page, "limite": _PAGE}))
            if resp.status != 200:
                error, _ = _bling_error(resp, None)
                raise ConnectorFailure(error)
            items = (resp.json() or {}).get("data") or []
            for item in items:
                if isinstance(item, dict) and item.get("id") is not None:
                    out[str(item["id"])] = self.comparable(reverse(item, self.mapping))
            if len(items) < _PAGE:
                break
        return out

    def comparable(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Only the mapped fields, money as a 2-place string, ids as strings: equal data, equal print."""
        out: dict[str, Any] = {}
        for name in self.mapping:
            value = record.get(name)
            if name == "contato_id" and value is None:
                value = self.default_contato
            if value is None:
                continue
            out[name] = _money(value) if name == "valor" else str(value)
        return out
