"""CPF and CNPJ check digits (mod 11), including the alphanumeric CNPJ in force since July 2026
(IN RFB 2.229/2024: each character is worth its ASCII code minus 48, for letters and digits alike).

Used to reject a bad customer or emitter identification before the document exists (cStat 208
CNPJ do destinatário inválido, cStat 237 CPF do destinatário inválido).
"""

from __future__ import annotations

import re

_CNPJ = re.compile(r"^[0-9A-Z]{12}[0-9]{2}$")
_CPF = re.compile(r"^[0-9]{11}$")


def _dv_mod11(values: list[int], weights: list[int]) -> int:
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def cnpj_valido(cnpj: str) -> bool:
    """True when ``cnpj`` (14 characters, upper-case, no punctuation) has valid check digits."""
    if not _CNPJ.match(cnpj) or len(set(cnpj)) == 1:
        return False
    values = [ord(c) - 48 for c in cnpj]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    w2 = [6, *w1]
    d1 = _dv_mod11(values[:12], w1)
    d2 = _dv_mod11([*values[:12], d1], w2)
    return values[12] == d1 and values[13] == d2


def cpf_valido(cpf: str) -> bool:
    """True when ``cpf`` (11 digits) has valid check digits."""
    if not _CPF.match(cpf) or len(set(cpf)) == 1:
        return False
    values = [int(c) for c in cpf]
    d1 = _dv_mod11(values[:9], list(range(10, 1, -1)))
    d2 = _dv_mod11(values[:10], list(range(11, 1, -1)))
    return values[9] == d1 and values[10] == d2
