"""Per-item taxes of the friendly input: ICMS by CRT, PIS/COFINS, IBS/CBS (LC 214/2025, NT
2025.002-RTC) and the Lei 12.741 estimate; and the document totals (totals.py).

Every amount is Decimal, rounded once per item with money.q2 (ROUND_HALF_EVEN, ABNT NBR 5891);
totals are sums of the rounded item values, so ICMSTot always equals the sum of its items
(cStat 532 and friends can only come from a bug, never from rounding drift).

Bases (MOC 4.00 and NT 2025.002-RTC):
- operation value of an item: vProd - vDesc + vFrete + vSeg + vOutro (no II, IPI or ST here);
- ICMS vBC (N15): the operation value, times (1 - pRedBC/100) for CST 20;
- PIS/COFINS vBC (Q07/S07): the operation value minus the ICMS destacado when the emitter's profile
  says so (Lei 14.592/2023, following STF RE 574.706);
- IBS/CBS vBC (UB15): vProd + vServ + vFrete + vSeg + vOutro + vII - vDesc - vPIS - vCOFINS -
  vICMS - vICMSUFDest - vFCP - vFCPUFDest - vICMSMono - vISSQN + vIS; during the transition
  (2026-2032) ICMS, ISS, PIS and COFINS are outside the base (LC 214/2025, art. 12 §2º V).
- IBS/CBS rates: pAliqEfet = pAliq x (1 - pRedAliq/100) (group gRed, CST 200), value = vBC x
  pAliqEfet; vIBS = vIBSUF + vIBSMun.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from engine.errors import Finding
from engine.nfe.build.emitter import Emitente
from engine.nfe.build.input import Item, TributacaoIBSCBS, TributacaoICMS, TributacaoPisCofins, Venda
from engine.nfe.build.messages import EntradaInvalida
from engine.nfe.build.money import HUNDRED, ZERO, apportion, pct, q2, q4
from engine.nfe.build.rates import ClassTrib, IbsCbsPeriodo, class_trib, class_trib_codigos, periodo_em

# The results below are immutable NamedTuples rather than frozen dataclasses: several are made for every item of
# every document, and a frozen dataclass sets each field through object.__setattr__ (~0.13 us a field, ~6 us an
# item); a NamedTuple is built in one C call and reads its fields in C.


class ValoresItem(NamedTuple):
    vProd: Decimal
    vDesc: Decimal = ZERO
    vFrete: Decimal = ZERO
    vSeg: Decimal = ZERO
    vOutro: Decimal = ZERO

    @property
    def valor_operacao(self) -> Decimal:
        return self.vProd - self.vDesc + self.vFrete + self.vSeg + self.vOutro


class ICMSCalc(NamedTuple):
    """One ICMS group. ``grupo`` is the layout group name (ICMS00, ICMS20, ICMS40, ICMS60,
    ICMSSN101, ICMSSN102, ICMSSN500); fields that the group does not carry are None."""

    grupo: str
    orig: int
    cst: str | None = None
    csosn: str | None = None
    modBC: int | None = None
    pRedBC: Decimal | None = None
    vBC: Decimal | None = None
    pICMS: Decimal | None = None
    vICMS: Decimal | None = None
    vBCFCP: Decimal | None = None
    pFCP: Decimal | None = None
    vFCP: Decimal | None = None
    pCredSN: Decimal | None = None
    vCredICMSSN: Decimal | None = None


class PisCofinsCalc(NamedTuple):
    """PIS or COFINS group: ``grupo`` is Aliq (CST 01/02), NT (04-09) or Outr (49-99)."""

    grupo: str
    cst: str
    vBC: Decimal | None
    aliquota: Decimal | None
    valor: Decimal


class IBSCBSCalc(NamedTuple):
    cst: str
    cClassTrib: str
    com_grupo: bool  # gIBSCBS present (False for CST 410: imunidade / não incidência)
    vBC: Decimal = ZERO
    pIBSUF: Decimal = ZERO
    pIBSMun: Decimal = ZERO
    pCBS: Decimal = ZERO
    pRedIBS: Decimal | None = None  # gRed/pRedAliq of gIBSUF and gIBSMun (CST 200)
    pRedCBS: Decimal | None = None  # gRed/pRedAliq of gCBS
    pAliqEfetIBSUF: Decimal = ZERO
    pAliqEfetIBSMun: Decimal = ZERO
    pAliqEfetCBS: Decimal = ZERO
    vIBSUF: Decimal = ZERO
    vIBSMun: Decimal = ZERO
    vIBS: Decimal = ZERO
    vCBS: Decimal = ZERO


class ItemCalc(NamedTuple):
    valores: ValoresItem
    cfop: str
    icms: ICMSCalc
    pis: PisCofinsCalc
    cofins: PisCofinsCalc
    ibscbs: IBSCBSCalc | None
    vTotTrib: Decimal | None
    vItem: Decimal  # VB01: item's share of the total (IBS/CBS added only when the period says so)


class Classificacao(NamedTuple):
    icms: TributacaoICMS
    origem: int
    pis: TributacaoPisCofins
    cofins: TributacaoPisCofins
    ibs_cbs: TributacaoIBSCBS | None
    class_trib: ClassTrib | None
    aliquota_tributos: Decimal | None


# ---------------------------------------------------------------------------------------------
# Classification: the item's own groups, else the emitter profile's


def classificar(item: Item, emitente: Emitente, periodo: IbsCbsPeriodo, path: str) -> tuple[Classificacao | None,
                                                                                         list[Finding]]:
    """Resolve the item's tax classification; returns findings (pt-BR, with path) when the
    classification does not fit the emitter's CRT or the cClassTrib table."""
    perfil = emitente.perfil_tributario
    trib = item.tributacao
    icms = (trib.icms if trib and trib.icms else None) or perfil.icms
    pis = (trib.pis if trib and trib.pis else None) or perfil.pis
    cofins = (trib.cofins if trib and trib.cofins else None) or perfil.cofins
    ibs = (trib.ibs_cbs if trib and trib.ibs_cbs else None) or perfil.ibs_cbs
    p_trib = (trib.aliquota_tributos_aproximada if trib else None) or perfil.aliquota_tributos_aproximada
    findings: list[Finding] = []
    crt = emitente.crt
    if crt in (1, 4) and icms.csosn is None:
        findings.append(Finding(code="ICMS_CRT", path=f"{path}.tributacao.icms.cst",
                                mensagem=f"emitente do Simples Nacional (CRT {crt}) usa 'csosn', não 'cst'",
                                cstat="590"))
    if crt in (2, 3) and icms.cst is None:
        findings.append(Finding(code="ICMS_CRT", path=f"{path}.tributacao.icms.csosn",
                                mensagem=f"emitente do regime normal (CRT {crt}) usa 'cst', não 'csosn'",
                                cstat="591"))
    ct: ClassTrib | None = None
    if ibs is None and crt in periodo.crt_obrigatorios:
        findings.append(Finding(code="IBSCBS_AUSENTE", path=f"{path}.tributacao.ibs_cbs",
                                mensagem=f"o grupo IBS/CBS é obrigatório para CRT {crt} (NT 2025.002-RTC): informe "
                                "'ibs_cbs.cclass_trib' no item ou no perfil tributário do emitente"))
    if ibs is not None:
        ct = class_trib(ibs.cclass_trib)
        if ct is None:
            findings.append(Finding(code="CCLASSTRIB_DESCONHECIDO", path=f"{path}.tributacao.ibs_cbs.cclass_trib",
                                    mensagem=f"cClassTrib {ibs.cclass_trib} não está na tabela configurada "
                                    f"(engine/nfe/build/data/cclasstrib.json); aceitos: "
                                    f"{', '.join(class_trib_codigos())}"))
    if findings:
        return None, findings
    origem = icms.origem if icms.origem is not None else perfil.origem
    return Classificacao(icms, origem, pis, cofins, ibs, ct, p_trib), []


# ---------------------------------------------------------------------------------------------
# Per-tax computations


def calcular_icms(valores: ValoresItem, icms: TributacaoICMS, origem: int) -> ICMSCalc:
    base = valores.valor_operacao
    if icms.csosn is not None:
        if icms.csosn == "101":
            p_cred = icms.aliquota_credito_sn or ZERO
            # LC 123/2006 art. 23 §1º: the credit is the SN ICMS rate on the operation value.
            return ICMSCalc("ICMSSN101", origem, csosn="101", pCredSN=p_cred, vCredICMSSN=pct(base, p_cred))
        if icms.csosn == "500":
            return ICMSCalc("ICMSSN500", origem, csosn="500")
        return ICMSCalc("ICMSSN102", origem, csosn=icms.csosn)
    cst = icms.cst or ""
    if cst in ("00", "20"):
        p_icms = icms.aliquota or ZERO
        p_red = icms.reducao_base if cst == "20" else None
        v_bc = q2(base * (HUNDRED - p_red) / HUNDRED) if p_red is not None else q2(base)
        p_fcp = icms.aliquota_fcp if icms.aliquota_fcp else None
        v_fcp = pct(v_bc, p_fcp) if p_fcp is not None else None
        return ICMSCalc(
            f"ICMS{cst}", origem, cst=cst, modBC=3, pRedBC=p_red, vBC=v_bc, pICMS=p_icms, vICMS=pct(v_bc, p_icms),
            vBCFCP=v_bc if (p_fcp is not None and cst == "20") else None, pFCP=p_fcp, vFCP=v_fcp,
        )
    if cst in ("40", "41", "50"):
        return ICMSCalc("ICMS40", origem, cst=cst)
    return ICMSCalc("ICMS60", origem, cst=cst)


def calcular_pis_cofins(base: Decimal, trib: TributacaoPisCofins) -> PisCofinsCalc:
    if trib.cst in ("01", "02"):
        v_bc = q2(base)
        return PisCofinsCalc("Aliq", trib.cst, v_bc, trib.aliquota, pct(v_bc, trib.aliquota))
    if trib.cst in ("04", "05", "06", "07", "08", "09"):
        return PisCofinsCalc("NT", trib.cst, None, None, ZERO)
    # 49-99 (PISOutr/COFINSOutr): a Simples Nacional emitter usually sends rate 0 and base 0.
    if trib.aliquota == ZERO:
        return PisCofinsCalc("Outr", trib.cst, ZERO, ZERO, ZERO)
    v_bc = q2(base)
    return PisCofinsCalc("Outr", trib.cst, v_bc, trib.aliquota, pct(v_bc, trib.aliquota))


def base_ibscbs(valores: ValoresItem, icms: ICMSCalc, pis: PisCofinsCalc, cofins: PisCofinsCalc) -> Decimal:
    """UB15 vBC of the IBS/CBS (NT 2025.002-RTC formula, the terms this builder can produce)."""
    v_icms = icms.vICMS or ZERO
    v_fcp = icms.vFCP or ZERO
    return valores.valor_operacao - pis.valor - cofins.valor - v_icms - v_fcp


def calcular_ibscbs(v_bc: Decimal, trib: TributacaoIBSCBS, ct: ClassTrib, periodo: IbsCbsPeriodo) -> IBSCBSCalc:
    if not ct.grupo_ibscbs:
        return IBSCBSCalc(cst=ct.cst, cClassTrib=ct.codigo, com_grupo=False)
    red_ibs = ct.pRedIBS if ct.pRedIBS != ZERO else None
    red_cbs = ct.pRedCBS if ct.pRedCBS != ZERO else None

    def efetiva(p: Decimal, red: Decimal | None) -> Decimal:
        return q4(p * (HUNDRED - red) / HUNDRED) if red is not None else p

    ef_uf = efetiva(periodo.pIBSUF, red_ibs)
    ef_mun = efetiva(periodo.pIBSMun, red_ibs)
    ef_cbs = efetiva(periodo.pCBS, red_cbs)
    v_uf = pct(v_bc, ef_uf)
    v_mun = pct(v_bc, ef_mun)
    return IBSCBSCalc(
        cst=ct.cst, cClassTrib=ct.codigo, com_grupo=True, vBC=q2(v_bc),
        pIBSUF=periodo.pIBSUF, pIBSMun=periodo.pIBSMun, pCBS=periodo.pCBS, pRedIBS=red_ibs, pRedCBS=red_cbs,
        pAliqEfetIBSUF=ef_uf, pAliqEfetIBSMun=ef_mun, pAliqEfetCBS=ef_cbs,
        vIBSUF=v_uf, vIBSMun=v_mun, vIBS=v_uf + v_mun, vCBS=pct(v_bc, ef_cbs),
    )


def calcular_item(valores: ValoresItem, cls: Classificacao, cfop: str, periodo: IbsCbsPeriodo, *,
                  excluir_icms_base_pis_cofins: bool) -> ItemCalc:
    icms = calcular_icms(valores, cls.icms, cls.origem)
    base_pc = valores.valor_operacao
    if excluir_icms_base_pis_cofins and icms.vICMS is not None:
        base_pc -= icms.vICMS
    pis = calcular_pis_cofins(base_pc, cls.pis)
    cofins = calcular_pis_cofins(base_pc, cls.cofins)
    ibscbs = None
    if cls.ibs_cbs is not None and cls.class_trib is not None:
        ibscbs = calcular_ibscbs(base_ibscbs(valores, icms, pis, cofins), cls.ibs_cbs, cls.class_trib, periodo)
    v_tot_trib = pct(valores.valor_operacao, cls.aliquota_tributos) if cls.aliquota_tributos is not None else None
    v_item = valores.valor_operacao
    if ibscbs is not None and periodo.somar_no_total:
        v_item += ibscbs.vIBS + ibscbs.vCBS
    return ItemCalc(valores, cfop, icms, pis, cofins, ibscbs, v_tot_trib, v_item)


# ---------------------------------------------------------------------------------------------
# The whole sale


class Calculo(NamedTuple):
    itens: tuple[ItemCalc, ...]
    periodo: IbsCbsPeriodo


def cfop_do_item(item: Item, emitente: Emitente, interestadual: bool) -> str:
    cfop = item.cfop or emitente.perfil_tributario.cfop
    # CFOP 5xxx is an operation inside the state, 6xxx an interstate one (cStat 732 / 523).
    if interestadual and cfop.startswith("5"):
        return "6" + cfop[1:]
    return cfop


def calcular(venda: Venda, emitente: Emitente, dia: date, *, interestadual: bool = False) -> Calculo:
    """Compute every item of ``venda``; raises EntradaInvalida listing every classification
    problem (all items are checked before failing)."""
    periodo = periodo_em(dia)
    vprods = [q2(it.quantidade * it.valor_unitario) for it in venda.itens]
    fretes = apportion(venda.frete.valor, [vp - it.desconto for vp, it in zip(vprods, venda.itens, strict=True)])
    itens: list[ItemCalc] = []
    findings: list[Finding] = []
    for i, (item, vprod, frete) in enumerate(zip(venda.itens, vprods, fretes, strict=True)):
        cls, problems = classificar(item, emitente, periodo, f"itens[{i}]")
        findings.extend(problems)
        if cls is None:
            continue
        valores = ValoresItem(vProd=vprod, vDesc=item.desconto, vFrete=frete, vOutro=item.outras_despesas)
        itens.append(calcular_item(valores, cls, cfop_do_item(item, emitente, interestadual), periodo,
                                   excluir_icms_base_pis_cofins=emitente.perfil_tributario.excluir_icms_base_pis_cofins))
    if findings:
        raise EntradaInvalida(findings)
    return Calculo(tuple(itens), periodo)
