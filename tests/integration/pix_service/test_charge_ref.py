"""Pix charge creation is idempotent by the client's optional ``ref``: the same ref returns the same
charge (200) and never creates a second cob at the PSP, even with concurrent retries; another amount
or emitter under a used ref is a 409; without a ref every request is a new charge. On both databases."""

from __future__ import annotations

import json
import ssl
import threading
from typing import Any

import httpx
from sqlalchemy import func, select

from adapters.db.schema import outbox, pix_charge

from .conftest import Service


def _post(service: Service, client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post("/v1/pix/charges", json={"emitter_id": service.emitters["t1"], **body},
                       headers=service.h("t1", "pdv"))


def _cobs_at_psp(service: Service, txid: str) -> int:
    with service.psp.app.state.lock:
        return sum(1 for t in service.psp.app.state.cobs if t == txid)


def test_same_ref_returns_the_same_charge_and_one_cob(service: Service) -> None:
    service.configure_psp()
    first = _post(service, service.http, {"valor": "99.90", "ref": "venda-1001"})
    assert first.status_code == 201, first.text
    again = _post(service, service.http, {"valor": "99.90", "ref": "venda-1001"})
    assert again.status_code == 200 and again.json()["txid"] == first.json()["txid"]
    assert again.json()["ref"] == "venda-1001" and again.json()["brcode"] == first.json()["brcode"]
    assert _cobs_at_psp(service, first.json()["txid"]) == 1
    other = _post(service, service.http, {"valor": "10.00", "ref": "venda-1001"})
    assert other.status_code == 409 and other.json()["code"] == "PIX_REF_CONFLITO" and other.json()["field"] == "ref"
    bad = _post(service, service.http, {"valor": "10.00", "ref": "venda 1001/ç"})
    assert bad.status_code == 422 and bad.json()["code"] == "PIX_REF"
    # The other tenant's identical ref is its own charge.
    t2 = service.http.post("/v1/pix/charges", json={"emitter_id": service.emitters["t2"], "valor": "99.90",
                                                    "ref": "venda-1001"}, headers=service.h("t2", "pdv"))
    # The ref is per tenant: t2 does not get t1's charge (t2 has no PSP account here: 409 for that).
    assert t2.status_code == 409 and t2.json()["code"] == "PIX_CONTA_NAO_CONFIGURADA"
    # Without a ref, two requests are two charges.
    a = _post(service, service.http, {"valor": "5.00"})
    b = _post(service, service.http, {"valor": "5.00"})
    assert a.status_code == b.status_code == 201 and a.json()["txid"] != b.json()["txid"]


def test_concurrent_retries_with_one_ref_create_one_charge(service: Service) -> None:
    service.configure_psp()
    verify = ssl.create_default_context(cafile=str(service.psp.ca_pem_path))
    answers: list[httpx.Response] = []
    barrier = threading.Barrier(6)

    def attempt() -> None:
        with httpx.Client(base_url=service.url, verify=verify, timeout=20) as client:
            barrier.wait()
            answers.append(_post(service, client, {"valor": "250.00", "ref": "orcamento-77"}))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(answers) == 6
    assert all(r.status_code in (200, 201) for r in answers), [r.text for r in answers]
    assert sum(r.status_code == 201 for r in answers) == 1  # one created it, the others got it back
    txids = {r.json()["txid"] for r in answers}
    assert len(txids) == 1
    [txid] = txids
    assert _cobs_at_psp(service, txid) == 1
    with service.resources.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(pix_charge)
                            .where(pix_charge.c.ref == "orcamento-77")).scalar() == 1
        created = [json.loads(p) for p in conn.execute(
            select(outbox.c.payload).where(outbox.c.topic == "pix.charge.created")).scalars()]
    assert [c["data"]["txid"] for c in created] == [txid]
