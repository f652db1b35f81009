"""`ortho-fiscal sefaz conciliacao CHAVE --pagamentos JSON` against the simulator."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from engine.xml.parser import parse_xml
from engine.xsd import schema_findings

from .conftest import CNPJ, Sim
from .documents import signed
from .test_cli import run

PIX = {"tPag": "17", "vPag": 150.0, "dPag": "2026-12-03", "CNPJPag": "00000000000191", "UFPag": "DF",
       "cAut": "E00000000202612031200abcdefghijk"}


def test_conciliacao_registers_the_econf_and_writes_the_proc(
    sim: Sim, capsys: pytest.CaptureFixture[str], tmp_path: Path, now: datetime
) -> None:
    auth = sim.client().authorize(signed("SP", 65, 8101, now=now, a1=sim.a1, cnpj=CNPJ))
    assert auth.protocolo is not None, auth.xmotivo
    arquivo = tmp_path / "pagamentos.json"
    arquivo.write_text(json.dumps([PIX]), encoding="utf-8")
    proc = tmp_path / "econf.xml"
    code, out, err = run(sim, capsys, "conciliacao", auth.protocolo.chave, "--pagamentos", f"@{arquivo}",
                         "--env", "homologacao", "--out", str(proc))
    assert code == 0, out + err
    assert out.startswith("135 ")
    assert schema_findings(parse_xml(proc.read_bytes())) == []
    code, out, _ = run(sim, capsys, "conciliacao", auth.protocolo.chave, "--pagamentos", json.dumps(PIX),
                       "--env", "homologacao")
    assert code == 1 and out.startswith("573 ")


@pytest.mark.parametrize(
    ("pagamentos", "mensagem"),
    [
        ("[{", "JSON inválido"),
        ('[{"tPag": "17", "vPag": "1.00"}]', "dPag é obrigatório"),
        ('[{"tPag": "17", "vPag": "1.00", "dPag": "2026-12-03", "foo": 1}]', "foo"),
    ],
)
def test_bad_pagamentos_is_a_usage_error(
    sim: Sim, capsys: pytest.CaptureFixture[str], pagamentos: str, mensagem: str
) -> None:
    chave = "35261211222333000181550010000000011000000018"
    code, _, err = run(sim, capsys, "conciliacao", chave, "--pagamentos", pagamentos, "--env", "homologacao")
    assert code == 2 and mensagem in err


def test_invalid_payment_is_refused_naming_the_field(sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    chave = "35261211222333000181550010000000011000000018"
    code, _, err = run(sim, capsys, "conciliacao", chave, "--pagamentos",
                       '[{"tPag": "99", "vPag": "1.00", "dPag": "2026-12-03"}]', "--env", "homologacao")
    assert code == 1 and "xPag" in err and "225" in err
