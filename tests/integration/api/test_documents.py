"""The document endpoints over HTTP (Litestar TestClient: lifespan, migrations, middleware, guards)
against the REAL simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.db import audit
from adapters.db.apikeys import Role, create_tenant, issue_key
from adapters.db.certificates_repo import SqlCertificateRepository
from adapters.db.emitters import create_emitter
from api.app import create_app
from api.context import Resources
from api.settings import Settings
from certificates.store import CertificateStore
from engine.nfe.build.emitter import parse_emitente
from tests.integration.emission.conftest import Sim, emitente_config, new_cnpj, sale, sim  # noqa: F401

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()


@dataclass
class DocsApi:
    client: TestClient  # type: ignore[type-arg]
    keys: dict[tuple[str, str], str]
    emitters: dict[str, tuple[str, str]]  # tenant -> (emitter id, cnpj)
    resources: Resources
    sim: Sim

    def h(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[(tenant, role)]}"}

    def emit(self, ref: str, *, tenant: str = "t1", model: int = 65, role: str = "pdv", **changes: Any) -> Any:
        data = sale(model, **changes)
        data["ref"] = ref
        return self.client.post("/v1/nfce" if model == 65 else "/v1/nfe", content=json.dumps(data, default=str),
                                headers={**self.h(tenant, role), "Content-Type": "application/json"})


@pytest.fixture
def docs(database_url: str, tmp_path: Path, sim: Sim) -> Iterator[DocsApi]:  # noqa: F811
    sim.clear()
    settings = Settings(
        data_dir=str(tmp_path / "data"), database_url=database_url, max_body_bytes=256 * 1024,
        env={"ORTHO_MASTER_KEYS": MASTER, "ORTHO_SEFAZ_URL": sim.url, "ORTHO_SEFAZ_TRUST_PEM": sim.ca_pem_path},
    )
    app = create_app(settings)
    with TestClient(app=app) as client:
        resources: Resources = app.state.resources
        now = datetime.now(UTC)
        keys: dict[tuple[str, str], str] = {}
        emitters: dict[str, tuple[str, str]] = {}
        with resources.db.write() as conn:
            for t in ("t1", "t2"):
                create_tenant(conn, t, f"Clínica {t}", now=now)
                for role in Role:
                    keys[(t, role.value)] = issue_key(conn, t, role, now=now).key
                keys[(t, "pdv2")] = issue_key(conn, t, Role.PDV, now=now).key
                cnpj = new_cnpj()
                rec = create_emitter(conn, tenant_id=t, emitente=parse_emitente(emitente_config(cnpj)),
                                     keyring=resources.keyring, now=now)
                emitters[t] = (rec.id, cnpj)
        for eid, cnpj in emitters.values():
            pfx, password = sim.running.client_pfx(cnpj)
            CertificateStore(SqlCertificateRepository(resources.db), resources.keyring).put(
                eid, pfx, password, now=now, emitter_cnpj=cnpj)
        yield DocsApi(client, keys, emitters, resources, sim)
    sim.clear()


def test_pdv_emits_an_nfce_downloads_xml_and_danfe_and_a_replay_returns_the_same(docs: DocsApi) -> None:
    r = docs.emit("caixa1-0001")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["status"] == "authorized" and doc["cstat"] == 100 and doc["number"] == 1 and doc["protocol"]
    assert doc["links"]["xml"] == f"/v1/documents/{doc['chave']}/xml"
    again = docs.emit("caixa1-0001")
    assert again.status_code == 200 and again.json()["id"] == doc["id"]
    by_ref = docs.client.get("/v1/documents/caixa1-0001", headers=docs.h("t1", "pdv"))
    by_chave = docs.client.get(f"/v1/documents/{doc['chave']}", headers=docs.h("t1", "accountant"))
    assert by_ref.json()["chave"] == by_chave.json()["chave"] == doc["chave"]
    xml = docs.client.get(doc["links"]["xml"], headers=docs.h("t1", "pdv"))
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert b"<nfeProc" in xml.content[:100] and doc["protocol"].encode() in xml.content
    pdf = docs.client.get(doc["links"]["danfe"], headers=docs.h("t1", "pdv"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    history = docs.client.get(doc["links"]["history"], headers=docs.h("t1", "auditor"))
    assert [i["to"] for i in history.json()["items"]] == ["received", "numbered", "signed", "sent", "authorized"]
    assert docs.client.get(doc["links"]["history"], headers=docs.h("t1", "pdv")).status_code == 403
    audit = docs.client.get("/v1/audit", params={"action": "document.emit"}, headers=docs.h("t1", "auditor"))
    assert [e["target"] for e in audit.json()["items"]] == [f"document/{doc['id']}"]  # one entry, not two


def test_tenant_isolation_and_read_own(docs: DocsApi) -> None:
    doc = docs.emit("iso-1").json()
    for role in ("pdv", "accountant", "auditor"):
        assert docs.client.get(f"/v1/documents/{doc['chave']}", headers=docs.h("t2", role)).status_code == 404
        assert docs.client.get(doc["links"]["xml"], headers=docs.h("t2", role)).status_code in (403, 404)
    assert docs.client.get("/v1/documents", headers=docs.h("t2", "accountant")).json()["items"] == []
    # Another PDV key of the same tenant does not read what this one issued (read-own)...
    assert docs.client.get(f"/v1/documents/{doc['chave']}", headers=docs.h("t1", "pdv2")).status_code == 404
    assert docs.client.get("/v1/documents", headers=docs.h("t1", "pdv2")).json()["items"] == []
    # ... and cannot cancel it; t2 cannot either.
    body = {"justificativa": "Venda desfeita a pedido do paciente"}
    assert docs.client.post(f"/v1/documents/{doc['chave']}/cancel", json=body,
                            headers=docs.h("t1", "pdv2")).status_code == 404
    assert docs.client.post(f"/v1/documents/{doc['chave']}/cancel", json=body,
                            headers=docs.h("t2", "pdv")).status_code == 404
    # The same ref in another tenant is another document.
    other = docs.emit("iso-1", tenant="t2")
    assert other.status_code == 201 and other.json()["id"] != doc["id"]


def test_bad_input_gets_4xx_problem_json_and_takes_no_number(docs: DocsApi) -> None:
    h = {**docs.h("t1", "pdv"), "Content-Type": "application/json"}
    cases = [
        (docs.client.post("/v1/nfce", content=b"{not json", headers=h), 400),
        (docs.client.post("/v1/nfce", content=b"[1, 2]", headers=h), 400),
        (docs.client.post("/v1/nfce", content=json.dumps(sale(65), default=str), headers=h), 422),  # no ref
        (docs.emit("bad-ncm", itens=[{"codigo": "X", "descricao": "Y", "ncm": "123", "quantidade": 1,
                                      "valor_unitario": 1}], pagamentos=[{"forma": "01", "valor": 1}]), 422),
        (docs.emit("bad-field", campo_inventado=1), 422),
        (docs.emit("bad-number", numero=9), 422),
        (docs.emit("bad-model", model=55, modelo=65), 422),
        (docs.emit("wrong-role", role="accountant"), 403),
        (docs.emit("wrong-role", role="admin"), 403),
        (docs.client.post("/v1/nfce", content=b"{}", headers={"Content-Type": "application/json"}), 401),
        (docs.client.get("/v1/documents/desconhecida", headers=docs.h("t1", "pdv")), 404),
        (docs.client.get("/v1/documents", params={"cursor": "@@@"}, headers=docs.h("t1", "accountant")), 400),
        (docs.client.get("/v1/documents", params={"since": "2026-01-01T00:00:00"},
                         headers=docs.h("t1", "accountant")), 400),
        (docs.client.get("/v1/sefaz/status", params={"uf": "XX"}, headers=docs.h("t1", "pdv")), 422),
    ]
    for response, expected in cases:
        assert response.status_code == expected, (expected, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"]
    ncm = cases[3][0].json()
    assert any("ncm" in e.get("field", "") for e in ncm["errors"])
    first = docs.emit("good-after-bad")
    assert first.status_code == 201 and first.json()["number"] == 1  # nothing half-written, no number lost


def test_emission_checks_the_key_before_the_body(docs: DocsApi) -> None:
    # The emission routes check the key as a before_request hook (not a Litestar guard): still before the
    # body is parsed, so a caller without a valid key or without document:emit learns nothing about its body.
    json_ct = {"Content-Type": "application/json"}
    for path in ("/v1/nfce", "/v1/nfe"):
        cases = [
            ({}, b"{not json", 401, "NAO_AUTENTICADO"),
            ({"Authorization": "Bearer ofk_nao_existe"}, b"[1, 2]", 401, "NAO_AUTENTICADO"),
            ({"Authorization": "Basic abc"}, b"{}", 401, "NAO_AUTENTICADO"),
            (docs.h("t1", "accountant"), b"{not json", 403, "ACESSO_NEGADO"),
            (docs.h("t1", "pdv"), b"{not json", 400, "JSON_INVALIDO"),
            (docs.h("t1", "pdv"), b"", 400, "CORPO_AUSENTE"),
        ]
        for headers, body, status, code in cases:
            r = docs.client.post(path, content=body, headers={**headers, **json_ct, "X-Request-ID": "pdv-42.a"})
            assert (r.status_code, r.json()["code"]) == (status, code), (path, headers, body, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.headers["x-request-id"] == r.json()["request_id"] == "pdv-42.a"
    # X-API-Key works as well as Authorization: Bearer.
    key = docs.h("t1", "pdv")["Authorization"].removeprefix("Bearer ")
    r = docs.client.post("/v1/nfce", content=b"{}", headers={"X-API-Key": key, **json_ct})
    assert (r.status_code, r.json()["code"]) == (422, "REF_INVALIDA") and len(r.headers["x-request-id"]) == 32


def test_cancel_cce_events_and_inutilizacao(docs: DocsApi) -> None:
    nfce = docs.emit("ev-1").json()
    r = docs.client.post(f"/v1/documents/{nfce['chave']}/cancel", headers=docs.h("t1", "pdv"),
                         json={"justificativa": "Venda desfeita a pedido do paciente"})
    assert r.status_code == 200, r.text
    assert r.json()["document"]["status"] == "cancelled" and r.json()["event"]["cstat"] == 135
    events = docs.client.get(f"/v1/documents/{nfce['chave']}/events", headers=docs.h("t1", "accountant")).json()
    [event] = events["items"]
    proc = docs.client.get(event["xml"], headers=docs.h("t1", "accountant"))
    assert proc.status_code == 200 and b"<procEventoNFe" in proc.content[:100]
    again = docs.client.post(f"/v1/documents/{nfce['chave']}/cancel", headers=docs.h("t1", "pdv"),
                             json={"justificativa": "Venda desfeita a pedido do paciente"})
    assert again.status_code == 409
    short = docs.client.post(f"/v1/documents/{nfce['chave']}/cancel", headers=docs.h("t1", "pdv"),
                             json={"justificativa": "curta"})
    assert short.status_code == 422 and short.json()["cstat"] == "225"

    nfe = docs.emit("nfe-1", model=55).json()
    assert nfe["status"] == "authorized", nfe
    cce = docs.client.post(f"/v1/documents/{nfe['chave']}/cce", headers=docs.h("t1", "pdv"),
                           json={"correcao": "Correcao do endereco de entrega do paciente"})
    assert cce.status_code == 200 and cce.json()["event"]["n_seq_evento"] == 1
    nfce_cce = docs.client.post(f"/v1/documents/{nfce['chave']}/cce", headers=docs.h("t1", "pdv"),
                                json={"correcao": "Correcao do endereco de entrega do paciente"})
    assert nfce_cce.status_code == 409  # cancelled (and an NFC-e has no CC-e)

    inut = docs.client.post("/v1/inutilizacoes", headers=docs.h("t1", "pdv"), json={
        "modelo": 65, "serie": 1, "numero_inicial": 20, "numero_final": 21,
        "justificativa": "Numeracao pulada por falha no sistema do PDV"})
    assert inut.status_code == 201, inut.text
    assert inut.json()["homologada"] is True
    xml = docs.client.get(inut.json()["xml"], headers=docs.h("t1", "accountant"))
    assert xml.status_code == 200 and b"<ProcInutNFe" in xml.content[:100]
    used = docs.client.post("/v1/inutilizacoes", headers=docs.h("t1", "pdv"), json={
        "modelo": 65, "serie": 1, "numero_inicial": 1, "numero_final": 1,
        "justificativa": "Numeracao pulada por falha no sistema do PDV"})
    assert used.status_code == 409 and used.json()["cstat"] == "241"

    # Each change was audited by the pipeline's own transaction (one entry per request, the outcome in
    # its details) and the hash chain is intact.
    entries = docs.client.get("/v1/audit", params={"limit": 50}, headers=docs.h("t1", "auditor")).json()["items"]
    by_action = {(e["action"], e["target"]): e["details"] for e in entries}
    assert by_action[("document.emit", f"document/{nfce['id']}")] == {
        "role": "pdv", "method": "POST", "path": "/v1/nfce", "ref": "ev-1", "model": 65, "number": nfce["number"],
        "status": "authorized"}
    assert by_action[("document.cancel", f"document/{nfce['id']}")] == {
        "role": "pdv", "method": "POST", "path": f"/v1/documents/{nfce['chave']}/cancel", "tp_evento": "110111",
        "cstat": 135}
    assert by_action[("document.cce", f"document/{nfe['id']}")]["tp_evento"] == "110110"
    [inut_details] = [d for (action, _), d in by_action.items() if action == "document.inutilizacao"]
    assert (inut_details["n_ini"], inut_details["n_fin"], inut_details["cstat"]) == (20, 21, 102)
    assert [e["action"] for e in entries].count("document.cancel") == 1  # the refused second cancel: none
    with docs.resources.db.read() as conn:
        checked, findings = audit.verify(conn)
    assert checked >= 5 and findings == []


def test_list_filters_and_cursor_pagination(docs: DocsApi) -> None:
    chaves = [docs.emit(f"list-{i}").json()["chave"] for i in range(3)]
    docs.emit("list-nfe", model=55)
    h = docs.h("t1", "accountant")
    page1 = docs.client.get("/v1/documents", params={"model": 65, "limit": 2}, headers=h).json()
    assert [d["chave"] for d in page1["items"]] == chaves[:2] and page1["next_cursor"]
    page2 = docs.client.get("/v1/documents", params={"model": 65, "limit": 2, "cursor": page1["next_cursor"]},
                            headers=h).json()
    assert [d["chave"] for d in page2["items"]] == chaves[2:] and page2["next_cursor"] is None
    ranged = docs.client.get("/v1/documents", params={"number_from": 2, "number_to": 3, "model": 65},
                             headers=h).json()
    assert [d["number"] for d in ranged["items"]] == [2, 3]
    emitter_id = docs.emitters["t1"][0]
    by_status = docs.client.get("/v1/documents", params={"status": "authorized", "emitter_id": emitter_id,
                                                         "series": 1}, headers=h).json()
    assert len(by_status["items"]) == 4
    assert docs.client.get("/v1/documents", params={"status": "cancelled"}, headers=h).json()["items"] == []
    future = docs.client.get("/v1/documents", params={"since": "2999-01-01T00:00:00+00:00"}, headers=h).json()
    assert future["items"] == []


def test_sefaz_status_modes_and_deadline(docs: DocsApi) -> None:
    st = docs.client.get("/v1/sefaz/status", params={"model": 65}, headers=docs.h("t1", "pdv"))
    assert st.status_code == 200 and st.json()["cstat"] == "107" and st.json()["mode"]["mode"] == "normal"
    emitter_id = docs.emitters["t1"][0]
    put = docs.client.put("/v1/emission/deadline", headers=docs.h("t1", "admin"),
                          json={"emitter_id": emitter_id, "model": 65, "deadline_ms": 1000})
    assert put.status_code == 200 and put.json()["deadline_ms"] == 1000
    assert docs.client.put("/v1/emission/deadline", headers=docs.h("t1", "pdv"),
                           json={"emitter_id": emitter_id, "model": 65, "deadline_ms": 1000}).status_code == 403
    assert docs.client.put("/v1/emission/deadline", headers=docs.h("t2", "admin"),
                           json={"emitter_id": emitter_id, "model": 65, "deadline_ms": 1000}).status_code == 404
    docs.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)
    off = docs.emit("off-api-1")
    assert off.status_code == 201 and off.json()["status"] == "contingency" and off.json()["tp_emis"] == 9
    pdf = docs.client.get(off.json()["links"]["danfe"], headers=docs.h("t1", "pdv"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    modes = docs.client.get("/v1/emission/modes", headers=docs.h("t1", "auditor")).json()["items"]
    assert [(m["model"], m["mode"], m["deadline_ms"]) for m in modes] == [(65, "offline", 1000)]
    assert docs.client.get("/v1/emission/modes", headers=docs.h("t2", "auditor")).json()["items"] == []


def test_rejected_document_is_corrected_over_http_under_the_same_number(docs: DocsApi) -> None:
    docs.sim.control("POST", "/_control/clock", {"offset_seconds": -900})  # dhEmi 15 min ahead of SEFAZ: 703
    try:
        rejected = docs.emit("rej-http-1")
    finally:
        docs.sim.control("POST", "/_control/clock", {"offset_seconds": 0})
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
    assert rejected.json()["cstat"] == 703 and rejected.json()["xmotivo"]
    assert docs.client.get("/v1/documents/rej-http-1/danfe", headers=docs.h("t1", "pdv")).status_code == 409
    data = sale(65)
    data["ref"] = "rej-http-1"
    fixed = docs.client.post("/v1/documents/rej-http-1/correct", content=json.dumps(data, default=str),
                             headers={**docs.h("t1", "pdv"), "Content-Type": "application/json"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["status"] == "authorized" and fixed.json()["number"] == rejected.json()["number"]
    assert fixed.json()["chave"] != rejected.json()["chave"]
    history = docs.client.get("/v1/documents/rej-http-1/history", headers=docs.h("t1", "auditor")).json()
    assert [s["chave"] for s in history["superseded"]] == [rejected.json()["chave"]]
    # The correction is audited once, by the transaction that committed its outcome.
    entries = docs.client.get("/v1/audit", params={"action": "document.correct"},
                              headers=docs.h("t1", "auditor")).json()["items"]
    assert [(e["target"], e["details"]["status"], e["details"]["number"]) for e in entries] == [
        (f"document/{fixed.json()['id']}", "authorized", rejected.json()["number"])]
    again = docs.client.post("/v1/documents/rej-http-1/correct", content=json.dumps(data, default=str),
                             headers={**docs.h("t1", "pdv"), "Content-Type": "application/json"})
    assert again.status_code == 409
    bad = docs.client.put("/v1/emission/deadline", headers=docs.h("t1", "admin"),
                          json={"emitter_id": docs.emitters["t1"][0], "model": 65, "deadline_ms": 10})
    assert bad.status_code == 422 and bad.json()["field"] == "deadline_ms"
