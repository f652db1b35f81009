"""The PSP stand-in's HTTPS server: mutual TLS with the simulator's test PKI, OAuth2 client credentials,
the API Pix subset (cob, cobv, pix, devolução, webhook) answering JSON or problem+json as the OpenAPI
says, and the control API that "pays" charges, settles devoluções and POSTs the callbacks.

Routing ignores the base path (``/pix/v2``, ``/api/v1``, ``/v2``...): the API's resources are matched
at the end of the path, so one stand-in plays every PSP profile.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import http.client
import ipaddress
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from simulator.psp import brcode
from simulator.psp.state import OAuthClient, PspState, Quirks, end_to_end_id, now_rfc3339, random_alnum, return_id
from simulator.serving import MutualTlsServer, TlsRequestHandler

MAX_BODY = 1024 * 1024
ERROR_BASE = "https://pix.bcb.gov.br/api/v2/error/"
_TXID = re.compile(r"[a-zA-Z0-9]{26,35}")
_E2E = re.compile(r"[a-zA-Z0-9]{32}")
_DEV_ID = re.compile(r"[a-zA-Z0-9]{1,35}")
_VALOR = re.compile(r"\d{1,10}\.\d{2}")
_ROUTES = [
    ("cob_txid", re.compile(r"^(?P<base>.*)/(?P<tipo>cob|cobv)/(?P<txid>[^/]+)$")),
    ("cob_post", re.compile(r"^(?P<base>.*)/(?P<tipo>cob)$")),
    ("devolucao", re.compile(r"^(?P<base>.*)/pix/(?P<e2e>[^/]+)/devolucao/(?P<id>[^/]+)$")),
    ("pix_e2e", re.compile(r"^(?P<base>.*)/pix/(?P<e2e>[^/]+)$")),
    ("pix_list", re.compile(r"^(?P<base>.*)/pix$")),
    ("webhook", re.compile(r"^(?P<base>.*)/webhook/(?P<chave>[^/]+)$")),
]
_SCOPE = {
    ("cob_txid", "cob", "PUT"): "cob.write",
    ("cob_txid", "cob", "PATCH"): "cob.write",
    ("cob_txid", "cob", "GET"): "cob.read",
    ("cob_post", "cob", "POST"): "cob.write",
    ("cob_txid", "cobv", "PUT"): "cobv.write",
    ("cob_txid", "cobv", "PATCH"): "cobv.write",
    ("cob_txid", "cobv", "GET"): "cobv.read",
    ("devolucao", "", "PUT"): "pix.write",
    ("devolucao", "", "GET"): "pix.read",
    ("pix_e2e", "", "GET"): "pix.read",
    ("pix_list", "", "GET"): "pix.read",
    ("webhook", "", "PUT"): "webhook.write",
    ("webhook", "", "DELETE"): "webhook.write",
    ("webhook", "", "GET"): "webhook.read",
}


class Problem(Exception):
    """An API Pix error answer (application/problem+json, schema Problema)."""

    def __init__(
        self, status: int, tipo: str, title: str, detail: str = "", violacoes: list[dict[str, str]] | None = None
    ):
        super().__init__(detail or title)
        self.status = status
        self.body: dict[str, Any] = {"type": ERROR_BASE + tipo, "title": title, "status": status}
        if detail:
            self.body["detail"] = detail
        if violacoes:
            self.body["violacoes"] = violacoes


def _invalid(tipo: str, razao: str, propriedade: str, valor: object = "") -> Problem:
    return Problem(
        400,
        tipo,
        "Cobrança inválida." if tipo.startswith("Cob") else "Requisição inválida.",
        "A requisição que busca alterar ou criar uma cobrança não respeita o schema ou está semanticamente errada."
        if tipo.startswith("Cob")
        else razao,
        [{"razao": razao, "propriedade": propriedade, "valor": str(valor)}],
    )


def _valor(text: object, tipo: str, prop: str) -> Decimal:
    if not isinstance(text, str) or not _VALOR.fullmatch(text):
        raise _invalid(tipo, "valor deve ser uma string no formato \\d{1,10}\\.\\d{2}", prop, text)
    value = Decimal(text)
    if value <= 0:
        raise _invalid(tipo, "valor deve ser maior que 0.00", prop, text)
    return value


def _devedor(data: object, tipo: str, required: bool) -> dict[str, str] | None:
    if data is None:
        if required:
            raise _invalid(tipo, "devedor é obrigatório", "cobv.devedor")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nome"), str):
        raise _invalid(tipo, "devedor deve ter nome e cpf ou cnpj", "cob.devedor")
    cpf, cnpj = data.get("cpf"), data.get("cnpj")
    if (cpf is None) == (cnpj is None):
        raise _invalid(tipo, "devedor deve ter cpf ou cnpj", "cob.devedor")
    if cpf is not None and not re.fullmatch(r"\d{11}", str(cpf)):
        raise _invalid(tipo, "cpf inválido", "cob.devedor.cpf", cpf)
    if cnpj is not None and not re.fullmatch(r"[0-9A-Z]{14}", str(cnpj)):
        raise _invalid(tipo, "cnpj inválido", "cob.devedor.cnpj", cnpj)
    return {
        k: str(v) for k, v in data.items() if k in ("cpf", "cnpj", "nome", "email", "logradouro", "cidade", "uf", "cep")
    }


@dataclass
class PspApp:
    state: PspState
    tls: ssl.SSLContext
    url: str
    nome: str
    cidade: str
    callback_client_cert: tuple[Path, Path]
    callback_trust: Path
    # Demo only (``ortho-fiscal serve``, which speaks plain HTTP on loopback): accept an http://
    # webhookUrl whose host is a loopback address. Off by default: a real PSP only calls https URLs.
    allow_loopback_http_callbacks: bool = False
    stopping: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)

    # -- OAuth2 ---------------------------------------------------------------------------------

    def token(self, headers: Any, query: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        q = self.state.quirks
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        grant = query.get("grant_type") if q.token_grant_type_in_query else form.get("grant_type")
        if grant != "client_credentials":
            where = "na query string" if q.token_grant_type_in_query else "no corpo"
            return 400, {"error": "unsupported_grant_type", "error_description": f"grant_type esperado {where}"}
        if q.token_auth == "basic":  # noqa: S105 - an auth style, not a password
            auth = headers.get("Authorization") or ""
            if not auth.startswith("Basic "):
                return 401, {"error": "invalid_client", "error_description": "autenticação Basic esperada"}
            try:
                pair = base64.b64decode(auth[6:], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return 401, {"error": "invalid_client"}
            cid, _, secret = pair.partition(":")
            cid, secret = unquote(cid), unquote(secret)
        else:
            cid, secret = form.get("client_id", ""), form.get("client_secret", "")
            if not cid:
                return 401, {"error": "invalid_client", "error_description": "client_id esperado no corpo"}
        client = self.state.clients.get(cid)
        if client is None or not hmac.compare_digest(client.client_secret, secret):
            return 401, {"error": "invalid_client"}
        requested = frozenset(form.get("scope", "").split())
        granted = (requested & client.scopes) if requested else client.scopes
        value, ttl = self.state.issue_token(cid, granted)
        return 200, {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": " ".join(sorted(granted)),
        }

    # -- API ------------------------------------------------------------------------------------

    def api(self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes) -> tuple[int, Any]:
        for name, rx in _ROUTES:
            m = rx.match(path)
            if m is None:
                continue
            params = m.groupdict()
            scope = _SCOPE.get((name, params.get("tipo", ""), method))
            if scope is None:
                raise Problem(405, "RequisicaoInvalida", "Método não suportado.")
            self._authorize(headers, query, scope)
            data: Any = None
            if body:
                try:
                    data = json.loads(body)
                except ValueError as exc:
                    raise Problem(400, "RequisicaoInvalida", "Requisição inválida.", "corpo não é JSON") from exc
            handler = getattr(self, f"_{name}")
            result: tuple[int, Any] = handler(method, params, query, data)
            return result
        raise Problem(404, "NaoEncontrado", "Não Encontrado", "recurso desconhecido")

    def _authorize(self, headers: Any, query: dict[str, str], scope: str) -> None:
        q = self.state.quirks
        auth = headers.get("Authorization") or ""
        token = self.state.token(auth[7:]) if auth.startswith("Bearer ") else None
        if token is None:
            raise Problem(401, "AcessoNegado", "Não autorizado", "token ausente, inválido ou expirado")
        if scope not in token.scopes:
            raise Problem(403, "AcessoNegado", "Acesso Negado", f"o token não tem o escopo {scope}")
        client = self.state.clients[token.client_id]
        if q.app_key_query_param and query.get(q.app_key_query_param) != client.app_key:
            raise Problem(
                403, "AcessoNegado", "Acesso Negado", f"parâmetro {q.app_key_query_param} ausente ou inválido"
            )
        if q.app_key_header and headers.get(q.app_key_header) != client.app_key:
            raise Problem(403, "AcessoNegado", "Acesso Negado", f"cabeçalho {q.app_key_header} ausente ou inválido")

    def _cob_post(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        return self._create("cob", random_alnum(32), data)

    def _cob_txid(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        tipo, txid = params["tipo"], params["txid"]
        err = "CobOperacaoInvalida" if tipo == "cob" else "CobVOperacaoInvalida"
        if not _TXID.fullmatch(txid):
            raise _invalid(err, "txid deve ter de 26 a 35 caracteres [a-zA-Z0-9]", f"{tipo}.txid", txid)
        if method == "PUT":
            return self._create(tipo, txid, data)
        with self.state.lock:
            cob = self.state.cobs.get(txid)
            if cob is None or cob["_tipo"] != tipo:
                raise Problem(404, "NaoEncontrado", "Cobrança não encontrada.", f"cobrança {txid} não encontrada")
            if method == "GET":
                return 200, _public(cob)
            return 200, _public(self._revise(cob, data, err))

    def _create(self, tipo: str, txid: str, data: Any) -> tuple[int, Any]:
        err = "CobOperacaoInvalida" if tipo == "cob" else "CobVOperacaoInvalida"
        if not isinstance(data, dict):
            raise _invalid(err, "corpo deve ser um objeto JSON", tipo)
        chave = data.get("chave")
        if not isinstance(chave, str) or not 0 < len(chave) <= 77:
            raise _invalid(err, "chave é obrigatória (até 77 caracteres)", f"{tipo}.chave", chave)
        raw_valor, raw_cal = data.get("valor"), data.get("calendario")
        valor: dict[str, Any] = raw_valor if isinstance(raw_valor, dict) else {}
        _valor(valor.get("original"), err, f"{tipo}.valor.original")
        cal_in: dict[str, Any] = raw_cal if isinstance(raw_cal, dict) else {}
        criacao = now_rfc3339()
        if tipo == "cob":
            exp = cal_in.get("expiracao", 86400)
            if not isinstance(exp, int) or exp <= 0:
                raise _invalid(err, "expiracao deve ser inteiro positivo", "cob.calendario.expiracao", exp)
            calendario: dict[str, Any] = {"criacao": criacao, "expiracao": exp}
        else:
            venc = cal_in.get("dataDeVencimento")
            try:
                datetime.strptime(str(venc), "%Y-%m-%d")  # noqa: DTZ007 - a date, no time zone
            except ValueError as exc:
                raise _invalid(
                    err, "dataDeVencimento deve ser uma data AAAA-MM-DD", "cobv.calendario.dataDeVencimento", venc
                ) from exc
            calendario = {
                "criacao": criacao,
                "dataDeVencimento": venc,
                "validadeAposVencimento": int(cal_in.get("validadeAposVencimento", 30)),
            }
        devedor = _devedor(data.get("devedor"), err, required=tipo == "cobv")
        sol = data.get("solicitacaoPagador")
        if sol is not None and (not isinstance(sol, str) or len(sol) > 140):
            raise _invalid(err, "solicitacaoPagador até 140 caracteres", f"{tipo}.solicitacaoPagador", sol)
        with self.state.lock:
            if txid in self.state.cobs:
                raise _invalid(err, "txid já utilizado em outra cobrança", f"{tipo}.txid", txid)
            host = urlsplit(self.url).netloc
            loc_id = len(self.state.cobs) + 1
            location = f"{host}/qr/v2/{tipo}/{random_alnum(32).lower()}"
            cob: dict[str, Any] = {
                "_tipo": tipo,
                "calendario": calendario,
                "txid": txid,
                "revisao": 0,
                "loc": {"id": loc_id, "location": location, "tipoCob": tipo, "criacao": criacao},
                "location": location,
                "status": "ATIVA",
                "valor": {"original": valor["original"]},
                "chave": chave,
            }
            if devedor:
                cob["devedor"] = devedor
            if sol:
                cob["solicitacaoPagador"] = sol
            if isinstance(data.get("infoAdicionais"), list):
                cob["infoAdicionais"] = data["infoAdicionais"]
            cob["pixCopiaECola"] = brcode.dynamic(location, self.nome, self.cidade)
            self.state.cobs[txid] = cob
            return 201, _public(cob)

    def _revise(self, cob: dict[str, Any], data: Any, err: str) -> dict[str, Any]:
        if not isinstance(data, dict) or not data:
            raise _invalid(err, "revisão sem campos", cob["_tipo"])
        if cob["status"] != "ATIVA":
            raise _invalid(
                err, f"cobrança com status {cob['status']} não pode ser alterada", "cob.status", cob["status"]
            )
        if "valor" in data:
            original = (data["valor"] or {}).get("original") if isinstance(data["valor"], dict) else None
            _valor(original, err, "cob.valor.original")
            cob["valor"] = {"original": original}
        if isinstance(data.get("calendario"), dict):
            cob["calendario"].update(
                {
                    k: v
                    for k, v in data["calendario"].items()
                    if k in ("expiracao", "dataDeVencimento", "validadeAposVencimento")
                }
            )
        if "devedor" in data:
            cob["devedor"] = _devedor(data["devedor"], err, required=False)
        if "solicitacaoPagador" in data:
            cob["solicitacaoPagador"] = data["solicitacaoPagador"]
        if "status" in data:
            if data["status"] != "REMOVIDA_PELO_USUARIO_RECEBEDOR":
                raise _invalid(
                    err, "o único status aceito é REMOVIDA_PELO_USUARIO_RECEBEDOR", "cob.status", data["status"]
                )
            cob["status"] = data["status"]
        cob["revisao"] += 1
        return cob

    def _pix_e2e(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        with self.state.lock:
            pix = self.state.pix.get(params["e2e"])
            if pix is None:
                raise Problem(404, "NaoEncontrado", "Não Encontrado", f"pix {params['e2e']} não encontrado")
            return 200, pix

    def _pix_list(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        try:
            inicio = datetime.fromisoformat(query["inicio"].replace("Z", "+00:00"))
            fim = datetime.fromisoformat(query["fim"].replace("Z", "+00:00"))
        except (KeyError, ValueError) as exc:
            raise Problem(
                400,
                "RequisicaoInvalida",
                "Requisição inválida.",
                "inicio e fim (RFC 3339) obrigatórios",
                [{"razao": "inicio e fim são obrigatórios", "propriedade": "inicio"}],
            ) from exc
        try:
            pagina = int(query.get("paginacao.paginaAtual", "0"))
            por_pagina = max(1, min(1000, int(query.get("paginacao.itensPorPagina", "100"))))
        except ValueError as exc:
            raise Problem(400, "RequisicaoInvalida", "Requisição inválida.", "paginação deve ser numérica") from exc
        with self.state.lock:
            items = [
                p
                for p in self.state.pix.values()
                if inicio <= datetime.fromisoformat(p["horario"].replace("Z", "+00:00")) <= fim
            ]
        if "txid" in query:
            items = [p for p in items if p.get("txid") == query["txid"]]
        if query.get("txIdPresente") in ("true", "false"):
            items = [p for p in items if bool(p.get("txid")) == (query["txIdPresente"] == "true")]
        if query.get("devolucaoPresente") in ("true", "false"):
            items = [p for p in items if bool(p.get("devolucoes")) == (query["devolucaoPresente"] == "true")]
        items.sort(key=lambda p: (p["horario"], p["endToEndId"]))
        paginas = max(1, -(-len(items) // por_pagina))
        page = items[pagina * por_pagina : (pagina + 1) * por_pagina]
        return 200, {
            "parametros": {
                "inicio": query["inicio"],
                "fim": query["fim"],
                "paginacao": {
                    "paginaAtual": pagina,
                    "itensPorPagina": por_pagina,
                    "quantidadeDePaginas": paginas,
                    "quantidadeTotalDeItens": len(items),
                },
            },
            "pix": page,
        }

    def _devolucao(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        e2e, dev_id = params["e2e"], params["id"]
        if not _DEV_ID.fullmatch(dev_id):
            raise _invalid("PixDevolucaoInvalida", "id de 1 a 35 caracteres [a-zA-Z0-9]", "id", dev_id)
        with self.state.lock:
            pix = self.state.pix.get(e2e)
            if pix is None:
                raise Problem(404, "NaoEncontrado", "Não Encontrado", f"pix {e2e} não encontrado")
            existing = next((d for d in pix.get("devolucoes", []) if d["id"] == dev_id), None)
            if method == "GET":
                if existing is None:
                    raise Problem(404, "NaoEncontrado", "Não Encontrado", f"devolução {dev_id} não encontrada")
                return 200, existing
            if existing is not None:
                return 201, existing  # idempotent by id, as the API Pix specifies for PUT
            valor = _valor(
                (data or {}).get("valor") if isinstance(data, dict) else None, "PixDevolucaoInvalida", "valor"
            )
            devolvido = sum(
                (Decimal(d["valor"]) for d in pix.get("devolucoes", []) if d["status"] != "NAO_REALIZADO"), Decimal("0")
            )
            if devolvido + valor > Decimal(pix["valor"]):
                raise _invalid(
                    "PixDevolucaoInvalida", "valor das devoluções excede o valor do pix", "valor", f"{valor:.2f}"
                )
            dev: dict[str, Any] = {
                "id": dev_id,
                "rtrId": return_id(self.state.ispb),
                "valor": f"{valor:.2f}",
                "horario": {"solicitacao": now_rfc3339()},
                "status": "EM_PROCESSAMENTO",
            }
            if isinstance(data, dict) and data.get("descricao"):
                dev["descricao"] = str(data["descricao"])[:140]
            pix.setdefault("devolucoes", []).append(dev)
            return 201, dev

    def _webhook(self, method: str, params: dict[str, str], query: dict[str, str], data: Any) -> tuple[int, Any]:
        chave = unquote(params["chave"])
        with self.state.lock:
            if method == "PUT":
                url = data.get("webhookUrl") if isinstance(data, dict) else None
                if not isinstance(url, str) or not self.callback_url_allowed(url):
                    raise _invalid("WebhookOperacaoInvalida", "webhookUrl deve ser uma URL https", "webhookUrl", url)
                self.state.webhooks[chave] = {"webhookUrl": url, "chave": chave, "criacao": now_rfc3339()}
                return 200, None
            hook = self.state.webhooks.get(chave)
            if hook is None:
                raise Problem(404, "NaoEncontrado", "Não Encontrado", f"webhook da chave {chave} não encontrado")
            if method == "GET":
                return 200, hook
            del self.state.webhooks[chave]
            return 204, None

    def callback_url_allowed(self, url: str) -> bool:
        """https always; http only with ``allow_loopback_http_callbacks`` and a loopback host."""
        parts = urlsplit(url)
        if parts.scheme == "https":
            return bool(parts.hostname)
        if parts.scheme != "http" or not self.allow_loopback_http_callbacks:
            return False
        host = parts.hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    # -- control --------------------------------------------------------------------------------

    def control(self, method: str, path: str, data: dict[str, Any]) -> Any:
        if path == "/_control/reset" and method == "POST":
            self.state.reset(Quirks.from_dict(data.get("quirks") or {}))
            return {"ok": True}
        if path == "/_control/clients" and method == "POST":
            with self.state.lock:
                self.state.clients[str(data["client_id"])] = OAuthClient(
                    str(data["client_secret"]), frozenset(data.get("scopes") or ()), data.get("app_key")
                )
            return {"ok": True}
        if path == "/_control/revoke-tokens" and method == "POST":
            with self.state.lock:
                self.state.tokens.clear()
            return {"ok": True}
        if path == "/_control/pay" and method == "POST":
            return self.pay(data)
        if path == "/_control/refund" and method == "POST":
            return self.settle_refund(data)
        if path == "/_control/stats" and method == "GET":
            with self.state.lock:
                return {"tokens_issued": self.state.tokens_issued, "deliveries": list(self.state.deliveries)}
        return None

    def pay(self, data: dict[str, Any]) -> dict[str, Any]:
        """A payer pays charge ``txid`` with ``valor`` (default: the charge's amount; less or more allowed,
        as a cob with modalidadeAlteracao or a cobv after juros/multa can be paid with another amount)."""
        txid = str(data["txid"])
        with self.state.lock:
            cob = self.state.cobs.get(txid)
            if cob is None:
                raise KeyError(f"cobrança {txid} não encontrada")
            if cob["status"] != "ATIVA" and not data.get("force"):
                raise ValueError(f"cobrança {txid} com status {cob['status']} não pode ser paga")
            valor = str(data.get("valor") or cob["valor"]["original"])
            if not _VALOR.fullmatch(valor):
                raise ValueError("valor no formato 0.00")
            pix: dict[str, Any] = {
                "endToEndId": end_to_end_id(str(data.get("ispb_pagador", "18236120"))),
                "txid": txid,
                "valor": valor,
                "chave": cob["chave"],
                "horario": now_rfc3339(),
            }
            if data.get("infoPagador"):
                pix["infoPagador"] = str(data["infoPagador"])[:140]
            self.state.pix[pix["endToEndId"]] = pix
            cob.setdefault("pix", []).append(pix)
            cob["status"] = "CONCLUIDA"  # BACEN: a paid cob is CONCLUIDA (even partial/over payments)
            hook = self.state.webhooks.get(cob["chave"])
        delivery = self.deliver(hook, [pix]) if hook and data.get("notify", True) else None
        return {"pix": pix, "delivery": delivery}

    def settle_refund(self, data: dict[str, Any]) -> dict[str, Any]:
        e2e, dev_id = str(data["e2eid"]), str(data["id"])
        status = str(data.get("status", "DEVOLVIDO"))
        if status not in ("DEVOLVIDO", "NAO_REALIZADO"):
            raise ValueError("status final: DEVOLVIDO ou NAO_REALIZADO")
        with self.state.lock:
            pix = self.state.pix[e2e]
            dev = next(d for d in pix.get("devolucoes", []) if d["id"] == dev_id)
            dev["status"] = status
            if status == "DEVOLVIDO":
                dev["horario"]["liquidacao"] = now_rfc3339()
            else:
                dev["motivo"] = str(data.get("motivo", "Devolução não realizada"))
            hook = self.state.webhooks.get(pix.get("chave", ""))
            snapshot = json.loads(json.dumps(pix))
        # The callback also fires when a devolução reaches a final status (OpenAPI, callback listaPix).
        delivery = self.deliver(hook, [snapshot]) if hook and data.get("notify", True) else None
        return {"devolucao": dev, "delivery": delivery}

    def deliver(self, hook: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
        """POST {"pix": [...]} to webhookUrl + suffix, authenticated by mTLS or HMAC per quirks."""
        q = self.state.quirks
        url = hook["webhookUrl"].rstrip("/") + q.webhook_callback_suffix
        body = json.dumps({"pix": items}, ensure_ascii=False).encode("utf-8")
        parts = urlsplit(url)
        ctx = ssl.create_default_context(cafile=str(self.callback_trust))
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if q.webhook_auth == "mtls":
            ctx.load_cert_chain(str(self.callback_client_cert[0]), str(self.callback_client_cert[1]))
        else:
            secret = (q.hmac_secret or "").encode("utf-8")
            headers[q.hmac_header] = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        record: dict[str, Any] = {"url": url, "items": [i["endToEndId"] for i in items], "auth": q.webhook_auth}
        try:
            conn: http.client.HTTPConnection
            if parts.scheme == "http":
                # Only reachable for a loopback URL accepted under allow_loopback_http_callbacks (demo);
                # there is no TLS, so HMAC is the only authentication that can travel.
                if q.webhook_auth == "mtls" or not self.callback_url_allowed(url):
                    raise ssl.SSLError("callback http só com HMAC, para loopback, no modo demonstração")
                conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=10)
            else:
                conn = http.client.HTTPSConnection(parts.hostname or "", parts.port or 443, context=ctx, timeout=10)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request("POST", path or "/", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            record["status"] = resp.status
            conn.close()
        except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
            record["status"] = None
            record["error"] = f"{type(exc).__name__}: {exc}"
        with self.state.lock:
            self.state.deliveries.append(record)
        return record


def _public(cob: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cob.items() if not k.startswith("_")}


class _Server(MutualTlsServer):
    def __init__(self, address: tuple[str, int], tls: ssl.SSLContext) -> None:
        self.app: PspApp | None = None  # set once the URL (the bound port) is known
        super().__init__(address, _Handler, tls)


class _Handler(TlsRequestHandler):
    server: _Server

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if body:
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self, method: str) -> None:
        app = self.server.app
        assert app is not None
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, {"erro": "corpo grande demais"})
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path.rstrip("/") or "/"
        try:
            if path.startswith("/_control/"):
                data = json.loads(body or b"{}")
                result = app.control(method, path, data if isinstance(data, dict) else {})
                if result is None:
                    self._send(404, {"erro": "caminho desconhecido"})
                else:
                    self._send(200, result)
                return
            if method == "POST" and path.endswith(("/token", "/jwt")):
                status, payload = app.token(self.headers, query, body)
                self._send(status, payload)
                return
            status, payload = app.api(method, path, query, self.headers, body)
            self._send(status, payload)
        except Problem as exc:
            self._send(exc.status, exc.body, "application/problem+json")
        except (KeyError, ValueError, TypeError, StopIteration) as exc:
            if path.startswith("/_control/"):
                self._send(400, {"erro": str(exc)})
            else:
                app.errors.append(f"{method} {path}: {exc!r}")
                self._send(500, {"type": ERROR_BASE + "ServicoIndisponivel", "title": "Erro interno", "status": 500})

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")
