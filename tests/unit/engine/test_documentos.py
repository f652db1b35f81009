"""CNPJ (numeric and alphanumeric) and CPF check digits."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.documentos import cnpj_dv, cnpj_valido, cpf_dv, cpf_valido, formatar_cnpj, formatar_cpf, normalizar

ALNUM = string.digits + string.ascii_uppercase


def _classic_cnpj_dv(base: str) -> str:
    """The numeric CNPJ rule as published before 2026 (weights 5..2,9..2 then 6..2,9..2),
    written independently of the implementation under test."""
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    w2 = [6, *w1]
    d1 = sum(int(c) * w for c, w in zip(base, w1, strict=True)) % 11
    d1 = 0 if d1 < 2 else 11 - d1
    d2 = sum(int(c) * w for c, w in zip(base + str(d1), w2, strict=True)) % 11
    d2 = 0 if d2 < 2 else 11 - d2
    return f"{d1}{d2}"


# Official example of the SERPRO/RFB manual "Cálculo dos dígitos verificadores do CNPJ alfanumérico".
def test_alphanumeric_cnpj_official_example() -> None:
    assert cnpj_dv("12ABC34501DE") == "35"
    assert cnpj_valido("12.ABC.345/01DE-35")
    assert cnpj_valido("12abc34501de35")  # lower case is normalised


@pytest.mark.parametrize(
    "cnpj",
    ["34128745000152", "75335849000115", "06117473000150", "11.222.333/0001-81", "00.000.000/0001-91"],
)
def test_real_numeric_cnpjs_are_valid(cnpj: str) -> None:
    assert cnpj_valido(cnpj)


@pytest.mark.parametrize(
    "cnpj",
    ["12ABC34501DE36", "12ABC34501DE3A", "34128745000151", "00000000000000", "11111111111111", "3412874500015", ""],
)
def test_wrong_or_malformed_cnpjs_are_refused(cnpj: str) -> None:
    assert not cnpj_valido(cnpj)


def test_letters_are_refused_in_the_check_digits_and_bad_characters_anywhere() -> None:
    assert not cnpj_valido("12ABC34501DE3Z")
    assert not cnpj_valido("12ABC34501D#35")
    with pytest.raises(ValueError):
        cnpj_dv("12ABC34501D")


@given(st.text(alphabet=string.digits, min_size=12, max_size=12))
def test_numeric_cnpj_keeps_the_classic_check_digits(base: str) -> None:
    assert cnpj_dv(base) == _classic_cnpj_dv(base)


@given(st.text(alphabet=ALNUM, min_size=12, max_size=12).filter(lambda s: len(set(s)) > 1))
def test_any_alphanumeric_base_with_its_dv_is_valid_and_formats_round_trip(base: str) -> None:
    cnpj = base + cnpj_dv(base)
    assert cnpj_valido(cnpj)
    assert normalizar(formatar_cnpj(cnpj)) == cnpj
    assert cnpj_valido(formatar_cnpj(cnpj))


@given(st.text(alphabet=ALNUM, min_size=12, max_size=12).filter(lambda s: len(set(s)) > 1), st.integers(1, 9))
def test_a_changed_check_digit_is_detected(base: str, delta: int) -> None:
    cnpj = base + cnpj_dv(base)
    for pos in (12, 13):
        changed = cnpj[:pos] + str((int(cnpj[pos]) + delta) % 10) + cnpj[pos + 1 :]
        assert not cnpj_valido(changed)


@pytest.mark.parametrize("cpf", ["529.982.247-25", "52998224725", "111.444.777-35"])
def test_valid_cpfs(cpf: str) -> None:
    assert cpf_valido(cpf)


@pytest.mark.parametrize("cpf", ["52998224724", "11111111111", "00000000000", "5299822472", "5299822472A"])
def test_invalid_cpfs(cpf: str) -> None:
    assert not cpf_valido(cpf)


def _alt_cpf_dv(base: str) -> str:
    """Equivalent formulation (weights 1..9 then 0..9, result mod 11 mod 10), independent of the
    implementation under test."""
    d1 = sum(i * int(c) for i, c in enumerate(base, start=1)) % 11 % 10
    d2 = sum(i * int(c) for i, c in enumerate(base + str(d1))) % 11 % 10
    return f"{d1}{d2}"


@given(st.text(alphabet=string.digits, min_size=9, max_size=9).filter(lambda s: len(set(s)) > 1))
def test_cpf_dv_matches_the_alternative_formula_and_formats_round_trip(base: str) -> None:
    assert cpf_dv(base) == _alt_cpf_dv(base)
    cpf = base + cpf_dv(base)
    assert cpf_valido(cpf)
    assert normalizar(formatar_cpf(cpf)) == cpf
    for pos in (9, 10):
        changed = cpf[:pos] + str((int(cpf[pos]) + 1) % 10) + cpf[pos + 1 :]
        assert not cpf_valido(changed)
