"""QR images: the PNG decodes back to the payload with an independent reader (zxing-cpp), level M,
4-module quiet zone; the SVG draws exactly the module matrix, which also decodes back."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from lxml import etree
from PIL import Image

from engine import qrimage
from engine.errors import InputError

V3_OFFLINE = (
    "https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode?p=35261211222333000181650010000010439434640974|3|2|04|"
    "237.80|2|52998224725|Fkae221awbGFl/9iVWF2Dt4K9Hq+v75izf/hgeSmqFrMLevecvaA9nrzCdKYNJsX3c1ObUTekrf4NPhHHrUs"
    "JmaknPihe4wNHwsQL7NGM63Xy+Qd8UUuFC3S3jNYByryVP8GFMONKY7WDR3PvG0Lp/hIxdZXcSPoLDPfnWfPUhQK3QDR88bCWw/fJOFINM76"
    "cl0NUBqOuhpjei7gVZKT7vVFeATd9tGdJtSkjr28THiCyVD4hkC6jY7w5qW7sJD2c0b+ft2DgiCew5ex9OTqWuhCM/oSaqYEx5AVXUeUgA36t"
    "S/R4RuBfONS2KWu6OAcgU/NE8yAfmc5hXXXCxvGuA=="
)
PAYLOADS = [
    "https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode?p=35261211222333000181650010000010421601038435|3|2",
    V3_OFFLINE,
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal"
    "6008BRASILIA62070503***63041D3D",
]


def _decode(img: Image.Image) -> list[zxingcpp.Barcode]:
    return [b for b in zxingcpp.read_barcodes(img) if b.format == zxingcpp.BarcodeFormat.QRCode]


def _image_of(matrix: list[list[bool]], scale: int = 4) -> Image.Image:
    size = len(matrix)
    img = Image.new("L", (size * scale, size * scale), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return img


@pytest.mark.parametrize("payload", PAYLOADS)
def test_png_decodes_back_to_the_payload_with_level_m(payload: str) -> None:
    img = Image.open(io.BytesIO(qrimage.png(payload)))
    assert img.format == "PNG"
    found = _decode(img)
    assert [b.text for b in found] == [payload]
    assert found[0].ec_level == "M"


def test_png_has_a_quiet_zone_of_four_modules() -> None:
    box = 8
    img = Image.open(io.BytesIO(qrimage.png(PAYLOADS[0], box_size=box))).convert("L")
    modules = len(qrimage.matrix(PAYLOADS[0]))
    assert img.size == (modules * box, modules * box)
    margin = qrimage.QUIET_ZONE * box
    band = img.crop((0, 0, img.size[0], margin))
    assert band.getextrema() == (255, 255)  # all white above the symbol
    assert img.getpixel((margin, margin)) == 0  # the finder pattern starts right after it


def _svg_matrix(data: bytes) -> list[list[bool]]:
    root = etree.fromstring(data)
    size = int(root.get("viewBox", "").split()[2])
    grid = [[False] * size for _ in range(size)]
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    for x, y, x2, y2, back in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z", path.get("d", "")):
        assert int(x2) == int(x) + 1 and int(y2) == int(y) + 1 and int(back) == int(x)  # one module each
        grid[int(y)][int(x)] = True
    return grid


@pytest.mark.parametrize("payload", PAYLOADS)
def test_svg_draws_the_module_matrix_which_decodes_back(payload: str) -> None:
    data = qrimage.svg(payload)
    drawn = _svg_matrix(data)
    assert drawn == qrimage.matrix(payload)
    assert [b.text for b in _decode(_image_of(drawn))] == [payload]


def test_invalid_payloads_are_refused_in_portuguese() -> None:
    with pytest.raises(InputError) as empty:
        qrimage.png("")
    assert "vazio" in empty.value.mensagem
    with pytest.raises(InputError) as big:
        qrimage.svg("x" * 3000)
    assert "máximo" in big.value.mensagem
