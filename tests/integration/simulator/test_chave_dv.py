"""The simulator's chave DV (módulo 11, weights 2..9 from the right, MOC 7.0; characters as ord(c) - 48 for
the alphanumeric CNPJ of NT 2025.001), against the plain definition for digits, letters and any length."""

from __future__ import annotations

import random

from simulator.sefaz import chave_dv

from .sefazclient import chave_dv as client_chave_dv


def _reference(first43: str) -> str:
    total = 0
    for i, c in enumerate(reversed(first43)):
        total += (ord(c) - 48) * (2 + i % 8)
    rest = total % 11
    return "0" if rest < 2 else str(11 - rest)


def test_the_dv_is_the_modulo_11_of_the_definition_for_any_text():
    rng = random.Random(2026)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for length in [*range(0, 70), 43, 43, 43, 200]:
        for _ in range(40):
            text = "".join(rng.choice(alphabet) for _ in range(length))
            assert chave_dv(text) == _reference(text), text


def test_the_dv_of_numeric_chaves_matches_the_test_client():
    rng = random.Random(7)
    for _ in range(500):
        first43 = "".join(rng.choice("0123456789") for _ in range(43))
        assert chave_dv(first43) == client_chave_dv(first43)
