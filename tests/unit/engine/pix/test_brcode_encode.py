"""encode(): every input is validated, with a pt-BR message naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.pix import BRCodeError, PontoIniciacao, TipoChave, decode, encode, normalizar_chave

EVP = "123e4567-e12b-12d1-a456-426655440000"
BASE = {"nome": "Clinica Sorriso", "cidade": "CAMPINAS"}


@pytest.mark.parametrize(
    ("entrada", "esperado", "tipo"),
    [
        ("529.982.247-25", "52998224725", TipoChave.CPF),
        ("52998224725", "52998224725", TipoChave.CPF),
        ("34.128.745/0001-52", "34128745000152", TipoChave.CNPJ),
        ("12.abc.345/01de-35", "12ABC34501DE35", TipoChave.CNPJ),  # alphanumeric CNPJ (NT 49/2024)
        ("fulano@example.com", "fulano@example.com", TipoChave.EMAIL),
        ("+55 (61) 91234-5678", "+5561912345678", TipoChave.TELEFONE),
        ("+551133334444", "+551133334444", TipoChave.TELEFONE),
        (EVP.upper(), EVP, TipoChave.EVP),
    ],
)
def test_keys_are_normalised_as_the_brcode_carries_them(entrada: str, esperado: str, tipo: TipoChave) -> None:
    assert normalizar_chave(entrada) == (esperado, tipo)
    b = decode(encode(chave=entrada, **BASE))
    assert (b.chave, b.tipo_chave) == (esperado, tipo)


@pytest.mark.parametrize(
    ("chave", "trecho"),
    [
        ("529.982.247-26", "CPF inválida"),
        ("11111111111", "CPF inválida"),
        ("34128745000153", "CNPJ inválida"),
        ("12ABC34501DE36", "CNPJ inválida"),
        ("fulano@", "e-mail inválida"),
        ("a" * 70 + "@example.com", "no máximo 77"),
        ("+1 202 555 0100", "telefone inválida"),
        ("+55 61 1234", "telefone inválida"),
        ("123e4567-e12b-12d1-a456-42665544000g", "aleatória (EVP) inválida"),
        ("61912345678x", "não é CPF, CNPJ, e-mail, telefone"),
        ("   ", "não informada"),
    ],
)
def test_invalid_keys_are_refused_naming_the_field(chave: str, trecho: str) -> None:
    with pytest.raises(BRCodeError) as exc:
        encode(chave=chave, **BASE)
    assert exc.value.campo == "chave" and exc.value.path == "chave"
    assert trecho in exc.value.mensagem
    assert exc.value.code == "PIX_BRCODE_INVALIDO"


def test_forced_key_type_is_checked() -> None:
    # An 11-digit phone without +55 reads as a CPF; forcing "telefone" demands the +55 form.
    with pytest.raises(BRCodeError, match="telefone"):
        normalizar_chave("61912345678", TipoChave.TELEFONE)


def test_name_and_city_lose_accents_and_are_cut_to_the_manual_limits() -> None:
    b = decode(encode(chave=EVP, nome="  Clínica  Odontológica São João da Barra Ltda ", cidade="São José dos Campos"))
    assert b.nome == "Clinica Odontologica Sao"  # 25 characters, trailing blank dropped
    assert b.cidade == "Sao Jose dos Ca"  # 15
    assert len(b.nome) <= 25 and len(b.cidade) <= 15


def test_name_with_nothing_printable_is_refused() -> None:
    with pytest.raises(BRCodeError, match="nome vazio") as exc:
        encode(chave=EVP, nome="\u0301\u0301", cidade="X")
    assert exc.value.campo == "nome"


@pytest.mark.parametrize(
    ("valor", "texto"),
    [(Decimal("10"), "10.00"), (Decimal("0.01"), "0.01"), ("1234,5", "1234.50"), (7, "7.00"),
     (Decimal("9999999999.99"), "9999999999.99"), (Decimal("1.500"), "1.50")],
)  # fmt: skip
def test_amount_is_written_with_two_places(valor: Decimal | int | str, texto: str) -> None:
    payload = encode(chave=EVP, valor=valor, **BASE)
    assert f"54{len(texto):02d}{texto}" in payload
    assert decode(payload).valor == Decimal(texto)


def test_zero_amount_leaves_the_field_out() -> None:
    assert "5400" not in encode(chave=EVP, valor=Decimal("0.00"), **BASE)
    assert decode(encode(chave=EVP, valor=0, **BASE)).valor is None


@pytest.mark.parametrize(
    ("valor", "trecho"),
    [(Decimal("1.005"), "mais de 2 casas"), (Decimal("-1"), "negativo"), ("abc", "não é um número"),
     (Decimal("NaN"), "não é um número"), (Decimal("10000000000.00"), "excede 13"), (1.5, "nunca float")],
)  # fmt: skip
def test_bad_amounts_are_refused(valor: object, trecho: str) -> None:
    with pytest.raises(BRCodeError) as exc:
        encode(chave=EVP, valor=valor, **BASE)  # type: ignore[arg-type]
    assert exc.value.campo == "valor" and trecho in exc.value.mensagem


def test_static_txid_rules() -> None:
    assert decode(encode(chave=EVP, txid="A" * 25, **BASE)).txid == "A" * 25
    assert decode(encode(chave=EVP, txid="***", **BASE)).txid == "***"
    for bad in ("A" * 26, "PEDIDO-1", "pedido 1", ""):
        with pytest.raises(BRCodeError, match="até 25 caracteres") as exc:
            encode(chave=EVP, txid=bad, **BASE)
        assert exc.value.campo == "txid"


def test_dynamic_txid_follows_the_api_pix_pattern() -> None:
    url = "psp.example.com/qr/v2/abc"
    txid = "a" * 26
    assert decode(encode(url=url, txid=txid, **BASE)).txid == txid
    assert decode(encode(url=url, **BASE)).txid == "***"
    for bad in ("a" * 25, "a" * 36, "PEDIDO123"):
        with pytest.raises(BRCodeError, match="26 a 35"):
            encode(url=url, txid=bad, **BASE)


def test_description_fits_the_99_character_account_template() -> None:
    # 26 = GUI (18) + key (4 + 36) + description (4 + n) <= 99 -> n <= 37 with an EVP.
    ok = "x" * 37
    b = decode(encode(chave=EVP, descricao=ok, **BASE))
    assert b.descricao == ok and len(next(c for c in b.campos if c.id == "26").valor) == 99
    with pytest.raises(BRCodeError, match="cabem no máximo 37") as exc:
        encode(chave=EVP, descricao=ok + "x", **BASE)
    assert exc.value.campo == "descricao"


def test_description_only_in_static_codes() -> None:
    with pytest.raises(BRCodeError, match="só existe no QR estático"):
        encode(url="psp.example.com/qr/1", descricao="Consulta", **BASE)


def test_url_goes_without_scheme() -> None:
    assert decode(encode(url="https://psp.example.com/qr/v2/1", **BASE)).url == "psp.example.com/qr/v2/1"
    for bad in ("http://psp.example.com/qr", "psp.example.com/q r"):
        with pytest.raises(BRCodeError) as exc:
            encode(url=bad, **BASE)
        assert exc.value.campo == "url"


def test_url_too_long_for_the_account_template() -> None:
    with pytest.raises(BRCodeError, match="99"):
        encode(url="psp.example.com/" + "a" * 70, **BASE)


def test_key_and_url_are_alternatives() -> None:
    with pytest.raises(BRCodeError, match="não as duas"):
        encode(chave=EVP, url="psp.example.com/qr/1", **BASE)
    with pytest.raises(BRCodeError, match="informe a chave Pix") as exc:
        encode(**BASE)
    assert exc.value.campo == "chave"


def test_point_of_initiation() -> None:
    assert decode(encode(chave=EVP, **BASE)).ponto_iniciacao is None  # static: absent, as in the Manual
    assert decode(encode(chave=EVP, ponto_iniciacao="12", **BASE)).ponto_iniciacao == "12"
    assert decode(encode(url="psp.example.com/qr/1", **BASE)).ponto_iniciacao == "12"  # dynamic default
    reuse = encode(url="psp.example.com/qr/1", ponto_iniciacao=PontoIniciacao.REUTILIZAVEL, **BASE)
    assert reuse.startswith("0002010102112")
    with pytest.raises(BRCodeError, match=r"11 .* ou 12") as exc:
        encode(chave=EVP, ponto_iniciacao="13", **BASE)
    assert exc.value.campo == "ponto_iniciacao"


def test_mcc_and_postal_code() -> None:
    b = decode(encode(chave=EVP, mcc="8021", cep="13015-904", **BASE))  # 8021: dentists and orthodontists
    assert (b.mcc, b.cep) == ("8021", "13015904")
    with pytest.raises(BRCodeError, match="4 dígitos"):
        encode(chave=EVP, mcc="80", **BASE)
    with pytest.raises(BRCodeError, match="8 dígitos") as exc:
        encode(chave=EVP, cep="1301", **BASE)
    assert exc.value.campo == "cep"
