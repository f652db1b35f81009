"""The committed model is exactly what the XSDs generate, and it carries the schema's facts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.nfe import model
from engine.nfe.model import codegen, generated
from engine.nfe.model.base import DECIMAL, GROUP, MODEL, RAW, XmlField, XmlModel


def test_committed_generated_py_equals_a_fresh_generation(tmp_path: Path) -> None:
    out = tmp_path / "generated.py"
    assert codegen.main(["--out", str(out)]) == 0
    committed = Path(codegen.__file__).with_name("generated.py").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, (
        "engine/nfe/model/generated.py is stale: run .venv/bin/python -m engine.nfe.model.codegen"
    )


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "generated.py"
    stale.write_text("# old\n", encoding="utf-8")
    assert codegen.main(["--out", str(stale), "--check"]) == 1


def test_every_root_message_of_the_package_is_generated() -> None:
    assert set(generated.ROOTS) == {
        "NFe", "nfeProc", "enviNFe", "retEnviNFe", "consReciNFe", "retConsReciNFe", "consSitNFe",
        "retConsSitNFe", "consStatServ", "retConsStatServ", "inutNFe", "retInutNFe", "ProcInutNFe",
    }  # fmt: skip
    for name, cls in generated.ROOTS.items():
        assert cls.__xml_name__ == name


def _field(cls: type[XmlModel], name: str) -> XmlField:
    return next(f for f in cls.__xml_fields__ if f.name == name)


def test_field_order_is_the_schema_order() -> None:
    names = [f.xml for f in model.Ide.__xml_fields__]
    assert names[:6] == ["cUF", "cNF", "natOp", "mod", "serie", "nNF"]
    assert names.index("dhCont") < names.index("xJust") < names.index("NFref")
    inf = [f.xml for f in model.InfNFe.__xml_fields__ if not f.attribute]
    assert inf == [
        "ide", "emit", "avulsa", "dest", "retirada", "entrega", "autXML", "det", "total", "transp",
        "cobr", "pag", "infIntermed", "infAdic", "exporta", "compra", "cana", "infRespTec",
        "infSolicNFF", "agropecuario", "infPAA",
    ]  # fmt: skip


def test_decimals_record_their_places() -> None:
    assert _field(model.Prod, "vProd").places == (2,)  # TDec_1302: fixed
    assert _field(model.Prod, "qCom").places == (0, 1, 2, 3, 4)  # TDec_1104v: variable
    assert _field(model.Prod, "vUnCom").places == tuple(range(11))  # TDec_1110v
    assert _field(model.ICMS00, "pICMS").places == (0, 2, 3, 4)  # TDec_0302a04
    assert _field(model.ICMS00, "vBC").kind == DECIMAL


def test_lists_choices_groups_and_opaque_signature() -> None:
    det = _field(model.InfNFe, "det")
    assert (det.kind, det.min_occurs, det.max_occurs, det.model) == (MODEL, 1, 990, model.Det)
    assert _field(model.NFe, "Signature").kind == RAW
    assert _field(model.ProtNFe, "Signature").kind == RAW
    assert _field(generated.TProtNFe_infProt, "cMsgGrupo").kind == GROUP
    (choice,) = model.ICMS.__xml_choices__
    assert choice.required and ("ICMS00",) in choice.branches and ("ICMSSN900",) in choice.branches
    emit_choices = [c.branches for c in model.Emit.__xml_choices__]
    assert (("CNPJ",), ("CPF",)) in emit_choices


def test_enums_carry_the_wire_codes() -> None:
    assert model.TpEmis("9").value == "9"
    assert {e.value for e in model.TAmb} == {"1", "2"}
    assert "SP" in {e.value for e in model.TUf}
    assert {e.value for e in generated.TpViaTransp} >= {"1", "10"}


def test_single_value_codes_default_to_their_value() -> None:
    icms00 = model.ICMS00(orig="0", modBC="3", vBC=Decimal("100"), pICMS=Decimal("18"), vICMS=Decimal("18"))
    assert icms00.CST == "00"
    assert model.ConsStatServ(tpAmb="2", cUF="35").xServ == "STATUS"
    assert model.ConsStatServ(tpAmb="2", cUF="35").versao == "4.00"


def test_choice_needs_exactly_one_branch() -> None:
    with pytest.raises(ValidationError, match="escolha obrigatória"):
        model.ICMS()
    icms00 = model.ICMS00(orig="0", modBC="3", vBC=Decimal("100"), pICMS=Decimal("18"), vICMS=Decimal("18"))
    icms40 = model.ICMS40(orig="0", CST="40")
    with pytest.raises(ValidationError, match="escolha exclusiva"):
        model.ICMS(ICMS00=icms00, ICMS40=icms40)
    assert model.ICMS(ICMS00=icms00).ICMS00 is icms00


def test_optional_sequence_is_all_or_nothing() -> None:
    base = {
        "cUF": "35", "cNF": "12345678", "natOp": "Venda", "mod": "55", "serie": "1", "nNF": "1",
        "dhEmi": "2026-01-05T10:00:00-03:00", "tpNF": "1", "idDest": "1", "cMunFG": "3550308",
        "tpImp": "1", "tpEmis": "9", "cDV": "0", "tpAmb": "2", "finNFe": "1", "indFinal": "1",
        "indPres": "1", "procEmi": "0", "verProc": "1.0",
    }  # fmt: skip
    with pytest.raises(ValidationError, match="xJust"):
        model.Ide(**base, dhCont="2026-01-05T09:00:00-03:00")
    ide = model.Ide(**base, dhCont="2026-01-05T09:00:00-03:00", xJust="SEFAZ fora do ar ha horas")
    assert ide.xJust is not None


def test_strings_are_checked_against_the_schema_facets() -> None:
    with pytest.raises(ValidationError, match="pattern"):
        model.Emit(CNPJ="123", xNome="X", enderEmit=None, IE="ISENTO", CRT="1")
    with pytest.raises(ValidationError, match="at most 60"):
        model.Endereco(xLgr="R" * 61, nro="1", xBairro="Centro", cMun="3550308", xMun="São Paulo", UF="SP")


def test_decimal_places_beyond_the_type_are_refused() -> None:
    with pytest.raises(ValidationError, match="decimal places"):
        model.ICMSTot.model_validate({"vBC": "1.001"})


def test_keyword_and_reserved_names_get_a_trailing_underscore() -> None:
    assert codegen._pyname("class") == "class_"
    assert codegen._pyname("model_x") == "model_x_"
    assert codegen._pyname("vProd") == "vProd"
