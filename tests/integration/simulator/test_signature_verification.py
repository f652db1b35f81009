"""The simulator's signature check (simulator.xmlsig.verify_enveloped) gives xmlsec's verdict.

Documents of the plain MOC shape are verified by recomputing what xmlsec computes (digest over the
C14N of the signed element, RSA-SHA1 over the C14N of SignedInfo); anything else falls to xmlsec's
full processing. These tests compare every verdict with xmlsec's own
``SignatureContext.verify`` on the same document, and check which path decided.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from datetime import UTC, datetime

import pytest
import xmlsec
from lxml import etree

from simulator import xmlsig

from .sefazclient import DS, NFE, N, envi_nfe, signed_nfe

NOW = datetime.now(UTC)


def _xmlsec_verdict(nfe: etree._Element, certs: xmlsig.Certificates) -> bool:
    """xmlsec's complete verification of the NFe as a document of its own (the reference)."""
    doc = copy.deepcopy(nfe)
    sig = doc.find(f"{{{DS}}}Signature")
    der = base64.b64decode("".join(sig.findtext(f".//{{{DS}}}X509Certificate").split()))
    facts = certs.facts(der)
    xmlsec.tree.add_ids(doc, ["Id"])
    ctx = xmlsec.SignatureContext()
    ctx.key = certs.verification_key(facts)
    try:
        ctx.verify(sig)
    except xmlsec.Error:
        return False
    return True


@pytest.fixture
def certs(sim):
    return xmlsig.Certificates((sim.pki.ca.intermediate, sim.pki.ca.root))


def _nfce(emitter, nnf: int) -> etree._Element:
    return signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=NOW)


def _in_envi(nfe: etree._Element, **extra_ns: str) -> etree._Element:
    """The NFe inside an enviNFe (as the simulator receives it), optionally with more declarations."""
    msg = envi_nfe([nfe])
    if extra_ns:
        wider = etree.Element(msg.tag, attrib=dict(msg.attrib), nsmap={None: NFE, **extra_ns})
        wider[:] = list(msg)
        msg = etree.fromstring(etree.tostring(wider))
    return msg.find("n:NFe", N)


def _check(nfe: etree._Element, certs: xmlsig.Certificates, spy: list[bool], monkeypatch) -> str | None:
    real = xmlsig._plain_profile_verifies

    def recording(*args):
        verdict = real(*args)
        spy.append(verdict)
        return verdict

    monkeypatch.setattr(xmlsig, "_plain_profile_verifies", recording)
    inf = nfe.find("n:infNFe", N)
    return xmlsig.verify_enveloped(nfe, inf, certs=certs, now=NOW).cstat


def test_a_plain_signed_nfce_is_accepted_by_the_direct_computation(emitter, certs, nnf, monkeypatch):
    nfe = _in_envi(_nfce(emitter, nnf))
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) is None
    assert spy == [True]
    assert _xmlsec_verdict(nfe, certs)


def test_a_changed_value_is_297_decided_by_xmlsec(emitter, certs, nnf, monkeypatch):
    nfe = _in_envi(_nfce(emitter, nnf))
    nfe.find("n:infNFe/n:emit/n:xNome", N).text = "OUTRO NOME"
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) == "297"
    assert spy == [False]
    assert not _xmlsec_verdict(nfe, certs)


def test_a_changed_signature_value_is_297(emitter, certs, nnf, monkeypatch):
    nfe = _in_envi(_nfce(emitter, nnf))
    value = nfe.find(f"{{{DS}}}Signature/{{{DS}}}SignatureValue")
    raw = bytearray(base64.b64decode("".join(value.text.split())))
    raw[10] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) == "297"
    assert spy == [False]
    assert not _xmlsec_verdict(nfe, certs)


def test_a_digest_over_lxmls_in_tree_c14n_is_not_accepted(emitter, certs, nnf, monkeypatch):
    """lxml canonicalises an element inside a larger tree with spurious xmlns="" on its grandchildren;
    a signature over that form is not valid XMLDSig and must stay 297, as xmlsec says."""
    nfe = _nfce(emitter, nnf)
    inf = nfe.find("n:infNFe", N)
    wrong = etree.tostring(inf, method="c14n", with_comments=False)
    assert b'xmlns=""' in wrong  # the lxml behaviour this guards against is still there
    reference = nfe.find(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference/{{{DS}}}DigestValue")
    reference.text = base64.b64encode(hashlib.sha1(wrong).digest()).decode()
    _resign_signed_info(nfe, emitter.signer.key_pem)
    nfe = _in_envi(nfe)
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) == "297"
    assert spy == [False]
    assert not _xmlsec_verdict(nfe, certs)


def test_an_extra_namespace_in_scope_is_left_to_xmlsec(emitter, certs, nnf, monkeypatch):
    nfe = _in_envi(_nfce(emitter, nnf), xsi="http://www.w3.org/2001/XMLSchema-instance")
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) is None  # valid as a document of its own
    assert spy == [False]
    assert _xmlsec_verdict(nfe, certs)


def test_comments_inside_the_signed_element_are_outside_the_digest(emitter, certs, nnf, monkeypatch):
    nfe = _in_envi(_nfce(emitter, nnf))
    nfe.find("n:infNFe/n:emit", N).insert(0, etree.Comment(" acrescentado depois da assinatura "))
    spy: list[bool] = []
    assert _check(nfe, certs, spy, monkeypatch) is None
    assert spy == [True]
    assert _xmlsec_verdict(nfe, certs)


def _resign_signed_info(nfe: etree._Element, key_pem: bytes) -> None:
    """A new SignatureValue over the (changed) SignedInfo, signed with xmlsec over its C14N."""
    sig = nfe.find(f"{{{DS}}}Signature")
    signed_info = copy.deepcopy(sig.find(f"{{{DS}}}SignedInfo"))
    signed_info.tail = None
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    value = ctx.sign_binary(etree.tostring(signed_info, method="c14n"), xmlsec.constants.TransformRsaSha1)
    sig.find(f"{{{DS}}}SignatureValue").text = base64.b64encode(value).decode()
