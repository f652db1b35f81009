"""`make run` (``ortho-fiscal serve``): the PSP stand-in's payment callback reaches the service. The
demo service speaks plain HTTP on loopback, so the stand-in is started with its demo-only flag
(http:// webhook URLs on a loopback host) and cli/pix_standin.py registers our webhook there. A charge
created through the API, paid through the stand-in's control API, must become paid with no other step."""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.test_quickstart import DEMO_CNPJ, serve


def _control(data: Path, tmp: Path, psp_url: str) -> httpx.Client:
    """A client of the stand-in's control API (mTLS with a certificate of the shared test PKI)."""
    from simulator.pki import SimulatorPKI

    pki = SimulatorPKI.load_or_create(data / "simulator" / "pki")
    issued = pki.issue_client(DEMO_CNPJ)
    cert, key = tmp / "control.pem", tmp / "control.key"
    cert.write_bytes(issued.cert_pem(with_chain=True))
    key.write_bytes(issued.key_pem())
    ctx = ssl.create_default_context(cafile=str(pki.ca_pem_path))
    ctx.load_cert_chain(str(cert), str(key))
    return httpx.Client(base_url=psp_url, verify=ctx, timeout=15)


def test_a_charge_paid_at_the_standin_becomes_paid_through_its_callback(tmp_path: Path) -> None:
    served = serve(tmp_path)
    try:
        pdv = served.field(r"chave pdv:\s+(ofk_\S+)")
        emitter_id = served.field(r"emitente: (\S+)")
        psp_url = served.field(r"PSP simulado \(API Pix, perfil bb, sandbox\): (https://\S+)")
        with httpx.Client(base_url=served.base, headers={"Authorization": f"Bearer {pdv}"}, timeout=30) as api:
            created = api.post("/v1/pix/charges",
                               json={"emitter_id": emitter_id, "valor": "12.34", "ref": "e2e-pix-1"})
            assert created.status_code == 201, created.text
            txid = created.json()["txid"]
            assert created.json()["status"] == "pending"

            with _control(served.data, tmp_path, psp_url) as control:
                paid = control.post("/_control/pay", json={"txid": txid})
                assert paid.status_code == 200, paid.text
                delivery = paid.json()["delivery"]
            # The stand-in delivered the callback to our loopback webhook and we answered it at once.
            assert delivery is not None, "no webhook registered at the stand-in"
            assert delivery["url"].startswith(served.base + "/v1/pix/webhook/"), delivery
            assert delivery["auth"] == "hmac" and delivery["status"] == 200, delivery

            # Confirmed with the PSP (GET /pix/{e2eid}) before it counts: poll until it is paid.
            charge = _wait_paid(api, txid)
        assert charge["status"] == "paid", charge
        assert charge["recebido"] == "12.34"
    finally:
        log = served.stop()
    assert "Traceback" not in log, log


def _wait_paid(api: httpx.Client, txid: str) -> dict[str, Any]:
    deadline, charge = time.monotonic() + 30, {}
    while time.monotonic() < deadline:
        charge = dict(api.get(f"/v1/pix/charges/{txid}").json())
        if charge["status"] == "paid":
            break
        time.sleep(0.3)
    return charge
