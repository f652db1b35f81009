"""`ortho-fiscal sped export|package` reading the service database (the installed console script, on
SQLite and PostgreSQL): the same bytes as the API and as the folder export of the same month."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

from adapters import sped_source
from engine.sped import validar_arquivo
from tests.integration.sped.conftest import Month

ROOT = Path(__file__).resolve().parents[3]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, check=False)


def _api(month: Month, path: str) -> bytes:
    r = month.client.get(path, params={"emitter": month.env.cnpj, "period": month.period},
                         headers=month.h("t1", "accountant"))
    assert r.status_code == 200, r.text
    return r.content


def test_export_from_the_database_equals_the_api_and_the_folder_export(month: Month, tmp_path: Path) -> None:
    out = tmp_path / "efd-banco.txt"
    p = run("sped", "export", "--emitter", month.env.cnpj, "--period", month.period, "--out", str(out),
            "--database-url", month.database_url)
    assert p.returncode == 0, p.stderr
    assert "6 documento(s)" in p.stderr and "COD_SIT 02: 1" in p.stderr
    assert [f for f in validar_arquivo(out) if f.severity == "error"] == []
    assert out.read_bytes() == _api(month, "/v1/sped/efd")

    # The folder of the same month with the same (stored) configuration, through --xml-dir.
    with month.resources.db.read() as conn:
        row = sped_source.resolver_emitente(conn, month.env.cnpj, tenant_id=None)
        assert row is not None
        estab = sped_source.estabelecimento(conn, row)
    cfg = tmp_path / "estab.json"
    cfg.write_text(json.dumps(estab.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    folder_out = tmp_path / "efd-pasta.txt"
    p = run("sped", "export", "--emitter", month.env.cnpj, "--period", month.period, "--out", str(folder_out),
            "--xml-dir", str(month.folder), "--config", str(cfg), "--quiet")
    assert p.returncode == 0, p.stderr
    assert folder_out.read_bytes() == out.read_bytes()


def test_package_from_the_database_equals_the_api_package(month: Month, tmp_path: Path) -> None:
    out = tmp_path / "pacote.zip"
    p = run("sped", "package", "--emitter", month.env.cnpj, "--period", month.period, "--out", str(out),
            "--database-url", month.database_url)
    assert p.returncode == 0, p.stderr
    assert "7 linha(s) no resumo.csv" in p.stderr
    got, want = zipfile.ZipFile(out), zipfile.ZipFile(io.BytesIO(_api(month, "/v1/sped/package")))
    assert sorted(got.namelist()) == sorted(want.namelist())
    assert all(got.read(n) == want.read(n) for n in want.namelist())


def test_database_usage_errors_are_exit_2_in_portuguese(month: Month, tmp_path: Path) -> None:
    db = ("--database-url", month.database_url)
    p = run("sped", "export", "--emitter", "11.222.333/0001-81", "--period", month.period,
            "--out", str(tmp_path / "x.txt"), *db)
    assert p.returncode == 2 and "emitente 11222333000181 não cadastrado no banco" in p.stderr
    with month.resources.db.read() as conn:
        other = sped_source.resolver_emitente(conn, month.other_emitter_id, tenant_id=None)
    assert other is not None
    p = run("sped", "export", "--emitter", other.cnpj, "--period", month.period, "--out", str(tmp_path / "y.txt"), *db)
    assert p.returncode == 2 and "não tem configuração da EFD" in p.stderr
    assert not (tmp_path / "y.txt").exists()
    p = run("sped", "package", "--period", month.period, "--out", str(tmp_path / "z.zip"), *db)
    assert p.returncode == 2 and "--emitter é obrigatório" in p.stderr
