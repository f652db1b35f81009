"""The simulator's SOAP answer framing (simulator.soap.envelope): the message serialised alone between
the envelope's bytes is byte for byte the envelope serialised around the message (envelope_tree), for
every operation the simulator routes and for answers with what serialisation could treat differently:
non-ASCII text, characters to escape, empty elements, a signature in another namespace, a tail."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from simulator import soap
from simulator.routes import RouteTable

from .sefazclient import DS, NFE

OPERATIONS = sorted({route.operation for route in RouteTable()._routes.values()})


def _answer(kind: int) -> etree._Element:
    ret = etree.Element(f"{{{NFE}}}retEnviNFe", nsmap={None: NFE})
    ret.set("versao", "4.00")
    etree.SubElement(ret, f"{{{NFE}}}cStat").text = "225"
    etree.SubElement(ret, f"{{{NFE}}}xMotivo").text = "Rejeição: Falha no Schema XML [a < b & \"c\" > 'd'\r\n\tçãõ €]"
    if kind >= 1:
        prot = etree.SubElement(ret, f"{{{NFE}}}protNFe")
        prot.set("versao", "4.00")
        inf = etree.SubElement(prot, f"{{{NFE}}}infProt", Id="ID135260000000001")
        etree.SubElement(inf, f"{{{NFE}}}digVal")  # empty element
        sig = etree.SubElement(prot, f"{{{DS}}}Signature", nsmap={None: DS})
        etree.SubElement(sig, f"{{{DS}}}SignatureValue").text = "abc\ndef"
    if kind >= 2:
        other = etree.SubElement(ret, "{urn:outro}extra", nsmap={"o": "urn:outro"})
        other.set("{urn:outro}attr", "x\ty")
        other.tail = "cauda"
    return ret


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_framed_answer_is_the_envelope_serialised_around_it(operation):
    assert len(OPERATIONS) >= 9
    for kind in range(3):
        message = _answer(kind)
        framed = soap.envelope(operation, copy.deepcopy(message))
        assert framed == soap.envelope_tree(operation, copy.deepcopy(message))
        assert framed.startswith(b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope')
        parsed = etree.fromstring(framed)
        inner = parsed.find(f"{{{soap.SOAP12}}}Body/{{{soap.WSDL_BASE}{operation}}}nfeResultMsg")
        assert inner is not None and inner[0].tag == message.tag
        assert inner[0].findtext(f"{{{NFE}}}xMotivo") == message.findtext(f"{{{NFE}}}xMotivo")


def test_a_message_inside_another_tree_is_framed_by_building_the_envelope():
    holder = etree.Element("holder")
    holder.append(_answer(1))
    expected = soap.envelope_tree("NFeAutorizacao4", copy.deepcopy(holder[0]))
    assert soap.envelope("NFeAutorizacao4", holder[0]) == expected
