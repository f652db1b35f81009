"""Synthetic document facts for writer/validator tests (no XML): a list-backed FonteDocumentos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

from engine.nfe.chave import make_chave
from engine.sped import DocumentoFiscal, Estabelecimento, Fato, Item, Participante, Situacao, parse_estabelecimento

from .mes import CNPJ_NORMAL, estabelecimento


class Lista:
    """FonteDocumentos over facts already in memory (tests only)."""

    def __init__(self, fatos: Sequence[Fato]):
        self.fatos = fatos

    def documentos(self, cnpj: str, inicio: dt.date, fim: dt.date) -> Iterator[Fato]:
        del cnpj
        return iter(sorted((f for f in self.fatos if inicio <= f.chave_ordem[0] <= fim),
                           key=lambda f: f.chave_ordem))


def item(n: int = 1, *, valor: str = "100.00", cst: str = "000", cfop: str = "5102", aliq: str = "18.00",
         cod: str = "ITEM-1", unid: str = "UN") -> Item:
    v = Decimal(valor)
    a = Decimal(aliq)
    tributado = cst[-2:] in ("00", "20")
    return Item(num_item=n, cod_item=cod, descr=f"Produto {cod}", unid=unid, qtd=Decimal("1.0000"), vl_item=v,
                cst_icms=cst, cfop=cfop, vl_bc_icms=v if tributado else Decimal("0.00"),
                aliq_icms=a if tributado else Decimal("0.00"),
                vl_icms=(v * a / 100).quantize(Decimal("0.01")) if tributado else Decimal("0.00"), ncm="90211010")


def documento(numero: int, *, dia: int = 10, ano: int = 2026, mes: int = 3, modelo: str = "55",
              situacao: Situacao = Situacao.REGULAR, itens: Sequence[Item] = (), ind_oper: str = "1",
              ind_emit: str = "0", cnpj: str = CNPJ_NORMAL) -> DocumentoFiscal:
    data = dt.date(ano, mes, dia)
    itens = tuple(itens) or (item(),)
    chave = make_chave(uf="SP", ano_mes=data, emitente=cnpj, mod=modelo, serie=1, nnf=numero, cnf="48151623")
    participante = (Participante(cod_part="52998224725", nome="Joao Pereira", cpf="52998224725", cod_mun="3550308",
                                 end="Rua das Flores", num="42", bairro="Centro") if modelo == "55" else None)
    vl = sum((i.vl_opr for i in itens), Decimal("0.00"))
    return DocumentoFiscal(
        modelo=modelo, serie=1, numero=numero, chave=chave, dt_doc=data, situacao=situacao, ind_oper=ind_oper,
        ind_emit=ind_emit, participante=participante, vl_doc=vl, vl_merc=sum((i.vl_item for i in itens), Decimal(0)),
        vl_bc_icms=sum((i.vl_bc_icms for i in itens), Decimal("0.00")),
        vl_icms=sum((i.vl_icms for i in itens), Decimal("0.00")), itens=itens,
    )


def estab(**alteracoes: object) -> Estabelecimento:
    data = estabelecimento(CNPJ_NORMAL)
    data.update(alteracoes)
    return parse_estabelecimento(data)
