"""Bank reconciliation through the API (accountant and admin of the tenant).

POST /v1/reconciliation/statements   body: the statement file as is (OFX, CNAB 240 retorno or the API Pix
                                     JSON list; ?formato= to force one). Parsed completely first: a bad file
                                     is a 422 naming the line and the field, and nothing is stored; then
                                     the file and its new lines are stored in ONE transaction. Re-importing
                                     the same file (or the same movements in another file) changes nothing.
GET  /v1/reconciliation?from=D&to=D  the report against the tenant's Pix charges (JSON, or CSV with
                                     ?formato=csv / Accept: text/csv); ``reconciliation.completed`` is
                                     enqueued once per distinct result.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, tzinfo
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery
from sqlalchemy import Connection, select

from adapters.db import pix_store as store
from adapters.db.apikeys import Permission, Principal
from adapters.db.outbox import enqueue
from adapters.db.pix_service import outbox_payload
from adapters.db.schema import emitter
from api.problems import ApiError
from api.routes.common import blocking, record, resources_of
from api.routes.pix import any_of
from api.security import provide_principal
from engine.reconciliation import (
    Fonte,
    ReconciliationError,
    file_hash,
    import_statement,
    parse_statement,
    reconcile,
    to_csv,
    to_json,
)
from engine.reconciliation.report import resumo
from states import uf as state_uf

_ACCESS = any_of(Permission.DOCUMENT_EXPORT, Permission.INTEGRATION_WRITE)  # accountant, admin
MAX_PERIOD_DAYS = 366


def _fuso(conn: Connection, tenant_id: str) -> tzinfo:
    """The tenant's time zone: its (first) emitter's UF from ``states`` (a Pix JSON list carries UTC
    instants; the statement date is the local one)."""
    row = conn.execute(
        select(emitter.c.uf).where(emitter.c.tenant_id == tenant_id).order_by(emitter.c.created_at).limit(1)
    ).first()
    return state_uf(row.uf if row else "DF").zoneinfo()  # DF: Brasília time, the SPI's reference


@post("/v1/reconciliation/statements", guards=[_ACCESS], status_code=201,
      summary="Importa um extrato (OFX, CNAB 240 ou JSON da API Pix); idempotente")
async def import_statement_route(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                                 formato: FromQuery[str | None] = None,
                                 filename: FromQuery[str | None] = None) -> dict[str, Any]:
    res = resources_of(request)
    body = await request.body()
    if not body:
        raise ApiError(422, "CONCILIACAO_ARQUIVO_VAZIO", "envie o arquivo do extrato no corpo", field="arquivo")
    fonte: Fonte | None = None
    if formato is not None:
        try:
            fonte = Fonte(formato)
        except ValueError as exc:
            raise ApiError(422, "CONCILIACAO_FORMATO", "formato: ofx, cnab240 ou pix-json", field="formato") from exc

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            fuso = _fuso(conn, principal.tenant_id)
        try:
            fmt, lines = parse_statement(body, fonte, fuso=fuso)
        except ReconciliationError as exc:
            raise ApiError(422, "CONCILIACAO_ARQUIVO_INVALIDO", str(exc), field=exc.campo or "arquivo") from exc
        except (ValueError, UnicodeError) as exc:
            raise ApiError(422, "CONCILIACAO_ARQUIVO_INVALIDO", f"arquivo ilegível: {exc}", field="arquivo") from exc
        digest = file_hash(body)
        with res.db.write() as conn:
            repo = store.SqlReconciliation(conn, principal.tenant_id, formato=fmt.value,
                                           filename=(filename or "")[:200] or None, lines_total=len(lines),
                                           now=res.clock())
            result = import_statement(repo, digest, lines)
            if not result.arquivo_ja_importado:
                record(conn, request, principal, "reconciliation.import", f"statement/{digest}",
                       {"formato": fmt.value, "linhas": len(lines), "novas": result.novas})
        return {"arquivo": digest, "formato": fmt.value, "linhas": len(lines), "novas": result.novas,
                "repetidas": result.repetidas, "arquivo_ja_importado": result.arquivo_ja_importado}

    return await blocking(work)


def _period(value: str | None, name: str) -> date:
    if not value:
        raise ApiError(422, "CONCILIACAO_PERIODO", f"informe {name}=AAAA-MM-DD", field=name)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(422, "CONCILIACAO_PERIODO", f"{name}: data AAAA-MM-DD", field=name) from exc


@get("/v1/reconciliation", guards=[_ACCESS], summary="Relatório de conciliação do período (JSON ou CSV)")
async def report(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                 to: FromQuery[str | None] = None,
                 formato: FromQuery[str | None] = None) -> Response[Any]:
    res = resources_of(request)
    inicio = _period(request.query_params.get("from"), "from")
    fim = _period(to, "to")
    if fim < inicio or (fim - inicio).days > MAX_PERIOD_DAYS:
        raise ApiError(422, "CONCILIACAO_PERIODO", f"período inválido: to >= from e no máximo {MAX_PERIOD_DAYS} dias",
                       field="to")
    want_csv = formato == "csv" or "text/csv" in request.headers.get("accept", "")

    def work() -> tuple[str, str]:
        with res.db.read() as conn:
            repo = store.SqlReconciliation(conn, principal.tenant_id)
            lines = repo.statement_lines(inicio, fim)
            charges = repo.charges_for_period(inicio, fim)
            arquivos = repo.statement_files(inicio, fim)
        resultado = reconcile(lines, charges, inicio=inicio, fim=fim, arquivos=arquivos)
        summary = resumo(resultado)
        contagem = resultado.contagem()
        key = hashlib.sha256(json.dumps([principal.tenant_id, summary], sort_keys=True).encode()).hexdigest()
        with res.db.write() as conn:
            enqueue(conn, topic="reconciliation.completed", idempotency_key=f"reconciliation.completed:{key}",
                    payload=outbox_payload({
                        "id": key[:32], "matched": contagem.get("matched", 0),
                        "unmatched": sum(v for k, v in contagem.items() if k != "matched"),
                        "total_amount": summary["totais"].get("matched", "0.00"), "resumo": summary}),
                    now=res.clock(), tenant_id=principal.tenant_id)
        if want_csv:
            return to_csv(resultado), "text/csv; charset=utf-8"
        return to_json(resultado), "application/json"

    content, media = await blocking(work)
    return Response(content, media_type=media)


reconciliation_router = Router(path="/", dependencies={"principal": Provide(provide_principal)},
                               route_handlers=[import_statement_route, report])

__all__ = ["reconciliation_router"]
