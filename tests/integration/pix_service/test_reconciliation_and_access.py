"""Statements through the API (idempotent, all or nothing, the report's classes), roles, tenant
isolation and bad input (never a 5xx); on both databases."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta

from sqlalchemy import func, select

from adapters.db.schema import outbox, reconciliation_line, reconciliation_statement
from engine.events.catalogue import EventType, validate
from states import uf

from .conftest import HMAC_SECRET, Service

UNEXPECTED_E2E = "E00000000202612041200abcdefghijk"


def _today() -> str:
    return datetime.now(uf("SP").zoneinfo()).date().isoformat()


def _period() -> dict[str, str]:
    today = datetime.fromisoformat(_today())
    return {"from": (today - timedelta(days=1)).date().isoformat(),
            "to": (today + timedelta(days=1)).date().isoformat()}


def _count(service: Service, table: object) -> int:
    with service.resources.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_statement_import_is_idempotent_and_the_report_classifies(service: Service) -> None:
    service.configure_psp()
    service.register_webhook()
    paid = service.charge("120.00")
    service.charge("33.00")  # never paid: missing
    pix = service.psp.pay(paid["txid"])["pix"]
    assert service.wait_charge(paid["txid"], "paid")["status"] == "paid"
    other = {"endToEndId": UNEXPECTED_E2E, "valor": "9.99", "horario": pix["horario"]}
    statement = json.dumps({"pix": [pix, other]}).encode()
    h = {**service.h("t1", "accountant"), "Content-Type": "application/json"}
    first = service.http.post("/v1/reconciliation/statements?filename=pix.json", content=statement, headers=h)
    assert first.status_code == 201, first.text
    assert first.json()["novas"] == 2 and first.json()["formato"] == "pix-json"
    again = service.http.post("/v1/reconciliation/statements", content=statement, headers=h)
    assert again.json()["arquivo_ja_importado"] is True and again.json()["novas"] == 0
    assert _count(service, reconciliation_line) == 2 and _count(service, reconciliation_statement) == 1

    report = service.http.get("/v1/reconciliation", params=_period(), headers=service.h("t1", "admin"))
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["resumo"]["contagem"]["matched"] == 1
    assert body["resumo"]["contagem"]["unexpected"] == 1
    assert body["resumo"]["contagem"]["missing"] == 1
    matched = next(i for i in body["itens"] if i["classe"] == "matched")
    assert matched["cobranca_id"] == paid["txid"]
    csv = service.http.get("/v1/reconciliation", params={**_period(), "formato": "csv"},
                           headers=service.h("t1", "accountant"))
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("classe") and len(csv.text.splitlines()) == 4
    with service.resources.db.read() as conn:
        events = conn.execute(select(outbox.c.payload).where(outbox.c.topic == "reconciliation.completed")).all()
    assert len(events) == 1  # the CSV of the same result did not announce it twice
    data = json.loads(events[0].payload)["data"]
    assert validate(EventType.RECONCILIATION_COMPLETED, data) == [] and data["matched"] == 1


def test_a_bad_statement_names_the_line_and_stores_nothing(service: Service) -> None:
    good = {"endToEndId": UNEXPECTED_E2E, "valor": "1.00", "horario": "2026-12-04T12:00:00Z"}
    bad = {"endToEndId": UNEXPECTED_E2E.replace("E0", "E1"), "valor": "1,00", "horario": "2026-12-04T12:00:00Z"}
    r = service.http.post("/v1/reconciliation/statements", content=json.dumps({"pix": [good, bad]}).encode(),
                          headers=service.h("t1", "accountant"))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "CONCILIACAO_ARQUIVO_INVALIDO" and "valor" in problem["detail"]
    assert _count(service, reconciliation_line) == 0 and _count(service, reconciliation_statement) == 0
    for content in (b"", b"isto nao e um extrato", b"\xff\xfe\x00garbage", b"{\"pix\": 5}"):
        r = service.http.post("/v1/reconciliation/statements", content=content, headers=service.h("t1", "admin"))
        assert r.status_code == 422, (content, r.text)
    for params in ({}, {"from": "ontem", "to": "2026-12-04"}, {"from": "2026-12-05", "to": "2026-12-04"},
                   {"from": "2020-01-01", "to": "2026-12-04"}):
        r = service.http.get("/v1/reconciliation", params=params, headers=service.h("t1", "admin"))
        assert r.status_code == 422, (params, r.text)


def test_roles_and_tenants(service: Service) -> None:
    service.configure_psp()
    charge = service.charge("10.00")
    e1 = service.emitters["t1"]
    assert service.http.put(f"/v1/emitters/{e1}/pix/psp", json={}, headers=service.h("t1", "pdv")).status_code == 403
    assert service.http.post("/v1/pix/charges", json={"emitter_id": e1, "valor": "1.00"},
                             headers=service.h("t1", "accountant")).status_code == 403
    assert service.http.get("/v1/reconciliation", params=_period(), headers=service.h("t1", "pdv")).status_code == 403
    assert service.http.post("/v1/reconciliation/statements", content=b"{}",
                             headers=service.h("t1", "auditor")).status_code == 403
    assert service.http.get(f"/v1/pix/charges/{charge['txid']}").status_code == 401
    accountant = service.h("t1", "accountant")
    assert service.http.get(f"/v1/pix/charges/{charge['txid']}", headers=accountant).status_code == 200
    # Another tenant sees none of it and cannot charge on this emitter.
    assert service.http.get(f"/v1/pix/charges/{charge['txid']}", headers=service.h("t2", "pdv")).status_code == 404
    assert service.http.get(f"/v1/emitters/{e1}/pix/psp", headers=service.h("t2", "admin")).status_code == 404
    r = service.http.post("/v1/pix/charges", json={"emitter_id": e1, "valor": "1.00"}, headers=service.h("t2", "pdv"))
    assert r.status_code == 404
    # t2's emitter has no PSP account yet.
    r = service.http.post("/v1/pix/charges", json={"emitter_id": service.emitters["t2"], "valor": "1.00"},
                          headers=service.h("t2", "pdv"))
    assert r.status_code == 409 and r.json()["code"] == "PIX_CONTA_NAO_CONFIGURADA"


def test_bad_input_is_a_4xx_in_portuguese(service: Service) -> None:
    account = service.configure_psp()
    e1 = service.emitters["t1"]
    pdv = service.h("t1", "pdv")
    for body in ({"emitter_id": e1, "valor": "abc"}, {"emitter_id": e1, "valor": "0.00"},
                 {"emitter_id": e1, "valor": "1.00", "chave_acesso": "123"},
                 {"emitter_id": e1, "valor": "1.00", "devedor": {"nome": "X", "cpf": "1"}},
                 {"emitter_id": e1, "valor": "1.00", "expiracao": -5}):
        r = service.http.post("/v1/pix/charges", json=body, headers=pdv)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"]
    bad_shapes: tuple[object, ...] = ({"valor": "1.00"}, {"emitter_id": e1, "valor": "1.00", "extra": 1}, [1, 2])
    for shape in bad_shapes:
        assert service.http.post("/v1/pix/charges", json=shape, headers=pdv).status_code == 400
    assert service.http.post("/v1/pix/charges", content=b"{", headers=pdv).status_code == 400
    assert service.http.get("/v1/pix/charges/%3Cscript%3E", headers=pdv).status_code == 404
    assert service.http.get("/v1/pix/charges/" + "a" * 32, headers=pdv).status_code == 404
    admin = service.h("t1", "admin")
    for body in ({"psp": "banco-x", "chave": "k", "client_id": "c", "client_secret": "s"},
                 {"psp": "bb", "chave": "k", "client_id": "c", "client_secret": "s", "pfx_base64": "***"},
                 {"psp": "bb", "chave": "k", "client_id": "c", "client_secret": "s"},  # production bb needs mTLS
                 {"psp": "bb", "chave": "k", "client_id": "c", "client_secret": "s", "ambiente": "teste"},
                 {"psp": "itau", "chave": "k", "client_id": "c", "client_secret": "s", "ambiente": "sandbox",
                  "webhook_auth": "hmac", "pfx_base64": "AA=="},
                 {"psp": "bb", "chave": "k", "client_id": "c", "client_secret": "s", "ambiente": "sandbox",
                  "pfx_base64": "AA==", "base_url": "http://127.0.0.1/x", "token_url": "http://127.0.0.1/t"}):
        r = service.http.put(f"/v1/emitters/{e1}/pix/psp", json=body, headers=admin)
        assert r.status_code == 422, (body, r.text)
    # The webhook: non-JSON (correctly signed) is accepted and marked invalid; never a 5xx.
    raw = b"nao e json"
    sig = "sha256=" + hmac.new(HMAC_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    r = service.http.post(account["webhook_path"], content=raw, headers={"X-Pix-Signature": sig})
    assert r.status_code == 200
    (item,) = service.wait_notifications_settled(1)
    assert item["status"] == "invalid" and "JSON" in item["erro"]
    assert service.http.post(account["webhook_path"], content=raw).status_code == 401
    assert service.http.post("/v1/pix/webhook/curto", content=raw).status_code == 404
    assert service.http.post(account["webhook_path"], content=b"x" * (600 * 1024),
                             headers={"X-Pix-Signature": sig}).status_code == 413


def test_mtls_webhook_needs_the_verifying_proxy(service: Service) -> None:
    account = service.configure_psp(webhook_auth="mtls", hmac_secret=None)
    pix = {"pix": [{"endToEndId": UNEXPECTED_E2E, "valor": "1.00", "horario": "2026-12-04T12:00:00Z"}]}
    r = service.http.post(account["webhook_path"], json=pix,
                          headers={"X-SSL-Client-Verify": "SUCCESS", "X-SSL-Client-Cert": "-----BEGIN"})
    # ORTHO_PIX_MTLS_PROXY is not set: headers from outside are never trusted.
    assert r.status_code == 401 and r.json()["code"] == "PIX_WEBHOOK_MTLS"
    assert service.notifications() == []


def test_mtls_webhook_behind_the_verifying_proxy_is_accepted(service: Service) -> None:
    account = service.configure_psp(webhook_auth="mtls", hmac_secret=None)
    charge = service.charge("60.00")
    pix = service.psp.pay(charge["txid"], notify=False)["pix"]
    env = service.resources.settings.env
    assert isinstance(env, dict)
    env["ORTHO_PIX_MTLS_PROXY"] = "1"  # the operator's setting when nginx verifies the PSP's certificate
    proxied = {"X-SSL-Client-Verify": "SUCCESS", "X-SSL-Client-Cert": "-----BEGIN%20CERTIFICATE-----"}
    failed = {**proxied, "X-SSL-Client-Verify": "FAILED:unable to verify"}
    assert service.http.post(account["webhook_path"], json={"pix": [pix]}, headers=failed).status_code == 401
    assert service.http.post(account["webhook_path"] + "/pix", json={"pix": [pix]}, headers=proxied).status_code == 200
    assert service.wait_charge(charge["txid"], "paid")["status"] == "paid"
