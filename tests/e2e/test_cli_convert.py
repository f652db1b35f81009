"""`ortho-fiscal convert` end to end: the installed console script in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from engine.xml.parser import c14n, parse_xml

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = REPO_ROOT / ".venv" / "bin" / "ortho-fiscal"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "nfe"
PROC = FIXTURES / "real" / "nfelib_35180834128745000152550010000474281920007498-nfe.xml"
MADE = FIXTURES / "made" / "nfce65_sp_online_qrv2_dinheiro_cartao_troco.xml"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: run `make install` first")
    return subprocess.run(
        [str(CLI), "convert", *args], input=stdin, capture_output=True, timeout=60, check=False
    )


def _same_xml(a: bytes, b: bytes) -> bool:
    return c14n(parse_xml(a)) == c14n(parse_xml(b))


def test_xml_to_json_and_back_to_the_same_xml(tmp_path: Path) -> None:
    as_json = run(str(PROC))
    assert as_json.returncode == 0, as_json.stderr.decode()
    data = json.loads(as_json.stdout)
    assert list(data) == ["nfeProc"]
    assert data["nfeProc"]["NFe"]["infNFe"]["ide"]["nNF"] == "47428"
    json_file = tmp_path / "doc.json"
    json_file.write_bytes(as_json.stdout)
    out = tmp_path / "doc.xml"
    back = run(str(json_file), "--out", str(out))
    assert back.returncode == 0, back.stderr.decode()
    assert back.stdout == b""
    expected = run(str(PROC), "--to", "xml")  # the source re-rendered (its pretty-print removed)
    assert expected.returncode == 0
    assert _same_xml(out.read_bytes(), expected.stdout)


def test_unsigned_made_document_round_trips_through_json(tmp_path: Path) -> None:
    as_json = run(str(MADE), "--to", "json")
    assert as_json.returncode == 0, as_json.stderr.decode()
    back = run("-", "--to", "xml", "--xml-declaration", stdin=as_json.stdout)
    assert back.returncode == 0, back.stderr.decode()
    assert back.stdout.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<NFe ")
    assert _same_xml(back.stdout, MADE.read_bytes())


def test_help_is_available() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "JSON" in result.stdout.decode() and "--to" in result.stdout.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "não é XML nem JSON"),
        (b"<a><b></a>", "XML mal formado"),
        (b'<foo xmlns="http://www.portalfiscal.inf.br/nfe"/>', "não é suportado"),
        (b'{"NFe": ', "JSON inválido"),
        (b'{"Foo": {}}', "não é suportado"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><NFe/>', "DOCTYPE"),
    ],
)
def test_unknown_or_unreadable_input_exits_2_with_a_pt_br_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    f = tmp_path / "input"
    f.write_bytes(content)
    result = run(str(f))
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert result.stdout == b""


def test_missing_file_exits_2() -> None:
    result = run("/nonexistent/doc.xml")
    assert result.returncode == 2
    assert "não foi possível ler o arquivo" in result.stderr.decode()


def test_value_outside_the_layout_exits_1_naming_the_field(tmp_path: Path) -> None:
    f = tmp_path / "bad.xml"
    f.write_bytes(
        b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
        b"<tpAmb>7</tpAmb><cUF>35</cUF><xServ>STATUS</xServ></consStatServ>"
    )
    result = run(str(f))
    assert result.returncode == 1
    assert "consStatServ/tpAmb" in result.stderr.decode()
