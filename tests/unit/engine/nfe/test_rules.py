"""Business rules over the lxml tree: a consistent document gives no finding; each minimally
broken variant gives the finding of its rule, at the right field, with the cStat it avoids."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import nfelib
import pytest
from lxml import etree

from engine.errors import Finding
from engine.nfe.chave import dv_chave
from engine.nfe.rules import event_findings, nfe_findings
from engine.xml.parser import parse_xml, parse_xml_file

SAMPLES = Path(nfelib.__file__).parent / "nfe" / "samples" / "v4_0"
NS = {"n": "http://www.portalfiscal.inf.br/nfe", "ds": "http://www.w3.org/2000/09/xmldsig#"}
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
BASE = "35180834128745000152550010000474281920007498-nfe.xml"  # NF-e, 6 items, authorized (cStat 100)

# Samples whose fields are mutually consistent (authorized documents).
CONSISTENT = [
    "35180834128745000152550010000474281920007498-nfe.xml",
    "35180834128745000152550010000474491454651420-nfe.xml",
    "35180834128745000152550010000474501597356342-nfe.xml",
    "35180834128745000152550010000474641681223493-nfe.xml",
    "35180834128745000152550010000476051695511860-nfe.xml",
    "35180834128745000152550010000476121675985748-nfe.xml",
    "35180834128745000152550010000476491552806942-nfe.xml",
    "35180834128745000152550010000476711079516696-nfe.xml",
    "35180834128745000152550010000476781421693968-nfe.xml",
    "35180834128745000152550010000476861118934859-nfe.xml",
    "42210775277525000178550030000266631762885493-procNFe.xml",
    "42211275277525000178550030000276771368212013-procNFe.xml",
    "42220575277525000178550030000292481295366801-procNFe.xml",
]


def q(tag: str) -> str:
    return f"{{{NS['n']}}}{tag}"


def load(name: str = BASE) -> etree._Element:
    return parse_xml_file(SAMPLES / "leiauteNFe" / name)


def node(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list) and len(found) == 1, path
    el = found[0]
    assert isinstance(el, etree._Element)
    return el


def set_text(root: etree._Element, path: str, value: str) -> etree._Element:
    el = node(root, path)
    el.text = value
    return el


def run(root: etree._Element, now: dt.datetime = NOW) -> list[Finding]:
    return nfe_findings(root, now=now)


def keys(findings: list[Finding]) -> set[tuple[str, str | None, str]]:
    return {(f.code, f.cstat, f.path) for f in findings}


def rekey(root: etree._Element) -> None:
    """After changing a field that is part of the key, recompute cDV and the Id (keeps the chave rule quiet)."""
    ide = node(root, "//n:infNFe/n:ide")
    emit = node(root, "//n:infNFe/n:emit")
    g = lambda p: (ide.findtext(f"n:{p}", namespaces=NS) or "").strip()  # noqa: E731
    dh = g("dhEmi")
    doc = emit.findtext("n:CNPJ", namespaces=NS) or "000" + (emit.findtext("n:CPF", namespaces=NS) or "")
    body = f"{g('cUF')}{dh[2:4]}{dh[5:7]}{doc}{g('mod')}{int(g('serie')):03d}{int(g('nNF')):09d}{g('tpEmis')}{g('cNF')}"
    dv = dv_chave(body)
    set_text(root, "//n:infNFe/n:ide/n:cDV", dv)
    node(root, "//n:infNFe").set("Id", "NFe" + body + dv)


# ------------------------------------------------------------------------------------------ baseline


@pytest.mark.parametrize("name", CONSISTENT)
def test_consistent_authorized_documents_have_no_business_finding(name: str) -> None:
    assert run(load(name)) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # cDV in ide (9) differs from the DV of the key (1) that is in the Id: SEFAZ would answer 253/502.
        ("26180875335849000115550010000016871192213331-nfe.xml", {("NFE_CHAVE_DV", "253"), ("NFE_CHAVE_CAMPO", "502")}),
        # Id built with tpEmis 2, ide says tpEmis 1 (and cDV accordingly).
        ("41170706117473000150550010000463202612756525-procNFe.xml", {("NFE_CHAVE_CAMPO", "502")}),
    ],
)
def test_inconsistent_samples_are_reported(name: str, expected: set[tuple[str, str]]) -> None:
    assert {(f.code, f.cstat) for f in run(load(name))} == expected


# ------------------------------------------------------------------------------------------ chave


def test_cnf_changed_breaks_dv_and_id() -> None:
    root = load()
    set_text(root, "//n:ide/n:cNF", "92000748")
    got = keys(run(root))
    assert ("NFE_CHAVE_DV", "253", "infNFe.ide.cDV") in got
    assert ("NFE_CHAVE_CAMPO", "562", "infNFe.ide.cNF") in got


def test_id_without_literal_and_other_key_field() -> None:
    root = load()
    inf = node(root, "//n:infNFe")
    inf.set("Id", inf.get("Id", "")[3:])
    assert ("NFE_ID_LITERAL", "227", "infNFe") in keys(run(root))
    root = load()
    set_text(root, "//n:ide/n:serie", "2")
    got = keys(run(root))
    assert ("NFE_CHAVE_CAMPO", "502", "infNFe.ide.serie") in got
    rekey(root)
    assert run(root) == []


def test_dhemi_month_differs_from_key() -> None:
    root = load()
    set_text(root, "//n:ide/n:dhEmi", "2018-09-07T09:19:15-03:00")
    set_text(root, "//n:ide/n:dhSaiEnt", "2018-09-07T09:19:15-03:00")
    assert ("NFE_CHAVE_CAMPO", "561", "infNFe.ide.dhEmi") in keys(run(root))


def test_weak_cnf_is_refused() -> None:
    root = load()
    set_text(root, "//n:ide/n:cNF", "00047428")  # equal to nNF
    rekey(root)
    assert keys(run(root)) == {("NFE_CNF_FRACO", "897", "infNFe.ide.cNF")}


# ------------------------------------------------------------------------------------------ CNPJ / CPF


def test_invalid_emitter_cnpj() -> None:
    root = load()
    set_text(root, "//n:emit/n:CNPJ", "34128745000153")
    rekey(root)
    assert keys(run(root)) == {("NFE_CNPJ_INVALIDO", "207", "infNFe.emit.CNPJ")}


def test_invalid_dest_cpf_transporta_and_autxml() -> None:
    root = load()
    dest_cpf = set_text(root, "//n:dest/n:CPF", "68161525651")
    transporta = set_text(root, "//n:transporta/n:CNPJ", "25663791000161")
    inf = node(root, "//n:infNFe")
    aut = etree.Element(q("autXML"))
    etree.SubElement(aut, q("CNPJ")).text = "11222333000180"
    inf.insert(inf.index(node(root, "//n:infNFe/n:total")), aut)
    got = keys(run(root))
    assert got == {
        ("NFE_CPF_INVALIDO", "237", "infNFe.dest.CPF"),
        ("NFE_CNPJ_INVALIDO", "489", "infNFe.autXML[0].CNPJ"),
        ("NFE_CNPJ_INVALIDO", "542", "infNFe.transp.transporta.CNPJ"),
    }
    aut[0].text = "11222333000181"
    dest_cpf.text = "68161525650"
    transporta.text = "25663791000160"
    assert run(root) == []


def test_alphanumeric_cnpj_is_accepted_for_the_dest() -> None:
    root = load()
    dest = node(root, "//n:dest/n:CPF")
    dest.tag = q("CNPJ")
    dest.text = "12ABC34501DE35"
    assert run(root) == []
    dest.text = "12ABC34501DE53"
    assert keys(run(root)) == {("NFE_CNPJ_INVALIDO", "208", "infNFe.dest.CNPJ")}


def test_referenced_key_dv() -> None:
    root = load()
    ide = node(root, "//n:ide")
    ref = etree.Element(q("NFref"))
    etree.SubElement(ref, q("refNFe")).text = "35180834128745000152550010000474281920007490"
    ide.insert(ide.index(node(root, "//n:ide/n:tpImp")) + 1, ref)  # position is irrelevant to the rule
    assert ("NFE_REFNFE_DV", "547", "infNFe.ide.NFref[0].refNFe") in keys(run(root))


# ------------------------------------------------------------------------------------------ totals


def test_item_vprod_must_be_qcom_times_vuncom_within_one_cent() -> None:
    root = load()
    vprod = node(root, "//n:det[2]/n:prod/n:vProd")
    q = Decimal(node(root, "//n:det[2]/n:prod/n:qCom").text or "0")
    v = Decimal(node(root, "//n:det[2]/n:prod/n:vUnCom").text or "0")
    assert Decimal(vprod.text or "0") == (q * v).quantize(Decimal("0.01"))
    vprod.text = str(Decimal(vprod.text or "0") + Decimal("0.02"))
    found = [f for f in run(root) if f.code == "NFE_VPROD_ITEM"]
    assert len(found) == 1
    f = found[0]
    assert (f.cstat, f.path, f.xpath) == ("629", "infNFe.det[1].prod.vProd", "/nfeProc/NFe/infNFe/det[2]/prod/vProd")
    assert f.line == vprod.sourceline
    # the totals now disagree as well
    assert ("NFE_TOTAL_SOMA", "564", "infNFe.total.ICMSTot.vProd") in keys(run(root))


@pytest.mark.parametrize(
    ("campo", "cstat"),
    [
        ("vBC", "531"), ("vICMS", "532"), ("vICMSDeson", "795"), ("vFCP", None), ("vBCST", "533"), ("vST", "534"),
        ("vFCPST", None), ("vFCPSTRet", None), ("vProd", "564"), ("vFrete", "535"), ("vSeg", "536"),
        ("vDesc", "537"), ("vII", "601"), ("vIPI", "538"), ("vIPIDevol", None), ("vPIS", "602"),
        ("vCOFINS", "603"), ("vOutro", "604"), ("vICMSUFDest", "799"), ("vICMSUFRemet", "800"),
    ],
)  # fmt: skip
def test_each_icmstot_field_is_the_item_sum(campo: str, cstat: str | None) -> None:
    root = load()
    el = node(root, f"//n:ICMSTot/n:{campo}")
    el.text = str(Decimal(el.text or "0") + Decimal("1.00"))
    assert ("NFE_TOTAL_SOMA", cstat, f"infNFe.total.ICMSTot.{campo}") in keys(run(root))


def test_vnf_formula() -> None:
    root = load()
    set_text(root, "//n:ICMSTot/n:vNF", "347.29")
    set_text(root, "//n:pag/n:detPag/n:vPag", "347.29")
    assert keys(run(root)) == {("NFE_VNF", "610", "infNFe.total.ICMSTot.vNF")}


def test_vnf_with_icms_desonerado_subtracted_or_not() -> None:
    root = load()
    # put R$ 10,00 of ICMS desonerado on item 1 and in the total; vNF may or may not subtract it
    icms = node(root, "//n:det[1]/n:imposto/n:ICMS/*")
    etree.SubElement(icms, q("vICMSDeson")).text = "10.00"  # the rules read it in any ICMS group
    set_text(root, "//n:ICMSTot/n:vICMSDeson", "10.00")
    assert run(root) == []
    set_text(root, "//n:ICMSTot/n:vNF", "337.28")
    set_text(root, "//n:pag/n:detPag/n:vPag", "337.28")
    assert run(root) == []


def test_vnf_adds_icms_monofasico_retained() -> None:
    # hand-made fixture with ICMS 15 (vICMSMonoReten 560.00): NT 2023.001 added it to W16-10
    path = Path(__file__).resolve().parents[3] / "fixtures" / "nfe" / "made" / "nfe55_mt_combustivel_monofasico.xml"
    root = parse_xml_file(path)
    assert run(root) == []
    set_text(root, "//n:ICMSTot/n:vNF", "21528.70")  # vProd alone, retention left out
    assert ("NFE_VNF", "610", "infNFe.total.ICMSTot.vNF") in keys(run(root))


def _sum(root: etree._Element, path: str) -> Decimal:
    return sum((Decimal(e.text) for e in root.xpath(path, namespaces=NS)), Decimal(0))  # type: ignore[union-attr]


def test_ibscbs_totals_and_vnftot() -> None:
    root = load("nfe_reforma_tributaria.xml")
    pairs = {
        "IBSCBSTot/n:vBCIBSCBS": "n:imposto/n:IBSCBS/n:gIBSCBS/n:vBC",
        "IBSCBSTot/n:gIBS/n:gIBSUF/n:vIBSUF": "n:imposto/n:IBSCBS/n:gIBSCBS/n:gIBSUF/n:vIBSUF",
        "IBSCBSTot/n:gIBS/n:gIBSMun/n:vIBSMun": "n:imposto/n:IBSCBS/n:gIBSCBS/n:gIBSMun/n:vIBSMun",
        "IBSCBSTot/n:gIBS/n:vIBS": "n:imposto/n:IBSCBS/n:gIBSCBS/n:vIBS",
        "IBSCBSTot/n:gCBS/n:vCBS": "n:imposto/n:IBSCBS/n:gIBSCBS/n:gCBS/n:vCBS",
        "ISTot/n:vIS": "n:imposto/n:IS/n:vIS",
    }
    for total, item in pairs.items():
        set_text(root, f"//n:total/n:{total}", f"{_sum(root, '//n:det/' + item):.2f}")
    reforma = [f for f in run(root) if f.code in ("NFE_TOTAL_REFORMA", "NFE_VNFTOT")]
    assert reforma == []
    vcbs = root.xpath("//n:det[1]/n:imposto/n:IBSCBS/n:gIBSCBS/n:gCBS/n:vCBS", namespaces=NS)
    assert isinstance(vcbs, list) and vcbs
    vcbs[0].text = str(Decimal(vcbs[0].text) + 1)  # type: ignore[union-attr]
    got = keys(run(root))
    assert ("NFE_TOTAL_REFORMA", None, "infNFe.total.IBSCBSTot.gCBS.vCBS") in got


def test_vnftot_is_the_sum_of_vitem() -> None:
    root = load("nfe_reforma_tributaria.xml")
    dets = root.xpath("//n:det", namespaces=NS)
    assert isinstance(dets, list) and dets
    for det in dets:  # the sample has no vItem (optional in 2026): give every item one
        assert isinstance(det, etree._Element)
        etree.SubElement(det, q("vItem")).text = det.findtext("n:prod/n:vProd", namespaces=NS)
    total = _sum(root, "//n:det/n:vItem")
    vnftot = node(root, "//n:total/n:vNFTot")
    vnftot.text = f"{total:.2f}"
    assert not [f for f in run(root) if f.code == "NFE_VNFTOT"]
    vnftot.text = f"{total + 1:.2f}"
    assert ("NFE_VNFTOT", None, "infNFe.total.vNFTot") in keys(run(root))


# ------------------------------------------------------------------------------------------ dhEmi


def test_dhemi_in_the_future_beyond_five_minutes() -> None:
    root = load()
    emitted = dt.datetime.fromisoformat("2018-08-07T09:19:15-03:00")
    assert keys(run(root, now=emitted - dt.timedelta(minutes=6))) == {("NFE_DHEMI_FUTURA", "703", "infNFe.ide.dhEmi")}
    assert run(root, now=emitted - dt.timedelta(minutes=4)) == []
    with pytest.raises(ValueError):
        run(root, now=dt.datetime(2026, 1, 1))  # naive clock refused


# ------------------------------------------------------------------------------------------ UF


def test_cmunfg_and_emitter_uf_consistent_with_cuf() -> None:
    root = load()
    set_text(root, "//n:ide/n:cMunFG", "3304557")
    set_text(root, "//n:emit/n:enderEmit/n:cMun", "3304557")
    set_text(root, "//n:emit/n:enderEmit/n:UF", "RJ")
    assert keys(run(root)) == {
        ("NFE_CMUNFG_UF", "271", "infNFe.ide.cMunFG"),
        ("NFE_CMUN_EMIT_UF", "273", "infNFe.emit.enderEmit.cMun"),
        ("NFE_UF_EMIT", "247", "infNFe.emit.enderEmit.UF"),
    }


# ------------------------------------------------------------------------------------------ NFC-e


def _as_nfce(root: etree._Element) -> etree._Element:
    set_text(root, "//n:ide/n:mod", "65")
    rekey(root)
    return root


def test_nfce_restrictions() -> None:
    root = _as_nfce(load())
    got = {(f.code, f.cstat) for f in run(root)}
    # base document: interstate (idDest 2), not presencial (indPres 0), DANFE retrato (tpImp 1), dhSaiEnt
    assert {("NFCE_RESTRICAO", "707"), ("NFCE_RESTRICAO", "717"), ("NFCE_RESTRICAO", "709")} <= got
    assert ("NFCE_GRUPO_PROIBIDO", "705") in got
    set_text(root, "//n:ide/n:idDest", "1")
    set_text(root, "//n:ide/n:indPres", "1")
    set_text(root, "//n:ide/n:tpImp", "4")
    ide = node(root, "//n:ide")
    ide.remove(node(root, "//n:ide/n:dhSaiEnt"))
    for extra in root.xpath("//n:transp/n:transporta | //n:cobr | //n:det/n:imposto/n:IPI", namespaces=NS):
        assert isinstance(extra, etree._Element)
        parent = extra.getparent()
        assert parent is not None
        parent.remove(extra)
    # what is left is the QR-Code group a real NFC-e carries (the base document is an NF-e)
    assert [f.code for f in run(root) if f.code.startswith("NFCE")] == ["NFCE_SEM_QRCODE"]
    ie = etree.SubElement(node(root, "//n:dest"), q("IE"))
    ie.text = "123456789"
    assert ("NFCE_GRUPO_PROIBIDO", "729", "infNFe.dest.IE") in keys(run(root))


def test_nfe_model_55_is_not_subject_to_nfce_rules() -> None:
    assert not [f for f in run(load()) if f.code.startswith("NFCE")]


# ------------------------------------------------------------------------------------------ payments


def test_payment_above_vnf_requires_troco() -> None:
    root = load()
    set_text(root, "//n:pag/n:detPag/n:vPag", "400.00")
    assert keys(run(root)) == {("NFE_PAG_SEM_TROCO", "866", "infNFe.pag.vTroco")}
    troco = etree.SubElement(node(root, "//n:pag"), q("vTroco"))
    troco.text = "50.00"
    assert keys(run(root)) == {("NFE_PAG_TROCO", "869", "infNFe.pag.vTroco")}
    troco.text = "52.72"
    assert run(root) == []


def test_payment_below_vnf() -> None:
    root = load()
    set_text(root, "//n:pag/n:detPag/n:vPag", "300.00")
    assert keys(run(root)) == {("NFE_PAG_INSUFICIENTE", None, "infNFe.pag")}
    _as_nfce(root)
    assert ("NFE_PAG_INSUFICIENTE", "767", "infNFe.pag") in keys(run(root))


def test_sem_pagamento_with_zero_troco_is_accepted() -> None:
    root = load()
    set_text(root, "//n:pag/n:detPag/n:tPag", "90")
    set_text(root, "//n:pag/n:detPag/n:vPag", "0.00")
    etree.SubElement(node(root, "//n:pag"), q("vTroco")).text = "0.00"
    assert run(root) == []


def test_pagamento_posterior_91_is_not_compared_with_vnf() -> None:
    # Informe Técnico 2024.002: tPag 91 "pagamento posterior" carries vPag 0.00.
    root = load()
    set_text(root, "//n:pag/n:detPag/n:tPag", "91")
    set_text(root, "//n:pag/n:detPag/n:vPag", "0.00")
    assert run(root) == []
    _as_nfce(root)
    assert not [f for f in run(root) if f.code == "NFE_PAG_INSUFICIENTE"]


# ------------------------------------------------------------------------------------------ events


def _evento(ch: str, seq: int = 1, ident: str | None = None) -> etree._Element:
    n = NS["n"]
    env = etree.Element(f"{{{n}}}envEvento", nsmap={None: n}, versao="1.00")  # type: ignore[dict-item]
    etree.SubElement(env, f"{{{n}}}idLote").text = "1"
    ev = etree.SubElement(env, f"{{{n}}}evento", versao="1.00")
    inf = etree.SubElement(ev, f"{{{n}}}infEvento", Id=ident or f"ID110111{ch}{seq:02d}")
    for tag, value in (
        ("cOrgao", "35"), ("tpAmb", "2"), ("CNPJ", "34128745000152"), ("chNFe", ch),
        ("dhEvento", "2026-12-04T10:00:00-03:00"), ("tpEvento", "110111"), ("nSeqEvento", str(seq)),
        ("verEvento", "1.00"),
    ):  # fmt: skip
        etree.SubElement(inf, f"{{{n}}}{tag}").text = value
    return parse_xml(etree.tostring(env))


def test_event_id_and_key() -> None:
    ch = "35180834128745000152550010000474281920007498"
    assert event_findings(_evento(ch)) == []
    got = {(f.code, f.cstat) for f in event_findings(_evento(ch, ident="ID110111" + ch + "02"))}
    assert got == {("EVENTO_ID", "572")}
    bad = ch[:43] + "0"
    assert ("EVENTO_CHAVE", "236") in {(f.code, f.cstat) for f in event_findings(_evento(bad))}


def test_inutilizacao_range_and_id() -> None:
    root = parse_xml_file(next((SAMPLES / "leiauteInutNFe").glob("*.xml")))
    assert event_findings(root) == []
    set_text(root, "//n:nNFIni", "102")
    got = {(f.code, f.cstat) for f in event_findings(root)}
    assert got == {("INUT_FAIXA", "224"), ("INUT_ID", None)}


def test_rules_ignore_other_roots() -> None:
    root = parse_xml(b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"/>')
    assert nfe_findings(root, now=NOW) == [] and event_findings(root) == []


def test_rules_do_not_mutate_the_document() -> None:
    root = load()
    before = etree.tostring(root)
    run(copy.deepcopy(root))
    run(root)
    assert etree.tostring(root) == before


def test_batch_envinfe_checks_every_nfe_and_names_it_in_the_xpath() -> None:
    n = NS["n"]
    lote = etree.Element(q("enviNFe"), nsmap={None: n}, versao="4.00")  # type: ignore[dict-item]
    etree.SubElement(lote, q("idLote")).text = "1"
    etree.SubElement(lote, q("indSinc")).text = "0"
    good = node(load(), "//n:NFe")
    bad = copy.deepcopy(good)
    lote.append(copy.deepcopy(good))
    lote.append(bad)
    node(bad, "n:infNFe/n:total/n:ICMSTot/n:vNF").text = "1.00"
    root = parse_xml(etree.tostring(lote))
    found = [f for f in run(root) if f.code == "NFE_VNF"]
    assert [(f.path, f.xpath) for f in found] == [
        ("infNFe.total.ICMSTot.vNF", "/enviNFe/NFe[2]/infNFe/total/ICMSTot/vNF")
    ]


MADE = Path(__file__).resolve().parents[3] / "fixtures" / "nfe" / "made"


def test_issqntot_fields_are_the_service_item_sums() -> None:
    root = parse_xml_file(MADE / "nfe55_sp_conjugada_issqn_rettrib.xml")
    assert run(root) == []
    for campo, cstat in (("vServ", "605"), ("vBC", "606"), ("vISS", "607"), ("vPIS", "608"), ("vCOFINS", "609")):
        broken = copy.deepcopy(root)
        el = node(broken, f"//n:ISSQNtot/n:{campo}")
        el.text = str(Decimal(el.text or "0") + 1)
        assert ("NFE_TOTAL_ISSQN", cstat, f"infNFe.total.ISSQNtot.{campo}") in keys(run(broken)), campo


def test_vtottrib_compared_when_the_items_inform_it() -> None:
    root = load()  # the items inform vTotTrib 0.00 each; the total has none
    tot = node(root, "//n:ICMSTot")
    etree.SubElement(tot, q("vTotTrib")).text = "10.00"
    assert keys(run(root)) == {("NFE_TOTAL_SOMA", "685", "infNFe.total.ICMSTot.vTotTrib")}
    set_text(root, "//n:det[1]/n:imposto/n:vTotTrib", "10.00")
    assert run(root) == []
    for item in root.xpath("//n:det/n:imposto/n:vTotTrib", namespaces=NS):
        assert isinstance(item, etree._Element)
        parent = item.getparent()
        assert parent is not None
        parent.remove(item)
    assert run(root) == []  # no item informs it: nothing to compare with


def test_optional_total_missing_while_items_carry_it() -> None:
    root = load()
    tot = node(root, "//n:ICMSTot")
    tot.remove(node(root, "//n:ICMSTot/n:vICMSUFDest"))
    assert ("NFE_TOTAL_AUSENTE", "799", "infNFe.total.ICMSTot.vICMSUFDest") in keys(run(root))


def test_event_findings_locate_the_event_inside_the_batch() -> None:
    ch = "35180834128745000152550010000474281920007498"
    env = _evento(ch)
    second = copy.deepcopy(node(env, "n:evento"))
    node(second, "n:infEvento").set("Id", "ID110111" + ch + "09")
    env.append(second)
    found = event_findings(parse_xml(etree.tostring(env)))
    assert [(f.code, f.xpath) for f in found] == [("EVENTO_ID", "/envEvento/evento[2]/infEvento")]
    assert found[0].path == "evento[1].infEvento"


def test_infnfesupl_required_in_nfce_and_refused_in_nfe() -> None:
    root = parse_xml_file(MADE / "nfce65_sp_pagamentos_multiplos.xml")
    assert run(root) == []
    supl = node(root, "//n:infNFeSupl")
    root.remove(supl)
    assert keys(run(root)) == {("NFCE_SEM_QRCODE", "394", "infNFeSupl")}
    nfe = load()
    node(nfe, "//n:NFe").insert(1, supl)
    assert keys(run(nfe)) == {("NFE_INFNFESUPL", "393", "infNFeSupl")}
