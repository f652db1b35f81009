"""Reading back what a rendered PDF says: its text (pypdf) and its QR-Codes (zxing-cpp)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from engine.xml.parser import parse_xml

N = "{http://www.portalfiscal.inf.br/nfe}"


def pdf_text(pdf: bytes) -> str:
    """Every page's text, with runs of blanks and line breaks collapsed to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def embedded_qr_codes(pdf: bytes) -> list[str]:
    """The payload of every QR-Code found in the images embedded in the PDF."""
    found: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [r.text for r in zxingcpp.read_barcodes(image.image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def rasterised_qr_codes(pdf: bytes, workdir: Path, dpi: int = 150) -> list[str]:
    """The QR-Codes read from the page as printed: pdftoppm (poppler-utils) renders it to PNG."""
    exe = shutil.which("pdftoppm")
    assert exe is not None
    src = workdir / "page.pdf"
    src.write_bytes(pdf)
    subprocess.run([exe, "-png", "-r", str(dpi), str(src), str(workdir / "page")], check=True, timeout=60)
    found: list[str] = []
    for png in sorted(workdir.glob("page*.png")):
        with Image.open(png) as img:
            found += [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def brl(value: str | Decimal) -> str:
    """A money value as the DANFE prints it: thousands with '.', 2 decimals with ','."""
    q = Decimal(value).quantize(Decimal("0.01"))
    inteiro, _, dec = f"{q:,.2f}".partition(".")
    return inteiro.replace(",", ".") + "," + dec


def chave_formatada(xml: bytes) -> str:
    """The document's chave (infNFe/@Id) in groups of four, as on the DANFE."""
    root = parse_xml(xml)
    inf = root.find(f".//{N}infNFe")
    assert inf is not None
    chave = str(inf.get("Id"))[3:]
    return " ".join(chave[i : i + 4] for i in range(0, 44, 4))


def field(xml: bytes, name: str) -> str:
    """Text of the first element called ``name`` anywhere in the document."""
    el = parse_xml(xml).find(f".//{N}{name}")
    assert el is not None and el.text is not None, name
    return el.text.strip()
