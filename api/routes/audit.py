"""GET /v1/audit: the tenant's audit trail (auditor and admin), filtered, cursor-paginated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from adapters.db import audit
from adapters.db.apikeys import Permission, Principal
from api.problems import ApiError
from api.routes.common import blocking, resources_of
from api.security import SECURITY_SCHEME, provide_principal, requires

# Audit vocabulary: actions, actors and targets are ASCII tokens (never free text, never NUL,
# which PostgreSQL text columns refuse).
_AUDIT_WORD = r"^[A-Za-z0-9._:/-]+$"


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ApiError(
            400, "DATA_SEM_FUSO", f"'{name}' deve ter fuso horário (ex.: 2026-03-10T12:00:00-03:00)", field=name
        )
    return value


@get(
    "/v1/audit",
    guards=[requires(Permission.AUDIT_READ)],
    dependencies={"principal": Provide(provide_principal)},
    security=[{SECURITY_SCHEME: []}],
    tags=["auditoria"],
    summary="Trilha de auditoria do tenant",
    description="Entradas encadeadas por hash (seq, quem, quando, o quê, request_id), em ordem; "
    "use `next_cursor` como `cursor` para a próxima página.",
)
async def list_audit(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    limit: Annotated[int, QueryParameter(ge=1, le=200, description="itens por página")] = 50,
    cursor: Annotated[str | None, QueryParameter(max_length=200, description="cursor da página seguinte")] = None,
    action: Annotated[
        str | None, QueryParameter(max_length=64, pattern=_AUDIT_WORD, description="ex.: emitter.update")
    ] = None,
    actor: Annotated[
        str | None, QueryParameter(max_length=64, pattern=_AUDIT_WORD, description="ex.: apikey:1a2b3c4d5e6f")
    ] = None,
    target: Annotated[
        str | None, QueryParameter(max_length=200, pattern=_AUDIT_WORD, description="ex.: emitter/<id>")
    ] = None,
    since: Annotated[datetime | None, QueryParameter(description="a partir de (inclusive), ISO 8601 com fuso")] = None,
    until: Annotated[datetime | None, QueryParameter(description="até (exclusive), ISO 8601 com fuso")] = None,
) -> dict[str, Any]:
    after = 0
    if cursor:
        try:
            after = audit.decode_cursor(cursor)
        except ValueError as exc:
            raise ApiError(
                400, "CURSOR_INVALIDO", "cursor inválido; use o next_cursor da página anterior", field="cursor"
            ) from exc
    since, until = _aware(since, "since"), _aware(until, "until")
    res = resources_of(request)

    def work() -> dict[str, Any]:
        with res.db.read() as conn:
            entries, next_cursor = audit.query(
                conn,
                tenant_id=principal.tenant_id,
                after_seq=after,
                limit=limit,
                action=action,
                actor=actor,
                target=target,
                since=since,
                until=until,
            )
        return {"items": [e.as_json() for e in entries], "next_cursor": next_cursor}

    return await blocking(work)
