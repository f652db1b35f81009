"""Per-application resources (opened in the lifespan) and per-request context (request id)."""

from __future__ import annotations

import asyncio
import contextvars
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.db.apikeys import VerifiedKeys
from adapters.db.engine import Database
from api.settings import Settings
from certificates.store import MasterKeyring

T = TypeVar("T")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Resources:
    """What the handlers need; built by the lifespan of ``create_app``."""

    settings: Settings
    db: Database
    keyring: MasterKeyring
    clock: Callable[[], datetime] = utc_now
    api_keys: VerifiedKeys = field(default_factory=lambda: VerifiedKeys(2.0))  # ORTHO_APIKEY_CACHE_S


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Take the caller's ``X-Request-ID`` when well-formed (so a PDV can correlate its retries),
    otherwise mint one; expose it in ``scope["state"]["request_id"]`` and the response header."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        rid = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                candidate = value.decode("latin-1")
                rid = candidate if _REQUEST_ID.match(candidate) else ""
                break
        rid = rid or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode("ascii")))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_id)

    return middleware


async def blocking(fn: Callable[[], T]) -> T:
    """Run blocking work (SQLAlchemy here is synchronous; the SEFAZ client too) on the event loop's
    default executor, which the app's lifespan sets to ORTHO_API_THREADS threads. The context
    variables of the request go along, as with anyio's ``to_thread``. The work is not cancelled when
    the client goes away: a document being emitted is always carried to its stored outcome."""
    ctx = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(None, ctx.run, fn)
