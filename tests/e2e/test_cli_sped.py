"""`ortho-fiscal sped validate|export|package` end to end (the installed console script)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from ..unit.engine.sped.mes import CNPJ_NORMAL, estabelecimento, montar_mes

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"
GOLDEN = ROOT / "tests" / "golden" / "sped"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def pasta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("xml")
    montar_mes(p)
    return p


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("cfg") / "estab.json"
    p.write_text(json.dumps(estabelecimento(CNPJ_NORMAL)), encoding="utf-8")
    return p


def test_export_writes_the_golden_file_and_shows_progress(pasta: Path, config: Path, tmp_path: Path) -> None:
    out = tmp_path / "efd.txt"
    r = run("sped", "export", "--emitter", "45.997.418/0001-53", "--period", "2026-03", "--xml-dir", str(pasta),
            "--config", str(config), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (GOLDEN / f"efd-2026-03-{CNPJ_NORMAL}.txt").read_bytes()
    assert "documento(s) processado(s)" in r.stderr
    assert "COD_VER 020" in r.stderr and "ICMS a recolher 301,10" in r.stderr
    assert "inferido" in r.stderr  # COD_VER 020 is not from an official copy: said so


def test_validate_ok_and_broken_file_names_the_line(tmp_path: Path) -> None:
    good = GOLDEN / f"efd-2026-03-{CNPJ_NORMAL}.txt"
    r = run("sped", "validate", str(good))
    assert r.returncode == 0 and "válido" in r.stderr
    bad = tmp_path / "ruim.txt"
    bad.write_bytes(good.read_bytes().replace(b"|0000|020|", b"|0000|20|"))
    r = run("sped", "validate", str(bad))
    assert r.returncode == 1
    assert f"{bad}:1: 0000: campo 02 (COD_VER) deve ter exatamente 3 caracteres" in r.stdout


def test_validate_unreadable_file_exits_2(tmp_path: Path) -> None:
    r = run("sped", "validate", str(tmp_path / "nao-existe.txt"))
    assert r.returncode == 2 and "ilegível" in r.stderr


def test_export_with_bad_config_or_period_is_a_usage_error(pasta: Path, config: Path, tmp_path: Path) -> None:
    ruim = tmp_path / "ruim.json"
    dados = estabelecimento(CNPJ_NORMAL)
    dados["fone"] = "5511303050501"
    ruim.write_text(json.dumps(dados), encoding="utf-8")
    r = run("sped", "export", "--emitter", CNPJ_NORMAL, "--period", "2026-03", "--xml-dir", str(pasta),
            "--config", str(ruim), "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and "fone" in r.stderr
    r = run("sped", "export", "--emitter", CNPJ_NORMAL, "--period", "2026-13", "--xml-dir", str(pasta),
            "--config", str(config), "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and "período inválido" in r.stderr
    assert not (tmp_path / "x.txt").exists()


def test_package_zips_the_month_with_the_csv(pasta: Path, tmp_path: Path) -> None:
    out = tmp_path / "pacote.zip"
    r = run("sped", "package", "--xml-dir", str(pasta), "--period", "2026-03", "--out", str(out),
            "--emitter", CNPJ_NORMAL)
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(out) as z:
        assert z.read("resumo.csv") == (GOLDEN / f"resumo-2026-03-{CNPJ_NORMAL}.csv").read_bytes()
        assert len(z.namelist()) == 11
