"""CNPJ and CPF: normalisation and check digits (módulo 11).

CNPJ, numeric or alphanumeric (Receita Federal, Nota Técnica COCAD/SUARA/RFB nº 49/2024, in force
since July 2026): 12 characters ``[0-9A-Z]`` (8 of the root + 4 of the establishment) followed by
2 numeric check digits. Each character is worth its ASCII code minus 48, so the digits keep their
value ('0'..'9' -> 0..9) and the letters become 'A' -> 17 .. 'Z' -> 42; an existing numeric CNPJ
therefore keeps its check digits. Weights 2..9 repeated from the right (first DV: 5 4 3 2 9 8 7 6 5
4 3 2; second DV: 6 5 4 3 2 9 8 7 6 5 4 3 2); remainder 0 or 1 gives DV 0, otherwise 11 - remainder.

CPF: 9 digits + 2 check digits, weights 10..2 then 11..2, same remainder rule.

The arithmetic is ``certificates.identity``'s (one implementation for the whole project).

A number made of one repeated character (``00000000000000``, ``11111111111``) passes the
arithmetic but is not a registration: SEFAZ rejects "CNPJ zerado ou dígito inválido" (cStat 617,
489), so these are refused too.
"""

from __future__ import annotations

import re

# The módulo-11 arithmetic itself lives in the certificates leaf (it reads the CNPJ/CPF of ICP-Brasil
# certificates and may not import the engine): one implementation, the engine adds the pt-BR
# normalisation, formatting and the refusal of repeated characters.
from certificates.identity import cnpj_check_digits, cpf_check_digits

_SEPARATORS = re.compile(r"[\s./\-]")
_CNPJ_BASE = re.compile(r"[0-9A-Z]{12}")
_CNPJ = re.compile(r"[0-9A-Z]{12}[0-9]{2}")
_CPF = re.compile(r"[0-9]{11}")

__all__ = [
    "cnpj_dv",
    "cnpj_valido",
    "cpf_dv",
    "cpf_valido",
    "formatar_cnpj",
    "formatar_cpf",
    "normalizar",
]


def normalizar(documento: str) -> str:
    """Drop the usual punctuation (``.``, ``/``, ``-``, blanks) and upper-case the letters.

    ``"12.abc.345/01de-35"`` -> ``"12ABC34501DE35"``. Nothing else is changed, so invalid
    characters still make the validation fail.
    """
    return _SEPARATORS.sub("", documento).upper()


def cnpj_dv(base12: str) -> str:
    """The two check digits of a CNPJ root+order (12 characters ``[0-9A-Z]``, punctuation allowed).

    Raises ValueError when ``base12`` is not 12 valid characters once normalised.
    """
    base = normalizar(base12)
    if not _CNPJ_BASE.fullmatch(base):
        raise ValueError(f"base de CNPJ deve ter 12 caracteres [0-9A-Z], recebido {base12!r}")
    return cnpj_check_digits(base)


def cnpj_valido(cnpj: str) -> bool:
    """True for a well-formed CNPJ (numeric or alphanumeric) whose check digits match."""
    valor = normalizar(cnpj)
    if not _CNPJ.fullmatch(valor) or len(set(valor)) == 1:
        return False
    return cnpj_dv(valor[:12]) == valor[12:]


def cpf_dv(base9: str) -> str:
    """The two check digits of a CPF base (9 digits, punctuation allowed)."""
    base = normalizar(base9)
    if not re.fullmatch(r"[0-9]{9}", base):
        raise ValueError(f"base de CPF deve ter 9 dígitos, recebido {base9!r}")
    return cpf_check_digits(base)


def cpf_valido(cpf: str) -> bool:
    """True for an 11-digit CPF whose check digits match (repeated digits refused)."""
    valor = normalizar(cpf)
    if not _CPF.fullmatch(valor) or len(set(valor)) == 1:
        return False
    return cpf_dv(valor[:9]) == valor[9:]


def formatar_cnpj(cnpj: str) -> str:
    """``12ABC34501DE35`` -> ``12.ABC.345/01DE-35`` (input returned unchanged if not 14 chars)."""
    v = normalizar(cnpj)
    if len(v) != 14:
        return cnpj
    return f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}"


def formatar_cpf(cpf: str) -> str:
    """``12345678909`` -> ``123.456.789-09`` (input returned unchanged if not 11 chars)."""
    v = normalizar(cpf)
    if len(v) != 11:
        return cpf
    return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"
