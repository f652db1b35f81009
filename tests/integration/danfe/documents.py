"""Documents for the DANFE tests, derived from the fixture corpus with lxml.

The made fixtures are NFe without protocol; an authorised document is the same NFe inside an
``nfeProc`` with a ``protNFe`` shaped as SEFAZ answers it (procNFe_v4.00.xsd, MOC 4.2.2). The EPEC
case changes a normal NF-e to tpEmis 4 (with the chave recomputed: tpEmis is its 35th character)
and pairs it with the ``procEventoNFe`` of its 110140 registration.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from engine.nfe.chave import dv_chave
from engine.xml.parser import parse_xml

NS = "http://www.portalfiscal.inf.br/nfe"
N = "{" + NS + "}"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "nfe"
MADE = FIXTURES / "made"
REAL = FIXTURES / "real"

NFE_REAL_PRODUCAO = REAL / "nfelib_35180834128745000152550010000474281920007498-nfe.xml"
NFE_REAL_HOMOLOGACAO = REAL / "nfelib_procNFe.xml"  # tpAmb 2, authorised by SEFAZ PR homologação
NFE_SVC_AN = MADE / "nfe55_sp_svcan_contingencia.xml"
NFE_SVC_RS = MADE / "nfe55_ba_arma_svcrs_contingencia.xml"
NFE_NORMAL = MADE / "nfe55_sp_icms00_10_20_transp_cobr.xml"
NFCE_ONLINE = MADE / "nfce65_sp_online_qrv2_dinheiro_cartao_troco.xml"
NFCE_OFFLINE = MADE / "nfce65_mg_contingencia_offline.xml"


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, N + name)
    if text is not None:
        el.text = text
    return el


def chave_of(nfe: etree._Element) -> str:
    inf = nfe.find(N + "infNFe") if nfe.tag == N + "NFe" else nfe.find(f"{N}NFe/{N}infNFe")
    assert inf is not None
    return str(inf.get("Id"))[3:]


def set_ide(data: bytes, **fields: str) -> bytes:
    """The same NFe with ide fields replaced (tpAmb, ...)."""
    root = parse_xml(data)
    ide = root.find(f"{N}infNFe/{N}ide")
    assert ide is not None
    for name, value in fields.items():
        el = ide.find(N + name)
        assert el is not None, name
        el.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def with_protocol(
    data: bytes,
    *,
    n_prot: str,
    dh_recbto: str,
    cstat: str = "100",
    xmotivo: str = "Autorizado o uso da NF-e",
    chave: str | None = None,
) -> bytes:
    """``nfeProc`` = the NFe + a protNFe for ``chave`` (by default the NFe's own)."""
    nfe = parse_xml(data)
    tp_amb = nfe.findtext(f"{N}infNFe/{N}ide/{N}tpAmb")
    proc = etree.Element(N + "nfeProc", {"versao": "4.00"}, nsmap={None: NS})  # type: ignore[dict-item]
    proc.append(nfe)
    prot = _el(proc, "protNFe")
    prot.set("versao", "4.00")
    inf = _el(prot, "infProt")
    _el(inf, "tpAmb", tp_amb)
    _el(inf, "verAplic", "SIMULADOR-1.0")
    _el(inf, "chNFe", chave or chave_of(nfe))
    _el(inf, "dhRecbto", dh_recbto)
    _el(inf, "nProt", n_prot)
    _el(inf, "cStat", cstat)
    _el(inf, "xMotivo", xmotivo)
    return etree.tostring(proc, xml_declaration=True, encoding="UTF-8")


def to_epec(data: bytes, *, dh_cont: str, x_just: str) -> bytes:
    """A normal NF-e turned into tpEmis 4 (EPEC): tpEmis, dhCont, xJust, and the chave/cDV redone."""
    root = parse_xml(data)
    inf = root.find(N + "infNFe")
    assert inf is not None
    ide = inf.find(N + "ide")
    assert ide is not None
    ide.find(N + "tpEmis").text = "4"  # type: ignore[union-attr]
    chave43 = chave_of(root)[:34] + "4" + chave_of(root)[35:43]
    dv = dv_chave(chave43)
    ide.find(N + "cDV").text = dv  # type: ignore[union-attr]
    inf.set("Id", "NFe" + chave43 + dv)
    # dhCont and xJust close ide (leiauteNFe_v4.00.xsd: after verProc).
    _el(ide, "dhCont", dh_cont)
    _el(ide, "xJust", x_just)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def epec_proc_evento(chave: str, *, n_prot: str, dh_reg: str, cstat: str = "124", tp_amb: str = "1") -> bytes:
    """The procEventoNFe of an EPEC (110140) registered at the Ambiente Nacional (retEvento part)."""
    proc = etree.Element(N + "procEventoNFe", {"versao": "1.00"}, nsmap={None: NS})  # type: ignore[dict-item]
    evento = _el(proc, "evento")
    evento.set("versao", "1.00")
    inf_ev = _el(evento, "infEvento")
    inf_ev.set("Id", f"ID110140{chave}01")
    _el(inf_ev, "cOrgao", "91")
    _el(inf_ev, "tpAmb", tp_amb)
    _el(inf_ev, "chNFe", chave)
    _el(inf_ev, "tpEvento", "110140")
    ret = _el(proc, "retEvento")
    ret.set("versao", "1.00")
    inf = _el(ret, "infEvento")
    _el(inf, "tpAmb", tp_amb)
    _el(inf, "verAplic", "AN-1.0")
    _el(inf, "cOrgao", "91")
    _el(inf, "cStat", cstat)
    _el(inf, "xMotivo", "EPEC Autorizado" if cstat == "124" else "Rejeicao")
    _el(inf, "chNFe", chave)
    _el(inf, "tpEvento", "110140")
    _el(inf, "nSeqEvento", "1")
    _el(inf, "dhRegEvento", dh_reg)
    _el(inf, "nProt", n_prot)
    return etree.tostring(proc, xml_declaration=True, encoding="UTF-8")
