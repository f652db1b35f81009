"""Per-application resources (opened in the lifespan) and per-request context (request id)."""

from __future__ import annotations

import asyncio
import contextvars
import os
import queue
import re
import threading
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
        # 32 lower-case hex digits, as uuid4().hex was, from the same os.urandom without building a UUID.
        rid = rid or os.urandom(16).hex()
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        id_header = (b"x-request-id", rid.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                # A problem answer (api/problems.py) names the request id itself: it is replaced, never doubled.
                if any(k.lower() == b"x-request-id" for k, _ in headers):
                    headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, id_header]
            await send(message)

        await app(scope, receive, send_with_id)

    return middleware


class RouteThreads:
    """The threads of the routes' blocking work (ORTHO_API_THREADS): a fixed set waiting on one C queue.

    ``run`` hands a job to a thread and gives the loop an asyncio future that the thread resolves through
    ``call_soon_threadsafe``: no ``concurrent.futures.Future``, no chaining of two futures and no idle
    semaphore per job, as ``loop.run_in_executor`` over a ``ThreadPoolExecutor`` has (measured on this
    machine, 8 concurrent tasks: 20-27 us of CPU per hand-over with the stock executor, 8-9 us with this).
    asyncio's default executor stays its own (it accepts only a ``ThreadPoolExecutor``)."""

    def __init__(self, size: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._serve, name=f"{name}-{i}", daemon=True) for i in range(size)]
        for thread in self._threads:
            thread.start()

    def _serve(self) -> None:
        take = self._jobs.get
        while (job := take()) is not None:
            job()

    def run(self, loop: asyncio.AbstractEventLoop, fn: Callable[[], T]) -> asyncio.Future[T]:
        """``fn`` on one of the threads, with the caller's context variables (as anyio's ``to_thread``)."""
        future: asyncio.Future[T] = loop.create_future()
        ctx = contextvars.copy_context()

        def job() -> None:
            try:
                result = ctx.run(fn)
            except BaseException as exc:  # handed to the awaiting task, as run_in_executor does
                loop.call_soon_threadsafe(_settle_exception, future, exc)
            else:
                loop.call_soon_threadsafe(_settle_result, future, result)

        self._jobs.put(job)
        return future

    def shutdown(self, wait: bool = True) -> None:
        for _ in self._threads:
            self._jobs.put(None)  # after the jobs already queued
        if wait:
            for thread in self._threads:
                thread.join()


def _settle_result(future: asyncio.Future[T], result: T) -> None:
    if not future.cancelled():  # the request went away: its work was still carried to its end
        future.set_result(result)


def _settle_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(exc)


# The route threads of each running loop (one per uvicorn worker process), registered by the app's lifespan.
_ROUTE_THREADS: dict[asyncio.AbstractEventLoop, RouteThreads] = {}


def install_route_threads(loop: asyncio.AbstractEventLoop, threads: RouteThreads) -> None:
    _ROUTE_THREADS[loop] = threads


def remove_route_threads(loop: asyncio.AbstractEventLoop) -> RouteThreads | None:
    return _ROUTE_THREADS.pop(loop, None)


async def blocking(fn: Callable[[], T]) -> T:
    """Run blocking work (SQLAlchemy here is synchronous; the SEFAZ client too) on the loop's route threads
    (``RouteThreads``, ORTHO_API_THREADS of them, set up by the app's lifespan). The context variables of the
    request go along, as with anyio's ``to_thread``. The work is not cancelled when the client goes away: a
    document being emitted is always carried to its stored outcome."""
    loop = asyncio.get_running_loop()
    threads = _ROUTE_THREADS.get(loop)
    if threads is not None:
        return await threads.run(loop, fn)
    ctx = contextvars.copy_context()  # no lifespan ran (an app mounted elsewhere): the default executor
    return await loop.run_in_executor(None, ctx.run, fn)
