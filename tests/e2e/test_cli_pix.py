"""`ortho-fiscal pix brcode|decode` end to end (the installed console script)."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"
EVP = "123e4567-e12b-12d1-a456-426655440000"
MANUAL = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=60, check=False, input=stdin)


def test_brcode_prints_the_manual_example() -> None:
    r = run("pix", "brcode", "--key", EVP, "--name", "Fulano de Tal", "--city", "BRASILIA")
    assert r.returncode == 0, r.stderr
    assert r.stdout == MANUAL + "\n"


def test_brcode_with_amount_txid_and_images(tmp_path: Path) -> None:
    png, svg = tmp_path / "qr.png", tmp_path / "qr.svg"
    r = run("pix", "brcode", "--key", "fulano@example.com", "--name", "Loja Exemplo", "--city", "São Paulo",
            "--amount", "1.50", "--txid", "NFCE35250612345", "--description", "Pedido 42",
            "--png", str(png), "--svg", str(svg))  # fmt: skip
    assert r.returncode == 0, r.stderr
    payload = r.stdout.strip()
    assert "5912Loja Exemplo6009Sao Paulo" in payload and "54041.50" in payload
    assert "aviso: --city ajustado para 'Sao Paulo'" in r.stderr and "--name" not in r.stderr
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.read_bytes())))
    assert [d.text for d in decoded] == [payload]
    assert svg.read_bytes().lstrip().startswith(b"<?xml") and b"<svg" in svg.read_bytes()


def test_dynamic_brcode_from_url() -> None:
    r = run("pix", "brcode", "--url", "https://pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25",
            "--name", "Fulano de Tal", "--city", "BRASILIA")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("63047EC0")


@pytest.mark.parametrize(
    ("args", "trecho"),
    [
        (("--key", "529.982.247-26"), "CPF inválida"),
        (("--key", EVP, "--amount", "1.999"), "mais de 2 casas decimais (centavos) (--amount)"),
        (("--key", EVP, "--txid", "PEDIDO-1"), "--txid"),
        ((), "informe a chave Pix"),
    ],
)
def test_brcode_refuses_bad_input_with_exit_2(args: tuple[str, ...], trecho: str) -> None:
    r = run("pix", "brcode", "--name", "X", "--city", "Y", *args)
    assert r.returncode == 2
    assert trecho in r.stderr and r.stdout == ""


def test_decode_prints_every_field_as_json() -> None:
    r = run("pix", "decode", MANUAL)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["crc_ok"] is True and d["valido"] is True
    assert (d["chave"], d["tipo_chave"], d["nome"], d["cidade"], d["txid"]) == (
        EVP, "evp", "Fulano de Tal", "BRASILIA", "***")  # fmt: skip
    assert [c["id"] for c in d["campos"]] == ["00", "26", "52", "53", "58", "59", "60", "62", "63"]
    assert [c["id"] for c in d["campos"][1]["campos"]] == ["00", "01"]


def test_decode_reads_stdin() -> None:
    r = run("pix", "decode", "-", stdin=MANUAL + "\n")
    assert r.returncode == 0 and json.loads(r.stdout)["crc_ok"] is True


def test_decode_wrong_crc_exits_1() -> None:
    r = run("pix", "decode", MANUAL[:-4] + "1D3E")
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert d["crc_ok"] is False and d["crc_calculado"] == "1D3D"
    assert any(a["code"] == "PIX_CRC" for a in d["avisos"])


def test_decode_broken_structure_exits_1_with_position() -> None:
    r = run("pix", "decode", MANUAL[:40])
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert d["crc_ok"] is False and d["posicao"] == 7
    assert "posição 7" in d["erro"] and "posição 7" in r.stderr


@pytest.mark.parametrize("cmd", [("pix",), ("pix", "brcode"), ("pix", "decode")])
def test_help(cmd: tuple[str, ...]) -> None:
    r = run(*cmd, "--help")
    assert r.returncode == 0 and "usage" in r.stdout
