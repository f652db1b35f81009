"""The establishment's EFD configuration: pt-BR errors naming the field; PVA rules enforced early."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.sped import ConfiguracaoInvalida, load_estabelecimento, parse_estabelecimento, periodo

from .mes import CNPJ_NORMAL, estabelecimento


def _erro(**alteracoes: object) -> ConfiguracaoInvalida:
    data = estabelecimento(CNPJ_NORMAL)
    data.update(alteracoes)
    with pytest.raises(ConfiguracaoInvalida) as exc:
        parse_estabelecimento(data)
    return exc.value


def test_phone_longer_than_the_field_is_refused() -> None:
    exc = _erro(fone="551130305050")  # 0005.FONE has 11 characters at most
    assert exc.findings[0].path == "fone"


def test_0002_only_for_industry() -> None:
    exc = _erro(clas_estab_ind="01")
    assert "ind_ativ" in exc.findings[0].mensagem and "industrial" in exc.findings[0].mensagem


def test_1010_indicator_without_its_register_is_refused() -> None:
    exc = _erro(indicadores_1010={"ind_form": "S"})
    assert "ind_form" in exc.findings[0].mensagem


def test_ind_cart_is_not_refused_the_writer_derives_it() -> None:
    # IND_CART follows the documents (1601 is generated), so a configured 'S' is no longer an error.
    data = estabelecimento(CNPJ_NORMAL)
    data["indicadores_1010"] = {"ind_cart": "S"}
    assert parse_estabelecimento(data).indicadores_1010.ind_cart == "S"


def test_invalid_cnpj_and_accountant_cpf() -> None:
    assert "dígitos verificadores" in _erro(cnpj="45997418000154").findings[0].mensagem
    contabilista = dict(estabelecimento(CNPJ_NORMAL)["contabilista"])  # type: ignore[call-overload]
    contabilista["cpf"] = "52998224726"
    assert _erro(contabilista=contabilista).findings[0].path == "contabilista.cpf"


def test_load_reads_money_as_decimal_and_reports_bad_json(tmp_path: Path) -> None:
    p = tmp_path / "estab.json"
    data = estabelecimento(CNPJ_NORMAL)
    data["saldo_credor_anterior"] = 0.1
    p.write_text(json.dumps(data), encoding="utf-8")
    assert str(load_estabelecimento(p).saldo_credor_anterior) == "0.1"
    p.write_text("{", encoding="utf-8")
    with pytest.raises(ConfiguracaoInvalida, match="JSON inválido na linha 1"):
        load_estabelecimento(p)


def test_periodo() -> None:
    assert [d.isoformat() for d in periodo("2024-02")] == ["2024-02-01", "2024-02-29"]
    with pytest.raises(ValueError, match="AAAA-MM"):
        periodo("2024-13")
