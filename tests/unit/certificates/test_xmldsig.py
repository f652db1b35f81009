"""Signing and verifying the NF-e XMLDSig profile (MOC 4.4), including wrapping attacks."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from certificates.a1 import A1Certificate
from certificates.sha1_profile import (
    C14N_10,
    ENVELOPED,
    RSA_SHA1,
    SHA1,
    Sha1XMLSigner,
    Sha1XMLVerifier,
    signxml_verify_config,
)
from certificates.testpki import IssuedCertificate, TestCA
from certificates.trust import TrustStore
from certificates.xmldsig import sign_document, sign_element, verify_all, verify_signature
from engine.xsd import schema_findings

from .conftest import NOW
from .samples import DS_NS, NFE_NS, evento_cce, inut, nfe

DS = f"{{{DS_NS}}}"
NF = f"{{{NFE_NS}}}"

KINDS: dict[str, tuple[Callable[[], etree._Element], str]] = {
    "NFe": (nfe, "infNFe"),
    "evento": (evento_cce, "infEvento"),
    "inutNFe": (inut, "infInut"),
}


def _signed(kind: str, a1: A1Certificate) -> etree._Element:
    make, _ = KINDS[kind]
    return etree.fromstring(sign_document(make(), a1))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_signed_document_has_the_exact_sefaz_profile(kind: str, a1: A1Certificate) -> None:
    root = _signed(kind, a1)
    inf_name = KINDS[kind][1]
    sig = root[-1]
    assert sig.tag == DS + "Signature", "Signature must be the last child"
    assert sig.prefix is None and sig.nsmap[None] == DS_NS
    si = sig.find(DS + "SignedInfo")
    assert si is not None
    assert si.find(DS + "CanonicalizationMethod").get("Algorithm") == C14N_10  # type: ignore[union-attr]
    assert si.find(DS + "SignatureMethod").get("Algorithm") == RSA_SHA1  # type: ignore[union-attr]
    refs = si.findall(DS + "Reference")
    assert len(refs) == 1
    inf = root.find(NF + inf_name)
    assert inf is not None
    assert refs[0].get("URI") == "#" + inf.get("Id", "")
    assert [t.get("Algorithm") for t in refs[0].find(DS + "Transforms")] == [ENVELOPED, C14N_10]  # type: ignore[union-attr]
    assert refs[0].find(DS + "DigestMethod").get("Algorithm") == SHA1  # type: ignore[union-attr]
    certs = sig.findall(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert len(certs) == 1
    assert base64.b64decode(certs[0].text or "") == a1.certificate.public_bytes(serialization.Encoding.DER)
    raw = etree.tostring(sig)
    assert b"ds:" not in raw and b"\n" not in raw and b"> <" not in raw


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_signed_document_validates_against_the_official_xsd(kind: str, a1: A1Certificate) -> None:
    root = _signed(kind, a1)
    assert schema_findings(root) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_our_verifier_accepts_what_we_sign_and_returns_the_signed_element(kind: str, a1: A1Certificate) -> None:
    root = _signed(kind, a1)
    result = verify_signature(root)
    assert result.valid, result.reason
    assert result.code == "ASSINATURA_VALIDA"
    assert result.certificate == a1.certificate
    assert result.signed_element is root.find(NF + KINDS[kind][1])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_signxml_verifies_our_signatures(kind: str, a1: A1Certificate, issued: IssuedCertificate) -> None:
    signed = sign_document(KINDS[kind][0](), a1)
    result = Sha1XMLVerifier().verify(
        signed,
        x509_cert=issued.certificate,
        expect_config=signxml_verify_config(verification_time=NOW),
    )
    assert etree.QName(result.signed_xml).localname == KINDS[kind][1]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_signxml_signing_the_same_document_gives_the_same_signature(
    kind: str, a1: A1Certificate, issued: IssuedCertificate
) -> None:
    """RSA PKCS#1 v1.5 is deterministic: an independent implementation must produce our bytes."""
    ours = _signed(kind, a1)
    doc = KINDS[kind][0]()
    inf = doc.find(NF + KINDS[kind][1])
    assert inf is not None
    theirs = etree.fromstring(
        etree.tostring(
            Sha1XMLSigner().sign(
                doc, key=issued.key_pem(), cert=issued.cert_pem().decode(), reference_uri="#" + inf.get("Id", "")
            )
        )
    )
    for name in ("SignedInfo", "SignatureValue"):
        a = ours.find(f"{DS}Signature/{DS}{name}")
        b = theirs.find(f"{DS}Signature/{DS}{name}")
        assert a is not None and b is not None
        assert etree.tostring(a) == etree.tostring(b).replace(b"\n", b"")


def test_sign_document_signs_every_nfe_inside_an_envelope(a1: A1Certificate) -> None:
    envi = etree.Element(NF + "enviNFe", nsmap={None: NFE_NS}, versao="4.00")
    etree.SubElement(envi, NF + "idLote").text = "1"
    etree.SubElement(envi, NF + "indSinc").text = "1"
    envi.append(nfe())
    signed = etree.fromstring(sign_document(envi, a1))
    assert schema_findings(signed) == []
    assert verify_signature(signed).valid


def test_resigning_replaces_the_previous_signature(a1: A1Certificate) -> None:
    doc = nfe()
    sign_element(doc, a1)
    sign_element(doc, a1)
    assert len(doc.findall(DS + "Signature")) == 1
    assert verify_signature(doc).valid


# ------------------------------------------------------------------------------------------- tampering


def test_changed_content_fails_with_digest_error(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    v_nf = root.find(f".//{NF}vNF")
    assert v_nf is not None
    v_nf.text = "0.01"
    result = verify_signature(root)
    assert not result.valid and result.code == "DIGEST_INVALIDO" and result.cstat == "297"
    assert "infNFe" in result.reason and result.signed_element is None


def test_changed_signed_info_fails_with_signature_error(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    ref = root.find(f"{DS}Signature/{DS}SignedInfo/{DS}Reference")
    assert ref is not None
    # A digest of other content, recomputed by an attacker, does not match SignatureValue.
    inf = root.find(NF + "infNFe")
    assert inf is not None
    inf.find(f".//{NF}vNF").text = "0.01"  # type: ignore[union-attr]
    from certificates.c14n import c14n10
    from certificates.sha1_profile import digest

    ref.find(DS + "DigestValue").text = base64.b64encode(digest(c14n10(inf))).decode()  # type: ignore[union-attr]
    result = verify_signature(root)
    assert not result.valid and result.code == "ASSINATURA_INVALIDA"


def test_signature_by_another_key_with_a_swapped_certificate_fails(a1: A1Certificate, other_ca: TestCA) -> None:
    intruder = other_ca.issue_ecnpj(
        cnpj="11222333000181", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=30)
    )
    root = _signed("NFe", a1)
    cert_el = root.find(f".//{DS}X509Certificate")
    assert cert_el is not None
    cert_el.text = base64.b64encode(intruder.certificate.public_bytes(serialization.Encoding.DER)).decode()
    assert verify_signature(root).code == "ASSINATURA_INVALIDA"


def test_wrapping_attack_with_the_signed_element_moved_aside_is_refused(a1: A1Certificate) -> None:
    """Classic XSW: keep the signed infNFe somewhere else, put a forged one where it is read."""
    root = _signed("NFe", a1)
    original = root.find(NF + "infNFe")
    assert original is not None
    forged = copy.deepcopy(original)
    forged.find(f".//{NF}vNF").text = "0.01"  # type: ignore[union-attr]
    wrapper = etree.Element(NF + "infAdic")
    root.replace(original, forged)
    wrapper.append(original)
    root.find(DS + "Signature").append(wrapper)  # type: ignore[union-attr]
    result = verify_signature(root)
    assert not result.valid
    assert result.code in {"ID_DUPLICADO", "DIGEST_INVALIDO"}


def test_reference_to_another_element_is_refused(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    ref = root.find(f".//{DS}Reference")
    assert ref is not None
    ref.set("URI", "#outro")
    assert verify_signature(root).code == "REFERENCIA_INVALIDA"


def test_two_references_are_refused(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    ref = root.find(f".//{DS}Reference")
    assert ref is not None
    ref.addnext(copy.deepcopy(ref))
    assert verify_signature(root).code == "REFERENCIA_INVALIDA"


def test_signature_not_last_child_is_refused(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    etree.SubElement(root, NF + "extra")
    assert verify_signature(root).code == "ESTRUTURA_INVALIDA"


def test_sha256_profile_is_refused_with_a_clear_reason(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    method = root.find(f".//{DS}SignatureMethod")
    assert method is not None
    method.set("Algorithm", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    result = verify_signature(root)
    assert result.code == "ALGORITMO_NAO_ACEITO" and "SignatureMethod" in result.reason


def test_unsigned_document_is_reported_not_raised() -> None:
    result = verify_signature(nfe())
    assert not result.valid and result.code == "SEM_ASSINATURA"


def test_sign_refuses_an_element_without_id(a1: A1Certificate) -> None:
    from certificates.errors import CertificateError

    doc = nfe()
    inf = doc.find(NF + "infNFe")
    assert inf is not None
    del inf.attrib["Id"]
    with pytest.raises(CertificateError) as info:
        sign_document(doc, a1)
    assert info.value.code == "CERT_XML"


# --------------------------------------------------------------------------------------------- trust


def test_trusted_chain_is_accepted(a1: A1Certificate, test_ca: TestCA) -> None:
    root = _signed("NFe", a1)
    result = verify_signature(root, trust=TrustStore.from_pem(test_ca.trust_pem()), at=NOW)
    assert result.valid, result.reason


def test_untrusted_chain_is_refused(a1: A1Certificate, other_ca: TestCA) -> None:
    root = _signed("NFe", a1)
    result = verify_signature(root, trust=TrustStore.from_pem(other_ca.trust_pem()), at=NOW)
    assert not result.valid and result.code == "CADEIA_NAO_CONFIAVEL"
    assert result.certificate == a1.certificate


def test_chain_is_checked_at_the_document_date_by_default(a1: A1Certificate, test_ca: TestCA) -> None:
    """The sample NF-e says dhEmi 2018: the certificate did not exist then."""
    root = _signed("NFe", a1)
    result = verify_signature(root, trust=TrustStore.from_pem(test_ca.trust_pem()))
    assert result.code == "CADEIA_FORA_DA_VALIDADE"


def test_chain_with_only_the_root_trusted_needs_the_intermediate(a1: A1Certificate, test_ca: TestCA) -> None:
    root_only = TrustStore.from_pem(test_ca.root.public_bytes(serialization.Encoding.PEM))
    assert root_only.chain_problem(a1.certificate, at=NOW) is not None
    assert root_only.chain_problem(a1.certificate, at=NOW, extra_intermediates=[test_ca.intermediate]) is None


# ------------------------------------------------------------------------------------- SEFAZ returns


def _sefaz_signed(parent: etree._Element, inf_id: str, sefaz: IssuedCertificate) -> etree._Element:
    """Signed by signxml (an implementation independent of ours), like SEFAZ signs its returns."""
    return Sha1XMLSigner().sign(parent, key=sefaz.key_pem(), cert=sefaz.cert_pem().decode(), reference_uri="#" + inf_id)


def test_protnfe_signed_by_sefaz_verifies(test_ca: TestCA) -> None:
    sefaz = test_ca.issue_tls_server(
        hostnames=("nfe.fazenda.sp.gov.br",), not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9)
    )
    prot = etree.Element(NF + "protNFe", nsmap={None: NFE_NS}, versao="4.00")
    inf = etree.SubElement(prot, NF + "infProt", Id="ID135180000000001")
    for name, value in (
        ("tpAmb", "2"),
        ("verAplic", "SP_NFE_PL009_V4"),
        ("chNFe", "3" * 44),
        ("dhRecbto", "2026-12-04T09:00:00-03:00"),
        ("nProt", "135180000000001"),
        ("digVal", "DDRKOWYvxpHpp6/EMqxJg8gf1Ek="),
        ("cStat", "100"),
        ("xMotivo", "Autorizado o uso da NF-e"),
    ):
        etree.SubElement(inf, NF + name).text = value
    signed = etree.fromstring(etree.tostring(_sefaz_signed(prot, "ID135180000000001", sefaz)))
    result = verify_signature(signed, trust=TrustStore.from_pem(test_ca.trust_pem()))
    assert result.valid, result.reason
    assert etree.QName(result.signed_element).localname == "infProt"  # type: ignore[arg-type]


def test_nfeproc_verifies_both_signatures(a1: A1Certificate, test_ca: TestCA) -> None:
    sefaz = test_ca.issue_tls_server(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9))
    proc = etree.Element(NF + "nfeProc", nsmap={None: NFE_NS}, versao="4.00")
    proc.append(_signed("NFe", a1))
    prot = etree.Element(NF + "protNFe", nsmap={None: NFE_NS}, versao="4.00")
    inf = etree.SubElement(prot, NF + "infProt", Id="ID1")
    etree.SubElement(inf, NF + "cStat").text = "100"
    # signxml returns a new tree; serialised and parsed back, as SEFAZ's bytes would arrive.
    proc.append(etree.fromstring(etree.tostring(_sefaz_signed(prot, "ID1", sefaz))))
    reparsed = etree.fromstring(etree.tostring(proc))
    results = verify_all(reparsed)
    assert [r.valid for r in results] == [True, True]
    # verify_signature on the container checks the document itself (NFe).
    main = verify_signature(reparsed)
    assert main.valid and etree.QName(main.signed_element).localname == "infNFe"  # type: ignore[arg-type]


def test_signed_element_outside_the_nfe_namespace_is_refused(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    inf = root.find(NF + "infNFe")
    assert inf is not None
    inf.tag = "{urn:outro}infNFe"
    assert verify_signature(root).code == "REFERENCIA_INVALIDA"


def test_garbage_certificate_is_a_result_not_an_exception(a1: A1Certificate) -> None:
    root = _signed("NFe", a1)
    cert_el = root.find(f".//{DS}X509Certificate")
    assert cert_el is not None
    cert_el.text = base64.b64encode(b"not a certificate").decode()
    result = verify_signature(root)
    assert not result.valid and result.code == "CERTIFICADO_ILEGIVEL"


def _cancel_event() -> etree._Element:
    """A cancellation event (tpEvento 110111) built with lxml, as the events area will build it."""
    chave = "35261211222333000181550010000000011000000019"
    evento = etree.Element(NF + "evento", nsmap={None: NFE_NS}, versao="1.00")
    inf = etree.SubElement(evento, NF + "infEvento", Id=f"ID110111{chave}01")
    for name, value in (
        ("cOrgao", "35"),
        ("tpAmb", "2"),
        ("CNPJ", "11222333000181"),
        ("chNFe", chave),
        ("dhEvento", "2026-12-04T09:00:00-03:00"),
        ("tpEvento", "110111"),
        ("nSeqEvento", "1"),
        ("verEvento", "1.00"),
    ):
        etree.SubElement(inf, NF + name).text = value
    det = etree.SubElement(inf, NF + "detEvento", versao="1.00")
    etree.SubElement(det, NF + "descEvento").text = "Cancelamento"
    etree.SubElement(det, NF + "nProt").text = "135260000000001"
    etree.SubElement(det, NF + "xJust").text = "Cancelamento por erro de digitacao no valor"
    return evento


def test_cancellation_event_signed_validates_against_its_specific_schema(a1: A1Certificate) -> None:
    signed = etree.fromstring(sign_document(_cancel_event(), a1))
    assert schema_findings(signed) == []  # evento_cancel_v1.00/eventoCancNFe_v1.00.xsd
    result = verify_signature(signed)
    assert result.valid and result.reference_id == signed[0].get("Id")


def test_unsigned_event_fails_its_schema() -> None:
    """The schema requires the Signature: the check above is not vacuous."""
    assert schema_findings(_cancel_event()) != []
