"""The test PKI looks like ICP-Brasil and its TLS certificates pass the Web PKI rules."""

from __future__ import annotations

from datetime import timedelta

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store

from certificates.a1 import check_usable
from certificates.identity import OID_CNPJ, OID_RESPONSIBLE_DATA, OID_RESPONSIBLE_NAME
from certificates.testpki import IssuedCertificate, TestCA, make_test_a1
from certificates.trust import TrustStore

from .conftest import NOW


def test_ecnpj_has_the_icp_brasil_shape(issued: IssuedCertificate, test_ca: TestCA) -> None:
    cert = issued.certificate
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    oids = {o.type_id.dotted_string for o in san.get_values_for_type(x509.OtherName)}
    assert {OID_CNPJ, OID_RESPONSIBLE_NAME, OID_RESPONSIBLE_DATA} <= oids
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and usage.key_encipherment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    assert cert.issuer == test_ca.intermediate.subject
    assert test_ca.intermediate.issuer == test_ca.root.subject
    assert TrustStore.from_pem(test_ca.trust_pem()).chain_problem(cert, at=NOW) is None


def test_validity_dates_are_honoured(test_ca: TestCA) -> None:
    nb, na = NOW - timedelta(days=3), NOW + timedelta(days=7)
    issued = test_ca.issue_ecnpj(cnpj="11222333000181", not_before=nb, not_after=na)
    assert issued.certificate.not_valid_before_utc == nb
    assert issued.certificate.not_valid_after_utc == na


def test_make_test_a1_is_usable_for_its_cnpj(test_ca: TestCA) -> None:
    _, issued = make_test_a1(cnpj="11222333000181", now=NOW, ca=test_ca)
    check_usable(issued.to_a1(), now=NOW, emitter_cnpj="11222333000181")


def test_tls_server_certificate_passes_web_pki_verification(test_ca: TestCA) -> None:
    """What the SEFAZ simulator serves must satisfy a strict TLS client (requests/urllib3)."""
    server = test_ca.issue_tls_server(
        hostnames=("localhost", "127.0.0.1"), not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=30)
    )
    verifier = PolicyBuilder().store(Store([test_ca.root])).time(NOW).build_server_verifier(x509.DNSName("localhost"))
    chain = verifier.verify(server.certificate, [test_ca.intermediate])
    assert chain[0] == server.certificate and chain[-1] == test_ca.root
