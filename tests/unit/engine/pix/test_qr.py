"""BR Code QR images (engine.qrimage, shared with the NFC-e).

The PNG is read back by an independent decoder (ZXing C++), the SVG draws qrcode's matrix.
"""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image

from engine.errors import InputError
from engine.pix import encode
from engine.qrimage import QUIET_ZONE
from engine.qrimage import matrix as qr_matrix
from engine.qrimage import png as qr_png
from engine.qrimage import svg as qr_svg
from engine.xml.parser import parse_xml

STATIC = encode(chave="123e4567-e12b-12d1-a456-426655440000", nome="Fulano de Tal", cidade="BRASILIA",
                valor="123.45", txid="PEDIDO123")  # fmt: skip
DYNAMIC = encode(url="pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25", nome="Fulano de Tal", cidade="BRASILIA")


@pytest.mark.parametrize("payload", [STATIC, DYNAMIC])
def test_png_decodes_back_to_the_payload_with_level_m(payload: str) -> None:
    png = qr_png(payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1
    assert results[0].text == payload
    assert results[0].ec_level == "M"


def test_png_has_the_quiet_zone() -> None:
    box = 8
    img = Image.open(io.BytesIO(qr_png(STATIC, box_size=box))).convert("L")
    modules = len(qr_matrix(STATIC))
    assert img.size == (modules * box, modules * box)
    margin = QUIET_ZONE * box
    w, _ = img.size
    border_pixels = [img.getpixel((x, y)) for y in range(margin) for x in range(w)]
    border_pixels += [img.getpixel((x, y)) for y in range(w) for x in range(margin)]
    assert set(border_pixels) == {255}  # all white
    assert img.getpixel((margin, margin)) == 0  # the finder pattern starts right after it


def test_svg_draws_exactly_the_module_matrix() -> None:
    svg = qr_svg(STATIC)
    root = parse_xml(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    matrix = qr_matrix(STATIC)
    size = len(matrix)
    assert root.get("viewBox") == f"0 0 {size} {size}"
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    drawn = [[False] * size for _ in range(size)]
    # qrcode's SvgPathImage draws one unit square per dark module: "Mx,yHx+1Vy+1Hxz".
    for x, y in re.findall(r"M(\d+),(\d+)H", path.get("d", "")):
        drawn[int(y)][int(x)] = True
    assert drawn == matrix
    assert not any(matrix[0]) and not any(row[0] for row in matrix)  # quiet zone included


@pytest.mark.parametrize("nivel", ["L", "Q", "H"])
def test_other_levels_on_request(nivel: str) -> None:
    img = Image.open(io.BytesIO(qr_png(STATIC, level=nivel)))
    (result,) = zxingcpp.read_barcodes(img)
    assert (result.text, result.ec_level) == (STATIC, nivel)
    with pytest.raises(InputError, match="L, M, Q ou H"):
        qr_png(STATIC, level="X")
