"""SP's NFC-e EPEC over HTTP (the real simulator, SQLite and PostgreSQL): SEFAZ-SP's NFC-e authorizer silent
and its EPEC switched on, POST /v1/nfce answers 201 with an NFC-e in EPEC (tpEmis 4, ``contingency``), the
modes show ``epec``, the EPEC is among its events, the DANFCE prints with the EPEC's protocol; then the
recovery worker (adapters.emission_worker) authorizes it and the history shows every step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.emission_worker import make_service, run_once
from tests.integration.api.test_documents import MASTER, DocsApi, docs  # noqa: F401
from tests.integration.danfe.pdftext import pdf_text
from tests.integration.emission.conftest import sim  # noqa: F401


@pytest.fixture
def epec_on(docs: DocsApi) -> Iterator[None]:  # noqa: F811
    docs.sim.running.app.sefaz.set_nfce_epec_active("SP", True)
    try:
        yield
    finally:
        docs.sim.running.app.sefaz.set_nfce_epec_active("SP", False)


def test_nfce_in_epec_over_http_then_authorized_by_the_worker(docs: DocsApi, epec_on: None) -> None:  # noqa: F811
    emitter_id = docs.emitters["t1"][0]
    put = docs.client.put("/v1/emission/deadline", headers=docs.h("t1", "admin"),
                          json={"emitter_id": emitter_id, "model": 65, "deadline_ms": 1000})
    assert put.status_code == 200
    docs.sim.fault(uf="SP", model=65, service="NFeAutorizacao4", kind="timeout", delay_s=3, count=1)
    r = docs.emit("nfce-epec-1")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["status"] == "contingency" and doc["tp_emis"] == 4 and doc["chave"][34] == "4", doc

    modes = docs.client.get("/v1/emission/modes", headers=docs.h("t1", "accountant")).json()["items"]
    assert [(m["model"], m["mode"]) for m in modes if m["emitter_id"] == emitter_id] == [(65, "epec")]
    [epec] = docs.client.get(f"/v1/documents/{doc['chave']}/events", headers=docs.h("t1", "pdv")).json()["items"]
    assert (epec["tp_evento"], epec["cstat"]) == ("110140", 136) and epec["protocol"]
    danfe = docs.client.get(f"/v1/documents/{doc['chave']}/danfe", headers=docs.h("t1", "pdv"))
    assert danfe.status_code == 200, danfe.text
    text = pdf_text(danfe.content)
    assert f"EPEC {epec['protocol']}" in text and "EMITIDA EM CONTINGÊNCIA" in text

    docs.sim.clear()
    env = {"ORTHO_MASTER_KEYS": MASTER, "ORTHO_SEFAZ_URL": docs.sim.url,
           "ORTHO_SEFAZ_TRUST_PEM": str(docs.sim.ca_pem_path), "ORTHO_EMISSION_GRACE_S": "0"}
    report = run_once(make_service(docs.resources.db, docs.resources.keyring, env))
    assert not report.failures, report

    final = docs.client.get(f"/v1/documents/{doc['chave']}", headers=docs.h("t1", "pdv")).json()
    assert final["status"] == "authorized" and final["chave"] == doc["chave"] and final["protocol"], final
    history = docs.client.get(f"/v1/documents/{doc['chave']}/history", headers=docs.h("t1", "auditor")).json()
    steps = [item["to"] for item in history["items"]]
    for step in ("sent", "no-answer", "signed", "evento-110140", "contingency", "authorized"):
        assert step in steps, steps
    assert steps.index("evento-110140") < steps.index("contingency") < steps.index("authorized")
    assert [(s["tp_emis"], s["resolution"]) for s in history["superseded"]] == [(1, "voided")]
    modes = docs.client.get("/v1/emission/modes", headers=docs.h("t1", "accountant")).json()["items"]
    assert [(m["model"], m["mode"]) for m in modes if m["emitter_id"] == emitter_id] == [(65, "normal")]
