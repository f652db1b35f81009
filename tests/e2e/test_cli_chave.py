"""`ortho-fiscal chave make|check` end to end (the installed console script)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=60, check=False)


def test_make_with_fixed_cnf_prints_the_key() -> None:
    r = run("chave", "make", "--uf", "SP", "--cnpj", "12.ABC.345/01DE-35", "--mod", "65", "--serie", "1",
            "--nnf", "123", "--tpemis", "1", "--data", "2026-12", "--cnf", "48151623")  # fmt: skip
    assert r.returncode == 0, r.stderr
    chave = r.stdout.strip()
    assert chave[:43] == "35261212ABC34501DE35650010000001231" + "48151623"
    assert len(chave) == 44
    check = run("chave", "check", chave)
    assert check.returncode == 0
    assert "chave válida" in check.stdout and "CNPJ/CPF: 12ABC34501DE35" in check.stdout


def test_make_with_random_cnf_gives_valid_distinct_keys() -> None:
    args = ("chave", "make", "--uf", "35", "--cnpj", "34128745000152", "--mod", "55", "--serie", "1",
            "--nnf", "47428", "--data", "2026-12")  # fmt: skip
    keys = {run(*args).stdout.strip() for _ in range(3)}
    assert len(keys) == 3
    for k in keys:
        assert run("chave", "check", k).returncode == 0


def test_check_invalid_key_explains_and_exits_1() -> None:
    r = run("chave", "check", "35180834128745000152550010000474281920007490")
    assert r.returncode == 1
    assert "dígito verificador" in r.stdout and "cStat 236" in r.stdout
    assert "nNF: 000047428" in r.stdout  # decoded fields are shown


def test_check_malformed_key() -> None:
    r = run("chave", "check", "1234")
    assert r.returncode == 1
    assert "44 caracteres" in r.stdout


def test_make_refuses_bad_input_with_exit_2() -> None:
    r = run("chave", "make", "--uf", "SP", "--cnpj", "34128745000153", "--mod", "55", "--serie", "1",
            "--nnf", "1", "--data", "2026-12")  # fmt: skip
    assert r.returncode == 2
    assert "CNPJ/CPF do emitente inválido" in r.stderr


@pytest.mark.parametrize("cmd", [("chave",), ("chave", "make"), ("chave", "check")])
def test_help(cmd: tuple[str, ...]) -> None:
    r = run(*cmd, "--help")
    assert r.returncode == 0
    assert "usage: ortho-fiscal" in r.stdout
