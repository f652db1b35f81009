"""Rendering rules (order, decimals, namespace, no empty tags) and parsing through the hardened parser."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from pydantic import ValidationError

from engine.errors import XmlError, XmlSecurityError
from engine.nfe import model, xmlio
from engine.nfe.model.messages import describe
from engine.xml.parser import c14n, parse_xml, parse_xml_file
from engine.xsd import schema_findings

NFE = "{http://www.portalfiscal.inf.br/nfe}"
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "nfe"
SIGNED = FIXTURES / "real" / "nfelib_35180834128745000152550010000474281920007498-nfe.xml"
PROC = FIXTURES / "real" / "nfelib_41170706117473000150550010000463202612756525-procNFe.xml"


def _signed_nfe() -> model.NFe:
    proc = xmlio.parse(parse_xml_file(SIGNED))
    assert isinstance(proc, model.NfeProc)
    return proc.NFe


def _icms_tot(**values: str) -> model.ICMSTot:
    zero = dict.fromkeys(
        ["vBC", "vICMS", "vICMSDeson", "vFCP", "vBCST", "vST", "vFCPST", "vFCPSTRet", "vProd", "vFrete",
         "vSeg", "vDesc", "vII", "vIPI", "vIPIDevol", "vPIS", "vCOFINS", "vOutro", "vNF"],
        "0",
    )  # fmt: skip
    zero.update(values)
    return model.ICMSTot.model_validate(zero)


def test_fixed_places_are_always_written() -> None:
    tot = _icms_tot(vProd="10", vNF="10.5")
    el = xmlio.render(model.Total(ICMSTot=tot), tag="total")
    assert el.findtext(f"{NFE}ICMSTot/{NFE}vProd") == "10.00"
    assert el.findtext(f"{NFE}ICMSTot/{NFE}vNF") == "10.50"
    assert el.findtext(f"{NFE}ICMSTot/{NFE}vBC") == "0.00"


def test_variable_places_keep_the_given_scale_within_the_allowed_ones() -> None:
    doc = _signed_nfe()
    prod = doc.infNFe.det[0].prod
    prod2 = prod.model_copy(update={"qCom": Decimal("2.5"), "vUnCom": Decimal("3.1400000000")})
    det = doc.infNFe.det[0].model_copy(update={"prod": prod2})
    el = xmlio.render(det, tag="det")
    assert el.findtext(f"{NFE}prod/{NFE}qCom") == "2.5"
    assert el.findtext(f"{NFE}prod/{NFE}vUnCom") == "3.1400000000"
    icms = model.ICMS00(orig="0", modBC="3", vBC=Decimal("100"), pICMS=Decimal("18.5"), vICMS=Decimal("18.5"))
    icms_el = xmlio.render(icms, tag="ICMS00")
    assert icms_el.findtext(f"{NFE}pICMS") == "18.50"  # TDec_0302a04: 0 or 2..4 places
    assert icms_el.findtext(f"{NFE}vICMS") == "18.50"


def test_root_has_the_nfe_default_namespace_and_attributes_in_place() -> None:
    doc = _signed_nfe()
    data = xmlio.render_bytes(doc)
    assert data.startswith(b'<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe ')
    assert b'versao="4.00"' in data and b'Id="NFe35180834128745000152550010000474281920007498"' in data
    assert xmlio.render_bytes(doc, xml_declaration=True).startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<NFe")


def test_no_empty_optional_groups_or_tags() -> None:
    # infAdic with every field absent would be an empty tag: it is left out.
    doc = _signed_nfe()
    inf = doc.infNFe.model_copy(update={"infAdic": model.InfAdic(), "cobr": None})
    el = xmlio.render(doc.model_copy(update={"infNFe": inf}))
    assert el.find(f".//{NFE}infAdic") is None
    assert all(len(e) or (e.text is not None) for e in el.iter(f"{NFE}*") if e.tag not in (f"{NFE}cEAN",))


def test_signature_bytes_pass_through_unchanged() -> None:
    source = parse_xml_file(SIGNED)
    found = source.find(f"{NFE}NFe/{{http://www.w3.org/2000/09/xmldsig#}}Signature")
    assert found is not None
    original = etree.tostring(found, with_tail=False)
    doc = _signed_nfe()
    assert doc.Signature == original
    rendered = xmlio.render(doc)
    sig = rendered.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert sig is not None and etree.tostring(sig, with_tail=False) == original


def test_rendered_signed_documents_validate_against_the_xsd() -> None:
    for path in (SIGNED, PROC):
        assert schema_findings(xmlio.render(xmlio.parse(parse_xml_file(path)))) == []


def test_parse_bytes_goes_through_the_hardened_parser() -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><NFe>&e;</NFe>'
    with pytest.raises(XmlSecurityError):
        xmlio.parse(evil)


def test_parse_names_unknown_elements_and_roots() -> None:
    with pytest.raises(XmlError, match="não existe no leiaute"):
        xmlio.parse(b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><x>1</x></consStatServ>')
    with pytest.raises(XmlError, match="não é suportado"):
        xmlio.parse(b'<foo xmlns="http://www.portalfiscal.inf.br/nfe"/>')
    with pytest.raises(XmlError, match="namespace"):
        xmlio.parse(b"<NFe/>")


def test_parse_reports_invalid_values_with_their_path() -> None:
    bad = (
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
        b"<tpAmb>3</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>"
    )
    with pytest.raises(XmlError, match="consStatServ/tpAmb"):
        xmlio.parse(bad)


def test_messages_render_and_parse() -> None:
    msg = model.ConsStatServ(tpAmb="2", cUF="35")
    data = xmlio.render_bytes(msg)
    assert data == (
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
        b"<tpAmb>2</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>"
    )
    assert xmlio.parse(data) == msg
    assert schema_findings(etree.fromstring(data)) == []


def test_json_has_the_root_name_and_decimals_as_strings() -> None:
    doc = _signed_nfe()
    data = json.loads(xmlio.to_json(doc))
    assert list(data) == ["NFe"]
    assert data["NFe"]["infNFe"]["total"]["ICMSTot"]["vNF"] == str(doc.infNFe.total.ICMSTot.vNF)
    assert data["NFe"]["infNFe"]["versao"] == "4.00"
    assert xmlio.from_json(json.dumps(data)) == doc


def test_from_json_rejects_unknown_shapes() -> None:
    with pytest.raises(XmlError, match="única chave"):
        xmlio.from_json("{}")
    with pytest.raises(XmlError, match="JSON inválido"):
        xmlio.from_json("{")
    with pytest.raises(XmlError, match="não é suportado"):
        xmlio.from_json('{"foo": {}}')


def test_render_needs_a_root_name_for_inner_groups() -> None:
    with pytest.raises(XmlError, match="não é um documento raiz"):
        xmlio.render(model.InfAdic(infCpl="x"))


def test_model_errors_are_in_portuguese_with_the_field_path() -> None:
    missing_and_bad = (
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
        b"<tpAmb>1</tpAmb><xServ>STATU</xServ></consStatServ>"
    )
    with pytest.raises(XmlError) as info:
        xmlio.parse(missing_and_bad)
    assert info.value.code == "MODELO_INVALIDO"
    assert "consStatServ/cUF: campo obrigatório ausente" in info.value.mensagem
    assert "consStatServ/xServ: código 'STATU' não é aceito; valores válidos: 'STATUS'" in info.value.mensagem
    with pytest.raises(ValidationError) as bad:
        _icms_tot(vNF="1.234", vProd="-1")
    text = describe(bad.value, "ICMSTot")
    assert "ICMSTot/vProd: valor '-1' não pode ser negativo" in text
    assert "ICMSTot/vNF: valor '1.234' com mais de 2 casas decimais" in text


@pytest.mark.parametrize(
    ("places", "value", "text"),
    [
        ((2,), "10", "10.00"),  # TDec_1302: fixed places always written
        ((2,), "1E+2", "100.00"),  # never scientific notation
        ((2,), "-0", "0.00"),  # no negative zero
        ((2,), "0.005", "0.00"),  # half-even (ABNT NBR 5891) when a caller passes more places
        ((0, 1, 2, 3, 4), "2.5", "2.5"),  # TDec_1104v: the given scale is kept
        ((0, 1, 2, 3, 4), "2.50000", "2.5000"),  # beyond the maximum: rounded to it
        ((0, 2, 3, 4), "18.5", "18.50"),  # TDec_0302a04: 1 place is not allowed, padded to 2
        ((0, 2, 3, 4), "18", "18"),
        ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), "0E-12", "0.0000000000"),
    ],
)
def test_decimal_text(places: tuple[int, ...], value: str, text: str) -> None:
    assert xmlio._decimal_converter(places)(Decimal(value)) == text


# A consultation answer carrying an event: detEvento is xs:any in leiauteConsSitNFe, kept as bytes.
RET_CONS_SIT = (
    b'<retConsSitNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP'
    b'_NFE_PL_010</verAplic><cStat>100</cStat><xMotivo>Autorizado o uso da NF-e</xMotivo><cUF>35</cUF><dhR'
    b'ecbto>2026-09-05T18:30:00-03:00</dhRecbto><chNFe>35260912345678000195550010000005011834957291</chNFe'
    b'><protNFe versao="4.00"><infProt><tpAmb>2</tpAmb><verAplic>SP_NFE_PL_010</verAplic><chNFe>3526091234'
    b'5678000195550010000005011834957291</chNFe><dhRecbto>2026-09-05T18:25:00-03:00</dhRecbto><nProt>13526'
    b'0000012345</nProt><digVal>q1Zk5wWqJt0H5Yk6Q0x0r9d2Fz8=</digVal><cStat>100</cStat><xMotivo>Autorizado'
    b' o uso da NF-e</xMotivo></infProt></protNFe><procEventoNFe versao="1.00"><evento versao="1.00"><infE'
    b'vento Id="ID1101113526091234567800019555001000000501183495729101"><cOrgao>35</cOrgao><tpAmb>2</tpAmb'
    b'><CNPJ>12345678000195</CNPJ><chNFe>35260912345678000195550010000005011834957291</chNFe><dhEvento>202'
    b'6-09-05T18:29:00-03:00</dhEvento><tpEvento>110111</tpEvento><nSeqEvento>1</nSeqEvento><verEvento>1.0'
    b'0</verEvento><detEvento versao="1.00"><descEvento>Cancelamento</descEvento><nProt>135260000012345</n'
    b'Prot><xJust>Pedido cancelado pelo cliente</xJust></detEvento></infEvento></evento><retEvento versao='
    b'"1.00"><infEvento><tpAmb>2</tpAmb><verAplic>SP_EVENTOS_PL_100</verAplic><cOrgao>35</cOrgao><cStat>13'
    b'5</cStat><xMotivo>Evento registrado e vinculado a NF-e</xMotivo><chNFe>35260912345678000195550010000'
    b'005011834957291</chNFe><tpEvento>110111</tpEvento><xEvento>Cancelamento registrado</xEvento><nSeqEve'
    b'nto>1</nSeqEvento><dhRegEvento>2026-09-05T18:29:30-03:00</dhRegEvento><nProt>135260000012399</nProt>'
    b'</infEvento></retEvento></procEventoNFe></retConsSitNFe>'
)


def test_xs_any_content_is_kept_as_exact_bytes() -> None:
    doc = xmlio.parse(RET_CONS_SIT)
    assert isinstance(doc, model.RetConsSitNFe)
    det = doc.procEventoNFe[0].evento.infEvento.detEvento
    assert det.startswith(b'<detEvento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00"><descEvento>')
    assert c14n(xmlio.render(doc)) == c14n(parse_xml(RET_CONS_SIT))
    assert c14n(xmlio.render(xmlio.from_json(xmlio.to_json(doc)))) == c14n(parse_xml(RET_CONS_SIT))


def test_parse_refuses_a_repeated_single_element_and_skips_comments() -> None:
    twice = (
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
        b"<tpAmb>2</tpAmb><tpAmb>2</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>"
    )
    with pytest.raises(XmlError, match="'tpAmb' repetido"):
        xmlio.parse(twice)
    commented = (
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><!-- x -->'
        b"<tpAmb>2</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>"
    )
    assert xmlio.parse(commented) == model.ConsStatServ(tpAmb="2", cUF="35")


def test_render_follows_assignments_after_construction() -> None:
    # Rendering walks only the fields a model was given (its shape, cached per class): a field set
    # later by assignment must still be written, and one reset to None must disappear.
    from engine.nfe.model import Ide

    fields = {"cUF": "35", "cNF": "40718253", "natOp": "VENDA", "mod": "65", "serie": "1", "nNF": "7",
              "dhEmi": "2026-12-04T10:00:00-03:00", "tpNF": "1", "idDest": "1", "cMunFG": "3550308",
              "tpImp": "4", "tpEmis": "1", "cDV": "0", "tpAmb": "2", "finNFe": "1", "indFinal": "1",
              "indPres": "1", "procEmi": "0", "verProc": "t"}  # fmt: skip
    ide = Ide.model_validate(fields)
    first = etree.tostring(xmlio.render(ide, tag="ide"))
    assert b"dhCont" not in first
    ide.dhCont = "2026-12-04T10:05:00-03:00"
    ide.xJust = "Falha de comunicacao com a SEFAZ"
    second = etree.tostring(xmlio.render(ide, tag="ide"))
    assert b"<dhCont>2026-12-04T10:05:00-03:00</dhCont><xJust>" in second
    ide.dhCont = None
    ide.xJust = None
    assert etree.tostring(xmlio.render(ide, tag="ide")) == first
