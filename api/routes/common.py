"""Helpers shared by the route modules: resources, blocking DB work off the event loop, audit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response
from litestar.exceptions import ClientException, InternalServerException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import Empty, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from sqlalchemy import Connection

from adapters.db import audit
from adapters.db.apikeys import Principal
from api.context import Resources
from api.context import blocking as blocking  # re-exported: the routes import it from here
from api.problems import request_id_of
from engine.emission.records import AuditNote

T = TypeVar("T")

_json_bytes = msgspec.json.Encoder().encode
_JSON_TYPE = (b"content-type", b"application/json")


class JsonAnswer:
    """A JSON answer encoded once, sent as the two ASGI messages Litestar's ``Response`` would send for it
    (``content-type: application/json``, ``content-length``, the same compact bytes), without its per-answer
    work: ``Response.__init__``, the type-encoder resolution and ``to_asgi_response``'s header merging. A route
    handler annotated ``Response[...]`` may return it: Litestar calls ``to_asgi_response`` on what the handler
    returns, which gives this object itself (the route layers set no headers, cookies nor background task; if one
    ever does, or for a HEAD request, a real ``Response`` answers instead)."""

    __slots__ = ("body", "status_code")

    def __init__(self, content: Any, status_code: int = 200) -> None:
        self.body = _json_bytes(content)
        self.status_code = status_code

    def to_asgi_response(self, *, request: Request[Any, Any, Any], headers: Mapping[str, str] | None = None,
                         cookies: Any = None, background: Any = None, **kwargs: Any) -> Any:
        if headers or cookies or background or request.scope["method"] == "HEAD":
            return Response(self.body, status_code=self.status_code, media_type="application/json").to_asgi_response(
                request=request, headers=headers, cookies=cookies, background=background, **kwargs)
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self.body
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": [_JSON_TYPE, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body, "more_body": False})


def resources_of(request: Request[Any, Any, Any]) -> Resources:
    res: Resources = request.app.state.resources
    return res


async def read_body(request: Request[Any, Any, Any]) -> bytes:
    """The body, as ``Request.body`` gives it and with its checks (413 when ``content-length`` announces more than
    the route's ``request_max_body_size`` or more arrives; 400 on a bad ``content-length``; 500 when the client
    goes away), kept in the scope state where ``Request.body``/``json`` find it. Without building the request's
    ``Headers`` multidict for its one ``content-length`` nor an async generator per chunk."""
    state = ScopeState.from_scope(request.scope)
    if state.body is not Empty:
        return state.body
    limit = request.route_handler.resolve_request_max_body_size()
    for name, value in request.scope["headers"]:
        if name.lower() == b"content-length":  # the first one, as Headers.get
            try:
                announced = int(value)
            except ValueError:
                raise ClientException(f"Invalid content-length: {value.decode('latin-1')!r}") from None
            if limit is not None and announced > limit:
                raise RequestEntityTooLarge
            break
    if not request.is_connected:
        raise InternalServerException("stream consumed")
    chunks: list[bytes] = []
    received = 0
    while True:
        event = await request.receive()
        if event["type"] == "http.request":
            chunk = event.get("body", b"")
            if chunk:
                received += len(chunk)
                if limit is not None and received > limit:
                    raise RequestEntityTooLarge
                chunks.append(chunk)
            if not event.get("more_body", False):
                break
        elif event["type"] == "http.disconnect":
            raise InternalServerException("client disconnected prematurely")
    request.is_connected = False
    body = state.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return body


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
    scope = request.scope  # the path of ``request.url``, without building the URL (host, query) it is part of
    return AuditNote(actor=f"apikey:{principal.key_id}", action=action,
                     details={"role": principal.role.value, "method": scope["method"],
                              "path": scope.get("root_path", "") + scope["path"]})
