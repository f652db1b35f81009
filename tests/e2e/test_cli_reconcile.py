"""`ortho-fiscal reconcile` end to end (the installed console script) on the fixture statements."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"
DATA = ROOT / "tests" / "unit" / "engine" / "reconciliation" / "data"
STATEMENTS = ["bb-extrato-1252.ofx", "nubank-extrato-utf8.ofx", "santander-extrato-v2.ofx", "bb-cobranca-retorno.ret",
              "itau-sispag-retorno.ret", "api-pix-recebidos.json"]
PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "reconcile", *args], capture_output=True, text=True, timeout=120, check=False,
                          cwd=DATA)


def test_json_report_with_every_class_and_the_event(tmp_path: Path) -> None:
    out = tmp_path / "conciliacao.json"
    r = run(*STATEMENTS, "--charges", "cobrancas-marco.json", *PERIOD, "--json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["resumo"]["contagem"] == {"matched": 7, "partial": 3, "duplicate": 1, "unexpected": 5, "missing": 1}
    assert doc["evento"]["type"] == "reconciliation.completed"
    assert doc["evento"]["data"]["contagem"] == doc["resumo"]["contagem"]
    assert [i["novas"] for i in doc["importacoes"]] == [4, 2, 1, 3, 2, 4]
    missing = [i for i in doc["itens"] if i["classe"] == "missing"]
    assert [(i["cobranca_id"], i["cobranca_valor"]) for i in missing] == [("PAC-0102", "420.00")]


def test_csv_report_and_csv_charges_give_the_same_rows() -> None:
    a = run(*STATEMENTS, "--charges", "cobrancas-marco.json", *PERIOD, "--csv")
    b = run(*STATEMENTS, "--charges", "cobrancas-marco.csv", *PERIOD, "--csv")
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout
    rows = list(csv.DictReader(io.StringIO(a.stdout)))
    assert len(rows) == 17
    pix = next(r for r in rows if r["cobranca_id"] == "PIX-COB-1")
    assert (pix["classe"], pix["criterio"], pix["fonte"], pix["valor"]) == ("matched", "key", "pix-json", "180.00")


def test_the_same_statement_twice_is_imported_once() -> None:
    once = run("bb-extrato-1252.ofx", "--charges", "cobrancas-marco.json", *PERIOD, "--json")
    twice = run("bb-extrato-1252.ofx", "bb-extrato-1252.ofx", "--charges", "cobrancas-marco.json", *PERIOD, "--json")
    assert once.returncode == twice.returncode == 0
    a, b = json.loads(once.stdout), json.loads(twice.stdout)
    assert b["importacoes"][1]["arquivo_ja_importado"] is True and b["importacoes"][1]["novas"] == 0
    assert a["itens"] == b["itens"] and a["resumo"] == b["resumo"]


def test_cnab_is_streamed_and_hashed_like_the_whole_file() -> None:
    r = run("bb-cobranca-retorno.ret", "bb-cobranca-retorno.ret", "--charges", "cobrancas-marco.json", *PERIOD,
            "--json")
    assert r.returncode == 0
    imports = json.loads(r.stdout)["importacoes"]
    sha = hashlib.sha256((DATA / "bb-cobranca-retorno.ret").read_bytes()).hexdigest()
    assert [(i["sha256"], i["novas"], i["arquivo_ja_importado"]) for i in imports] == [(sha, 3, False), (sha, 0, True)]


def test_summary_in_portuguese_and_explicit_format() -> None:
    r = run("bb-cobranca-retorno.ret", "--format", "cnab240", "--charges", "cobrancas-marco.json", *PERIOD)
    assert r.returncode == 0
    assert "bb-cobranca-retorno.ret (cnab240): 3 novas, 0 repetidas" in r.stdout
    assert "conciliados: 1 (R$ 350.00)" in r.stdout and "parciais: 2 (R$ 304.00)" in r.stdout


def test_bad_statement_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    good = (DATA / "bb-cobranca-retorno.ret").read_bytes().split(b"\r\n")
    good[3] = good[3][:77] + b"00000000003X000" + good[3][92:]
    bad = tmp_path / "retorno.ret"
    bad.write_bytes(b"\r\n".join(good))
    r = run(str(bad), "--charges", "cobrancas-marco.json", *PERIOD)
    assert r.returncode == 2 and r.stdout == ""
    assert f"{bad}:4: campo valor pago pelo pagador (segmento U 78-92): posições 78-92 devem ser numéricas" in r.stderr


def test_bad_charges_unknown_format_and_missing_file_exit_2(tmp_path: Path) -> None:
    charges = tmp_path / "c.csv"
    charges.write_text("id;valor;vencimento\nA;abc;01/03/2026\n", encoding="utf-8")
    r = run("bb-extrato-1252.ofx", "--charges", str(charges), *PERIOD)
    assert r.returncode == 2 and f"{charges}:2: campo valor: valor 'abc' não é numérico" in r.stderr
    odd = tmp_path / "x.txt"
    odd.write_text("nada a ver\n", encoding="utf-8")
    r = run(str(odd), "--charges", "cobrancas-marco.json", *PERIOD)
    assert r.returncode == 2 and "formato do extrato não reconhecido" in r.stderr
    r = run("nao-existe.ofx", "--charges", "cobrancas-marco.json", *PERIOD)
    assert r.returncode == 2 and "nao-existe.ofx" in r.stderr
    r = run("bb-extrato-1252.ofx", "--charges", "cobrancas-marco.json", "--from", "2026-03-31", "--to", "2026-03-01")
    assert r.returncode == 2 and "anterior" in r.stderr
