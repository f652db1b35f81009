"""Emitter endpoints (admin): validation with field paths in pt-BR, secrets never echoed,
certificates into the encrypted store, tenant isolation, and an audit entry for every change."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from certificates.testpki import IssuedCertificate, make_test_a1

from .conftest import ROOT, Api

CONFIG: dict[str, Any] = json.loads((ROOT / "examples" / "emitente-sn.json").read_text(encoding="utf-8"))
TOKEN = CONFIG["csc"]["token"]
CSRT = CONFIG["responsavel_tecnico"]["csrt"]["token"]


@pytest.fixture(scope="module")
def issued() -> IssuedCertificate:
    return make_test_a1(cnpj=CONFIG["cnpj"], now=datetime.now(UTC))[1]


def _create(api: Api, tenant: str = "t1", config: dict[str, Any] | None = None) -> dict[str, Any]:
    resp = api.client.post("/v1/emitters", json=config or CONFIG, headers=api.h(tenant, "admin"))
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _audit(api: Api, tenant: str = "t1") -> list[dict[str, Any]]:
    resp = api.client.get("/v1/audit", headers=api.h(tenant, "auditor"))
    assert resp.status_code == 200
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


def test_admin_creates_and_reads_an_emitter_without_secrets_in_responses(api: Api) -> None:
    created = _create(api)
    assert created["cnpj"] == CONFIG["cnpj"] and created["csc"] == {"id": "000001", "token_configurado": True}
    assert created["csrt_configurado"] is True
    for role in ("admin", "pdv", "accountant", "auditor"):
        resp = api.client.get(f"/v1/emitters/{created['id']}", headers=api.h("t1", role))
        assert resp.status_code == 200 and resp.json()["config"]["razao_social"] == CONFIG["razao_social"]
        assert TOKEN not in resp.text and CSRT not in resp.text
    listing = api.client.get("/v1/emitters", headers=api.h("t1", "pdv")).json()["items"]
    assert [e["id"] for e in listing] == [created["id"]]


def test_other_tenant_never_sees_or_changes_the_emitter(api: Api) -> None:
    created = _create(api)
    path = f"/v1/emitters/{created['id']}"
    for role in ("admin", "auditor", "pdv"):
        body = api.client.get(path, headers=api.h("t2", role)).json()
        assert body["code"] == "EMITENTE_NAO_ENCONTRADO"
    assert api.client.get("/v1/emitters", headers=api.h("t2", "admin")).json()["items"] == []
    assert api.client.put(path, json=CONFIG, headers=api.h("t2", "admin")).status_code == 404
    resp = api.client.put(f"{path}/csc", json={"id": "2", "token": TOKEN}, headers=api.h("t2", "admin"))
    assert resp.status_code == 404
    assert api.client.get(f"{path}/certificates", headers=api.h("t2", "admin")).status_code == 404
    resp = api.client.post(f"{path}/certificates", json={"pfx_base64": "AAAA", "senha": "x"},
                           headers=api.h("t2", "admin"))
    assert resp.status_code == 404 and resp.json()["code"] == "EMITENTE_NAO_ENCONTRADO"
    assert _audit(api, "t2") == []


def test_invalid_cnpj_is_422_with_the_field(api: Api) -> None:
    bad = copy.deepcopy(CONFIG)
    bad["cnpj"] = "11222333000182"
    resp = api.client.post("/v1/emitters", json=bad, headers=api.h("t1", "admin"))
    assert resp.status_code == 422 and resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["code"] == "EMITENTE_INVALIDO" and body["field"] == "emitente.cnpj"
    assert "dígitos verificadores" in body["detail"]


def test_unknown_field_and_wrong_types_are_named(api: Api) -> None:
    bad = copy.deepcopy(CONFIG)
    bad["cor_favorita"] = "azul"
    bad["crt"] = "um"
    bad["endereco"]["codigo_municipio"] = "35503"
    body = api.client.post("/v1/emitters", json=bad, headers=api.h("t1", "admin")).json()
    assert body["status"] == 422
    fields = {e["field"] for e in body["errors"]}
    assert {"emitente.cor_favorita", "emitente.crt", "emitente.endereco.codigo_municipio"} <= fields
    assert all(e["mensagem"] and e["code"] for e in body["errors"])


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"\xff\xfe", b"null", b'"texto"', b""])
def test_malformed_or_non_object_json_is_4xx(api: Api, payload: bytes) -> None:
    resp = api.client.post(
        "/v1/emitters", content=payload, headers={**api.h("t1", "admin"), "Content-Type": "application/json"}
    )
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["code"] in {"JSON_INVALIDO", "EMITENTE_INVALIDO", "TIPO_INVALIDO", "CORPO_AUSENTE"}


def test_oversized_body_is_413(api: Api) -> None:
    big = {**CONFIG, "nome_fantasia": "x" * (300 * 1024)}
    resp = api.client.post("/v1/emitters", json=big, headers=api.h("t1", "admin"))
    assert resp.status_code == 413 and resp.json()["code"] == "CORPO_GRANDE_DEMAIS"


def test_duplicate_cnpj_is_409_and_writes_nothing(api: Api) -> None:
    _create(api)
    before = len(_audit(api))
    resp = api.client.post("/v1/emitters", json=CONFIG, headers=api.h("t2", "admin"))
    assert resp.status_code == 409 and resp.json()["code"] == "EMITENTE_DUPLICADO"
    assert len(_audit(api)) == before and _audit(api, "t2") == []


def test_update_and_csc_are_audited_with_request_ids(api: Api) -> None:
    created = _create(api)
    path = f"/v1/emitters/{created['id']}"
    changed = {**copy.deepcopy(CONFIG), "razao_social": "CLINICA NOVA LTDA"}
    changed.pop("csc")
    resp = api.client.put(path, json=changed, headers={**api.h("t1", "admin"), "X-Request-ID": "req-upd-1"})
    assert resp.status_code == 200 and resp.json()["versao"] == 2 and resp.json()["csc"]["id"] == "000001"
    resp = api.client.put(f"{path}/csc", json={"id": "000002", "token": "ABCDEFGHIJKLMNOP1234"},
                          headers={**api.h("t1", "admin"), "X-Request-ID": "req-csc-1"})
    assert resp.status_code == 200 and resp.json()["csc"]["id"] == "000002"
    entries = _audit(api)
    assert [(e["action"], e["request_id"]) for e in entries][-2:] == [
        ("emitter.update", "req-upd-1"), ("emitter.csc.set", "req-csc-1")]
    assert all(e["actor"].startswith("apikey:") and e["target"] == f"emitter/{created['id']}" for e in entries)
    assert entries[-2]["details"]["alterados"] == ["razao_social"] and entries[-2]["details"]["versao"] == 2
    assert "ABCDEFGHIJKLMNOP1234" not in json.dumps(entries)


def test_changing_the_cnpj_is_refused(api: Api) -> None:
    created = _create(api)
    other = {**CONFIG, "cnpj": "11444777000161"}
    resp = api.client.put(f"/v1/emitters/{created['id']}", json=other, headers=api.h("t1", "admin"))
    assert resp.status_code == 409 and resp.json()["code"] == "CNPJ_IMUTAVEL"


@pytest.mark.parametrize(
    "payload,field",
    [({"id": "abc", "token": TOKEN}, "csc.id"), ({"id": "1", "token": "curto"}, "csc.token"),
     ({"id": "1"}, "token"), ({"id": "1", "token": TOKEN, "extra": 1}, "extra")],
)
def test_invalid_csc_is_refused_with_its_field(api: Api, payload: dict[str, Any], field: str) -> None:
    created = _create(api)
    resp = api.client.put(f"/v1/emitters/{created['id']}/csc", json=payload, headers=api.h("t1", "admin"))
    assert resp.status_code in (400, 422), resp.text
    body = resp.json()
    assert body["field"] == field or any(e.get("field") == field for e in body["errors"]), body


def test_certificate_upload_goes_to_the_encrypted_store(api: Api, issued: IssuedCertificate) -> None:
    created = _create(api)
    path = f"/v1/emitters/{created['id']}/certificates"
    pfx = base64.b64encode(issued.to_pfx("senha-do-a1")).decode()
    resp = api.client.post(path, json={"pfx_base64": pfx, "senha": "senha-do-a1"}, headers=api.h("t1", "admin"))
    assert resp.status_code == 201, resp.text
    cert = resp.json()
    assert cert["ativo"] is True and cert["cnpj"] == CONFIG["cnpj"] and "senha" not in json.dumps(cert).replace(
        "senha-do-a1", "")  # the response carries metadata only
    listed = api.client.get(path, headers=api.h("t1", "auditor")).json()["items"]
    assert [c["id"] for c in listed] == [cert["id"]]
    from adapters.db.certificates_repo import SqlCertificateRepository
    from certificates.store import CertificateStore

    store = CertificateStore(SqlCertificateRepository(api.resources.db), api.resources.keyring)
    assert store.load_active(created["id"]).identity.cnpj == CONFIG["cnpj"]
    assert _audit(api)[-1]["action"] == "emitter.certificate.upload"


def test_certificate_errors_are_422_and_write_nothing(api: Api, issued: IssuedCertificate) -> None:
    created = _create(api)
    path = f"/v1/emitters/{created['id']}/certificates"
    before = len(_audit(api))
    pfx = base64.b64encode(issued.to_pfx("certa")).decode()
    wrong = api.client.post(path, json={"pfx_base64": pfx, "senha": "errada"}, headers=api.h("t1", "admin"))
    assert wrong.status_code == 422 and wrong.json()["code"].startswith("CERT_")
    junk = api.client.post(path, json={"pfx_base64": "@@@", "senha": "x"}, headers=api.h("t1", "admin"))
    assert junk.status_code == 422 and junk.json()["code"] == "CERT_BASE64_INVALIDO"
    other = make_test_a1(cnpj="11444777000161", now=datetime.now(UTC))[1]
    foreign = base64.b64encode(other.to_pfx("x")).decode()
    resp = api.client.post(path, json={"pfx_base64": foreign, "senha": "x"}, headers=api.h("t1", "admin"))
    assert resp.status_code == 422 and "CNPJ" in resp.json()["detail"]
    assert api.client.get(path, headers=api.h("t1", "admin")).json()["items"] == []
    assert len(_audit(api)) == before
    resp = api.client.post(path, json={"pfx_base64": pfx, "senha": "certa"}, headers=api.h("t1", "pdv"))
    assert resp.status_code == 403
