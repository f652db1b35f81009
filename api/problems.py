"""RFC 9457 problem+json for every error, in one place (design.md §3: only api/ knows HTTP).

Body: ``type`` (a stable URN per code), ``title``, ``status``, ``detail`` (pt-BR), ``instance``
(the request path), ``code`` (stable), ``request_id``, ``cstat`` when a SEFAZ rejection applies,
and ``errors``: one item per problem with ``code``, ``field`` (JSON path), ``mensagem`` and
``cstat``. Unknown failures become a 500 problem without internals (and are logged).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from engine.errors import Finding

log = logging.getLogger("ortho_fiscal.api")

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Requisição inválida",
    401: "Não autenticado",
    403: "Acesso negado",
    404: "Não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    413: "Corpo da requisição grande demais",
    415: "Tipo de conteúdo não suportado",
    422: "Dados inválidos",
    429: "Requisições demais",
    500: "Erro interno",
    503: "Serviço indisponível",
}

_DEFAULT_CODES = {
    400: "REQUISICAO_INVALIDA",
    401: "NAO_AUTENTICADO",
    403: "ACESSO_NEGADO",
    404: "NAO_ENCONTRADO",
    405: "METODO_NAO_PERMITIDO",
    409: "CONFLITO",
    413: "CORPO_GRANDE_DEMAIS",
    415: "TIPO_DE_CONTEUDO",
    422: "DADOS_INVALIDOS",
    429: "LIMITE_DE_REQUISICOES",
    500: "ERRO_INTERNO",
    503: "INDISPONIVEL",
}

_DEFAULT_DETAILS = {
    401: "informe uma chave de API válida no cabeçalho Authorization: Bearer <chave> (ou X-API-Key)",
    403: "a chave de API não tem permissão para esta operação",
    404: "recurso não encontrado",
    405: "método HTTP não permitido para este recurso",
    413: "o corpo da requisição excede o tamanho máximo aceito",
    415: "envie o corpo como application/json",
    500: "erro interno inesperado; informe o request_id ao suporte",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    code: str
    mensagem: str
    field: str = ""
    cstat: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "mensagem": self.mensagem}
        if self.field:
            out["field"] = self.field
        if self.cstat:
            out["cstat"] = self.cstat
        return out

    @classmethod
    def from_finding(cls, f: Finding) -> FieldError:
        return cls(code=f.code, mensagem=f.mensagem, field=f.path or f.xpath, cstat=f.cstat)


class ApiError(Exception):
    """Raised by handlers: becomes a problem response with this status and code."""

    def __init__(
        self,
        status: int,
        code: str,
        mensagem: str,
        *,
        field: str = "",
        cstat: str | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(f"{code}: {mensagem}")
        self.status = status
        self.code = code
        self.mensagem = mensagem
        self.field = field
        self.cstat = cstat
        self.errors = tuple(errors) or (FieldError(code, mensagem, field, cstat),)


def request_id_of(request: Request[Any, Any, Any]) -> str:
    rid = request.scope.get("state", {}).get("request_id")
    if isinstance(rid, str):
        return rid
    return uuid.uuid4().hex


def problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    cstat: str | None = None,
    field_path: str = "",
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"urn:ortho-fiscal:problema:{code.lower()}",
        "title": TITLES.get(status, "Erro"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        "request_id": request_id_of(request),
    }
    if field_path:
        body["field"] = field_path
    if cstat:
        body["cstat"] = cstat
    if errors:
        body["errors"] = [e.as_json() for e in errors]
    hdrs = {"x-request-id": body["request_id"], **(headers or {})}
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=hdrs)


# -- translation of the framework's (msgspec / Litestar) English validation messages -------------

_MSG_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"Object contains unknown field `([^`]+)`"), "CAMPO_DESCONHECIDO", "campo desconhecido '{0}'"),
    (re.compile(r"Object missing required field `([^`]+)`"), "CAMPO_OBRIGATORIO", "campo obrigatório '{0}' ausente"),
    (re.compile(r"Expected `([^`]+)`, got `([^`]+)`"), "TIPO_INVALIDO", "tipo inválido: esperado {0}, recebido {1}"),
    (re.compile(r"Expected `[^`]+` (>=|<=|>|<) ([^\s`]+)"), "FORA_DO_LIMITE", "valor fora do limite: deve ser {0} {1}"),
    (re.compile(r"Expected `[^`]+` of length (>=|<=) (\d+)"), "TAMANHO_INVALIDO",
     "tamanho inválido: deve ter comprimento {0} {1}"),
    (re.compile(r"JSON is malformed|malformed|Unterminated|invalid character", re.I), "JSON_INVALIDO",
     "o corpo não é um JSON válido"),
    (re.compile(r"Missing required (?:header|query|path|cookie) parameter '([^']+)'", re.I), "PARAMETRO_OBRIGATORIO",
     "parâmetro obrigatório '{0}' ausente"),
    (re.compile(r"Expected `([^`]+)`"), "TIPO_INVALIDO", "tipo inválido: esperado {0}"),
)
_TYPE_NAMES = {"int": "número inteiro", "str": "texto", "object": "objeto JSON", "array": "lista", "bool": "booleano",
               "null": "nulo", "float": "número", "datetime": "data-hora ISO 8601"}


def _translate(message: str) -> tuple[str, str, str]:
    """(code, pt-BR message, JSON path) from a framework message like "Expected `int`, got `str` - at `$.a`"."""
    path = ""
    at = re.search(r" - at `\$(?:\.)?([^`]*)`", message)
    if at:
        path = at.group(1).replace(".[", "[")
    for pattern, code, template in _MSG_RULES:
        m = pattern.search(message)
        if m:
            args = [_TYPE_NAMES.get(g, g) for g in m.groups()]
            unknown = code in {"CAMPO_DESCONHECIDO", "CAMPO_OBRIGATORIO"}
            if unknown and path:
                args[0] = f"{path}.{args[0]}"
            return code, template.format(*args), (f"{path}.{m.group(1)}" if unknown and path else
                                                  (m.group(1) if unknown else path))
    return "VALOR_INVALIDO", "valor inválido", path


def validation_errors(exc: ValidationException) -> list[FieldError]:
    out: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else ([exc.extra] if exc.extra else [])
    for item in extra:
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        raw_source = item.get("source")
        source = str(getattr(raw_source, "value", raw_source) or "")
        message = str(item.get("message", ""))
        if source == "body" and key == "data" and message == "'data'":  # the framework found no body at all
            out.append(FieldError("CORPO_AUSENTE", "o corpo da requisição está vazio: envie um objeto JSON"))
            continue
        code, mensagem, path = _translate(message)
        if key and not path and not (source == "body" and key == "data"):
            path = str(key)
        if source and source != "body":
            mensagem = f"{mensagem} (parâmetro de {_SOURCE.get(source, source)} '{key}')"
        out.append(FieldError(code, mensagem, path))
    if not out:
        code, mensagem, path = _translate(str(exc.detail))
        out.append(FieldError(code, mensagem, path))
    return out


_SOURCE = {"query": "consulta", "path": "caminho", "header": "cabeçalho", "cookie": "cookie"}


# -- exception handlers ---------------------------------------------------------------------------


def handle_api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[dict[str, Any]]:
    return problem(request, exc.status, exc.code, exc.mensagem, errors=exc.errors, cstat=exc.cstat,
                   field_path=exc.field)


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = validation_errors(exc)
    first = errors[0]
    status = 400
    return problem(request, status, first.code if len(errors) == 1 else "VALIDACAO", first.mensagem if len(errors) == 1
                   else f"{len(errors)} problemas na requisição; veja 'errors'", errors=errors,
                   field_path=first.field)


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
    detail = _DEFAULT_DETAILS.get(status) or TITLES.get(status, "erro")
    if status in (401, 403) and exc.detail:  # raised by api/security.py with a pt-BR reason
        detail = f"{exc.detail}; {detail}"
    if status == 400:
        code, detail, path = _translate(str(exc.detail))
        if code == "VALOR_INVALIDO":
            code, detail = "REQUISICAO_INVALIDA", "requisição inválida"
        return problem(request, 400, code, detail, field_path=path)
    headers = {"allow": exc.headers["allow"]} if exc.headers and "allow" in exc.headers else None
    return problem(request, status, _DEFAULT_CODES.get(status, f"HTTP_{status}"), detail, headers=headers)


def handle_internal(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s (request %s)", request.url.path, request_id_of(request), exc_info=exc)
    return problem(request, 500, "ERRO_INTERNO", _DEFAULT_DETAILS[500])


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: handle_api_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    Exception: handle_internal,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "ApiError", "FieldError", "MediaType", "problem"]
