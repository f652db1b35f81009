"""The answer readers read every field in one pass over the children (results._texts), the SOAP answer
with iterchildren, the nfeProc and the enviNFe of one NFe from containers serialised once: each must give
what lxml's find() and a container built afresh give, for answers shaped in every way a server may shape
them (fields repeated, empty, padded, out of order, in another namespace, comments, infRec of an
asynchronous lote) and for every idLote."""

from __future__ import annotations

import re

import pytest
from lxml import etree

import states
from engine.sefaz import SefazClient
from engine.sefaz.errors import RespostaInvalida
from engine.sefaz.messages import envi_nfe_bytes
from engine.sefaz.proc import _container, nfe_proc
from engine.sefaz.results import ProtocoloNFe, RetornoLote, parse_lote, parse_prot
from engine.sefaz.soap import answer, envelope
from engine.sefaz.xmlbytes import detached, embed, slot, strip_declaration
from engine.xml.parser import parse_xml

from .conftest import NOW
from .fakes import FakeClock, FakeSefaz

NS = "http://www.portalfiscal.inf.br/nfe"
N = "{" + NS + "}"
SOAP = "http://www.w3.org/2003/05/soap-envelope"


def _find(el: etree._Element | None, path: str) -> str:
    """The reference: ``find`` with ElementPath, as the readers did field by field."""
    if el is None:
        return ""
    found = el.find("/".join(N + p for p in path.split("/")))
    return found.text.strip() if found is not None and found.text else ""


def _reference_prot(prot: etree._Element) -> ProtocoloNFe:
    inf = prot.find(N + "infProt")
    return ProtocoloNFe(
        cstat=_find(inf, "cStat"), xmotivo=_find(inf, "xMotivo"), chave=_find(inf, "chNFe"),
        n_prot=_find(inf, "nProt"), dh_recbto=_find(inf, "dhRecbto"), dig_val=_find(inf, "digVal"),
        xml=detached(prot),
    )


def _reference_lote(ret: etree._Element) -> RetornoLote:
    t_med = _find(ret, "infRec/tMed") or _find(ret, "tMed")
    return RetornoLote(
        cstat=_find(ret, "cStat"), xmotivo=_find(ret, "xMotivo"), n_rec=_find(ret, "infRec/nRec") or _find(ret, "nRec"),
        t_med=int(t_med) if t_med.isdigit() else None, dh_recbto=_find(ret, "dhRecbto"), c_uf=_find(ret, "cUF"),
        protocolos=tuple(_reference_prot(p) for p in ret.findall(N + "protNFe")),
    )


PROT = (f'<protNFe xmlns="{NS}" versao="4.00"><infProt Id="ID135260000000051"><tpAmb>2</tpAmb>'
        "<verAplic>SP_NFCE_PL_009_V400</verAplic><chNFe>35261245997418000153650030000000601413131239</chNFe>"
        "<dhRecbto>2026-12-04T23:12:55-03:00</dhRecbto><nProt>135260000000051</nProt>"
        "<digVal>nXz6ZrtrajmfqWezh7MDSneniNk=</digVal><cStat>100</cStat>"
        "<xMotivo>Autorizado o uso da NF-e</xMotivo></infProt></protNFe>")

ANSWERS = {
    "sync authorised": f'<retEnviNFe xmlns="{NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP</verAplic>'
                       "<cStat>104</cStat><xMotivo>Lote processado</xMotivo><cUF>35</cUF>"
                       f"<dhRecbto>2026-12-04T23:12:55-03:00</dhRecbto>{PROT}</retEnviNFe>",
    "async received": f'<retEnviNFe xmlns="{NS}" versao="4.00"><tpAmb>2</tpAmb><verAplic>SP</verAplic>'
                      "<cStat>103</cStat><xMotivo>Lote recebido com sucesso</xMotivo><cUF>35</cUF>"
                      "<dhRecbto>2026-12-04T23:12:55-03:00</dhRecbto>"
                      "<infRec><nRec>351000000000001</nRec><tMed>3</tMed></infRec></retEnviNFe>",
    "recibo with two protocols": f'<retConsReciNFe xmlns="{NS}" versao="4.00"><tpAmb>2</tpAmb>'
                                 "<verAplic>SP</verAplic><nRec>351000000000001</nRec><cStat>104</cStat>"
                                 "<xMotivo>Lote processado</xMotivo><cUF>35</cUF><dhRecbto>x</dhRecbto>"
                                 f"<cMsg>1</cMsg>{PROT}{PROT.replace('>100<', '>539<')}</retConsReciNFe>",
    "repeated, padded, empty and foreign fields": f'<retEnviNFe xmlns="{NS}" xmlns:o="urn:other" versao="4.00">'
                                                  "<!-- c --><o:cStat>999</o:cStat><cStat>\n 104 \t</cStat>"
                                                  "<cStat>105</cStat><xMotivo/><?pi x?><cUF></cUF>"
                                                  "<infRec><tMed>x</tMed></infRec><infRec><tMed>7</tMed></infRec>"
                                                  "<tMed>2</tMed><nRec>1</nRec></retEnviNFe>",
    "fields out of order, protocol without infProt": f'<retEnviNFe xmlns="{NS}" versao="4.00"><cUF>35</cUF>'
                                                     f'<protNFe versao="4.00"/><xMotivo>x</xMotivo>'
                                                     "<cStat>104</cStat><infRec/></retEnviNFe>",
}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_a_lote_answer_is_read_as_find_reads_it(name: str) -> None:
    ret = parse_xml(ANSWERS[name].encode())
    assert parse_lote(ret) == _reference_lote(ret)
    for prot in ret.iterchildren(N + "protNFe"):
        assert parse_prot(prot) == _reference_prot(prot)


@pytest.mark.parametrize("answer_xml", [
    f'<retEnviNFe xmlns="{NS}" versao="4.00"><cStat>  </cStat></retEnviNFe>',
    f'<retConsStatServ xmlns="{NS}" versao="4.00"><cStat>107</cStat></retConsStatServ>',
    f'<retEnviNFe xmlns="{NS}" xmlns:o="urn:other" versao="4.00"><o:cStat>104</o:cStat></retEnviNFe>',
])
def test_a_lote_answer_without_its_cstat_or_of_another_kind_is_refused(answer_xml: str) -> None:
    with pytest.raises(RespostaInvalida):
        parse_lote(parse_xml(answer_xml.encode()))


def _envelope(*body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}">{"".join(body)}'
            "</soap:Envelope>").encode()


def test_the_soap_answer_is_the_first_nfe_element_of_the_first_body() -> None:
    result = ('<nfeResultMsg xmlns="http://www.portalfiscal.inf.br/nfe/wsdl/NFeAutorizacao4">'
              f'{ANSWERS["sync authorised"]}</nfeResultMsg>')
    body = _envelope("<!-- x -->", f"<soap:Body>{result}</soap:Body>", "<soap:Body><other/></soap:Body>")
    ret = answer(body)
    assert ret.tag == N + "retEnviNFe"
    assert ret is not None and parse_lote(ret).cstat == "104"


@pytest.mark.parametrize(("body", "message"), [
    (_envelope("<soap:Header/>"), "sem soap:Body"),
    (_envelope('<soap:Body><soap:Fault><soap:Reason><soap:Text xml:lang="pt">falhou</soap:Text></soap:Reason>'
               "</soap:Fault></soap:Body>"), "SOAP Fault"),
    (_envelope("<soap:Body><x/></soap:Body>"), "sem mensagem de retorno"),
    (b'<Envelope xmlns="urn:x"/>', "não é um envelope SOAP 1.2"),
])
def test_a_soap_answer_without_a_result_is_refused_as_before(body: bytes, message: str) -> None:
    with pytest.raises(RespostaInvalida, match=message):
        answer(body)


def test_the_nfe_proc_container_serialised_once_gives_the_bytes_of_a_fresh_one(nfce_signed: bytes) -> None:
    prot = detached(FakeSefaz()._prot(parse_xml(nfce_signed)))
    root = _container("nfeProc", "4.00")
    slot(root)
    slot(root)
    fresh = embed(root, [nfce_signed, prot], xml_declaration=True)
    assert nfe_proc(nfce_signed, prot) == fresh
    assert nfe_proc(b'<?xml version="1.0"?>\n' + nfce_signed, prot) == fresh  # declarations still dropped


def _envi_nfe_by_lxml(nfes: list[bytes], id_lote: str, sincrono: bool) -> bytes:
    """The reference: the enviNFe built element by element with lxml for every call."""
    root = etree.Element(N + "enviNFe", {"versao": "4.00"}, nsmap={None: NS})  # type: ignore[dict-item]
    etree.SubElement(root, N + "idLote").text = id_lote
    etree.SubElement(root, N + "indSinc").text = "1" if sincrono else "0"
    for _ in nfes:
        slot(root)
    return embed(root, nfes)


@pytest.mark.parametrize("id_lote", ["1", "0", "1733367955123", "9" * 15, "9" * 16, "12a", "1<&>", "123\n", "١٢٣", ""])
@pytest.mark.parametrize("sincrono", [True, False])
def test_the_envi_nfe_of_one_nfe_has_the_bytes_lxml_writes(nfce_signed: bytes, id_lote: str, sincrono: bool) -> None:
    for nfe in (nfce_signed, b'<?xml version="1.0" encoding="UTF-8"?>\n' + nfce_signed + b"\n"):
        assert envi_nfe_bytes([nfe], id_lote=id_lote, sincrono=sincrono) == _envi_nfe_by_lxml(
            [nfe], id_lote, sincrono)
    assert envi_nfe_bytes([nfce_signed] * 2, id_lote=id_lote, sincrono=sincrono) == _envi_nfe_by_lxml(
        [nfce_signed] * 2, id_lote, sincrono)


def test_an_authorization_sends_the_envelope_lxml_builds_around_the_enviNFe(nfce_signed: bytes) -> None:
    for id_lote in ("1733367955123", "42"):
        fake = FakeSefaz()  # a SEFAZ of its own each time: the same NFe again would be a 204
        assert SefazClient(fake, FakeClock(NOW)).authorize(nfce_signed, id_lote=id_lote).autorizado  # type: ignore[arg-type]
        request = fake.requests[-1]
        ep = states.endpoint("35", "65", "homologacao", "NFeAutorizacao4")
        assert request.body == envelope(ep, _envi_nfe_by_lxml([nfce_signed], id_lote, True))
        assert (request.url, request.soap_action, request.tls_min_version) == (ep.url, ep.soap_action,
                                                                               ep.tls_min_version)


def _strip_by_regex(data: bytes) -> bytes:
    """The reference: BOM, then the declaration by regular expression, then trailing white space."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return re.sub(rb"^\s*<\?xml[^>]*\?>\s*", b"", data, count=1).rstrip()


@pytest.mark.parametrize("data", [
    b"<a/>", b"<a/> \n", b"<?xml version='1.0' encoding='UTF-8'?>\n<a/>\n", b"\xef\xbb\xbf<?xml version='1.0'?><a/>",
    b"\xef\xbb\xbf<a/>", b"  <?xml version='1.0'?> <a/>", b"<?pi x?><a/>", b"<?xml-stylesheet href='x'?><a/>", b"",
    b"<", b"<?", b"<?xml", b" <a/>", b"\n<a>\n</a>\n\t",
])
def test_the_declaration_is_stripped_as_the_regular_expression_strips_it(data: bytes) -> None:
    assert strip_declaration(data) == _strip_by_regex(data)
