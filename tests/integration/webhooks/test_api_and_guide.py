"""The HTTP API end to end (Litestar TestClient with its lifespan, so the in-process worker runs),
and the integration guide's own receiver: its Node.js verification snippet (run unmodified by
``node``) verifies every delivery, accents included, and its curl example against it."""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.db.apikeys import Role, create_tenant, issue_key
from api.app import create_app
from api.settings import Settings
from engine.events.body import ortho_signature, render_body
from tests.integration.webhooks.conftest import Pki, Receiver

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
CURL = shutil.which("curl")
MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()


@dataclass
class Api:
    client: TestClient  # type: ignore[type-arg]
    admin: dict[str, str]
    pdv: dict[str, str]
    other_admin: dict[str, str]


@pytest.fixture
def api(database_url: str, tmp_path: Path, worker_env: dict[str, str]) -> Iterator[Api]:
    settings = Settings(data_dir=str(tmp_path / "data"), database_url=database_url,
                        env={"ORTHO_MASTER_KEYS": MASTER, "ORTHO_WEBHOOK_WORKER": "1", **worker_env})
    app = create_app(settings)
    with TestClient(app=app) as client:
        res = app.state.resources
        now = datetime.now(UTC)
        with res.db.write() as conn:
            create_tenant(conn, "t1", "Clínica Um", now=now)
            create_tenant(conn, "t2", "Clínica Dois", now=now)
            keys = {(t, r): issue_key(conn, t, r, now=now).key for t in ("t1", "t2") for r in (Role.ADMIN, Role.PDV)}
        yield Api(client, {"Authorization": f"Bearer {keys[('t1', Role.ADMIN)]}"},
                  {"Authorization": f"Bearer {keys[('t1', Role.PDV)]}"},
                  {"Authorization": f"Bearer {keys[('t2', Role.ADMIN)]}"})


def _wait(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_subscriptions_crud_roles_and_destination_policy(api: Api, receiver: Receiver) -> None:
    c = api.client
    r = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["patient.created"],
                                     "bearer_token": "your_secret_token_here"}, headers=api.admin)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_") and created["has_bearer_token"] is True
    wid = created["id"]
    listed = c.get("/v1/webhooks", headers=api.admin).json()["items"]
    assert [w["id"] for w in listed] == [wid] and "secret" not in listed[0]
    assert "secret" not in c.get(f"/v1/webhooks/{wid}", headers=api.admin).json()
    assert c.get("/v1/webhooks", headers=api.pdv).status_code == 403
    assert c.get(f"/v1/webhooks/{wid}", headers=api.other_admin).status_code == 404
    for url in ("http://127.0.0.1/x", "https://10.0.0.1/x"):
        bad = c.post("/v1/webhooks", json={"url": url, "events": ["patient.created"]}, headers=api.admin)
        assert bad.status_code == 422 and bad.json()["code"] == "WEBHOOK_DESTINO_INVALIDO"
        assert bad.json()["field"] == "url"
    bad = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["patient.deleted"]}, headers=api.admin)
    assert bad.status_code == 422 and bad.json()["code"] == "WEBHOOK_EVENTO_DESCONHECIDO"
    r = c.patch(f"/v1/webhooks/{wid}", json={"events": ["patient.created", "nfe.authorized"], "bearer_token": None},
                headers=api.admin)
    assert r.status_code == 200 and r.json()["events"] == ["patient.created", "nfe.authorized"]
    assert r.json()["has_bearer_token"] is False
    rotated = c.post(f"/v1/webhooks/{wid}/rotate-secret?overlap_hours=2", headers=api.admin).json()
    assert rotated["secret"] != created["secret"] and rotated["previous_secret_until"]
    ping = c.post(f"/v1/webhooks/{wid}/ping", headers=api.admin).json()
    assert ping["status"] == "delivered" and ping["response_code"] == 200 and ping["attempt_log"][0]["outcome"] == "ok"
    assert receiver.received[-1].json()["event"] == "webhook.ping"
    assert c.delete(f"/v1/webhooks/{wid}", headers=api.admin).status_code == 204
    assert c.get(f"/v1/webhooks/{wid}", headers=api.admin).status_code == 404
    catalogue = c.get("/v1/events/catalogue", headers=api.admin).json()["items"]
    assert {"patient.created", "nfe.authorized"} <= {e["event"] for e in catalogue}


def test_clinic_event_is_fanned_out_by_the_in_process_worker_with_history(api: Api, receiver: Receiver) -> None:
    c = api.client
    wid = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["payment.received"]},
                 headers=api.admin).json()["id"]
    body = {"event": "payment.received", "id": "evt-clinic-1",
            "data": {"id": "pg-1", "amount": "150.00", "patient_id": "p1", "pagador": "João Silva"}}
    r = c.post("/v1/events", json=body, headers=api.admin)
    assert r.status_code == 202 and r.json()["accepted"] is True and r.json()["event_id"] == "evt-clinic-1"
    again = c.post("/v1/events", json=body, headers=api.admin).json()
    assert again["accepted"] is False  # same id: stored once
    _wait(lambda: len(receiver.received) >= 1)
    time.sleep(0.5)  # a second copy would have arrived by now
    assert len(receiver.received) == 1 and receiver.received[0].event_id == "evt-clinic-1"
    assert receiver.received[0].json()["data"]["pagador"] == "João Silva"
    _wait(lambda: c.get(f"/v1/webhooks/{wid}/deliveries", headers=api.admin).json()["items"][0]["status"]
          == "delivered")
    [d] = c.get(f"/v1/webhooks/{wid}/deliveries", headers=api.admin).json()["items"]
    assert d["response_code"] == 200 and d["attempts"] == 1 and d["duration_ms"] >= 0
    detail = c.get(f"/v1/webhooks/{wid}/deliveries/{d['id']}", headers=api.admin).json()
    assert len(detail["attempt_log"]) == 1
    assert c.post(f"/v1/webhooks/{wid}/deliveries/{d['id']}/redeliver", headers=api.admin).status_code == 202
    _wait(lambda: len(receiver.received) == 2)
    bad = c.post("/v1/events", json={"event": "payment.received", "data": {"id": "x", "amount": 150.0}},
                 headers=api.admin)
    assert bad.status_code == 422 and "data.amount" in bad.json()["detail"]
    ours = c.post("/v1/events", json={"event": "nfe.authorized", "data": {}}, headers=api.admin)
    assert ours.status_code == 422 and ours.json()["field"] == "event"


@dataclass
class NodeReceiver:
    url: str
    lines: queue.Queue[dict[str, Any]]

    def next(self, timeout: float = 15.0) -> dict[str, Any]:
        return self.lines.get(timeout=timeout)


def _node_receiver(pki: Pki, secret: str) -> Iterator[NodeReceiver]:
    assert NODE is not None
    env = {**os.environ, "WEBHOOK_SECRET": secret, "TLS_KEY": str(pki.key_file), "TLS_CERT": str(pki.cert_file)}
    proc = subprocess.Popen([NODE, str(HERE / "guide_receiver.js")], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    port = json.loads(proc.stdout.readline())["port"]
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(json.loads(line))

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    try:
        yield NodeReceiver(f"https://127.0.0.1:{port}/webhook/ortho", lines)
    finally:
        proc.kill()
        proc.wait()
        thread.join(5)
        stdout.close()


PAYLOADS: list[dict[str, Any]] = [
    {"id": "uuid", "name": "João Silva"},
    {"id": "2", "name": "Conceição D'Ávila Ñúñez 😀 日本", "obs": "</script> a/b \\ \"aspas\""},
    {"id": "3", "name": "Linha\u2028Parágrafo\u2029Fim\ttab\nnova\x01\x7f"},
    {"id": "4", "name": "Ana", "10": "dez", "2": "dois", "extra": {"1": True, "b": None, "a": [1, -2]}},
]


@pytest.mark.skipif(NODE is None, reason="node não instalado")
def test_guide_nodejs_snippet_verifies_every_delivery(api: Api, pki: Pki) -> None:
    c = api.client
    created = c.post("/v1/webhooks", json={"url": "https://127.0.0.1:1/x", "events": ["patient.created"]},
                     headers=api.admin).json()
    for node in _node_receiver(pki, created["secret"]):
        r = c.patch(f"/v1/webhooks/{created['id']}", json={"url": node.url}, headers=api.admin)
        assert r.status_code == 200
        for data in PAYLOADS:
            assert c.post("/v1/events", json={"event": "patient.created", "data": data},
                          headers=api.admin).status_code == 202
        seen = [node.next() for _ in PAYLOADS]
        assert all(s["verified"] for s in seen), seen
        assert sorted(s["data"]["name"] for s in seen) == sorted(p["name"] for p in PAYLOADS)
        # A subscription with another secret to the same receiver fails its check: the check is real.
        other = c.post("/v1/webhooks", json={"url": node.url, "events": ["webhook.ping"]}, headers=api.admin).json()
        ping = c.post(f"/v1/webhooks/{other['id']}/ping", headers=api.admin).json()
        assert node.next()["verified"] is False and ping["response_code"] == 401 and ping["status"] == "pending"


@pytest.mark.skipif(NODE is None or CURL is None, reason="node ou curl não instalado")
def test_guide_curl_example_against_the_guide_receiver(pki: Pki) -> None:
    """The guide's ``curl`` test, pointed at the local receiver (+ ``--cacert`` for the test PKI) and
    with a real signature in place of ``sha256=abc123...``; its body is exactly what we send."""
    assert CURL is not None
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    example = '{"event":"patient.created","data":{"id":"uuid","name":"João Silva"}}'
    assert render_body("patient.created", {"id": "uuid", "name": "João Silva"}) == example.encode()
    for node in _node_receiver(pki, secret):
        def curl(signature: str, node: NodeReceiver = node) -> str:
            done = subprocess.run(
                [CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", str(pki.ca_file),
                 "-X", "POST", node.url,
                 "-H", "Content-Type: application/json",
                 "-H", f"X-Ortho-Signature: {signature}",
                 "-d", example],
                capture_output=True, text=True, timeout=30, check=True,
            )
            return done.stdout

        assert curl(ortho_signature(secret, example.encode())) == "200"
        assert node.next() == {"verified": True, "event": "patient.created",
                               "data": {"id": "uuid", "name": "João Silva"}}
        assert curl("sha256=abc123...") == "401"  # the guide's placeholder does not verify
        assert node.next()["verified"] is False
