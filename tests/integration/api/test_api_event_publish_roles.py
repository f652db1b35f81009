"""Least privilege for the clinic system: the ``integration`` role publishes events (POST /v1/events)
and nothing else; the admin may publish too; pdv, accountant and auditor may not."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from adapters.db.apikeys import PERMISSIONS, Permission, Role
from adapters.db.schema import api_key
from tests.integration.api.conftest import Api

EVENT = {"event": "patient.created", "data": {"id": "pac-1", "name": "Joana Conceição"}}


def test_integration_role_grants_only_event_publish() -> None:
    assert PERMISSIONS[Role.INTEGRATION] == frozenset({Permission.EVENT_PUBLISH})
    holders = {role for role, perms in PERMISSIONS.items() if Permission.EVENT_PUBLISH in perms}
    assert holders == {Role.ADMIN, Role.INTEGRATION}


def test_post_events_accepted_for_admin_and_integration_refused_for_the_others(api: Api) -> None:
    c = api.client
    for i, role in enumerate(("admin", "integration")):
        r = c.post("/v1/events", json={**EVENT, "id": f"evt-{role}-{i}"}, headers=api.h("t1", role))
        assert r.status_code == 202, (role, r.text)
        assert r.json()["accepted"] is True and r.json()["event_id"] == f"evt-{role}-{i}"
    for role in ("pdv", "accountant", "auditor"):
        r = c.post("/v1/events", json={**EVENT, "id": f"evt-{role}"}, headers=api.h("t1", role))
        assert r.status_code == 403, (role, r.text)
        assert r.json()["code"] == "ACESSO_NEGADO" and "event:publish" in r.json()["detail"]
    assert c.post("/v1/events", json=EVENT).status_code == 401


def test_integration_key_cannot_manage_webhooks_configuration_or_documents(api: Api) -> None:
    c = api.client
    h = api.h("t1", "integration")
    hook = {"url": "https://hooks.example.com/ortho", "events": ["patient.created"]}
    assert c.post("/v1/webhooks", json=hook, headers=h).status_code == 403
    assert c.get("/v1/webhooks", headers=h).status_code == 403
    assert c.get("/v1/events/catalogue", headers=h).status_code == 403
    assert c.get("/v1/emitters", headers=h).status_code == 403
    assert c.get("/v1/audit", headers=h).status_code == 403
    assert c.get("/v1/integrations", headers=h).status_code in (403, 404)
    me = c.get("/v1/me", headers=h).json()
    assert me["role"] == "integration" and me["permissions"] == ["event:publish"]


def test_cli_creates_an_integration_key(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    code = main(["apikey", "create", "--tenant", "clinica", "--role", "integration", "--new-tenant", "Clínica",
                 "--database-url", database_url])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "(integration)" in out.err
    key_id = out.out.strip().split("_")[1]
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(api_key.c.role).where(api_key.c.id == key_id)).scalar() == "integration"
    finally:
        engine.dispose()
