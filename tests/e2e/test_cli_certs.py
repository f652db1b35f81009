"""`ortho-fiscal certs make-test|inspect`, `sign` and `verify` end to end (files on disk, exit codes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from cli.main import main

NFE_NS = "http://www.portalfiscal.inf.br/nfe"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SAMPLE = (
    Path(__import__("nfelib").__file__).parent
    / "nfe/samples/v4_0/leiauteNFe/35180834128745000152550010000476051695511860-nfe.xml"
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One test certificate for the module (key generation is the slow part)."""
    d = tmp_path_factory.mktemp("certs")
    unsigned = etree.parse(str(SAMPLE), etree.XMLParser(remove_blank_text=True)).getroot()
    nfe = unsigned.find(f"{{{NFE_NS}}}NFe")
    nfe = unsigned if nfe is None else nfe
    for sig in list(nfe.iter(f"{{{DS_NS}}}Signature")):
        sig.getparent().remove(sig)  # type: ignore[union-attr]
    (d / "nfe.xml").write_bytes(etree.tostring(nfe))
    mp = pytest.MonkeyPatch()
    mp.setenv("PFX_PASS", "segredo-123")
    code = main(
        [
            "certs",
            "make-test",
            "--cnpj",
            "11.222.333/0001-81",
            "--out",
            str(d / "a1.pfx"),
            "--password-env",
            "PFX_PASS",
            "--legacy",
        ]
    )
    mp.undo()
    assert code == 0
    return d


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PFX_PASS", "segredo-123")
    monkeypatch.setenv("WRONG_PASS", "errada")


def test_make_test_writes_pfx_and_chain(workdir: Path) -> None:
    assert (workdir / "a1.pfx").stat().st_size > 1000
    assert (workdir / "a1.pfx.cadeia.pem").read_bytes().count(b"BEGIN CERTIFICATE") == 2


def test_inspect_prints_identity(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["certs", "inspect", str(workdir / "a1.pfx"), "--password-env", "PFX_PASS"]) == 0
    out = capsys.readouterr().out
    assert "11222333000181" in out and "e-CNPJ" in out and "Válido até" in out
    assert "segredo-123" not in out


def test_inspect_wrong_password_exits_1_with_reason(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["certs", "inspect", str(workdir / "a1.pfx"), "--password-env", "WRONG_PASS"]) == 1
    out = capsys.readouterr().out
    assert "senha" in out and "CERT_SENHA_INCORRETA" in out and "errada" not in out


def test_inspect_other_company_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["certs", "inspect", str(workdir / "a1.pfx"), "--password-env", "PFX_PASS", "--cnpj", "99888777000166"])
    assert code == 1
    assert "CERT_CNPJ_DIVERGENTE" in capsys.readouterr().out


def test_inspect_expired_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pfx = tmp_path / "velho.pfx"
    code = main(
        [
            "certs",
            "make-test",
            "--cnpj",
            "11222333000181",
            "--out",
            str(pfx),
            "--not-before",
            "2020-01-01",
            "--not-after",
            "2021-01-01",
        ]
    )
    assert code == 0
    assert "senha padrão de teste" in capsys.readouterr().out
    assert main(["certs", "inspect", str(pfx), "--password-env", "DEFAULT_PASS"]) == 2  # variable not set
    assert "DEFAULT_PASS" in capsys.readouterr().err
    monkeypatch.setenv("DEFAULT_PASS", "teste")
    assert main(["certs", "inspect", str(pfx), "--password-env", "DEFAULT_PASS"]) == 1
    out = capsys.readouterr().out
    assert "CERT_EXPIRADO" in out and "vencido em 01/01/2021" in out


def test_inspect_missing_file_exits_2(tmp_path: Path) -> None:
    assert main(["certs", "inspect", str(tmp_path / "nada.pfx"), "--password-env", "PFX_PASS"]) == 2


def test_sign_then_verify(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = workdir / "assinada.xml"
    assert (
        main(
            [
                "sign",
                str(workdir / "nfe.xml"),
                "--pfx",
                str(workdir / "a1.pfx"),
                "--password-env",
                "PFX_PASS",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["verify", str(out)]) == 0
    assert "assinatura válida" in capsys.readouterr().out
    trust = workdir / "a1.pfx.cadeia.pem"
    assert main(["verify", str(out), "--trust", str(trust), "--at", "2026-12-04T12:00:00+00:00"]) == 0
    # dhEmi of the sample (2018) is before the test certificate existed: the chain check says so.
    assert main(["verify", str(out), "--trust", str(trust)]) == 1
    assert "CADEIA_FORA_DA_VALIDADE" in capsys.readouterr().out


def test_verify_tampered_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signed = workdir / "assinada2.xml"
    assert (
        main(
            [
                "sign",
                str(workdir / "nfe.xml"),
                "--pfx",
                str(workdir / "a1.pfx"),
                "--password-env",
                "PFX_PASS",
                "--out",
                str(signed),
            ]
        )
        == 0
    )
    tampered = workdir / "alterada.xml"
    tampered.write_bytes(signed.read_bytes().replace(b"<nNF>47605</nNF>", b"<nNF>47606</nNF>"))
    assert main(["verify", str(tampered)]) == 1
    assert "DIGEST_INVALIDO" in capsys.readouterr().out
    assert main(["verify", str(workdir / "nfe.xml")]) == 1  # unsigned


def test_sign_with_wrong_password_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sign", str(workdir / "nfe.xml"), "--pfx", str(workdir / "a1.pfx"), "--password-env", "WRONG_PASS"])
    assert code == 1
    assert "CERT_SENHA_INCORRETA" in capsys.readouterr().err


def test_verify_unreadable_xml_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "ruim.xml"
    bad.write_bytes(b"<NFe>")
    assert main(["verify", str(bad)]) == 2


def test_console_script_signs_to_stdout(workdir: Path) -> None:
    """The installed entry point, as a user runs it."""
    exe = Path(sys.executable).with_name("ortho-fiscal")
    done = subprocess.run(
        [str(exe), "sign", str(workdir / "nfe.xml"), "--pfx", str(workdir / "a1.pfx"), "--password-env", "PFX_PASS"],
        capture_output=True,
        env={"PFX_PASS": "segredo-123", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(b"</Signature></NFe>")
