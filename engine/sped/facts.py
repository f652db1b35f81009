"""Typed document facts the EFD generator consumes, and the source Protocol that yields them.

A source (a folder of distribution XMLs today, the service database later) yields the facts of
one establishment and one period **as an iterator ordered by (date, model, series, number)** —
never a list of everything — so the writer keeps constant memory whatever the month's size.
Values are ``Decimal`` already quantised as in the NF-e (2 places for money).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

ZERO = Decimal("0.00")


class Situacao(enum.Enum):
    """Tabela 4.1.2 — Situação do Documento (C100.COD_SIT); values are the wire codes."""

    REGULAR = "00"
    EXTEMPORANEO = "01"  # regular document bookkept after its own period (value goes to E110.DEB_ESP)
    CANCELADO = "02"
    CANCELADO_EXTEMPORANEO = "03"
    DENEGADO = "04"  # only up to 31/12/2022 (Guia 3.1.8, C100 campo 06)
    INUTILIZADO = "05"  # only up to 31/12/2022
    COMPLEMENTAR = "06"  # NF-e complementar (finNFe 2)
    COMPLEMENTAR_EXTEMPORANEO = "07"  # complementary document bookkept after its period (E110.DEB_ESP)

    @property
    def escriturada(self) -> bool:
        """A document with values and children (C190...): not cancelled, denied or voided."""
        return self in _COM_VALORES

    @property
    def extemporanea(self) -> bool:
        """Its ICMS goes to E110.DEB_ESP, not to the period's debits (Guia 3.1.8, E110 campos 02 and 15)."""
        return self in (Situacao.EXTEMPORANEO, Situacao.COMPLEMENTAR_EXTEMPORANEO)


_COM_VALORES = frozenset({Situacao.REGULAR, Situacao.EXTEMPORANEO, Situacao.COMPLEMENTAR,
                          Situacao.COMPLEMENTAR_EXTEMPORANEO})


@dataclass(frozen=True, slots=True)
class Participante:
    """Register 0150: the other party of a C100 (NF-e only: the NFC-e has no COD_PART)."""

    cod_part: str
    nome: str
    cod_pais: str = "01058"  # Tabela 3.2.1 (Bacen): Brasil
    cnpj: str = ""
    cpf: str = ""
    ie: str = ""
    cod_mun: str = ""
    suframa: str = ""
    end: str = ""
    num: str = ""
    compl: str = ""
    bairro: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a document, with the values the C190 groups (and C170/0200 need when written)."""

    num_item: int
    cod_item: str
    descr: str
    unid: str
    qtd: Decimal
    vl_item: Decimal  # vProd
    cst_icms: str  # origem + CST (3 digits) or the CSOSN for Simples Nacional outputs (Guia C170 campo 10)
    cfop: str
    vl_desc: Decimal = ZERO
    vl_frete: Decimal = ZERO
    vl_seg: Decimal = ZERO
    vl_outro: Decimal = ZERO
    vl_bc_icms: Decimal = ZERO
    aliq_icms: Decimal = ZERO
    vl_icms: Decimal = ZERO  # includes FCP (Guia C190 campo 07)
    vl_bc_icms_st: Decimal = ZERO
    aliq_st: Decimal = ZERO
    vl_icms_st: Decimal = ZERO  # includes FCP-ST (Guia C190 campo 09)
    vl_red_bc: Decimal = ZERO
    vl_ipi: Decimal = ZERO
    vl_pis: Decimal = ZERO
    vl_cofins: Decimal = ZERO
    ncm: str = ""
    cod_barra: str = ""
    cest: str = ""

    @property
    def vl_opr(self) -> Decimal:
        """C190.VL_OPR share: goods + freight, insurance, other charges + ICMS-ST/FCP-ST + IPI - discount."""
        return (self.vl_item - self.vl_desc + self.vl_frete + self.vl_seg + self.vl_outro
                + self.vl_icms_st + self.vl_ipi)


@dataclass(frozen=True, slots=True)
class PagamentoEletronico:
    """One detPag (YA01) paid with card, Pix or another electronic instrument (register 1601).

    ``cnpj_ip`` is the payment institution (credenciadora / PSP: detPag/card/CNPJ, YA05) — empty when
    the document does not carry it; ``cnpj_it`` the intermediary of the transaction (infIntermed/CNPJ,
    YB02), empty when the sale had none.
    """

    cnpj_ip: str
    cnpj_it: str
    valor: Decimal  # vPag (YA03)


@dataclass(frozen=True, slots=True)
class DocumentoFiscal:
    """One NF-e (55) or NFC-e (65) as the EFD sees it (C100 + children)."""

    modelo: str  # "55" | "65"
    serie: int
    numero: int
    chave: str
    dt_doc: dt.date
    situacao: Situacao = Situacao.REGULAR
    ind_oper: str = "1"  # 0 entrada, 1 saída
    ind_emit: str = "0"  # 0 emissão própria, 1 terceiros
    dt_e_s: dt.date | None = None
    participante: Participante | None = None
    ind_pgto: str = "0"  # 0 à vista, 1 a prazo, 2 outros (from 01/07/2012)
    ind_frt: str = "9"  # modFrete of the NF-e 4.00 (same codes since 01/01/2018)
    vl_doc: Decimal = ZERO
    vl_desc: Decimal = ZERO
    vl_merc: Decimal = ZERO
    vl_frt: Decimal = ZERO
    vl_seg: Decimal = ZERO
    vl_out_da: Decimal = ZERO
    vl_bc_icms: Decimal = ZERO
    vl_icms: Decimal = ZERO
    vl_bc_icms_st: Decimal = ZERO
    vl_icms_st: Decimal = ZERO
    vl_ipi: Decimal = ZERO
    vl_pis: Decimal = ZERO
    vl_cofins: Decimal = ZERO
    itens: tuple[Item, ...] = field(default=())
    tp_emis: str = "1"  # contingency documents (tpEmis 9 NFC-e offline, 6/7 SVC...) are regular documents
    # Paid (partly) with card, Pix or another electronic instrument: what 1010.IND_CART / 1601 are about.
    pagamento_eletronico: bool = False
    pagamentos: tuple[PagamentoEletronico, ...] = field(default=())  # the electronic detPag, for 1601

    @property
    def chave_ordem(self) -> tuple[dt.date, str, int, int]:
        return (self.dt_doc, self.modelo, self.serie, self.numero)


@dataclass(frozen=True, slots=True)
class NumeracaoInutilizada:
    """A procInutNFe: numbers nNFIni..nNFFin of a series voided (reported as COD_SIT 05 only up to 2022)."""

    modelo: str
    serie: int
    num_ini: int
    num_fin: int
    data: dt.date

    @property
    def chave_ordem(self) -> tuple[dt.date, str, int, int]:
        return (self.data, self.modelo, self.serie, self.num_ini)


Fato = DocumentoFiscal | NumeracaoInutilizada


class FonteDocumentos(Protocol):
    """Where the documents of an establishment come from (XML folder now, the database later).

    ``documentos`` yields the facts of documents issued (or voided) by ``cnpj`` with date in
    ``[inicio, fim]``, ordered by (date, model, series, number). Implementations stream: the
    database source pages a query; nothing may require holding the whole month in memory.
    """

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[Fato]: ...
