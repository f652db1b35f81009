"""A test PKI shaped like ICP-Brasil, for development, tests and the SEFAZ simulator.

root ("AC Raiz Teste") -> intermediate ("AC Teste Ortho+ SSL") -> e-CNPJ A1 of a company, with the
ICP-Brasil otherName fields (DOC-ICP-04 7.1.2.3), key usage digitalSignature + nonRepudiation +
keyEncipherment and extended key usage clientAuth + emailProtection, as real A1 certificates have.
The same root also issues TLS server certificates (for the simulator's HTTPS endpoints).

Never use these certificates outside tests: the keys are generated on the spot and the names say
"TESTE". Generating RSA keys is slow (~50 ms each), so build one ``TestCA`` and issue many leaves
from it (the pytest fixtures in tests/unit/certificates/conftest.py are session-scoped).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certificates.a1 import A1Certificate
from certificates.identity import (
    OID_CEI_PJ,
    OID_CNPJ,
    OID_PF_DATA,
    OID_RESPONSIBLE_DATA,
    OID_RESPONSIBLE_NAME,
    identity_of,
    is_valid_cnpj,
    normalize_cnpj,
)
from certificates.sha1_profile import legacy_pkcs12_encryption


def _octet_string(text: str) -> bytes:
    """DER OCTET STRING, the encoding most ICP-Brasil CAs use for the otherName values."""
    raw = text.encode("ascii")
    if len(raw) < 0x80:
        return b"\x04" + bytes([len(raw)]) + raw
    n = len(raw).to_bytes((len(raw).bit_length() + 7) // 8, "big")
    return b"\x04" + bytes([0x80 | len(n)]) + n + raw


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(cn: str, *, ou: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICP-Brasil TESTE"),
    ]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _ski(key: rsa.RSAPrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _aki(key: rsa.RSAPrivateKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())


def _ca_cert(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    path_length: int | None,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(issuer_key), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)
    chain: tuple[x509.Certificate, ...] = field(repr=False)  # intermediate, root

    def to_a1(self) -> A1Certificate:
        return A1Certificate(self.certificate, self.private_key, self.chain, identity_of(self.certificate))

    def to_pfx(self, password: str, *, legacy: bool = False) -> bytes:
        """PKCS#12 with modern encryption, or with ``legacy=True`` the 3DES + SHA-1 MAC scheme of
        older CA software (``openssl pkcs12 -export -legacy`` adds RC2-40; the tests cover it too)."""
        if legacy:
            encryption = legacy_pkcs12_encryption(password.encode("utf-8"))
        else:
            encryption = serialization.BestAvailableEncryption(password.encode("utf-8"))
        return pkcs12.serialize_key_and_certificates(
            b"ortho-fiscal-teste", self.private_key, self.certificate, list(self.chain), encryption
        )

    def key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def cert_pem(self, *, with_chain: bool = False) -> bytes:
        certs = [self.certificate, *(self.chain if with_chain else ())]
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def _key_usage(*, digital_signature: bool, content_commitment: bool) -> x509.KeyUsage:
    """End-entity key usage: keyEncipherment always, the rest as the certificate kind needs."""
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True, slots=True)
class TestCA:
    """Root and intermediate of the test PKI; issues e-CNPJ A1 and TLS server certificates."""

    __test__ = False  # not a pytest test class

    root: x509.Certificate
    root_key: rsa.RSAPrivateKey = field(repr=False)
    intermediate: x509.Certificate = field(repr=False)
    intermediate_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def create(cls, *, now: datetime, years: int = 10, key_size: int = 2048) -> TestCA:
        not_before = now - timedelta(days=365)
        not_after = now + timedelta(days=365 * years)
        root_key = new_rsa_key(key_size)
        root_name = _name("AC Raiz Brasileira TESTE v1", ou="Instituto Nacional de Tecnologia da Informacao - ITI")
        root = _ca_cert(root_name, root_key, root_name, root_key, not_before, not_after, path_length=1)
        inter_key = new_rsa_key(key_size)
        inter_name = _name("AC TESTE Ortho+ RFB v1", ou="Secretaria da Receita Federal do Brasil - RFB")
        inter = _ca_cert(inter_name, inter_key, root_name, root_key, not_before, not_after, path_length=0)
        return cls(root, root_key, inter, inter_key)

    def _leaf(
        self, subject: x509.Name, key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime
    ) -> x509.CertificateBuilder:
        """An end-entity certificate issued by the intermediate: what every kind shares."""
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.intermediate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )

    def trust_pem(self) -> bytes:
        """The bundle a verifier trusts: root and intermediate."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.root, self.intermediate))

    def issue_ecnpj(
        self,
        *,
        cnpj: str,
        razao_social: str = "CLINICA ODONTOLOGICA TESTE LTDA",
        responsible_name: str = "FULANO DE TAL",
        responsible_cpf: str = "52998224725",
        birth_date: date = date(1980, 1, 31),
        not_before: datetime,
        not_after: datetime,
        key: rsa.RSAPrivateKey | None = None,
        digital_signature: bool = True,
    ) -> IssuedCertificate:
        """An e-CNPJ A1 for ``cnpj`` (numeric or alphanumeric), valid from ``not_before`` to ``not_after``."""
        cnpj = normalize_cnpj(cnpj)
        if not is_valid_cnpj(cnpj):
            raise ValueError(f"CNPJ inválido: {cnpj}")
        key = key or new_rsa_key()
        # DOC-ICP-04: 2.16.76.1.3.4 = birth date (8) + CPF (11) + NIS (11) + RG (15) + issuer/UF (6).
        responsible_data = birth_date.strftime("%d%m%Y") + responsible_cpf + "0" * 11 + "0" * 15 + "SSP SP"
        san = x509.SubjectAlternativeName(
            [
                x509.OtherName(x509.ObjectIdentifier(OID_RESPONSIBLE_DATA), _octet_string(responsible_data)),
                x509.OtherName(x509.ObjectIdentifier(OID_RESPONSIBLE_NAME), _octet_string(responsible_name)),
                x509.OtherName(x509.ObjectIdentifier(OID_CNPJ), _octet_string(cnpj)),
                x509.OtherName(x509.ObjectIdentifier(OID_CEI_PJ), _octet_string("0" * 12)),
                x509.RFC822Name("contato@clinica.teste"),
            ]
        )
        subject = _name(f"{razao_social}:{cnpj}", ou="Certificado PJ A1")
        cert = (
            self._leaf(subject, key, not_before, not_after)
            .add_extension(_key_usage(digital_signature=digital_signature, content_commitment=True), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False,
            )
            .add_extension(san, critical=False)
            .add_extension(_ski(key), critical=False)
            .add_extension(_aki(self.intermediate_key), critical=False)
            .sign(self.intermediate_key, hashes.SHA256())
        )
        return IssuedCertificate(cert, key, (self.intermediate, self.root))

    def issue_ecpf(
        self, *, cpf: str, name: str, not_before: datetime, not_after: datetime, birth_date: date = date(1980, 1, 31)
    ) -> IssuedCertificate:
        """An e-CPF (holder data in 2.16.76.1.3.1): not accepted to sign an NF-e of a company."""
        key = new_rsa_key()
        pf_data = birth_date.strftime("%d%m%Y") + cpf + "0" * 11 + "0" * 15 + "SSP SP"
        san = x509.SubjectAlternativeName([x509.OtherName(x509.ObjectIdentifier(OID_PF_DATA), _octet_string(pf_data))])
        cert = (
            self._leaf(_name(f"{name}:{cpf}", ou="Certificado PF A1"), key, not_before, not_after)
            .add_extension(san, critical=False)
            .sign(self.intermediate_key, hashes.SHA256())
        )
        return IssuedCertificate(cert, key, (self.intermediate, self.root))

    def issue_tls_server(
        self, *, hostnames: tuple[str, ...] = ("localhost", "127.0.0.1"), not_before: datetime, not_after: datetime
    ) -> IssuedCertificate:
        """A TLS server certificate (serverAuth, SAN with DNS names / IPs) from the same root."""
        key = new_rsa_key()
        names: list[x509.GeneralName] = []
        for host in hostnames:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        cert = (
            self._leaf(_name(hostnames[0], ou="Servidor SEFAZ TESTE"), key, not_before, not_after)
            .add_extension(_key_usage(digital_signature=True, content_commitment=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(_ski(key), critical=False)
            .add_extension(_aki(self.intermediate_key), critical=False)
            .sign(self.intermediate_key, hashes.SHA256())
        )
        return IssuedCertificate(cert, key, (self.intermediate, self.root))


def make_test_a1(
    *,
    cnpj: str,
    now: datetime,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    ca: TestCA | None = None,
) -> tuple[TestCA, IssuedCertificate]:
    """One call for a whole chain and an e-CNPJ valid for a year from ``now`` unless dates are given."""
    ca = ca or TestCA.create(now=now)
    issued = ca.issue_ecnpj(
        cnpj=cnpj,
        not_before=not_before or now - timedelta(days=1),
        not_after=not_after or now + timedelta(days=365),
    )
    return ca, issued
