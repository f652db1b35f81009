from __future__ import annotations

import pytest
from lxml import etree

import states
from certificates.a1 import A1Certificate
from certificates.xmldsig import verify_signature
from engine.errors import ValidationFailed
from engine.sefaz import messages as msg
from engine.sefaz.build_cstat import DEFAULT_REFERENCE, TARGET, build, render
from engine.sefaz.cstat import categoria, info
from engine.sefaz.soap import answer, envelope
from engine.xml.parser import c14n, parse_xml
from schemas import XSD_DIR

from .conftest import NOW

CHAVE_55 = "35261211222333000181550010000000011000000010"


def _chave(mod: str) -> str:
    from engine.nfe.chave import dv_chave

    body = f"352612{'11222333000181'}{mod}001000000001100000001"
    return body + dv_chave(body)


def test_status_envelope_equals_the_golden_soap12_message_after_c14n() -> None:
    ep = states.endpoint("SP", 55, "homologacao", "NFeStatusServico4")
    sent = envelope(ep, msg.cons_stat_serv(ep))
    soap = "http://www.w3.org/2003/05/soap-envelope"
    golden = etree.Element(
        f"{{{soap}}}Envelope",
        nsmap={
            "soap12": soap,
            "xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsd": "http://www.w3.org/2001/XMLSchema",
        },
    )
    body = etree.SubElement(golden, f"{{{soap}}}Body")
    ns = "http://www.portalfiscal.inf.br/nfe/wsdl/NFeStatusServico4"
    dados = etree.SubElement(body, f"{{{ns}}}nfeDadosMsg", nsmap={None: ns})  # type: ignore[dict-item]
    nfe = "http://www.portalfiscal.inf.br/nfe"
    cons = etree.SubElement(dados, f"{{{nfe}}}consStatServ", {"versao": "4.00"}, nsmap={None: nfe})  # type: ignore[dict-item]
    for name, text in (("tpAmb", "2"), ("cUF", "35"), ("xServ", "STATUS")):
        etree.SubElement(cons, f"{{{nfe}}}{name}").text = text
    assert c14n(parse_xml(sent)) == c14n(golden)
    assert sent.startswith(b"<?xml")


def test_answer_extracts_the_ret_element_and_refuses_faults_and_garbage() -> None:
    from engine.sefaz.errors import RespostaInvalida

    fault = (
        b'<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>'
        b"<soap:Reason><soap:Text>Server was unable</soap:Text></soap:Reason></soap:Fault></soap:Body></soap:Envelope>"
    )
    with pytest.raises(RespostaInvalida, match="SOAP Fault"):
        answer(fault, status=500)
    with pytest.raises(RespostaInvalida, match="não é XML"):
        answer(b"<html><body>502 Bad Gateway", status=502)


def test_cce_xconduso_is_the_official_text_of_the_xsd() -> None:
    xsd = (XSD_DIR / "evento_cce_v1.00" / "e110110_v1.00.xsd").read_text(encoding="utf-8")
    assert f'value="{msg.X_COND_USO}"' in xsd


@pytest.mark.parametrize(("x_just", "ok"), [("curta", False), ("x" * 15, True), ("x" * 255, True), ("x" * 256, False)])
def test_cancel_justification_must_have_15_to_255_characters(a1: A1Certificate, x_just: str, ok: bool) -> None:
    ep = states.endpoint("SP", 55, "homologacao", "NFeRecepcaoEvento4")
    if ok:
        ev = msg.cancelamento(ep, chave=_chave("55"), n_prot="135260000000001", x_just=x_just, now=NOW, a1=a1)
        assert verify_signature(parse_xml(ev)).valid  # type: ignore[attr-defined]
        msg.env_evento([ev], id_lote="1")
    else:
        with pytest.raises(ValidationFailed) as info_:
            msg.cancelamento(ep, chave=_chave("55"), n_prot="135260000000001", x_just=x_just, now=NOW, a1=a1)
        assert info_.value.findings[0].path == "xJust"


def test_event_time_is_written_in_the_uf_time_zone(a1: A1Certificate) -> None:
    ep = states.endpoint("AM", 55, "homologacao", "NFeRecepcaoEvento4")
    chave = "13" + _chave("55")[2:43]
    from engine.nfe.chave import dv_chave

    chave = chave[:43] + dv_chave(chave[:43])
    ev = parse_xml(
        msg.carta_correcao(ep, chave=chave, x_correcao="Corrige o numero do endereco", n_seq_evento=2, now=NOW, a1=a1)
    )
    assert ev.findtext(".//{*}dhEvento") == "2026-12-04T08:00:00-04:00"
    assert ev.find(".//{*}infEvento").get("Id") == f"ID110110{chave}02"  # type: ignore[union-attr]


@pytest.mark.parametrize("seq", [0, 21])
def test_cce_sequence_must_be_1_to_20(a1: A1Certificate, seq: int) -> None:
    ep = states.endpoint("SP", 55, "homologacao", "NFeRecepcaoEvento4")
    with pytest.raises(ValidationFailed, match="nSeqEvento"):
        msg.carta_correcao(
            ep, chave=_chave("55"), x_correcao="Corrige o numero do endereco", n_seq_evento=seq, now=NOW, a1=a1
        )


def test_substitution_cancel_is_nfce_only_and_validates(a1: A1Certificate) -> None:
    ep = states.endpoint("SP", 65, "homologacao", "NFeRecepcaoEvento4")
    other = _chave("65")[:30] + "2" + _chave("65")[31:43]
    from engine.nfe.chave import dv_chave

    other = other + dv_chave(other)
    ev = msg.cancelamento_substituicao(
        ep,
        chave=_chave("65"),
        n_prot="135260000000001",
        x_just="Substituida por outra",
        chave_substituta=other,
        ver_aplic="OrthoFiscal",
        now=NOW,
        a1=a1,
    )
    msg.env_evento([ev], id_lote="7")
    det = parse_xml(ev).find(".//{*}detEvento")
    assert [el.tag.split("}")[1] for el in det] == [  # type: ignore[union-attr]
        "descEvento",
        "cOrgaoAutor",
        "tpAutor",
        "verAplic",
        "nProt",
        "xJust",
        "chNFeRef",
    ]
    with pytest.raises(ValidationFailed, match="NFC-e"):
        msg.cancelamento_substituicao(
            ep,
            chave=_chave("55"),
            n_prot="135260000000001",
            x_just="Substituida por outra",
            chave_substituta=other,
            ver_aplic="OrthoFiscal",
            now=NOW,
            a1=a1,
        )


def test_inutilizacao_range_and_id(a1: A1Certificate) -> None:
    ep = states.endpoint("SP", 65, "homologacao", "NFeInutilizacao4")
    inut = parse_xml(
        msg.inut_nfe(
            ep,
            cnpj="11222333000181",
            ano=2026,
            serie=2,
            n_nf_ini=5,
            n_nf_fin=9,
            x_just="Falha de numeracao no PDV",
            a1=a1,
        )
    )
    assert (
        inut.find("{*}infInut").get("Id")
        == "ID" + "35" + "26" + "11222333000181" + "65" + "002" + "000000005" + "000000009"
    )  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed, match="faixa"):
        msg.inut_nfe(
            ep,
            cnpj="11222333000181",
            ano=2026,
            serie=2,
            n_nf_ini=9,
            n_nf_fin=5,
            x_just="Falha de numeracao no PDV",
            a1=a1,
        )


def test_sync_lote_takes_one_document_and_batches_at_most_50(nfe_signed: bytes) -> None:
    with pytest.raises(ValidationFailed, match="única"):
        msg.envi_nfe([nfe_signed, nfe_signed], id_lote="1", sincrono=True)
    with pytest.raises(ValidationFailed, match="máximo é 50"):
        msg.envi_nfe([nfe_signed] * 51, id_lote="1", sincrono=False)


def test_cstat_data_file_equals_the_build_from_the_reference() -> None:
    if not (DEFAULT_REFERENCE / "cstat.json").is_file():
        pytest.skip("../shared/reference ausente neste checkout")
    assert TARGET.read_text(encoding="utf-8") == render(build(DEFAULT_REFERENCE))


@pytest.mark.parametrize(
    ("code", "cat"),
    [
        ("100", "sucesso"),
        ("107", "sucesso"),
        ("135", "sucesso"),
        ("110", "denegado"),
        ("302", "denegado"),
        ("225", "rejeicao"),
        ("539", "rejeicao"),
        ("108", "erro_servico"),
        ("109", "erro_servico"),
        ("000", "desconhecido"),
    ],
)
def test_cstat_classification(code: str, cat: str) -> None:
    assert categoria(code) == cat
    assert info(code).mensagem
