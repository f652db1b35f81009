"""SPED for the accountant: the EFD ICMS/IPI and the monthly XML package from the service database.

* ``GET /v1/sped/efd?emitter=<id or CNPJ>&period=AAAA-MM`` (accountant or admin): the EFD file,
  generated to a temporary file, validated by our own validator, then streamed as ISO-8859-1
  ``text/plain`` with a ``.txt`` attachment name. A missing/invalid configuration or a file our
  validator refuses is a 422 problem with the pt-BR findings (nothing is sent half-made).
* ``GET /v1/sped/package?emitter=..&period=AAAA-MM`` (accountant or admin): the zip of every
  nfeProc, procEventoNFe and procInutNFe of the period + ``resumo.csv``.
* ``GET|PUT /v1/sped/config/{emitter}``: the emitter's EFD configuration (IND_PERFIL, IND_ATIV,
  accountant 0100, E110/E116/E111, 1010); reading it is for whoever may export, setting it is the
  admin's (``emitter:write``). Settings and exports are written to the audit trail.

Another tenant's emitter is a 404, exactly like an unknown one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO, cast

from litestar import Request, Router, get, put
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.response import Stream
from sqlalchemy import Row

from adapters import sped_source
from adapters.db.apikeys import Permission, Principal, Role
from api.problems import ApiError, FieldError
from api.routes.common import blocking, record, resources_of
from api.security import SECURITY_SCHEME, principal_of, provide_principal, requires
from engine.errors import FiscalError
from engine.sped import ConfiguracaoInvalida, escrever_efd, periodo, validar_linhas

_CHUNK = 64 * 1024


async def may_export(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """Accountant (document:export) or the tenant's admin: the roles that may take the month's books out."""
    principal = await principal_of(connection)
    if not (principal.can(Permission.DOCUMENT_EXPORT) or principal.role is Role.ADMIN):
        raise PermissionDeniedException(
            f"o papel '{principal.role.value}' não pode exportar a EFD nem o pacote de XMLs "
            "(só contador ou administrador)")


def _periodo(texto: str) -> tuple[Any, Any]:
    try:
        return periodo(texto)
    except ValueError as exc:
        raise ApiError(422, "PERIODO_INVALIDO", str(exc), field="period") from exc


def _emitente(conn: Any, principal: Principal, ident: str) -> Row[Any]:
    row = sped_source.resolver_emitente(conn, ident, tenant_id=principal.tenant_id)
    if row is None:
        shown = ident[:40]
        raise ApiError(404, "EMITENTE_NAO_ENCONTRADO", f"emitente {shown!r} não encontrado", field="emitter")
    return row


def _config_error(exc: ConfiguracaoInvalida) -> ApiError:
    errors = [FieldError.from_finding(f) for f in exc.findings]
    first = errors[0] if errors else FieldError(exc.code, exc.mensagem)
    detail = first.mensagem if len(errors) == 1 else f"{len(errors)} problemas na configuração da EFD; veja 'errors'"
    return ApiError(422, exc.code, detail, field=first.field, errors=errors)


def _stream(fh: BinaryIO) -> Iterator[bytes]:
    """The (already unlinked) temporary file in chunks; closed when the response ends or is abandoned."""
    try:
        fh.seek(0)
        while chunk := fh.read(_CHUNK):
            yield chunk
    finally:
        fh.close()


def _tmp() -> BinaryIO:
    # Unlinked at once: the open descriptor keeps the data until the stream closes it (no leftovers).
    fd, path = tempfile.mkstemp(prefix="ortho-sped-")
    os.unlink(path)
    return cast(BinaryIO, os.fdopen(fd, "w+b"))


@get("/efd", guards=[may_export], media_type="text/plain",
     summary="EFD ICMS/IPI do emitente e mês (arquivo .txt ISO-8859-1, validado antes do envio)")
async def get_efd(request: Request[Any, Any, Any], principal: NamedDependency[Principal], emitter: FromQuery[str],
                  period: FromQuery[str]) -> Stream:
    inicio, fim = _periodo(period)
    res = resources_of(request)

    def work() -> tuple[BinaryIO, dict[str, str]]:
        with res.db.read() as conn:
            row = _emitente(conn, principal, emitter)
            try:
                estab = sped_source.estabelecimento(conn, row)
            except ConfiguracaoInvalida as exc:
                raise _config_error(exc) from exc
        fonte = sped_source.BancoDocumentos(res.db, row.id)
        fh = _tmp()
        try:
            try:
                resumo = escrever_efd(fonte, estab, inicio, fim, fh)
            except FiscalError as exc:
                raise ApiError(422, exc.code, exc.mensagem, field=exc.path) from exc
            fh.flush()
            fh.seek(0)
            achados = [f for f in validar_linhas(fh) if f.severity == "error"]
            if achados:
                errors = [FieldError(f.code, f"linha {f.line}: {f.path}: {f.mensagem}", f.path or "")
                          for f in achados[:100]]
                raise ApiError(422, "SPED_ARQUIVO_INVALIDO",
                               f"a EFD gerada não passou na validação estrutural ({len(achados)} erro(s)); "
                               "veja 'errors'",
                               errors=errors)
        except BaseException:
            fh.close()
            raise
        with res.db.write() as conn:  # who took the month's books out, and which
            record(conn, request, principal, "sped.efd.export", f"emitter/{row.id}",
                   {"period": period, "linhas": resumo.linhas, "documentos": resumo.documentos})
        nome = f"EFD-ICMS-IPI_{estab.cnpj}_{estab.ie}_{inicio:%Y%m}.txt"
        headers = {
            "Content-Disposition": f'attachment; filename="{nome}"',
            "X-EFD-Linhas": str(resumo.linhas),
            "X-EFD-Documentos": str(resumo.documentos),
            "X-EFD-COD-VER": resumo.cod_ver,
        }
        return fh, headers

    fh, headers = await blocking(work)
    # The EFD is ISO-8859-1 (Ato COTEPE/ICMS 44/2018): the charset is said, the bytes go untouched.
    return Stream(_stream(fh), media_type="text/plain", encoding="iso-8859-1", headers=headers)


@get("/package", guards=[may_export], media_type="application/zip",
     summary="Pacote mensal: zip com nfeProc, procEventoNFe, procInutNFe do período e resumo.csv")
async def get_package(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      emitter: FromQuery[str], period: FromQuery[str]) -> Stream:
    inicio, fim = _periodo(period)
    res = resources_of(request)

    def work() -> tuple[BinaryIO, dict[str, str]]:
        with res.db.read() as conn:
            row = _emitente(conn, principal, emitter)
        fh = _tmp()
        try:
            resumo = sped_source.escrever_pacote_banco(res.db, row.id, inicio, fim, fh)
        except BaseException:
            fh.close()
            raise
        with res.db.write() as conn:
            record(conn, request, principal, "sped.package.export", f"emitter/{row.id}",
                   {"period": period, "arquivos": resumo.arquivos, "documentos": resumo.documentos})
        headers = {
            "Content-Disposition": f'attachment; filename="XML-{row.cnpj}-{inicio:%Y-%m}.zip"',
            "X-Pacote-Arquivos": str(resumo.arquivos),
            "X-Pacote-Documentos": str(resumo.documentos),
        }
        return fh, headers

    fh, headers = await blocking(work)
    return Stream(_stream(fh), media_type="application/zip", headers=headers)


@get("/config/{emitter_ref:str}", guards=[may_export], summary="Configuração da EFD do emitente")
async def get_config(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     emitter_ref: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            row = _emitente(conn, principal, emitter_ref)
            cfg = sped_source.configuracao(conn, row)
        if cfg is None:
            raise ApiError(404, "SPED_CONFIGURACAO_AUSENTE",
                           f"o emitente {row.cnpj} ainda não tem configuração da EFD", field="emitter")
        return {"emitter_id": row.id, "cnpj": row.cnpj, "config": cfg}

    return await blocking(work)


@put("/config/{emitter_ref:str}", guards=[requires(Permission.EMITTER_WRITE)],
     summary="Cadastra/atualiza a configuração da EFD do emitente (perfil, contabilista, apuração)")
async def put_config(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     emitter_ref: FromPath[str]) -> dict[str, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw, parse_float=Decimal)  # money stays Decimal (never float)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "JSON_INVALIDO", "o corpo não é um JSON válido") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "SPED_CONFIGURACAO_INVALIDA", "o corpo deve ser um objeto JSON com a configuração da EFD")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            row = _emitente(conn, principal, emitter_ref)
            try:
                estab = sped_source.salvar_configuracao(conn, row, data, now=res.clock())
            except ConfiguracaoInvalida as exc:
                raise _config_error(exc) from exc
            record(conn, request, principal, "sped.config", f"emitter/{row.id}",
                   {"ind_perfil": estab.ind_perfil, "ind_ativ": estab.ind_ativ})
            cfg = sped_source.configuracao(conn, row)
        return {"emitter_id": row.id, "cnpj": row.cnpj, "config": cfg}

    return await blocking(work)


router = Router(
    path="/v1/sped",
    route_handlers=[get_efd, get_package, get_config, put_config],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["SPED"],
)
