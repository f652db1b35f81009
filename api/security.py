"""Authentication (API keys) and authorisation (role permissions) as Litestar guards.

The key comes in ``Authorization: Bearer ofk_...`` or ``X-API-Key: ofk_...``. A missing or invalid
key is a 401, a valid key without the permission a 403 (problem+json, api/problems.py). Every
handler filters by ``principal.tenant_id``: a key never reaches another tenant's data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection, Request
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from adapters.db.apikeys import Permission, Principal, authenticate
from api.context import Resources, blocking

SECURITY_SCHEME = "apiKey"


def _presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    # Read from the raw ASGI header list (names arrive lower-cased; lowered again as Litestar's ``Headers`` does):
    # ``connection.headers`` would build the whole multidict of the request's headers for these two.
    # The first of each header counts, as with ``Headers.get``.
    auth: bytes | None = None
    api_key: bytes | None = None
    for name, value in connection.scope["headers"]:
        name = name.lower()
        if name == b"authorization":
            if auth is None:
                auth = value
        elif name == b"x-api-key" and api_key is None:
            api_key = value
    if auth:
        scheme, _, presented = auth.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and presented.strip():
            return presented.strip()
        return None
    return api_key.decode("latin-1").strip() if api_key else None


async def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    cached = connection.scope.get("state", {}).get("principal")
    if isinstance(cached, Principal):
        return cached
    key = _presented_key(connection)
    if not key:
        raise NotAuthorizedException("chave de API ausente")
    resources: Resources = connection.app.state.resources
    # A key verified in this process less than ORTHO_APIKEY_CACHE_S ago needs no database read
    # (nor the hop to the thread pool); revocations reach every worker within that time.
    principal = resources.api_keys.get(key)
    if principal is None:

        def lookup() -> Principal | None:
            with resources.db.read() as conn:
                return authenticate(conn, key)

        principal = await blocking(lookup)
        if principal is None:
            raise NotAuthorizedException("chave de API inválida ou revogada")
        resources.api_keys.put(key, principal)
    connection.scope.setdefault("state", {})["principal"] = principal
    return principal


async def _check(connection: ASGIConnection[Any, Any, Any, Any], permissions: tuple[Permission, ...]) -> None:
    principal = await principal_of(connection)
    missing = [p for p in permissions if not principal.can(p)]
    if missing:
        raise PermissionDeniedException(
            f"o papel '{principal.role.value}' não tem a permissão {', '.join(p.value for p in missing)}"
        )


def requires(*permissions: Permission) -> Callable[..., Any]:
    """A guard: an authenticated key whose role grants every permission given."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        await _check(connection, permissions)

    return guard


def authorizes(*permissions: Permission) -> Callable[..., Any]:
    """The check of ``requires`` as a route's ``before_request`` hook (the document routes use it).

    Litestar runs a guard as ``guard(connection, copy(handler))``: a shallow copy of the whole route
    handler (about 8 us of CPU) per guard per request. The hook runs at the same point for a route
    without a response cache (before the body is read and the parameters parsed), raises the same
    401/403 and returns None, so the handler runs. Unlike guards, hooks do not add up: Litestar runs only
    the closest layer's ``before_request``, so a router or the app must not set one of its own for these
    routes (none does; a route with a response cache must keep a guard)."""

    async def hook(request: Request[Any, Any, Any]) -> None:
        await _check(request, permissions)

    return hook


async def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    return await principal_of(request)
