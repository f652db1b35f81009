"""The friendly input and emitter models: pt-BR messages with the JSON path, Decimal amounts."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from engine.nfe.build import EntradaInvalida, load_emitente, load_json_decimal, parse_emitente, parse_venda
from engine.nfe.build.messages import json_path

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"


def _item(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"codigo": "A1", "descricao": "Escova", "ncm": "96032100", "quantidade": 1,
                            "valor_unitario": "10.00"}
    base.update(kw)
    return base


def _errors(data: Any) -> dict[str, str]:
    with pytest.raises(EntradaInvalida) as exc:
        parse_venda(data)
    return {f.path: f.mensagem for f in exc.value.findings}


def test_minimal_pdv_sale_needs_only_code_description_ncm_quantity_price() -> None:
    venda = parse_venda({"modelo": 65, "itens": [_item()], "pagamentos": [{"forma": "01", "valor": 10}]})
    item = venda.itens[0]
    assert (item.unidade, item.desconto, item.tributacao, item.cfop) == ("UN", D("0"), None, None)
    assert venda.natureza_operacao == "VENDA" and venda.frete.modalidade == 9 and venda.presenca == 1


def test_json_numbers_are_read_as_exact_decimals(tmp_path: Path) -> None:
    f = tmp_path / "v.json"
    f.write_text('{"modelo": 65, "itens": [{"codigo": "A", "descricao": "x", "ncm": "96032100", '
                 '"quantidade": 0.1, "valor_unitario": 0.7}]}')
    venda = parse_venda(load_json_decimal(f))
    assert venda.itens[0].quantidade * venda.itens[0].valor_unitario == D("0.07")


def test_errors_name_the_json_path_in_portuguese() -> None:
    errs = _errors({
        "modelo": 57,
        "itens": [_item(quantidade="1.12345", ncm="9603", extra=1), _item(desconto="20.00")],
        "cliente": {"cpf": "12345678900"},
        "pagamentos": [{"forma": "99", "valor": 1}, {"forma": "01", "valor": "1.234"}],
    })
    assert errs["modelo"] == "valor não permitido (aceitos: 55 ou 65)"
    assert errs["itens[0].quantidade"] == "no máximo 4 casas decimais"
    assert errs["itens[0].ncm"] == "formato inválido (esperado: 8 dígitos (NCM) ou 2 dígitos para serviço)"
    assert errs["itens[0].extra"].startswith("campo não previsto")
    assert errs["itens[1]"] == "desconto (20.00) deve ser menor que o valor do item (10.00)"
    assert errs["cliente.cpf"] == "CPF com dígitos verificadores inválidos (evita a rejeição 237)"
    assert errs["pagamentos[0]"] == "forma 99 (outros) exige 'descricao' (xPag)"
    assert errs["pagamentos[1].valor"] == "no máximo 2 casas decimais"


def test_missing_fields_and_wrong_types() -> None:
    errs = _errors({"itens": [{"codigo": "A", "quantidade": "muito", "valor_unitario": 1}]})
    assert errs["modelo"] == "campo obrigatório não informado"
    assert errs["itens[0].descricao"] == "campo obrigatório não informado"
    assert errs["itens[0].quantidade"].startswith("deve ser um número decimal")
    assert _errors({"modelo": 65, "itens": []})["itens"] == "lista com poucos elementos (mínimo 1)"
    assert _errors([1, 2])[""] == "deve ser um objeto JSON"


def test_tax_classification_checks() -> None:
    errs = _errors({"modelo": 65, "itens": [
        _item(tributacao={"icms": {"cst": "00"}}),
        _item(tributacao={"icms": {"cst": "41", "csosn": "102"}}),
        _item(tributacao={"ibs_cbs": {"cst": "000", "cclass_trib": "200029"}}),
        _item(tributacao={"pis": {"cst": "03"}}),
    ]})
    assert errs["itens[0].tributacao.icms"] == "CST 00 exige 'aliquota' (pICMS)"
    assert errs["itens[1].tributacao.icms"].startswith("informe exatamente um de 'cst'")
    assert errs["itens[2].tributacao.ibs_cbs"] == "cClassTrib 200029 pertence ao CST 200, não ao CST 000"
    assert errs["itens[3].tributacao.pis.cst"].startswith("CST 03 (alíquota por unidade de produto)")


def test_customer_with_both_documents_or_invalid_cnpj() -> None:
    errs = _errors({"modelo": 55, "itens": [_item()], "cliente": {"cpf": "52998224725", "cnpj": "11222333000181"}})
    assert errs["cliente"] == "informe CPF ou CNPJ do cliente, não ambos"
    errs = _errors({"modelo": 55, "itens": [_item()], "cliente": {"cnpj": "11222333000182"}})
    assert errs["cliente.cnpj"] == "CNPJ com dígitos verificadores inválidos (evita a rejeição 208)"
    # alphanumeric CNPJ (IN RFB 2.229/2024) is accepted
    venda = parse_venda({"modelo": 55, "itens": [_item()], "cliente": {"cnpj": "12ABC34501DE35", "nome": "Lab"}})
    assert venda.cliente is not None and venda.cliente.cnpj == "12ABC34501DE35"


def test_text_outside_latin1_or_with_line_breaks_is_refused_with_its_path() -> None:
    errs = _errors({"modelo": 65, "itens": [_item(descricao="Escova — macia")],
                    "informacoes_complementares": "linha 1\nlinha 2"})
    assert errs["itens[0].descricao"].startswith("caractere '—' não é aceito pelo leiaute da NF-e")
    assert errs["informacoes_complementares"].startswith("caractere '\\n' não é aceito")
    assert parse_venda({"modelo": 65, "itens": [_item(descricao="Pasta dental ação clínica ½")]}).itens


def test_punctuated_documents_cep_and_phone_are_normalised() -> None:
    venda = parse_venda({"modelo": 55, "itens": [_item()], "cliente": {
        "cpf": "529.982.247-25", "nome": "Ana",
        "endereco": {"logradouro": "Rua A", "numero": "1", "bairro": "Centro", "codigo_municipio": "3550308",
                     "municipio": "Sao Paulo", "uf": "SP", "cep": "01310-100", "fone": "(11) 3333-4444"}}})
    assert venda.cliente is not None and venda.cliente.cpf == "52998224725"
    assert venda.cliente.endereco is not None
    assert (venda.cliente.endereco.cep, venda.cliente.endereco.fone) == ("01310100", "1133334444")
    venda = parse_venda({"modelo": 55, "itens": [_item()], "cliente": {"cnpj": "12.abc.345/01de-35", "nome": "Lab"}})
    assert venda.cliente is not None and venda.cliente.cnpj == "12ABC34501DE35"


def test_gtin_check_digit() -> None:
    assert parse_venda({"modelo": 65, "itens": [_item(gtin="7891234567895")]}).itens[0].gtin == "7891234567895"
    errs = _errors({"modelo": 65, "itens": [_item(gtin="7891234567891")]})
    assert errs["itens[0].gtin"] == "GTIN com dígito verificador inválido (evita a rejeição 611)"


def test_card_data_only_for_card_payments() -> None:
    errs = _errors({"modelo": 65, "itens": [_item()],
                    "pagamentos": [{"forma": "01", "valor": 10, "cartao": {"integracao": 2}}]})
    assert errs["pagamentos[0]"] == "dados de cartão só são aceitos nas formas 03, 04 e 17"


def test_examples_load() -> None:
    for name in ("emitente-sn", "emitente-normal"):
        assert load_emitente(EXAMPLES / f"{name}.json").cnpj
    for name in ("nfce-venda", "nfe-venda"):
        assert parse_venda(load_json_decimal(EXAMPLES / f"{name}.json")).itens


def test_emitter_profile_must_fit_the_crt() -> None:
    data = json.loads((EXAMPLES / "emitente-normal.json").read_text())
    data["perfil_tributario"]["icms"] = {"csosn": "102"}
    with pytest.raises(EntradaInvalida) as exc:
        parse_emitente(data)
    f = exc.value.findings[0]
    assert f.path == "emitente"
    assert f.mensagem == "CRT 3 (regime normal) exige 'perfil_tributario.icms.cst'"
    data = json.loads((EXAMPLES / "emitente-sn.json").read_text())
    data["qrcode_versao"] = 2
    del data["csc"]
    with pytest.raises(EntradaInvalida) as exc:
        parse_emitente(data)
    assert "rejeição 796" in exc.value.findings[0].mensagem


def test_authorised_downloaders_are_check_digit_validated() -> None:
    data = json.loads((EXAMPLES / "emitente-normal.json").read_text())
    data["autorizados_xml"] = ["98765432000199"]
    with pytest.raises(EntradaInvalida) as exc:
        parse_emitente(data)
    assert exc.value.findings[0].path == "emitente.autorizados_xml"


def test_json_path_notation() -> None:
    assert json_path(("itens", 0, "tributacao", "icms")) == "itens[0].tributacao.icms"
    assert json_path(("cnpj",), "emitente") == "emitente.cnpj"
