"""Pix keys (chaves do DICT) as they are written in the BR Code, field 26-01.

BACEN *Manual de Padrões para Iniciação do Pix*, "Formatação das chaves do DICT no BR Code":
CPF and CNPJ without punctuation, phone in E.164 with ``+55``, e-mail as registered, random key
(EVP) as the 36-character UUID with hyphens. The DICT limits an e-mail key to 77 characters.
CNPJ keys may be alphanumeric (RFB NT COCAD/SUARA 49/2024; API Pix 2.9.0 accepts
``^[0-9A-Z]{14}$``); the check digits come from engine.documentos.
"""

from __future__ import annotations

import re
from enum import StrEnum

from engine.documentos import cnpj_valido, cpf_valido, normalizar
from engine.pix.errors import BRCodeError

__all__ = ["TipoChave", "normalizar_chave", "tipo_da_chave"]


class TipoChave(StrEnum):
    CPF = "cpf"
    CNPJ = "cnpj"
    EMAIL = "email"
    TELEFONE = "telefone"
    EVP = "evp"


# E.164 for Brazil: +55, DDD 11..99 (no 0 in either digit), 8 (landline) or 9 (mobile) digits.
_TELEFONE = re.compile(r"\+55[1-9][1-9][2-9]\d{7,8}")
_EVP = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Pragmatic address check (local@domain.tld), no blanks; the DICT caps the key at 77 characters.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_DOC_CHARS = re.compile(r"[0-9A-Za-z.\-/ ]+")
_EMAIL_MAX = 77


def tipo_da_chave(chave: str) -> TipoChave | None:
    """The type of an already-normalised key as it appears in a BR Code, or None if it fits none."""
    if _EVP.fullmatch(chave):
        return TipoChave.EVP
    if chave.startswith("+"):
        return TipoChave.TELEFONE if _TELEFONE.fullmatch(chave) else None
    if "@" in chave:
        return TipoChave.EMAIL if len(chave) <= _EMAIL_MAX and _EMAIL.fullmatch(chave) else None
    if len(chave) == 11 and chave.isdigit() and cpf_valido(chave):
        return TipoChave.CPF
    if len(chave) == 14 and cnpj_valido(chave) and chave == chave.upper():
        return TipoChave.CNPJ
    return None


def normalizar_chave(chave: str, tipo: TipoChave | None = None) -> tuple[str, TipoChave]:
    """Validate a Pix key and return it as the BR Code carries it, with its type.

    Accepts the usual human forms: CPF/CNPJ with punctuation, an EVP in upper case, a phone
    with blanks, parentheses or hyphens (but always with ``+55``: without it an 11-digit phone
    and a CPF look alike). ``tipo`` forces the type; without it the type is inferred.
    Raises :class:`BRCodeError` (campo ``chave``) with a pt-BR message saying what is wrong.
    """
    bruto = chave.strip()
    if not bruto:
        raise BRCodeError("chave Pix não informada", campo="chave")
    inferido = tipo or _inferir(bruto)
    if inferido is TipoChave.EVP:
        valor = bruto.lower()
        if not _EVP.fullmatch(valor):
            raise BRCodeError(
                f"chave Pix aleatória (EVP) inválida {chave!r}: deve ser um UUID de 36 caracteres "
                "(8-4-4-4-12 dígitos hexadecimais)",
                campo="chave",
            )
    elif inferido is TipoChave.TELEFONE:
        valor = re.sub(r"[\s()\-.]", "", bruto)
        if not _TELEFONE.fullmatch(valor):
            raise BRCodeError(
                f"chave Pix de telefone inválida {chave!r}: use +55, DDD e número (ex.: +5561912345678)",
                campo="chave",
            )
    elif inferido is TipoChave.EMAIL:
        valor = bruto
        if len(valor) > _EMAIL_MAX:
            raise BRCodeError(
                f"chave Pix de e-mail com {len(valor)} caracteres: o DICT aceita no máximo {_EMAIL_MAX}",
                campo="chave",
            )
        if not _EMAIL.fullmatch(valor):
            raise BRCodeError(f"chave Pix de e-mail inválida {chave!r}", campo="chave")
    elif inferido is TipoChave.CPF:
        valor = normalizar(bruto)
        if not (len(valor) == 11 and valor.isdigit() and cpf_valido(valor)):
            raise BRCodeError(
                f"chave Pix CPF inválida {chave!r}: deve ter 11 dígitos com dígitos verificadores corretos",
                campo="chave",
            )
    elif inferido is TipoChave.CNPJ:
        valor = normalizar(bruto)
        if not cnpj_valido(valor):
            raise BRCodeError(
                f"chave Pix CNPJ inválida {chave!r}: deve ter 14 caracteres (12 [0-9A-Z] + 2 dígitos) "
                "com dígitos verificadores corretos",
                campo="chave",
            )
    else:
        raise BRCodeError(
            f"chave Pix {chave!r} não é CPF, CNPJ, e-mail, telefone (+55...) nem chave aleatória (UUID)",
            campo="chave",
        )
    return valor, inferido


def _inferir(bruto: str) -> TipoChave | None:
    if "@" in bruto:
        return TipoChave.EMAIL
    if bruto.startswith("+"):
        return TipoChave.TELEFONE
    if len(bruto) == 36 and bruto.count("-") == 4:
        return TipoChave.EVP
    if _DOC_CHARS.fullmatch(bruto):
        doc = normalizar(bruto)
        if len(doc) == 11 and doc.isdigit():
            return TipoChave.CPF
        if len(doc) == 14:
            return TipoChave.CNPJ
    return None
