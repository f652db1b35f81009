"""Root fixtures: the databases.

``database_url`` is parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh schema
in the server named by ORTHO_TEST_POSTGRES_URL, which ``make test`` starts with
scripts/postgres-test.sh). Without that variable the PostgreSQL variants FAIL when CI=true and are
skipped with the reason shown otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRES_ENV = "ORTHO_TEST_POSTGRES_URL"


def _postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    reason = f"{POSTGRES_ENV} não definido: rode `make test` (inicia o PostgreSQL) ou scripts/postgres-test.sh"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    return _postgres_server_url()


def _new_postgres_schema(server_url: str) -> tuple[str, str]:
    """A fresh schema; the returned URL sets it as the search_path, so every table lands there."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in server_url else "?"
    return schema, f"{server_url}{sep}options={quote(f'-csearch_path={schema}')}"


def _drop_postgres_schema(server_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ortho.sqlite3'}"
        return
    server = _postgres_server_url()
    schema, url = _new_postgres_schema(server)
    try:
        yield url
    finally:
        _drop_postgres_schema(server, schema)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``database_url``, shared by the tests of one module (for expensive set-ups)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'ortho.sqlite3'}"
        return
    server = _postgres_server_url()
    schema, url = _new_postgres_schema(server)
    try:
        yield url
    finally:
        _drop_postgres_schema(server, schema)


@pytest.fixture
def db(database_url: str) -> Iterator[object]:
    """A migrated ``adapters.db.engine.Database`` on each database."""
    from adapters.db.engine import Database

    database = Database(database_url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()
