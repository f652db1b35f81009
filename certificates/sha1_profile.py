"""THE one place where SHA-1 is allowed (design.md, convention 6).

The NF-e 4.00 layout (MOC 7.0, item 4.4 "Padrão de Assinatura Digital") still mandates
RSA-SHA1 signatures with SHA-1 digests, C14N 1.0 and the enveloped-signature transform. SHA-1 is
disabled by default in signxml (and rightly so); this module opts in, for this profile only:

* ``digest`` / ``rsa_sign`` / ``rsa_verify``: the primitives our own signer and verifier use;
* ``legacy_pkcs12_encryption``: the 3DES/SHA-1-MAC PKCS#12 of old CA software, for the test PKI;
* ``Sha1XMLSigner`` / ``Sha1XMLVerifier`` / ``signxml_verify_config``: signxml configured for the same
  profile, used as an independent signer/verifier in the tests and the benchmark.

``tests/unit/certificates/test_sha1_profile.py`` fails if a signxml upgrade changes how the
exception is made (the default refusing SHA-1, or our override no longer being needed/working).
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

SIGNXML_VERSION_CHECKED = "5.2.0"
"""The signxml release whose SHA-1 handling this module was written against."""


def legacy_pkcs12_encryption(password: bytes) -> serialization.KeySerializationEncryption:
    """PKCS#12 protection as older Brazilian CA software writes it (3DES, SHA-1 MAC): only for the
    test PKI, to prove such files load (``A1Certificate.to_pkcs12`` always writes modern ones)."""
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 - reproduces legacy files on purpose
        .build(password)
    )


def digest(data: bytes) -> bytes:
    """SHA-1 of ``data`` (the DigestValue of the NF-e profile)."""
    return hashlib.sha1(data).digest()  # noqa: S324 - mandated by the NF-e layout (MOC 4.4)


def rsa_sign(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-1 over ``data`` (the canonical SignedInfo)."""
    return key.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - mandated by the NF-e layout


def rsa_verify(key: rsa.RSAPublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - mandated by the NF-e layout
    except InvalidSignature:
        return False
    return True


class Sha1XMLSigner(XMLSigner):
    """signxml's signer for the NF-e profile: RSA-SHA1, SHA-1, C14N 1.0, no ``ds:`` prefix."""

    def __init__(self) -> None:
        super().__init__(
            signature_algorithm=SignatureMethod.RSA_SHA1,
            digest_algorithm=DigestAlgorithm.SHA1,
            c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
        )
        # SEFAZ expects xmlns="...xmldsig#" on Signature, no prefix (signxml issue #275 handles it).
        self.namespaces = {None: DSIG_NS}  # type: ignore[dict-item]

        # lxml 6.2/libxml2 2.14 put a spurious xmlns="" on grandchildren when canonicalising a
        # non-root element (see certificates.c14n); NF-e documents never contain a real xmlns="".
        self.excise_empty_xmlns_declarations = True

    def check_deprecated_methods(self) -> None:
        """signxml refuses SHA-1 here by default; the NF-e layout requires it."""


class Sha1XMLVerifier(XMLVerifier):
    """signxml's verifier, with the same C14N workaround as ``Sha1XMLSigner``; pass it
    ``expect_config=signxml_verify_config()`` to accept SHA-1."""

    excise_empty_xmlns_declarations = True


def signxml_verify_config(**overrides: Any) -> SignatureConfiguration:
    """A signxml ``SignatureConfiguration`` accepting exactly the NF-e profile."""
    base: dict[str, Any] = {
        "signature_methods": frozenset({SignatureMethod.RSA_SHA1}),
        "digest_algorithms": frozenset({DigestAlgorithm.SHA1}),
        "expect_references": 1,
    }
    base.update(overrides)
    return SignatureConfiguration(**base)
