"""Interoperability with xmlsec1 (the reference C implementation, Debian package ``xmlsec1``):
every kind we sign verifies with it, and what it signs verifies with us, byte-identical signatures
included (RSA PKCS#1 v1.5 is deterministic)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from certificates.testpki import IssuedCertificate, TestCA
from certificates.trust import TrustStore
from certificates.xmldsig import sign_document, verify_signature

pytestmark = pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 not installed (make system-deps)")

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
NF = f"{{{NFE_NS}}}"
DS = f"{{{DS_NS}}}"
NFELIB = Path(__import__("nfelib").__file__).parent
SAMPLES = NFELIB / "nfe" / "samples" / "v4_0"


def _load(path: Path, child: str | None = None) -> etree._Element:
    root = etree.parse(str(path), etree.XMLParser(remove_blank_text=True)).getroot()
    for sig in list(root.iter(DS + "Signature")):
        sig.getparent().remove(sig)  # type: ignore[union-attr]
    if child is not None and etree.QName(root).localname != child:
        found = root.find(NF + child)
        assert found is not None
        root = found
    return etree.fromstring(etree.tostring(root))


def _nfe() -> etree._Element:
    return _load(SAMPLES / "leiauteNFe" / "35180834128745000152550010000476051695511860-nfe.xml", "NFe")


def _nfce() -> etree._Element:
    return _load(SAMPLES / "nfce_contingencia.xml", "NFe")


def _inut() -> etree._Element:
    return _load(SAMPLES / "leiauteInutNFe" / "41080676472349000430550010000001041671821888-ped-inu.xml")


def _evento() -> etree._Element:
    return _load(
        NFELIB / "nfe_evento_cce" / "samples" / "v1_0" / "35180803102452000172550010000476051695511860-01-cce.xml"
    )


def _env_evento() -> etree._Element:
    """An envEvento batch holding the event: the signature covers it in the envelope's context."""
    env = etree.Element(NF + "envEvento", nsmap={None: NFE_NS}, versao="1.00")
    etree.SubElement(env, NF + "idLote").text = "1"
    env.append(_evento())
    return env


KINDS: dict[str, tuple[Callable[[], etree._Element], str]] = {
    "NFe": (_nfe, "infNFe"),
    "NFC-e": (_nfce, "infNFe"),
    "evento": (_evento, "infEvento"),
    "envEvento": (_env_evento, "infEvento"),
    "inutNFe": (_inut, "infInut"),
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestCA, IssuedCertificate, Path]:
    d = tmp_path_factory.mktemp("xmlsec")
    ca = TestCA.create(now=NOW)
    leaf = ca.issue_ecnpj(cnpj="11222333000181", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=90))
    (d / "root.pem").write_bytes(ca.root.public_bytes(serialization.Encoding.PEM))
    (d / "inter.pem").write_bytes(ca.intermediate.public_bytes(serialization.Encoding.PEM))
    (d / "leaf.pem").write_bytes(leaf.cert_pem())
    (d / "key.pem").write_bytes(leaf.key_pem())
    return ca, leaf, d


def _xmlsec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["xmlsec1", *args], capture_output=True, text=True, check=False, timeout=60)


def _xmlsec_verify(path: Path, inf: str, d: Path) -> subprocess.CompletedProcess[str]:
    return _xmlsec(
        "--verify",
        "--id-attr:Id",
        inf,
        "--trusted-pem",
        str(d / "root.pem"),
        "--untrusted-pem",
        str(d / "inter.pem"),
        "--verification-time",
        NOW.strftime("%Y-%m-%d %H:%M:%S"),
        str(path),
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_xmlsec1_verifies_what_we_sign(kind: str, pki: tuple[TestCA, IssuedCertificate, Path]) -> None:
    _, leaf, d = pki
    make, inf = KINDS[kind]
    path = d / f"ours-{kind}.xml"
    path.write_bytes(sign_document(make(), leaf.to_a1()))
    done = _xmlsec_verify(path, inf, d)
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout + done.stderr


def test_xmlsec1_rejects_a_tampered_document(pki: tuple[TestCA, IssuedCertificate, Path]) -> None:
    """Sanity check that the verifier really checks (so the test above means something)."""
    _, leaf, d = pki
    signed = sign_document(_nfe(), leaf.to_a1())
    path = d / "tampered.xml"
    path.write_bytes(signed.replace(b"<nNF>47605</nNF>", b"<nNF>47606</nNF>"))
    assert _xmlsec_verify(path, "infNFe", d).returncode != 0


def _template(doc: etree._Element, leaf: IssuedCertificate) -> etree._Element:
    """Our signature with the values emptied: an xmlsec1 template of the same profile."""
    sign_document(doc, leaf.to_a1())
    for sig in doc.iter(DS + "Signature"):
        sig.find(f"{DS}SignedInfo/{DS}Reference/{DS}DigestValue").text = ""  # type: ignore[union-attr]
        sig.find(DS + "SignatureValue").text = ""  # type: ignore[union-attr]
        x509_data = sig.find(f"{DS}KeyInfo/{DS}X509Data")
        assert x509_data is not None
        for child in list(x509_data):
            x509_data.remove(child)
    return doc


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_what_xmlsec1_signs_verifies_with_us_and_matches_our_bytes(
    kind: str, pki: tuple[TestCA, IssuedCertificate, Path]
) -> None:
    ca, leaf, d = pki
    make, inf = KINDS[kind]
    template = d / f"tmpl-{kind}.xml"
    out = d / f"xmlsec-{kind}.xml"
    template.write_bytes(etree.tostring(_template(make(), leaf)))
    done = _xmlsec(
        "--sign",
        "--privkey-pem",
        f"{d / 'key.pem'},{d / 'leaf.pem'}",
        "--id-attr:Id",
        inf,
        "--output",
        str(out),
        str(template),
    )
    assert done.returncode == 0, done.stderr
    theirs = etree.fromstring(out.read_bytes())
    target = theirs if etree.QName(theirs).localname in {"NFe", "evento", "inutNFe"} else theirs.find(NF + "evento")
    assert target is not None
    result = verify_signature(target, trust=TrustStore.from_pem(ca.trust_pem()), at=NOW)
    assert result.valid, result.reason
    assert result.certificate == leaf.certificate

    ours = etree.fromstring(sign_document(make(), leaf.to_a1()))
    ours_sv = [el.text for el in ours.iter(DS + "SignatureValue")]
    theirs_sv = ["".join((el.text or "").split()) for el in theirs.iter(DS + "SignatureValue")]
    assert ours_sv == theirs_sv


def test_sefaz_style_return_signed_by_xmlsec1_verifies(pki: tuple[TestCA, IssuedCertificate, Path]) -> None:
    """retEvento/infEvento, as SEFAZ signs the answer to an event."""
    ca, _leaf, d = pki
    ret = etree.Element(NF + "retEvento", nsmap={None: NFE_NS}, versao="1.00")
    inf = etree.SubElement(ret, NF + "infEvento", Id="ID135180000000002")
    for name, value in (
        ("tpAmb", "2"),
        ("verAplic", "SVRS"),
        ("cOrgao", "35"),
        ("cStat", "135"),
        ("xMotivo", "Evento registrado e vinculado a NF-e"),
        ("dhRegEvento", "2026-12-04T09:00:00-03:00"),
        ("nProt", "135180000000002"),
    ):
        etree.SubElement(inf, NF + name).text = value
    sig = etree.SubElement(ret, DS + "Signature", nsmap={None: DS_NS})  # type: ignore[dict-item]
    si = etree.SubElement(sig, DS + "SignedInfo")
    etree.SubElement(si, DS + "CanonicalizationMethod", Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    etree.SubElement(si, DS + "SignatureMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    ref = etree.SubElement(si, DS + "Reference", URI="#ID135180000000002")
    tr = etree.SubElement(ref, DS + "Transforms")
    etree.SubElement(tr, DS + "Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    etree.SubElement(tr, DS + "Transform", Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    etree.SubElement(ref, DS + "DigestMethod", Algorithm="http://www.w3.org/2000/09/xmldsig#sha1")
    etree.SubElement(ref, DS + "DigestValue")
    etree.SubElement(sig, DS + "SignatureValue")
    etree.SubElement(etree.SubElement(sig, DS + "KeyInfo"), DS + "X509Data")
    template = d / "tmpl-ret.xml"
    out = d / "ret.xml"
    template.write_bytes(etree.tostring(ret))
    done = _xmlsec(
        "--sign",
        "--privkey-pem",
        f"{d / 'key.pem'},{d / 'leaf.pem'}",
        "--id-attr:Id",
        "infEvento",
        "--output",
        str(out),
        str(template),
    )
    assert done.returncode == 0, done.stderr
    result = verify_signature(etree.fromstring(out.read_bytes()), trust=TrustStore.from_pem(ca.trust_pem()), at=NOW)
    assert result.valid, result.reason
    assert result.signed_element is not None and result.signed_element.findtext(NF + "cStat") == "135"
