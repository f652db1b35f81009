"""/v1/integrations end to end: admin only, catalogue, create/configure/test/activate, run now,
logs in the guide's form, alerts config; credentials never returned."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.db.apikeys import Role, create_tenant, issue_key
from api.app import create_app
from api.settings import Settings
from engine.integrations.catalog import CATALOG
from tests.integration.integrations.conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, Smtp

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def client(database_url: str, tmp_path: Path, standin: Any, smtp: Smtp) -> Iterator[tuple[TestClient, dict[str, str]]]:  # type: ignore[type-arg]
    env = {"ORTHO_MASTER_KEYS": MASTER, "ORTHO_WEBHOOK_WORKER": "0",
           "ORTHO_INTEGRATIONS_TRUST_PEM": str(standin.ca_pem_path),
           "ORTHO_SMTP_HOST": "127.0.0.1", "ORTHO_SMTP_PORT": str(smtp.server.port),
           "ORTHO_SMTP_USER": "alertas", "ORTHO_SMTP_PASSWORD": "senha-smtp-teste",
           "ORTHO_SMTP_TRUST_PEM": str(smtp.settings.trust_pem), "ORTHO_SMTP_FROM": "alertas@ortho.local"}
    app = create_app(Settings(data_dir=str(tmp_path / "data"), database_url=database_url, env=env))
    with TestClient(app=app) as c:
        res = app.state.resources
        now = datetime.now(UTC)
        with res.db.write() as conn:
            create_tenant(conn, "t1", "Clínica t1", now=now)
            keys = {role.value: issue_key(conn, "t1", role, now=now).key for role in Role}
        yield c, keys


def test_integrations_api_flow(client: tuple[TestClient, dict[str, str]], standin: Any, smtp: Smtp) -> None:  # type: ignore[type-arg]
    c, keys = client
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    assert c.get("/v1/integrations/catalog", headers={"Authorization": f"Bearer {keys['pdv']}"}).status_code == 403
    assert c.get("/v1/integrations/catalog").status_code == 401
    cat = c.get("/v1/integrations/catalog", headers=admin).json()["items"]
    assert len(cat) == len(CATALOG)
    status = {i["name"]: i["status"] for i in cat}
    assert status["Bling"] == "disponível" and status["Omie"] == "planejado" and status["Stripe"] == "planejado"
    assert {i["status"] for i in cat} == {"disponível", "planejado"}  # never "conectado" in the catalogue

    r = c.post("/v1/integrations", headers=admin, json={"connector": "omie", "name": "Omie"})
    assert r.status_code == 422 and r.json()["code"] == "INTEGRACAO_PLANEJADA"
    r = c.post("/v1/integrations", headers=admin, json={
        "connector": "twilio", "name": "SMS lembretes",
        "settings": {"base_url": standin.base_url("twilio"), "from": TWILIO_FROM},
        "credentials": {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
        "sync": {"mode": "agendada", "daily_time": "25:00"}})
    assert r.status_code == 422 and r.json()["code"] == "INTEGRACAO_INVALIDA" and "25:00" in r.json()["detail"]
    r = c.post("/v1/integrations", headers=admin, json={
        "connector": "twilio", "name": "SMS lembretes",
        "settings": {"base_url": standin.base_url("twilio"), "from": TWILIO_FROM},
        "credentials": {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
        "sync": {"mode": "agendada", "daily_time": "02:00", "uf": "BA"}})
    assert r.status_code == 201, r.text
    item = r.json()
    assert TWILIO_TOKEN not in r.text and item["credentials_configured"] == ["account_sid", "auth_token"]
    assert item["status"] == "não conectado"
    iid = item["id"]
    base = f"/v1/integrations/{iid}"
    r = c.post(f"{base}/activate", headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "INTEGRACAO_NAO_TESTADA"
    assert c.post(f"{base}/test", headers=admin).json() == {"ok": True, "mensagem": "Conta Clínica Sorriso ativa"}
    r = c.post(f"{base}/activate", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "conectado" and r.json()["next_run_at"]

    r = c.post(f"{base}/records", headers=admin, json={"records": [
        {"key": "ag-1", "data": {"tipo": "lembrete", "paciente_nome": "João Silva",
                                 "paciente_telefone": "+55 71 98888-7777", "data_hora": "2026-12-10T09:00",
                                 "profissional": "Dra. Ana", "clinica": "Sorriso"}}]})
    assert r.status_code == 202 and r.json() == {"queued": 1}  # scheduled mode: waits for the run
    r = c.post(f"{base}/run", headers=admin)
    assert r.status_code == 200 and r.json()["sent"] == 1
    assert standin.state.twilio_sent[-1]["to"] == "+5571988887777"
    logs = c.get(f"{base}/logs", headers=admin).json()["items"]
    expected = "✅ Sincronização bem-sucedida\n- Registros enviados: 1\n- Registros recebidos: 0\n- Duração:"
    assert expected in logs[0]["log"]

    r = c.put(f"{base}/alerts", headers=admin, json={"emails": ["admin@clinica.com.br"], "threshold": 2})
    assert r.status_code == 200 and r.json()["alerts"] == {"enabled": True, "emails": ["admin@clinica.com.br"],
                                                           "threshold": 2}
    r = c.patch(base, headers=admin, json={"credentials": {"auth_token": "errado"}})
    assert r.status_code == 200 and r.json()["test_ok"] is None and "errado" not in r.text
    c.post(f"{base}/records", headers=admin, json={"records": [
        {"key": "ag-2", "data": {"tipo": "lembrete", "paciente_nome": "Ana", "paciente_telefone": "+5571988887777",
                                 "data_hora": "2026-12-11T09:00"}}]})
    runs = [c.post(f"{base}/run", headers=admin).json() for _ in range(2)]
    assert [r["outcome"] for r in runs] == ["falha", "falha"] and runs[1]["alert_sent"] is True
    assert len(smtp.server.messages) == 1 and smtp.server.messages[0].rcpt_to == ["admin@clinica.com.br"]
    assert "❌ Erro de autenticação" in c.get(f"{base}/logs", headers=admin).json()["items"][0]["log"]
    other = c.get(f"/v1/integrations/int_{'0' * 24}", headers=admin)
    assert other.status_code == 404 and other.json()["code"] == "INTEGRACAO_NAO_ENCONTRADA"
    assert c.delete(base, headers=admin).status_code == 204
    assert c.get("/v1/integrations", headers=admin).json() == {"items": []}
