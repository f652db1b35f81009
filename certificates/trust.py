"""Trust store for checking the signer's certificate chain (a PEM bundle of ICP-Brasil CAs).

The bundle holds the anchors (self-signed roots such as "AC Raiz Brasileira v5") and may hold the
intermediate CAs: the NF-e signature carries only the signer's certificate (MOC 4.4), so the
intermediates have to come from the bundle (or from ``intermediates`` given by the caller).

Path building is deliberately small: issuer name match, signature check, CA basic constraint and
key usage ``keyCertSign`` on every issuer, validity of every certificate at the given time, a
maximum depth. ICP-Brasil certificates do not follow the Web PKI profile, so the Web PKI
verifier of ``cryptography`` would reject legitimate chains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

MAX_DEPTH = 6


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _can_issue(ca: x509.Certificate) -> bool:
    try:
        bc = ca.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not bc.ca:
        return False
    try:
        ku = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return ku.key_cert_sign


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _cn(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


@dataclass(frozen=True, slots=True)
class TrustStore:
    """Anchors (trusted roots) and known intermediate CAs."""

    anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_certificates(cls, certs: Iterable[x509.Certificate]) -> TrustStore:
        anchors: list[x509.Certificate] = []
        intermediates: list[x509.Certificate] = []
        for cert in certs:
            (anchors if _is_self_signed(cert) else intermediates).append(cert)
        return cls(tuple(anchors), tuple(intermediates))

    @classmethod
    def from_pem(cls, data: bytes) -> TrustStore:
        """Self-signed certificates of the bundle become anchors, the others intermediates."""
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise ValueError("o arquivo de confiança não contém certificados PEM válidos") from exc
        return cls.from_certificates(certs)

    @classmethod
    def from_pem_file(cls, path: str | Path) -> TrustStore:
        return cls.from_pem(Path(path).read_bytes())

    def to_pem(self) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (*self.anchors, *self.intermediates))

    def chain_problem(
        self,
        leaf: x509.Certificate,
        *,
        at: datetime | None,
        extra_intermediates: Iterable[x509.Certificate] = (),
    ) -> tuple[str, str] | None:
        """``None`` when ``leaf`` chains to an anchor (valid at ``at`` when given), else (code, pt-BR reason)."""
        pool = [*self.intermediates, *extra_intermediates]
        problem = self._walk(leaf, pool, at, depth=0)
        return problem

    def _walk(
        self, cert: x509.Certificate, pool: list[x509.Certificate], at: datetime | None, depth: int
    ) -> tuple[str, str] | None:
        if at is not None and not (cert.not_valid_before_utc <= at <= cert.not_valid_after_utc):
            return (
                "CADEIA_FORA_DA_VALIDADE",
                f"o certificado '{_cn(cert)}' não era válido em {at.isoformat()}",
            )
        for anchor in self.anchors:
            if anchor.public_bytes(serialization.Encoding.DER) == cert.public_bytes(serialization.Encoding.DER):
                return None
            if _issued_by(cert, anchor):
                if not _can_issue(anchor):
                    return ("CADEIA_NAO_CONFIAVEL", f"a raiz '{_cn(anchor)}' não é uma autoridade certificadora")
                if at is not None and not (anchor.not_valid_before_utc <= at <= anchor.not_valid_after_utc):
                    return ("CADEIA_FORA_DA_VALIDADE", f"a raiz '{_cn(anchor)}' não era válida em {at.isoformat()}")
                return None
        if depth >= MAX_DEPTH:
            return ("CADEIA_NAO_CONFIAVEL", "cadeia de certificação longa demais")
        last: tuple[str, str] | None = None
        for ca in pool:
            if ca is cert or not _issued_by(cert, ca):
                continue
            if not _can_issue(ca):
                last = ("CADEIA_NAO_CONFIAVEL", f"'{_cn(ca)}' não é uma autoridade certificadora")
                continue
            last = self._walk(ca, [c for c in pool if c is not ca], at, depth + 1)
            if last is None:
                return None
        return last or (
            "CADEIA_NAO_CONFIAVEL",
            f"o certificado '{_cn(cert)}' (emitido por '{cert.issuer.rfc4514_string()}') não pertence a uma "
            "cadeia confiável configurada",
        )
