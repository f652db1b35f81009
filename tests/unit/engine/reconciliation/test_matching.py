"""Matching rules and every classification, on small hand-made inputs and on the fixture month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.reconciliation import (
    Charge,
    Classe,
    Criterio,
    Fonte,
    Parametros,
    StatementLine,
    line_hash,
    parse_charges_json,
    parse_statement,
    reconcile,
)
from states import uf

from .cnab import DATA

MAR1, MAR31 = date(2026, 3, 1), date(2026, 3, 31)


def L(valor: str, dia: int, **kw: str) -> StatementLine:
    ln = StatementLine(fonte=Fonte.OFX, conta="001/1/1", data=date(2026, 3, dia), valor=Decimal(valor),
                       direcao=kw.pop("direcao", "C"), **kw)  # type: ignore[arg-type]
    return StatementLine(**{**{f: getattr(ln, f) for f in ln.__dataclass_fields__}, "hash": line_hash(ln)})


def C(cid: str, valor: str, dia: int, **kw: str) -> Charge:
    return Charge(id=cid, valor=Decimal(valor), vencimento=date(2026, 3, dia), **kw)  # type: ignore[arg-type]


def classes(res: object) -> list[tuple[str, str, str]]:
    return [(i.classe.value, i.criterio.value, i.cobranca.id if i.cobranca else "-") for i in res.itens]  # type: ignore[attr-defined]


def test_exact_key_beats_amount_and_date() -> None:
    charges = [C("A", "100.00", 10), C("B", "100.00", 2, txid="tx1")]
    res = reconcile([L("100.00", 10, txid="tx1")], charges, inicio=MAR1, fim=MAR31)
    assert classes(res) == [("matched", "key", "B"), ("missing", "none", "A")]


def test_nosso_numero_matches_with_different_zero_padding() -> None:
    res = reconcile([L("50.00", 3, nosso_numero="00000123")], [C("X", "50.00", 25, nosso_numero="123")],
                    inicio=MAR1, fim=MAR31)
    assert classes(res) == [("matched", "key", "X")]


def test_amount_and_date_window_is_configurable() -> None:
    charges = [C("A", "80.00", 20)]
    assert classes(reconcile([L("80.00", 14)], charges, inicio=MAR1, fim=MAR31))[0][0] == "unexpected"
    wide = reconcile([L("80.00", 14)], charges, inicio=MAR1, fim=MAR31, parametros=Parametros(janela_dias=6))
    assert classes(wide) == [("matched", "amount_date", "A")]


def test_nearest_date_wins_then_payer_then_id() -> None:
    charges = [C("far", "60.00", 1), C("near", "60.00", 4), C("z-other", "60.00", 6, pagador_nome="Outro"),
               C("a-payer", "60.00", 6, pagador_nome="Lucia Prado")]
    res = reconcile([L("60.00", 5), L("60.00", 5, pagador_nome="LUCIA PRADO")], charges, inicio=MAR1, fim=MAR31)
    got = {i.linha.pagador_nome: i.cobranca.id for i in res.itens if i.linha and i.cobranca}  # type: ignore[union-attr]
    assert got == {"LUCIA PRADO": "a-payer", "": "near"}


def test_ambiguous_amount_is_reported() -> None:
    res = reconcile([L("60.00", 5)], [C("b", "60.00", 4), C("a", "60.00", 6)], inicio=MAR1, fim=MAR31)
    first = res.itens[0]
    assert first.cobranca is not None and first.cobranca.id == "a" and "2 cobranças candidatas" in first.observacao


def test_payer_document_and_name_with_any_amount() -> None:
    charges = [C("doc", "300.00", 2, pagador_documento="123.456.789-09"),
               C("name", "200.00", 20, pagador_nome="Fernanda Alves Rocha")]
    lines = [L("150.00", 28, pagador_documento="12345678909"), L("200.00", 10, pagador_nome="FERNANDA ALVES ROCHA")]
    res = reconcile(lines, charges, inicio=MAR1, fim=MAR31)
    by = {i.cobranca.id: i for i in res.itens if i.cobranca}  # type: ignore[union-attr]
    assert by["doc"].classe is Classe.PARCIAL and by["doc"].criterio is Criterio.PAGADOR
    assert by["doc"].diferenca == Decimal("-150.00") and "faltam 150.00" in by["doc"].observacao
    assert by["name"].classe is Classe.CONCILIADO and by["name"].criterio is Criterio.PAGADOR


def test_single_first_name_in_a_description_is_not_enough() -> None:
    res = reconcile([L("10.00", 5, descricao="PIX RECEBIDO FERNANDA")], [C("n", "99.00", 5, pagador_nome="Fernanda")],
                    inicio=MAR1, fim=MAR31)
    assert [i.classe for i in res.itens] == [Classe.INESPERADO, Classe.AUSENTE]


def test_partial_payments_that_complete_a_charge_and_a_paid_twice_duplicate() -> None:
    lines = [L("60.00", 3, txid="t", fitid="1"), L("40.00", 4, txid="t", fitid="2"),
             L("100.00", 5, txid="t", fitid="3")]
    res = reconcile(lines, [C("K", "100.00", 3, txid="t")], inicio=MAR1, fim=MAR31)
    assert [(i.classe.value, str(i.diferenca)) for i in res.itens] == [
        ("partial", "-40.00"), ("partial", "0.00"), ("duplicate", "100.00")]
    assert "duplicidade" in res.itens[2].observacao


def test_overpayment_is_partial_with_the_difference() -> None:
    res = reconcile([L("104.00", 3, txid="t")], [C("K", "100.00", 3, txid="t")], inicio=MAR1, fim=MAR31)
    assert res.itens[0].classe is Classe.PARCIAL and res.itens[0].diferenca == Decimal("4.00")


def test_tolerance_makes_small_differences_exact() -> None:
    p = Parametros(tolerancia=Decimal("0.05"))
    res = reconcile([L("99.97", 3)], [C("K", "100.00", 3)], inicio=MAR1, fim=MAR31, parametros=p)
    assert classes(res) == [("matched", "amount_date", "K")]


def test_debits_match_payables_only() -> None:
    res = reconcile([L("70.00", 3, direcao="D")], [C("recv", "70.00", 3), C("pay", "70.00", 3, direcao="D")],
                    inicio=MAR1, fim=MAR31)
    assert classes(res) == [("matched", "amount_date", "pay"), ("missing", "none", "recv")]


def test_lines_and_charges_outside_the_period_are_left_out() -> None:
    res = reconcile([L("10.00", 3)], [C("K", "10.00", 3)], inicio=date(2026, 3, 4), fim=MAR31)
    assert res.itens == () and res.fora_do_periodo == 1


def test_the_fixture_month_reaches_every_class_deterministically() -> None:
    fuso = uf("SP").zoneinfo()
    lines = []
    for name in ("bb-extrato-1252.ofx", "nubank-extrato-utf8.ofx", "santander-extrato-v2.ofx",
                 "bb-cobranca-retorno.ret", "itau-sispag-retorno.ret", "api-pix-recebidos.json"):
        lines += parse_statement((DATA / name).read_bytes(), fuso=fuso)[1]
    charges = parse_charges_json((DATA / "cobrancas-marco.json").read_bytes())
    res = reconcile(lines, charges, inicio=MAR1, fim=MAR31)
    assert res.contagem() == {"matched": 7, "partial": 3, "duplicate": 1, "unexpected": 5, "missing": 1}
    by_charge = {(i.cobranca.id, i.classe.value, i.criterio.value) for i in res.itens if i.cobranca}
    assert by_charge == {
        ("PAC-0101", "matched", "key"), ("PAC-0103", "partial", "key"), ("PAC-0104", "partial", "key"),
        ("PIX-COB-1", "matched", "key"), ("PIX-COB-2", "matched", "key"), ("CONS-077", "matched", "amount_date"),
        ("ORTO-055", "partial", "payer"), ("ORTO-060", "matched", "payer"), ("FORN-8812", "matched", "key"),
        ("ENERGIA-03", "matched", "key"), ("PAC-0102", "missing", "none"),
    }  # ABRIL-001 is due in April: not a charge of this period
    dup = next(i for i in res.itens if i.classe is Classe.DUPLICADO)
    assert dup.linha is not None and dup.linha.fonte is Fonte.OFX  # the Pix list (with txid) is the one matched
    assert res.totais()["unexpected"] == Decimal("75.00") + Decimal("39.90") + Decimal("1234.56") + Decimal("199.80")
    again = reconcile(list(reversed(lines)), list(reversed(charges)), inicio=MAR1, fim=MAR31)
    assert again == res
