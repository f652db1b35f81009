"""The SHA-1 exception: fails loudly if a signxml upgrade changes how SHA-1 is refused or allowed."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from signxml import XMLSigner
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidInput
from signxml.verifier import SignatureConfiguration

from certificates import sha1_profile


def test_signxml_version_is_the_one_the_exception_was_written_for() -> None:
    assert version("signxml") == sha1_profile.SIGNXML_VERSION_CHECKED, (
        "signxml changed: re-check certificates/sha1_profile.py (check_deprecated_methods, "
        "SignatureConfiguration defaults, excise_empty_xmlns_declarations) and update the constant"
    )


def test_signxml_still_refuses_sha1_by_default() -> None:
    with pytest.raises(InvalidInput):
        XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA1, digest_algorithm=DigestAlgorithm.SHA1)
    default = SignatureConfiguration()
    assert SignatureMethod.RSA_SHA1 not in default.signature_methods
    assert DigestAlgorithm.SHA1 not in default.digest_algorithms


def test_our_signxml_configuration_allows_exactly_the_nfe_profile() -> None:
    signer = sha1_profile.Sha1XMLSigner()
    assert signer.sign_alg is SignatureMethod.RSA_SHA1 and signer.digest_alg is DigestAlgorithm.SHA1
    assert signer.c14n_alg.value == sha1_profile.C14N_10
    config = sha1_profile.signxml_verify_config()
    assert config.signature_methods == frozenset({SignatureMethod.RSA_SHA1})
    assert config.digest_algorithms == frozenset({DigestAlgorithm.SHA1})
    assert config.expect_references == 1


def test_uri_constants_match_signxml() -> None:
    assert SignatureMethod.RSA_SHA1.value == sha1_profile.RSA_SHA1
    assert DigestAlgorithm.SHA1.value == sha1_profile.SHA1


def test_digest_is_sha1() -> None:
    assert sha1_profile.digest(b"abc").hex() == "a9993e364706816aba3e25717850c26c9cd0d89d"
