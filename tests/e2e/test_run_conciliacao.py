"""`ortho-fiscal serve` end to end for the Conciliação Financeira (evento 110750): an NFC-e authorized by
the SEFAZ simulator, a Pix charge linked to it paid through the PSP stand-in (its callback confirms
it), the PSP's received-pix list imported as a statement, then POST /v1/reconciliation/conciliacao sends
the ECONF for the matched item (135 from the simulator), skips it when asked again, and skips the
matched item whose charge links no document."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.test_quickstart import _quickstart_sale, serve
from tests.e2e.test_run_pix_callbacks import _control


def _paid(api: httpx.Client, txid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        charge: dict[str, Any] = api.get(f"/v1/pix/charges/{txid}").json()
        if charge["status"] == "paid" or time.monotonic() > deadline:
            return charge
        time.sleep(0.3)


def test_conciliacao_financeira_of_the_reconciled_sale(tmp_path: Path) -> None:
    served = serve(tmp_path)
    try:
        pdv_key, admin_key = served.field(r"chave pdv:\s+(ofk_\S+)"), served.field(r"chave admin:\s+(ofk_\S+)")
        pdv_h, admin_h = {"Authorization": f"Bearer {pdv_key}"}, {"Authorization": f"Bearer {admin_key}"}
        emitter_id = served.field(r"emitente: (\S+)")
        psp_url = served.field(r"PSP simulado \(API Pix, perfil bb, sandbox\): (https://\S+)")
        with httpx.Client(base_url=served.base, timeout=60) as api:
            sale = {**_quickstart_sale(), "ref": "venda-econf"}
            doc = api.post("/v1/nfce", json=sale, headers=pdv_h)
            assert doc.status_code == 201 and doc.json()["status"] == "authorized", doc.text
            chave = doc.json()["chave"]

            linked = api.post("/v1/pix/charges", headers=pdv_h, json={
                "emitter_id": emitter_id, "valor": "30.00", "ref": "cob-econf", "document_ref": "venda-econf"})
            loose = api.post("/v1/pix/charges", headers=pdv_h, json={
                "emitter_id": emitter_id, "valor": "7.50", "ref": "cob-solta"})
            assert linked.status_code == 201 and loose.status_code == 201, (linked.text, loose.text)
            pix = []
            with _control(served.data, tmp_path, psp_url) as control:
                for charge in (linked.json(), loose.json()):
                    paid = control.post("/_control/pay", json={"txid": charge["txid"]})
                    assert paid.status_code == 200, paid.text
                    pix.append(paid.json()["pix"])
            api.headers.update(pdv_h)
            for p in pix:
                assert _paid(api, p["txid"])["status"] == "paid"
            api.headers.update(admin_h)

            # The PSP's received-pix list (GET /pix, schema PixConsultados) as the bank statement.
            statement = json.dumps({"pix": pix}).encode()
            imported = api.post("/v1/reconciliation/statements?formato=pix-json", content=statement)
            assert imported.status_code == 201 and imported.json()["novas"] == 2, imported.text

            today = datetime.now(UTC).date()
            period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
            refused = api.post("/v1/reconciliation/conciliacao", json=period, headers=pdv_h)
            assert refused.status_code == 403, refused.text

            first = api.post("/v1/reconciliation/conciliacao", json=period)
            assert first.status_code == 200, first.text
            out = first.json()
            assert out["rejected"] == [], out
            assert len(out["sent"]) == 1, out
            sent = out["sent"][0]
            assert sent["chave"] == chave and sent["cstat"] == 135 and sent["n_seq_evento"] == 1
            assert sent["end_to_end_id"] == pix[0]["endToEndId"] and sent["valor"] == "30.00"
            assert sent["protocol"] and len(sent["protocol"]) == 15
            assert [s["txid"] for s in out["skipped"]] == [pix[1]["txid"]]
            assert out["skipped"][0]["motivo"] == "cobrança sem documento fiscal vinculado"

            # Stored as a fiscal event of the document, with the procEventoNFe SEFAZ registered.
            events = api.get(f"/v1/documents/{chave}/events", headers=pdv_h).json()["items"]
            econf = [e for e in events if e["tp_evento"] == "110750"]
            assert len(econf) == 1 and econf[0]["protocol"] == sent["protocol"] and econf[0]["cstat"] == 135
            proc = api.get(econf[0]["xml"], headers=pdv_h).content
            assert b"procEventoNFe" in proc and f"<cAut>{pix[0]['endToEndId']}</cAut>".encode() in proc
            assert b"<tPag>17</tPag>" in proc and b"<vPag>30.00</vPag>" in proc

            again = api.post("/v1/reconciliation/conciliacao", json=period).json()
            assert again["sent"] == [] and again["rejected"] == [], again
            skipped = {s["txid"]: s["motivo"] for s in again["skipped"]}
            assert skipped[pix[0]["txid"]] == "pagamento já conciliado (evento 110750 registrado)"

            bad = api.post("/v1/reconciliation/conciliacao", json={"from": "2026-13-01", "to": "2026-12-01"})
            assert bad.status_code == 422 and bad.json()["field"] == "from", bad.text
    finally:
        log = served.stop()
    assert "Traceback" not in log, log
