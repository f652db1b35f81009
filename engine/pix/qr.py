"""QR images of a BR Code (PNG and SVG) with the ``qrcode`` package.

Error correction level M (15 % of the codewords recoverable): what BACEN's *Manual de Padrões*
recommends for Pix QR codes printed or shown at the point of sale, and a 4-module quiet zone
(ISO/IEC 18004 §6.3.8 asks for at least 4). The SVG factory needs no pillow; PNG uses pillow.
"""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]
import qrcode.image.pil  # type: ignore[import-untyped]
import qrcode.image.svg  # type: ignore[import-untyped]

__all__ = ["QUIET_ZONE", "qr_matrix", "qr_png", "qr_svg"]

QUIET_ZONE = 4


def _qr(payload: str, box_size: int, border: int) -> qrcode.QRCode:
    if border < QUIET_ZONE:
        raise ValueError(f"zona de silêncio de {border} módulos: o mínimo é {QUIET_ZONE}")
    if box_size < 1:
        raise ValueError("box_size deve ser ao menos 1 pixel por módulo")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


def qr_matrix(payload: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The module matrix (True = dark), quiet zone included."""
    matrix: list[list[bool]] = _qr(payload, 1, border).get_matrix()
    return matrix


def qr_png(payload: str, *, box_size: int = 8, border: int = QUIET_ZONE) -> bytes:
    """PNG bytes of the QR of ``payload`` (1-bit, ``box_size`` pixels per module)."""
    img = _qr(payload, box_size, border).make_image(image_factory=qrcode.image.pil.PilImage)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()


def qr_svg(payload: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> bytes:
    """SVG bytes (a single path, sizes in mm as qrcode writes them)."""
    img = _qr(payload, box_size, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    data: bytes = buf.getvalue()
    return data
