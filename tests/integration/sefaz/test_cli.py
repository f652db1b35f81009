"""`ortho-fiscal sefaz ...` end to end against the simulator (in-process CLI, real HTTPS)."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest

from cli.main import main
from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import CNPJ, Sim
from .documents import signed, unsigned

_numbers = itertools.count(5000)


def run(sim: Sim, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["sefaz", *argv, "--simulator", sim.url, "--simulator-dir", str(sim.data_dir)])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_prints_cstat_and_xmotivo(sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(sim, capsys, "status", "--uf", "BA", "--model", "65", "--env", "homologacao")
    assert code == 0 and out.startswith("107 ")


def test_send_signs_an_unsigned_document_and_the_events_follow(
    sim: Sim, capsys: pytest.CaptureFixture[str], tmp_path: Path, now: datetime
) -> None:
    numero = next(_numbers)
    doc = tmp_path / "nfe.xml"
    doc.write_bytes(unsigned("SP", 55, numero, now=now, cnpj=CNPJ))
    proc = tmp_path / "proc.xml"
    code, out, err = run(sim, capsys, "send", str(doc), "--out", str(proc))
    assert code == 0, out + err
    assert out.startswith("100 ") and "assinado" in err
    assert schema_findings(parse_xml(proc.read_bytes())) == []
    chave = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("chNFe"))
    n_prot = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("nProt"))

    code, out, _ = run(sim, capsys, "consulta", chave, "--env", "homologacao")
    assert code == 0 and out.startswith("100 ")
    code, out, _ = run(
        sim,
        capsys,
        "cce",
        chave,
        "--correcao",
        "Corrige o bairro do destinatario",
        "--env",
        "homologacao",
        "--out",
        str(tmp_path / "cce.xml"),
    )
    assert code == 0 and out.startswith("135 ")
    code, out, _ = run(
        sim,
        capsys,
        "cancel",
        chave,
        "--protocolo",
        n_prot,
        "--justificativa",
        "Venda cancelada pelo paciente",
        "--env",
        "homologacao",
    )
    assert code == 0 and out.startswith("135 ")
    code, out, _ = run(
        sim,
        capsys,
        "cancel",
        chave,
        "--protocolo",
        n_prot,
        "--justificativa",
        "Venda cancelada pelo paciente",
        "--env",
        "homologacao",
    )
    assert code == 1 and not out.startswith("135 ")  # already cancelled: a rejection, exit 1


def test_inutilizar_and_cadastro(sim: Sim, capsys: pytest.CaptureFixture[str], tmp_path: Path, now: datetime) -> None:
    n = 2 * next(_numbers)
    code, out, _ = run(
        sim,
        capsys,
        "inutilizar",
        "--uf",
        "RS",
        "--model",
        "65",
        "--env",
        "homologacao",
        "--serie",
        "9",
        "--inicio",
        str(n),
        "--fim",
        str(n + 1),
        "--justificativa",
        "Falha de numeracao no PDV",
        "--out",
        str(tmp_path / "inut.xml"),
    )
    assert code == 0 and out.startswith("102 ")
    assert schema_findings(parse_xml((tmp_path / "inut.xml").read_bytes()), "nfe_v4.00/procInutNFe_v4.00.xsd") == []
    # The simulator knows as contribuinte an emitter it has authorised documents for.
    assert sim.client().authorize(signed("SP", 65, next(_numbers), now=now, a1=sim.a1, cnpj=CNPJ)).cstat == "100"
    code, out, _ = run(sim, capsys, "cadastro", "--uf", "SP", "--cnpj", CNPJ, "--env", "homologacao")
    assert code == 0 and out.startswith("111 ")
    code, out, _ = run(sim, capsys, "cadastro", "--uf", "SP", "--cnpj", "11444777000161", "--env", "homologacao")
    assert code == 1 and out.startswith("259 ")


def test_pfx_with_password_from_the_environment(
    sim: Sim, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pfx = tmp_path / "a1.pfx"
    pfx.write_bytes(sim.pfx)
    monkeypatch.setenv("SENHA_A1", sim.password)
    code, out, _ = run(
        sim,
        capsys,
        "status",
        "--uf",
        "MG",
        "--model",
        "55",
        "--env",
        "homologacao",
        "--pfx",
        str(pfx),
        "--password-env",
        "SENHA_A1",
        "--trust",
        str(sim.ca_pem_path),
    )
    assert code == 0 and out.startswith("107 ")
    code, _, err = run(
        sim,
        capsys,
        "status",
        "--uf",
        "MG",
        "--model",
        "55",
        "--env",
        "homologacao",
        "--pfx",
        str(pfx),
        "--password-env",
        "NAO_DEFINIDA",
    )
    assert code == 2 and "NAO_DEFINIDA" in err


def test_usage_errors_exit_2(sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(sim, capsys, "consulta", "123", "--env", "homologacao")
    assert code == 2 and "chave" in err
    code, _, err = run(sim, capsys, "cce", "3" * 44, "--correcao", "curta", "--env", "homologacao")
    assert code == 2
