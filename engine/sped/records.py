"""EFD ICMS/IPI records as field lists, and the field formatting rules.

Field rules (Ato COTEPE/ICMS 44/2018, Seção 1; Guia Prático 3.1.8): fields in layout order, the
line delimited and separated by ``|``; empty field = nothing between pipes; numbers with decimal
comma, no thousands separator, no sign; dates ``ddmmaaaa``; text without ``|`` and line breaks.
Encoding (ISO-8859-1) and CR LF are the writer's job.

Each ``rXXXX`` function takes typed values and returns the fields of one line, ``REG`` first, in
the order of the layout (engine/sped/data/layout-3.1.8.json). The per-document records (C100,
C170, C190) take the document facts directly: one million documents do not need one million
intermediate objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from engine.sped.config import Contabilista, Estabelecimento
from engine.sped.facts import DocumentoFiscal, Item, Participante, Situacao

Campos = list[str]

_SEM_PIPE = str.maketrans({"|": " ", "\r": " ", "\n": " ", "\t": " "})


def texto(valor: str | None, tam: int | None = None) -> str:
    """Free text: no field separator or line break inside; cut to the layout size."""
    if not valor:
        return ""
    limpo = " ".join(valor.translate(_SEM_PIPE).split())
    return limpo[:tam] if tam else limpo


def num(valor: Decimal, casas: int = 2) -> str:
    """``Decimal('1234.5')`` -> ``1234,50`` (decimal comma, no thousands separator, no sign)."""
    if casas == 2:
        if not valor:
            return "0,00"
        # Fast path: money already quantised to 2 places (as every NF-e value is) prints as is.
        s = str(valor)
        if len(s) > 3 and s[-3] == "." and s[0] != "-":
            return s.replace(".", ",")
        s = f"{valor:.2f}"
    else:
        s = f"{valor:.{casas}f}"
    return s.replace(".", ",")


def num_oc(valor: Decimal, casas: int = 2) -> str:
    """Optional (OC) number: empty when zero."""
    return num(valor, casas) if valor else ""


def data(d: dt.date | None) -> str:
    """``ddmmaaaa`` without separators (Guia 3.1.8, 0000 campo 04)."""
    if d is None:
        return ""
    return f"{d.day:02d}{d.month:02d}{d.year:04d}"


# --- Bloco 0 -----------------------------------------------------------------------------------

def r0000(estab: Estabelecimento, cod_ver: str, inicio: dt.date, fim: dt.date) -> Campos:
    return ["0000", cod_ver, estab.cod_fin, data(inicio), data(fim), texto(estab.nome, 100), estab.cnpj, "",
            estab.uf, estab.ie, estab.cod_mun, texto(estab.im), estab.suframa or "", estab.ind_perfil,
            estab.ind_ativ]


def r0002(clas_estab_ind: str) -> Campos:
    return ["0002", clas_estab_ind]


def r0005(estab: Estabelecimento) -> Campos:
    return ["0005", texto(estab.fantasia, 60), estab.cep, texto(estab.end, 60), texto(estab.num, 10),
            texto(estab.compl, 60), texto(estab.bairro, 60), estab.fone or "", estab.fax or "", estab.email or ""]


def r0100(c: Contabilista) -> Campos:
    return ["0100", texto(c.nome, 100), c.cpf, texto(c.crc, 15), c.cnpj or "", c.cep or "", texto(c.end, 60),
            texto(c.num, 10), texto(c.compl, 60), texto(c.bairro, 60), c.fone or "", c.fax or "", c.email,
            c.cod_mun]


# 0150.END is required (O); an NF-e whose recipient has no address (enderDest is optional in the
# shared NF-e/NFC-e schema) still has to be bookkept, so the file says so instead of failing the month.
SEM_ENDERECO = "NAO INFORMADO"


def r0150(p: Participante) -> Campos:
    cod = texto(p.cod_part, 60)
    return ["0150", cod, texto(p.nome, 100) or cod, p.cod_pais, p.cnpj, p.cpf, p.ie, p.cod_mun,
            p.suframa, texto(p.end, 60) or SEM_ENDERECO, texto(p.num, 10), texto(p.compl, 60), texto(p.bairro, 60)]


def r0190(unid: str, descr: str) -> Campos:
    return ["0190", texto(unid, 6), texto(descr) or texto(unid)]


def r0200(item: Item, tipo_item: str = "00") -> Campos:
    # TIPO_ITEM 00 = mercadoria para revenda (a clinic's products); COD_GEN = first 2 NCM digits
    # (Tabela 4.2.1 is the NCM chapter list) when the NCM is a goods code.
    cod_gen = item.ncm[:2] if len(item.ncm) == 8 else ""
    return ["0200", texto(item.cod_item, 60), texto(item.descr) or texto(item.cod_item), texto(item.cod_barra), "",
            texto(item.unid, 6), tipo_item, item.ncm if len(item.ncm) == 8 else "", "", cod_gen, "", "", item.cest]


# --- Abertura / encerramento -------------------------------------------------------------------

def abertura(reg: str, com_dados: bool) -> Campos:
    """X001: IND_MOV (B001: IND_DAD) 0 = bloco com dados, 1 = sem dados."""
    return [reg, "0" if com_dados else "1"]


def encerramento(reg: str, linhas: int) -> Campos:
    return [reg, str(linhas)]


# --- Bloco C -------------------------------------------------------------------------------------

_C100_VAZIO = [""] * 20  # fields 10..29 of a cancelled/denied/voided document


def c100(doc: DocumentoFiscal, *, cod_part: str, sem_pis_cofins: bool, dt_fin: dt.date) -> Campos:
    """C100 of one document, applying the Guia's exceptions by situation and model."""
    sit = doc.situacao
    ser = f"{doc.serie:03d}"  # SER: 3 positions for 55/65, "000" when no series (Guia C100 campo 07)
    if sit in (Situacao.CANCELADO, Situacao.CANCELADO_EXTEMPORANEO, Situacao.DENEGADO):
        # Exceção 1: only REG, IND_OPER, IND_EMIT, COD_MOD, COD_SIT, SER, NUM_DOC, CHV_NFE.
        return ["C100", doc.ind_oper, doc.ind_emit, "", doc.modelo, sit.value, ser, str(doc.numero), doc.chave,
                *_C100_VAZIO]
    if sit is Situacao.INUTILIZADO:
        # Exceção 1: COD_SIT 05 — the same fields except CHV_NFE.
        return ["C100", doc.ind_oper, doc.ind_emit, "", doc.modelo, sit.value, ser, str(doc.numero), "",
                *_C100_VAZIO]
    nfce = doc.modelo == "65"
    # DT_E_S: always for entradas (the issue date when the entry date is unknown); for saídas only
    # when known and not after the period end (Guia 3.1.8, C100 campo 11).
    dt_e_s = doc.dt_e_s if doc.dt_e_s is not None and doc.dt_e_s <= dt_fin else None
    if doc.ind_oper == "0" and dt_e_s is None:
        dt_e_s = doc.dt_doc
    pis = "" if (nfce or sem_pis_cofins) else num(doc.vl_pis)
    cofins = "" if (nfce or sem_pis_cofins) else num(doc.vl_cofins)
    return [
        "C100", doc.ind_oper, doc.ind_emit, "" if nfce else cod_part, doc.modelo, sit.value, ser, str(doc.numero),
        doc.chave, data(doc.dt_doc), data(dt_e_s), num(doc.vl_doc), doc.ind_pgto, num(doc.vl_desc), "0,00",
        num(doc.vl_merc), doc.ind_frt, num(doc.vl_frt), num(doc.vl_seg), num(doc.vl_out_da), num(doc.vl_bc_icms),
        num(doc.vl_icms),
        # NFC-e: COD_PART, VL_BC_ICMS_ST, VL_ICMS_ST, VL_IPI, VL_PIS, VL_COFINS, VL_PIS_ST and
        # VL_COFINS_ST are not filled (Guia 3.1.8, C100, NFC-e rules).
        "" if nfce else num(doc.vl_bc_icms_st), "" if nfce else num(doc.vl_icms_st),
        "" if nfce else num(doc.vl_ipi), pis, cofins, "", "",
    ]


def c170(item: Item) -> Campos:
    """C170 (entries of third-party NF-e; own-issue NF-e/NFC-e carry no C170 — Guia C100 Exceção 2)."""
    return [
        "C170", str(item.num_item), texto(item.cod_item, 60), "", num(item.qtd, 5), texto(item.unid, 6),
        num(item.vl_item), num_oc(item.vl_desc), "0", item.cst_icms, item.cfop, "", num(item.vl_bc_icms),
        num(item.aliq_icms), num(item.vl_icms), num(item.vl_bc_icms_st), num(item.aliq_st), num(item.vl_icms_st),
        "", "", "", "", "", num_oc(item.vl_ipi), "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    ]


@dataclass(slots=True)
class C190Acumulador:
    """One C190 line: the sums of a document's items with the same CST_ICMS + CFOP + ALIQ_ICMS."""

    cst_icms: str
    cfop: str
    aliq_icms: Decimal
    vl_opr: Decimal = Decimal("0.00")
    vl_bc_icms: Decimal = Decimal("0.00")
    vl_icms: Decimal = Decimal("0.00")
    vl_bc_icms_st: Decimal = Decimal("0.00")
    vl_icms_st: Decimal = Decimal("0.00")
    vl_red_bc: Decimal = Decimal("0.00")
    vl_ipi: Decimal = Decimal("0.00")

    def campos(self) -> Campos:
        return ["C190", self.cst_icms, self.cfop, num_oc(self.aliq_icms), num(self.vl_opr), num(self.vl_bc_icms),
                num(self.vl_icms), num(self.vl_bc_icms_st), num(self.vl_icms_st), num(self.vl_red_bc),
                num(self.vl_ipi), ""]


def agrupar_c190(itens: Iterable[Item]) -> list[C190Acumulador]:
    """C190 of one document: one line per CST_ICMS + CFOP + ALIQ_ICMS (Guia 3.1.8, C190), first-seen order."""
    grupos: dict[tuple[str, str, Decimal], C190Acumulador] = {}
    for it in itens:
        chave = (it.cst_icms, it.cfop, it.aliq_icms)
        g = grupos.get(chave)
        if g is None:
            g = grupos[chave] = C190Acumulador(it.cst_icms, it.cfop, it.aliq_icms)
        g.vl_opr += it.vl_opr
        g.vl_bc_icms += it.vl_bc_icms
        g.vl_icms += it.vl_icms
        g.vl_bc_icms_st += it.vl_bc_icms_st
        g.vl_icms_st += it.vl_icms_st
        g.vl_red_bc += it.vl_red_bc
        g.vl_ipi += it.vl_ipi
    return list(grupos.values())


# --- Bloco E -------------------------------------------------------------------------------------

def r_e100(inicio: dt.date, fim: dt.date) -> Campos:
    return ["E100", data(inicio), data(fim)]


@dataclass(slots=True)
class Apuracao:
    """E110 — apuração do ICMS, operações próprias (formulas of Guia 3.1.8, E110 campos 02-15)."""

    vl_tot_debitos: Decimal = Decimal("0.00")
    vl_aj_debitos: Decimal = Decimal("0.00")
    vl_tot_aj_debitos: Decimal = Decimal("0.00")
    vl_estornos_cred: Decimal = Decimal("0.00")
    vl_tot_creditos: Decimal = Decimal("0.00")
    vl_aj_creditos: Decimal = Decimal("0.00")
    vl_tot_aj_creditos: Decimal = Decimal("0.00")
    vl_estornos_deb: Decimal = Decimal("0.00")
    vl_sld_credor_ant: Decimal = Decimal("0.00")
    vl_tot_ded: Decimal = Decimal("0.00")
    deb_esp: Decimal = Decimal("0.00")
    ajustes: list[tuple[str, str, Decimal]] = field(default_factory=list)

    def ajustar(self, cod_aj_apur: str, descricao: str, valor: Decimal) -> None:
        """E111: the 3rd character '0' (ICMS próprio) and the 4th says where the value goes (Tabela 5.1.1)."""
        self.ajustes.append((cod_aj_apur, descricao, valor))
        if cod_aj_apur[2] != "0":
            return
        destino = {"0": "vl_tot_aj_debitos", "1": "vl_estornos_cred", "2": "vl_tot_aj_creditos",
                   "3": "vl_estornos_deb", "4": "vl_tot_ded", "5": "deb_esp"}.get(cod_aj_apur[3])
        if destino is not None:
            setattr(self, destino, getattr(self, destino) + valor)

    @property
    def saldo(self) -> Decimal:
        return (self.vl_tot_debitos + self.vl_aj_debitos + self.vl_tot_aj_debitos + self.vl_estornos_cred
                - self.vl_tot_creditos - self.vl_aj_creditos - self.vl_tot_aj_creditos - self.vl_estornos_deb
                - self.vl_sld_credor_ant)

    @property
    def vl_sld_apurado(self) -> Decimal:
        return max(self.saldo, Decimal("0.00"))

    @property
    def vl_icms_recolher(self) -> Decimal:
        return max(self.vl_sld_apurado - self.vl_tot_ded, Decimal("0.00"))

    @property
    def vl_sld_credor_transportar(self) -> Decimal:
        # Campo 14: |saldo - deduções| when negative, else zero.
        resto = self.saldo - self.vl_tot_ded
        return -resto if resto < 0 else Decimal("0.00")

    def e110(self) -> Campos:
        return ["E110", num(self.vl_tot_debitos), num(self.vl_aj_debitos), num(self.vl_tot_aj_debitos),
                num(self.vl_estornos_cred), num(self.vl_tot_creditos), num(self.vl_aj_creditos),
                num(self.vl_tot_aj_creditos), num(self.vl_estornos_deb), num(self.vl_sld_credor_ant),
                num(self.vl_sld_apurado), num(self.vl_tot_ded), num(self.vl_icms_recolher),
                num(self.vl_sld_credor_transportar), num(self.deb_esp)]

    def e111(self) -> list[Campos]:
        return [["E111", cod, texto(descr), num(valor)] for cod, descr, valor in self.ajustes]


def r_e116(cod_or: str, valor: Decimal, vencimento: dt.date, cod_rec: str, mes_ref: dt.date) -> Campos:
    return ["E116", cod_or, num(valor), data(vencimento), texto(cod_rec), "", "", "", "",
            f"{mes_ref.month:02d}{mes_ref.year:04d}"]


# --- Bloco 1 / 9 -------------------------------------------------------------------------------

def r1010(estab: Estabelecimento, *, ind_cart: str) -> Campos:
    """1010; IND_CART (campo 08) comes from the documents: 'S' exactly when 1601 is written."""
    i = estab.indicadores_1010
    return ["1010", i.ind_exp, i.ind_ccrf, i.ind_comb, i.ind_usina, i.ind_va, i.ind_ee, ind_cart, i.ind_form,
            i.ind_aer, i.ind_giaf1, i.ind_giaf3, i.ind_giaf4, i.ind_rest_ressarc_compl_icms]


def r1601(cod_part_ip: str, cod_part_it: str, tot_vs: Decimal, tot_iss: Decimal, tot_outros: Decimal) -> Campos:
    """1601 (Guia 3.1.x, in force since 01/2022): totals received through one payment institution
    (COD_PART_IP) and, when there was one, one intermediary (COD_PART_IT), both in 0150."""
    return ["1601", cod_part_ip, cod_part_it, num(tot_vs), num(tot_iss), num(tot_outros)]


def r9900(reg: str, quantidade: int) -> Campos:
    return ["9900", reg, str(quantidade)]
