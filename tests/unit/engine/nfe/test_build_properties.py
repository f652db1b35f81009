"""Property: whatever sale a PDV sends (amounts, discounts, freight, regime), the built document is
schema-valid and its totals agree with its items under the SEFAZ business rules."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.nfe.build import load_emitente, parse_venda
from engine.nfe.build.builder import build_nfe
from engine.nfe.rules import nfe_findings
from engine.nfe.xmlio import render
from engine.xsd import DSIG_NS, schema_findings

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
NOW = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
EMITENTES = {name: load_emitente(EXAMPLES / f"{name}.json") for name in ("emitente-sn", "emitente-normal")}

cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))
quantities = st.integers(min_value=1, max_value=99_999).map(lambda q: Decimal(q).scaleb(-3))
cclass = st.sampled_from(["000001", "200029", "200030", "200035", "200052", "410999"])


@st.composite
def item(draw: st.DrawFn) -> dict[str, Any]:
    qty = draw(quantities)
    price = draw(cents)
    gross = (qty * price).quantize(Decimal("0.01"))
    assume(gross > 0)
    discount = Decimal(draw(st.integers(min_value=0, max_value=max(0, int(gross * 100) - 1)))).scaleb(-2)
    data: dict[str, Any] = {"codigo": "P1", "descricao": "Produto odontologico", "ncm": "90211010",
                            "quantidade": qty, "valor_unitario": price, "desconto": discount}
    if draw(st.booleans()):
        data["tributacao"] = {"ibs_cbs": {"cclass_trib": draw(cclass)}}
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    itens=st.lists(item(), min_size=1, max_size=6),
    frete=st.integers(min_value=0, max_value=10_000).map(lambda c: Decimal(c).scaleb(-2)),
    emitente=st.sampled_from(sorted(EMITENTES)),
    troco=st.integers(min_value=0, max_value=5_000).map(lambda c: Decimal(c).scaleb(-2)),
)
def test_any_nfe_sale_builds_valid_and_consistent(itens: list[dict[str, Any]], frete: Decimal, emitente: str,
                                                  troco: Decimal) -> None:
    gross = sum(((i["quantidade"] * i["valor_unitario"]).quantize(Decimal("0.01")) - i["desconto"] for i in itens),
                Decimal(0))
    venda = parse_venda({
        "modelo": 55, "numero": 10,
        "cliente": {"cnpj": "11444777000161", "nome": "Laboratorio", "ie": "12345678",
                    "endereco": {"logradouro": "Rua A", "numero": "1", "bairro": "Centro",
                                 "codigo_municipio": "3550308", "municipio": "Sao Paulo", "uf": "SP"}},
        "consumidor_final": False,
        "itens": itens,
        "frete": {"modalidade": 0, "valor": frete},
        "pagamentos": [{"forma": "01", "valor": gross + frete + troco}],
    })
    root = render(build_nfe(venda, EMITENTES[emitente], now=NOW, rng=random.Random(5)))
    errors = schema_findings(root)
    assert len(errors) == 1 and DSIG_NS in errors[0].mensagem
    assert nfe_findings(root, now=NOW) == []
