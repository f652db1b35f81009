"""`ortho-fiscal build` as a user runs it (subprocess of the installed entry point)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from engine.xml.parser import parse_xml, parse_xml_file
from engine.xsd import DSIG_NS, NFE_NS, schema_findings

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"
EXAMPLES = ROOT / "examples"
NS = {"n": NFE_NS}


def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(CLI), "build", *map(str, args)], capture_output=True, timeout=60, cwd=ROOT)


def test_build_nfce_to_stdout_is_schema_valid_but_for_the_signature() -> None:
    proc = run(EXAMPLES / "nfce-venda.json", "--emitente", EXAMPLES / "emitente-sn.json",
               "--data-emissao", "2026-12-04T10:30:00-03:00")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<NFe")
    root = parse_xml(proc.stdout)
    errors = schema_findings(root)
    assert len(errors) == 1 and DSIG_NS in errors[0].mensagem
    chave = root[0].get("Id", "")[3:]
    assert f"chave {chave}" in proc.stderr.decode()
    assert root.findtext("n:infNFe/n:ide/n:dhEmi", namespaces=NS) == "2026-12-04T10:30:00-03:00"


def test_build_nfe_to_file_with_numero(tmp_path: Path) -> None:
    out = tmp_path / "nfe.xml"
    proc = run(EXAMPLES / "nfe-venda.json", "--emitente", EXAMPLES / "emitente-normal.json", "--out", out,
               "--numero", "9001")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    root = parse_xml_file(out)
    assert root.findtext("n:infNFe/n:ide/n:nNF", namespaces=NS) == "9001"
    assert root.findtext("n:infNFe/n:ide/n:mod", namespaces=NS) == "55"
    assert len(schema_findings(root)) == 1
    # the output passes `ortho-fiscal validate` (schema + business rules; unsigned is only a note)
    check = subprocess.run([str(CLI), "validate", str(out)], capture_output=True, timeout=60, cwd=ROOT)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
    assert "ainda não assinado" in check.stdout.decode()


def test_bad_input_exits_2_naming_each_json_path_in_portuguese(tmp_path: Path) -> None:
    bad = tmp_path / "venda.json"
    bad.write_text(json.dumps({
        "modelo": 65,
        "itens": [{"codigo": "A", "descricao": "Escova", "ncm": "9603", "quantidade": 0, "valor_unitario": 1.5,
                   "cor": "azul"}],
        "pagamentos": [{"forma": "99", "valor": 1.5}],
    }))
    proc = run(bad, "--emitente", EXAMPLES / "emitente-sn.json")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert f"{bad}: itens[0].ncm: formato inválido" in err
    assert "itens[0].quantidade: deve ser maior que 0" in err
    assert "itens[0].cor: campo não previsto" in err
    assert "pagamentos[0]: forma 99 (outros) exige 'descricao' (xPag)" in err
    assert proc.stdout == b""


def test_business_rule_violation_exits_2_with_cstat(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "nfce-venda.json").read_text())
    data["pagamentos"] = [{"forma": "01", "valor": 10}]
    f = tmp_path / "venda.json"
    f.write_text(json.dumps(data))
    proc = run(f, "--emitente", EXAMPLES / "emitente-sn.json")
    assert proc.returncode == 2
    assert "pagamentos: a soma dos pagamentos (10) é menor que o total da nota (237.80) (cStat 767)" in \
        proc.stderr.decode()


def test_unreadable_files_and_bad_options_exit_2(tmp_path: Path) -> None:
    proc = run(tmp_path / "nao-existe.json", "--emitente", EXAMPLES / "emitente-sn.json")
    assert proc.returncode == 2 and "não foi possível ler" in proc.stderr.decode()
    broken = tmp_path / "quebrado.json"
    broken.write_text('{"modelo": 65,')
    proc = run(broken, "--emitente", EXAMPLES / "emitente-sn.json")
    assert proc.returncode == 2 and "JSON inválido na linha 1" in proc.stderr.decode()
    proc = run(EXAMPLES / "nfce-venda.json", "--emitente", EXAMPLES / "emitente-sn.json", "--data-emissao", "ontem")
    assert proc.returncode == 2 and "--data-emissao" in proc.stderr.decode()
    proc = run(EXAMPLES / "nfce-venda.json")  # --emitente is required
    assert proc.returncode == 2


def test_help_is_in_portuguese() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    assert "--emitente" in proc.stdout.decode() and "não assinada" in proc.stdout.decode()
