"""`ortho-fiscal states` end to end: the installed console script in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = REPO_ROOT / ".venv" / "bin" / "ortho-fiscal"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: run `make install` first")
    return subprocess.run([str(CLI), "states", *args], capture_output=True, text=True, timeout=60, check=False)


def test_table_lists_the_27_ufs() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["UF", "cUF"]
    rows = [line.split() for line in lines[2:]]
    assert len(rows) == 27
    by_uf = {r[0]: r for r in rows}
    assert by_uf["SP"][1] == "35" and "America/Sao_Paulo" in by_uf["SP"]
    assert by_uf["AC"][1] == "12" and "America/Rio_Branco" in by_uf["AC"]
    # BA: own NF-e authorizer, NFC-e at SVRS, contingency SVC-RS.
    assert by_uf["BA"][-3:] == ["BA", "SVRS", "SVC-RS"]
    assert by_uf["MA"][-3:] == ["SVAN", "SVRS", "SVC-RS"]


def test_json_table() -> None:
    result = run("--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert len(doc["ufs"]) == 27
    assert doc["registry"]["snapshot_date"]
    pe = next(u for u in doc["ufs"] if u["sigla"] == "PE")
    assert pe["timezones"] == ["America/Recife", "America/Noronha"]
    assert pe["nfe_autorizador"] == "PE" and pe["nfce_autorizador"] == "SVRS"


def test_one_uf_in_detail() -> None:
    result = run("--uf", "am")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("AM - Amazonas (cUF 13")
    assert "America/Eirunepe" in out
    assert "https://nfe.sefaz.am.gov.br/services2/services/NfeAutorizacao4" in out
    assert "CscNFCe" in out  # AM's NFC-e extra
    assert "(não oferecido)" in out  # no CadConsultaCadastro4 at AM
    assert "cad_consulta_indisponivel_nfe" in out


def test_one_uf_in_detail_as_json() -> None:
    result = run("--uf", "29", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["sigla"] == "BA"
    assert doc["servicos"]["55"]["homologacao"]["NFeStatusServico4"].startswith("https://hnfe.sefaz.ba.gov.br/")
    assert doc["servicos"]["65"]["producao"]["NFeAutorizacao4"].startswith("https://nfce.svrs.rs.gov.br/")
    assert doc["nfce_qrcode"]["producao"]["qrcode"] == "http://nfe.sefaz.ba.gov.br/servicos/nfce/qrcode.aspx"


def test_unknown_uf_is_a_usage_error() -> None:
    result = run("--uf", "XX")
    assert result.returncode == 2
    assert "UF desconhecida" in result.stderr


def test_url_prints_the_one_url() -> None:
    result = run("url", "--uf", "SP", "--model", "55", "--env", "homologacao", "--service", "NFeAutorizacao4")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeautorizacao4.asmx\n"


def test_url_in_contingency() -> None:
    args = ("url", "--uf", "PR", "--model", "55", "--env", "producao", "--service", "NFeAutorizacao4")
    result = run(*args, "--contingency")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://nfe.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx"


def test_url_with_simulator_override_and_json() -> None:
    result = run(
        "url", "--uf", "AC", "--model", "65", "--env", "homologacao", "--service", "NFeStatusServico4",
        "--base-override", "https://127.0.0.1:8443", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["url"] == "https://127.0.0.1:8443/SVRS/65/ws/NfeStatusServico/NfeStatusServico4.asmx"
    assert doc["namespace"] == "http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4"
    assert doc["soap_method"] == "nfeStatusServicoNF"
    assert doc["codigo_orgao"] == "12"
    assert doc["tls_min_version"] == "TLSv1.2"


def test_url_not_offered_exits_1_with_a_portuguese_message() -> None:
    result = run("url", "--uf", "AM", "--model", "55", "--env", "producao", "--service", "CadConsultaCadastro4")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "indisponível" in result.stderr and "SERVICO_NAO_OFERECIDO" in result.stderr


def test_url_nfce_contingency_exits_1() -> None:
    args = ("url", "--uf", "SP", "--model", "65", "--env", "producao", "--service", "NFeAutorizacao4")
    result = run(*args, "--contingency")
    assert result.returncode == 1
    assert "contingência SVC" in result.stderr


def test_url_unknown_service_is_a_usage_error() -> None:
    result = run("url", "--uf", "SP", "--model", "55", "--env", "producao", "--service", "Foo")
    assert result.returncode == 2
    assert "serviço desconhecido" in result.stderr


def test_url_bad_model_is_rejected_by_argparse() -> None:
    result = run("url", "--uf", "SP", "--model", "57", "--env", "producao", "--service", "NFeAutorizacao4")
    assert result.returncode == 2
