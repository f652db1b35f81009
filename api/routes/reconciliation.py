"""Bank reconciliation through the API (accountant and admin of the tenant).

POST /v1/reconciliation/statements   body: the statement file as is (OFX, CNAB 240 retorno or the API Pix
                                     JSON list; ?formato= to force one). Parsed completely first: a bad file
                                     is a 422 naming the line and the field, and nothing is stored; then
                                     the file and its new lines are stored in ONE transaction. Re-importing
                                     the same file (or the same movements in another file) changes nothing.
GET  /v1/reconciliation?from=D&to=D  the report against the tenant's Pix charges (JSON, or CSV with
                                     ?formato=csv / Accept: text/csv); ``reconciliation.completed`` is
                                     enqueued once per distinct result.
POST /v1/reconciliation/conciliacao  body {"from": D, "to": D}: for each matched item of the period whose
                                     charge links an authorized NF-e/NFC-e (document_ref or chave_acesso),
                                     the Conciliação Financeira (evento 110750) through the emission
                                     service (one ECONF per document with its new payments); a payment
                                     (endToEndId) already in a registered ECONF of the document is skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody
from sqlalchemy import Connection, select

from adapters.db import pix_store as store
from adapters.db.apikeys import Permission, Principal
from adapters.db.outbox import enqueue
from adapters.db.pix_service import outbox_payload
from adapters.db.schema import emitter, pix_charge
from api.problems import ApiError, request_id_of
from api.routes.common import blocking, record, resources_of
from api.routes.documents import emission_service
from api.routes.pix import any_of
from api.security import provide_principal
from engine.emission.records import DocStatus, DocumentRecord
from engine.errors import FiscalError
from engine.pix.psp_profiles import profile as psp_profile
from engine.ports import TransportError
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
from engine.reconciliation.model import Classe, Item
from engine.reconciliation.report import resumo
from engine.sefaz.messages import PagamentoConciliado
from engine.xml.parser import parse_xml
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


def _checked_period(inicio_s: str | None, fim_s: str | None) -> tuple[date, date]:
    inicio, fim = _period(inicio_s, "from"), _period(fim_s, "to")
    if fim < inicio or (fim - inicio).days > MAX_PERIOD_DAYS:
        raise ApiError(422, "CONCILIACAO_PERIODO", f"período inválido: to >= from e no máximo {MAX_PERIOD_DAYS} dias",
                       field="to")
    return inicio, fim


@get("/v1/reconciliation", guards=[_ACCESS], summary="Relatório de conciliação do período (JSON ou CSV)")
async def report(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                 to: FromQuery[str | None] = None,
                 formato: FromQuery[str | None] = None) -> Response[Any]:
    res = resources_of(request)
    inicio, fim = _checked_period(request.query_params.get("from"), to)
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


_REGISTERED = {"135", "136"}  # evento registrado e vinculado / registrado sem vínculo (MOC 5.x, 4.7)


class ConciliacaoIn(msgspec.Struct, forbid_unknown_fields=True, rename={"inicio": "from", "fim": "to"}):
    """Período (datas AAAA-MM-DD) cujos itens conciliados recebem o evento 110750."""

    inicio: str
    fim: str


@dataclass
class _Pendente:
    doc: DocumentRecord
    itens: list[tuple[Item, PagamentoConciliado]]


def _autorizacoes_registradas(proc_xml: bytes | None) -> set[str]:
    """The cAut (endToEndId) of every detPag in a registered ECONF's procEventoNFe."""
    if not proc_xml:
        return set()
    root = parse_xml(proc_xml)
    return {el.text.strip() for el in root.iter("{*}cAut") if el.text}


def _item_json(item: Item, e2e: str, **extra: Any) -> dict[str, Any]:
    assert item.cobranca is not None and item.linha is not None
    return {"txid": item.cobranca.txid, "end_to_end_id": e2e or None, "valor": f"{item.linha.valor:.2f}",
            "data": item.linha.data.isoformat(), **extra}


@post("/v1/reconciliation/conciliacao", guards=[_ACCESS], status_code=200,
      summary="Envia a Conciliação Financeira (evento 110750) dos itens conciliados do período")
async def conciliacao(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      data: JSONBody[ConciliacaoIn]) -> dict[str, Any]:
    res = resources_of(request)
    inicio, fim = _checked_period(data.inicio, data.fim)
    service = emission_service(request)
    rid = request_id_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            repo = store.SqlReconciliation(conn, principal.tenant_id)
            resultado = reconcile(repo.statement_lines(inicio, fim), repo.charges_for_period(inicio, fim),
                                  inicio=inicio, fim=fim, arquivos=repo.statement_files(inicio, fim))
            itens = [i for i in resultado.itens
                     if i.classe == Classe.CONCILIADO and i.cobranca is not None and i.linha is not None]
            txids = sorted({i.cobranca.txid for i in itens if i.cobranca is not None})
            links = {r.txid: r for r in conn.execute(
                select(pix_charge.c.txid, pix_charge.c.profile, pix_charge.c.document_ref, pix_charge.c.chave_acesso)
                .where(pix_charge.c.tenant_id == principal.tenant_id, pix_charge.c.txid.in_(txids))
            ).all()} if txids else {}
        sent: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        pendentes: dict[str, _Pendente] = {}
        ja: dict[str, set[str]] = {}
        with service.repo.reader() as uow:
            for item in itens:
                assert item.cobranca is not None and item.linha is not None
                e2e = item.linha.end_to_end_id or item.cobranca.end_to_end_id
                link = links.get(item.cobranca.txid)
                if link is None or not (link.document_ref or link.chave_acesso):
                    skipped.append(_item_json(item, e2e, motivo="cobrança sem documento fiscal vinculado"))
                    continue
                doc = (uow.get_document(principal.tenant_id, ref=link.document_ref) if link.document_ref
                       else uow.get_document(principal.tenant_id, chave=link.chave_acesso))
                if doc is None:
                    skipped.append(_item_json(item, e2e, motivo="documento vinculado não encontrado"))
                    continue
                if doc.status != DocStatus.AUTHORIZED or not doc.chave:
                    skipped.append(_item_json(item, e2e, document_id=doc.id,
                                              motivo=f"documento não autorizado (status '{doc.status.value}')"))
                    continue
                if not e2e:
                    # cAut carries the endToEndId: without it the payment cannot be identified at the SEFAZ.
                    skipped.append(_item_json(item, e2e, document_id=doc.id, motivo="pagamento sem endToEndId"))
                    continue
                if doc.id not in ja:
                    ja[doc.id] = set()
                    for ev in uow.fiscal_events(doc.id):
                        if ev.tp_evento == "110750" and ev.protocol:
                            ja[doc.id] |= _autorizacoes_registradas(ev.proc_xml)
                if e2e in ja[doc.id]:
                    skipped.append(_item_json(item, e2e, document_id=doc.id, chave=doc.chave,
                                              motivo="pagamento já conciliado (evento 110750 registrado)"))
                    continue
                psp = psp_profile(link.profile)
                pag = PagamentoConciliado(
                    t_pag="17", v_pag=item.linha.valor, d_pag=item.linha.data,  # 17 = pagamento instantâneo
                    cnpj_pag=psp.cnpj if psp.uf else None, uf_pag=psp.uf, c_aut=e2e,
                )
                ja[doc.id].add(e2e)  # the same pix twice in the period goes once
                pendentes.setdefault(doc.id, _Pendente(doc, [])).itens.append((item, pag))
        for pend in pendentes.values():
            pags = [p for _, p in pend.itens]
            try:
                out = service.conciliacao_financeira(principal.tenant_id, pend.doc.id, pags,
                                                     actor=principal.key_id, request_id=rid)
            except (FiscalError, TransportError) as exc:
                for item, pag in pend.itens:
                    rejected.append(_item_json(item, pag.c_aut or "", document_id=pend.doc.id, chave=pend.doc.chave,
                                               cstat=getattr(exc, "cstat", None), motivo=str(exc)))
                continue
            ev = out.event
            cstat = str(ev.cstat) if ev.cstat is not None else None
            target = sent if cstat in _REGISTERED and ev.protocol else rejected
            for item, pag in pend.itens:
                target.append(_item_json(item, pag.c_aut or "", document_id=pend.doc.id, chave=pend.doc.chave,
                                         n_seq_evento=ev.n_seq_evento, cstat=ev.cstat, xmotivo=ev.xmotivo,
                                         protocol=ev.protocol))
        with res.db.write() as conn:
            record(conn, request, principal, "reconciliation.conciliacao", f"period/{inicio}/{fim}",
                   {"enviados": len(sent), "ignorados": len(skipped), "rejeitados": len(rejected)})
        return {"from": inicio.isoformat(), "to": fim.isoformat(), "sent": sent, "skipped": skipped,
                "rejected": rejected}

    return await blocking(work)


reconciliation_router = Router(path="/", dependencies={"principal": Provide(provide_principal)},
                               route_handlers=[import_statement_route, report, conciliacao])

__all__ = ["reconciliation_router"]
