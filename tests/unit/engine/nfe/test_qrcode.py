"""NFC-e QR-Code strings: v2/v3, on-line/off-line, checked against hand-made hashes, the XSD patterns
of infNFeSupl/qrCode (PL_010f) and, for v3 off-line, the certificate's public key."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from certificates.a1 import A1Certificate
from certificates.testpki import make_test_a1
from engine.errors import ConfigurationError, InputError
from engine.nfe.build.qrcode import qrcode_v2, qrcode_v3
from engine.nfe.qrcode import (
    Destinatario,
    dig_val_hex,
    offline_signed_text,
    qrcode_offline,
    qrcode_online,
    rsa_sha1_signer,
    verify_offline_v3,
)

XSD = Path(__file__).resolve().parents[4] / "schemas" / "xsd" / "nfe_v4.00" / "leiauteNFe_v4.00.xsd"
URL = "https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode"
# tpEmis 1 (position 35) and tpEmis 9; both with a valid DV (see engine.nfe.chave).
CHAVE_ONLINE = "35261211222333000181650010000010421601038435"
CHAVE_OFFLINE = "35261211222333000181650010000010439434640974"
DIGEST = "C9O0kovFNMnktrhPSue9AsfaOOs="  # a Base64 SHA-1 DigestValue (20 bytes)
CSC = "0123456789ABCDEF0123456789ABCDEF"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """The five xs:pattern of infNFeSupl/qrCode, named by the comment that precedes each in the XSD."""
    tree = etree.parse(str(XSD))
    restriction = tree.find(".//{*}element[@name='qrCode']/{*}simpleType/{*}restriction")
    assert restriction is not None
    out: dict[str, re.Pattern[str]] = {}
    label = ""
    for node in restriction:
        if isinstance(node, etree._Comment):
            label = (node.text or "").strip()
        elif etree.QName(node).localname == "pattern":
            out[label] = re.compile(node.get("value", ""))  # XSD patterns are anchored: use fullmatch
    assert set(out) == {"QRCODE V1", "QRCODE V2 ONLINE", "QRCODE V2 OFFLINE", "QRCODE V3 ONLINE", "QRCODE V3 OFFLINE"}
    return out


def _shape(qr: str) -> list[str]:
    return [name for name, pattern in _patterns().items() if pattern.fullmatch(qr)]


@cache
def _a1() -> A1Certificate:
    return make_test_a1(cnpj="11222333000181", now=NOW)[1].to_a1()


def _public_key() -> rsa.RSAPublicKey:
    key = _a1().certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def test_v3_online_is_chave_version_and_environment_only() -> None:
    qr = qrcode_online(3, base_url=URL, chave=CHAVE_ONLINE, tp_amb=2)
    assert qr == f"{URL}?p={CHAVE_ONLINE}|3|2"
    assert _shape(qr) == ["QRCODE V3 ONLINE"]


def test_v2_online_hash_is_uppercase_sha1_of_parameters_and_csc() -> None:
    qr = qrcode_online(2, base_url=URL + "?p=", chave=CHAVE_ONLINE, tp_amb=1, id_csc="000001", csc=CSC)
    # sha1("35261211222333000181650010000010421601038435|2|1|1" + CSC), computed with coreutils sha1sum
    assert qr == f"{URL}?p={CHAVE_ONLINE}|2|1|1|EDF389F044B9C6111C5332E47F92AA3AD7010D90"
    assert _shape(qr) == ["QRCODE V2 ONLINE"]


def test_v2_offline_hex_digval_day_value_and_hash_by_hand() -> None:
    qr = qrcode_offline(
        2, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
        v_nf=Decimal("237.80"), digest_value=DIGEST, id_csc="000001", csc=CSC,
    )
    hexdig = "".join(f"{b:02x}" for b in DIGEST.encode("ascii"))
    params = f"{CHAVE_OFFLINE}|2|2|04|237.80|{hexdig}|1"
    expected_hash = hashlib.sha1((params + CSC).encode(), usedforsecurity=False).hexdigest().upper()
    assert qr == f"{URL}?p={params}|{expected_hash}"
    assert len(hexdig) == 56 and dig_val_hex(DIGEST) == hexdig
    assert _shape(qr) == ["QRCODE V2 OFFLINE"]


def test_v3_offline_signature_is_rsa_sha1_of_parameters_1_to_7_and_verifies_with_the_certificate() -> None:
    a1 = _a1()
    dest = Destinatario("2", "52998224725")
    qr = qrcode_offline(
        3, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
        v_nf=Decimal("237.80"), dest=dest, signer=a1,
    )
    signed_text = f"{CHAVE_OFFLINE}|3|2|04|237.80|2|52998224725"
    assert offline_signed_text(CHAVE_OFFLINE, 2, "2026-12-04T12:00:00-03:00", Decimal("237.80"), dest) == signed_text
    assert qr.startswith(f"{URL}?p={signed_text}|")
    signature = base64.b64decode(qr.rsplit("|", 1)[1], validate=True)
    # independent check with cryptography; PKCS#1 v1.5 is deterministic, so the bytes are known too
    _public_key().verify(signature, signed_text.encode(), padding.PKCS1v15(), hashes.SHA1())
    assert signature == a1.private_key.sign(signed_text.encode(), padding.PKCS1v15(), hashes.SHA1())
    assert verify_offline_v3(qr, _public_key())
    assert _shape(qr) == ["QRCODE V3 OFFLINE"]


def test_v3_offline_tampered_value_fails_verification() -> None:
    a1 = _a1()
    qr = qrcode_offline(
        3, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
        v_nf=Decimal("10.00"), signer=rsa_sha1_signer(a1),
    )
    forged = qr.replace("|10.00|", "|1.00|")
    assert verify_offline_v3(qr, _public_key())
    assert not verify_offline_v3(forged, _public_key())
    with pytest.raises(InvalidSignature):
        partes = forged.split("?p=")[1].split("|")
        _public_key().verify(
            base64.b64decode(partes[7]), "|".join(partes[:7]).encode(), padding.PKCS1v15(), hashes.SHA1()
        )


@pytest.mark.parametrize(
    ("dest", "middle"),
    [
        (Destinatario(), "||"),
        (Destinatario("1", "11444777000161"), "|1|11444777000161|"),
        (Destinatario("1", "12ABC34501DE35"), "|1|12ABC34501DE35|"),  # alphanumeric CNPJ (NT 2025.001)
        (Destinatario("3", ""), "|3||"),  # foreign customer: only the separator
    ],
)
def test_v3_offline_customer_identification_shapes(dest: Destinatario, middle: str) -> None:
    qr = qrcode_offline(
        3, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=1, dh_emi="2026-12-31T23:59:59-04:00", v_nf=Decimal("0"),
        dest=dest, signer=_a1(),
    )
    assert f"|3|1|31|0.00{middle}" in qr
    assert _shape(qr) == ["QRCODE V3 OFFLINE"]


def test_day_comes_from_dhemi_as_written_not_from_utc() -> None:
    # 23:30 in Manaus on the 4th is already the 5th in UTC: the QR-Code prints the document's day
    text = offline_signed_text(CHAVE_OFFLINE, 2, "2026-12-04T23:30:00-04:00", "5.00")
    assert text.split("|")[3] == "04"


def test_online_and_offline_forms_refuse_the_wrong_tpemis() -> None:
    with pytest.raises(InputError) as online:
        qrcode_online(3, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2)
    assert online.value.code == "QRCODE_TPEMIS" and "tpEmis 9" in online.value.mensagem
    with pytest.raises(InputError) as offline:
        qrcode_offline(3, base_url=URL, chave=CHAVE_ONLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
                       v_nf="1.00", signer=_a1())
    assert offline.value.code == "QRCODE_TPEMIS"


def test_missing_secrets_are_configuration_errors_in_portuguese() -> None:
    with pytest.raises(ConfigurationError) as no_csc:
        qrcode_online(2, base_url=URL, chave=CHAVE_ONLINE, tp_amb=2)
    assert no_csc.value.cstat == "796" and "CSC" in no_csc.value.mensagem
    with pytest.raises(ConfigurationError) as no_signer:
        qrcode_offline(3, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
                       v_nf="1.00")
    assert "certificado" in no_signer.value.mensagem
    with pytest.raises(InputError) as no_digest:
        qrcode_offline(2, base_url=URL, chave=CHAVE_OFFLINE, tp_amb=2, dh_emi="2026-12-04T12:00:00-03:00",
                       v_nf="1.00", id_csc="1", csc=CSC)
    assert "assine" in no_digest.value.mensagem


@pytest.mark.parametrize("bad", ["", "abc", base64.b64encode(b"x" * 32).decode()])
def test_digest_value_must_be_a_base64_sha1(bad: str) -> None:
    with pytest.raises(InputError):
        dig_val_hex(bad)


@pytest.mark.parametrize(("tp", "doc"), [("1", "123"), ("2", "11444777000161"), ("3", "X1"), ("", "52998224725")])
def test_inconsistent_customer_identification_is_refused(tp: str, doc: str) -> None:
    with pytest.raises(InputError):
        Destinatario(tp, doc)  # type: ignore[arg-type]


def test_build_helpers_keep_working_through_the_new_module() -> None:
    assert qrcode_v3(URL, CHAVE_ONLINE, 2) == qrcode_online(3, base_url=URL, chave=CHAVE_ONLINE, tp_amb=2)
    assert qrcode_v2(URL, CHAVE_ONLINE, 1, "000001", CSC) == qrcode_online(
        2, base_url=URL, chave=CHAVE_ONLINE, tp_amb=1, id_csc="000001", csc=CSC
    )
