"""The route threads (api.context.RouteThreads): the blocking work of a request runs on one of them with the
request's context variables; its result or exception reaches the awaiting task; a request that went away
does not stop the work."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import uvloop

from api.context import RouteThreads, blocking, install_route_threads, remove_route_threads

WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="-")


class Refused(Exception):
    pass


def _run(coro_fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
    uvloop.run(coro_fn())


def test_results_exceptions_and_context_variables_travel_between_loop_and_thread() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        threads = RouteThreads(3, "test-route")
        install_route_threads(loop, threads)
        try:
            WHO.set("request-1")
            names: list[str] = []

            def work() -> str:
                names.append(threading.current_thread().name)
                return WHO.get()

            assert await blocking(work) == "request-1"
            assert names[0].startswith("test-route-") and names[0] != threading.current_thread().name

            def refuse() -> None:
                raise Refused("recusado")

            with pytest.raises(Refused, match="recusado"):
                await blocking(refuse)
            # many at once, on at most 3 threads
            seen: set[str] = set()

            def busy(i: int) -> int:
                seen.add(threading.current_thread().name)
                return i * 2

            results = await asyncio.gather(*(blocking(lambda i=i: busy(i)) for i in range(50)))
            assert results == [i * 2 for i in range(50)] and 1 <= len(seen) <= 3
        finally:
            remove_route_threads(loop)
            threads.shutdown()

    _run(main)


def test_the_work_of_a_request_that_went_away_is_carried_to_its_end() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        threads = RouteThreads(1, "test-route")
        install_route_threads(loop, threads)
        started, release, finished = threading.Event(), threading.Event(), threading.Event()

        def slow() -> str:
            started.set()
            release.wait(5)
            finished.set()
            return "stored"

        try:
            task = asyncio.ensure_future(blocking(slow))
            while not started.is_set():
                await asyncio.sleep(0.01)
            task.cancel()  # the client disconnected
            with pytest.raises(asyncio.CancelledError):
                await task
            release.set()
            while not finished.is_set():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)  # its (cancelled) future settled without an error on the loop
        finally:
            remove_route_threads(loop)
            threads.shutdown()
        assert finished.is_set()

    _run(main)


def test_blocking_without_the_lifespan_uses_the_loop_default_executor() -> None:
    async def main() -> None:
        assert await blocking(lambda: threading.current_thread().name) != threading.current_thread().name

    _run(main)
