"""DANFE / DANFE NFC-e rendered from real and made documents, read back from the PDF.

Every expected value is taken from the XML itself (chave in groups of four, vNF, qrCode, urlChave,
dhCont, xJust) or from the protocol the test attaches; the PDF text is extracted with pypdf and
the QR-Code decoded with zxing-cpp.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from adapters.danfe import (
    EPEC_EXPRESSAO,
    NFCE_CONTINGENCIA,
    NFCE_HOMOLOGACAO,
    NFCE_PENDENTE,
    DanfeError,
    DanfeOptions,
    plan_danfe,
    render_danfe,
)
from engine.errors import XmlError, XmlSecurityError
from engine.xml.parser import parse_xml
from tests.integration.danfe.documents import (
    NFCE_OFFLINE,
    NFCE_ONLINE,
    NFE_NORMAL,
    NFE_REAL_HOMOLOGACAO,
    NFE_REAL_PRODUCAO,
    NFE_SVC_AN,
    NFE_SVC_RS,
    chave_of,
    epec_proc_evento,
    set_ide,
    to_epec,
    with_protocol,
)
from tests.integration.danfe.pdftext import (
    brl,
    chave_formatada,
    embedded_qr_codes,
    field,
    page_count,
    pdf_text,
    rasterised_qr_codes,
)

PDF_MAGIC = b"%PDF-"


# --------------------------------------------------------------------------- NF-e (model 55)


def test_authorised_production_nfe_shows_chave_totals_and_protocol_without_marks() -> None:
    xml = NFE_REAL_PRODUCAO.read_bytes()
    pdf = render_danfe(xml)
    assert pdf.startswith(PDF_MAGIC)
    text = pdf_text(pdf)
    assert "DANFE" in text
    assert chave_formatada(xml) in text
    assert brl(field(xml, "vNF")) in text  # VALOR TOTAL DA NOTA
    assert brl(field(xml, "vProd")) in text  # first item's value
    # protNFe: nProt and dhRecbto (local time of the answer), in the protocol field
    n_prot, dh = field(xml, "nProt"), field(xml, "dhRecbto")
    assert f"{n_prot} - {dh[8:10]}/{dh[5:7]}/{dh[0:4]} {dh[11:19]}" in text
    assert "SEM VALOR FISCAL" not in text
    assert "CONTINGÊNCIA" not in text.upper()
    plan = plan_danfe(xml)
    assert (plan.modelo, plan.autorizado, plan.marcas) == ("55", True, ())


def test_homologacao_nfe_is_marked_sem_valor_fiscal() -> None:
    xml = NFE_REAL_HOMOLOGACAO.read_bytes()
    assert field(xml, "tpAmb") == "2"
    text = pdf_text(render_danfe(xml))
    assert "SEM VALOR FISCAL" in text
    assert chave_formatada(xml) in text
    assert "SEM VALOR FISCAL" in plan_danfe(xml).marcas


@pytest.mark.parametrize(("source", "svc"), [(NFE_SVC_AN, "SVC-AN"), (NFE_SVC_RS, "SVC-RS")])
def test_svc_nfe_authorised_by_the_svc_carries_the_contingency_line(source: Path, svc: str) -> None:
    nfe = source.read_bytes()
    xml = with_protocol(nfe, n_prot="135260000099999", dh_recbto="2026-11-05T16:41:00-03:00")
    text = pdf_text(render_danfe(xml))
    assert f"EMITIDA EM CONTINGÊNCIA {svc}" in text
    dh_cont, x_just = field(nfe, "dhCont"), field(nfe, "xJust")
    assert f"Entrada em contingência: {dh_cont[8:10]}/{dh_cont[5:7]}/{dh_cont[0:4]} {dh_cont[11:19]}" in text
    assert f"Justificativa: {x_just}" in text
    assert "135260000099999 - 05/11/2026 16:41:00" in text
    assert chave_formatada(xml) in text
    assert brl(field(xml, "vNF")) in text
    assert "SEM VALOR FISCAL" in text  # these fixtures are homologação (tpAmb 2)


def _epec_nfe(tp_amb: str = "1") -> bytes:
    epec = to_epec(NFE_NORMAL.read_bytes(), dh_cont="2026-03-10T09:00:00-03:00",
                   x_just="SEFAZ de origem sem resposta no prazo do PDV")
    return set_ide(epec, tpAmb=tp_amb)


def test_epec_nfe_before_authorisation_prints_the_manual_expression_and_the_epec_registration() -> None:
    xml = _epec_nfe()
    chave = chave_of(parse_xml(xml))
    assert chave[34] == "4"
    evento = epec_proc_evento(chave, n_prot="891260000000123", dh_reg="2026-03-10T09:01:02-03:00")
    options = DanfeOptions(epec_proc_evento=evento)
    text = pdf_text(render_danfe(xml, options=options))
    assert EPEC_EXPRESSAO in text
    assert "EPEC 891260000000123 - 10/03/2026 09:01:02" in text  # protocol field
    assert "Entrada em contingência: 10/03/2026 09:00:00" in text
    assert "Justificativa: SEFAZ de origem sem resposta no prazo do PDV" in text
    # A registered EPEC's DANFE is valid on plain paper: no "SEM VALOR FISCAL" watermark in production.
    assert "SEM VALOR FISCAL" not in text.replace("NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL", "")
    plan = plan_danfe(xml, options=options)
    assert plan.epec is not None and plan.epec.n_prot == "891260000000123"
    assert not plan.autorizado


def test_epec_nfe_after_authorisation_is_the_normal_danfe_with_the_contingency_line() -> None:
    xml = with_protocol(_epec_nfe(), n_prot="135260000055555", dh_recbto="2026-03-10T14:00:00-03:00")
    text = pdf_text(render_danfe(xml))
    assert "EMITIDA EM CONTINGÊNCIA EPEC" in text
    assert EPEC_EXPRESSAO not in text
    assert "135260000055555 - 10/03/2026 14:00:00" in text


def test_epec_nfe_without_the_registration_is_refused() -> None:
    with pytest.raises(DanfeError) as exc:
        render_danfe(_epec_nfe())
    assert exc.value.code == "DANFE_EPEC_AUSENTE"
    assert "110140" in exc.value.mensagem


def test_epec_of_another_nfe_or_not_registered_is_refused() -> None:
    xml = _epec_nfe()
    outra = "35260312345678000195550010000010014000000010"
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml, options=DanfeOptions(epec_proc_evento=epec_proc_evento(outra, n_prot="1", dh_reg="x")))
    assert exc.value.code == "DANFE_EPEC_OUTRA_NFE"
    rejeitado = epec_proc_evento(chave_of(parse_xml(xml)), n_prot="", dh_reg="x", cstat="573")
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml, options=DanfeOptions(epec_proc_evento=rejeitado))
    assert (exc.value.code, exc.value.cstat) == ("DANFE_EPEC_NAO_REGISTRADO", "573")


def test_unauthorised_nfe_preview_is_marked_sem_valor_fiscal() -> None:
    xml = set_ide(NFE_NORMAL.read_bytes(), tpAmb="1")
    text = pdf_text(render_danfe(xml))
    assert "SEM VALOR FISCAL" in text
    assert "SEM VALOR FISCAL" in plan_danfe(xml).marcas


def test_cancelled_nfe_gets_the_cancelada_watermark() -> None:
    text = pdf_text(render_danfe(NFE_REAL_PRODUCAO.read_bytes(), options=DanfeOptions(cancelada=True)))
    assert "CANCELADA" in text


# --------------------------------------------------------------------------- NFC-e (model 65)


def _nfce_autorizada(tp_amb: str = "2") -> bytes:
    nfce = set_ide(NFCE_ONLINE.read_bytes(), tpAmb=tp_amb)
    return with_protocol(nfce, n_prot="135260000012345", dh_recbto="2026-09-05T18:22:33-03:00")


def test_online_nfce_shows_qr_code_consulta_url_chave_totals_and_protocol() -> None:
    xml = _nfce_autorizada()
    pdf = render_danfe(xml)
    text = pdf_text(pdf)
    assert "DANFE NFC-e" in text
    assert chave_formatada(xml) in text
    assert field(xml, "urlChave") in text
    assert brl(field(xml, "vNF")) in text  # VALOR A PAGAR
    assert brl(field(xml, "vTroco")) in text
    assert "Protocolo de Autorização" in text
    assert "135260000012345 05/09/2026 18:22:33" in text
    assert NFCE_PENDENTE not in text
    assert NFCE_CONTINGENCIA not in text
    # The QR-Code drawn is exactly infNFeSupl/qrCode.
    assert embedded_qr_codes(pdf) == [field(xml, "qrCode")]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) não instalado")
def test_nfce_qr_code_reads_back_from_the_printed_page(tmp_path: Path) -> None:
    xml = _nfce_autorizada()
    assert rasterised_qr_codes(render_danfe(xml), tmp_path) == [field(xml, "qrCode")]


def test_homologacao_nfce_carries_the_sem_valor_fiscal_notice_and_production_does_not() -> None:
    homolog = pdf_text(render_danfe(_nfce_autorizada("2")))
    assert NFCE_HOMOLOGACAO in homolog
    producao = pdf_text(render_danfe(_nfce_autorizada("1")))
    assert NFCE_HOMOLOGACAO not in producao
    assert "AMBIENTE DE HOMOLOGAÇÃO" not in producao


def test_offline_nfce_is_marked_emitida_em_contingencia_and_pendente_de_autorizacao() -> None:
    xml = NFCE_OFFLINE.read_bytes()
    assert field(xml, "tpEmis") == "9"
    pdf = render_danfe(xml)
    text = pdf_text(pdf)
    assert NFCE_CONTINGENCIA in text
    assert text.count(NFCE_PENDENTE) == 2  # under the title and in place of the protocol
    assert "Protocolo de Autorização" not in text
    assert chave_formatada(xml) in text
    assert brl(field(xml, "vNF")) in text
    assert embedded_qr_codes(pdf) == [field(xml, "qrCode")]
    assert plan_danfe(xml).marcas == (NFCE_HOMOLOGACAO, NFCE_CONTINGENCIA, NFCE_PENDENTE)


def test_offline_nfce_authorised_later_keeps_the_contingency_mark_and_shows_the_protocol() -> None:
    xml = with_protocol(NFCE_OFFLINE.read_bytes(), n_prot="131260000000777", dh_recbto="2026-10-14T13:00:05-03:00")
    text = pdf_text(render_danfe(xml))
    assert NFCE_CONTINGENCIA in text
    assert NFCE_PENDENTE not in text
    assert "131260000000777 14/10/2026 13:00:05" in text


def test_nfce_on_a_58_mm_roll_is_narrower_and_says_the_same() -> None:
    xml = _nfce_autorizada()
    pdf = render_danfe(xml, options=DanfeOptions(largura_bobina_mm=58))
    width_pt = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    assert round(width_pt / 72 * 25.4) == 58
    assert chave_formatada(xml) in pdf_text(pdf)
    assert page_count(pdf) == 1


# --------------------------------------------------------------------------- refusals


def _without(xml: bytes, name: str) -> bytes:
    root = parse_xml(xml)
    for el in root.iter("{http://www.portalfiscal.inf.br/nfe}" + name):
        el.getparent().remove(el)  # type: ignore[union-attr]
    return etree.tostring(root)


def test_nfce_without_qr_code_is_refused_naming_the_field_and_cstat() -> None:
    with pytest.raises(DanfeError) as exc:
        render_danfe(_without(NFCE_ONLINE.read_bytes(), "infNFeSupl"))
    assert (exc.value.code, exc.value.path, exc.value.cstat) == ("DANFE_SEM_QRCODE", "infNFeSupl/qrCode", "394")


@pytest.mark.parametrize(("cstat", "code"), [("302", "DANFE_DENEGADA"), ("204", "DANFE_NAO_AUTORIZADA")])
def test_denied_or_rejected_protocol_has_no_danfe(cstat: str, code: str) -> None:
    xml = with_protocol(NFE_NORMAL.read_bytes(), n_prot="1", dh_recbto="2026-03-10T10:00:00-03:00", cstat=cstat,
                        xmotivo="Uso Denegado" if cstat == "302" else "Duplicidade de NF-e")
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml)
    assert (exc.value.code, exc.value.cstat) == (code, cstat)
    assert f"cStat {cstat}" in exc.value.mensagem


def test_protocol_of_another_chave_is_refused() -> None:
    xml = with_protocol(NFE_NORMAL.read_bytes(), n_prot="1", dh_recbto="2026-03-10T10:00:00-03:00",
                        chave=chave_of(parse_xml(NFE_SVC_AN.read_bytes())))
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml)
    assert exc.value.code == "DANFE_PROTOCOLO_OUTRA_NFE"


def test_fs_da_contingency_is_refused_with_the_reason() -> None:
    xml = set_ide(NFE_NORMAL.read_bytes(), tpEmis="5")
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml)
    assert exc.value.code == "DANFE_TPEMIS"
    assert "formulário de segurança" in exc.value.mensagem


def test_offline_tpemis_on_an_nfe_is_refused() -> None:
    with pytest.raises(DanfeError) as exc:
        render_danfe(set_ide(NFE_NORMAL.read_bytes(), tpEmis="9"))
    assert (exc.value.code, exc.value.path) == ("DANFE_TPEMIS", "ide/tpEmis")


def test_chave_that_does_not_match_ide_is_refused_before_authorisation() -> None:
    # tpEmis 1 in the chave, 4 in ide: SEFAZ would reject it (cStat 502).
    xml = set_ide(NFE_NORMAL.read_bytes(), tpEmis="4")
    with pytest.raises(DanfeError) as exc:
        render_danfe(xml)
    assert (exc.value.code, exc.value.cstat) == ("DANFE_CHAVE_DIVERGENTE", "502")


def test_other_documents_are_refused_naming_their_root() -> None:
    evento = epec_proc_evento(chave_of(parse_xml(NFE_NORMAL.read_bytes())), n_prot="1", dh_reg="x")
    with pytest.raises(DanfeError) as exc:
        render_danfe(evento)
    assert exc.value.code == "DANFE_TIPO_DOCUMENTO"
    assert "procEventoNFe" in exc.value.mensagem


def test_malformed_and_unsafe_xml_go_through_the_hardened_parser() -> None:
    with pytest.raises(XmlError):
        render_danfe(b"<NFe><infNFe>")
    with pytest.raises(XmlSecurityError):
        render_danfe(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><NFe>&a;</NFe>')
