"""Round trip: whatever encode() accepts, decode() gives back field by field with a good CRC."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.documentos import cnpj_dv, cpf_dv
from engine.pix import BRCodeError, TipoChave, decode, encode, normalizar_texto

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

cpfs = st.text("0123456789", min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1).map(lambda s: s + cpf_dv(s))
cnpjs = (
    st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12)
    .filter(lambda s: len(set(s)) > 1)
    .map(lambda s: s + cnpj_dv(s))
)
local_parts = st.text("abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=30).filter(
    lambda u: u[0] != "." and u[-1] != "." and ".." not in u
)
emails = st.builds(lambda u, d: f"{u}@{d}.com.br", local_parts, st.text("abcdefghij", min_size=1, max_size=20))
phones = st.builds(
    lambda ddd, n: f"+55{ddd}9{n}",
    st.integers(11, 99).filter(lambda d: d % 10 != 0),
    st.text("0123456789", min_size=8, max_size=8),
)
evps = st.uuids().map(str)
keys = st.one_of(cpfs, cnpjs, emails, phones, evps)
texts = st.text(st.characters(codec="latin-1", exclude_categories=("Cc",)), min_size=1, max_size=40).filter(
    lambda s: any(c.isalnum() and c.isascii() for c in unicodedata.normalize("NFKD", s))
)
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))


@settings(max_examples=150, deadline=None)
@given(
    chave=keys,
    nome=texts,
    cidade=texts,
    valor=amounts,
    txid=st.one_of(st.none(), st.text(ALNUM, min_size=1, max_size=25)),
    descricao=st.one_of(st.none(), st.text(ALNUM + " ", min_size=1, max_size=20).filter(str.strip)),
)
def test_static_round_trip(
    chave: str, nome: str, cidade: str, valor: Decimal | None, txid: str | None, descricao: str | None
) -> None:
    payload = encode(chave=chave, nome=nome, cidade=cidade, valor=valor, txid=txid, descricao=descricao)
    b = decode(payload)
    assert b.crc_ok and b.valido, b.avisos
    assert b.chave == chave and b.tipo_chave is not None
    if len(chave) == 11 and chave.isdigit():
        assert b.tipo_chave is TipoChave.CPF
    assert b.nome == normalizar_texto(nome, "nome", 25)
    assert b.cidade == normalizar_texto(cidade, "cidade", 15)
    assert b.valor == (valor if valor else None)
    assert b.txid == (txid or "***")
    assert b.descricao == (" ".join(descricao.split()) if descricao else None)
    assert payload.isascii() and len(payload) <= 512


@settings(max_examples=80, deadline=None)
@given(
    path=st.text(ALNUM + "/-._", min_size=1, max_size=50),
    txid=st.one_of(st.none(), st.text(ALNUM, min_size=26, max_size=35)),
    valor=amounts,
    unico=st.booleans(),
)
def test_dynamic_round_trip(path: str, txid: str | None, valor: Decimal | None, unico: bool) -> None:
    url = "psp.example.com/" + path
    payload = encode(url=url, nome="Clinica", cidade="Recife", txid=txid, valor=valor,
                     ponto_iniciacao="12" if unico else "11")  # fmt: skip
    b = decode(payload)
    assert b.crc_ok and b.valido and b.dinamico, b.avisos
    assert (b.url, b.txid, b.ponto_iniciacao) == (url, txid or "***", "12" if unico else "11")
    assert b.valor == (valor if valor else None)


VALID = encode(chave="fulano@example.com", nome="Loja", cidade="Recife", valor=Decimal("1.50"), txid="ABC")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.text("0123456789ABC*.", max_size=200)))
def test_decode_never_fails_other_than_with_brcode_error(texto: str) -> None:
    try:
        b = decode(texto)
    except BRCodeError as exc:
        assert exc.mensagem and (exc.posicao is None or exc.posicao >= 1)
    else:
        assert b.crc_calculado and len(b.crc_calculado) == 4


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(VALID) - 1), st.characters(codec="ascii", exclude_categories=("Cc",)))
def test_any_single_character_change_is_caught(pos: int, char: str) -> None:
    mutated = VALID[:pos] + char + VALID[pos + 1 :]
    if mutated[:-4] == VALID[:-4] and mutated[-4:].upper() == VALID[-4:]:
        return  # same CRC value, only its case changed (a note, not an error)
    try:
        b = decode(mutated)
    except BRCodeError:
        return  # the structure broke, with its position
    # CRC-16 detects every single-character change (burst shorter than 16 bits); a change inside
    # the CRC field itself is caught by the comparison.
    assert not b.crc_ok
