"""QR images of a BR Code (PNG and SVG) with the ``qrcode`` package.

Error correction level M (about 15 % of the codewords recoverable: survives a smudged receipt
or a scratched screen at a modest size cost) and a 4-module quiet zone, the minimum ISO/IEC
18004 asks for. The SVG comes from qrcode's path factory (no pillow); the PNG is drawn with
pillow from qrcode's module matrix.
"""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]
import qrcode.image.svg  # type: ignore[import-untyped]
from PIL import Image

__all__ = ["QUIET_ZONE", "qr_matrix", "qr_png", "qr_svg"]

QUIET_ZONE = 4
# ISO/IEC 18004 error-correction levels (share of codewords recoverable): L 7 %, M 15 %, Q 25 %, H 30 %.
_NIVEIS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def _qr(payload: str, box_size: int, border: int, nivel: str = "M") -> qrcode.QRCode:
    if nivel not in _NIVEIS:
        raise ValueError(f"nível de correção {nivel!r}: use L, M, Q ou H")
    if border < QUIET_ZONE:
        raise ValueError(f"zona de silêncio de {border} módulos: o mínimo é {QUIET_ZONE}")
    if box_size < 1:
        raise ValueError("box_size deve ser ao menos 1 pixel por módulo")
    qr = qrcode.QRCode(error_correction=_NIVEIS[nivel], box_size=box_size, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


def qr_matrix(payload: str, *, border: int = QUIET_ZONE, nivel: str = "M") -> list[list[bool]]:
    """The module matrix (True = dark), quiet zone included."""
    matrix: list[list[bool]] = _qr(payload, 1, border, nivel).get_matrix()
    return matrix


def qr_png(payload: str, *, box_size: int = 8, border: int = QUIET_ZONE, nivel: str = "M") -> bytes:
    """PNG bytes of the QR of ``payload`` (1-bit, ``box_size`` pixels per module, level ``nivel``)."""
    if box_size < 1:
        raise ValueError("box_size deve ser ao menos 1 pixel por módulo")
    matrix = qr_matrix(payload, border=border, nivel=nivel)
    n = len(matrix)
    # One pixel per module, then a nearest-neighbour scale: the same image qrcode's PilImage
    # factory draws rectangle by rectangle, in a third of the time.
    img = Image.new("1", (n, n), 1)
    img.putdata([0 if dark else 1 for row in matrix for dark in row])
    if box_size > 1:
        img = img.resize((n * box_size, n * box_size), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def qr_svg(payload: str, *, box_size: int = 10, border: int = QUIET_ZONE, nivel: str = "M") -> bytes:
    """SVG bytes (a single path, sizes in mm as qrcode writes them)."""
    img = _qr(payload, box_size, border, nivel).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    data: bytes = buf.getvalue()
    return data
