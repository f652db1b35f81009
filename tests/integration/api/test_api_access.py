"""Access: 401 without a valid key, 403 without the role's permission, tenant isolation, and
problem+json for every error (unknown route, method, malformed input) — never a 500."""

from __future__ import annotations

import pytest

from .conftest import Api

PROBLEM = "application/problem+json"


def _problem(resp, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"] and body["request_id"] and body["instance"]
    return body


def test_health_reports_the_database_and_echoes_the_request_id(api: Api) -> None:
    resp = api.client.get("/health", headers={"X-Request-ID": "pdv-42.retry-1"})
    assert resp.status_code == 200 and resp.json()["status"] == "ok"
    assert resp.json()["database"] in {"sqlite", "postgresql"}
    assert resp.headers["x-request-id"] == "pdv-42.retry-1"


def test_malformed_request_id_is_replaced(api: Api) -> None:
    resp = api.client.get("/health", headers={"X-Request-ID": "bad id with spaces!"})
    assert len(resp.headers["x-request-id"]) == 32


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer ofk_000000000000_" + "A" * 43},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}, {"X-API-Key": "qualquer"}])
def test_missing_or_invalid_key_is_401(api: Api, headers: dict[str, str]) -> None:
    body = _problem(api.client.get("/v1/me", headers=headers), 401, "NAO_AUTENTICADO")
    assert "chave de API" in body["detail"]


def test_x_api_key_header_is_accepted(api: Api) -> None:
    resp = api.client.get("/v1/me", headers={"X-API-Key": api.keys[("t1", "auditor")]})
    assert resp.status_code == 200
    assert resp.json()["role"] == "auditor" and resp.json()["tenant_id"] == "t1"
    assert "audit:read" in resp.json()["permissions"] and "document:emit" not in resp.json()["permissions"]


@pytest.mark.parametrize("role", ["pdv", "accountant", "auditor"])
def test_only_the_admin_configures_emitters(api: Api, role: str) -> None:
    body = _problem(api.client.post("/v1/emitters", json={}, headers=api.h("t1", role)), 403, "ACESSO_NEGADO")
    assert role in body["detail"] and "emitter:write" in body["detail"]


@pytest.mark.parametrize("role", ["pdv", "accountant"])
def test_audit_trail_is_for_auditor_and_admin(api: Api, role: str) -> None:
    _problem(api.client.get("/v1/audit", headers=api.h("t1", role)), 403, "ACESSO_NEGADO")
    assert api.client.get("/v1/audit", headers=api.h("t1", "auditor")).status_code == 200
    assert api.client.get("/v1/audit", headers=api.h("t1", "admin")).status_code == 200


def test_revoked_key_is_refused_once_the_verified_key_memory_expires(api: Api) -> None:
    from datetime import UTC, datetime

    from adapters.db.apikeys import revoke_key

    clock = [1000.0]
    api.resources.api_keys._monotonic = lambda: clock[0]  # the worker's memory of verified keys (2 s)
    key = api.keys[("t1", "pdv")]
    assert api.client.get("/v1/me", headers=api.h("t1", "pdv")).status_code == 200
    with api.resources.db.write() as conn:  # as `ortho-fiscal apikey revoke` does, from another process
        revoke_key(conn, key.split("_")[1], now=datetime.now(UTC))
    clock[0] += 1.0  # within ORTHO_APIKEY_CACHE_S the key verified a moment ago is still accepted
    assert api.client.get("/v1/me", headers=api.h("t1", "pdv")).status_code == 200
    clock[0] += 1.5  # past it, every request of the revoked key is refused again
    _problem(api.client.get("/v1/me", headers=api.h("t1", "pdv")), 401, "NAO_AUTENTICADO")
    _problem(api.client.get("/v1/me", headers=api.h("t1", "pdv")), 401, "NAO_AUTENTICADO")


def test_verified_keys_are_remembered_by_digest_and_a_wrong_secret_is_never_served(api: Api) -> None:
    import hashlib

    key = api.keys[("t1", "accountant")]
    assert api.client.get("/v1/me", headers={"X-API-Key": key}).json()["role"] == "accountant"
    entries = api.resources.api_keys._entries
    assert hashlib.sha256(key.encode()).digest() in entries
    assert all(key.encode() not in slot and key not in repr(v) for slot, v in entries.items())
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    _problem(api.client.get("/v1/me", headers={"X-API-Key": wrong}), 401, "NAO_AUTENTICADO")


def test_unknown_route_and_method_are_problems(api: Api) -> None:
    _problem(api.client.get("/v1/nao-existe"), 404, "NAO_ENCONTRADO")
    _problem(api.client.delete("/health"), 405, "METODO_NAO_PERMITIDO")


def test_openapi_document_is_served(api: Api) -> None:
    doc = api.client.get("/schema/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/health", "/v1/emitters", "/v1/emitters/{emitter_id}", "/v1/audit"} <= set(doc["paths"])
    assert "apiKey" in doc["components"]["securitySchemes"]
    assert api.client.get("/schema").status_code == 200


def test_nul_and_control_characters_never_reach_the_database(api: Api) -> None:
    # PostgreSQL text refuses NUL: such input must be a 4xx, not a driver error (500).
    h = api.h("t1", "admin")
    assert api.client.get("/v1/emitters/%00", headers=h).status_code == 404
    assert api.client.put("/v1/emitters/a%00b/csc", json={"id": "1", "token": "A" * 16}, headers=h).status_code == 404
    for param in ("action", "actor", "target"):
        resp = api.client.get("/v1/audit", params={param: "x\x00y"}, headers=h)
        assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == param
