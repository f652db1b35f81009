"""Service settings, from environment variables (docs/service.md lists them).

========================  =====================================================================
ORTHO_DATA_DIR            data directory (default ``./data``): SQLite file, local master key
ORTHO_DATABASE_URL        SQLAlchemy URL; default ``sqlite:///<data dir>/ortho-fiscal.sqlite3``;
                          PostgreSQL: ``postgresql://user:pass@host:5432/db`` (psycopg 3)
ORTHO_HOST / ORTHO_PORT   bind address of ``ortho-fiscal serve`` (default 127.0.0.1:8000)
ORTHO_MASTER_KEYS         ``id:<base64 32 bytes>[,id:<base64>]`` keys sealing certificates and CSC
ORTHO_MASTER_KEY_ACTIVE   the id that seals new secrets (default: the last in ORTHO_MASTER_KEYS)
ORTHO_MAX_BODY_BYTES      largest accepted request body (default 1048576)
ORTHO_DB_POOL_SIZE        PostgreSQL connection pool size (default 10)
ORTHO_RUN_MIGRATIONS      ``0`` to skip the migrations at start-up (default ``1``)
ORTHO_SIMULATOR           ``auto`` (default): ``ortho-fiscal serve`` starts the SEFAZ simulator when no
                          SEFAZ is configured (neither ORTHO_SEFAZ_URL nor ORTHO_SEFAZ_TRUST_PEM);
                          ``1`` always; ``0`` never
ORTHO_SIMULATOR_PORT      loopback port of that simulator (default 0: a free port)
ORTHO_WORKERS             uvicorn worker processes of ``ortho-fiscal serve`` (default 1)
ORTHO_LOG_LEVEL           uvicorn log level (default ``info``)
ORTHO_ACCESS_LOG          ``1``: uvicorn writes one access line per request (default ``0``: off; a
                          line per NFC-e costs CPU on the hot path and the audit trail already
                          records every change with its request id)
ORTHO_APIKEY_CACHE_S      seconds a verified API key stays verified in each worker process (default
                          ``2``; ``0`` = look the key up on every request): a revocation takes effect
                          within this time in every worker (docs/service.md, "API keys")
========================  =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from adapters.db.engine import sqlite_url_for

DEFAULT_MAX_BODY = 1024 * 1024


SIMULATOR_MODES = ("auto", "1", "0")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
FLAGS = ("0", "1", "false", "true", "no", "yes")


class SettingsError(ValueError):
    code = "CONFIGURACAO_INVALIDA"


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} deve ser um número inteiro (recebido {raw!r})") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} deve estar entre {low} e {high} (recebido {value})")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or default
    if raw not in allowed:
        raise SettingsError(f"{name} deve ser um de {', '.join(allowed)} (recebido {raw!r})")
    return raw


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: str = "data"
    database_url: str | None = None  # None: SQLite file under data_dir
    max_body_bytes: int = DEFAULT_MAX_BODY
    db_pool_size: int = 24  # ORTHO_API_THREADS + 4 (the in-process background workers)
    run_migrations: bool = True
    simulator: str = "auto"  # SIMULATOR_MODES; read by ``ortho-fiscal serve`` only
    simulator_port: int = 0
    workers: int = 1
    log_level: str = "info"
    access_log: bool = False
    apikey_cache_s: float = 2.0
    api_threads: int = 20
    env: Mapping[str, str] = field(default_factory=dict, repr=False)  # master keys are read from here

    @property
    def effective_database_url(self) -> str:
        return self.database_url or sqlite_url_for(Path(self.data_dir))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        api_threads = _int(env, "ORTHO_API_THREADS", 20, low=1, high=256)
        settings = cls(
            host=env.get("ORTHO_HOST", "127.0.0.1"),
            port=_int(env, "ORTHO_PORT", 8000, low=1, high=65535),
            data_dir=env.get("ORTHO_DATA_DIR", "data"),
            database_url=env.get("ORTHO_DATABASE_URL") or None,
            max_body_bytes=_int(env, "ORTHO_MAX_BODY_BYTES", DEFAULT_MAX_BODY, low=1024, high=64 * 1024 * 1024),
            # Default: one pooled connection per request thread plus the in-process background workers
            # (emission, webhooks, Pix, integrations). Fewer would make SQLAlchemy open "overflow"
            # connections under load and close each one on check-in: a new PostgreSQL backend per
            # request, which doubled the database's CPU per NFC-e at 32 clients (bench_api).
            db_pool_size=_int(env, "ORTHO_DB_POOL_SIZE", api_threads + 4, low=1, high=500),
            run_migrations=env.get("ORTHO_RUN_MIGRATIONS", "1").strip() not in {"0", "false", "no"},
            simulator=_choice(env, "ORTHO_SIMULATOR", "auto", SIMULATOR_MODES),
            simulator_port=_int(env, "ORTHO_SIMULATOR_PORT", 0, low=0, high=65535),
            workers=_int(env, "ORTHO_WORKERS", 1, low=1, high=64),
            log_level=_choice(env, "ORTHO_LOG_LEVEL", "info", LOG_LEVELS),
            access_log=_choice(env, "ORTHO_ACCESS_LOG", "0", FLAGS) in {"1", "true", "yes"},
            apikey_cache_s=_int(env, "ORTHO_APIKEY_CACHE_S", 2, low=0, high=60),
            api_threads=api_threads,
            env=env,
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings  # type: ignore[arg-type]
