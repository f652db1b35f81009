"""QR-Code images (PNG and SVG) of a payload: the NFC-e qrCode of the DANFE NFC-e, a Pix BR Code...

Made with the ``qrcode`` package (ISO/IEC 18004): byte mode, the smallest version that fits, error
correction level M (about 15 % of the codewords recoverable: the usual balance between density and
robustness for receipts and screens; the DANFE NFC-e manual only requires ISO/IEC 18004) and a quiet
zone of 4 modules (the minimum of ISO/IEC 18004). The Manual 6.0 asks for at least 25 mm x 25 mm
printed: that is the printer's scale; ``box_size`` only sets pixels (PNG) or tenths of millimetre
(SVG) per module.
"""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]
import qrcode.image.svg  # type: ignore[import-untyped]
from PIL import Image

from engine.errors import InputError

__all__ = ["ERROR_CORRECTION", "QUIET_ZONE", "matrix", "png", "svg"]

QUIET_ZONE = 4
ERROR_CORRECTION = "M"
# ISO/IEC 18004 error-correction levels (share of codewords recoverable): L 7 %, M 15 %, Q 25 %, H 30 %.
_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
_MAX_PAYLOAD = 2331  # bytes that fit in version 40 at level M (ISO/IEC 18004, table 7)


def _qr(payload: str, box_size: int, level: str) -> qrcode.QRCode:
    if not payload:
        raise InputError("conteúdo do QR-Code vazio", code="QRIMAGE_VAZIO")
    if level not in _LEVELS:
        raise InputError(f"nível de correção {level!r}: use L, M, Q ou H", code="QRIMAGE_NIVEL")
    tamanho = len(payload.encode("utf-8"))
    if tamanho > _MAX_PAYLOAD:
        raise InputError(
            f"conteúdo do QR-Code com {tamanho} bytes: o máximo com correção de erro M é {_MAX_PAYLOAD}",
            code="QRIMAGE_GRANDE",
        )
    if box_size < 1:
        raise InputError("box_size deve ser ao menos 1 por módulo", code="QRIMAGE_ESCALA")
    qr = qrcode.QRCode(error_correction=_LEVELS[level], box_size=box_size, border=QUIET_ZONE)
    qr.add_data(payload, optimize=0)  # one byte-mode segment: what readers return verbatim
    qr.make(fit=True)
    return qr


def matrix(payload: str, *, level: str = ERROR_CORRECTION) -> list[list[bool]]:
    """The module matrix (True = dark), quiet zone included."""
    modules: list[list[bool]] = _qr(payload, 1, level).get_matrix()
    return modules


def png(payload: str, *, box_size: int = 8, level: str = ERROR_CORRECTION) -> bytes:
    """PNG bytes (1-bit, ``box_size`` pixels per module)."""
    if box_size < 1:
        raise InputError("box_size deve ser ao menos 1 por módulo", code="QRIMAGE_ESCALA")
    modules = matrix(payload, level=level)
    n = len(modules)
    # One pixel per module, then a nearest-neighbour scale: the image qrcode's PIL factory draws
    # rectangle by rectangle, in a third of the time.
    img = Image.new("1", (n, n), 1)
    img.putdata([0 if dark else 1 for row in modules for dark in row])
    if box_size > 1:
        img = img.resize((n * box_size, n * box_size), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def svg(payload: str, *, box_size: int = 10, level: str = ERROR_CORRECTION) -> bytes:
    """SVG bytes: one path, no pillow needed (qrcode writes sizes in mm: ``box_size`` / 10 mm a module)."""
    img = _qr(payload, box_size, level).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    data: bytes = buf.getvalue()
    return data
