"""Errors of the Pix BR Code (pt-BR messages; stable codes)."""

from __future__ import annotations

from engine.errors import InputError

__all__ = ["BRCodeError"]


class BRCodeError(InputError):
    """A BR Code that cannot be built or read.

    ``campo`` names the field (input name like ``chave`` when encoding, EMV id like ``26.01``
    when decoding); ``posicao`` is the 1-based character position in the payload, when known.
    """

    code = "PIX_BRCODE_INVALIDO"

    def __init__(self, mensagem: str, *, campo: str = "", posicao: int | None = None, code: str | None = None):
        super().__init__(mensagem, code=code, path=campo)
        self.campo = campo
        self.posicao = posicao
