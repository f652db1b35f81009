"""API Pix models: wire formats exactly as the OpenAPI says, pt-BR refusals naming the field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.errors import ConfigurationError, InputError
from engine.pix.api import (
    Cobranca,
    CobRequest,
    CobRevisao,
    CobvRequest,
    Devedor,
    DevolucaoRequest,
    Pix,
    PixQuery,
    PspResponseError,
    StatusCobranca,
    format_valor,
    parse_problem,
    validate_txid,
)
from engine.pix.psp_profiles import load_profiles, profile

# The BACEN OpenAPI snapshot in ../shared/reference beside the clone (as CI checks it out).
OPENAPI = Path(__file__).resolve().parents[4].parent / "shared" / "reference" / "pix-api-openapi.yaml"


@cache
def _spec() -> dict[str, Any]:
    if not OPENAPI.is_file():
        pytest.fail(f"reference file {OPENAPI} is missing (../shared/reference beside the clone)")
    data: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("valor", "wire"), [("0.01", "0.01"), ("10", "10.00"), ("1234.5", "1234.50"),
                                             ("9999999999.99", "9999999999.99")])
def test_valor_goes_on_the_wire_as_a_two_decimal_string(valor: str, wire: str) -> None:
    assert format_valor(Decimal(valor)) == wire


@pytest.mark.parametrize("valor", ["0", "-1.00", "10.001", "10000000000.00", "NaN"])
def test_valor_outside_the_pattern_is_refused_naming_the_field(valor: str) -> None:
    with pytest.raises(InputError) as info:
        format_valor(Decimal(valor))
    assert info.value.path == "valor.original" and "valor" in info.value.mensagem


def test_float_money_is_refused() -> None:
    with pytest.raises(InputError):
        format_valor(10.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("txid", ["a" * 25, "a" * 36, "abc-def" + "0" * 20, ""])
def test_txid_must_have_26_to_35_alphanumerics(txid: str) -> None:
    with pytest.raises(InputError, match="26 a 35"):
        validate_txid(txid)


def test_cob_request_json_matches_cobsolicitada() -> None:
    body = CobRequest(chave="11222333000181", valor=Decimal("15.5"), expiracao=600,
                      devedor=Devedor(nome="Fulano", cpf="12345678909"), solicitacao_pagador="Consulta",
                      info_adicionais=(("Paciente", "Fulano"),)).to_json()
    assert body == {
        "calendario": {"expiracao": 600},
        "valor": {"original": "15.50"},
        "chave": "11222333000181",
        "devedor": {"cpf": "12345678909", "nome": "Fulano"},
        "solicitacaoPagador": "Consulta",
        "infoAdicionais": [{"nome": "Paciente", "valor": "Fulano"}],
    }


def test_cob_request_fields_are_in_the_openapi_schema() -> None:
    spec = _spec()
    schemas = spec["components"]["schemas"]
    allowed = {"calendario", "devedor", "loc", "valor", "chave", "solicitacaoPagador", "infoAdicionais"}
    cob_fields = set(CobRequest(chave="k", valor=Decimal("1.00"), devedor=Devedor(nome="x", cnpj="12ABC34501DE35"),
                                solicitacao_pagador="s", info_adicionais=(("a", "b"),)).to_json())
    assert cob_fields <= allowed
    assert set(schemas["CobExpiracao"]["properties"]) == {"expiracao"}
    assert set(schemas["CobDataDeVencimento"]["properties"]) == {"dataDeVencimento", "validadeAposVencimento"}
    body = CobvRequest(chave="k", valor=Decimal("2.00"), data_de_vencimento=date(2027, 1, 31),
                       devedor=Devedor(nome="x", cpf="12345678909")).to_json()
    assert set(body["calendario"]) <= set(schemas["CobDataDeVencimento"]["properties"])
    assert set(DevolucaoRequest(Decimal("1.00"), "d").to_json()) <= set(schemas["DevolucaoSolicitada"]["properties"])


def test_cobv_request_json_has_due_date_and_devedor() -> None:
    body = CobvRequest(chave="k@x.com", valor=Decimal("300"), data_de_vencimento=date(2027, 1, 31),
                       devedor=Devedor(nome="Clinica", cnpj="12ABC34501DE35"), validade_apos_vencimento=10).to_json()
    assert body["calendario"] == {"dataDeVencimento": "2027-01-31", "validadeAposVencimento": 10}
    assert body["devedor"] == {"cnpj": "12ABC34501DE35", "nome": "Clinica"} and body["valor"] == {"original": "300.00"}


@pytest.mark.parametrize(("kwargs", "path"), [
    ({"nome": "x"}, "devedor"),
    ({"nome": "x", "cpf": "1234567890"}, "devedor.cpf"),
    ({"nome": "x", "cnpj": "12.345.678/0001-95"}, "devedor.cnpj"),
    ({"nome": "", "cpf": "12345678909"}, "devedor.nome"),
])
def test_devedor_refusals_name_the_field(kwargs: dict[str, str], path: str) -> None:
    with pytest.raises(InputError) as info:
        Devedor(**kwargs)
    assert info.value.path == path


def test_revision_sets_only_what_changes_and_removal_status() -> None:
    assert CobRevisao(valor=Decimal("2"), remover=True).to_json() == {
        "valor": {"original": "2.00"}, "status": "REMOVIDA_PELO_USUARIO_RECEBEDOR"}
    with pytest.raises(InputError, match="revisão vazia"):
        CobRevisao().to_json()


def test_long_solicitacao_pagador_is_refused() -> None:
    with pytest.raises(InputError) as info:
        CobRequest(chave="k", valor=Decimal("1.00"), solicitacao_pagador="x" * 141).to_json()
    assert info.value.path == "solicitacaoPagador" and "140" in info.value.mensagem


def test_pix_query_uses_the_openapi_parameter_names() -> None:
    spec = _spec()
    names = set()
    for p in spec["paths"]["/pix"]["get"]["parameters"]:
        names.add(spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"])
    q = PixQuery(inicio=datetime(2026, 12, 1, tzinfo=UTC), fim=datetime(2026, 12, 2, tzinfo=UTC), txid="abc",
                 tx_id_presente=True, devolucao_presente=False, cpf="12345678909")
    sent = dict(q.params(3))
    assert set(sent) <= names
    assert sent["paginacao.paginaAtual"] == "3" and sent["inicio"] == "2026-12-01T00:00:00+00:00"


def test_cobranca_and_pix_parse_the_openapi_examples() -> None:
    spec = _spec()
    example = spec["components"]["examples"]["cobResponse1"]["value"]
    cob = Cobranca.from_json("cob", example)
    assert cob.status is StatusCobranca.ATIVA and cob.valor_original == Decimal(example["valor"]["original"])
    assert cob.txid == example["txid"]
    pix_examples = [v["value"] for k, v in spec["components"]["examples"].items() if k.startswith("pixResponse")]
    parsed = [Pix.from_json(p) for ex in pix_examples for p in ([ex] if "endToEndId" in ex else ex.get("pix", []))]
    assert parsed and all(isinstance(p.valor, Decimal) for p in parsed)


def test_pix_answer_with_float_valor_is_refused() -> None:
    with pytest.raises(PspResponseError, match=r"pix\.valor"):
        Pix.from_json({"endToEndId": "E" + "1" * 31, "valor": 10.5, "horario": "2026-12-04T10:00:00Z"})


def test_problem_json_becomes_pt_br_error_with_fields() -> None:
    body = json.dumps({
        "type": "https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida", "title": "Cobrança inválida.",
        "status": 400, "detail": "A requisição não respeita o schema.",
        "violacoes": [
            {"razao": "O campo cob.valor.original não respeita o schema.", "propriedade": "cob.valor.original"}
        ],
    }).encode()
    err = parse_problem(400, body, "criar cobrança imediata")
    assert err.tipo == "CobOperacaoInvalida" and err.path == "cob.valor.original" and not err.retryable
    assert err.mensagem.startswith("criar cobrança imediata: cobrança imediata recusada pelo PSP")
    assert "cob.valor.original: O campo" in err.mensagem
    assert parse_problem(503, b"<html>", "consultar pix").retryable


def test_every_profile_is_https_with_distinct_sandbox_hosts_and_sources() -> None:
    profiles = load_profiles()
    assert set(profiles) == {"bb", "itau", "bradesco", "santander", "nubank"}
    for p in profiles.values():
        assert p.sources and len(p.cnpj) == 14 and len(p.ispb) == 8
        assert {"cob.write", "pix.read", "webhook.write"} <= set(p.scopes)
        for env in ("production", "sandbox"):
            if p.base_urls[env] is None:
                with pytest.raises(ConfigurationError) as info:
                    p.base_url(env)  # type: ignore[arg-type]
                assert info.value.code == "PIX_PSP_URL_AUSENTE"
                continue
            assert p.base_url(env).startswith("https://") and p.token_url(env).startswith("https://")  # type: ignore[arg-type]
        if p.base_urls["production"]:
            assert p.base_urls["production"] != p.base_urls["sandbox"]


def test_profile_flags_are_named_data_not_code() -> None:
    assert profile("bb").flags.app_key_query_param == "gw-dev-app-key"
    assert profile("santander").flags.token_grant_type_in_query is True
    assert profile("santander").base_path() == "/api/v1"
    assert profile("bradesco").token_path() == "/auth/server/oauth/token"
    with pytest.raises(ConfigurationError, match="desconhecido"):
        profile("banco-x")


def test_cobranca_with_odd_field_shapes_is_a_psp_response_error() -> None:
    base = {"txid": "t" * 26, "calendario": {}, "status": "ATIVA", "valor": {"original": "1.00"}, "chave": "k"}
    for broken in ({**base, "revisao": "um"}, {**base, "calendario": {"dataDeVencimento": "31/01/2027"}}):
        with pytest.raises(PspResponseError, match="formato inesperado"):
            Cobranca.from_json("cob", broken)


def test_every_profile_has_the_head_office_uf_of_its_cnpj() -> None:
    # UFPag goes beside CNPJPag in the payment groups (the Conciliação Financeira event): data, per PSP.
    import states

    for prof in load_profiles().values():
        assert prof.uf is not None and states.uf(prof.uf).sigla == prof.uf, prof.id
