"""Errors of the certificates package.

``certificates`` is a leaf package (design.md: it imports neither ``engine`` nor the other leaves), so
it carries its own small error type. Callers in ``engine``/``adapters``/``api`` translate it at their
boundary. Every error has a stable ``code`` and a pt-BR ``mensagem`` meant for the end user; no
message ever contains a password.

Codes:

    CERT_SENHA_INCORRETA        wrong PKCS#12 password
    CERT_NAO_PKCS12             the file is not a PKCS#12 (.pfx/.p12)
    CERT_SEM_CHAVE_PRIVADA      the PKCS#12 holds no private key (or no certificate)
    CERT_CHAVE_NAO_CORRESPONDE  the private key does not belong to the certificate
    CERT_CHAVE_NAO_RSA          the key is not RSA (the NF-e signature is RSA-SHA1)
    CERT_EXPIRADO               not_after is in the past
    CERT_AINDA_NAO_VALIDO       not_before is in the future
    CERT_CNPJ_DIVERGENTE        CNPJ root (first 8 chars) differs from the emitter's (cStat 213)
    CERT_SEM_CNPJ               an e-CNPJ was required but the certificate carries no CNPJ
    CERT_SEM_ASSINATURA_DIGITAL key usage without digitalSignature
    CERT_CHAVE_MESTRA           master key missing, malformed or unknown key id
    CERT_DADOS_CORROMPIDOS      encrypted record fails authentication (tampered or wrong key)
    CERT_NAO_ENCONTRADO         no (active) certificate for the emitter
    CERT_XML                    a document cannot be signed (no Id, unknown root, ...)
"""

from __future__ import annotations


class CertificateError(Exception):
    """A certificate problem the user can fix; ``code`` is stable, ``mensagem`` is pt-BR."""

    def __init__(self, code: str, mensagem: str, *, cstat: str | None = None) -> None:
        super().__init__(mensagem)
        self.code = code
        self.mensagem = mensagem
        self.cstat = cstat

    def __repr__(self) -> str:
        return f"CertificateError(code={self.code!r}, mensagem={self.mensagem!r})"
