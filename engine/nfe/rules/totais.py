"""Totals (MOC 7.0 group W): vProd of each item, every ICMSTot field against the sum over the
items, the vNF formula (W16, cStat 610), the tax-reform totals IBSCBSTot / ISTot / vNFTot
(NT 2025.002) and ISSQNtot/vServ.

Comparisons are exact (the layout has 2 decimals; SEFAZ compares totals with the item sum), except
vProd = qCom x vUnCom, which tolerates R$ 0,01 (rule I11-10: the product of the quantity with 4
decimals and the unit price with 10 can't be represented exactly in 2 decimals).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from lxml import etree

from engine.errors import Finding
from engine.nfe.rules._doc import Doc, brl, dec, find, findall, finding, text, texts, xpath_path

_TOLERANCIA_ITEM = Decimal("0.01")
_ZERO = Decimal("0")

# (ICMSTot field, path(s) below det, cStat, description, optional group?)
#   optional: the field may be absent from ICMSTot; then it isn't compared.
_ICMSTOT: tuple[tuple[str, tuple[str, ...], str | None, str, bool], ...] = (
    ("vBC", ("imposto/ICMS/*/vBC",), "531", "base de cálculo do ICMS", False),
    ("vICMS", ("imposto/ICMS/*/vICMS",), "532", "valor do ICMS", False),
    ("vICMSDeson", ("imposto/ICMS/*/vICMSDeson",), "795", "ICMS desonerado", False),
    ("vFCPUFDest", ("imposto/ICMSUFDest/vFCPUFDest",), "798", "FCP da UF de destino", True),
    ("vICMSUFDest", ("imposto/ICMSUFDest/vICMSUFDest",), "799", "ICMS interestadual da UF de destino", True),
    ("vICMSUFRemet", ("imposto/ICMSUFDest/vICMSUFRemet",), "800", "ICMS interestadual da UF do remetente", True),
    ("vFCP", ("imposto/ICMS/*/vFCP",), None, "Fundo de Combate à Pobreza (FCP)", False),
    ("vBCST", ("imposto/ICMS/*/vBCST",), "533", "base de cálculo do ICMS-ST", False),
    ("vST", ("imposto/ICMS/*/vICMSST",), "534", "ICMS-ST", False),
    ("vFCPST", ("imposto/ICMS/*/vFCPST",), None, "FCP retido por ST", False),
    ("vFCPSTRet", ("imposto/ICMS/*/vFCPSTRet",), None, "FCP retido anteriormente por ST", False),
    ("qBCMono", ("imposto/ICMS/*/qBCMono",), None, "quantidade tributada do ICMS monofásico próprio", True),
    ("vICMSMono", ("imposto/ICMS/*/vICMSMono",), None, "ICMS monofásico próprio", True),
    ("qBCMonoReten", ("imposto/ICMS/*/qBCMonoReten",), None, "quantidade do ICMS monofásico sujeito a retenção", True),
    ("vICMSMonoReten", ("imposto/ICMS/*/vICMSMonoReten",), None, "ICMS monofásico sujeito a retenção", True),
    ("qBCMonoRet", ("imposto/ICMS/*/qBCMonoRet",), None, "quantidade do ICMS monofásico retido anteriormente", True),
    ("vICMSMonoRet", ("imposto/ICMS/*/vICMSMonoRet",), None, "ICMS monofásico retido anteriormente", True),
    ("vFrete", ("prod/vFrete",), "535", "frete", False),
    ("vSeg", ("prod/vSeg",), "536", "seguro", False),
    ("vDesc", ("prod/vDesc",), "537", "desconto", False),
    ("vII", ("imposto/II/vII",), "601", "Imposto de Importação", False),
    ("vIPI", ("imposto/IPI/IPITrib/vIPI",), "538", "IPI", False),
    ("vIPIDevol", ("impostoDevol/IPI/vIPIDevol",), None, "IPI devolvido", False),
    ("vOutro", ("prod/vOutro",), "604", "outras despesas acessórias", False),
)

# IBSCBSTot / ISTot (NT 2025.002): (path below total, path(s) below det, description)
_REFORMA: tuple[tuple[str, str, str], ...] = (
    ("IBSCBSTot/vBCIBSCBS", "imposto/IBSCBS/gIBSCBS/vBC", "base de cálculo do IBS/CBS"),
    ("IBSCBSTot/gIBS/gIBSUF/vIBSUF", "imposto/IBSCBS/gIBSCBS/gIBSUF/vIBSUF", "IBS da UF"),
    ("IBSCBSTot/gIBS/gIBSMun/vIBSMun", "imposto/IBSCBS/gIBSCBS/gIBSMun/vIBSMun", "IBS do município"),
    ("IBSCBSTot/gIBS/vIBS", "imposto/IBSCBS/gIBSCBS/vIBS", "IBS"),
    ("IBSCBSTot/gCBS/vCBS", "imposto/IBSCBS/gIBSCBS/gCBS/vCBS", "CBS"),
    ("ISTot/vIS", "imposto/IS/vIS", "Imposto Seletivo"),
)


# Which items a sum runs over (MOC group W): all; those that compose vProd (indTot = 1, I17b);
# those subject to ICMS (not ISSQN, for vPIS/vCOFINS and a conjugated vProd); the services.
TODOS = "n:det"
COMPOEM_TOTAL = "n:det[not(n:prod/n:indTot = '0')]"
SEM_ISSQN = "n:det[not(n:imposto/n:ISSQN)]"
SEM_ISSQN_COMPOEM_TOTAL = "n:det[not(n:imposto/n:ISSQN)][not(n:prod/n:indTot = '0')]"
COM_ISSQN = "n:det[n:imposto/n:ISSQN]"


def _soma(doc: Doc, paths: tuple[str, ...], itens: str = TODOS) -> tuple[Decimal, bool]:
    """Sum of the fields over the items, and whether any item informs the field."""
    total, found = _ZERO, False
    for p in paths:
        for raw in texts(doc.inf, f"{itens}/{xpath_path(p)}/text()"):
            try:
                value = Decimal(raw.strip())
            except InvalidOperation:
                continue  # not a number: the schema reports the field
            if value.is_finite():
                total += value
                found = True
    return total, found


def _num(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def rule_vprod_item(doc: Doc) -> Iterator[Finding]:
    dets = doc.dets()
    # qCom, vUnCom and vProd are mandatory in prod: three lists aligned with det (checked below).
    columns = [texts(doc.inf, f"n:det/n:prod/n:{c}/text()") for c in ("qCom", "vUnCom", "vProd")]
    if any(len(col) != len(dets) for col in columns):
        columns = [[text(d, f"prod/{c}") or "" for d in dets] for c in ("qCom", "vUnCom", "vProd")]
    for n, (det, q_raw, v_raw, p_raw) in enumerate(zip(dets, *columns, strict=True), start=1):
        qcom, vuncom, vprod = _num(q_raw), _num(v_raw), _num(p_raw)
        if vprod is None or qcom is None or vuncom is None:
            continue
        calc = qcom * vuncom
        if abs(calc - vprod) > _TOLERANCIA_ITEM:
            vprod_el = find(det, "prod/vProd")
            yield finding(
                "NFE_VPROD_ITEM",
                f"item {det.get('nItem') or n}: vProd {brl(vprod)} difere de qCom x vUnCom = {qcom} x {vuncom} = "
                f"{calc.quantize(Decimal('0.01'))} (tolerância R$ 0,01)",
                vprod_el,
                "629",
            )


def rule_icmstot(doc: Doc) -> Iterator[Finding]:
    tot = find(doc.total, "ICMSTot")
    if tot is None:
        return
    for campo, paths, cstat, nome, opcional in _ICMSTOT:
        el = find(tot, campo)
        informado = dec(el)
        soma, presente = _soma(doc, paths)
        if el is None or informado is None:
            if not opcional or not presente or soma == 0:
                continue  # absent mandatory field: the schema names it
            yield finding(
                "NFE_TOTAL_AUSENTE",
                f"ICMSTot/{campo} ({nome}) não informado, mas os itens somam {soma}",
                None,
                cstat,
                fallback=tot,
                suffix=campo,
            )
            continue
        if informado != soma:
            yield finding(
                "NFE_TOTAL_SOMA",
                f"total {campo} ({nome}) informado {informado} difere do somatório dos itens {soma}",
                el,
                cstat,
            )
    # vProd: only items that compose the total (indTot = 1, I17b); in a conjugated NF-e the
    # services (ISSQN) go to ISSQNtot/vServ, so both readings are accepted.
    el = find(tot, "vProd")
    vprod = dec(el)
    if vprod is not None:
        somas = {
            _soma(doc, ("prod/vProd",), COMPOEM_TOTAL)[0],
            _soma(doc, ("prod/vProd",), SEM_ISSQN_COMPOEM_TOTAL)[0],
        }
        if vprod not in somas:
            yield finding(
                "NFE_TOTAL_SOMA",
                f"total vProd informado {brl(vprod)} difere do somatório dos itens com indTot=1 "
                f"{brl(min(somas, key=lambda s: abs(s - vprod)))}",
                el,
                "564",
            )
    # PIS/COFINS of the ICMSTot are those of the items not subject to ISSQN (602/603).
    for campo, path, cstat in (("vPIS", "imposto/PIS/*/vPIS", "602"), ("vCOFINS", "imposto/COFINS/*/vCOFINS", "603")):
        el = find(tot, campo)
        informado = dec(el)
        soma, _ = _soma(doc, (path,), SEM_ISSQN)
        if informado is not None and informado != soma:
            yield finding(
                "NFE_TOTAL_SOMA",
                f"total {campo} informado {brl(informado)} difere do somatório dos itens sujeitos ao ICMS {brl(soma)}",
                el,
                cstat,
            )
    # vTotTrib (Lei 12.741/2012): compared only when the items inform it.
    el = find(tot, "vTotTrib")
    informado = dec(el)
    soma, presente = _soma(doc, ("imposto/vTotTrib",))
    if informado is not None and presente and informado != soma:
        yield finding(
            "NFE_TOTAL_SOMA",
            f"total vTotTrib informado {brl(informado)} difere do somatório dos itens {brl(soma)}",
            el,
            "685",
        )


def _v(tot: etree._Element, campo: str) -> Decimal:
    return dec(tot, campo) or _ZERO


def rule_vnf(doc: Doc) -> Iterator[Finding]:
    """W16-10 (cStat 610): vNF = vProd - vDesc - vICMSDeson + vST + vFCPST + vICMSMonoReten + vFrete
    + vSeg + vOutro + vII + vIPI + vIPIDevol + vServ (ISSQNtot).

    vICMSMonoReten (ICMS monofásico retained from the buyer, CST 15) entered the formula with
    NT 2023.001, which altered W16-10 for the monophasic fuel taxation.

    Exceptions of the MOC: not applied to faturamento direto de veículos novos (veicProd/tpOp = 2)
    nor to imports (CFOP 3xxx); not subtracting vICMSDeson is tolerated (NT 2013.005 v1.22,
    indDeduzDeson of NT 2023.004).
    """
    tot = find(doc.total, "ICMSTot")
    vnf_el = find(tot, "vNF")
    vnf = dec(vnf_el)
    if tot is None or vnf is None:
        return
    if any((el.text or "").strip().startswith("3") for el in findall(doc.inf, "det/prod/CFOP")):
        return
    if any((el.text or "").strip() == "2" for el in findall(doc.inf, "det/prod/veicProd/tpOp")):
        return
    base = (
        _v(tot, "vProd") - _v(tot, "vDesc") + _v(tot, "vST") + _v(tot, "vFCPST") + _v(tot, "vICMSMonoReten")
        + _v(tot, "vFrete")
        + _v(tot, "vSeg") + _v(tot, "vOutro") + _v(tot, "vII") + _v(tot, "vIPI") + _v(tot, "vIPIDevol")
        + (dec(doc.total, "ISSQNtot/vServ") or _ZERO)
    )  # fmt: skip
    deson = _v(tot, "vICMSDeson")
    esperado = base - deson
    if vnf not in (base, esperado):
        yield finding(
            "NFE_VNF",
            f"vNF informado {brl(vnf)} difere do valor calculado {brl(esperado)} (vProd - vDesc - vICMSDeson + vST "
            "+ vFCPST + vICMSMonoReten + vFrete + vSeg + vOutro + vII + vIPI + vIPIDevol + vServ)",
            vnf_el,
            "610",
        )


def rule_reforma(doc: Doc) -> Iterator[Finding]:
    """IBSCBSTot and ISTot equal the item sums; vNFTot equals the sum of the items' vItem (NT 2025.002).

    The NT 2025.002 rejections (10xx) are not in our cStat reference table, so no cStat is given.
    """
    if doc.total is None:
        return
    for total_path, item_path, nome in _REFORMA:
        el = find(doc.total, total_path)
        informado = dec(el)
        if informado is None:
            continue
        soma, _ = _soma(doc, (item_path,))
        if informado != soma:
            yield finding(
                "NFE_TOTAL_REFORMA",
                f"total {total_path.rsplit('/', 1)[-1]} ({nome}) informado {brl(informado)} difere do somatório "
                f"dos itens {brl(soma)}",
                el,
                None,
            )
    el = find(doc.total, "vNFTot")
    informado = dec(el)
    n_itens = len(doc.dets())
    if informado is not None and n_itens and len(texts(doc.inf, "n:det/n:vItem/text()")) == n_itens:
        soma, _ = _soma(doc, ("vItem",))
        if informado != soma:
            yield finding(
                "NFE_VNFTOT",
                f"vNFTot informado {brl(informado)} difere do somatório de vItem dos itens {brl(soma)}",
                el,
                None,
            )


def rule_issqntot(doc: Doc) -> Iterator[Finding]:
    """ISSQNtot over the items subject to ISSQN: vServ (605, their vProd), vBC (606), vISS (607),
    vPIS (608), vCOFINS (609)."""
    tot = find(doc.total, "ISSQNtot")
    if tot is None:
        return
    checks = (
        ("vServ", ("prod/vProd",), "605", "valor dos serviços"),
        ("vBC", ("imposto/ISSQN/vBC",), "606", "base de cálculo do ISS"),
        ("vISS", ("imposto/ISSQN/vISSQN",), "607", "ISS"),
        ("vPIS", ("imposto/PIS/*/vPIS",), "608", "PIS dos serviços"),
        ("vCOFINS", ("imposto/COFINS/*/vCOFINS",), "609", "COFINS dos serviços"),
    )
    for campo, paths, cstat, nome in checks:
        el = find(tot, campo)
        informado = dec(el)
        if informado is None:
            continue
        soma, _ = _soma(doc, paths, COM_ISSQN)
        if informado != soma:
            yield finding(
                "NFE_TOTAL_ISSQN",
                f"ISSQNtot/{campo} ({nome}) informado {brl(informado)} difere do somatório dos itens {brl(soma)}",
                el,
                cstat,
            )
