"""Emitter configuration for the tenant's admin: create, read, update, CSC, A1 certificate."""

from __future__ import annotations

import base64
import binascii
import json
import re
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import BodyKwarg, FromPath, JSONBody

from adapters.db import emitters as repo
from adapters.db.apikeys import Permission, Principal
from adapters.db.certificates_repo import SqlCertificateRepository
from api.problems import ApiError, FieldError
from api.routes.common import blocking, record, resources_of
from api.security import SECURITY_SCHEME, provide_principal, requires
from certificates.errors import CertificateError
from certificates.store import CertificateStore, StoredCertificate
from engine.nfe.build.emitter import CSC, Emitente, parse_emitente
from engine.nfe.build.messages import EntradaInvalida


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """pydantic's JSON schema with its ``$defs`` references inlined (OpenAPI ``schema_extra``)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _emitente_schema() -> dict[str, Any]:
    raw = Emitente.model_json_schema()
    inlined: dict[str, Any] = _inline_refs(raw, raw.get("$defs", {}))
    return {k: inlined[k] for k in ("type", "properties", "required", "additionalProperties") if k in inlined}


EMITENTE_BODY = BodyKwarg(
    schema_extra=_emitente_schema(),
    title="Emitente",
    description=(
        "Configuração do emitente (mesmo formato do arquivo de emitente do `ortho-fiscal build`, veja "
        "docs/input.md): cnpj, ie, crt, razao_social, endereco (com codigo_municipio e uf), series, ambiente, "
        "csc, responsavel_tecnico, perfil_tributario. Campos desconhecidos são recusados."
    ),
)


class CscIn(msgspec.Struct, forbid_unknown_fields=True):
    """CSC da NFC-e (QR-Code versão 2): id na SEFAZ e o token."""

    id: str
    token: str


class CertificadoIn(msgspec.Struct, forbid_unknown_fields=True):
    """Certificado A1: o arquivo PKCS#12 (.pfx) em base64 e a senha."""

    pfx_base64: str
    senha: str
    ativar: bool = True


def _findings_error(exc: EntradaInvalida, code: str) -> ApiError:
    errors = [FieldError.from_finding(f) for f in exc.findings]
    first = errors[0] if errors else FieldError(code, "configuração inválida")
    detail = first.mensagem if len(errors) == 1 else f"{len(errors)} problemas na configuração; veja 'errors'"
    return ApiError(422, code, detail, field=first.field, cstat=first.cstat, errors=errors)


async def _emitente(request: Request[Any, Any, Any]) -> Emitente:
    raw = await request.body()
    try:
        data = json.loads(raw, parse_float=Decimal)  # money and rates stay Decimal (never float)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "JSON_INVALIDO", "o corpo não é um JSON válido") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "EMITENTE_INVALIDO", "o corpo deve ser um objeto JSON com a configuração do emitente")
    try:
        return parse_emitente(data)
    except EntradaInvalida as exc:
        raise _findings_error(exc, "EMITENTE_INVALIDO") from exc


_EMITTER_ID = re.compile(r"^[0-9a-f]{32}$")


def _checked_id(emitter_id: str) -> str:
    """Ids are 32 hex characters; anything else cannot exist (and never reaches the database)."""
    if not _EMITTER_ID.match(emitter_id):
        raise _not_found(emitter_id)
    return emitter_id


def _not_found(emitter_id: str) -> ApiError:
    shown = emitter_id if _EMITTER_ID.match(emitter_id) else repr(emitter_id[:40])
    return ApiError(404, "EMITENTE_NAO_ENCONTRADO", f"emitente {shown} não encontrado", field="emitter_id")


def _certificate_json(c: StoredCertificate) -> dict[str, Any]:
    return {
        "id": c.id,
        "cnpj": c.cnpj,
        "titular": c.subject,
        "impressao_digital_sha256": c.fingerprint_sha256,
        "valido_de": c.not_before.isoformat(),
        "valido_ate": c.not_after.isoformat(),
        "ativo": c.active,
        "criado_em": c.created_at.isoformat(),
    }


@post("/", guards=[requires(Permission.EMITTER_WRITE)], status_code=201, summary="Cadastra um emitente")
async def create_emitter(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    data: Annotated[dict[str, Any], EMITENTE_BODY],
) -> dict[str, Any]:
    emitente = await _emitente(request)
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                rec = repo.create_emitter(
                    conn, tenant_id=principal.tenant_id, emitente=emitente, keyring=res.keyring, now=res.clock()
                )
            except repo.EmitterConflict as exc:
                raise ApiError(409, "EMITENTE_DUPLICADO", str(exc), field="cnpj") from exc
            record(conn, request, principal, "emitter.create", f"emitter/{rec.id}", {"cnpj": rec.cnpj})
            return rec.as_json()

    return await blocking(work)


@get("/", guards=[requires(Permission.EMITTER_READ)], summary="Lista os emitentes do tenant")
async def list_emitters(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            return {"items": [r.as_json() for r in repo.list_emitters(conn, principal.tenant_id)]}

    return await blocking(work)


@get("/{emitter_id:str}", guards=[requires(Permission.EMITTER_READ)], summary="Consulta um emitente")
async def get_emitter(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], emitter_id: FromPath[str]
) -> dict[str, Any]:
    _checked_id(emitter_id)
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            rec = repo.get_emitter(conn, principal.tenant_id, emitter_id)
        if rec is None:
            raise _not_found(emitter_id)
        return rec.as_json()

    return await blocking(work)


@put("/{emitter_id:str}", guards=[requires(Permission.EMITTER_WRITE)], summary="Atualiza a configuração do emitente")
async def update_emitter(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    emitter_id: FromPath[str],
    data: Annotated[dict[str, Any], EMITENTE_BODY],
) -> dict[str, Any]:
    _checked_id(emitter_id)
    emitente = await _emitente(request)
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            before = repo.get_emitter(conn, principal.tenant_id, emitter_id)
            try:
                rec = repo.update_emitter(
                    conn,
                    tenant_id=principal.tenant_id,
                    emitter_id=emitter_id,
                    emitente=emitente,
                    keyring=res.keyring,
                    now=res.clock(),
                )
            except repo.EmitterConflict as exc:
                raise ApiError(409, "CNPJ_IMUTAVEL", str(exc), field="cnpj") from exc
            if rec is None:
                raise _not_found(emitter_id)
            old = before.config if before else {}
            # Which configuration groups changed (names only: values may be personal data).
            changed = sorted(k for k in set(old) | set(rec.config) if old.get(k) != rec.config.get(k))
            if emitente.csc is not None:
                changed.append("csc")
            record(conn, request, principal, "emitter.update", f"emitter/{rec.id}",
                   {"versao": rec.version, "alterados": changed})
            return rec.as_json()

    return await blocking(work)


@put("/{emitter_id:str}/csc", guards=[requires(Permission.EMITTER_WRITE)], summary="Define o CSC da NFC-e")
async def set_csc(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    emitter_id: FromPath[str],
    data: JSONBody[CscIn],
) -> dict[str, Any]:
    _checked_id(emitter_id)
    try:
        csc = CSC(id=data.id, token=data.token)
    except ValueError as exc:
        from pydantic import ValidationError

        from engine.nfe.build.messages import findings_from_validation

        if isinstance(exc, ValidationError):
            raise _findings_error(
                EntradaInvalida(findings_from_validation(exc, prefix="csc", code="CSC")), "CSC_INVALIDO"
            ) from exc
        raise
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            rec = repo.set_csc(
                conn,
                tenant_id=principal.tenant_id,
                emitter_id=emitter_id,
                csc=csc,
                keyring=res.keyring,
                now=res.clock(),
            )
            if rec is None:
                raise _not_found(emitter_id)
            record(conn, request, principal, "emitter.csc.set", f"emitter/{rec.id}", {"csc_id": csc.id})
            return rec.as_json()

    return await blocking(work)


@post(
    "/{emitter_id:str}/certificates",
    guards=[requires(Permission.CERTIFICATE_WRITE)],
    status_code=201,
    summary="Envia o certificado A1 (PKCS#12) do emitente",
)
async def upload_certificate(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    emitter_id: FromPath[str],
    data: JSONBody[CertificadoIn],
) -> dict[str, Any]:
    _checked_id(emitter_id)
    try:
        pfx = base64.b64decode(data.pfx_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, "CERT_BASE64_INVALIDO", "pfx_base64 não é base64 válido", field="pfx_base64") from exc
    if not pfx:
        raise ApiError(422, "CERT_VAZIO", "o arquivo PKCS#12 está vazio", field="pfx_base64")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            rec = repo.get_emitter(conn, principal.tenant_id, emitter_id)
            if rec is None:
                raise _not_found(emitter_id)
            store = CertificateStore(SqlCertificateRepository(res.db, conn), res.keyring)
            try:
                stored = store.put(
                    rec.id, pfx, data.senha, now=res.clock(), emitter_cnpj=rec.cnpj, activate=data.ativar
                )
            except CertificateError as exc:
                raise ApiError(422, exc.code, exc.mensagem, field="pfx_base64", cstat=exc.cstat) from exc
            record(
                conn,
                request,
                principal,
                "emitter.certificate.upload",
                f"emitter/{rec.id}",
                {"certificate_id": stored.id, "fingerprint_sha256": stored.fingerprint_sha256, "ativo": data.ativar},
            )
            return _certificate_json(stored)

    return await blocking(work)


@get(
    "/{emitter_id:str}/certificates",
    guards=[requires(Permission.EMITTER_READ)],
    summary="Lista os certificados do emitente",
)
async def list_certificates(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], emitter_id: FromPath[str]
) -> dict[str, Any]:
    _checked_id(emitter_id)
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            rec = repo.get_emitter(conn, principal.tenant_id, emitter_id)
            if rec is None:
                raise _not_found(emitter_id)
            certs = SqlCertificateRepository(res.db, conn).list_for(rec.id)
        return {"items": [_certificate_json(c) for c in certs]}

    return await blocking(work)


router = Router(
    path="/v1/emitters",
    route_handlers=[
        create_emitter,
        list_emitters,
        get_emitter,
        update_emitter,
        set_csc,
        upload_certificate,
        list_certificates,
    ],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["emitentes"],
)
