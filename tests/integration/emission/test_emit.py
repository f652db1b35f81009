"""NFC-e and NF-e end to end: friendly JSON -> number -> signed bytes stored -> SEFAZ (simulator) ->
authorized, with every state change in the history and the outbox."""

from __future__ import annotations

import threading

import pytest

from engine.emission import DocStatus, EmissionService
from engine.nfe.build import EntradaInvalida
from tests.integration.emission.conftest import Env, sale


def test_nfce_is_authorized_end_to_end_with_history_and_outbox(env: Env) -> None:
    outcome = env.service.emit(env.request("venda-1"))
    doc = outcome.document
    assert outcome.created
    assert doc.status == DocStatus.AUTHORIZED, (doc.cstat, doc.xmotivo)
    assert doc.number == 1 and doc.cstat == 100 and doc.protocol and len(doc.chave or "") == 44
    assert doc.signed_xml is not None and b"<protNFe" not in doc.signed_xml
    assert doc.protocol_xml is not None and doc.protocol.encode() in doc.protocol_xml
    [at_sefaz] = env.sim.documents(env.cnpj)
    assert at_sefaz["chNFe"] == doc.chave and at_sefaz["nProt"] == doc.protocol
    with env.repo.reader() as uow:
        history = [h.to_status for h in uow.history(doc.id)]
        topics = uow.outbox_topics(env.tenant_id)
    assert history == ["received", "numbered", "signed", "sent", "authorized"]
    # One nfe.status event per committed transition: received..sent commit together (the document did
    # not exist before that commit), then the answer.
    assert [t for t, _ in topics] == ["nfe.status"] * 2
    assert [(p["from"], p["to"]) for _, p in topics] == [(None, "sent"), ("sent", "authorized")]
    assert topics[0][1]["number"] == 1 and topics[0][1]["chave"] == doc.chave
    assert topics[-1][1]["protocol"] == doc.protocol


def test_nfe_is_authorized_and_numbers_follow_per_series(env: Env) -> None:
    first = env.service.emit(env.request("nfe-1", sale(55), model=55)).document
    second = env.service.emit(env.request("nfe-2", sale(55), model=55)).document
    assert (first.status, second.status) == (DocStatus.AUTHORIZED, DocStatus.AUTHORIZED), second.xmotivo
    assert (first.number, second.number) == (1, 2)
    nfce = env.service.emit(env.request("nfce-1")).document
    assert nfce.number == 1  # another model, another series counter


def test_same_ref_returns_the_same_document_and_never_a_second_number(env: Env) -> None:
    req = env.request("caixa1-000042")
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(env.service.emit(req))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = {r.document.id for r in results}  # type: ignore[attr-defined]
    assert len(ids) == 1
    assert sum(1 for r in results if r.created) == 1  # type: ignore[attr-defined]
    assert len(env.sim.documents(env.cnpj)) == 1
    nxt = env.service.emit(env.request("caixa1-000043")).document
    assert nxt.number == 2  # number 1 went to the replayed ref, none was lost


def test_same_ref_with_another_sale_is_a_conflict(env: Env) -> None:
    env.service.emit(env.request("r-1"))
    other = sale(65)
    other["itens"] = other["itens"][:1]
    other["pagamentos"] = [{"forma": "01", "valor": "37.80"}]
    from engine.emission import Conflict

    with pytest.raises(Conflict) as info:
        env.service.emit(env.request("r-1", other))
    assert info.value.code == "REF_EM_USO"


def test_bad_input_takes_no_number_and_writes_nothing(env: Env) -> None:
    bad = sale(65)
    bad["itens"][0]["ncm"] = "123"
    with pytest.raises(EntradaInvalida) as info:
        env.service.emit(env.request("bad-1", bad))
    assert any("ncm" in f.path for f in info.value.findings)
    with pytest.raises(EntradaInvalida):
        env.service.emit(env.request("bad-2", sale(65, numero=7)))
    ok = env.service.emit(env.request("good-1")).document
    assert ok.number == 1


def test_service_is_stateless_between_instances(env: Env) -> None:
    doc = env.service.emit(env.request("x-1")).document
    again = EmissionService(env.repo, env.directory, env.service.clock).emit(env.request("x-1"))
    assert not again.created and again.document.id == doc.id
