"""Document totals from the computed items: ICMSTot (W02), IBSCBSTot (W03) and vNFTot.

vNF (W16, MOC 4.00): vProd - vDesc - vICMSDeson + vST + vFCPST + vFrete + vSeg + vOutro + vII +
vIPI + vIPIDevol + vServ. This builder produces no ST, IPI, II, ISSQN or desoneração, so those terms
are zero (and rendered as 0.00, as the layout requires the fields).

vNFTot (NT 2025.002-RTC): the sum of vItem; IBS and CBS are "por fora" and enter it only when the
period's data says so (``somar_no_total``; false for 2026, the test year).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from engine.nfe.build.money import ZERO
from engine.nfe.build.rates import IbsCbsPeriodo
from engine.nfe.build.taxes import IBSCBSCalc, ItemCalc


class TotaisIBSCBS(NamedTuple):
    vBCIBSCBS: Decimal
    vIBSUF: Decimal
    vIBSMun: Decimal
    vIBS: Decimal
    vCBS: Decimal


class Totais(NamedTuple):
    vBC: Decimal
    vICMS: Decimal
    vFCP: Decimal
    vProd: Decimal
    vFrete: Decimal
    vSeg: Decimal
    vDesc: Decimal
    vPIS: Decimal
    vCOFINS: Decimal
    vOutro: Decimal
    vNF: Decimal
    vTotTrib: Decimal | None
    ibscbs: TotaisIBSCBS | None
    vNFTot: Decimal | None
    vICMSDeson: Decimal = ZERO
    vBCST: Decimal = ZERO
    vST: Decimal = ZERO
    vFCPST: Decimal = ZERO
    vFCPSTRet: Decimal = ZERO
    vII: Decimal = ZERO
    vIPI: Decimal = ZERO
    vIPIDevol: Decimal = ZERO


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def calcular_totais(itens: tuple[ItemCalc, ...] | list[ItemCalc], periodo: IbsCbsPeriodo) -> Totais:
    # One pass over the items, each total added in item order from ZERO (as a sum() per field would, so the
    # same Decimal results), absent values (None) skipped.
    v_prod = v_desc = v_frete = v_seg = v_outro = v_bc = v_icms = v_fcp = v_pis = v_cofins = v_item = ZERO
    v_tot_trib: Decimal | None = None
    com_ibscbs: list[IBSCBSCalc] = []
    for i in itens:
        valores, icms = i.valores, i.icms
        v_prod += valores.vProd
        v_desc += valores.vDesc
        v_frete += valores.vFrete
        v_seg += valores.vSeg
        v_outro += valores.vOutro
        if icms.vBC is not None:
            v_bc += icms.vBC
        if icms.vICMS is not None:
            v_icms += icms.vICMS
        if icms.vFCP is not None:
            v_fcp += icms.vFCP
        v_pis += i.pis.valor
        v_cofins += i.cofins.valor
        if i.vTotTrib is not None:
            v_tot_trib = (ZERO if v_tot_trib is None else v_tot_trib) + i.vTotTrib
        v_item += i.vItem
        if i.ibscbs is not None:
            com_ibscbs.append(i.ibscbs)
    v_nf = v_prod - v_desc + v_frete + v_seg + v_outro
    ibscbs = None
    v_nf_tot = None
    if com_ibscbs:
        grupos = [c for c in com_ibscbs if c.com_grupo]
        ibscbs = TotaisIBSCBS(
            vBCIBSCBS=_sum(c.vBC for c in grupos),
            vIBSUF=_sum(c.vIBSUF for c in grupos),
            vIBSMun=_sum(c.vIBSMun for c in grupos),
            vIBS=_sum(c.vIBS for c in grupos),
            vCBS=_sum(c.vCBS for c in grupos),
        )
        # vNFTot is required whenever IBSCBSTot is present (rejection 1004) and equals sum(vItem).
        v_nf_tot = v_item
    return Totais(
        vBC=v_bc, vICMS=v_icms, vFCP=v_fcp,
        vProd=v_prod, vFrete=v_frete, vSeg=v_seg, vDesc=v_desc,
        vPIS=v_pis, vCOFINS=v_cofins,
        vOutro=v_outro, vNF=v_nf, vTotTrib=v_tot_trib, ibscbs=ibscbs, vNFTot=v_nf_tot,
    )
