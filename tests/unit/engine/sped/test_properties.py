"""Property: whatever the month's documents, the generated EFD passes our validator."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.sped import (
    DocumentoFiscal,
    Item,
    NumeracaoInutilizada,
    PagamentoEletronico,
    Participante,
    Situacao,
    escrever_efd,
    periodo,
    validar_bytes,
)
from engine.sped.facts import Fato

from .fatos import Lista, documento, estab

valores = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
textos = st.text(min_size=1, max_size=80)  # pipes, line breaks, characters outside ISO-8859-1 included


@st.composite
def itens(draw: st.DrawFn, entrada: bool) -> Item:
    cst = draw(st.sampled_from(["000", "020", "040", "060", "102", "500", "900"]))
    aliq = draw(st.sampled_from([Decimal("7.00"), Decimal("12.00"), Decimal("18.00"), Decimal("25.00")]))
    valor = draw(valores)
    tributado = cst in ("000", "020", "900")
    bc = valor if cst != "020" else (valor * Decimal("0.6")).quantize(Decimal("0.01"))
    return Item(
        num_item=1, cod_item=draw(st.sampled_from(["A-1", "B-2", "C|3", "D 4"])), descr=draw(textos),
        unid=draw(st.sampled_from(["UN", "KIT", "CX"])), qtd=draw(st.decimals(min_value=Decimal("0.0001"),
                                                                              max_value=Decimal("999"), places=4)),
        vl_item=valor, vl_desc=draw(st.sampled_from([Decimal("0.00"), Decimal("0.01")])),
        vl_frete=draw(st.sampled_from([Decimal("0.00"), Decimal("3.50")])),
        cst_icms=cst, cfop=draw(st.sampled_from(["1102", "2102"] if entrada else ["5102", "5405", "5949"])),
        vl_bc_icms=bc if tributado else Decimal("0.00"), aliq_icms=aliq if tributado else Decimal("0.00"),
        vl_icms=(bc * aliq / 100).quantize(Decimal("0.01")) if tributado else Decimal("0.00"),
        vl_red_bc=valor - bc if cst == "020" else Decimal("0.00"), ncm="90211010",
    )


@st.composite
def fatos(draw: st.DrawFn, ano: int) -> Fato:
    dia = draw(st.integers(1, 28))
    numero = draw(st.integers(1, 999_999_999))
    if ano <= 2022 and draw(st.integers(0, 9)) == 0:
        ini = draw(st.integers(1, 1000))
        return NumeracaoInutilizada(modelo=draw(st.sampled_from(["55", "65"])), serie=1, num_ini=ini,
                                    num_fin=ini + draw(st.integers(0, 3)), data=dt.date(ano, 3, dia))
    modelo = draw(st.sampled_from(["55", "65"]))
    entrada = modelo == "55" and draw(st.booleans())
    situacoes = [Situacao.REGULAR, Situacao.EXTEMPORANEO, Situacao.CANCELADO, Situacao.CANCELADO_EXTEMPORANEO,
                 Situacao.DENEGADO, Situacao.COMPLEMENTAR, Situacao.COMPLEMENTAR_EXTEMPORANEO]
    sit = draw(st.sampled_from(situacoes))
    lista = draw(st.lists(itens(entrada), min_size=1, max_size=4))
    lista = [dataclasses.replace(it, num_item=i) for i, it in enumerate(lista, start=1)]
    base = documento(numero, dia=dia, ano=ano, modelo=modelo, situacao=sit, itens=lista,
                     ind_oper="0" if entrada else "1", ind_emit="1" if entrada else "0")
    total = sum((i.vl_opr for i in lista), Decimal("0.00"))
    nome = draw(textos)
    participante = (Participante(cod_part=draw(st.sampled_from(["52998224725", "11444777000161", "P|1"])),
                                 nome=nome, cpf="52998224725", end=draw(textos)) if modelo == "55" else None)
    return dataclasses.replace(
        base, participante=participante, vl_doc=total, vl_desc=sum((i.vl_desc for i in lista), Decimal("0.00")),
        vl_frt=sum((i.vl_frete for i in lista), Decimal("0.00")),
        vl_bc_icms=sum((i.vl_bc_icms for i in lista), Decimal("0.00")),
        vl_icms=sum((i.vl_icms for i in lista), Decimal("0.00")),
        ind_pgto=draw(st.sampled_from(["0", "1", "2"])), ind_frt=draw(st.sampled_from(["0", "1", "2", "9"])),
        dt_e_s=draw(st.one_of(st.none(), st.just(dt.date(ano, 3, dia)), st.just(dt.date(ano, 4, 2)))),
        pagamentos=(pags := tuple(draw(st.lists(pagamentos, max_size=3)))), pagamento_eletronico=bool(pags),
    )


# Card/Pix payments: known institutions, one whose CNPJ is also a buyer's COD_PART, and missing ones.
pagamentos = st.builds(
    PagamentoEletronico, cnpj_ip=st.sampled_from(["", "01027058000191", "18236120000158", "11444777000161"]),
    cnpj_it=st.sampled_from(["", "03007331000141"]), valor=valores)


def _esperado_1601(lista: list[Fato]) -> Decimal:
    """Card/Pix value of the regular own sales, capped at each document's value (the change given back)."""
    total = Decimal("0.00")
    for f in lista:
        if isinstance(f, DocumentoFiscal) and f.situacao.escriturada and f.ind_oper == "1" and f.ind_emit == "0":
            total += min(sum((p.valor for p in f.pagamentos), Decimal("0.00")), f.vl_doc)
    return total


@st.composite
def meses(draw: st.DrawFn) -> tuple[int, list[Fato], Decimal]:
    ano = draw(st.sampled_from([2019, 2022, 2023, 2025, 2026]))
    return ano, draw(st.lists(fatos(ano), max_size=12)), draw(valores)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meses())
def test_any_generated_file_passes_the_validator(mes: tuple[int, list[Fato], Decimal]) -> None:
    ano, lista, saldo = mes
    out = io.BytesIO()
    inicio, fim = periodo(f"{ano}-03")
    resumo = escrever_efd(Lista(lista), estab(saldo_credor_anterior=str(saldo)), inicio, fim, out)
    achados = [f for f in validar_bytes(out.getvalue()) if f.severity == "error"]
    assert achados == [], achados
    assert resumo.linhas == out.getvalue().count(b"\r\n")
    assert all(isinstance(f, DocumentoFiscal | NumeracaoInutilizada) for f in lista)
    # Every card/Pix real is either in a 1601 or in the note about missing institutions, never lost.
    linhas = out.getvalue().decode("latin-1").split("\r\n")
    r1601 = [linha.split("|") for linha in linhas if linha.startswith("|1601|")]
    somado = sum((Decimal(c[4].replace(",", ".")) for c in r1601), Decimal("0.00"))
    assert somado + resumo.vl_sem_instituicao == _esperado_1601(lista)
    ind_cart = next(linha for linha in linhas if linha.startswith("|1010|")).split("|")[8]
    assert ind_cart == ("S" if r1601 else "N")
