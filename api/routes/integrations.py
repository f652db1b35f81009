"""Integrations registry, "Configurações → Integrações" (admin: permission ``integration:write``).

/v1/integrations/catalog                    GET: every system of the guide, ``disponível`` or ``planejado``
/v1/integrations                            POST create (credentials sealed, never returned), GET list
/v1/integrations/{id}                       GET, PATCH (settings, mapping, sync, alerts, credentials), DELETE
/v1/integrations/{id}/test                  POST: test connection against the provider
/v1/integrations/{id}/activate|deactivate   POST (activation needs a successful test)
/v1/integrations/{id}/run                   POST: "Sincronizar" now (manual run); the run log in the answer
/v1/integrations/{id}/records               POST: queue records (real-time mode sends them now); GET list
/v1/integrations/{id}/records/{key}/resolve POST {"keep": "ortho"|"externo"}: settle a two-way conflict
/v1/integrations/{id}/logs                  GET: run logs in the guide's form
/v1/integrations/{id}/alerts                PUT: failure alerts (e-mails, threshold)
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Router, delete, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from adapters import integrations_store as store
from adapters.db.apikeys import Permission, Principal
from adapters.integrations_service import IntegrationService, service_from_env
from api.context import Resources
from api.problems import ApiError
from api.routes.common import blocking, record, resources_of
from api.security import SECURITY_SCHEME, provide_principal, requires
from engine.integrations import catalog
from engine.integrations.model import IntegrationError
from engine.integrations.runlog import Trigger
from states.errors import StatesError

_ID = re.compile(r"^int_[0-9a-f]{24}$")
_GUARD = [requires(Permission.INTEGRATION_WRITE)]


class IntegrationIn(msgspec.Struct, forbid_unknown_fields=True):
    """Nova integração: conector do catálogo, nome, configurações, credenciais, mapeamento, sincronização, alertas."""

    connector: str
    name: str
    settings: dict[str, Any] = {}
    credentials: dict[str, str | None] = {}
    mapping: dict[str, str | None] = {}
    sync: dict[str, Any] = {}
    alerts: dict[str, Any] = {}


class IntegrationPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    settings: dict[str, Any] | None = None
    credentials: dict[str, str | None] | None = None
    mapping: dict[str, str | None] | None = None
    sync: dict[str, Any] | None = None
    alerts: dict[str, Any] | None = None


class RecordIn(msgspec.Struct, forbid_unknown_fields=True):
    key: str
    data: dict[str, Any]


class RecordsIn(msgspec.Struct, forbid_unknown_fields=True):
    records: list[RecordIn]


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    keep: str


def _checked(iid: str) -> str:
    if not _ID.match(iid):
        raise ApiError(404, "INTEGRACAO_NAO_ENCONTRADA", f"integração {iid[:40]!r} não encontrada",
                       field="integration_id")
    return iid


def _error(exc: IntegrationError | StatesError) -> ApiError:
    if isinstance(exc, store.NotFound):
        return ApiError(404, exc.code, exc.mensagem, field="integration_id")
    if isinstance(exc, store.RunInProgress):
        return ApiError(409, exc.code, exc.mensagem, field="integration_id")
    return ApiError(422, exc.code, getattr(exc, "mensagem", str(exc)), field=getattr(exc, "path", "") or "")


def _service(res: Resources) -> IntegrationService:
    return service_from_env(res.db, res.keyring, res.settings.env, res.clock)


def _secret_free(values: dict[str, Any] | None) -> list[str] | None:
    """For the audit trail: which credentials changed, never their values."""
    return sorted(values) if values else None


@get("/catalog", guards=_GUARD, summary="Catálogo de integrações (disponível / planejado)")
async def list_catalog() -> dict[str, Any]:
    return {"items": [e.to_json() for e in catalog.CATALOG]}


@post("/", guards=_GUARD, status_code=201, summary="Cria (conecta) uma integração")
async def create_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             data: JSONBody[IntegrationIn]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                item = store.create(conn, res.keyring, tenant_id=principal.tenant_id, connector=data.connector,
                                    name=data.name, settings=data.settings, mapping=data.mapping, sync=data.sync,
                                    alerts=data.alerts, credentials=data.credentials, now=res.clock())
            except (IntegrationError, StatesError) as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "integration.create", f"integration/{item.id}",
                   {"connector": item.connector, "credentials": _secret_free(data.credentials)})
            return item.to_json()

    return await blocking(work)


@get("/", guards=_GUARD, summary="Lista as integrações do tenant")
async def list_integrations(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            return {"items": [i.to_json() for i in store.list_(conn, principal.tenant_id)]}

    return await blocking(work)


@get("/{integration_id:str}", guards=_GUARD, summary="Consulta uma integração")
async def get_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          integration_id: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                return store.get(conn, principal.tenant_id, _checked(integration_id)).to_json()
            except IntegrationError as exc:
                raise _error(exc) from exc

    return await blocking(work)


@patch("/{integration_id:str}", guards=_GUARD, summary="Configura: autenticação, mapeamento, sincronização, alertas")
async def update_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             integration_id: FromPath[str], data: JSONBody[IntegrationPatch]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                item = store.configure(conn, res.keyring, principal.tenant_id, _checked(integration_id),
                                       now=res.clock(), name=data.name, settings=data.settings, mapping=data.mapping,
                                       sync=data.sync, alerts=data.alerts, credentials=data.credentials)
            except (IntegrationError, StatesError) as exc:
                raise _error(exc) from exc
            changed = [k for k in ("name", "settings", "mapping", "sync", "alerts") if getattr(data, k) is not None]
            record(conn, request, principal, "integration.update", f"integration/{item.id}",
                   {"changed": changed, "credentials": _secret_free(data.credentials)})
            return item.to_json()

    return await blocking(work)


@delete("/{integration_id:str}", guards=_GUARD, status_code=204, summary="Remove a integração (apaga as credenciais)")
async def delete_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             integration_id: FromPath[str]) -> None:
    res = resources_of(request)

    def work() -> None:
        with res.db.write() as conn:
            try:
                store.delete(conn, principal.tenant_id, _checked(integration_id), res.clock())
            except IntegrationError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "integration.delete", f"integration/{integration_id}")

    await blocking(work)


@post("/{integration_id:str}/test", guards=_GUARD, status_code=200, summary="Testa a conexão com o provedor")
async def test_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                           integration_id: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        svc = _service(res)
        try:
            return svc.test(principal.tenant_id, _checked(integration_id))
        except IntegrationError as exc:
            raise _error(exc) from exc
        finally:
            svc.transport.close()  # type: ignore[attr-defined]

    return await blocking(work)


def _set_active(active: bool) -> Any:
    async def handler(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      integration_id: FromPath[str]) -> dict[str, Any]:
        res = resources_of(request)

        def work() -> dict[str, Any]:
            with res.db.write() as conn:
                try:
                    item = store.set_active(conn, principal.tenant_id, _checked(integration_id), active, res.clock())
                except IntegrationError as exc:
                    raise _error(exc) from exc
                record(conn, request, principal, "integration.activate" if active else "integration.deactivate",
                       f"integration/{item.id}")
                return item.to_json()

        return await blocking(work)

    return handler


activate_integration = post("/{integration_id:str}/activate", guards=_GUARD, status_code=200,
                            summary="Ativa a integração (exige teste de conexão bem-sucedido)",
                            name="activate_integration")(_set_active(True))
deactivate_integration = post("/{integration_id:str}/deactivate", guards=_GUARD, status_code=200,
                              summary="Desativa a integração", name="deactivate_integration")(_set_active(False))


@post("/{integration_id:str}/run", guards=_GUARD, status_code=200, summary="Sincronizar agora (execução manual)")
async def run_integration(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          integration_id: FromPath[str]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        svc = _service(res)
        try:
            return svc.run(principal.tenant_id, _checked(integration_id), Trigger.MANUAL)
        except IntegrationError as exc:
            raise _error(exc) from exc
        finally:
            svc.transport.close()  # type: ignore[attr-defined]

    return await blocking(work)


@post("/{integration_id:str}/records", guards=_GUARD, status_code=202,
      summary="Enfileira registros para sincronizar (tempo real: envia agora)")
async def enqueue_records(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          integration_id: FromPath[str], data: JSONBody[RecordsIn]) -> dict[str, Any]:
    res = resources_of(request)
    if not 1 <= len(data.records) <= 500:
        raise ApiError(422, "REGISTROS_INVALIDOS", "envie de 1 a 500 registros por requisição", field="records")

    def work() -> dict[str, Any]:
        svc = _service(res)
        try:
            return svc.enqueue(principal.tenant_id, _checked(integration_id), [(r.key, r.data) for r in data.records])
        except IntegrationError as exc:
            raise _error(exc) from exc
        finally:
            svc.transport.close()  # type: ignore[attr-defined]

    return await blocking(work)


@get("/{integration_id:str}/records", guards=_GUARD, summary="Registros sincronizados e seus estados")
async def list_records(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       integration_id: FromPath[str], status: FromQuery[str | None] = None,
                       limit: FromQuery[int] = 100) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                item = store.get(conn, principal.tenant_id, _checked(integration_id))
            except IntegrationError as exc:
                raise _error(exc) from exc
            return {"items": store.list_records(conn, item.id, status, max(1, min(limit, 500)))}

    return await blocking(work)


@post("/{integration_id:str}/records/{key:str}/resolve", guards=_GUARD, status_code=200,
      summary="Resolve um conflito da sincronização bidirecional")
async def resolve_record(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         integration_id: FromPath[str], key: FromPath[str],
                         data: JSONBody[ResolveIn]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                item = store.get(conn, principal.tenant_id, _checked(integration_id))
                store.resolve_conflict(conn, item.id, key, data.keep, res.clock())
            except IntegrationError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "integration.resolve", f"integration/{item.id}",
                   {"key": key, "keep": data.keep})
        return {"key": key, "keep": data.keep, "mensagem": "resolvido; aplicado na próxima sincronização"}

    return await blocking(work)


@get("/{integration_id:str}/logs", guards=_GUARD, summary="Logs de sincronização (Ver Logs)")
async def list_logs(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    integration_id: FromPath[str], limit: FromQuery[int] = 50) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            try:
                item = store.get(conn, principal.tenant_id, _checked(integration_id))
            except IntegrationError as exc:
                raise _error(exc) from exc
            return {"items": store.list_runs(conn, item, max(1, min(limit, 500)))}

    return await blocking(work)


@put("/{integration_id:str}/alerts", guards=_GUARD, summary="Configura os alertas de falha por e-mail")
async def set_alerts(request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     integration_id: FromPath[str], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.write() as conn:
            try:
                item = store.configure(conn, res.keyring, principal.tenant_id, _checked(integration_id),
                                       now=res.clock(), alerts=data)
            except IntegrationError as exc:
                raise _error(exc) from exc
            record(conn, request, principal, "integration.alerts", f"integration/{item.id}", item.alerts.to_json())
            return item.to_json()

    return await blocking(work)


integrations_router = Router(
    path="/v1/integrations",
    route_handlers=[list_catalog, create_integration, list_integrations, get_integration, update_integration,
                    delete_integration, test_integration, activate_integration, deactivate_integration,
                    run_integration, enqueue_records, list_records, resolve_record, list_logs, set_alerts],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["integrações"],
)
