"""The builder's fast paths keep the document and the errors exactly as they were: the groups handed to the
model carry no absent values, the emitter's emit group validated once is reused only while it is the same
configuration, and a value the layout refuses still comes out as a LEIAUTE finding (cStat 225, field path)."""

from __future__ import annotations

import copy
import pickle
import random
from decimal import Decimal as D
from typing import Any

import pytest

from engine.nfe.build import EntradaInvalida, load_json_decimal, parse_venda
from engine.nfe.build.builder import build_nfe
from engine.nfe.model.base import XmlModel
from engine.nfe.xmlio import render_bytes
from tests.unit.engine.nfe.test_build import EXAMPLES, NOW, _emitente, _venda


def _absent_but_set(model: XmlModel, path: str = "") -> list[str]:
    """Fields given to the model (fields_set) whose value is None or an empty list: what the builder must
    leave out, as the layout's optional groups stay absent when they have nothing."""
    found: list[str] = []
    for name in model.model_fields_set:
        value = getattr(model, name)
        if value is None or value == [] or value == {}:
            found.append(f"{path}/{name}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, XmlModel):
                found += _absent_but_set(item, f"{path}/{name}")
    return found


CARD = {"forma": "03", "valor": D("300.00"), "cartao": {"integracao": 2, "bandeira": "02"}}


@pytest.mark.parametrize(
    ("venda", "emitente", "changes"),
    [
        ("nfce-venda", "emitente-sn", {}),
        ("nfce-venda", "emitente-normal", {"pagamentos": [CARD], "cliente": None}),
        ("nfce-venda", "emitente-sn", {"informacoes_complementares": None, "informacoes_fisco": "ok"}),
        ("nfe-venda", "emitente-normal", {}),
        ("nfe-venda", "emitente-normal", {"pagamentos": [], "presenca": 2,
                                          "intermediador": {"cnpj": "11444777000161", "identificador": "loja"},
                                          "documentos_referenciados": [
                                              {"chave": "35261211222333000181650010000000011517067490"}]}),
    ],
)
def test_the_model_gets_no_absent_values(venda: str, emitente: str, changes: dict[str, Any]) -> None:
    model = build_nfe(_venda(venda, **changes), _emitente(emitente), now=NOW, rng=random.Random(3))
    assert _absent_but_set(model) == []


def test_emit_group_is_validated_once_per_emitter_and_shared() -> None:
    emitente = _emitente("emitente-sn")
    first = build_nfe(_venda("nfce-venda"), emitente, now=NOW, rng=random.Random(1))
    second = build_nfe(_venda("nfce-venda"), emitente, now=NOW, rng=random.Random(2))
    assert first.infNFe.emit is second.infNFe.emit  # type: ignore[attr-defined]
    # An equal configuration loaded again is another emitter object: its own group, the same bytes.
    again = build_nfe(_venda("nfce-venda"), _emitente("emitente-sn"), now=NOW, rng=random.Random(1))
    assert again.infNFe.emit is not first.infNFe.emit  # type: ignore[attr-defined]
    assert render_bytes(again) == render_bytes(first)


def test_a_changed_copy_of_the_emitter_never_reuses_the_original_emit_group() -> None:
    emitente = _emitente("emitente-sn")
    build_nfe(_venda("nfce-venda"), emitente, now=NOW, rng=random.Random(1))
    renamed = emitente.model_copy(update={"razao_social": "CLINICA RENOMEADA LTDA"})  # shares private values
    model = build_nfe(_venda("nfce-venda"), renamed, now=NOW, rng=random.Random(1))
    assert model.infNFe.emit.xNome == "CLINICA RENOMEADA LTDA"  # type: ignore[attr-defined]
    again = build_nfe(_venda("nfce-venda"), emitente, now=NOW, rng=random.Random(1))
    assert again.infNFe.emit.xNome == emitente.razao_social  # type: ignore[attr-defined]


def test_the_memo_is_not_part_of_the_emitter_value() -> None:
    emitente = _emitente("emitente-sn")
    fresh = _emitente("emitente-sn")
    build_nfe(_venda("nfce-venda"), emitente, now=NOW, rng=random.Random(1))
    assert emitente == fresh
    assert pickle.loads(pickle.dumps(emitente)) == fresh
    assert copy.deepcopy(emitente) == fresh
    assert "derivados" not in repr(emitente).lower()
    assert emitente.model_dump() == fresh.model_dump()


def test_a_layout_refused_emitter_value_is_reported_every_time_with_path_and_225() -> None:
    # model_copy does not validate: a value the configuration's own rules would refuse reaches the builder.
    bad = _emitente("emitente-sn").model_copy(update={"razao_social": "X"})
    for _ in range(2):  # never cached: the second document reports it as well
        with pytest.raises(EntradaInvalida) as exc:
            build_nfe(_venda("nfce-venda"), bad, now=NOW, rng=random.Random(1))
        (finding,) = exc.value.findings
        assert (finding.code, finding.path, finding.cstat) == ("LEIAUTE", "infNFe/emit/xNome", "225")
        assert finding.mensagem.startswith("valor recusado pelo leiaute da NF-e: texto muito curto")


def test_a_layout_refused_item_value_is_reported_with_path_and_225() -> None:
    huge = {"codigo": "X1", "descricao": "Item", "ncm": "90211010", "quantidade": D("99999999999.9999"),
            "valor_unitario": D("99999999999.99")}
    venda = _venda("nfe-venda", itens=[huge], pagamentos=[], frete={"modalidade": 9, "valor": D("0")})
    with pytest.raises(EntradaInvalida) as exc:
        build_nfe(venda, _emitente("emitente-normal"), now=NOW, rng=random.Random(1))
    paths = {(f.code, f.path, f.cstat) for f in exc.value.findings}
    assert ("LEIAUTE", "infNFe/det/0/prod/vProd", "225") in paths
    assert all(f.mensagem.startswith("valor recusado pelo leiaute da NF-e") for f in exc.value.findings)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("Escova dental 50 m", True), ("Avenida São João", True), ("ÿ fim", True), ("del\x7f", True),
     ("tab\there", False), ("li\nnha", False), ("travessão – tipográfico", False), ("emoji 😀", False)],
)
def test_latin1_check_accepts_exactly_u0020_to_u00ff(text: str, accepted: bool) -> None:
    """The ASCII fast path of the TString check (cStat 225) decides as the character loop does."""
    data = load_json_decimal(EXAMPLES / "nfce-venda.json")
    data["itens"][0]["descricao"] = text
    if accepted:
        assert parse_venda(data).itens[0].descricao == text
        return
    with pytest.raises(EntradaInvalida) as exc:
        parse_venda(data)
    (finding,) = exc.value.findings
    assert finding.path == "itens[0].descricao" and "não é aceito pelo leiaute da NF-e" in finding.mensagem
