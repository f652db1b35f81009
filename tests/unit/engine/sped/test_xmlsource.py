"""The XML-folder source: what each distribution file becomes, and what is skipped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from lxml import etree

from engine.sped import PagamentoEletronico, PastaXml, Situacao, documento_de_bytes, documento_de_raiz
from engine.sped.facts import DocumentoFiscal, NumeracaoInutilizada
from engine.sped.xmlsource import documento
from engine.xml.parser import parse_xml

from .mes import (
    CNPJ_CREDENCIADORA,
    CNPJ_INTERMEDIADOR,
    CNPJ_NORMAL,
    CNPJ_PSP,
    CNPJ_PSP_MARKETPLACE,
    CNPJ_SN,
    N,
    montar_mes,
)

MARCO = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _fatos(pasta: Path, cnpj: str = CNPJ_NORMAL) -> list[DocumentoFiscal | NumeracaoInutilizada]:
    return list(PastaXml(pasta).documentos(cnpj, *MARCO))


def test_month_facts_are_ordered_and_classified(pasta_mes: Path) -> None:
    fatos = _fatos(pasta_mes)
    chaves = [(f.chave_ordem[0].day, type(f).__name__) for f in fatos]
    assert chaves == sorted(chaves, key=lambda c: c[0])
    docs = {f.numero: f for f in fatos if isinstance(f, DocumentoFiscal)}
    assert docs[102].situacao is Situacao.CANCELADO
    assert docs[2002].situacao is Situacao.REGULAR and docs[2002].tp_emis == "9"
    assert docs[101].participante is not None and docs[101].participante.cpf == "52998224725"
    assert docs[2001].participante is None  # NFC-e: no COD_PART
    assert docs[101].pagamento_eletronico  # forma 17 (Pix)
    inut = [f for f in fatos if isinstance(f, NumeracaoInutilizada)]
    assert [(i.num_ini, i.num_fin, i.serie) for i in inut] == [(104, 106, 2)]
    sn = {f.numero: f for f in _fatos(pasta_mes, CNPJ_SN) if isinstance(f, DocumentoFiscal)}
    assert {it.cst_icms for it in sn[587].itens} == {"102"}  # CSOSN for Simples Nacional outputs


def _copiar(origem: Path, destino: Path, *nomes: str) -> None:
    destino.mkdir()
    for p in origem.iterdir():
        if any(n in p.name for n in nomes):
            (destino / p.name).write_bytes(p.read_bytes())


def test_denied_document_and_rejections(pasta_mes: Path, tmp_path: Path) -> None:
    pasta = tmp_path / "x"
    _copiar(pasta_mes, pasta, "nfe-101", "nfe-103-")
    for p in pasta.glob("*nfeProc.xml"):
        root = etree.fromstring(p.read_bytes())
        cstat = root.find(f"{N}protNFe/{N}infProt/{N}cStat")
        cstat.text = "302" if "nfe-101" in p.name else "539"  # denied / rejected
        p.write_bytes(etree.tostring(root))
    (pasta / "lixo.xml").write_bytes(b"<nao-fecha>")
    fonte = PastaXml(pasta)
    fatos = list(fonte.documentos(CNPJ_NORMAL, *MARCO))
    assert [(f.numero, f.situacao) for f in fatos if isinstance(f, DocumentoFiscal)] == [(101, Situacao.DENEGADO)]
    assert [a.code for a in fonte.avisos] == ["SPED_XML_IGNORADO"] and "lixo.xml" in fonte.avisos[0].path


def test_contingency_nfe_is_superseded_by_its_authorisation(pasta_mes: Path, tmp_path: Path) -> None:
    pasta = tmp_path / "x"
    _copiar(pasta_mes, pasta, "nfce-2002")
    offline = next(pasta.glob("*contingencia.xml"))
    nfe = etree.fromstring(offline.read_bytes())
    chave = nfe.find(f"{N}infNFe").get("Id")[3:]
    proc = etree.Element(f"{N}nfeProc", {"versao": "4.00"}, nsmap={None: N[1:-1]})
    proc.append(nfe)
    prot = etree.SubElement(etree.SubElement(proc, f"{N}protNFe", versao="4.00"), f"{N}infProt")
    for tag, text in (("chNFe", chave), ("cStat", "100")):
        etree.SubElement(prot, N + tag).text = text
    (pasta / f"{chave}-nfeProc.xml").write_bytes(etree.tostring(proc))
    fatos = [f for f in PastaXml(pasta).documentos(CNPJ_NORMAL, *MARCO) if isinstance(f, DocumentoFiscal)]
    assert len(fatos) == 1 and fatos[0].chave == chave


def test_normal_emission_nfe_without_protocol_is_not_a_document(pasta_mes: Path, tmp_path: Path) -> None:
    pasta = tmp_path / "x"
    pasta.mkdir()
    proc = next(pasta_mes.glob("*nfe-101-nfeProc.xml"))
    nfe = etree.fromstring(proc.read_bytes()).find(f"{N}NFe")
    (pasta / "nao-enviada.xml").write_bytes(etree.tostring(nfe))
    assert list(PastaXml(pasta).documentos(CNPJ_NORMAL, *MARCO)) == []


def test_other_emitters_and_other_months_are_left_out(tmp_path: Path) -> None:
    montar_mes(tmp_path)
    numeros = {f.numero for f in _fatos(tmp_path) if isinstance(f, DocumentoFiscal)}
    assert 201 not in numeros and 587 not in numeros


def test_payments_and_the_in_memory_mapping(pasta_mes: Path) -> None:
    """detPag -> PagamentoEletronico (institution from card/CNPJ, intermediary from infIntermed); the
    mapping of bytes or of a parsed root is the one of the file (the database source uses the bytes)."""
    arquivos = {p.name.split("-")[1] + "-" + p.name.split("-")[2]: p for p in pasta_mes.glob("*-nfeProc.xml")}
    nfce = documento(arquivos["nfce-2003"], Situacao.REGULAR)
    assert nfce.pagamentos == (PagamentoEletronico(CNPJ_CREDENCIADORA, "", Decimal("187.80")),
                               PagamentoEletronico(CNPJ_PSP, "", Decimal("50.00")))
    nfe = documento(arquivos["nfe-107"], Situacao.REGULAR)
    assert nfe.pagamentos == (PagamentoEletronico(CNPJ_PSP_MARKETPLACE, CNPJ_INTERMEDIADOR, Decimal("2520.00")),)
    mista = documento(arquivos["nfce-2001"], Situacao.REGULAR)  # 50,00 cash + 190,00 POS card without CNPJ
    assert mista.pagamentos == (PagamentoEletronico("", "", Decimal("190.00")),) and mista.pagamento_eletronico
    for p in arquivos.values():
        dados = p.read_bytes()
        assert documento_de_bytes(dados, Situacao.REGULAR) == documento(p, Situacao.REGULAR)
        assert documento_de_raiz(parse_xml(dados), Situacao.CANCELADO) == documento(p, Situacao.CANCELADO)
