"""PIX in the service (issue 6): the emitter's PSP account, charges, QR images and the PSP's webhook.

/v1/emitters/{id}/pix/psp            PUT (admin): profile, environment, chave, credentials + PFX (sealed);
                                      the answer carries the webhook's secret path (only there); GET
/v1/emitters/{id}/pix/psp/test       POST (admin): get an OAuth2 token from the PSP
/v1/emitters/{id}/pix/psp/webhook    POST (admin): register our webhook URL at the PSP (PUT /webhook/{chave})
/v1/pix/charges                      POST (pdv): cob at the PSP -> 201 with the BR Code; pix.charge.created
/v1/pix/charges/{txid}               GET (pdv/accountant/admin of the tenant), .../qr.png, .../qr.svg
/v1/pix/charges/{txid}/devolucoes    POST (pdv): a devolução of a received pix at the PSP
/v1/pix/notifications                GET (admin): the inbox with each notification's outcome
/v1/pix/notifications/process        POST (admin): retry the due ones now (a worker also does, see
                                      adapters.db.pix_service.start_in_process)
/v1/pix/webhook/{secret}[/pix]       POST (the PSP; no API key): secret path + HMAC or mTLS via the
                                      front proxy; answers 200 at once, confirms with the PSP afterwards
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post, put
from litestar.background_tasks import BackgroundTask
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from adapters.db import pix_service as service
from adapters.db import pix_store as store
from adapters.db.apikeys import Permission, Principal
from adapters.db.outbox import enqueue
from api.problems import ApiError
from api.routes.common import blocking, record, resources_of
from api.security import principal_of, provide_principal, requires
from engine import qrimage
from engine.errors import FiscalError
from engine.pix.api import CobRequest, Devedor, DevolucaoRequest, PspApiError
from engine.pix.confirmation import ChargeStatus, nfce_pagamentos, verify_hmac_signature
from engine.pix.psp_credentials import PspCredentials
from engine.pix.psp_profiles import Environment, load_profiles
from engine.pix.psp_profiles import profile as psp_profile
from states import uf as state_uf

log = logging.getLogger("ortho_fiscal.pix")

_TXID = re.compile(r"^[a-zA-Z0-9]{26,35}$")
_EMITTER = re.compile(r"^[0-9a-f]{32}$")
_VALOR = re.compile(r"^\d{1,10}\.\d{2}$")
MTLS_PROXY_ENV = "ORTHO_PIX_MTLS_PROXY"  # "1": a TLS front proxy verifies the PSP and sets the headers below
MTLS_VERIFY_HEADER = "x-ssl-client-verify"
MTLS_CERT_HEADER = "x-ssl-client-cert"
MAX_NOTIFICATION = 512 * 1024


class PspAccountIn(msgspec.Struct, forbid_unknown_fields=True):
    """Conta do emitente no PSP: perfil (bb, itau, bradesco, santander, nubank), ambiente, chave Pix e
    credenciais (o PFX em base64). Tudo o que é segredo é guardado cifrado."""

    psp: str
    chave: str
    client_id: str
    client_secret: str
    ambiente: str = "production"
    app_key: str | None = None
    pfx_base64: str | None = None
    pfx_password: str | None = None
    webhook_auth: str | None = None
    hmac_secret: str | None = None
    hmac_header: str = "X-Pix-Signature"
    base_url: str | None = None
    token_url: str | None = None


class WebhookRegistrationIn(msgspec.Struct, forbid_unknown_fields=True):
    """URL pública deste serviço (https://fiscal.exemplo.com.br) sob a qual o PSP chama o webhook."""

    public_base_url: str


class DevedorIn(msgspec.Struct, forbid_unknown_fields=True):
    nome: str
    cpf: str | None = None
    cnpj: str | None = None


class ChargeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Cobrança imediata (cob): valor "0.00"; opcionalmente o documento (ref/chave da NFC-e) que ela paga."""

    emitter_id: str
    valor: str
    expiracao: int = 3600
    devedor: DevedorIn | None = None
    solicitacao_pagador: str | None = None
    document_ref: str | None = None
    chave_acesso: str | None = None
    ref: str | None = None  # the client's idempotency reference: the same ref returns the same charge


_REF = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _txid_for_ref(tenant_id: str, ref: str) -> str:
    """The txid of the charge of a client ``ref``: derived, so every retry (concurrent or after a crash)
    asks the PSP for the SAME txid, and the PSP refuses a second cob with it (API Pix: PUT /cob/{txid},
    txid unique per recebedor). 32 hex characters fit the schema TxId [a-zA-Z0-9]{26,35}."""
    return hashlib.sha256(f"pix-charge-ref:{tenant_id}:{ref}".encode()).hexdigest()[:32]


def _fiscal(exc: FiscalError, status: int = 422) -> ApiError:
    if isinstance(exc, PspApiError):
        return ApiError(502, "PIX_PSP_RECUSOU", f"o PSP recusou a operação: {exc}")
    code = getattr(exc, "code", "PIX_ERRO")
    return ApiError(status, str(code), str(exc), field=str(getattr(exc, "path", "") or ""))


def _emitter_id(value: str) -> str:
    if not _EMITTER.match(value):
        raise ApiError(404, "EMITENTE_NAO_ENCONTRADO", "emitente não encontrado", field="emitter_id")
    return value


def any_of(*permissions: Permission) -> Any:
    """A guard: the key's role grants at least one of ``permissions``."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        principal = await principal_of(connection)
        if not any(principal.can(p) for p in permissions):
            raise PermissionDeniedException(f"o papel '{principal.role.value}' não tem acesso a cobranças Pix")

    return guard


# -- PSP account --------------------------------------------------------------------------------------


@put("/v1/emitters/{emitter_id:str}/pix/psp", guards=[requires(Permission.INTEGRATION_WRITE)],
     summary="Configura a conta Pix do emitente no PSP")
async def put_account(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      emitter_id: FromPath[str], data: JSONBody[PspAccountIn]) -> dict[str, Any]:
    res = resources_of(request)
    _emitter_id(emitter_id)
    profiles = load_profiles()
    prof = profiles.get(data.psp)
    if prof is None:
        raise ApiError(422, "PIX_PSP_DESCONHECIDO",
                       f"PSP '{data.psp[:20]}' desconhecido; use um de: {', '.join(sorted(profiles))}", field="psp")
    if data.ambiente not in ("production", "sandbox"):
        raise ApiError(422, "PIX_AMBIENTE", "ambiente: 'production' ou 'sandbox'", field="ambiente")
    if not 1 <= len(data.chave) <= 77:
        raise ApiError(422, "PIX_CHAVE", "chave: de 1 a 77 caracteres (chave DICT do recebedor)", field="chave")
    auth = data.webhook_auth or prof.flags.webhook_auth
    if auth not in ("mtls", "hmac"):
        raise ApiError(422, "PIX_WEBHOOK_AUTH", "webhook_auth: 'mtls' ou 'hmac'", field="webhook_auth")
    if auth == "hmac" and not data.hmac_secret:
        raise ApiError(422, "PIX_HMAC_SEGREDO", "informe hmac_secret para webhooks autenticados por HMAC",
                       field="hmac_secret")
    if (data.base_url is None) != (data.token_url is None):
        raise ApiError(422, "PIX_PSP_URL", "informe base_url e token_url juntos (ou nenhum)", field="base_url")
    for name, url in (("base_url", data.base_url), ("token_url", data.token_url)):
        if url is not None and not url.startswith("https://"):
            raise ApiError(422, "PIX_PSP_URL_INSEGURA", f"{name} deve usar HTTPS", field=name)
    pfx: bytes | None = None
    if data.pfx_base64:
        try:
            pfx = base64.b64decode(data.pfx_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(422, "PIX_PFX_INVALIDO", "pfx_base64 não é base64 válido", field="pfx_base64") from exc
    env: Environment = "production" if data.ambiente == "production" else "sandbox"
    if prof.mtls_required(env) and pfx is None:
        raise ApiError(422, "PIX_PSP_CERTIFICADO_AUSENTE",
                       f"PSP {prof.nome} exige certificado de cliente (mTLS) em {env}: envie pfx_base64",
                       field="pfx_base64")
    creds = PspCredentials(data.client_id, data.client_secret, data.app_key, pfx, data.pfx_password)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            if store.emitter_uf(conn, principal.tenant_id, emitter_id) is None:
                raise ApiError(404, "EMITENTE_NAO_ENCONTRADO", "emitente não encontrado", field="emitter_id")
            account, path = store.save_account(
                conn, res.keyring, tenant_id=principal.tenant_id, emitter_id=emitter_id, profile_id=prof.id,
                environment=env, chave=data.chave, credentials=creds, webhook_auth=auth,
                hmac_header=data.hmac_header, hmac_secret=data.hmac_secret, base_url=data.base_url,
                token_url=data.token_url, now=res.clock(),
            )
            record(conn, request, principal, "pix.psp.configure", f"emitter/{emitter_id}/pix",
                   {"psp": prof.id, "ambiente": env, "webhook_auth": auth})
        return {**account.to_json(), "webhook_path": f"/v1/pix/webhook/{path}",
                "aviso": "o caminho do webhook é secreto: ele não será exibido novamente"}

    return await blocking(work)


@get("/v1/emitters/{emitter_id:str}/pix/psp", guards=[requires(Permission.INTEGRATION_WRITE)],
     summary="Conta Pix do emitente (sem segredos)")
async def get_account(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      emitter_id: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)
    _emitter_id(emitter_id)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            account = store.account_by_emitter(conn, principal.tenant_id, emitter_id)
        if account is None:
            raise ApiError(404, "PIX_CONTA_NAO_CONFIGURADA", "o emitente não tem conta Pix configurada")
        return account.to_json()

    return await blocking(work)


def _account_or_404(res: Any, tenant_id: str, emitter_id: str) -> store.PspAccount:
    with res.db.read() as conn:
        account = store.account_by_emitter(conn, tenant_id, emitter_id)
    if account is None:
        raise ApiError(404, "PIX_CONTA_NAO_CONFIGURADA", "o emitente não tem conta Pix configurada",
                       field="emitter_id")
    return account


def _factory(request: Request[Any, Any, Any]) -> service.ClientFactory:
    res = resources_of(request)
    return service.client_factory(res.keyring, res.settings.env or None)


@post("/v1/emitters/{emitter_id:str}/pix/psp/test", guards=[requires(Permission.INTEGRATION_WRITE)],
      status_code=200, summary="Testa a conexão com o PSP (obtém um token OAuth2)")
async def test_account(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       emitter_id: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)
    _emitter_id(emitter_id)
    factory = _factory(request)

    def work() -> dict[str, Any]:
        account = _account_or_404(res, principal.tenant_id, emitter_id)
        try:
            opened = factory(account)
        except FiscalError as exc:
            ok, mensagem = False, str(exc)
        else:
            try:
                opened.client.access_token(opened.client.profile.scopes[0])
                ok, mensagem = True, f"token obtido do PSP {opened.client.profile.nome}"
            except FiscalError as exc:
                ok, mensagem = False, str(exc)
            finally:
                opened.close()
        with res.db.write() as conn:
            store.record_test(conn, account.id, ok=ok, mensagem=mensagem, now=res.clock())
            record(conn, request, principal, "pix.psp.test", f"emitter/{emitter_id}/pix", {"ok": ok})
        return {"ok": ok, "mensagem": mensagem}

    return await blocking(work)


@post("/v1/emitters/{emitter_id:str}/pix/psp/webhook", guards=[requires(Permission.INTEGRATION_WRITE)],
      status_code=200, summary="Registra o webhook deste serviço no PSP (PUT /webhook/{chave})")
async def register_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                           emitter_id: FromPath[str], data: JSONBody[WebhookRegistrationIn]) -> dict[str, Any]:
    res = resources_of(request)
    _emitter_id(emitter_id)
    if not data.public_base_url.startswith("https://") or len(data.public_base_url) > 200:
        raise ApiError(422, "PIX_WEBHOOK_URL", "public_base_url deve ser uma URL https", field="public_base_url")
    factory = _factory(request)

    def work() -> dict[str, Any]:
        account = _account_or_404(res, principal.tenant_id, emitter_id)
        path, _ = store.webhook_secrets(res.keyring, account)
        url = data.public_base_url.rstrip("/") + f"/v1/pix/webhook/{path}"
        try:
            opened = factory(account)
            try:
                opened.client.put_webhook(account.chave, url)
            finally:
                opened.close()
        except FiscalError as exc:
            raise _fiscal(exc, 502) from exc
        with res.db.write() as conn:
            store.record_webhook_url(conn, account.id, data.public_base_url.rstrip("/") + "/v1/pix/webhook/…",
                                     res.clock())
            record(conn, request, principal, "pix.psp.webhook", f"emitter/{emitter_id}/pix", {})
        return {"ok": True, "chave": account.chave}

    return await blocking(work)


# -- charges ------------------------------------------------------------------------------------------


def _new_txid() -> str:
    # Schema TxId of a cob created with PUT: [a-zA-Z0-9]{26,35}; ours is 32 random alphanumerics.
    return uuid.uuid4().hex


@post("/v1/pix/charges", guards=[requires(Permission.DOCUMENT_EMIT)], status_code=201,
      summary="Cria uma cobrança Pix imediata (cob) no PSP")
async def create_charge(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                        data: JSONBody[ChargeIn]) -> Response[dict[str, Any]]:
    res = resources_of(request)
    _emitter_id(data.emitter_id)
    if not _VALOR.match(data.valor):
        raise ApiError(422, "PIX_VALOR", "valor: texto no formato 0.00 (ex.: \"150.00\")", field="valor")
    try:
        valor = Decimal(data.valor)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only decimals
        raise ApiError(422, "PIX_VALOR", "valor inválido", field="valor") from exc
    if valor <= 0:
        raise ApiError(422, "PIX_VALOR", "valor deve ser maior que zero", field="valor")
    if data.chave_acesso is not None and not re.fullmatch(r"\d{44}", data.chave_acesso):
        raise ApiError(422, "CHAVE_ACESSO", "chave_acesso: 44 dígitos", field="chave_acesso")
    if data.document_ref is not None and not 1 <= len(data.document_ref) <= 64:
        raise ApiError(422, "PIX_DOCUMENT_REF", "document_ref: de 1 a 64 caracteres", field="document_ref")
    if data.ref is not None and not _REF.match(data.ref):
        raise ApiError(422, "PIX_REF", "ref: de 1 a 64 caracteres A-Z a-z 0-9 _ . : -", field="ref")
    factory = _factory(request)

    def replay(existing: store.ChargeRecord) -> Response[dict[str, Any]]:
        """The charge already created with this ref (200); a different request under it is a 409."""
        if existing.emitter_id != data.emitter_id or existing.valor != valor:
            raise ApiError(409, "PIX_REF_CONFLITO",
                           f"ref já usada pela cobrança {existing.txid} com outro emitente ou valor "
                           f"({existing.valor:.2f}); use outra ref para uma nova cobrança", field="ref")
        with res.db.read() as conn:
            payments = store.payments_of(conn, existing.txid)
        return Response(_charge_json(existing, payments), status_code=200)

    def work() -> Response[dict[str, Any]]:
        if data.ref is not None:
            with res.db.read() as conn:
                existing = store.charge_by_ref(conn, principal.tenant_id, data.ref)
            if existing is not None:
                return replay(existing)
        with res.db.read() as conn:
            uf_code = store.emitter_uf(conn, principal.tenant_id, data.emitter_id)
            account = store.account_by_emitter(conn, principal.tenant_id, data.emitter_id)
        if uf_code is None:
            raise ApiError(404, "EMITENTE_NAO_ENCONTRADO", "emitente não encontrado", field="emitter_id")
        if account is None:
            raise ApiError(409, "PIX_CONTA_NAO_CONFIGURADA",
                           "o emitente não tem conta Pix configurada (PUT /v1/emitters/{id}/pix/psp)",
                           field="emitter_id")
        try:
            devedor = (Devedor(nome=data.devedor.nome, cpf=data.devedor.cpf, cnpj=data.devedor.cnpj)
                       if data.devedor else None)
            cob_request = CobRequest(chave=account.chave, valor=valor, expiracao=data.expiracao, devedor=devedor,
                                     solicitacao_pagador=data.solicitacao_pagador)
            cob_request.to_json()  # validates before anything goes to the PSP
        except FiscalError as exc:
            raise _fiscal(exc) from exc
        txid = _txid_for_ref(principal.tenant_id, data.ref) if data.ref is not None else _new_txid()
        try:
            opened = factory(account)
            try:
                try:
                    cob = opened.client.create_cob(cob_request, txid=txid)
                except PspApiError as refused:
                    if data.ref is None:
                        raise
                    # This ref's txid is taken at the PSP: a concurrent retry, or an attempt that died
                    # before storing the charge. That cob IS the charge: read it, never create another.
                    try:
                        cob = opened.client.get_cob(txid)
                    except FiscalError:
                        raise refused from None
                    if cob.valor_original != valor:
                        raise ApiError(409, "PIX_REF_CONFLITO", f"ref já usada no PSP por uma cobrança de "
                                       f"{cob.valor_original:.2f}; use outra ref", field="ref") from refused
            finally:
                opened.close()
        except PspApiError as exc:
            raise ApiError(502, "PIX_PSP_RECUSOU", f"o PSP recusou a cobrança: {exc}") from exc
        except FiscalError as exc:
            raise ApiError(502, "PIX_PSP_INDISPONIVEL", f"não foi possível criar a cobrança no PSP: {exc}") from exc
        if not cob.pix_copia_e_cola:
            raise ApiError(502, "PIX_PSP_SEM_BRCODE", "o PSP não devolveu o pixCopiaECola da cobrança")
        now = res.clock()
        rec = store.ChargeRecord(
            id=uuid.uuid4().hex, tenant_id=principal.tenant_id, emitter_id=data.emitter_id, account_id=account.id,
            profile_id=account.profile_id, txid=cob.txid, tipo="cob", valor=valor,
            status=ChargeStatus.PENDING.value, psp_status=cob.status.value, recebido=Decimal("0.00"),
            devolvido=Decimal("0.00"), devedor=devedor.to_json() if devedor else None,
            solicitacao_pagador=data.solicitacao_pagador, expiracao=data.expiracao,
            vencimento=store.local_date(now, state_uf(uf_code).zoneinfo()), location=cob.location,
            brcode=cob.pix_copia_e_cola, document_ref=data.document_ref, chave_acesso=data.chave_acesso,
            created_at=now, updated_at=now, paid_at=None, ref=data.ref,
        )
        try:
            with res.db.write() as conn:
                _store_charge(conn, rec, valor, data.expiracao, now)
        except IntegrityError:
            # A concurrent request with the same ref stored it first (unique (tenant_id, ref) and txid).
            if data.ref is None:
                raise
            with res.db.read() as conn:
                existing = store.charge_by_ref(conn, principal.tenant_id, data.ref)
            if existing is None:
                raise
            return replay(existing)
        return Response(_charge_json(rec, []), status_code=201)

    def _store_charge(conn: Connection, rec: store.ChargeRecord, valor: Decimal, expiracao: int, now: datetime) -> None:
        """The charge, its pix.charge.created event and the audit entry: one transaction."""
        store.insert_charge(conn, rec, created_by=principal.key_id)
        enqueue(conn, topic="pix.charge.created", idempotency_key=f"pix.charge.created:{rec.txid}",
                payload=service.outbox_payload({
                    "txid": rec.txid, "amount": f"{valor:.2f}", "emitter_id": rec.emitter_id,
                    "document_ref": rec.document_ref, "brcode": rec.brcode,
                    "expires_at": (now + timedelta(seconds=expiracao)).isoformat()}),
                now=now, tenant_id=principal.tenant_id)
        record(conn, request, principal, "pix.charge.create", f"pix/{rec.txid}",
               {"valor": f"{valor:.2f}", "ref": rec.ref})

    return await blocking(work)


def _charge_json(rec: store.ChargeRecord, payments: list[Any]) -> dict[str, Any]:
    data = rec.to_json(payments)
    # The NFC-e's detPag for what was confirmed: tPag 17 with the card group (tpIntegra 1, CNPJ of the
    # PSP, cAut = endToEndId), for the PDV to put in the document the charge pays.
    data["nfce_det_pag"] = [
        {**entry, "valor": f"{entry['valor']:.2f}"} for entry in nfce_pagamentos(payments, psp_profile(rec.profile_id))
    ]
    data["qr_png"] = f"/v1/pix/charges/{rec.txid}/qr.png"
    data["qr_svg"] = f"/v1/pix/charges/{rec.txid}/qr.svg"
    return data


_READ_CHARGE = any_of(Permission.DOCUMENT_EMIT, Permission.DOCUMENT_READ, Permission.INTEGRATION_WRITE)


def _find_charge(request: Request[Any, Any, Any], principal: Principal, txid: str) -> tuple[Any, list[Any]]:
    if not _TXID.match(txid):
        raise ApiError(404, "PIX_COBRANCA_NAO_ENCONTRADA", "cobrança não encontrada", field="txid")
    res = resources_of(request)
    with res.db.read() as conn:
        rec = store.get_charge(conn, principal.tenant_id, txid)
        if rec is None:
            raise ApiError(404, "PIX_COBRANCA_NAO_ENCONTRADA", "cobrança não encontrada", field="txid")
        return rec, store.payments_of(conn, txid)


@get("/v1/pix/charges/{txid:str}", guards=[_READ_CHARGE], summary="Consulta uma cobrança Pix e seus pagamentos")
async def get_charge(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     txid: FromPath[str]) -> dict[str, Any]:
    rec, payments = await blocking(lambda: _find_charge(request, principal, txid))
    return _charge_json(rec, payments)


@get("/v1/pix/charges/{txid:str}/qr.png", guards=[_READ_CHARGE], media_type="image/png",
     summary="QR Code da cobrança (PNG)")
async def get_qr_png(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     txid: FromPath[str]) -> Response[bytes]:
    rec, _ = await blocking(lambda: _find_charge(request, principal, txid))
    return Response(await blocking(lambda: qrimage.png(rec.brcode)), media_type="image/png")


@get("/v1/pix/charges/{txid:str}/qr.svg", guards=[_READ_CHARGE], media_type="image/svg+xml",
     summary="QR Code da cobrança (SVG)")
async def get_qr_svg(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     txid: FromPath[str]) -> Response[bytes]:
    rec, _ = await blocking(lambda: _find_charge(request, principal, txid))
    return Response(await blocking(lambda: qrimage.svg(rec.brcode)), media_type="image/svg+xml")


class DevolucaoIn(msgspec.Struct, forbid_unknown_fields=True):
    """Devolução de um pix recebido na cobrança: endToEndId, valor "0.00" e descrição opcional."""

    end_to_end_id: str
    valor: str
    descricao: str | None = None


@post("/v1/pix/charges/{txid:str}/devolucoes", guards=[requires(Permission.DOCUMENT_CANCEL)], status_code=201,
      summary="Solicita a devolução (total ou parcial) de um pix recebido na cobrança")
async def request_refund(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         txid: FromPath[str], data: JSONBody[DevolucaoIn]) -> dict[str, Any]:
    res = resources_of(request)
    if not _VALOR.match(data.valor) or Decimal(data.valor) <= 0:
        raise ApiError(422, "PIX_VALOR", "valor: texto no formato 0.00, maior que zero", field="valor")
    factory = _factory(request)

    def work() -> dict[str, Any]:
        rec, payments = _find_charge(request, principal, txid)
        pix = next((p for p in payments if p.end_to_end_id == data.end_to_end_id), None)
        if pix is None:
            raise ApiError(404, "PIX_NAO_ENCONTRADO", "este pix não foi recebido nesta cobrança",
                           field="end_to_end_id")
        already = sum((d.valor for d in pix.devolucoes if d.status != "NAO_REALIZADO"), Decimal("0.00"))
        if already + Decimal(data.valor) > pix.valor:
            raise ApiError(422, "PIX_DEVOLUCAO_EXCEDE",
                           f"valor excede o saldo do pix ({pix.valor - already:.2f} disponível para devolução)",
                           field="valor")
        with res.db.read() as conn:
            account = store.account_by_id(conn, rec.account_id)
        assert account is not None
        # Our id for the devolução (schema: [a-zA-Z0-9]{1,35}); a retried request reuses nothing, so a
        # second request is a second devolução, bounded by the balance check above.
        dev_id = "D" + uuid.uuid4().hex[:20]
        try:
            opened = factory(account)
            try:
                dev = opened.client.request_devolucao(
                    pix.end_to_end_id, dev_id, DevolucaoRequest(Decimal(data.valor), data.descricao))
            finally:
                opened.close()
        except PspApiError as exc:
            raise ApiError(502, "PIX_PSP_RECUSOU", f"o PSP recusou a devolução: {exc}") from exc
        except FiscalError as exc:
            raise ApiError(502, "PIX_PSP_INDISPONIVEL", f"não foi possível pedir a devolução: {exc}") from exc
        with res.db.write() as conn:
            record(conn, request, principal, "pix.devolucao.request", f"pix/{txid}",
                   {"endToEndId": pix.end_to_end_id, "devolucao": dev.id, "valor": data.valor})
        return {"id": dev.id, "rtrId": dev.rtr_id, "valor": f"{dev.valor:.2f}", "status": dev.status,
                "aviso": "o status final (DEVOLVIDO ou NAO_REALIZADO) chega pela notificação do PSP"}

    return await blocking(work)


@get("/v1/pix/notifications", guards=[requires(Permission.INTEGRATION_WRITE)],
     summary="Notificações recebidas do PSP e o resultado da confirmação")
async def list_notifications(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            return {"items": store.notifications(conn, principal.tenant_id)}

    return await blocking(work)


@post("/v1/pix/notifications/process", guards=[requires(Permission.INTEGRATION_WRITE)], status_code=200,
      summary="Processa agora as notificações pendentes (nova confirmação com o PSP)")
async def process_notifications(request: Request[Any, Any, Any],
                                principal: NamedDependency[Principal]) -> dict[str, Any]:
    res = resources_of(request)
    factory = _factory(request)
    taken = await blocking(lambda: service.run_pass(res.db, res.keyring, now=res.clock, client_for=factory,
                                                    tenant_id=principal.tenant_id))
    return {"processadas": taken}


# -- the PSP's webhook --------------------------------------------------------------------------------


def _authenticate(request: Request[Any, Any, Any], account: store.PspAccount, body: bytes, hmac_secret: str | None,
                  env: dict[str, str]) -> None:
    if account.webhook_auth == "hmac":
        if not verify_hmac_signature(body, request.headers.get(account.hmac_header.lower()), hmac_secret or ""):
            raise ApiError(401, "PIX_WEBHOOK_ASSINATURA",
                           f"assinatura HMAC ausente ou inválida no cabeçalho {account.hmac_header}")
        return
    # mTLS: the TLS front proxy verified the PSP's client certificate and says so in its headers
    # (nginx: proxy_set_header X-SSL-Client-Verify $ssl_client_verify; X-SSL-Client-Cert
    # $ssl_client_escaped_cert), after stripping any such header from the outside.
    if env.get(MTLS_PROXY_ENV) != "1":
        raise ApiError(401, "PIX_WEBHOOK_MTLS",
                       "webhook com mTLS exige o proxy TLS de frente (ORTHO_PIX_MTLS_PROXY=1) que verifica o "
                       "certificado do PSP")
    if request.headers.get(MTLS_VERIFY_HEADER, "") != "SUCCESS" or not request.headers.get(MTLS_CERT_HEADER):
        raise ApiError(401, "PIX_WEBHOOK_MTLS", "certificado de cliente do PSP ausente ou não verificado pelo proxy")


async def _webhook(request: Request[Any, Any, Any], secret: str) -> Response[dict[str, Any]]:
    res = resources_of(request)
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", secret):
        raise ApiError(404, "NAO_ENCONTRADO", "recurso não encontrado")
    body = await request.body()
    if len(body) > MAX_NOTIFICATION:
        raise ApiError(413, "CORPO_GRANDE_DEMAIS", "notificação grande demais")
    env = dict(res.settings.env or {})

    def accept() -> None:
        with res.db.read() as conn:
            account = store.account_by_webhook_path(conn, secret)
        if account is None:
            raise ApiError(404, "NAO_ENCONTRADO", "recurso não encontrado")
        path, hmac_secret = store.webhook_secrets(res.keyring, account)
        if not hmac.compare_digest(path, secret):  # the hash matched; compare the sealed value too
            raise ApiError(404, "NAO_ENCONTRADO", "recurso não encontrado")
        _authenticate(request, account, body, hmac_secret, env)
        with res.db.write() as conn:
            store.enqueue_notification(conn, account, body, now=res.clock())

    await blocking(accept)
    factory = service.client_factory(res.keyring, env or None)

    def process() -> None:  # the inbox keeps the notification: retried by the next pass if this fails
        service.run_pass(res.db, res.keyring, now=res.clock, client_for=factory)

    # Answer the PSP now (it retries on timeouts); the confirmation with the PSP runs after the answer.
    return Response({"recebido": True}, status_code=200,
                    background=BackgroundTask(blocking, process))


@post("/v1/pix/webhook/{secret:str}", status_code=200, summary="Notificação do PSP (callback da API Pix)",
      include_in_schema=False)
async def webhook(request: Request[Any, Any, Any], secret: FromPath[str]) -> Response[dict[str, Any]]:
    return await _webhook(request, secret)


@post("/v1/pix/webhook/{secret:str}/pix", status_code=200, summary="Notificação do PSP ({webhookUrl}/pix)",
      include_in_schema=False)
async def webhook_pix(request: Request[Any, Any, Any], secret: FromPath[str]) -> Response[dict[str, Any]]:
    return await _webhook(request, secret)


pix_router = Router(path="/", dependencies={"principal": Provide(provide_principal)}, route_handlers=[
    put_account, get_account, test_account, register_webhook, create_charge, get_charge, get_qr_png, get_qr_svg,
    request_refund,
    list_notifications, process_notifications, webhook, webhook_pix,
])

__all__ = ["pix_router"]
