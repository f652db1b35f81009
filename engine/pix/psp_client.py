"""The one API Pix client: OAuth2 client credentials, each operation's scope, PSP deviations by flag.

I/O goes through ``HttpPort`` (adapters/pix_http.py: HTTPS, mTLS with the PFX in memory, timeouts);
time through ``Clock`` (token expiry on the monotonic scale). A token is requested once with the
configured scopes and reused until ``expires_in - skew``; an operation whose scope the PSP did not grant
is refused before the call, and a 401 drops the cached token and retries once (tokens can be revoked
early, e.g. on credential rotation at the PSP).

Operations (OpenAPI path -> method): cob PUT/POST/GET/PATCH, cobv PUT/GET/PATCH, GET /pix (pages),
GET /pix/{e2eid}, PUT/GET /pix/{e2eid}/devolucao/{id}, PUT/GET/DELETE /webhook/{chave}.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from engine.errors import ConfigurationError, InputError
from engine.pix.api import (
    DEVOLUCAO_ID_RE,
    Cobranca,
    CobRequest,
    CobRevisao,
    CobvRequest,
    Devolucao,
    DevolucaoRequest,
    Pix,
    PixPage,
    PixQuery,
    PspApiError,
    PspResponseError,
    Webhook,
    parse_problem,
    validate_e2eid,
    validate_txid,
)
from engine.pix.psp_credentials import PspCredentials
from engine.pix.psp_profiles import Environment, PspProfile
from engine.ports import Clock, HttpPort, HttpRequest, HttpResponse

__all__ = ["AccessToken", "PspClient"]

_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str
    scopes: frozenset[str]
    valid_until: float  # monotonic seconds, already minus the skew


class PspClient:
    """API Pix client for one PSP profile, one environment and one set of credentials."""

    def __init__(
        self,
        profile: PspProfile,
        credentials: PspCredentials,
        http: HttpPort,
        clock: Clock,
        *,
        environment: Environment = "production",
        scopes: tuple[str, ...] | None = None,
        token_skew_s: float = 60.0,
    ) -> None:
        self.profile = profile
        self.environment: Environment = environment
        self._base = profile.base_url(environment).rstrip("/")
        self._token_url = profile.token_url(environment)
        self._creds = credentials
        self._http = http
        self._clock = clock
        self._scopes = tuple(scopes if scopes is not None else profile.scopes)
        self._skew = token_skew_s
        self._token: AccessToken | None = None
        self._lock = threading.Lock()
        self.tokens_requested = 0  # observable for tests and metrics
        flags = profile.flags
        if (flags.app_key_query_param or flags.app_key_header) and not credentials.app_key:
            raise ConfigurationError(
                f"PSP {profile.nome}: informe a chave de aplicação do desenvolvedor "
                f"({flags.app_key_query_param or flags.app_key_header}), exigida em toda chamada",
                code="PIX_APP_KEY_AUSENTE",
                path="app_key",
            )

    # -- OAuth2 ---------------------------------------------------------------------------------

    def _fetch_token(self) -> AccessToken:
        flags = self.profile.flags
        form: list[tuple[str, str]] = []
        query: list[tuple[str, str]] = []
        headers = [("accept", _JSON), ("content-type", "application/x-www-form-urlencoded")]
        (query if flags.token_grant_type_in_query else form).append(("grant_type", "client_credentials"))
        if flags.token_sends_scope and self._scopes:
            form.append(("scope", " ".join(self._scopes)))
        if flags.token_auth == "basic":  # noqa: S105 - an auth style, not a password
            # RFC 6749 2.3.1: form-urlencode id and secret, then Base64 of "id:secret".
            pair = f"{quote(self._creds.client_id, safe='')}:{quote(self._creds.client_secret, safe='')}"
            headers.append(("authorization", "Basic " + base64.b64encode(pair.encode()).decode("ascii")))
        else:
            form += [("client_id", self._creds.client_id), ("client_secret", self._creds.client_secret)]
        if flags.app_key_header and self._creds.app_key:
            headers.append((flags.app_key_header.lower(), self._creds.app_key))
        response = self._http.send(
            HttpRequest("POST", self._token_url, tuple(headers), tuple(query), urlencode(form).encode("ascii"))
        )
        self.tokens_requested += 1
        if response.status != 200:
            raise parse_problem(response.status, response.body, "obter token OAuth2 do PSP")
        data = _json(response, "token OAuth2")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise PspResponseError("resposta do PSP: access_token ausente no token OAuth2")
        try:
            expires_in = float(data.get("expires_in", 300))
        except (TypeError, ValueError) as exc:
            raise PspResponseError("resposta do PSP: expires_in do token não é um número") from exc
        granted = data.get("scope")
        scopes = frozenset(str(granted).split()) if granted else frozenset(self._scopes)
        # Short-lived tokens (Santander: ~5 min) must not be cached past half their life.
        skew = min(self._skew, expires_in / 2)
        return AccessToken(token, scopes, self._clock.monotonic() + expires_in - skew)

    def access_token(self, scope: str) -> str:
        if scope not in self._scopes:
            raise ConfigurationError(
                f"o escopo '{scope}' não está configurado para o PSP {self.profile.nome}",
                code="PIX_ESCOPO_NAO_CONFIGURADO",
            )
        with self._lock:
            token = self._token
            if token is None or self._clock.monotonic() >= token.valid_until:
                token = self._token = self._fetch_token()
        if scope not in token.scopes:
            raise PspApiError(
                f"o PSP não concedeu o escopo '{scope}' a estas credenciais (concedidos: "
                f"{' '.join(sorted(token.scopes)) or 'nenhum'}); habilite-o no portal do PSP",
                status=403,
                tipo="EscopoNaoConcedido",
            )
        return token.value

    def invalidate_token(self) -> None:
        with self._lock:
            self._token = None

    # -- transport ------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        scope: str,
        operacao: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: list[tuple[str, str]] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> HttpResponse:
        flags = self.profile.flags
        params = list(query or [])
        if flags.app_key_query_param and self._creds.app_key:
            params.append((flags.app_key_query_param, self._creds.app_key))
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8") if body else None
        for attempt in (1, 2):
            headers = [("accept", _JSON), ("authorization", "Bearer " + self.access_token(scope))]
            if payload is not None:
                headers.append(("content-type", _JSON))
            if flags.app_key_header and self._creds.app_key:
                headers.append((flags.app_key_header.lower(), self._creds.app_key))
            response = self._http.send(HttpRequest(method, self._base + path, tuple(headers), tuple(params), payload))
            if response.status == 401 and attempt == 1:
                self.invalidate_token()
                continue
            if response.status not in ok:
                raise parse_problem(response.status, response.body, operacao)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    # -- cob / cobv -----------------------------------------------------------------------------

    def create_cob(self, request: CobRequest, txid: str | None = None) -> Cobranca:
        """PUT /cob/{txid} (our txid) or POST /cob (the PSP picks the txid)."""
        body = request.to_json()
        if txid is None:
            r = self._call("POST", "/cob", "cob.write", "criar cobrança imediata", body=body)
        else:
            path = "/cob/" + validate_txid(txid)
            r = self._call("PUT", path, "cob.write", f"criar cobrança imediata {txid}", body=body)
        return Cobranca.from_json("cob", _json(r, "cobrança"))

    def get_cob(self, txid: str, revisao: int | None = None) -> Cobranca:
        q = [("revisao", str(revisao))] if revisao is not None else None
        path = "/cob/" + validate_txid(txid)
        r = self._call("GET", path, "cob.read", f"consultar cobrança {txid}", query=q)
        return Cobranca.from_json("cob", _json(r, "cobrança"))

    def revise_cob(self, txid: str, revisao: CobRevisao) -> Cobranca:
        if revisao.data_de_vencimento is not None:
            raise InputError("cobrança imediata não tem dataDeVencimento", code="PIX_REVISAO", path="calendario")
        path = "/cob/" + validate_txid(txid)
        r = self._call("PATCH", path, "cob.write", f"revisar cobrança {txid}", body=revisao.to_json())
        return Cobranca.from_json("cob", _json(r, "cobrança"))

    def create_cobv(self, request: CobvRequest, txid: str) -> Cobranca:
        """PUT /cobv/{txid} (the standard has no POST for cobv)."""
        path = "/cobv/" + validate_txid(txid)
        r = self._call("PUT", path, "cobv.write", f"criar cobrança com vencimento {txid}", body=request.to_json())
        return Cobranca.from_json("cobv", _json(r, "cobrança"))

    def get_cobv(self, txid: str, revisao: int | None = None) -> Cobranca:
        q = [("revisao", str(revisao))] if revisao is not None else None
        path = "/cobv/" + validate_txid(txid)
        r = self._call("GET", path, "cobv.read", f"consultar cobrança com vencimento {txid}", query=q)
        return Cobranca.from_json("cobv", _json(r, "cobrança"))

    def revise_cobv(self, txid: str, revisao: CobRevisao) -> Cobranca:
        if revisao.expiracao is not None:
            raise InputError("cobrança com vencimento não tem expiracao", code="PIX_REVISAO", path="calendario")
        path = "/cobv/" + validate_txid(txid)
        r = self._call("PATCH", path, "cobv.write", f"revisar cobrança com vencimento {txid}", body=revisao.to_json())
        return Cobranca.from_json("cobv", _json(r, "cobrança"))

    # -- received pix ---------------------------------------------------------------------------

    def list_pix_page(self, query: PixQuery, pagina: int = 0) -> PixPage:
        r = self._call("GET", "/pix", "pix.read", "consultar pix recebidos", query=query.params(pagina))
        return PixPage.from_json(_json(r, "lista de pix"))

    def list_pix(self, query: PixQuery) -> Iterator[Pix]:
        """Every pix of the period, page after page (paginaAtual starts at 0)."""
        pagina = 0
        while True:
            page = self.list_pix_page(query, pagina)
            yield from page.pix
            pagina += 1
            if pagina >= page.quantidade_de_paginas or not page.pix:
                return

    def get_pix(self, e2eid: str) -> Pix:
        path = "/pix/" + validate_e2eid(e2eid)
        r = self._call("GET", path, "pix.read", f"consultar pix {e2eid}")
        return Pix.from_json(_json(r, "pix"))

    def request_devolucao(self, e2eid: str, devolucao_id: str, request: DevolucaoRequest) -> Devolucao:
        path = f"/pix/{validate_e2eid(e2eid)}/devolucao/{_devolucao_id(devolucao_id)}"
        r = self._call(
            "PUT", path, "pix.write", f"solicitar devolução {devolucao_id} do pix {e2eid}", body=request.to_json()
        )
        return Devolucao.from_json(_json(r, "devolução"))

    def get_devolucao(self, e2eid: str, devolucao_id: str) -> Devolucao:
        path = f"/pix/{validate_e2eid(e2eid)}/devolucao/{_devolucao_id(devolucao_id)}"
        r = self._call("GET", path, "pix.read", f"consultar devolução {devolucao_id}")
        return Devolucao.from_json(_json(r, "devolução"))

    # -- webhook --------------------------------------------------------------------------------

    def put_webhook(self, chave: str, webhook_url: str) -> None:
        if not webhook_url.startswith("https://"):
            raise InputError("webhookUrl deve usar HTTPS", code="PIX_WEBHOOK_URL", path="webhookUrl")
        self._call(
            "PUT",
            "/webhook/" + quote(chave, safe=""),
            "webhook.write",
            f"configurar webhook da chave {chave}",
            body={"webhookUrl": webhook_url},
            ok=(200, 201, 204),
        )

    def get_webhook(self, chave: str) -> Webhook:
        r = self._call(
            "GET", "/webhook/" + quote(chave, safe=""), "webhook.read", f"consultar webhook da chave {chave}"
        )
        return Webhook.from_json(_json(r, "webhook"))

    def delete_webhook(self, chave: str) -> None:
        self._call(
            "DELETE",
            "/webhook/" + quote(chave, safe=""),
            "webhook.write",
            f"remover webhook da chave {chave}",
            ok=(200, 204),
        )


def _devolucao_id(value: str) -> str:
    if not DEVOLUCAO_ID_RE.fullmatch(value):
        raise InputError(
            f"id da devolução '{value}' inválido: de 1 a 35 caracteres [a-zA-Z0-9]",
            code="PIX_DEVOLUCAO_ID",
            path="id",
        )
    return value


def _json(response: HttpResponse, what: str) -> dict[str, Any]:
    try:
        data = json.loads(response.body)
    except ValueError as exc:
        raise PspResponseError(f"resposta do PSP ({what}) não é JSON válido") from exc
    if not isinstance(data, dict):
        raise PspResponseError(f"resposta do PSP ({what}) não é um objeto JSON")
    return data
