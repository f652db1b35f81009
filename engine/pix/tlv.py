"""EMV® QRCPS-MPM TLV: parsing, serialising and the CRC of the BR Code.

Each data object is ``ID`` (2 digits) + ``LEN`` (2 decimal digits) + ``VALUE`` (EMV QRCPS-MPM
§4.1; BACEN *Manual de Padrões para Iniciação do Pix*, Anexo II). Templates nest data objects
with the same rule. The CRC (ID 63) is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no
reflection, no final XOR) over the whole payload including the literal ``6304`` and excluding the
4 hex digits of the CRC itself; ``binascii.crc_hqx(data, 0xFFFF)`` is exactly that algorithm.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field

from engine.pix.errors import BRCodeError

__all__ = ["Campo", "crc16", "is_template", "parse_tlv", "tlv"]

# EMV QRCPS-MPM §4.2: 26..51 merchant account information templates, 62 additional data field,
# 64 merchant information - language template, 80..99 unreserved templates.
_TEMPLATE_IDS = frozenset({*(f"{i:02d}" for i in range(26, 52)), "62", "64", *(f"{i:02d}" for i in range(80, 100))})


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE of ``data`` (ASCII/UTF-8) as 4 upper-case hex digits."""
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def tlv(ident: str, valor: str) -> str:
    """One data object. The length counts characters of the value (at most 99)."""
    n = len(valor)
    if n > 99:
        raise BRCodeError(f"campo {ident} tem {n} caracteres; o máximo de um campo do BR Code é 99", campo=ident)
    return f"{ident}{n:02d}{valor}"


def is_template(ident: str) -> bool:
    """True for the ids whose value is itself a list of data objects."""
    return ident in _TEMPLATE_IDS


@dataclass(frozen=True, slots=True)
class Campo:
    """A decoded data object: its id, raw value, position (0-based offset of the id in the
    payload) and, for templates that parsed, the nested data objects."""

    id: str
    valor: str
    posicao: int
    filhos: tuple[Campo, ...] = field(default=())

    def filho(self, ident: str) -> Campo | None:
        for f in self.filhos:
            if f.id == ident:
                return f
        return None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.id, "tamanho": len(self.valor), "valor": self.valor}
        if self.filhos:
            data["campos"] = [f.as_dict() for f in self.filhos]
        return data


def parse_tlv(texto: str, *, base: int = 0, onde: str = "BR Code") -> tuple[Campo, ...]:
    """Split ``texto`` into data objects; templates are parsed recursively.

    Raises :class:`BRCodeError` naming the position (1-based, as a person counts) of the first
    malformed object. A template whose value does not parse as TLV is kept as a plain value:
    an unknown scheme may use those ids differently, and the decoder must not refuse it.
    """
    campos: list[Campo] = []
    i = 0
    n = len(texto)
    while i < n:
        pos = base + i
        if n - i < 4:
            raise BRCodeError(
                f"{onde}: dados incompletos na posição {pos + 1}: esperados ID (2 dígitos) e tamanho (2 dígitos), "
                f"restam {texto[i:]!r}",
                posicao=pos + 1,
            )
        ident, tam = texto[i : i + 2], texto[i + 2 : i + 4]
        if not (ident.isdigit() and ident.isascii()):
            raise BRCodeError(
                f"{onde}: ID inválido {ident!r} na posição {pos + 1}: deve ter 2 dígitos", posicao=pos + 1
            )
        if not (tam.isdigit() and tam.isascii()):
            raise BRCodeError(
                f"{onde}: tamanho inválido {tam!r} do campo {ident} na posição {pos + 3}: deve ter 2 dígitos",
                posicao=pos + 3,
                campo=ident,
            )
        size = int(tam)
        fim = i + 4 + size
        if fim > n:
            raise BRCodeError(
                f"{onde}: o campo {ident} na posição {pos + 1} declara {size} caracteres, mas só restam {n - i - 4}",
                posicao=pos + 1,
                campo=ident,
            )
        valor = texto[i + 4 : fim]
        filhos: tuple[Campo, ...] = ()
        if ident in _TEMPLATE_IDS and valor:
            try:
                filhos = parse_tlv(valor, base=pos + 4, onde=f"{onde}, campo {ident}")
            except BRCodeError:
                filhos = ()
        campos.append(Campo(ident, valor, pos, filhos))
        i = fim
    return tuple(campos)
