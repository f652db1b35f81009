"""The signer's two ways of canonicalising SignedInfo (standalone before insertion, in place when the parent
inherits prefixed namespaces) and the C14N fast path sign exactly what a verifier canonicalises."""

from __future__ import annotations

import base64
import copy

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from certificates import sha1_profile
from certificates.a1 import A1Certificate
from certificates.c14n import c14n10
from certificates.sha1_profile import Sha1XMLVerifier, signxml_verify_config
from certificates.testpki import IssuedCertificate
from certificates.xmldsig import sign_document, verify_signature

from .conftest import NOW
from .samples import DS_NS, NFE_NS, nfe

DS = f"{{{DS_NS}}}"
NF = f"{{{NFE_NS}}}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _signature_value_matches(signed: etree._Element, a1: A1Certificate) -> bytes:
    """The canonical SignedInfo as a verifier computes it (in its document), checked against SignatureValue."""
    signature = signed.find(f".//{DS}Signature")
    assert signature is not None
    canonical = c14n10(signature[0])
    public = a1.private_key.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    value = base64.b64decode(signature[1].text or "")
    assert sha1_profile.rsa_verify(public, value, canonical)
    return canonical


def test_standalone_signed_info_is_what_a_verifier_canonicalises(a1: A1Certificate) -> None:
    signed = etree.fromstring(sign_document(nfe(), a1))
    canonical = _signature_value_matches(signed, a1)
    assert canonical.startswith(b'<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><CanonicalizationMethod')
    # Inserted under Signature, the SignedInfo carries no namespace declaration of its own in the bytes.
    assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Canon' in etree.tostring(signed)


def test_inherited_prefixes_are_canonicalised_in_place(a1: A1Certificate, issued: IssuedCertificate) -> None:
    envi = etree.Element(NF + "enviNFe", nsmap={None: NFE_NS, "xsi": XSI}, versao="4.00")
    etree.SubElement(envi, NF + "idLote").text = "1"
    etree.SubElement(envi, NF + "indSinc").text = "1"
    envi.append(nfe())
    signed = etree.fromstring(sign_document(envi, a1))
    canonical = _signature_value_matches(signed, a1)
    assert f'xmlns:xsi="{XSI}"'.encode() in canonical  # C14N 1.0 renders every namespace in scope
    nfe_el = signed.find(NF + "NFe")
    assert nfe_el is not None
    assert verify_signature(nfe_el).valid
    Sha1XMLVerifier().verify(etree.tostring(signed), x509_cert=issued.certificate,
                             expect_config=signxml_verify_config(verification_time=NOW))


@pytest.mark.parametrize(
    "document",
    [
        # a processing instruction after the element cannot shift its end: the fast path still applies
        b'<NFe xmlns="urn:n"><infNFe Id="a"><b>1</b></infNFe><infNFeSupl><?pi </infNFe> <infNFe ?></infNFeSupl></NFe>',
        # one inside it can: the copying path
        b'<NFe xmlns="urn:n"><infNFe Id="a"><c><?pi <infNFe ?></c><b/></infNFe><infNFeSupl/></NFe>',
    ],
)
def test_processing_instructions_and_the_first_child_fast_path(document: bytes) -> None:
    root = etree.fromstring(document)
    alone = copy.deepcopy(root[0])
    alone.tail = None
    assert c14n10(root[0]) == etree.tostring(alone, method="c14n")
