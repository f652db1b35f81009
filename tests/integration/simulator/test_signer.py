"""The simulator signs its answers (protNFe, retEvento, retInutNFe) with exactly the bytes xmlsec's
template signing writes, and SEFAZ's signature verifies with xmlsec."""

from __future__ import annotations

import copy

import pytest
import xmlsec
from lxml import etree

from simulator.xmlsig import DS, Signer

NFE = "http://www.portalfiscal.inf.br/nfe"


def _answer(root_name: str, inner: str, *children: tuple[str, str]) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{{{NFE}}}{root_name}", nsmap={None: NFE})
    root.set("versao", "4.00")
    inf = etree.SubElement(root, f"{{{NFE}}}{inner}")
    inf.set("Id", "ID135260000001234")
    for name, text in children:
        parent = inf
        for step in name.split("/"):
            parent = etree.SubElement(parent, f"{{{NFE}}}{step}")
        parent.text = text
    return root, inf


SHAPES = [
    ("protNFe", "infProt", ("tpAmb", "2"), ("chNFe", "3" * 44), ("xMotivo", "Autorizado o uso da NF-e & <ok>")),
    ("retEvento", "infEvento", ("tpAmb", "2"), ("xEvento", "Cancelamento registrado"), ("chNFePend", "3" * 44)),
    ("retInutNFe", "infInut", ("tpAmb", "2"), ("xMotivo", "Inutilização de número homologado")),
    ("retEvento", "infEvento", ("det/deep/deeper", "níveis abaixo"), ("cStat", "135")),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}-{len(s)}")
def test_direct_signing_writes_the_bytes_of_xmlsec_template_signing(sim, shape):
    signer: Signer = sim.app.sefaz.signer
    root, inf = _answer(*shape)
    reference_root = copy.deepcopy(root)
    signer.sign(root, inf)
    signer.sign_with_template(reference_root, reference_root[0])
    assert etree.tostring(root) == etree.tostring(reference_root)
    assert root[-1].tag == f"{{{DS}}}Signature"


def test_the_direct_signature_verifies_with_xmlsec(sim):
    signer: Signer = sim.app.sefaz.signer
    root, inf = _answer(*SHAPES[0])
    signer.sign(root, inf)
    doc = etree.fromstring(etree.tostring(root))
    xmlsec.tree.add_ids(doc, ["Id"])
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(signer.cert_pem, xmlsec.constants.KeyDataFormatCertPem)
    ctx.verify(doc.find(f"{{{DS}}}Signature"))  # raises xmlsec.Error when it does not verify


def test_an_element_with_more_namespaces_in_scope_is_signed_through_the_template(sim):
    signer: Signer = sim.app.sefaz.signer
    root = etree.Element(f"{{{NFE}}}protNFe", nsmap={None: NFE, "xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    inf = etree.SubElement(root, f"{{{NFE}}}infProt")
    inf.set("Id", "ID1")
    etree.SubElement(inf, f"{{{NFE}}}tpAmb").text = "2"
    reference_root = copy.deepcopy(root)
    signer.sign(root, inf)
    signer.sign_with_template(reference_root, reference_root[0])
    assert etree.tostring(root) == etree.tostring(reference_root)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}-{len(s)}")
def test_signing_the_element_before_it_goes_under_its_root_writes_the_same_bytes(sim, shape):
    signer: Signer = sim.app.sefaz.signer
    root, inf = _answer(*shape)
    reference_root = copy.deepcopy(root)
    signer.sign_with_template(reference_root, reference_root[0])
    alone = copy.deepcopy(inf)  # the root of a document of its own
    signature = signer.signature_of(alone)
    assert signature is not None
    root.remove(inf)
    root.append(alone)
    root.append(signature)
    assert etree.tostring(root) == etree.tostring(reference_root)


def test_signature_of_refuses_what_is_not_a_lone_root_with_one_default_namespace(sim):
    signer: Signer = sim.app.sefaz.signer
    _root, inf = _answer(*SHAPES[0])
    assert signer.signature_of(inf) is None  # inside its root: sign(root, inf) is the way
    detached = copy.deepcopy(inf)
    holder = etree.Element("holder")
    holder.append(detached)
    holder.remove(detached)  # no parent, but not the root of its document
    assert signer.signature_of(detached) is None
    wider = etree.Element(f"{{{NFE}}}infProt", nsmap={None: NFE, "x": "urn:x"})
    wider.set("Id", "ID1")
    assert signer.signature_of(wider) is None
