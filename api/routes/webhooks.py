"""Webhooks (admin: permission ``integration:write``) and the clinic system's events.

/v1/webhooks                               POST create (the secret is in this answer only), GET list
/v1/webhooks/{id}                          GET, PATCH, DELETE
/v1/webhooks/{id}/rotate-secret            POST: new secret, the old one signs too during the overlap
/v1/webhooks/{id}/ping                     POST: a webhook.ping delivered now; the outcome in the answer
/v1/webhooks/{id}/deliveries               GET: history (status, response code, duration, attempts)
/v1/webhooks/{id}/deliveries/{delivery}    GET with every attempt; POST .../redeliver sends it again
/v1/events                                 POST (event:publish: admin or integration): a clinic event to fan out (202)
/v1/events/catalogue                       GET: the event catalogue and payload fields
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import msgspec
from litestar import Request, Router, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from adapters import webhook_store as store
from adapters.db.apikeys import Permission, Principal
from adapters.webhook_guard import Guard, UnsafeDestination
from adapters.webhook_worker import Sender, WorkerConfig, deliver
from api.problems import ApiError
from api.routes.common import blocking, record, resources_of
from api.security import SECURITY_SCHEME, provide_principal, requires
from engine.events.catalogue import CATALOGUE, CLINIC_EVENTS, parse_event_type

_ID = re.compile(r"^(wh|dlv)_[0-9a-f]{24}$")
_EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class WebhookIn(msgspec.Struct, forbid_unknown_fields=True):
    """Novo webhook: URL https, eventos escolhidos, token Bearer opcional."""

    url: str
    events: list[str]
    description: str | None = None
    bearer_token: str | None = None


class WebhookPatch(msgspec.Struct, forbid_unknown_fields=True):
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = None
    bearer_token: str | msgspec.UnsetType | None = msgspec.UNSET


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    """Evento do sistema da clínica: {"event": "patient.created", "data": {...}, "id": opcional}."""

    event: str
    data: dict[str, Any]
    id: str | None = None


def _error(exc: store.WebhookError) -> ApiError:
    status = 404 if isinstance(exc, store.NotFound) else 422
    return ApiError(status, exc.code, str(exc), field=exc.field or "")


def _checked(value: str, what: str) -> str:
    if not _ID.match(value):
        raise ApiError(404, "WEBHOOK_NAO_ENCONTRADO" if what == "webhook" else "ENTREGA_NAO_ENCONTRADA",
                       f"{what} {value[:40]!r} não encontrado(a)", field=f"{what}_id")
    return value


def _guard(request: Request[Any, Any, Any]) -> Guard:
    return Guard.from_env(resources_of(request).settings.env)


def _check_destination(request: Request[Any, Any, Any], url: str) -> None:
    try:
        _guard(request).resolve(url)
    except UnsafeDestination as exc:
        raise ApiError(422, exc.code, str(exc), field="url") from exc


@post("/", guards=[requires(Permission.INTEGRATION_WRITE)], status_code=201, summary="Cria um webhook")
async def create_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         data: JSONBody[WebhookIn]) -> dict[str, Any]:
    res = resources_of(request)
    await blocking(lambda: _check_destination(request, data.url))

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                sub, secret = store.create(conn, res.keyring, tenant_id=principal.tenant_id, url=data.url,
                                           events=data.events, now=res.clock(), description=data.description,
                                           bearer_token=data.bearer_token)
            except store.WebhookError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "webhook.create", f"webhook/{sub.id}",
                   {"url": sub.url, "events": list(sub.events)})
        return {**sub.to_json(), "secret": secret,
                "aviso": "guarde a chave secreta agora: ela não será exibida novamente"}

    return await blocking(work)


@get("/", guards=[requires(Permission.INTEGRATION_WRITE)], summary="Lista os webhooks")
async def list_webhooks(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            return {"items": [s.to_json() for s in store.list_(conn, principal.tenant_id)]}

    return await blocking(work)


@get("/{webhook_id:str}", guards=[requires(Permission.INTEGRATION_WRITE)], summary="Consulta um webhook")
async def get_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      webhook_id: FromPath[str]) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                return store.get(conn, principal.tenant_id, webhook_id).to_json()
            except store.WebhookError as exc:
                raise _error(exc) from exc

    return await blocking(work)


@patch("/{webhook_id:str}", guards=[requires(Permission.INTEGRATION_WRITE)], summary="Altera um webhook")
async def update_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         webhook_id: FromPath[str], data: JSONBody[WebhookPatch]) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    res = resources_of(request)
    if data.url is not None:
        await blocking(lambda: _check_destination(request, data.url or ""))

    def work() -> dict[str, Any]:
        kwargs: dict[str, Any] = {"url": data.url, "events": data.events, "active": data.active}
        if data.description is not None:
            kwargs["description"] = data.description
        if data.bearer_token is not msgspec.UNSET:
            kwargs["bearer_token"] = data.bearer_token
        with res.db.write() as conn:
            try:
                sub = store.update_subscription(conn, res.keyring, principal.tenant_id, webhook_id, now=res.clock(),
                                                **kwargs)
            except store.WebhookError as exc:
                raise _error(exc) from exc
            changed = [k for k, v in kwargs.items() if v is not None or k == "bearer_token"]
            record(conn, request, principal, "webhook.update", f"webhook/{webhook_id}", {"changed": changed})
            return sub.to_json()

    return await blocking(work)


@delete("/{webhook_id:str}", guards=[requires(Permission.INTEGRATION_WRITE)], status_code=204,
        summary="Exclui um webhook (o histórico de entregas é mantido)")
async def delete_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         webhook_id: FromPath[str]) -> None:
    _checked(webhook_id, "webhook")
    res = resources_of(request)

    def work() -> None:
        with res.db.write() as conn:
            try:
                store.delete(conn, principal.tenant_id, webhook_id, now=res.clock())
            except store.WebhookError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "webhook.delete", f"webhook/{webhook_id}")

    await blocking(work)


@post("/{webhook_id:str}/rotate-secret", guards=[requires(Permission.INTEGRATION_WRITE)], status_code=200,
      summary="Gera uma nova chave secreta (a anterior continua assinando durante a sobreposição)")
async def rotate_secret(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                        webhook_id: FromPath[str], overlap_hours: FromQuery[int] = 24) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    res = resources_of(request)
    if not 0 <= overlap_hours <= 168:
        raise ApiError(422, "WEBHOOK_SOBREPOSICAO_INVALIDA", "overlap_hours deve estar entre 0 e 168",
                       field="overlap_hours")
    overlap = timedelta(hours=overlap_hours)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                sub, secret = store.rotate_secret(conn, res.keyring, principal.tenant_id, webhook_id,
                                                  now=res.clock(), overlap=overlap)
            except store.WebhookError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "webhook.rotate_secret", f"webhook/{webhook_id}",
                   {"overlap_hours": overlap.total_seconds() // 3600})
        return {**sub.to_json(), "secret": secret,
                "aviso": "guarde a nova chave secreta agora: ela não será exibida novamente"}

    return await blocking(work)


@post("/{webhook_id:str}/ping", guards=[requires(Permission.INTEGRATION_WRITE)], status_code=200,
      summary="Envia um evento de teste (webhook.ping) agora")
async def ping_webhook(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       webhook_id: FromPath[str]) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        config = WorkerConfig.from_env(res.settings.env)
        with res.db.write() as conn:
            try:
                item = store.ping(conn, principal.tenant_id, webhook_id, now=res.clock(), lease=config.lease)
            except store.WebhookError as exc:
                raise _error(exc) from exc
        delivery_id = item.id
        sender = Sender(config)
        try:
            deliver(res.db, res.keyring, sender, item, now=res.clock)
        finally:
            sender.close()
        with res.db.read() as conn:
            return {**store.get_delivery(conn, principal.tenant_id, delivery_id).to_json(),
                    "attempt_log": store.attempts(conn, delivery_id)}

    return await blocking(work)


@get("/{webhook_id:str}/deliveries", guards=[requires(Permission.INTEGRATION_WRITE)],
     summary="Histórico de entregas do webhook")
async def list_deliveries(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          webhook_id: FromPath[str], status: FromQuery[str | None] = None,
                          limit: FromQuery[int] = 50) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    if status is not None and status not in {"pending", "delivered", "dead", "disabled"}:
        raise ApiError(422, "FILTRO_INVALIDO", "status deve ser pending, delivered, dead ou disabled", field="status")
    if not 1 <= limit <= 500:
        raise ApiError(422, "FILTRO_INVALIDO", "limit deve estar entre 1 e 500", field="limit")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                store.get(conn, principal.tenant_id, webhook_id)
            except store.WebhookError as exc:
                raise _error(exc) from exc
            items = store.deliveries(conn, principal.tenant_id, webhook_id, limit=limit, status=status)
            return {"items": [d.to_json() for d in items]}

    return await blocking(work)


@get("/{webhook_id:str}/deliveries/{delivery_id:str}", guards=[requires(Permission.INTEGRATION_WRITE)],
     summary="Uma entrega com todas as tentativas")
async def get_delivery(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       webhook_id: FromPath[str], delivery_id: FromPath[str]) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    _checked(delivery_id, "entrega")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                d = store.get_delivery(conn, principal.tenant_id, delivery_id)
            except store.WebhookError as exc:
                raise _error(exc) from exc
            if d.subscription_id != webhook_id:
                raise ApiError(404, "ENTREGA_NAO_ENCONTRADA", f"entrega {delivery_id} não encontrada")
            return {**d.to_json(), "attempt_log": store.attempts(conn, delivery_id)}

    return await blocking(work)


@post("/{webhook_id:str}/deliveries/{delivery_id:str}/redeliver", guards=[requires(Permission.INTEGRATION_WRITE)],
      status_code=202, summary="Reenvia uma entrega (inclusive da fila de mensagens mortas)")
async def redeliver(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    webhook_id: FromPath[str], delivery_id: FromPath[str]) -> dict[str, Any]:
    _checked(webhook_id, "webhook")
    _checked(delivery_id, "entrega")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                if store.get_delivery(conn, principal.tenant_id, delivery_id).subscription_id != webhook_id:
                    raise store.NotFound("ENTREGA_NAO_ENCONTRADA", f"entrega {delivery_id} não encontrada")
                d = store.redeliver(conn, principal.tenant_id, delivery_id, now=res.clock())
            except store.WebhookError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "webhook.redeliver", f"webhook/{webhook_id}",
                   {"delivery_id": delivery_id})
            return d.to_json()

    return await blocking(work)


@post("/", guards=[requires(Permission.EVENT_PUBLISH)], status_code=202,
      summary="Publica um evento do sistema da clínica para os webhooks inscritos")
async def publish_event(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                        data: JSONBody[EventIn]) -> dict[str, Any]:
    event = parse_event_type(data.event)
    if event is None or event not in CLINIC_EVENTS:
        accepted = ", ".join(sorted(e.value for e in CLINIC_EVENTS))
        raise ApiError(422, "EVENTO_DESCONHECIDO", f"evento {data.event[:64]!r} não aceito aqui (aceitos: {accepted})",
                       field="event")
    if data.id is not None and not _EVENT_ID.match(data.id):
        raise ApiError(422, "EVENTO_INVALIDO", "id do evento: 1 a 64 caracteres A-Z a-z 0-9 _ . : -", field="id")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                eid, stored = store.publish(conn, tenant_id=principal.tenant_id, event=event, data=data.data,
                                            now=res.clock(), event_id=data.id)
            except store.WebhookError as exc:
                raise _error(exc) from exc
        return {"event_id": eid, "event": event.value, "accepted": stored,
                "mensagem": "evento aceito" if stored else "evento já recebido antes (mesmo id): ignorado"}

    return await blocking(work)


@get("/catalogue", guards=[requires(Permission.INTEGRATION_WRITE)], summary="Catálogo de eventos")
async def catalogue(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {"items": [
        {"event": s.type.value, "version": s.version, "description": s.description, "from_clinic": s.from_clinic,
         "fields": [{"name": f.name, "type": f.kind.value, "required": f.required, "nullable": f.nullable}
                    for f in s.fields]}
        for s in CATALOGUE.values()
    ]}


webhooks_router = Router(
    path="/v1/webhooks",
    route_handlers=[create_webhook, list_webhooks, get_webhook, update_webhook, delete_webhook, rotate_secret,
                    ping_webhook, list_deliveries, get_delivery, redeliver],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["webhooks"],
)
events_router = Router(
    path="/v1/events",
    route_handlers=[publish_event, catalogue],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["webhooks"],
)
ROUTERS = (webhooks_router, events_router)
