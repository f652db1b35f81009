"""GET /health and GET /v1/me."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency, Provide
from sqlalchemy import text

from adapters.db.apikeys import Principal
from api.routes.common import blocking, resources_of
from api.security import SECURITY_SCHEME, provide_principal


@get("/health", tags=["sistema"], summary="Saúde do serviço (e do banco de dados)")
async def health(request: Request[Any, Any, Any]) -> dict[str, str]:
    res = resources_of(request)

    def ping() -> None:
        with res.db.read() as conn:
            conn.execute(text("SELECT 1"))

    await blocking(ping)
    return {"status": "ok", "database": res.db.dialect}


@get(
    "/v1/me",
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["sistema"],
    summary="A chave de API em uso: tenant, papel e permissões",
)
async def me(principal: NamedDependency[Principal]) -> dict[str, Any]:
    return {
        "key_id": principal.key_id,
        "tenant_id": principal.tenant_id,
        "role": principal.role.value,
        "permissions": sorted(p.value for p in principal.permissions),
    }
