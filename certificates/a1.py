"""Loading and checking an A1 certificate (PKCS#12 ``.pfx``/``.p12`` + password).

Brazilian CAs still ship PKCS#12 files protected with legacy algorithms (RC2-40 for the
certificates, 3DES for the key, SHA-1 MAC). OpenSSL 3 refuses those unless its legacy provider is
loaded; ``cryptography`` loads it for PKCS#12 parsing, so they load here, and ``to_pkcs12`` writes
them back with modern algorithms (AES-256-CBC, PBKDF2, HMAC-SHA256) when they are stored.

The password is a parameter only: it is never kept in an object, logged or put in a message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from certificates.errors import CertificateError
from certificates.identity import IcpBrasilIdentity, identity_of, normalize_cnpj


def _password_bytes(password: str | bytes) -> bytes:
    return password.encode("utf-8") if isinstance(password, str) else password


def _looks_like_pkcs12(data: bytes) -> bool:
    """PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL } (RFC 7292 §4)."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    n = data[1]
    offset = 2
    if n & 0x80:
        offset += n & 0x7F
    return data[offset : offset + 3] == b"\x02\x01\x03"


def _name(name: x509.Name) -> str:
    return name.rfc4514_string()


@dataclass(frozen=True, slots=True)
class A1Certificate:
    """An A1 certificate with its private key (held in memory only)."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)
    chain: tuple[x509.Certificate, ...] = field(default=(), repr=False)
    identity: IcpBrasilIdentity = field(default_factory=lambda: IcpBrasilIdentity(kind="desconhecido"))

    @property
    def subject(self) -> str:
        return _name(self.certificate.subject)

    @property
    def issuer(self) -> str:
        return _name(self.certificate.issuer)

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def key_size(self) -> int:
        return self.private_key.key_size

    @property
    def fingerprint_sha256(self) -> str:
        return hashlib.sha256(self.certificate.public_bytes(serialization.Encoding.DER)).hexdigest()

    def days_left(self, now: datetime) -> int:
        """Whole days until ``not_after`` (negative once expired)."""
        return (self.not_after - now).days

    def to_pkcs12(self, password: str | bytes, *, friendly_name: bytes | None = None) -> bytes:
        """The certificate, key and chain as a PKCS#12 with modern encryption (AES-256, PBKDF2)."""
        return pkcs12.serialize_key_and_certificates(
            friendly_name,
            self.private_key,
            self.certificate,
            list(self.chain) or None,
            serialization.BestAvailableEncryption(_password_bytes(password)),
        )

    def __repr__(self) -> str:
        return f"A1Certificate(subject={self.subject!r}, serial={self.serial_number:x}, not_after={self.not_after})"


def load_pkcs12(data: bytes, password: str | bytes) -> A1Certificate:
    """Open a PKCS#12 file. Raises ``CertificateError`` (never a stack trace) when it cannot be used.

    Only the structure is checked here; ``check_usable`` checks validity dates, CNPJ and key usage.
    """
    if not _looks_like_pkcs12(data):
        raise CertificateError(
            "CERT_NAO_PKCS12",
            "o arquivo não é um certificado A1 no formato PKCS#12 (.pfx/.p12)",
        )
    try:
        loaded = pkcs12.load_pkcs12(data, _password_bytes(password))
    except ValueError as exc:
        # cryptography reports both a bad MAC (wrong password) and undecryptable content as
        # ValueError; the structure was already recognised above, so this is the password.
        raise CertificateError(
            "CERT_SENHA_INCORRETA", "senha do certificado A1 incorreta (ou arquivo PKCS#12 corrompido)"
        ) from exc
    except Exception as exc:  # unsupported algorithms etc.: never a stack trace
        raise CertificateError(
            "CERT_NAO_PKCS12", f"o arquivo PKCS#12 não pôde ser lido ({type(exc).__name__})"
        ) from exc
    if loaded.key is None or loaded.cert is None:
        raise CertificateError(
            "CERT_SEM_CHAVE_PRIVADA",
            "o arquivo PKCS#12 não contém a chave privada e o certificado (exporte o A1 com a chave privada)",
        )
    key = loaded.key
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError("CERT_CHAVE_NAO_RSA", "a chave do certificado não é RSA (a NF-e exige RSA-SHA1)")
    cert = loaded.cert.certificate
    cert_key = cert.public_key()
    if not isinstance(cert_key, rsa.RSAPublicKey) or cert_key.public_numbers() != key.public_key().public_numbers():
        raise CertificateError(
            "CERT_CHAVE_NAO_CORRESPONDE", "a chave privada do arquivo não corresponde ao certificado"
        )
    chain = tuple(c.certificate for c in loaded.additional_certs)
    return A1Certificate(certificate=cert, private_key=key, chain=chain, identity=identity_of(cert))


def usability_errors(a1: A1Certificate, *, now: datetime, emitter_cnpj: str | None = None) -> list[CertificateError]:
    """Every reason why ``a1`` cannot sign for ``emitter_cnpj`` at ``now`` (empty when usable)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    problems: list[CertificateError] = []
    fmt = "%d/%m/%Y %H:%M UTC"
    if now > a1.not_after:
        problems.append(
            CertificateError(
                "CERT_EXPIRADO",
                f"certificado vencido em {a1.not_after.astimezone(UTC).strftime(fmt)}; renove o certificado A1",
                cstat="291",  # Certificado Assinatura Data Validade
            )
        )
    if now < a1.not_before:
        problems.append(
            CertificateError(
                "CERT_AINDA_NAO_VALIDO",
                f"certificado válido somente a partir de {a1.not_before.astimezone(UTC).strftime(fmt)}",
                cstat="291",
            )
        )
    try:
        usage = a1.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        signs = usage.digital_signature
    except x509.ExtensionNotFound:
        signs = True  # no KeyUsage extension means no restriction (RFC 5280 §4.2.1.3)
    if not signs:
        problems.append(
            CertificateError(
                "CERT_SEM_ASSINATURA_DIGITAL",
                "o uso de chave (KeyUsage) do certificado não inclui assinatura digital (digitalSignature)",
            )
        )
    if emitter_cnpj is not None:
        emitter = normalize_cnpj(emitter_cnpj)
        own = a1.identity.cnpj
        if own is None:
            problems.append(
                CertificateError(
                    "CERT_SEM_CNPJ",
                    "o certificado não é um e-CNPJ (não traz o CNPJ no campo 2.16.76.1.3.3)",
                    cstat="292",  # Certificado Assinatura sem CNPJ
                )
            )
        elif own[:8] != emitter[:8]:
            # cStat 213: "CNPJ-Base do Emitente difere do CNPJ-Base do Certificado Digital".
            problems.append(
                CertificateError(
                    "CERT_CNPJ_DIVERGENTE",
                    f"a raiz do CNPJ do certificado ({own[:8]}) difere da raiz do CNPJ do emitente ({emitter[:8]})",
                    cstat="213",
                )
            )
    return problems


def check_usable(a1: A1Certificate, *, now: datetime, emitter_cnpj: str | None = None) -> None:
    """Raise the first ``CertificateError`` of ``usability_errors``."""
    problems = usability_errors(a1, now=now, emitter_cnpj=emitter_cnpj)
    if problems:
        raise problems[0]


def load_a1(data: bytes, password: str | bytes, *, now: datetime, emitter_cnpj: str | None = None) -> A1Certificate:
    """``load_pkcs12`` then ``check_usable``: the one call a caller needs before signing."""
    a1 = load_pkcs12(data, password)
    check_usable(a1, now=now, emitter_cnpj=emitter_cnpj)
    return a1
