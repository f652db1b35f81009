"""decode(): any BR Code, structural errors with their position, findings for the rest."""

from __future__ import annotations

import binascii

import pytest

from engine.pix import BRCodeError, crc16, decode, encode, parse_tlv

EVP = "123e4567-e12b-12d1-a456-426655440000"


def t(ident: str, valor: str) -> str:
    return f"{ident}{len(valor):02d}{valor}"


def com_crc(corpo: str) -> str:
    return corpo + "6304" + crc16(corpo + "6304")


def test_unknown_ids_and_foreign_templates_are_kept() -> None:
    # A multi-scheme code: another arrangement in template 27 besides Pix in 26, an unknown
    # unreserved template 85 and the language template 64 (all from the EMV ranges).
    corpo = (
        "000201" "26580014br.gov.bcb.pix0136" + EVP
        + t("27", t("00", "com.example.qr") + t("01", "ABCDEF1234"))
        + "5204000053039865802BR5913Fulano de Tal6008BRASILIA"
        + "62070503***"
        + t("64", t("00", "pt") + t("01", "ROD SORRISO"))
        + t("85", t("00", "A1B2") + t("01", "ZZZZ"))
    )  # fmt: skip
    b = decode(com_crc(corpo))
    assert b.crc_ok and b.valido, b.avisos
    assert [c.id for c in b.outros] == ["27", "64", "85"]
    t27 = b.outros[0]
    assert [(f.id, f.valor) for f in t27.filhos] == [("00", "com.example.qr"), ("01", "ABCDEF1234")]
    assert b.outros[2].filho("00") is not None and b.outros[2].filho("00").valor == "A1B2"  # type: ignore[union-attr]


def test_template_that_is_not_tlv_is_kept_as_plain_value() -> None:
    corpo = "00020126580014br.gov.bcb.pix0136" + EVP + "5204000053039865802BR5901X6001Y62070503***8003abc"
    b = decode(com_crc(corpo))
    assert b.crc_ok
    t80 = next(c for c in b.campos if c.id == "80")
    assert t80.valor == "abc" and t80.filhos == ()


def test_positions_are_recorded() -> None:
    payload = encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA")
    campos = parse_tlv(payload)
    for c in campos:
        assert payload[c.posicao : c.posicao + 2] == c.id
    conta = campos[1]
    chave = conta.filho("01")
    assert chave is not None and payload[chave.posicao + 4 : chave.posicao + 4 + 36] == EVP


@pytest.mark.parametrize(
    ("payload", "posicao", "trecho"),
    [
        ("0002", 1, "declara 2 caracteres"),
        ("000201260", 7, "dados incompletos"),
        ("0002016x04abcd", 7, "ID inválido"),
        ("00020126ab", 9, "tamanho inválido"),
        ("00020126580014br.gov.bcb.pix", 7, "declara 58"),
    ],
)
def test_broken_tlv_names_the_position(payload: str, posicao: int, trecho: str) -> None:
    with pytest.raises(BRCodeError) as exc:
        decode(payload)
    assert exc.value.posicao == posicao
    assert trecho in exc.value.mensagem and f"posição {posicao}" in exc.value.mensagem


def test_crc_must_exist_be_last_and_have_four_characters() -> None:
    with pytest.raises(BRCodeError, match="sem CRC"):
        decode("000201")
    with pytest.raises(BRCodeError, match="deve ser o último campo; está na posição 7"):
        decode("00020163041D3D5802BR")
    with pytest.raises(BRCodeError, match="4 dígitos hexadecimais"):
        decode("0002016303ABC")
    with pytest.raises(BRCodeError, match="começar pelo campo 00"):
        decode("5802BR63041D3D")
    with pytest.raises(BRCodeError, match="vazio"):
        decode("  \n")


def test_lower_case_crc_is_a_note_not_a_failure() -> None:
    payload = encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA")
    assert payload.endswith("1D3D")  # the Manual's example: its CRC has hex letters
    b = decode(payload[:-4] + "1d3d")
    assert b.crc_ok and b.valido
    assert [a.code for a in b.avisos] == ["PIX_CRC_MINUSCULO"]


def test_surrounding_blanks_from_copy_paste_are_ignored() -> None:
    payload = encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA")
    assert decode(f"  {payload}\n").payload == payload


def test_semantic_problems_are_findings_with_the_field() -> None:
    corpo = (
        "000202" "010213" + t("26", t("00", "br.gov.bcb.pix") + t("01", "+5512345"))
        + "5203000" "5303840" "5404ab.c" "5802US" + t("59", "N" * 26) + t("60", "C" * 16)
        + t("62", t("05", "PEDIDO-1234567"))
    )  # fmt: skip
    b = decode(com_crc(corpo))
    assert b.crc_ok and not b.valido
    codes = {a.code: a.path for a in b.avisos}
    assert codes == {
        "PIX_FORMATO": "00",
        "PIX_PONTO_INICIACAO": "01",
        "PIX_CHAVE": "26.01",
        "PIX_MCC": "52",
        "PIX_MOEDA": "53",
        "PIX_VALOR": "54",
        "PIX_PAIS": "58",
        "PIX_NOME": "59",
        "PIX_CIDADE": "60",
        "PIX_TXID": "62.05",
    }
    assert all(a.severity == "error" for a in b.avisos)


def test_missing_fields_and_non_pix_codes_are_reported() -> None:
    b = decode(com_crc("00020126180014com.example.qr"))
    codes = [a.code for a in b.avisos]
    assert "PIX_GUI_AUSENTE" in codes
    missing = {a.path for a in b.avisos if a.code == "PIX_CAMPO_AUSENTE"}
    assert missing == {"52", "53", "58", "59", "60", "62"}


def test_duplicated_field_and_key_with_url_are_errors() -> None:
    corpo = (
        "000201" + t("26", t("00", "br.gov.bcb.pix") + t("01", EVP) + t("25", "psp.example.com/qr1"))
        + "5204000053039865802BR5901X5901Y6001Z62070503***"
    )  # fmt: skip
    codes = [a.code for a in decode(com_crc(corpo)).avisos]
    assert "PIX_CAMPO_REPETIDO" in codes and "PIX_CHAVE_E_URL" in codes


def test_as_dict_reports_every_field() -> None:
    payload = encode(chave=EVP, nome="Fulano de Tal", cidade="BRASILIA", valor="10", txid="PEDIDO123")
    d = decode(payload).as_dict()
    assert d["crc_ok"] is True and d["valido"] is True and d["tipo"] == "estatico"
    assert (d["chave"], d["tipo_chave"], d["valor"], d["txid"]) == (EVP, "evp", "10.00", "PEDIDO123")
    campos = d["campos"]
    assert isinstance(campos, list) and [c["id"] for c in campos] == ["00", "26", "52", "53", "54", "58", "59", "60",
                                                                     "62", "63"]  # fmt: skip


@pytest.mark.parametrize("tamanho", ["09", "10"])  # "São Paulo": 9 characters, 10 UTF-8 bytes
def test_accented_city_reads_whether_lengths_count_characters_or_bytes(tamanho: str) -> None:
    corpo = "000201" + t("26", t("00", "br.gov.bcb.pix") + t("01", EVP)) + "5204000053039865802BR5901X60" + tamanho
    corpo += "São Paulo62070503***6304"
    b = decode(corpo + f"{binascii.crc_hqx(corpo.encode(), 0xFFFF):04X}")
    assert b.crc_ok and b.valido and b.cidade == "São Paulo" and b.chave == EVP
    codes = {a.code for a in b.avisos}
    assert "PIX_CARACTERES" in codes
    assert ("PIX_TAMANHO_EM_BYTES" in codes) == (tamanho == "10")
