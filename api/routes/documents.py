"""Documents: emit NFC-e / NF-e (idempotent by ``ref``), read, list, XML and DANFE downloads, cancel,
cancel by substitution, CC-e, correction of a rejected document, inutilização, history, SEFAZ status
and the contingency modes. The work is ``engine.emission.EmissionService`` (run in the thread pool);
this module maps it to HTTP and problem+json.

Read access: keys with ``document:read`` see every document of their tenant; keys with only
``document:read-own`` (pdv) see the documents they created. Another tenant's document is a 404.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response, Router, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import BodyKwarg, FromPath, JSONBody, QueryParameter
from sqlalchemy import bindparam, select

import states
from adapters.danfe import DanfeError, render_stored_danfe
from adapters.db.apikeys import Permission, Principal
from adapters.db.documents import SqlEmissionRepository
from adapters.db.schema import emitter
from adapters.sefaz_wiring import CallableClock, SefazSettings, SqlEmitterDirectory
from api.problems import ApiError, FieldError, request_id_of
from api.routes.common import JsonAnswer, audit_note, blocking, read_body, resources_of
from api.security import SECURITY_SCHEME, authorizes, principal_of, provide_principal
from engine.emission import (
    AuditNote,
    Conflict,
    DocStatus,
    DocumentFilter,
    DocumentRecord,
    EmissionError,
    EmissionService,
    EmitRequest,
    InvalidRequest,
    NotFound,
)
from engine.emission.pipeline import ambiente
from engine.errors import ConfigurationError, FiscalError, InputError, ValidationFailed, XmlError
from engine.nfe.build import EntradaInvalida
from engine.ports import TransportError
from engine.sefaz.errors import SefazError
from engine.sefaz.proc import nfe_proc

T = TypeVar("T")
_REF = r"^[A-Za-z0-9._:-]{1,64}$"
_REF_RE = re.compile(_REF)
_KEY = r"^[A-Za-z0-9._:-]{1,64}$"
XML = "application/xml"


def emission_service(request: Request[Any, Any, Any]) -> EmissionService:
    """One service per application (its SEFAZ clients keep the rate limiter and breaker per emitter)."""
    state = request.app.state
    service = getattr(state, "emission", None)
    if service is None:  # created on the event loop thread: no race
        res = resources_of(request)
        clock = CallableClock(res.clock)
        directory = SqlEmitterDirectory(res.db, res.keyring, clock, SefazSettings.from_env(res.settings.env))
        service = EmissionService(SqlEmissionRepository(res.db), directory, clock)
        state.emission = service
    return service  # type: ignore[no-any-return]


def _problem_of(exc: Exception) -> ApiError:
    if isinstance(exc, EntradaInvalida):
        errors = [FieldError.from_finding(f) for f in exc.findings]
        first = errors[0] if errors else FieldError("VENDA_INVALIDA", "venda inválida")
        detail = first.mensagem if len(errors) == 1 else f"{len(errors)} problemas na venda; veja 'errors'"
        return ApiError(422, "VENDA_INVALIDA", detail, field=first.field, cstat=first.cstat, errors=errors)
    if isinstance(exc, ValidationFailed):
        errors = [FieldError.from_finding(f) for f in exc.findings]
        first = errors[0] if errors else FieldError("DADOS_INVALIDOS", str(exc))
        return ApiError(422, first.code, first.mensagem, field=first.field, cstat=first.cstat, errors=errors)
    if isinstance(exc, NotFound):
        return ApiError(404, exc.code, exc.mensagem, field=exc.path)
    if isinstance(exc, Conflict):
        return ApiError(409, exc.code, exc.mensagem, field=exc.path, cstat=exc.cstat)
    if isinstance(exc, InvalidRequest):
        return ApiError(400 if exc.code == "JSON_INVALIDO" else 422, exc.code, exc.mensagem, field=exc.path,
                        cstat=exc.cstat)
    if isinstance(exc, ConfigurationError):
        return ApiError(422, exc.code if exc.code != "FISCAL_ERROR" else "CONFIGURACAO_INCOMPLETA", exc.mensagem)
    if isinstance(exc, TransportError):
        return ApiError(502, exc.code, f"sem resposta da SEFAZ: {exc.mensagem}; tente novamente")
    if isinstance(exc, SefazError):
        return ApiError(502, exc.code, exc.mensagem, cstat=exc.cstat)
    if isinstance(exc, InputError | XmlError | EmissionError | FiscalError):
        return ApiError(422, exc.code, exc.mensagem, field=exc.path, cstat=exc.cstat)
    raise exc


async def _run(fn: Callable[[], T]) -> T:
    try:
        return await blocking(fn)
    except (FiscalError, DanfeError) as exc:
        raise _problem_of(exc) from exc


def _own(principal: Principal) -> str | None:
    """None: sees the whole tenant; a key id: sees only what that key created."""
    return None if principal.can(Permission.DOCUMENT_READ) else principal.key_id


def document_json(doc: DocumentRecord) -> dict[str, Any]:
    base = f"/v1/documents/{doc.chave or doc.ref}"
    return {
        "id": doc.id,
        "ref": doc.ref,
        "emitter_id": doc.emitter_id,
        "model": doc.model,
        "series": doc.series,
        "number": doc.number,
        "chave": doc.chave,
        "status": doc.status.value,
        "tp_emis": doc.tp_emis,
        "contingency": doc.tp_emis != 1,
        "cstat": doc.cstat,
        "xmotivo": doc.xmotivo,
        "protocol": doc.protocol,
        "created_at": doc.created_at.isoformat(),
        "updated_at": doc.updated_at.isoformat(),
        "authorized_at": doc.authorized_at.isoformat() if doc.authorized_at else None,
        "links": {"self": base, "xml": f"{base}/xml", "danfe": f"{base}/danfe", "history": f"{base}/history",
                  "events": f"{base}/events"},
    }


def _find(service: EmissionService, principal: Principal, key: str) -> DocumentRecord:
    with service.repo.reader() as uow:
        doc = None
        if len(key) == 44 and key.isdigit():
            doc = uow.get_document(principal.tenant_id, chave=key)
        if doc is None:
            doc = uow.get_document(principal.tenant_id, ref=key)
    own = _own(principal)
    if doc is None or (own is not None and doc.created_by != own):
        raise NotFound(f"documento '{key}' não encontrado (use a chave de acesso ou a ref)",
                       code="DOCUMENTO_NAO_ENCONTRADO", path="key")
    return doc


# Built once: up to two emitter ids of the tenant (one = the default, two = ambiguous).
_TENANT_EMITTERS = select(emitter.c.id).where(emitter.c.tenant_id == bindparam("tenant")).limit(2)


def _default_emitter(service: EmissionService, tenant_id: str, given: Any) -> str:
    if given is not None:
        if not isinstance(given, str) or not given or len(given) > 32:
            raise InvalidRequest("'emitter_id' deve ser o id de um emitente do tenant", code="EMITENTE_INVALIDO",
                                 path="emitter_id")
        return given
    repo = service.repo
    assert isinstance(repo, SqlEmissionRepository)
    with repo.db.read() as conn:
        ids = list(conn.execute(_TENANT_EMITTERS, {"tenant": tenant_id}).scalars())
    if len(ids) != 1:
        raise InvalidRequest("informe 'emitter_id': o tenant tem " + ("vários emitentes" if ids else "nenhum emitente"),
                             code="EMITENTE_OBRIGATORIO", path="emitter_id")
    return str(ids[0])


VENDA_BODY = BodyKwarg(
    title="Venda",
    description=(
        "A venda no formato amigável do PDV (docs/input.md) mais `ref` (obrigatória: identificador da venda no "
        "PDV, 1-64 caracteres [A-Za-z0-9._:-]; repetir a mesma ref devolve o mesmo documento) e `emitter_id` "
        "(opcional quando o tenant tem um só emitente). Não informe `numero`: o serviço numera."
    ),
)


class _SaleHead(msgspec.Struct):
    """What the emission routes read of the sale themselves: the engine stores and parses the whole body text."""

    ref: Any = None
    emitter_id: Any = None


_sale_head = msgspec.json.Decoder(_SaleHead).decode


async def _emit(request: Request[Any, Any, Any], model: int, body: bytes, ref: Any, given_emitter: Any) -> JsonAnswer:
    # The caller authenticated by the route's before_request hook (kept in the scope's state): read
    # here instead of through the router's ``principal`` dependency, which costs a DI resolution.
    principal = await principal_of(request)
    # The engine stores and parses the body text exactly as received (numbers as Decimal).
    raw = body.decode("utf-8", errors="replace")
    if not isinstance(ref, str) or not _REF_RE.fullmatch(ref):
        raise ApiError(422, "REF_INVALIDA", "'ref' é obrigatória: 1 a 64 caracteres [A-Za-z0-9._:-]", field="ref")
    service = emission_service(request)

    note = audit_note(request, principal, "document.emit")  # written with the outcome (only when created)

    def work() -> JsonAnswer:
        emitter_id = _default_emitter(service, principal.tenant_id, given_emitter)
        out = service.emit(EmitRequest(principal.tenant_id, emitter_id, ref, model, raw, created_by=principal.key_id,
                                       request_id=request_id_of(request), audit=note))
        # Encoded on the route thread, which has the document: the event loop only sends the bytes.
        return JsonAnswer(document_json(out.document), 201 if out.created else 200)

    return await _run(work)


def _emission(model: int) -> Callable[[Request[Any, Any, Any]], Awaitable[JsonAnswer | None]]:
    """The work of an emission route as its ``before_request`` hook, whose answer Litestar sends without calling
    the handler (and so without its parameter parsing: the kwargs model, the decoding of the whole sale into a
    dict, the signature model's conversion of it). The key and its role are checked first, before the body is
    read (401/403 learn nothing about it); the body is read with ``Request.body``'s checks (``read_body``: 413). A
    body that is not a JSON object (malformed, empty, an array) gets None: the handler's own parameter parsing
    then answers with the same 400 problems as ever, and the handler (which declares the body for the OpenAPI
    schema) does the same work as this hook for anything it accepts."""
    may_emit = authorizes(Permission.DOCUMENT_EMIT)

    async def hook(request: Request[Any, Any, Any]) -> JsonAnswer | None:
        await may_emit(request)
        body = await read_body(request)
        try:
            head = _sale_head(body)
        except msgspec.DecodeError:
            return None
        return await _emit(request, model, body, head.ref, head.emitter_id)

    return hook


@post("/v1/nfce", before_request=_emission(65), summary="Emite uma NFC-e (modelo 65)",
      description="201 com o documento (chave, status, protocolo, links); 200 quando a mesma `ref` já foi emitida. "
      "Sem resposta da SEFAZ no prazo do PDV, a NFC-e sai em contingência off-line (tp_emis 9).")
async def emit_nfce(request: Request[Any, Any, Any],
                    data: Annotated[dict[str, Any], VENDA_BODY]) -> Response[dict[str, Any]]:
    return await _emit(request, 65, await request.body(), data.get("ref"), data.get("emitter_id"))  # type: ignore[return-value]


@post("/v1/nfe", before_request=_emission(55), summary="Emite uma NF-e (modelo 55)",
      description="Como /v1/nfce; com o autorizador fora do ar (status 108/109) a NF-e vai pela SVC.")
async def emit_nfe(request: Request[Any, Any, Any],
                   data: Annotated[dict[str, Any], VENDA_BODY]) -> Response[dict[str, Any]]:
    return await _emit(request, 55, await request.body(), data.get("ref"), data.get("emitter_id"))  # type: ignore[return-value]


def _cursor(value: str | None) -> tuple[datetime, str] | None:
    if not value:
        return None
    try:
        at, _, last = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
        when = datetime.fromisoformat(at)
        if not last or when.tzinfo is None:
            raise ValueError(value)
        return when, last
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(400, "CURSOR_INVALIDO", "cursor inválido; use o next_cursor da página anterior",
                       field="cursor") from exc


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ApiError(400, "DATA_SEM_FUSO", f"'{name}' deve ter fuso horário (ex.: 2026-03-10T12:00:00-03:00)",
                       field=name)
    return value


@get("/v1/documents", before_request=authorizes(Permission.DOCUMENT_READ_OWN), summary="Lista documentos",
     description="Filtros: emitente, período (created_at), modelo, série, faixa de números, status; paginação por "
     "cursor (`next_cursor`).")
async def list_documents(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    emitter_id: Annotated[str | None, QueryParameter(max_length=32, pattern=_KEY)] = None,
    since: Annotated[datetime | None, QueryParameter(description="criados a partir de (ISO 8601 com fuso)")] = None,
    until: Annotated[datetime | None, QueryParameter(description="criados antes de (ISO 8601 com fuso)")] = None,
    model: Annotated[int | None, QueryParameter(ge=55, le=65)] = None,
    series: Annotated[int | None, QueryParameter(ge=0, le=999)] = None,
    number_from: Annotated[int | None, QueryParameter(ge=1, le=999_999_999)] = None,
    number_to: Annotated[int | None, QueryParameter(ge=1, le=999_999_999)] = None,
    status: Annotated[DocStatus | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
) -> Response[dict[str, Any]]:
    flt = DocumentFilter(
        tenant_id=principal.tenant_id, emitter_id=emitter_id, created_from=_aware(since, "since"),
        created_to=_aware(until, "until"), model=model, series=series, number_from=number_from, number_to=number_to,
        status=status, created_by=_own(principal), after=_cursor(cursor), limit=limit + 1,
    )
    service = emission_service(request)

    def work() -> JsonAnswer:
        with service.repo.reader() as uow:
            docs = uow.list_documents(flt)
        more = len(docs) > limit
        docs = docs[:limit]
        nxt = None
        if more and docs:
            last = docs[-1]
            nxt = base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.id}".encode()).decode()
        return JsonAnswer({"items": [document_json(d) for d in docs], "next_cursor": nxt})

    return await _run(work)  # type: ignore[return-value]


@get("/v1/documents/{key:str}", before_request=authorizes(Permission.DOCUMENT_READ_OWN),
     summary="Consulta um documento pela chave de acesso ou pela ref")
async def get_document(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       key: FromPath[str]) -> Response[dict[str, Any]]:
    service = emission_service(request)
    return await _run(lambda: JsonAnswer(document_json(_find(service, principal, key))))  # type: ignore[return-value]


@get("/v1/documents/{key:str}/xml", before_request=authorizes(Permission.DOCUMENT_READ_OWN), media_type=XML,
     summary="XML do documento: nfeProc quando autorizado/denegado, senão a NFe assinada")
async def get_xml(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                  key: FromPath[str]) -> Response[bytes]:
    service = emission_service(request)

    def work() -> bytes:
        doc = _find(service, principal, key)
        if doc.signed_xml is None:
            raise Conflict("o documento ainda não foi assinado", code="DOCUMENTO_SEM_XML")
        if doc.protocol_xml:
            return nfe_proc(doc.signed_xml, doc.protocol_xml)
        return doc.signed_xml

    content = await _run(work)
    return Response(content, media_type=XML)


@get("/v1/documents/{key:str}/danfe", before_request=authorizes(Permission.DOCUMENT_READ_OWN),
     media_type="application/pdf", summary="DANFE / DANFE NFC-e em PDF (marcado em contingência quando for o caso)")
async def get_danfe(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    key: FromPath[str]) -> Response[bytes]:
    service = emission_service(request)

    def work() -> bytes:
        doc = _find(service, principal, key)
        if doc.signed_xml is None or doc.status in (DocStatus.REJECTED, DocStatus.RECEIVED, DocStatus.NUMBERED):
            raise Conflict(f"documento '{doc.status.value}' não tem DANFE", code="DANFE_INDISPONIVEL")
        events: list[Any] = []
        if doc.tp_emis == 4 and not doc.protocol_xml:  # an NF-e in EPEC: printed with its EPEC's protocol
            with service.repo.reader() as uow:
                events = uow.fiscal_events(doc.id)
        return render_stored_danfe(doc.signed_xml, doc.protocol_xml, events, chave=doc.chave)

    pdf = await _run(work)
    return Response(pdf, media_type="application/pdf")


@get("/v1/documents/{key:str}/events", before_request=authorizes(Permission.DOCUMENT_READ_OWN),
     summary="Eventos do documento (cancelamento, substituição, CC-e) com cStat e protocolo")
async def list_events(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      key: FromPath[str]) -> Response[dict[str, Any]]:
    service = emission_service(request)

    def work() -> JsonAnswer:
        doc = _find(service, principal, key)
        with service.repo.reader() as uow:
            events = uow.fiscal_events(doc.id)
        base = f"/v1/documents/{doc.chave or doc.ref}/events"
        return JsonAnswer({"items": [
            {"id": e.id, "tp_evento": e.tp_evento, "n_seq_evento": e.n_seq_evento, "chave": e.chave,
             "cstat": e.cstat, "xmotivo": e.xmotivo, "protocol": e.protocol, "detail": e.detail,
             "created_at": e.created_at.isoformat(), "xml": f"{base}/{e.id}/xml" if e.proc_xml else None}
            for e in events]})

    return await _run(work)  # type: ignore[return-value]


@get("/v1/documents/{key:str}/events/{event_id:int}/xml", before_request=authorizes(Permission.DOCUMENT_READ_OWN),
     media_type=XML, summary="procEventoNFe de um evento registrado")
async def get_event_xml(request: Request[Any, Any, Any], principal: NamedDependency[Principal], key: FromPath[str],
                        event_id: FromPath[int]) -> Response[bytes]:
    service = emission_service(request)

    def work() -> bytes:
        doc = _find(service, principal, key)
        with service.repo.reader() as uow:
            found = [e for e in uow.fiscal_events(doc.id) if e.id == event_id and e.proc_xml]
        if not found or found[0].proc_xml is None:
            raise NotFound("evento registrado não encontrado", code="EVENTO_NAO_ENCONTRADO", path="event_id")
        return found[0].proc_xml

    return Response(await _run(work), media_type=XML)


@get("/v1/documents/{key:str}/history", before_request=authorizes(Permission.HISTORY_READ),
     summary="Histórico do documento: cada mudança de estado e evento, em ordem")
async def get_history(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      key: FromPath[str]) -> Response[dict[str, Any]]:
    service = emission_service(request)

    def work() -> JsonAnswer:
        doc = _find(service, principal, key)
        with service.repo.reader() as uow:
            history = uow.history(doc.id)
            attempts = uow.attempts(doc.id)
        return JsonAnswer({
            "document": document_json(doc),
            "items": [{"at": h.occurred_at.isoformat(), "from": h.from_status, "to": h.to_status, "cstat": h.cstat,
                       "detail": h.detail, "request_id": h.request_id} for h in history],
            "superseded": [{"chave": a.chave, "number": a.number, "tp_emis": a.tp_emis, "reason": a.reason,
                            "resolution": a.resolution, "cstat": a.cstat, "protocol": a.protocol} for a in attempts],
        })

    return await _run(work)  # type: ignore[return-value]


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    """Justificativa do cancelamento (xJust, 15 a 255 caracteres)."""

    justificativa: str


class SubstitutionIn(msgspec.Struct, forbid_unknown_fields=True):
    justificativa: str
    chave_substituta: str


class CceIn(msgspec.Struct, forbid_unknown_fields=True):
    """Texto da carta de correção (xCorrecao, 15 a 1000 caracteres)."""

    correcao: str


def _text(value: str, name: str, low: int, high: int) -> str:
    clean = " ".join(value.split())
    if not low <= len(clean) <= high or "\x00" in clean:
        raise ApiError(422, "TEXTO_INVALIDO", f"'{name}' deve ter de {low} a {high} caracteres — evita a rejeição 225",
                       field=name, cstat="225")
    return clean


async def _event_call(request: Request[Any, Any, Any], principal: Principal, key: str, action: str,
                      call: Callable[[EmissionService, DocumentRecord, AuditNote], Any]) -> dict[str, Any]:
    """An event of a document; the pipeline appends the audit entry in the transaction of the event."""
    service = emission_service(request)
    note = audit_note(request, principal, action)

    def work() -> dict[str, Any]:
        doc = _find(service, principal, key)
        out = call(service, doc, note)
        ev = out.event
        return {"document": document_json(out.document),
                "event": {"tp_evento": ev.tp_evento, "n_seq_evento": ev.n_seq_evento, "cstat": ev.cstat,
                          "xmotivo": ev.xmotivo, "protocol": ev.protocol, "registered": ev.protocol is not None}}

    return await _run(work)


@post("/v1/documents/{key:str}/cancel", before_request=authorizes(Permission.DOCUMENT_CANCEL), status_code=200,
      summary="Cancela um documento autorizado (evento 110111)")
async def cancel(request: Request[Any, Any, Any], principal: NamedDependency[Principal], key: FromPath[str],
                 data: JSONBody[CancelIn]) -> dict[str, Any]:
    xjust = _text(data.justificativa, "justificativa", 15, 255)
    rid = request_id_of(request)
    return await _event_call(request, principal, key, "document.cancel", lambda s, d, note: s.cancel(
        principal.tenant_id, d.id, xjust, actor=principal.key_id, request_id=rid, audit=note))


@post("/v1/documents/{key:str}/cancel-substitution", before_request=authorizes(Permission.DOCUMENT_CANCEL),
      status_code=200, summary="Cancela uma NFC-e por substituição (evento 110112)")
async def cancel_substitution(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                              key: FromPath[str], data: JSONBody[SubstitutionIn]) -> dict[str, Any]:
    xjust = _text(data.justificativa, "justificativa", 15, 255)
    if not (len(data.chave_substituta) == 44 and data.chave_substituta.isdigit()):
        raise ApiError(422, "CHAVE_INVALIDA", "'chave_substituta' deve ter 44 dígitos", field="chave_substituta")
    rid = request_id_of(request)
    return await _event_call(request, principal, key, "document.cancel_substitution", lambda s, d, note: (
        s.cancel_substitution(principal.tenant_id, d.id, xjust, data.chave_substituta, actor=principal.key_id,
                              request_id=rid, audit=note)))


@post("/v1/documents/{key:str}/cce", before_request=authorizes(Permission.DOCUMENT_CORRECT), status_code=200,
      summary="Carta de correção eletrônica de uma NF-e (evento 110110)")
async def correction_letter(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                            key: FromPath[str], data: JSONBody[CceIn]) -> dict[str, Any]:
    texto = _text(data.correcao, "correcao", 15, 1000)
    rid = request_id_of(request)
    return await _event_call(request, principal, key, "document.cce", lambda s, d, note: s.correction_letter(
        principal.tenant_id, d.id, texto, actor=principal.key_id, request_id=rid, audit=note))


@post("/v1/documents/{key:str}/correct", before_request=authorizes(Permission.DOCUMENT_CORRECT), status_code=200,
      summary="Corrige e reenvia um documento rejeitado, com o mesmo número")
async def correct(request: Request[Any, Any, Any], principal: NamedDependency[Principal], key: FromPath[str],
                  data: Annotated[dict[str, Any], VENDA_BODY]) -> dict[str, Any]:
    raw = (await request.body()).decode("utf-8", errors="replace")
    service = emission_service(request)

    def work() -> dict[str, Any]:
        doc = _find(service, principal, key)
        fixed = service.correct(principal.tenant_id, doc.id, raw, request_id=request_id_of(request),
                                audit=audit_note(request, principal, "document.correct"))
        return document_json(fixed)

    return await _run(work)


class InutilizacaoIn(msgspec.Struct, forbid_unknown_fields=True):
    modelo: int
    serie: int
    numero_inicial: int
    numero_final: int
    justificativa: str
    emitter_id: str | None = None
    ano: int | None = None


@post("/v1/inutilizacoes", before_request=authorizes(Permission.DOCUMENT_CANCEL), status_code=201,
      summary="Inutiliza uma faixa de números de uma série")
async def create_inutilizacao(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                              data: JSONBody[InutilizacaoIn]) -> dict[str, Any]:
    xjust = _text(data.justificativa, "justificativa", 15, 255)
    if data.modelo not in (55, 65):
        raise ApiError(422, "MODELO_INVALIDO", "modelo deve ser 55 ou 65", field="modelo")
    if not 0 <= data.serie <= 889:
        raise ApiError(422, "SERIE_INVALIDA", "série deve estar entre 0 e 889", field="serie")
    service = emission_service(request)
    res = resources_of(request)

    def work() -> dict[str, Any]:
        emitter_id = _default_emitter(service, principal.tenant_id, data.emitter_id)
        ano = data.ano if data.ano is not None else res.clock().year
        rec = service.inutilizar(principal.tenant_id, emitter_id, model=data.modelo, series=data.serie,
                                 n_ini=data.numero_inicial, n_fin=data.numero_final, xjust=xjust, ano=ano,
                                 actor=principal.key_id, audit=audit_note(request, principal, "document.inutilizacao"),
                                 request_id=request_id_of(request))
        return {"id": rec.id, "emitter_id": rec.emitter_id, "model": rec.model, "series": rec.series, "ano": rec.ano,
                "n_ini": rec.n_ini, "n_fin": rec.n_fin, "cstat": rec.cstat, "xmotivo": rec.xmotivo,
                "protocol": rec.protocol, "homologada": rec.cstat == 102,
                "xml": f"/v1/inutilizacoes/{rec.id}/xml" if rec.proc_xml else None}

    return await _run(work)


@get("/v1/inutilizacoes/{inut_id:str}/xml", before_request=authorizes(Permission.DOCUMENT_READ), media_type=XML,
     summary="procInutNFe de uma inutilização homologada")
async def get_inutilizacao_xml(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                               inut_id: FromPath[str]) -> Response[bytes]:
    service = emission_service(request)

    def work() -> bytes:
        repo = service.repo
        assert isinstance(repo, SqlEmissionRepository)
        with repo.reader() as uow:
            rec = uow.get_inutilizacao(principal.tenant_id, inut_id)
        if rec is None or rec.proc_xml is None:
            raise NotFound("inutilização homologada não encontrada", code="INUTILIZACAO_NAO_ENCONTRADA",
                           path="inut_id")
        return rec.proc_xml

    return Response(await _run(work), media_type=XML)


@get("/v1/sefaz/status", before_request=authorizes(Permission.EMITTER_READ),
     summary="Status do serviço da SEFAZ (NFeStatusServico4) e o modo de emissão do emitente")
async def sefaz_status(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    uf: Annotated[str | None, QueryParameter(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")] = None,
    model: Annotated[int, QueryParameter(ge=55, le=65)] = 65,
    emitter_id: Annotated[str | None, QueryParameter(max_length=32, pattern=_KEY)] = None,
) -> dict[str, Any]:
    if model not in (55, 65):
        raise ApiError(422, "MODELO_INVALIDO", "model deve ser 55 ou 65", field="model")
    if uf is not None:
        try:
            states.uf(uf.upper())
        except states.UnknownUF as exc:
            raise ApiError(422, "UF_INVALIDA", f"UF desconhecida: {uf}", field="uf") from exc
    service = emission_service(request)

    def work() -> dict[str, Any]:
        eid = _default_emitter(service, principal.tenant_id, emitter_id)
        ctx = service.emitters.context(principal.tenant_id, eid)
        if ctx is None:
            raise NotFound(f"emitente '{eid}' não encontrado", code="EMITENTE_NAO_ENCONTRADO", path="emitter_id")
        target = (uf or ctx.emitente.endereco.uf).upper()
        mode = service.mode(eid, model)
        since = mode.since.isoformat() if mode.since else None
        out: dict[str, Any] = {"uf": target, "model": model, "emitter_id": eid,
                               "mode": {"mode": mode.mode.value, "since": since, "reason": mode.reason,
                                        "deadline_ms": mode.deadline_ms}}
        try:
            st = ctx.worker().status(target, model, ambiente(ctx.emitente.ambiente))
            out.update(cstat=st.cstat, xmotivo=st.xmotivo, em_operacao=st.cstat == "107", t_med=st.t_med)
        except (TransportError, SefazError) as exc:
            out.update(cstat=None, xmotivo=f"sem resposta: {exc}", em_operacao=False, t_med=None)
        return out

    return await _run(work)


class DeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    emitter_id: str
    model: int
    deadline_ms: int


@get("/v1/emission/modes", before_request=authorizes(Permission.EMITTER_READ),
     summary="Modos de emissão (normal, contingência off-line, SVC, EPEC) e prazo do PDV por emitente e modelo")
async def list_modes(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> dict[str, Any]:
    service = emission_service(request)

    def work() -> dict[str, Any]:
        repo = service.repo
        assert isinstance(repo, SqlEmissionRepository)
        with repo.reader() as uow:
            modes = uow.modes_of_tenant(principal.tenant_id)
        return {"items": [{"emitter_id": m.emitter_id, "model": m.model, "mode": m.mode.value,
                           "since": m.since.isoformat() if m.since else None, "reason": m.reason,
                           "deadline_ms": m.deadline_ms} for m in modes],
                "default_deadline_ms": 5000}

    return await _run(work)


@put("/v1/emission/deadline", before_request=authorizes(Permission.EMITTER_WRITE),
     summary="Define o prazo do PDV (ms) para a resposta da SEFAZ antes da contingência")
async def set_deadline(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       data: JSONBody[DeadlineIn]) -> dict[str, Any]:
    if data.model not in (55, 65):
        raise ApiError(422, "MODELO_INVALIDO", "model deve ser 55 ou 65", field="model")
    service = emission_service(request)

    def work() -> dict[str, Any]:
        state = service.set_deadline(principal.tenant_id, data.emitter_id, data.model, data.deadline_ms,
                                     audit=audit_note(request, principal, "emission.deadline"),
                                     request_id=request_id_of(request))
        return {"emitter_id": state.emitter_id, "model": state.model, "mode": state.mode.value,
                "deadline_ms": state.deadline_ms}

    return await _run(work)


router = Router(
    path="/",
    route_handlers=[
        emit_nfce, emit_nfe, list_documents, get_document, get_xml, get_danfe, list_events, get_event_xml,
        get_history, cancel, cancel_substitution, correction_letter, correct, create_inutilizacao,
        get_inutilizacao_xml, sefaz_status, list_modes, set_deadline,
    ],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["documentos"],
)

__all__ = ["document_json", "router"]
