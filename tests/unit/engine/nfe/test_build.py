"""The builder: friendly input + emitter -> schema-valid, consistent NF-e/NFC-e (unsigned)."""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.nfe.build import Emitente, EntradaInvalida, load_emitente, load_json_decimal, parse_venda
from engine.nfe.build.builder import HOMOLOGACAO_DEST, HOMOLOGACAO_ITEM, build_nfe, ver_proc
from engine.nfe.build.input import Endereco
from engine.nfe.build.qrcode import hash_csrt, qrcode_v2, qrcode_v3
from engine.nfe.chave import check_chave, parse_chave
from engine.nfe.rules import nfe_findings
from engine.nfe.xmlio import render, render_bytes
from engine.xsd import DSIG_NS, NFE_NS, schema_findings

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
NS = {"n": NFE_NS}


def _emitente(name: str) -> Emitente:
    return load_emitente(EXAMPLES / f"{name}.json")


def _venda(name: str, **changes: Any) -> Any:
    data = load_json_decimal(EXAMPLES / f"{name}.json")
    data.update(changes)
    return parse_venda(data)


def _build(venda: str | Any, emitente: str | Emitente, **kw: Any) -> etree._Element:
    v = _venda(venda) if isinstance(venda, str) else venda
    e = _emitente(emitente) if isinstance(emitente, str) else emitente
    return render(build_nfe(v, e, now=NOW, rng=random.Random(7), **kw))


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None, path
    return found.text or ""


@pytest.mark.parametrize(
    ("venda", "emitente"),
    [("nfce-venda", "emitente-sn"), ("nfce-venda", "emitente-normal"), ("nfe-venda", "emitente-normal")],
)
def test_examples_build_schema_valid_and_rule_clean(venda: str, emitente: str) -> None:
    root = _build(venda, emitente)
    errors = schema_findings(root)
    # an unsigned document misses only the Signature
    assert len(errors) == 1 and DSIG_NS in errors[0].mensagem
    assert nfe_findings(root, now=NOW) == []
    chave = root[0].get("Id", "")[3:]
    assert check_chave(chave) == []


def test_ide_is_filled_from_configuration_and_clock() -> None:
    root = _build("nfce-venda", "emitente-sn")
    ide = "n:infNFe/n:ide/n:"
    assert _text(root, ide + "cUF") == "35"
    assert _text(root, ide + "mod") == "65" and _text(root, ide + "tpImp") == "4"
    assert _text(root, ide + "dhEmi") == "2026-12-04T12:00:00-03:00"  # 15:00 UTC in America/Sao_Paulo
    assert _text(root, ide + "serie") == "1" and _text(root, ide + "nNF") == "1042"
    assert _text(root, ide + "verProc") == ver_proc()
    assert _text(root, ide + "indFinal") == "1" and _text(root, ide + "idDest") == "1"
    chave = parse_chave(root[0].get("Id", "")[3:])
    assert chave.cNF == _text(root, ide + "cNF") and chave.cNF != "00001042"
    assert chave.cDV == _text(root, ide + "cDV")
    assert (chave.mod, chave.serie, chave.nNF, chave.emitente) == ("65", "001", "000001042", "11222333000181")


def test_same_seed_same_document_and_dhemi_uses_the_state_time_zone() -> None:
    a = render_bytes(build_nfe(_venda("nfce-venda"), _emitente("emitente-sn"), now=NOW, rng=random.Random(3)))
    b = render_bytes(build_nfe(_venda("nfce-venda"), _emitente("emitente-sn"), now=NOW, rng=random.Random(3)))
    assert a == b
    sn = _emitente("emitente-sn")
    manaus = Endereco(logradouro="Av. Eduardo Ribeiro", numero="10", bairro="Centro", codigo_municipio="1302603",
                      municipio="Manaus", uf="AM", cep="69010000")
    root = _build("nfce-venda", sn.model_copy(update={"endereco": manaus}))
    assert _text(root, "n:infNFe/n:ide/n:dhEmi") == "2026-12-04T11:00:00-04:00"
    assert _text(root, "n:infNFe/n:ide/n:cUF") == "13"


def test_homologation_texts_replace_customer_name_and_first_nfce_item() -> None:
    root = _build("nfce-venda", "emitente-sn")
    assert _text(root, "n:infNFe/n:dest/n:xNome") == HOMOLOGACAO_DEST
    assert _text(root, "n:infNFe/n:det[1]/n:prod/n:xProd") == HOMOLOGACAO_ITEM
    assert _text(root, "n:infNFe/n:det[2]/n:prod/n:xProd") == "Fio dental 50 m"
    prod = _emitente("emitente-sn").model_copy(update={"ambiente": 1})
    root = _build("nfce-venda", prod)
    assert _text(root, "n:infNFe/n:dest/n:xNome") == "Maria da Silva"
    assert _text(root, "n:infNFe/n:det[1]/n:prod/n:xProd") == "Escova dental ortodontica macia"


def test_nfce_payments_change_and_card_group() -> None:
    root = _build("nfce-venda", "emitente-sn")
    # vNF 2 x 18.90 + 12.50 - 1.50 + 189.00 = 237.80; paid 50.00 + 190.00 -> change 2.20
    assert _text(root, "n:infNFe/n:total/n:ICMSTot/n:vNF") == "237.80"
    assert _text(root, "n:infNFe/n:pag/n:vTroco") == "2.20"
    assert _text(root, "n:infNFe/n:pag/n:detPag[2]/n:card/n:tpIntegra") == "2"
    # Simples Nacional: CSOSN 102, no IBS/CBS in 2026, vTotTrib (13.45%): 37.80->5.08, 11.00->1.48, 189.00->25.42
    assert _text(root, "n:infNFe/n:det[1]/n:imposto/n:ICMS/n:ICMSSN102/n:CSOSN") == "102"
    assert root.find("n:infNFe/n:det[1]/n:imposto/n:IBSCBS", NS) is None
    assert _text(root, "n:infNFe/n:total/n:ICMSTot/n:vTotTrib") == "31.98"


def test_nfce_qrcode_v3_is_the_online_form_of_nt_2025_001() -> None:
    root = _build("nfce-venda", "emitente-sn")
    chave = root[0].get("Id", "")[3:]
    assert _text(root, "n:infNFeSupl/n:qrCode") == (
        f"https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode?p={chave}|3|2"
    )
    assert _text(root, "n:infNFeSupl/n:urlChave") == "https://www.homologacao.nfce.fazenda.sp.gov.br/NFCeConsultaPublica"


def test_nfce_qrcode_v2_hashes_the_parameters_with_the_csc() -> None:
    emitente = _emitente("emitente-normal")
    assert emitente.qrcode_versao == 2 and emitente.csc is not None
    root = _build("nfce-venda", emitente)
    chave = root[0].get("Id", "")[3:]
    params = f"{chave}|2|2|2"  # idCSC "000002" without leading zeros
    digest = hashlib.sha1((params + emitente.csc.token).encode()).hexdigest().upper()
    assert _text(root, "n:infNFeSupl/n:qrCode").endswith(f"?p={params}|{digest}")


def test_qrcode_helpers_keep_an_existing_p_parameter() -> None:
    assert qrcode_v3("http://x.gov.br/qrcode?p=", "1" * 44, 1) == f"http://x.gov.br/qrcode?p={'1' * 44}|3|1"
    assert qrcode_v2("http://x.gov.br/q", "2" * 44, 2, "000123", "TOKEN").startswith(
        f"http://x.gov.br/q?p={'2' * 44}|2|2|123|")


def test_hash_csrt_is_base64_of_sha1_of_csrt_and_chave() -> None:
    chave = "35261211222333000181650010000010421601038435"
    expected = base64.b64encode(hashlib.sha1(b"G8063VRTNDMO886SFNK5LDUDEI24XJ22YIPO" + chave.encode()).digest())
    assert hash_csrt("G8063VRTNDMO886SFNK5LDUDEI24XJ22YIPO", chave) == expected.decode()
    assert len(base64.b64decode(hash_csrt("X" * 16, chave))) == 20  # xs:base64Binary length 20 (octets)


def test_infresptec_with_csrt_is_schema_valid() -> None:
    sn = _emitente("emitente-sn")
    assert sn.responsavel_tecnico is not None and sn.responsavel_tecnico.csrt is not None
    root = _build("nfce-venda", sn)
    chave = root[0].get("Id", "")[3:]
    assert _text(root, "n:infNFe/n:infRespTec/n:idCSRT") == "01"
    assert _text(root, "n:infNFe/n:infRespTec/n:hashCSRT") == hash_csrt("G8063VRTNDMO886SFNK5LDUDEI24XJ22YIPO", chave)
    assert len(schema_findings(root)) == 1


def test_nfe_regime_normal_groups_and_reform_totals() -> None:
    root = _build("nfe-venda", "emitente-normal")
    det1 = "n:infNFe/n:det[1]/n:imposto/"
    assert root.find(det1 + "n:ICMS/n:ICMS40", NS) is not None
    assert _text(root, det1 + "n:IBSCBS/n:cClassTrib") == "200030"
    assert _text(root, det1 + "n:IBSCBS/n:gIBSCBS/n:gCBS/n:gRed/n:pRedAliq") == "60.00"
    assert _text(root, det1 + "n:IBSCBS/n:gIBSCBS/n:gCBS/n:gRed/n:pAliqEfet") == "0.3600"
    assert _text(root, "n:infNFe/n:det[1]/n:prod/n:vFrete") == "21.64"
    tot = "n:infNFe/n:total/"
    assert _text(root, tot + "n:ICMSTot/n:vNF") == "2520.00"
    assert _text(root, tot + "n:IBSCBSTot/n:vBCIBSCBS") == "2231.64"
    assert _text(root, tot + "n:IBSCBSTot/n:gCBS/n:vCBS") == "8.18"
    assert _text(root, tot + "n:vNFTot") == "2520.00"  # 2026: IBS/CBS not added
    assert _text(root, "n:infNFe/n:transp/n:modFrete") == "0"
    assert _text(root, "n:infNFe/n:ide/n:tpImp") == "1"


def _interestadual() -> dict[str, Any]:
    data = load_json_decimal(EXAMPLES / "nfe-venda.json")
    data["cliente"]["endereco"].update({"codigo_municipio": "3304557", "municipio": "Rio de Janeiro", "uf": "RJ"})
    return dict(data)


def test_interstate_sale_to_a_taxpayer_switches_iddest_and_cfop() -> None:
    data = _interestadual()
    data["cliente"] = {**data["cliente"], "cpf": None, "cnpj": "11444777000161", "ie": "12345678"}
    data["consumidor_final"] = False
    root = _build(parse_venda(data), "emitente-normal")
    assert _text(root, "n:infNFe/n:ide/n:idDest") == "2"
    assert _text(root, "n:infNFe/n:ide/n:indFinal") == "0"
    assert _text(root, "n:infNFe/n:dest/n:indIEDest") == "1"
    assert _text(root, "n:infNFe/n:det[1]/n:prod/n:CFOP") == "6102"
    assert nfe_findings(root, now=NOW) == []


def test_interstate_sale_to_a_final_consumer_needs_difal_and_is_refused() -> None:
    assert _findings(parse_venda(_interestadual()), "emitente-normal") == {("cliente.endereco.uf", "694")}


def test_customer_municipality_must_belong_to_its_uf() -> None:
    data = load_json_decimal(EXAMPLES / "nfe-venda.json")
    data["cliente"]["endereco"]["uf"] = "MG"
    assert ("cliente.endereco.codigo_municipio", "275") in _findings(parse_venda(data), "emitente-normal")


def test_nfe_without_payments_uses_tpag_90() -> None:
    root = _build(_venda("nfe-venda", pagamentos=[]), "emitente-normal")
    assert _text(root, "n:infNFe/n:pag/n:detPag/n:tPag") == "90"
    assert _text(root, "n:infNFe/n:pag/n:detPag/n:vPag") == "0.00"


def test_accountant_authorised_to_download_the_xml() -> None:
    emitente = _emitente("emitente-normal").model_copy(update={"autorizados_xml": ["11444777000161", "52998224725"]})
    root = _build("nfe-venda", emitente)
    assert [el.text for el in root.findall("n:infNFe/n:autXML/*", NS)] == ["11444777000161", "52998224725"]
    assert len(schema_findings(root)) == 1


def test_numero_argument_overrides_the_input() -> None:
    root = _build("nfce-venda", "emitente-sn", numero=77)
    assert _text(root, "n:infNFe/n:ide/n:nNF") == "77"


def _findings(venda: Any, emitente: str) -> set[tuple[str, str | None]]:
    with pytest.raises(EntradaInvalida) as exc:
        build_nfe(venda, _emitente(emitente), now=NOW, rng=random.Random(1))
    return {(f.path, f.cstat) for f in exc.value.findings}


def test_rejections_are_caught_before_sefaz_with_path_and_cstat() -> None:
    nfce = load_json_decimal(EXAMPLES / "nfce-venda.json")
    nfce["cliente"]["ie"] = "123456789"
    nfce["frete"] = {"modalidade": 0, "valor": D("5.00")}
    nfce["pagamentos"][1]["cartao"] = None
    got = _findings(parse_venda(nfce), "emitente-sn")
    assert {("cliente.ie", "729"), ("frete", "753"), ("pagamentos[1].cartao", "391")} <= got

    nfe = load_json_decimal(EXAMPLES / "nfe-venda.json")
    del nfe["cliente"]
    assert ("cliente", "719") in _findings(parse_venda(nfe), "emitente-normal")

    assert ("numero", None) in _findings(_venda("nfce-venda", numero=None), "emitente-sn")


def test_payment_forms_that_do_not_fit_the_model() -> None:
    venda = _venda("nfce-venda", pagamentos=[{"forma": "90", "valor": D("0")}, {"forma": "01", "valor": D("0")},
                                             {"forma": "17", "valor": D("300")}])
    assert _findings(venda, "emitente-sn") == {("pagamentos[0].forma", None), ("pagamentos[1].valor", None)}


def test_deferred_payment_91_has_value_zero_and_covers_the_rest() -> None:
    venda = _venda("nfce-venda", pagamentos=[{"forma": "04", "valor": D("100.00"), "cartao": {"integracao": 2}},
                                             {"forma": "91", "valor": D("0")}])
    root = _build(venda, "emitente-sn")
    assert _text(root, "n:infNFe/n:pag/n:detPag[2]/n:tPag") == "91"
    assert _text(root, "n:infNFe/n:pag/n:detPag[2]/n:vPag") == "0.00"
    assert root.find("n:infNFe/n:pag/n:vTroco", NS) is None
    venda = _venda("nfce-venda", pagamentos=[{"forma": "91", "valor": D("237.80")}])
    assert _findings(venda, "emitente-sn") == {("pagamentos[0].valor", None)}


def test_payments_below_the_total_are_rejected_with_767() -> None:
    venda = _venda("nfce-venda", pagamentos=[{"forma": "17", "valor": D("200.00")}])
    assert _findings(venda, "emitente-sn") == {("pagamentos", "767")}


def test_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError):
        build_nfe(_venda("nfce-venda"), _emitente("emitente-sn"), now=datetime(2026, 12, 4, 12, 0))
