"""`ortho-fiscal validate FILE...` end to end (the installed console script)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "ortho-fiscal"
MADE = sorted((ROOT / "tests" / "fixtures" / "nfe" / "made").glob("*.xml"))
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<path>[^:]+): (?P<msg>.+)$")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, check=False)


def test_unsigned_valid_documents_exit_0_with_a_note_each() -> None:
    r = run("validate", *map(str, MADE[:3]))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 3
    for line, path in zip(lines, MADE[:3], strict=True):
        m = LINE.match(line)
        assert m, line
        assert m["file"] == str(path)
        assert m["msg"].startswith("nota: ") and "ASSINATURA_AUSENTE" in m["msg"]


def test_invalid_document_exit_1_one_line_per_finding(tmp_path: Path) -> None:
    text = MADE[0].read_text(encoding="utf-8")
    vnf = re.search(r"<vNF>([0-9.]+)</vNF>", text)
    assert vnf
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace(f"<vNF>{vnf[1]}</vNF>", "<vNF>0.01</vNF>", 1), encoding="utf-8")
    r = run("validate", str(broken), str(MADE[1]))
    assert r.returncode == 1
    errors = [LINE.match(x) for x in r.stdout.splitlines() if "nota:" not in x]
    assert errors and all(errors)
    by_path = {m["path"]: m for m in errors if m}
    vnf_line = by_path["infNFe.total.ICMSTot.vNF"]
    assert vnf_line["file"] == str(broken)
    assert int(vnf_line["line"]) >= 1
    assert "cStat 610" in vnf_line["msg"]


def test_unreadable_or_unknown_exit_2(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<nota/>", encoding="utf-8")
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("isto não é XML", encoding="utf-8")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', encoding="utf-8")
    for f in (other, garbage, xxe, tmp_path / "missing.xml"):
        r = run("validate", str(MADE[0]), str(f))
        assert r.returncode == 2, (f, r.stdout, r.stderr)
        assert str(f) in r.stderr
    assert "root:" not in run("validate", str(xxe)).stdout


def test_help() -> None:
    r = run("validate", "--help")
    assert r.returncode == 0
    assert "usage: ortho-fiscal validate" in r.stdout


def test_build_validate_sign_validate(tmp_path: Path) -> None:
    """The whole path of a document: build output validates before signing (a note only), the
    signed document validates with no finding, and a change after signing is caught."""
    examples = ROOT / "examples"
    nfe = tmp_path / "nfe.xml"
    r = run("build", str(examples / "nfe-venda.json"), "--emitente", str(examples / "emitente-normal.json"),
            "--out", str(nfe))  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run("validate", str(nfe))
    assert r.returncode == 0 and "ASSINATURA_AUSENTE" in r.stdout
    cnpj = re.search(r"<emit><CNPJ>([0-9A-Z]{14})</CNPJ>", nfe.read_text(encoding="utf-8"))
    assert cnpj
    env = {"PW": "teste-e2e", "PATH": "/usr/bin:/bin"}
    pfx = tmp_path / "a1.pfx"
    signed = tmp_path / "signed.xml"
    for args in (
        ("certs", "make-test", "--cnpj", cnpj[1], "--out", str(pfx), "--password-env", "PW"),
        ("sign", str(nfe), "--pfx", str(pfx), "--password-env", "PW", "--out", str(signed)),
    ):
        done = subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, check=False, env=env)
        assert done.returncode == 0, done.stderr
    r = run("validate", str(signed))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""  # signed and valid: not even a note
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(signed.read_bytes().replace(b"<natOp>", b"<natOp>X", 1))
    r = run("validate", str(tampered))
    assert r.returncode == 1
    assert "ASSINATURA_INVALIDA" in r.stdout and "cStat 297" in r.stdout


def test_json_output(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<nota/>", encoding="utf-8")
    r = run("validate", "--json", str(MADE[0]), str(other))
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert [d["arquivo"] for d in data] == [str(MADE[0]), str(other)]
    assert data[0]["valido"] is True and data[0]["erros"] == []
    assert [n["code"] for n in data[0]["notas"]] == ["ASSINATURA_AUSENTE"]
    assert data[1]["erro"]["code"] == "SCHEMA_DESCONHECIDO"
