"""End to end through the service: the clinic system's ``integration`` key posts appointment.confirmed
to POST /v1/events; the answer comes before anything is sent (outbox only); the service's in-process
worker then sends exactly one WhatsApp to the stand-in, and posting the same event again (same id or
a new one) sends nothing more. On both databases (the worker forced on for PostgreSQL)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from adapters import integrations_store as store
from adapters.db.apikeys import Role, create_tenant, issue_key
from api.app import create_app
from api.context import Resources
from api.settings import Settings
from tests.integration.integrations.conftest import WA_PHONE_ID, WA_TOKEN

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()
EVENT = {"event": "appointment.confirmed", "id": "evt-ag-501",
         "data": {"id": "ag-501", "patient_id": "pac-3", "starts_at": "2026-12-11T12:00:00Z",
                  "patient_name": "Maria Antônia", "patient_phone": "+55 11 98765-4321",
                  "professional": "Dr. Caio Lima"}}


def _wait(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_posted_appointment_reaches_whatsapp_once_via_the_worker(database_url: str, tmp_path: Path,
                                                                 standin: Any) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"), database_url=database_url, env={
        "ORTHO_MASTER_KEYS": MASTER, "ORTHO_INTEGRATIONS_TRUST_PEM": str(standin.ca_pem_path),
        "ORTHO_WEBHOOK_WORKER": "1", "ORTHO_INTEGRATIONS_SCHEDULER": "0", "ORTHO_PIX_WORKER": "0"})
    app = create_app(settings)
    with TestClient(app=app) as client:
        res: Resources = app.state.resources
        now = datetime.now(UTC)
        with res.db.write() as conn:
            create_tenant(conn, "clinica", "Clínica", now=now)
            key = issue_key(conn, "clinica", Role.INTEGRATION, now=now).key
            admin = issue_key(conn, "clinica", Role.ADMIN, now=now).key
            item = store.create(conn, res.keyring, tenant_id="clinica", connector="whatsapp-cloud", name="WhatsApp",
                                settings={"base_url": standin.base_url("whatsapp"), "phone_number_id": WA_PHONE_ID},
                                mapping={}, sync={"mode": "tempo_real"}, alerts={},
                                credentials={"access_token": WA_TOKEN}, now=now)
            store.record_test(conn, item.id, ok=True, message="ok", now=now)
            store.set_active(conn, "clinica", item.id, True, now)
        h = {"Authorization": f"Bearer {key}"}
        r = client.post("/v1/events", json=EVENT, headers=h)
        assert r.status_code == 202 and r.json()["accepted"] is True
        _wait(lambda: len(standin.state.wa_sent) >= 1)
        assert client.post("/v1/events", json=EVENT, headers=h).json()["accepted"] is False  # same id
        assert client.post("/v1/events", json={**EVENT, "id": "evt-ag-501-retry"}, headers=h).status_code == 202

        def sent_status() -> str:
            with res.db.read() as conn:
                return str(store.list_records(conn, item.id)[0]["status"])

        _wait(lambda: sent_status() == "enviado")
        time.sleep(0.6)  # a few worker passes: a second message would have gone out by now
        [sent] = standin.state.wa_sent
        assert sent["template"]["name"] == "confirmacao_consulta"
        params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
        assert params == ["Maria Antônia", "11/12/2026", "09:00", "Dr. Caio Lima"]
        # The integration key can publish, but cannot read the integration it fed.
        assert client.get("/v1/integrations", headers=h).status_code == 403
        as_admin = {"Authorization": f"Bearer {admin}"}
        assert client.get(f"/v1/integrations/{item.id}", headers=as_admin).status_code == 200
