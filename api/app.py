"""Composition root of the HTTP API: ``create_app(settings)``.

The lifespan opens the database (running the Alembic migrations unless disabled) and the master
keyring, and closes them at shutdown; handlers reach them through ``app.state.resources``.
Every error is RFC 9457 problem+json (api/problems.py); OpenAPI at /schema (/schema/openapi.json).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import anyio.to_thread
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from adapters import emission_worker, webhook_worker
from adapters.db import pix_service
from adapters.db.apikeys import VerifiedKeys
from adapters.db.engine import Database
from adapters.db.keyring import load_keyring
from adapters.integrations_service import start_scheduler
from api.context import (
    Resources,
    RouteThreads,
    install_route_threads,
    remove_route_threads,
    request_id_middleware,
    utc_now,
)
from api.problems import EXCEPTION_HANDLERS
from api.routes import audit as audit_routes
from api.routes import documents as document_routes
from api.routes import emitters as emitter_routes
from api.routes import integrations as integration_routes
from api.routes import pix as pix_routes
from api.routes import reconciliation as reconciliation_routes
from api.routes import sped as sped_routes
from api.routes import system as system_routes
from api.routes import webhooks as webhook_routes
from api.security import SECURITY_SCHEME
from api.settings import Settings

__all__ = ["Settings", "create_app", "open_resources"]


def open_resources(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Resources:
    """Database (migrated) and keyring; used by the lifespan and by the CLI."""
    db = Database(settings.effective_database_url, pool_size=settings.db_pool_size)
    try:
        if settings.run_migrations:
            db.upgrade()
        keyring = load_keyring(settings.env, settings.data_dir)
    except BaseException:
        db.dispose()
        raise
    return Resources(settings=settings, db=db, keyring=keyring, clock=clock,
                     api_keys=VerifiedKeys(settings.apikey_cache_s))


def create_app(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now) -> Litestar:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # The blocking work of the routes (database, SEFAZ) runs on the route threads (api.context.blocking):
        # ORTHO_API_THREADS threads on one C queue, a job handed over with one asyncio future (RouteThreads).
        loop = asyncio.get_running_loop()
        threads = RouteThreads(settings.api_threads, "ortho-api")
        install_route_threads(loop, threads)
        resources = await anyio.to_thread.run_sync(lambda: open_resources(settings, clock))
        app.state.resources = resources
        # In-process workers, each turned off by its setting when worker processes run it instead
        # (ORTHO_WEBHOOK_WORKER, ORTHO_EMISSION_WORKER, ORTHO_INTEGRATIONS_SCHEDULER, ORTHO_PIX_WORKER = 0):
        # webhook deliveries; the emission recovery (lost answers settled by consulta, off-line NFC-e
        # transmitted, contingency switched back to normal); scheduled/batch integrations.
        stop_webhooks = webhook_worker.start_in_process(resources.db, resources.keyring, settings.env, clock)
        stop_emission = emission_worker.start_in_process(resources.db, resources.keyring, settings.env, clock)
        stop_integrations = start_scheduler(resources.db, resources.keyring, settings.env, clock)
        # PSP notifications whose confirmation failed (PSP down) are retried (ORTHO_PIX_WORKER=0: off).
        stop_pix = pix_service.start_in_process(resources.db, resources.keyring, settings.env, clock)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(stop_pix)
            await anyio.to_thread.run_sync(stop_integrations)
            await anyio.to_thread.run_sync(stop_emission)
            await anyio.to_thread.run_sync(stop_webhooks)
            resources.db.dispose()
            remove_route_threads(loop)
            threads.shutdown(wait=False)  # each thread ends after the jobs already queued

    app = Litestar(
        route_handlers=[system_routes.health, system_routes.me, emitter_routes.router, audit_routes.list_audit,
                        document_routes.router, *webhook_routes.ROUTERS, integration_routes.integrations_router,
                        pix_routes.pix_router, reconciliation_routes.reconciliation_router, sped_routes.router],
        lifespan=[lifespan],
        middleware=[request_id_middleware],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Ortho+ Fiscal",
            version="0.1.0",
            description="NF-e/NFC-e 4.00 para clínicas odontológicas: emitentes, chaves de API e auditoria.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={
                    SECURITY_SCHEME: SecurityScheme(
                        type="http", scheme="bearer", description="Chave de API: Authorization: Bearer ofk_..."
                    )
                }
            ),
        ),
        debug=False,
    )
    app.state.settings = settings
    return app
