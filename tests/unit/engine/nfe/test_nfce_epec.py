"""The NFC-e in EPEC (SP, NT 2014.003 "EPEC da NFC-e"): the tpEmis 4 NFC-e with its ON-LINE QR-Code, the
model-65 EPEC event (received by SP, cOrgao 35) in the NT's shape and validated by our model-65 schema,
and the refusals before anything is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

import states
from certificates.xmldsig import sign_document, verify_signature
from engine.errors import InputError, ValidationFailed
from engine.nfe.contingencia import finalize_epec, finalize_offline, to_epec
from engine.nfe.qrcode import check_qrcode
from engine.nfe.validate import validate_document
from engine.sefaz import messages as msg
from engine.xml.parser import parse_xml
from engine.xsd import choose_schema, schema_findings
from tests.unit.engine.nfe.test_contingencia import CURITIBA, LATER, NOW, N, _a1, _build, _csrt, _emitente, _nfce

XJUST = "Autorizador da NFC-e sem resposta no prazo do PDV; contingencia EPEC"
EP = states.endpoint("SP", "65", "homologacao", "RecepcaoEvento_EPEC")


def _epec_nfce(nfce: etree._Element | None = None, *, dest: str = "cpf") -> bytes:
    original, emitente = _nfce()
    doc = nfce if nfce is not None else original
    if dest != "cpf":
        inf = doc.find(f"{N}infNFe")
        assert inf is not None
        old = inf.find(f"{N}dest")
        assert old is not None
        if dest == "none":
            inf.remove(old)
        else:  # a CNPJ consumer (a company buying over the counter), with its address
            for child in list(old):
                old.remove(child)
            etree.SubElement(old, N + "CNPJ").text = "11222333000181"
            ender = etree.SubElement(old, N + "enderDest")
            for name, value in (("xLgr", "Rua A"), ("nro", "1"), ("xBairro", "Centro"), ("cMun", "4106902"),
                                ("xMun", "Curitiba"), ("UF", "PR")):
                etree.SubElement(ender, N + name).text = value
            etree.SubElement(old, N + "indIEDest").text = "9"
    root = to_epec(doc, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente), modelo="65")
    csc = emitente.csc
    return finalize_epec(sign_document(root, _a1()), versao=emitente.qrcode_versao,
                         id_csc=csc.id if csc else None, csc=csc.token if csc else None)


def _event(nfce: bytes) -> etree._Element:
    raw = msg.epec_nfce(EP, nfe=nfce, ver_aplic="OrthoFiscal", now=NOW + timedelta(seconds=9), a1=_a1())
    lote = parse_xml(msg.env_evento([raw], id_lote="1"))  # raises ValidationFailed when the schema refuses it
    assert choose_schema(lote).relpath == "evento_epec_nfce_v1.00/envEPECNFCe_v1.00.xsd"
    return parse_xml(raw)


def test_nfce_in_epec_has_tpemis_4_in_the_chave_and_the_online_qrcode_and_is_valid() -> None:
    final = parse_xml(_epec_nfce())
    inf = final.find(f"{N}infNFe")
    assert inf is not None
    chave = inf.get("Id", "")[3:]
    assert chave[34] == "4" and chave[20:22] == "65"
    assert final.findtext(f"{N}infNFe/{N}ide/{N}tpEmis") == "4"
    qr = final.findtext(f"{N}infNFeSupl/{N}qrCode") or ""
    # On-line form: chave|versão|tpAmb (v3) - no dhEmi day, vNF or signature as in the off-line form.
    assert qr.split("?p=", 1)[1].split("|")[:3] == [chave, "3", "2"]
    assert check_qrcode(final) == []
    report = validate_document(final, now=LATER)
    assert report.valid, [f.mensagem for f in report.findings]
    assert verify_signature(final).valid


def test_epec_nfce_only_in_a_uf_that_runs_it_and_never_for_the_offline_qrcode() -> None:
    original, emitente = _nfce()
    pr = _emitente("emitente-normal", endereco=CURITIBA)

    with pytest.raises(InputError) as other_uf:
        to_epec(_build("nfce-venda", pr), now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(pr), modelo="65")
    assert other_uf.value.code == "CONTINGENCIA_EPEC_UF" and "off-line" in other_uf.value.mensagem
    with pytest.raises(InputError) as model:
        to_epec(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente))  # modelo 55 by default
    assert model.value.code == "CONTINGENCIA_MODELO"
    with pytest.raises(InputError) as reused:
        to_epec(original, now=LATER, xjust=XJUST, transmitida=True, csrt=_csrt(emitente), modelo="65")
    assert reused.value.code == "CONTINGENCIA_NUMERO" and reused.value.cstat == "539"
    signed = sign_document(to_epec(original, now=LATER, xjust=XJUST, transmitida=False, csrt=_csrt(emitente),
                                   modelo="65"), _a1())
    with pytest.raises(InputError) as offline_qr:
        finalize_offline(signed, versao=3, signer=_a1())
    assert offline_qr.value.code == "CONTINGENCIA_TPEMIS"


@pytest.mark.parametrize("dest", ["cpf", "none", "cnpj"])
def test_epec_event_of_the_nfce_has_the_model_65_detevento(dest: str) -> None:
    nfce = _epec_nfce(dest=dest)
    doc = parse_xml(nfce)
    event = _event(nfce)
    inf = event.find(f"{N}infEvento")
    assert inf is not None
    chave = doc.find(f"{N}infNFe").get("Id", "")[3:]  # type: ignore[union-attr]
    assert inf.get("Id") == f"ID110140{chave}01"
    assert (inf.findtext(f"{N}cOrgao"), inf.findtext(f"{N}tpEvento"), inf.findtext(f"{N}CNPJ")) == (
        "35", "110140", chave[6:20])
    det = inf.find(f"{N}detEvento")
    assert det is not None
    names = [etree.QName(c).localname for c in det]
    expected_dest = [] if dest == "none" else ["dest"]
    assert names == ["descEvento", "cOrgaoAutor", "tpAutor", "verAplic", "dhEmi", "tpNF", "IE", *expected_dest,
                     "vNF", "vICMS"]
    assert det.findtext(f"{N}vNF") == doc.findtext(f"{N}infNFe/{N}total/{N}ICMSTot/{N}vNF")
    assert det.findtext(f"{N}dhEmi") == doc.findtext(f"{N}infNFe/{N}ide/{N}dhEmi")
    if dest == "cpf":  # no address on the NFC-e: the consumer bought in the emitter's UF
        assert [etree.QName(c).localname for c in det.find(f"{N}dest")] == ["UF", "CPF"]  # type: ignore[union-attr]
        assert det.findtext(f"{N}dest/{N}UF") == "SP"
    if dest == "cnpj":
        assert det.findtext(f"{N}dest/{N}UF") == "PR" and det.findtext(f"{N}dest/{N}CNPJ") == "11222333000181"
    assert det.find(f"{N}dest/{N}vNF") is None and det.find(f".//{N}vST") is None
    assert verify_signature(event).valid


def test_the_nfe_epec_shape_is_refused_by_the_model_65_schema() -> None:
    """The trap of reusing the NF-e EPEC: vNF/vICMS/vST inside dest fail our model-65 schema (215/225)."""
    event = _event(_epec_nfce())
    det = event.find(f"{N}infEvento/{N}detEvento")
    assert det is not None
    dest = det.find(f"{N}dest")
    assert dest is not None
    for name in ("vNF", "vICMS"):
        el = det.find(N + name)
        assert el is not None
        det.remove(el)
        dest.append(el)
    etree.SubElement(dest, N + "vST").text = "0.00"
    findings = schema_findings(event)
    assert findings and all(f.cstat == "225" for f in findings)


def test_wrong_model_and_inconsistent_documents_are_refused_before_sending() -> None:
    nfce = _epec_nfce()
    an = states.endpoint("SP", "55", "homologacao", "RecepcaoEvento_EPEC")
    with pytest.raises(ValidationFailed) as to_an:  # the NF-e's AN EPEC for an NFC-e
        msg.epec(an, nfe=nfce, ver_aplic="OrthoFiscal", now=NOW, a1=_a1())
    assert to_an.value.findings[0].cstat == "618" and to_an.value.findings[0].path == "chNFe"
    original, _ = _nfce()
    normal = sign_document(original, _a1())
    with pytest.raises(ValidationFailed) as tp_emis:
        msg.epec_nfce(EP, nfe=normal, ver_aplic="OrthoFiscal", now=NOW, a1=_a1())
    assert tp_emis.value.findings[0].path == "ide/tpEmis" and "tpEmis 4" in tp_emis.value.findings[0].mensagem
    with pytest.raises(ValidationFailed) as orgao:  # the AN does not receive the NFC-e's EPEC
        msg.epec_nfce(an, nfe=nfce, ver_aplic="OrthoFiscal", now=NOW, a1=_a1())
    assert orgao.value.findings[0].path == "cOrgao"


def test_dhemi_outside_the_chave_month_is_refused() -> None:
    """NT 2014.003 v1.02 (rule P23-30): the EPEC's dhEmi must fall in the chave's AAMM."""
    nfce = parse_xml(_epec_nfce())
    dh = nfce.find(f"{N}infNFe/{N}ide/{N}dhEmi")
    assert dh is not None
    dh.text = "2027-01-02T10:00:00-03:00"
    resigned = sign_document(nfce, _a1())
    with pytest.raises(ValidationFailed) as late:
        msg.epec_nfce(EP, nfe=resigned, ver_aplic="OrthoFiscal", now=NOW, a1=_a1())
    assert late.value.findings[0].path == "ide/dhEmi" and "AAMM" in late.value.findings[0].mensagem
