"""Composition root of the HTTP API: ``create_app(settings)``."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar, get


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: str = "data"


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings()
    app = Litestar(route_handlers=[health], debug=False)
    app.state.settings = settings
    return app
