"""Property-based requests generated from /schema/openapi.json against a real uvicorn server on
loopback (schemathesis): whatever the input, never a 5xx, and every error is problem+json.

Requests carry a valid admin key (so they reach validation, not just the 401) — except those
schemathesis generates without it to exercise the authentication path.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

from adapters.db.apikeys import Role, create_tenant, issue_key
from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()
STATE: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, module_database_url: str) -> Iterator[str]:
    data = tmp_path_factory.mktemp("schemathesis")
    app = create_app(
        Settings(data_dir=str(data), database_url=module_database_url, env={"ORTHO_MASTER_KEYS": MASTER})
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    resources = app.state.resources
    now = datetime.now(UTC)
    with resources.db.write() as conn:
        create_tenant(conn, "fuzz", "Fuzz", now=now)
        STATE["admin"] = issue_key(conn, "fuzz", Role.ADMIN, now=now).key
    config = json.loads((ROOT / "examples" / "emitente-sn.json").read_text(encoding="utf-8"))
    resp = httpx.post(f"{base}/v1/emitters", json=config, headers={"Authorization": f"Bearer {STATE['admin']}"})
    assert resp.status_code == 201, resp.text
    STATE["emitter_id"] = resp.json()["id"]
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def api_schema(live_server: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_server}/schema/openapi.json")


def _check(case: Any, seen: Counter[tuple[str, int]]) -> None:
    # Half of the cases address the real emitter, so the body validation is reached too.
    if case.path_parameters and "emitter_id" in case.path_parameters and len(case.path_parameters["emitter_id"]) % 2:
        case.path_parameters["emitter_id"] = STATE["emitter_id"]
    response = case.call(headers={"Authorization": f"Bearer {STATE['admin']}"})
    where = f"{case.method} {case.formatted_path}"
    seen[(case.operation.label, response.status_code // 100)] += 1
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])
        assert str(content_type[0] if isinstance(content_type, list) else content_type).startswith(
            "application/problem+json"
        ), where
        body = response.json()
        assert body["code"] and body["detail"] and body["status"] == response.status_code, where


def test_no_server_errors(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    seen: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        # pytest's own plugin integration of schemathesis does not support pytest 9 yet: drive
        # hypothesis directly, one property per operation.
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def prop(case: Any) -> None:
            _check(case, seen)

        prop()
    labels = {op.label for op in operations}
    # Every operation was exercised and answered; the generator reached success paths too.
    assert {label for label, _ in seen} == labels
    assert sum(n for (_, cls), n in seen.items() if cls == 2) > 0, seen
