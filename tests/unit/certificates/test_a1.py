"""Loading A1 certificates: identity, legacy PKCS#12, and every pt-BR refusal with its stable code."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from certificates.a1 import A1Certificate, check_usable, load_a1, load_pkcs12, usability_errors
from certificates.errors import CertificateError
from certificates.identity import cnpj_check_digits, identity_of, is_valid_cnpj, is_valid_cpf
from certificates.testpki import IssuedCertificate, TestCA

from .conftest import ALNUM_CNPJ, CNPJ, NOW, PASSWORD


def _code(exc: pytest.ExceptionInfo[CertificateError]) -> str:
    return exc.value.code


def test_loads_identity_and_metadata(issued: IssuedCertificate) -> None:
    a1 = load_pkcs12(issued.to_pfx(PASSWORD), PASSWORD)
    assert a1.identity.kind == "e-CNPJ"
    assert a1.identity.cnpj == CNPJ and a1.identity.cnpj_root == CNPJ[:8]
    assert a1.identity.responsible_name == "FULANO DE TAL"
    assert a1.identity.responsible_cpf == "52998224725"
    assert a1.identity.holder_name == "CLINICA ODONTOLOGICA TESTE LTDA"
    assert a1.key_size == 2048
    assert a1.serial_number == issued.certificate.serial_number
    assert "AC TESTE Ortho" in a1.issuer
    assert a1.not_after == issued.certificate.not_valid_after_utc
    assert len(a1.chain) == 2


def test_alphanumeric_cnpj_is_read_and_validated(test_ca: TestCA) -> None:
    assert is_valid_cnpj(ALNUM_CNPJ)  # example published by the Receita Federal (IN RFB 2.229/2024)
    assert cnpj_check_digits("12ABC34501DE") == "35"
    issued = test_ca.issue_ecnpj(
        cnpj="12.ABC.345/01DE-35", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=10)
    )
    a1 = load_pkcs12(issued.to_pfx(PASSWORD), PASSWORD)
    assert a1.identity.cnpj == ALNUM_CNPJ
    check_usable(a1, now=NOW, emitter_cnpj="12ABC345000190")  # same root "12ABC345"


def test_ecpf_identity(test_ca: TestCA) -> None:
    issued = test_ca.issue_ecpf(
        cpf="52998224725", name="MARIA DENTISTA", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9)
    )
    ident = identity_of(issued.certificate)
    assert ident.kind == "e-CPF" and ident.cpf == "52998224725" and ident.cnpj is None
    assert is_valid_cpf("52998224725") and not is_valid_cpf("52998224724")


def test_legacy_3des_pkcs12_loads_and_is_rewritten_with_modern_encryption(issued: IssuedCertificate) -> None:
    legacy = issued.to_pfx(PASSWORD, legacy=True)
    a1 = load_pkcs12(legacy, PASSWORD)
    assert a1.certificate == issued.certificate
    modern = a1.to_pkcs12(PASSWORD)
    assert load_pkcs12(modern, PASSWORD).certificate == issued.certificate
    assert modern != legacy


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command line not installed")
def test_legacy_rc2_40_pkcs12_made_by_openssl_loads(issued: IssuedCertificate, tmp_path: Path) -> None:
    """``openssl pkcs12 -export -legacy``: RC2-40 for the certificates, 3DES for the key (old CA software)."""
    key = tmp_path / "key.pem"
    cert = tmp_path / "cert.pem"
    out = tmp_path / "legacy.pfx"
    key.write_bytes(issued.key_pem())
    cert.write_bytes(issued.cert_pem(with_chain=True))
    done = subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-legacy",
            "-inkey",
            str(key),
            "-in",
            str(cert),
            "-out",
            str(out),
            "-passout",
            "env:PFXPASS",
        ],
        env={"PFXPASS": PASSWORD, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 and b"legacy" in done.stderr.lower():
        pytest.skip("the system OpenSSL has no legacy provider to write RC2-40")
    assert done.returncode == 0, done.stderr
    info = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", str(out), "-passin", "env:PFXPASS"],
        env={"PFXPASS": PASSWORD, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
    )
    assert b"RC2" in info.stderr + info.stdout  # the file really uses RC2-40
    a1 = load_pkcs12(out.read_bytes(), PASSWORD)
    assert a1.identity.cnpj == CNPJ


def test_wrong_password(issued: IssuedCertificate) -> None:
    with pytest.raises(CertificateError) as info:
        load_pkcs12(issued.to_pfx(PASSWORD), "errada")
    assert _code(info) == "CERT_SENHA_INCORRETA"
    assert "senha" in info.value.mensagem
    assert "errada" not in info.value.mensagem and "errada" not in repr(info.value)


def test_not_a_pkcs12(issued: IssuedCertificate) -> None:
    for data in (b"", b"hello", issued.cert_pem(), issued.certificate.public_bytes(serialization.Encoding.DER)):
        with pytest.raises(CertificateError) as info:
            load_pkcs12(data, PASSWORD)
        assert _code(info) == "CERT_NAO_PKCS12"


def test_pkcs12_without_private_key(issued: IssuedCertificate) -> None:
    only_cert = pkcs12.serialize_key_and_certificates(
        b"x", None, issued.certificate, None, serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    with pytest.raises(CertificateError) as info:
        load_pkcs12(only_cert, PASSWORD)
    assert _code(info) == "CERT_SEM_CHAVE_PRIVADA"


def test_expired_and_not_yet_valid(test_ca: TestCA) -> None:
    expired = test_ca.issue_ecnpj(cnpj=CNPJ, not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=35))
    future = test_ca.issue_ecnpj(cnpj=CNPJ, not_before=NOW + timedelta(days=2), not_after=NOW + timedelta(days=400))
    with pytest.raises(CertificateError) as info:
        load_a1(expired.to_pfx(PASSWORD), PASSWORD, now=NOW)
    assert _code(info) == "CERT_EXPIRADO" and "vencido" in info.value.mensagem and info.value.cstat == "291"
    with pytest.raises(CertificateError) as info:
        load_a1(future.to_pfx(PASSWORD), PASSWORD, now=NOW)
    assert _code(info) == "CERT_AINDA_NAO_VALIDO"


def test_cnpj_root_must_match_the_emitter(a1: A1Certificate) -> None:
    check_usable(a1, now=NOW, emitter_cnpj="11.222.333/0002-62")  # a branch (filial) of the same company
    with pytest.raises(CertificateError) as info:
        check_usable(a1, now=NOW, emitter_cnpj="99888777000166")
    assert _code(info) == "CERT_CNPJ_DIVERGENTE" and info.value.cstat == "213"
    assert "11222333" in info.value.mensagem and "99888777" in info.value.mensagem


def test_ecpf_cannot_sign_for_a_company(test_ca: TestCA) -> None:
    issued = test_ca.issue_ecpf(
        cpf="52998224725", name="MARIA", not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9)
    )
    problems = usability_errors(issued.to_a1(), now=NOW, emitter_cnpj=CNPJ)
    assert [p.code for p in problems] == ["CERT_SEM_CNPJ"]


def test_key_usage_without_digital_signature(test_ca: TestCA) -> None:
    issued = test_ca.issue_ecnpj(
        cnpj=CNPJ, not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=9), digital_signature=False
    )
    with pytest.raises(CertificateError) as info:
        check_usable(issued.to_a1(), now=NOW)
    assert _code(info) == "CERT_SEM_ASSINATURA_DIGITAL"


def test_repr_never_shows_the_key(a1: A1Certificate) -> None:
    text = repr(a1)
    assert "PRIVATE" not in text and "private_key" not in text
    assert CNPJ in text
