"""Helpers shared by the route modules: resources, blocking DB work off the event loop, audit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from litestar import Request
from sqlalchemy import Connection

from adapters.db import audit
from adapters.db.apikeys import Principal
from api.context import Resources
from api.context import blocking as blocking  # re-exported: the routes import it from here
from api.problems import request_id_of
from engine.emission.records import AuditNote

T = TypeVar("T")


def resources_of(request: Request[Any, Any, Any]) -> Resources:
    res: Resources = request.app.state.resources
    return res


def record(
    conn: Connection,
    request: Request[Any, Any, Any],
    principal: Principal,
    action: str,
    target: str | None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append the audit entry of this change, in the same transaction as the change."""
    resources = resources_of(request)
    audit.append(
        conn,
        now=resources.clock(),
        actor=f"apikey:{principal.key_id}",
        action=action,
        tenant_id=principal.tenant_id,
        target=target,
        details={"role": principal.role.value, "method": request.method, "path": request.url.path, **(details or {})},
        request_id=request_id_of(request),
    )


def audit_note(request: Request[Any, Any, Any], principal: Principal, action: str) -> AuditNote:
    """The audit entry of this request for the emission pipeline, which appends it (with the target and
    the outcome) in the transaction that commits the change (``EmissionUnitOfWork.add_audit``)."""
    return AuditNote(actor=f"apikey:{principal.key_id}", action=action,
                     details={"role": principal.role.value, "method": request.method, "path": request.url.path})
