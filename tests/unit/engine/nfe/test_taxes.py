"""Tax computation of the friendly input: every expected value below is computed by hand in the
comment next to it (Decimal, ROUND_HALF_EVEN to cents), per regime."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.errors import ConfigurationError
from engine.nfe.build.emitter import Emitente, load_emitente
from engine.nfe.build.input import (
    TributacaoIBSCBS,
    TributacaoICMS,
    TributacaoPisCofins,
    parse_venda,
)
from engine.nfe.build.messages import EntradaInvalida
from engine.nfe.build.money import apportion, pct, q2
from engine.nfe.build.rates import IbsCbsPeriodo, class_trib, periodo_em
from engine.nfe.build.taxes import (
    Classificacao,
    ValoresItem,
    calcular,
    calcular_icms,
    calcular_item,
    calcular_pis_cofins,
)
from engine.nfe.build.totals import calcular_totais

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
DIA = date(2026, 12, 4)
P2026 = periodo_em(DIA)


@pytest.fixture(scope="module")
def normal() -> Emitente:
    return load_emitente(EXAMPLES / "emitente-normal.json")


@pytest.fixture(scope="module")
def simples() -> Emitente:
    return load_emitente(EXAMPLES / "emitente-sn.json")


def _cls(icms: TributacaoICMS, pis: str = "01", p_pis: str = "1.65", cofins: str = "01", p_cofins: str = "7.6",
         cclass: str | None = "000001", p_trib: D | None = None) -> Classificacao:
    ibs = TributacaoIBSCBS(cclass_trib=cclass) if cclass else None
    return Classificacao(icms, 0, TributacaoPisCofins(cst=pis, aliquota=D(p_pis)),
                         TributacaoPisCofins(cst=cofins, aliquota=D(p_cofins)), ibs,
                         class_trib(cclass) if cclass else None, p_trib)


def test_2026_rates_are_the_test_rates_of_lc_214() -> None:
    assert (P2026.pCBS, P2026.pIBSUF, P2026.pIBSMun) == (D("0.90"), D("0.10"), D("0.00"))
    assert P2026.somar_no_total is False
    assert P2026.crt_obrigatorios == frozenset({3})


def test_no_rates_configured_for_2025_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as exc:
        periodo_em(date(2025, 12, 31))
    assert "2025-12-31" in exc.value.mensagem


def test_dental_services_cclasstrib_is_200029_with_60_percent_reduction() -> None:
    ct = class_trib("200029")
    assert ct is not None
    assert (ct.cst, ct.pRedIBS, ct.pRedCBS, ct.grupo_ibscbs) == ("200", D("60"), D("60"), True)
    immune = class_trib("410999")
    assert immune is not None and immune.grupo_ibscbs is False


def test_rounding_is_half_even_abnt_nbr_5891() -> None:
    assert pct(D("0.50"), D("1")) == D("0.00")  # 0.005 -> 0.00 (even)
    assert pct(D("1.50"), D("1")) == D("0.02")  # 0.015 -> 0.02 (even)
    assert q2(D("2.675")) == D("2.68")


def test_apportion_adds_up_exactly_and_never_goes_negative() -> None:
    # Whole cents of each share, the cents left to the largest remainders (ties: the earlier item).
    assert apportion(D("10.00"), [D("1"), D("1"), D("1")]) == [D("3.34"), D("3.33"), D("3.33")]
    # Rounding each share up (0.0075 -> 0.01 four times) and giving the last item the difference
    # would leave it -0.01, which the layout refuses (prod/vFrete >= 0).
    parts = apportion(D("0.03"), [D("1"), D("1"), D("1"), D("1"), D("0.01")])
    assert parts == [D("0.01"), D("0.01"), D("0.01"), D("0.00"), D("0.00")]
    assert sum(parts) == D("0.03")
    assert apportion(D("25.00"), [D("2160.00"), D("300.00"), D("35.00")]) == [D("21.64"), D("3.01"), D("0.35")]
    assert apportion(D("0"), [D("5")]) == [D("0")]


def test_regime_normal_cst00_pis_cofins_ibs_cbs_full() -> None:
    # 2 x 50.00 = 100.00, desconto 10.00 -> operation value 90.00
    v = ValoresItem(vProd=D("100.00"), vDesc=D("10.00"))
    item = calcular_item(v, _cls(TributacaoICMS(cst="00", aliquota=D("18"))), "5102", P2026,
                         excluir_icms_base_pis_cofins=True)
    assert (item.icms.grupo, item.icms.vBC, item.icms.vICMS) == ("ICMS00", D("90.00"), D("16.20"))  # 90 x 18%
    # PIS/COFINS base 90.00 - 16.20 = 73.80; 73.80 x 1.65% = 1.2177 -> 1.22; x 7.6% = 5.6088 -> 5.61
    assert (item.pis.grupo, item.pis.vBC, item.pis.valor) == ("Aliq", D("73.80"), D("1.22"))
    assert item.cofins.valor == D("5.61")
    # IBS/CBS base 90.00 - 1.22 - 5.61 - 16.20 = 66.97; IBS UF 0.1% = 0.06697 -> 0.07; CBS 0.9% = 0.60273 -> 0.60
    ib = item.ibscbs
    assert ib is not None and ib.com_grupo
    assert (ib.cst, ib.cClassTrib, ib.vBC) == ("000", "000001", D("66.97"))
    assert (ib.vIBSUF, ib.vIBSMun, ib.vIBS, ib.vCBS) == (D("0.07"), D("0.00"), D("0.07"), D("0.60"))
    assert ib.pRedIBS is None and ib.pAliqEfetCBS == D("0.90")
    assert item.vItem == D("90.00")  # 2026: IBS/CBS informed but not added to the item total


def test_health_cclasstrib_reduces_the_rates_by_60_percent() -> None:
    v = ValoresItem(vProd=D("100.00"), vDesc=D("10.00"))
    item = calcular_item(v, _cls(TributacaoICMS(cst="00", aliquota=D("18")), cclass="200029"), "5102", P2026,
                         excluir_icms_base_pis_cofins=True)
    ib = item.ibscbs
    assert ib is not None
    # pAliqEfet = 0.10 x (1 - 0.60) = 0.0400; 0.90 x 0.40 = 0.3600
    assert (ib.pRedIBS, ib.pRedCBS, ib.pAliqEfetIBSUF, ib.pAliqEfetCBS) == (D("60"), D("60"), D("0.0400"), D("0.3600"))
    # 66.97 x 0.04% = 0.026788 -> 0.03; 66.97 x 0.36% = 0.241092 -> 0.24
    assert (ib.vIBSUF, ib.vCBS) == (D("0.03"), D("0.24"))


def test_cst20_reduces_the_icms_base_and_fcp_uses_the_reduced_base() -> None:
    v = ValoresItem(vProd=D("200.00"))
    icms = calcular_icms(v, TributacaoICMS(cst="20", aliquota=D("18"), reducao_base=D("33.33"),
                                           aliquota_fcp=D("2")), 0)
    # 200.00 x (100 - 33.33)% = 133.34; 133.34 x 18% = 24.0012 -> 24.00; FCP 2% = 2.6668 -> 2.67
    assert (icms.grupo, icms.pRedBC, icms.vBC, icms.vICMS) == ("ICMS20", D("33.33"), D("133.34"), D("24.00"))
    assert (icms.vBCFCP, icms.pFCP, icms.vFCP) == (D("133.34"), D("2"), D("2.67"))


def test_simples_nacional_csosn101_credit_and_pis_outr_zero() -> None:
    v = ValoresItem(vProd=D("150.00"))
    item = calcular_item(v, _cls(TributacaoICMS(csosn="101", aliquota_credito_sn=D("2.56")), pis="49", p_pis="0",
                                 cofins="49", p_cofins="0", cclass=None, p_trib=D("13.45")), "5102", P2026,
                         excluir_icms_base_pis_cofins=True)
    # 150.00 x 2.56% = 3.84; Lei 12.741: 150.00 x 13.45% = 20.175 -> 20.18 (half-even: 7 is odd -> up)
    assert (item.icms.grupo, item.icms.pCredSN, item.icms.vCredICMSSN) == ("ICMSSN101", D("2.56"), D("3.84"))
    assert (item.pis.grupo, item.pis.vBC, item.pis.valor) == ("Outr", D("0"), D("0"))
    assert item.ibscbs is None
    assert item.vTotTrib == D("20.18")


@pytest.mark.parametrize(("cst", "grupo"), [("04", "NT"), ("07", "NT"), ("49", "Outr"), ("99", "Outr"),
                                             ("02", "Aliq")])
def test_pis_cofins_groups_by_cst(cst: str, grupo: str) -> None:
    calc = calcular_pis_cofins(D("100.00"), TributacaoPisCofins(cst=cst, aliquota=D("0.65")))
    assert calc.grupo == grupo
    expected = D("0") if grupo == "NT" else D("0.65")  # 100.00 x 0.65%
    assert calc.valor == expected


def test_immune_cclasstrib_has_no_ibscbs_group() -> None:
    v = ValoresItem(vProd=D("10.00"))
    item = calcular_item(v, _cls(TributacaoICMS(cst="41"), cclass="410999"), "5102", P2026,
                         excluir_icms_base_pis_cofins=True)
    assert item.icms.grupo == "ICMS40"
    assert item.ibscbs is not None and item.ibscbs.com_grupo is False and item.ibscbs.vIBS == D("0")


def test_a_period_that_adds_ibs_cbs_to_the_total_changes_vitem_and_vnftot() -> None:
    por_fora = IbsCbsPeriodo(inicio=date(2033, 1, 1), fim=None, pCBS=D("8.80"), pIBSUF=D("10.00"),
                             pIBSMun=D("7.70"), somar_no_total=True, crt_obrigatorios=frozenset({1, 2, 3, 4}),
                             fonte="hipotético (teste)")
    v = ValoresItem(vProd=D("100.00"))
    item = calcular_item(v, _cls(TributacaoICMS(cst="41"), pis="07", cofins="07"), "5102", por_fora,
                         excluir_icms_base_pis_cofins=True)
    ib = item.ibscbs
    assert ib is not None
    # base 100.00; IBS UF 10.00, Mun 7.70, CBS 8.80 -> vItem 100 + 17.70 + 8.80
    assert (ib.vIBSUF, ib.vIBSMun, ib.vCBS) == (D("10.00"), D("7.70"), D("8.80"))
    assert item.vItem == D("126.50")
    tot = calcular_totais([item], por_fora)
    assert tot.vNF == D("100.00") and tot.vNFTot == D("126.50")


def test_nfe_example_totals_by_hand(normal: Emitente) -> None:
    from engine.nfe.build.emitter import load_json_decimal

    venda = parse_venda(load_json_decimal(EXAMPLES / "nfe-venda.json"))
    calc = calcular(venda, normal, DIA)
    tot = calcular_totais(calc.itens, calc.periodo)
    # vProd 2400.00 + 2 x 150.00 + 35.00 = 2735.00; vDesc 240.00; frete 25.00 apportioned 21.64/3.01/0.35
    assert [i.valores.vFrete for i in calc.itens] == [D("21.64"), D("3.01"), D("0.35")]
    assert (tot.vProd, tot.vDesc, tot.vFrete, tot.vNF) == (D("2735.00"), D("240.00"), D("25.00"), D("2520.00"))
    # ICMS: item 1 CST 40; item 2 base 303.01 x 18% = 54.5418 -> 54.54; item 3 35.35 x 18% = 6.363 -> 6.36
    assert (tot.vBC, tot.vICMS) == (D("338.36"), D("60.90"))
    # PIS item 1: 2181.64 x 1.65% = 35.99706 -> 36.00; item 2: (303.01 - 54.54) x 1.65% = 4.099755 -> 4.10;
    # item 3: (35.35 - 6.36) x 1.65% = 0.478335 -> 0.48
    assert [i.pis.valor for i in calc.itens] == [D("36.00"), D("4.10"), D("0.48")]
    assert tot.vPIS == D("40.58")
    ib = tot.ibscbs
    assert ib is not None
    # item 1 (200030, 60%): base 2181.64 - 36.00 - 165.80 = 1979.84; x 0.04% = 0.791936 -> 0.79; x 0.36% = 7.127424
    assert calc.itens[0].ibscbs is not None and calc.itens[0].ibscbs.vBC == D("1979.84")
    assert (calc.itens[0].ibscbs.vIBS, calc.itens[0].ibscbs.vCBS) == (D("0.79"), D("7.13"))
    assert (ib.vBCIBSCBS, ib.vIBS, ib.vCBS) == (D("2231.64"), D("0.91"), D("8.18"))
    assert tot.vNFTot == tot.vNF  # 2026


def test_classification_errors_name_the_item_field_and_cstat(normal: Emitente) -> None:
    venda = parse_venda({
        "modelo": 65,
        "itens": [
            {"codigo": "A", "descricao": "x", "ncm": "96032100", "quantidade": 1, "valor_unitario": 1,
             "tributacao": {"icms": {"csosn": "102"}}},
            {"codigo": "B", "descricao": "y", "ncm": "96032100", "quantidade": 1, "valor_unitario": 1,
             "tributacao": {"ibs_cbs": {"cclass_trib": "999999"}}},
        ],
        "pagamentos": [{"forma": "01", "valor": 2}],
    })
    with pytest.raises(EntradaInvalida) as exc:
        calcular(venda, normal, DIA)
    got = {(f.path, f.cstat) for f in exc.value.findings}
    assert ("itens[0].tributacao.icms.csosn", "591") in got
    assert ("itens[1].tributacao.ibs_cbs.cclass_trib", None) in got
    assert any("999999" in f.mensagem for f in exc.value.findings)


def test_crt3_without_ibs_cbs_is_rejected_before_sefaz(simples: Emitente, normal: Emitente) -> None:
    perfil = normal.perfil_tributario.model_copy(update={"ibs_cbs": None})
    sem_ibs = normal.model_copy(update={"perfil_tributario": perfil})
    venda = parse_venda({"modelo": 65, "itens": [{"codigo": "A", "descricao": "x", "ncm": "96032100",
                                                  "quantidade": 1, "valor_unitario": 1}]})
    with pytest.raises(EntradaInvalida) as exc:
        calcular(venda, sem_ibs, DIA)
    assert exc.value.findings[0].path == "itens[0].tributacao.ibs_cbs"
    # Simples Nacional: IBS/CBS only from 2027 (LC 214/2025 art. 348) -> no group, no error
    calc = calcular(venda, simples, DIA)
    assert calc.itens[0].ibscbs is None
