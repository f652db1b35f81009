"""The API Pix client against the real PSP stand-in over mTLS, once per PSP profile."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

import simulator.psp
from engine.pix import decode
from engine.pix.api import (
    CobRequest,
    CobRevisao,
    CobvRequest,
    Devedor,
    DevolucaoRequest,
    PixQuery,
    PspApiError,
    StatusCobranca,
)

from .conftest import Bench, make_bench

TXID = "OrthoPlusTeste0000000000000001"


def test_cob_put_get_patch_round_trip(bench: Bench) -> None:
    created = bench.client.create_cob(
        CobRequest(chave="11222333000181", valor=Decimal("150.00"), expiracao=3600,
                   devedor=Devedor(nome="Maria da Silva", cpf="12345678909"), solicitacao_pagador="Consulta"),
        txid=TXID,
    )
    assert created.txid == TXID and created.status is StatusCobranca.ATIVA and created.revisao == 0
    assert created.valor_original == Decimal("150.00") and created.expiracao == 3600
    # The stand-in's BR Code is built independently of engine.pix; our decoder must accept it.
    assert created.pix_copia_e_cola is not None
    decoded = decode(created.pix_copia_e_cola)
    assert decoded.crc_ok and decoded.valido
    read = bench.client.get_cob(TXID)
    assert read.devedor == Devedor(nome="Maria da Silva", cpf="12345678909")
    revised = bench.client.revise_cob(TXID, CobRevisao(valor=Decimal("120.50")))
    assert revised.revisao == 1 and revised.valor_original == Decimal("120.50")
    removed = bench.client.revise_cob(TXID, CobRevisao(remover=True))
    assert removed.status is StatusCobranca.REMOVIDA_PELO_USUARIO_RECEBEDOR


def test_cob_post_lets_the_psp_choose_the_txid(bench: Bench) -> None:
    created = bench.client.create_cob(CobRequest(chave="+5561999998888", valor=Decimal("9.99")))
    assert len(created.txid) >= 26
    assert bench.client.get_cob(created.txid).valor_original == Decimal("9.99")


def test_cobv_put_get_patch(bench: Bench) -> None:
    txid = "OrthoPlusVencimento00000000001"
    created = bench.client.create_cobv(
        CobvRequest(chave="financeiro@clinica.com.br", valor=Decimal("300.00"), data_de_vencimento=date(2027, 1, 10),
                    devedor=Devedor(nome="Clinica Sorriso", cnpj="12ABC34501DE35")),
        txid,
    )
    assert created.tipo == "cobv" and created.data_de_vencimento == date(2027, 1, 10)
    revised = bench.client.revise_cobv(txid, CobRevisao(data_de_vencimento=date(2027, 2, 1)))
    assert revised.data_de_vencimento == date(2027, 2, 1) and revised.revisao == 1
    assert bench.client.get_cobv(txid).devedor is not None


def test_duplicate_txid_is_a_pt_br_error_naming_the_field(bench: Bench) -> None:
    bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")), txid=TXID)
    with pytest.raises(PspApiError) as info:
        bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")), txid=TXID)
    err = info.value
    assert err.status == 400 and err.tipo == "CobOperacaoInvalida"
    assert "cobrança imediata recusada pelo PSP" in err.mensagem and "txid" in err.mensagem
    assert err.violacoes[0].propriedade == "cob.txid"


def test_unknown_charge_is_404_naoencontrado(bench: Bench) -> None:
    with pytest.raises(PspApiError) as info:
        bench.client.get_cob("Inexistente000000000000000000")
    assert info.value.status == 404 and "não encontrad" in info.value.mensagem


def test_pix_by_e2eid_list_by_period_with_pages_and_refund(bench: Bench) -> None:
    bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("50.00")), txid=TXID)
    paid = [bench.psp.pay(TXID, "20.00", notify=False, force=True)["pix"] for _ in range(3)]
    e2e = paid[0]["endToEndId"]
    assert e2e.startswith("E18236120") and len(e2e) == 32
    pix = bench.client.get_pix(e2e)
    assert pix.valor == Decimal("20.00") and pix.txid == TXID
    now = datetime.now(UTC)
    query = PixQuery(inicio=now - timedelta(hours=1), fim=now + timedelta(hours=1), itens_por_pagina=2)
    first = bench.client.list_pix_page(query, 0)
    assert first.quantidade_de_paginas == 2 and first.quantidade_total_de_itens == 3 and len(first.pix) == 2
    assert sorted(p.end_to_end_id for p in bench.client.list_pix(query)) == sorted(p["endToEndId"] for p in paid)

    dev = bench.client.request_devolucao(e2e, "Devolucao01", DevolucaoRequest(Decimal("5.00"), "troco"))
    assert dev.status == "EM_PROCESSAMENTO" and dev.rtr_id.startswith("D") and len(dev.rtr_id) == 32
    bench.psp.settle_refund(e2e, "Devolucao01")
    assert bench.client.get_devolucao(e2e, "Devolucao01").status == "DEVOLVIDO"
    with pytest.raises(PspApiError) as info:
        bench.client.request_devolucao(e2e, "Devolucao02", DevolucaoRequest(Decimal("15.01")))
    assert info.value.tipo == "PixDevolucaoInvalida" and "devolução recusada" in info.value.mensagem


def test_webhook_put_get_delete(bench: Bench) -> None:
    chave = "financeiro@clinica.com.br"
    bench.client.put_webhook(chave, "https://clinica.example/webhooks/pix")
    assert bench.client.get_webhook(chave).webhook_url == "https://clinica.example/webhooks/pix"
    bench.client.delete_webhook(chave)
    with pytest.raises(PspApiError) as info:
        bench.client.get_webhook(chave)
    assert info.value.status == 404


def test_token_is_cached_until_expiry_minus_skew(bench: Bench) -> None:
    for _ in range(3):
        bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    assert bench.client.tokens_requested == 1 and bench.psp.stats()["tokens_issued"] == 1
    bench.clock.t += 3600 - 60  # expires_in 3600, skew 60: the cached token is no longer used
    bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    assert bench.client.tokens_requested == 2


def test_revoked_token_is_replaced_once(bench: Bench) -> None:
    bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    bench.psp.app.control("POST", "/_control/revoke-tokens", {})
    bench.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    assert bench.client.tokens_requested == 2


def test_token_expired_at_the_psp_before_our_clock_says_so_is_renewed(psp: simulator.psp.RunningPsp) -> None:
    b = make_bench(psp, "bradesco", token_ttl_s=1)
    b.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    time.sleep(1.1)  # the stand-in's token expired; our fake clock did not move (skew capped at half life)
    b.client.create_cob(CobRequest(chave="11222333000181", valor=Decimal("1.00")))
    assert b.client.tokens_requested == 2
    b.http.close()
