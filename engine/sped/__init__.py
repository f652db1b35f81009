"""EFD ICMS/IPI (SPED Fiscal): typed document facts, records, streaming writer, validator.

Public API::

    FonteDocumentos (Protocol): documentos(cnpj, inicio, fim) -> Iterator[DocumentoFiscal | NumeracaoInutilizada]
    PastaXml(pasta)                                  # the source over a folder of distribution XMLs
    load_estabelecimento(path) / parse_estabelecimento(data) -> Estabelecimento
    periodo("2026-03") -> (date(2026, 3, 1), date(2026, 3, 31))
    escrever_efd(fonte, estab, inicio, fim, destino, *, progresso=None) -> ResumoEfd
    validar_arquivo(path) / validar_linhas(lines) / validar_bytes(data) -> list[Finding]
    versao_para(dt_fin) -> VersaoLeiaute                # COD_VER in force (data/cod_ver.json)
    escrever_pacote(pasta, inicio, fim, destino, *, cnpj=None) -> ResumoPacote   # monthly zip + CSV
"""

from engine.sped.config import (
    ConfiguracaoInvalida,
    Estabelecimento,
    load_estabelecimento,
    parse_estabelecimento,
    periodo,
)
from engine.sped.facts import (
    DocumentoFiscal,
    Fato,
    FonteDocumentos,
    Item,
    NumeracaoInutilizada,
    PagamentoEletronico,
    Participante,
    Situacao,
)
from engine.sped.layout import VersaoLeiaute, registros, versao_para
from engine.sped.pacote import ResumoPacote, escrever_pacote
from engine.sped.validator import validar_arquivo, validar_bytes, validar_linhas
from engine.sped.writer import ResumoEfd, escrever_efd
from engine.sped.xmlsource import PastaXml, documento_de_bytes, documento_de_raiz

__all__ = [
    "ConfiguracaoInvalida",
    "DocumentoFiscal",
    "Estabelecimento",
    "Fato",
    "FonteDocumentos",
    "Item",
    "NumeracaoInutilizada",
    "PagamentoEletronico",
    "Participante",
    "PastaXml",
    "ResumoEfd",
    "ResumoPacote",
    "Situacao",
    "VersaoLeiaute",
    "documento_de_bytes",
    "documento_de_raiz",
    "escrever_efd",
    "escrever_pacote",
    "load_estabelecimento",
    "parse_estabelecimento",
    "periodo",
    "registros",
    "validar_arquivo",
    "validar_bytes",
    "validar_linhas",
    "versao_para",
]
