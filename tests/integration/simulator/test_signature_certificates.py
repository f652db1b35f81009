"""The signer's certificate (KeyInfo/X509Certificate) as SEFAZ judges it (MOC 7.0, "Validação da Assinatura"):
290 unreadable, 293 outside the trusted chain, 291 outside its validity on the authorizer's clock.

The simulator keeps what a certificate's bytes say (parsed certificate, chain, CNPJ) once per distinct
certificate; these tests pin that the verdicts stay per request: the validity window is checked against the
clock every time, and a certificate refused once is refused again."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from lxml import etree

from certificates.testpki import TestCA

from .sefazclient import DS, N, Signer, assert_schema_valid, envi_nfe, make_nfe, signed_nfe


def _cstat(sim, party, nfe, *, model="65") -> str:
    ret = party.client.call("SP", model, "NFeAutorizacao4", envi_nfe([nfe]), base=sim.url).ret()
    assert_schema_valid(ret)
    return ret.findtext("n:protNFe/n:infProt/n:cStat", namespaces=N)


def test_a_certificate_already_accepted_is_291_once_the_clock_passes_its_validity(sim, emitter, nnf):
    now = datetime.now(UTC)
    assert _cstat(sim, emitter, signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=now)) == "100"
    # The test A1 is valid for a year: 400 days later the same certificate signs out of its validity.
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 400 * 86400})
    later = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf + 1, dh_emi=now)
    assert _cstat(sim, emitter, later) == "291"
    emitter.client.control("POST", "/_control/clock", {"offset_seconds": 0})
    again = signed_nfe(emitter.signer, model="65", cnpj=emitter.cnpj, nnf=nnf + 2, dh_emi=now)
    assert _cstat(sim, emitter, again) == "100"


def test_a_signer_outside_the_test_pki_is_293_every_time(sim, emitter, nnf):
    now = datetime.now(UTC)
    stranger = TestCA.create(now=now).issue_ecnpj(
        cnpj=emitter.cnpj, not_before=now - timedelta(days=1), not_after=now + timedelta(days=30)
    )
    signer = Signer(stranger.key_pem(), stranger.cert_pem())
    for offset in range(2):  # the second time the certificate is known to the simulator: still refused
        nfe = signed_nfe(signer, model="65", cnpj=emitter.cnpj, nnf=nnf + offset, dh_emi=now)
        assert _cstat(sim, emitter, nfe) == "293"


def test_an_unreadable_signer_certificate_is_290(sim, emitter, nnf):
    nfe = make_nfe(model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    emitter.signer.sign(nfe, nfe.find("n:infNFe", N))
    # Re-read, as the simulator will: lxml's find does not match the nodes the xmlsec template created.
    nfe = etree.fromstring(etree.tostring(nfe))
    cert = nfe.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    cert.text = base64.b64encode(b"not a DER certificate").decode("ascii")  # valid base64Binary for the XSD
    assert _cstat(sim, emitter, nfe) == "290"


def test_an_unreadable_signer_certificate_is_290_again_once_its_text_is_known(sim, emitter, nnf):
    # The certificate table is keyed by the X509Certificate text too: a known unreadable text stays 290,
    # and a known good text with other line breaks is the same certificate (whitespace is not base64).
    nfe = make_nfe(model="65", cnpj=emitter.cnpj, nnf=nnf, dh_emi=datetime.now(UTC))
    emitter.signer.sign(nfe, nfe.find("n:infNFe", N))
    nfe = etree.fromstring(etree.tostring(nfe))
    cert = nfe.find(f"{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    good = cert.text
    cert.text = base64.b64encode(b"not a DER certificate").decode("ascii")
    assert _cstat(sim, emitter, nfe) == "290"
    assert _cstat(sim, emitter, nfe) == "290"
    cert.text = "".join(good.split())  # one line: another text, the same DER
    assert _cstat(sim, emitter, nfe) == "100"


def test_the_certificate_table_decodes_each_text_once_and_refuses_non_base64():
    from cryptography.hazmat.primitives import serialization

    from simulator.xmlsig import Certificates

    now = datetime.now(UTC)
    ca = TestCA.create(now=now)
    issued = ca.issue_ecnpj(
        cnpj="11222333000181", not_before=now - timedelta(days=1), not_after=now + timedelta(days=30)
    )
    der = issued.certificate.public_bytes(serialization.Encoding.DER)
    text = base64.b64encode(der).decode("ascii")
    certs = Certificates((ca.intermediate, ca.root))
    facts = certs.facts_of_text(text)
    assert facts is not None and facts is certs.facts(der) and facts.cnpj == "11222333000181"
    wrapped = "\n".join(text[i : i + 64] for i in range(0, len(text), 64)) + "\n"
    assert certs.facts_of_text(wrapped) is facts
    assert certs.facts_of_text("não é base64!") is None
    assert certs.facts_of_text(base64.b64encode(b"not a DER certificate").decode("ascii")) is None
    assert facts.not_before == issued.certificate.not_valid_before_utc
    assert facts.not_after == issued.certificate.not_valid_after_utc
