"""Every official schema resolves its includes/imports from disk and compiles, offline."""

import re

import pytest
from lxml import etree

from engine.xsd import all_schema_files, choose_schema, compiled, compiled_type, fragment_findings, schema_findings
from schemas import XSD_DIR

ALL_XSD = sorted(p.relative_to(XSD_DIR).as_posix() for p in XSD_DIR.rglob("*.xsd"))


@pytest.mark.parametrize("relpath", ALL_XSD)
def test_every_include_and_import_resolves_to_a_shipped_file(relpath: str) -> None:
    path = XSD_DIR / relpath
    text = path.read_text(encoding="utf-8")
    for location in re.findall(r'schemaLocation="([^"]+)"', text):
        assert not location.startswith(("http:", "https:")), location
        assert (path.parent / location).is_file(), f"{relpath}: {location} missing"


@pytest.mark.parametrize("relpath", ALL_XSD)
def test_each_schema_compiles_offline(relpath: str) -> None:
    assert isinstance(compiled(relpath), etree.XMLSchema)


def test_registry_entry_points_are_shipped() -> None:
    for rel in all_schema_files():
        assert (XSD_DIR / rel).is_file()


def test_schema_is_chosen_by_root_and_tp_evento() -> None:
    ns = "http://www.portalfiscal.inf.br/nfe"
    ev = etree.fromstring(
        f'<envEvento xmlns="{ns}"><evento><infEvento><tpEvento>110111</tpEvento></infEvento></evento></envEvento>'
    )
    assert choose_schema(ev).relpath.endswith("envEventoCancNFe_v1.00.xsd")
    assert choose_schema(etree.fromstring(f'<NFe xmlns="{ns}"/>')).relpath.endswith("nfe_v4.00.xsd")


NS = "http://www.portalfiscal.inf.br/nfe"


def test_consulta_cadastro_request_and_answer_choose_and_pass_their_schemas() -> None:
    request = etree.fromstring(
        f'<ConsCad xmlns="{NS}" versao="2.00"><infCons><xServ>CONS-CAD</xServ><UF>SP</UF>'
        "<CNPJ>11222333000181</CNPJ></infCons></ConsCad>"
    )
    assert choose_schema(request).relpath == "conscad_v2.00/consCad_v2.00.xsd"
    assert schema_findings(request) == []
    answer = etree.fromstring(
        f'<retConsCad xmlns="{NS}" versao="2.00"><infCons><verAplic>SP_NFE_PL_008i2</verAplic>'
        "<cStat>111</cStat><xMotivo>Consulta cadastro com uma ocorrencia</xMotivo><UF>SP</UF>"
        "<CNPJ>11222333000181</CNPJ><dhCons>2026-11-05T10:00:00-03:00</dhCons><cUF>35</cUF>"
        "<infCad><IE>110042490114</IE><CNPJ>11222333000181</CNPJ><UF>SP</UF><cSit>1</cSit>"
        "<indCredNFe>1</indCredNFe><indCredCTe>4</indCredCTe><xNome>EMPRESA TESTE LTDA</xNome></infCad>"
        "</infCons></retConsCad>"
    )
    assert choose_schema(answer).relpath == "conscad_v2.00/retConsCad_v2.00.xsd"
    assert schema_findings(answer) == []


def test_consulta_cadastro_rejects_a_request_without_the_service_literal() -> None:
    request = etree.fromstring(
        f'<ConsCad xmlns="{NS}" versao="2.00"><infCons><xServ>CONSULTAR</xServ><UF>SP</UF>'
        "<CNPJ>11222333000181</CNPJ></infCons></ConsCad>"
    )
    findings = schema_findings(request)
    assert findings and all(f.cstat == "225" for f in findings)
    assert any("xServ" in f.mensagem for f in findings)


@pytest.mark.parametrize(
    ("tp_evento", "expected"),
    [
        ("110111", "evento_cancel_v1.00/envEventoCancNFe_v1.00.xsd"),
        ("110110", "evento_cce_v1.00/envCCe_v1.00.xsd"),
        ("110140", "evento_epec_v1.00/envEPEC_v1.00.xsd"),
        # No official Evento_CancSubst package is shipped (schemas/xsd/README.md): envelope only.
        ("110112", "evento_generico_v1.00/envEvento_v1.00.xsd"),
    ],
)
def test_env_evento_schema_follows_tp_evento(tp_evento: str, expected: str) -> None:
    ev = etree.fromstring(
        f'<envEvento xmlns="{NS}"><evento><infEvento><tpEvento>{tp_evento}</tpEvento></infEvento></evento></envEvento>'
    )
    assert choose_schema(ev).relpath == expected


def test_every_registered_entry_point_compiles() -> None:
    for rel in all_schema_files():
        assert isinstance(compiled(rel), etree.XMLSchema), rel


PROT = (
    f'<protNFe xmlns="{NS}" versao="4.00"><infProt><tpAmb>2</tpAmb><verAplic>SP_NFE_PL_009_V4</verAplic>'
    "<chNFe>35261245997418000153650030000010421000000019</chNFe><dhRecbto>2026-12-04T09:00:00-03:00</dhRecbto>"
    "<nProt>135260000000001</nProt><digVal>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</digVal><cStat>100</cStat>"
    "<xMotivo>Autorizado o uso da NF-e</xMotivo></infProt></protNFe>"
)


def test_a_fragment_is_validated_against_its_official_type() -> None:
    """protNFe has no global element in the official package: it is checked as a TProtNFe."""
    leiaute = "nfe_v4.00/leiauteNFe_v4.00.xsd"
    assert fragment_findings(etree.fromstring(PROT), leiaute, "TProtNFe") == []
    bad = fragment_findings(etree.fromstring(PROT.replace("<cStat>100", "<cStat>1x0")), leiaute, "TProtNFe")
    assert [f.code for f in bad] == ["XSD"]
    assert "cStat" in bad[0].mensagem and bad[0].cstat == "225"
    missing = fragment_findings(etree.fromstring(PROT.replace("<tpAmb>2</tpAmb>", "")), leiaute, "TProtNFe")
    assert missing and "tpAmb" in missing[0].mensagem
    assert compiled_type(leiaute, "protNFe", "TProtNFe") is compiled_type(leiaute, "protNFe", "TProtNFe")
