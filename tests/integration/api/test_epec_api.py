"""EPEC over HTTP (the real simulator, SQLite and PostgreSQL): SEFAZ-SP and SVC-AN down, POST /v1/nfe answers
201 with an EPEC NF-e (tpEmis 4, ``contingency``), GET /v1/emission/modes shows ``epec``, the EPEC is among
the document's events with its procEventoNFe, and its DANFE prints (with the EPEC's protocol)."""

from __future__ import annotations

from tests.integration.api.test_documents import DocsApi, docs  # noqa: F401
from tests.integration.emission.conftest import sim  # noqa: F401

ORIGIN_SERVICES = ("NFeAutorizacao4", "NFeStatusServico4", "NFeConsultaProtocolo4")


def test_epec_nfe_over_http_with_its_mode_event_and_danfe(docs: DocsApi) -> None:  # noqa: F811
    for service in ORIGIN_SERVICES:
        docs.sim.fault(uf="SP", model=55, service=service, kind="cstat108")
    docs.sim.fault(uf="SVC-AN", model=55, kind="cstat108")
    r = docs.emit("nfe-epec-1", model=55)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["status"] == "contingency" and doc["tp_emis"] == 4 and doc["chave"][34] == "4", doc

    modes = docs.client.get("/v1/emission/modes", headers=docs.h("t1", "accountant")).json()["items"]
    emitter_id = docs.emitters["t1"][0]
    assert [(m["model"], m["mode"]) for m in modes if m["emitter_id"] == emitter_id] == [(55, "epec")]

    events = docs.client.get(f"/v1/documents/{doc['chave']}/events", headers=docs.h("t1", "pdv")).json()["items"]
    [epec] = events
    assert (epec["tp_evento"], epec["cstat"]) == ("110140", 136) and epec["protocol"] and epec["xml"]
    proc = docs.client.get(epec["xml"], headers=docs.h("t1", "pdv"))
    assert proc.status_code == 200 and b"procEventoNFe" in proc.content

    danfe = docs.client.get(f"/v1/documents/{doc['chave']}/danfe", headers=docs.h("t1", "pdv"))
    assert danfe.status_code == 200, danfe.text
    assert danfe.content.startswith(b"%PDF")
