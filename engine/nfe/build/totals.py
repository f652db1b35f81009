"""Document totals from the computed items: ICMSTot (W02), IBSCBSTot (W03) and vNFTot.

vNF (W16, MOC 4.00): vProd - vDesc - vICMSDeson + vST + vFCPST + vFrete + vSeg + vOutro + vII +
vIPI + vIPIDevol + vServ. This builder produces no ST, IPI, II, ISSQN or desoneração, so those terms
are zero (and rendered as 0.00, as the layout requires the fields).

vNFTot (NT 2025.002-RTC): the sum of vItem; IBS and CBS are "por fora" and enter it only when the
period's data says so (``somar_no_total``; false for 2026, the test year).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from engine.nfe.build.money import ZERO
from engine.nfe.build.rates import IbsCbsPeriodo
from engine.nfe.build.taxes import ItemCalc


@dataclass(frozen=True, slots=True)
class TotaisIBSCBS:
    vBCIBSCBS: Decimal
    vIBSUF: Decimal
    vIBSMun: Decimal
    vIBS: Decimal
    vCBS: Decimal


@dataclass(frozen=True, slots=True)
class Totais:
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
    v_prod = _sum(i.valores.vProd for i in itens)
    v_desc = _sum(i.valores.vDesc for i in itens)
    v_frete = _sum(i.valores.vFrete for i in itens)
    v_seg = _sum(i.valores.vSeg for i in itens)
    v_outro = _sum(i.valores.vOutro for i in itens)
    v_nf = v_prod - v_desc + v_frete + v_seg + v_outro
    trib = [i.vTotTrib for i in itens]
    v_tot_trib = _sum(trib) if any(t is not None for t in trib) else None
    com_ibscbs = [i.ibscbs for i in itens if i.ibscbs is not None]
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
        v_nf_tot = _sum(i.vItem for i in itens)
    return Totais(
        vBC=_sum(i.icms.vBC for i in itens),
        vICMS=_sum(i.icms.vICMS for i in itens),
        vFCP=_sum(i.icms.vFCP for i in itens),
        vProd=v_prod, vFrete=v_frete, vSeg=v_seg, vDesc=v_desc,
        vPIS=_sum(i.pis.valor for i in itens),
        vCOFINS=_sum(i.cofins.valor for i in itens),
        vOutro=v_outro, vNF=v_nf, vTotTrib=v_tot_trib, ibscbs=ibscbs, vNFTot=v_nf_tot,
    )
