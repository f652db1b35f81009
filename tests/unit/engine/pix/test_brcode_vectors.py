"""The published and verified BR Code vectors (shared/reference/brcode.md), byte for byte."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.pix import BRCodeError, TipoChave, crc16, decode, encode

EVP = "123e4567-e12b-12d1-a456-426655440000"

# 1. Manual de Padrões para Iniciação do Pix: static example with a random key.
MANUAL = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
# 2-4. bacen/pix-api openapi.yaml: QR composto (static + rec), cob + rec, cobv + rec.
SPEC_COMPOSTO = (
    "00020126180014br.gov.bcb.pix5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"
    "80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002630462C9"
)
SPEC_COB_REC = (
    "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"
    "80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa35319489063047741"
)
SPEC_COBV_REC = (
    "00020101021226810014br.gov.bcb.pix2559pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e7"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"
    "80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/3ffa640fa4f14080adccb949fa2dc0d06304A441"
)
# 5-7. Computed and verified in brcode.md.
COM_VALOR_TXID = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.00"
    "5802BR5913Fulano de Tal6008BRASILIA62130509PEDIDO1236304902A"
)
DINAMICO = (
    "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63047EC0"
)
EMAIL_INFO = (
    "00020126530014br.gov.bcb.pix0118fulano@example.com0209Pedido 4252040000530398654041.505802BR"
    "5912LOJA EXEMPLO6009SAO PAULO62190515NFCE35250612345630458D2"
)
# 8. Third-party example with amount 123.45.
TERCEIRO = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406123.45"
    "5802BR5913FULANO DE TAL6008BRASILIA62070503***6304488D"
)

ALL = [MANUAL, SPEC_COMPOSTO, SPEC_COB_REC, SPEC_COBV_REC, COM_VALOR_TXID, DINAMICO, EMAIL_INFO, TERCEIRO]


def test_crc_is_ccitt_false() -> None:
    # CRC-16/CCITT-FALSE check value (the catalogue's "123456789" test).
    assert crc16("123456789") == "29B1"


@pytest.mark.parametrize("payload", ALL)
def test_every_reference_vector_decodes_with_a_good_crc(payload: str) -> None:
    b = decode(payload)
    assert b.crc_ok and b.valido, b.avisos
    assert b.crc == payload[-4:] == b.crc_calculado
    assert b.payload == payload
    assert (b.formato, b.mcc, b.moeda, b.pais) == ("01", "0000", "986", "BR")


def test_manual_example_byte_for_byte() -> None:
    assert encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA") == MANUAL
    b = decode(MANUAL)
    assert (b.chave, b.tipo_chave, b.nome, b.cidade, b.txid) == (EVP, TipoChave.EVP, "Fulano de Tal", "BRASILIA", "***")
    assert b.valor is None and b.ponto_iniciacao is None and not b.dinamico


def test_spec_qr_composto_byte_for_byte() -> None:
    rec = "pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002"
    assert encode(nome="Fulano de Tal", cidade="BRASILIA", url_rec=rec) == SPEC_COMPOSTO
    b = decode(SPEC_COMPOSTO)
    assert b.url_rec == rec and b.chave is None and b.url is None


@pytest.mark.parametrize(
    ("payload", "loc", "rec"),
    [
        (SPEC_COB_REC, "pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441",
         "pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa353194890"),
        (SPEC_COBV_REC, "pix.example.com/qr/v2/cobv/1e6c54d3ec9449b7a7fc53b6b0f998e7",
         "pix.example.com/qr/v2/rec/3ffa640fa4f14080adccb949fa2dc0d0"),
    ],
)  # fmt: skip
def test_spec_dynamic_with_rec_byte_for_byte(payload: str, loc: str, rec: str) -> None:
    assert encode(url=loc, nome="Fulano de Tal", cidade="BRASILIA", url_rec=rec) == payload
    b = decode(payload)
    assert b.dinamico and b.url == loc and b.url_rec == rec and b.ponto_iniciacao == "12"
    assert [c.id for c in b.outros] == ["80"]  # the unreserved template is kept


def test_amount_and_txid_byte_for_byte() -> None:
    assert encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA", valor=Decimal("10.00"), txid="PEDIDO123") == (
        COM_VALOR_TXID
    )
    b = decode(COM_VALOR_TXID)
    assert b.valor == Decimal("10.00") and b.txid == "PEDIDO123"


def test_dynamic_single_use_byte_for_byte() -> None:
    loc = "pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25"
    assert encode(url="https://" + loc, nome="Fulano de Tal", cidade="BRASILIA") == DINAMICO
    assert decode(DINAMICO).url == loc


def test_email_key_with_description_byte_for_byte() -> None:
    # Accents stripped from the city: "São Paulo" -> "SAO PAULO" once upper-cased by the caller.
    got = encode(chave="fulano@example.com", descricao="Pedido 42", valor="1.50", txid="NFCE35250612345",
                 nome="LOJA EXEMPLO", cidade="SÃO PAULO")  # fmt: skip
    assert got == EMAIL_INFO
    b = decode(EMAIL_INFO)
    assert (b.tipo_chave, b.descricao, b.valor) == (TipoChave.EMAIL, "Pedido 42", Decimal("1.50"))


def test_third_party_amount_byte_for_byte() -> None:
    assert encode(chave=EVP, nome="FULANO DE TAL", cidade="BRASILIA", valor=Decimal("123.45")) == TERCEIRO


def test_negative_vendor_doc_crc_is_reported_wrong() -> None:
    # A vendor document printed 45C8; the real CRC of that body is 02A4. Its GUI is "br.gov.bcb.Pix".
    bad = (
        "00020126580014br.gov.bcb.Pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.005802BR"
        "5913TESTE ACCOUNT6008BRASILIA62070503***630445C8"
    )
    b = decode(bad)
    assert not b.crc_ok and not b.valido
    assert (b.crc, b.crc_calculado) == ("45C8", "02A4")
    codes = {a.code: a for a in b.avisos}
    assert "PIX_CRC" in codes and "02A4" in codes["PIX_CRC"].mensagem
    assert codes["PIX_GUI_CAIXA"].severity == "note"
    assert b.chave == EVP and b.valor == Decimal("10.00")  # the fields are still reported


def test_negative_copied_crc_with_wrong_template_length_is_a_structural_error() -> None:
    # Public material: body changed, CRC 1D3D copied from the manual, and "6241" declares 41 characters
    # where only 15 follow.
    bad = (
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.00"
        "5802BR5913KELLY FASHION6009SAO PAULO62410503***63041D3D"
    )
    with pytest.raises(BRCodeError) as exc:
        decode(bad)
    pos = bad.index("6241") + 1
    assert exc.value.posicao == pos
    assert f"posição {pos}" in exc.value.mensagem and "62" in exc.value.mensagem


def test_negative_copied_crc_with_fixed_length_still_fails_the_crc() -> None:
    body = (
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.00"
        "5802BR5913KELLY FASHION6009SAO PAULO62070503***6304"
    )
    b = decode(body + "1D3D")
    assert not b.crc_ok and b.crc_calculado == crc16(body) != "1D3D"
    assert decode(body + crc16(body)).crc_ok
