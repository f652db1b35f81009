"""An app on each database (Litestar TestClient: lifespan, migrations, real middleware) with two
tenants and one key per role in each."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar.testing import TestClient

from adapters.db.apikeys import Role, create_tenant, issue_key
from api.app import create_app
from api.context import Resources
from api.settings import Settings

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Api:
    client: TestClient  # type: ignore[type-arg]
    keys: dict[tuple[str, str], str]
    resources: Resources

    def h(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[(tenant, role)]}"}


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        data_dir=str(tmp_path / "data"), database_url=database_url, max_body_bytes=256 * 1024,
        env={"ORTHO_MASTER_KEYS": MASTER},
    )
    app = create_app(settings)
    with TestClient(app=app) as client:
        resources: Resources = app.state.resources
        now = datetime.now(UTC)
        keys: dict[tuple[str, str], str] = {}
        with resources.db.write() as conn:
            for t in ("t1", "t2"):
                create_tenant(conn, t, f"Clínica {t}", now=now)
                for role in Role:
                    keys[(t, role.value)] = issue_key(conn, t, role, now=now).key
        yield Api(client, keys, resources)
