"""Property: every statement line and every charge of the period ends in exactly one class, the money
of the lines is conserved across the classes, and the result does not depend on input order."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.reconciliation import Charge, Classe, Fonte, Parametros, StatementLine, line_hash, reconcile

INICIO, FIM = date(2026, 3, 1), date(2026, 3, 31)
dias = st.integers(min_value=-5, max_value=35).map(lambda d: INICIO + timedelta(days=d))
valores = st.sampled_from(["10.00", "25.50", "99.90", "100.00", "150.00"]).map(Decimal)
chaves = st.sampled_from(["", "", "tx1", "tx2", "tx3"])
nomes = st.sampled_from(["", "Ana Costa", "ANA COSTA", "Bruno Lima", "Carla Dias Souza"])
docs = st.sampled_from(["", "", "52998224725", "11144477735"])
direcoes = st.sampled_from(["C", "C", "D"])


@st.composite
def linhas(draw: st.DrawFn) -> list[StatementLine]:
    out = []
    for k in range(draw(st.integers(0, 25))):
        ln = StatementLine(fonte=draw(st.sampled_from(list(Fonte))), conta="c", data=draw(dias), valor=draw(valores),
                           direcao=draw(direcoes), txid=draw(chaves), fitid=draw(st.sampled_from(["", "f1", "f2"])),
                           pagador_nome=draw(nomes), pagador_documento=draw(docs), descricao=f"l{k}")
        out.append(ln)
    return [StatementLine(**{**{f: getattr(x, f) for f in x.__dataclass_fields__}, "hash": line_hash(x)}) for x in out]


@st.composite
def cobrancas(draw: st.DrawFn) -> list[Charge]:
    return [Charge(id=f"c{k}", valor=draw(valores), vencimento=draw(dias), direcao=draw(direcoes), txid=draw(chaves),
                   pagador_nome=draw(nomes), pagador_documento=draw(docs))
            for k in range(draw(st.integers(0, 25)))]


@settings(max_examples=200, deadline=None)
@given(linhas(), cobrancas(), st.sampled_from([Parametros(), Parametros(janela_dias=0, tolerancia=Decimal("0.50"))]))
def test_every_amount_ends_in_exactly_one_class(lines: list[StatementLine], charges: list[Charge],
                                                p: Parametros) -> None:
    res = reconcile(lines, charges, inicio=INICIO, fim=FIM, parametros=p)
    dentro = [ln for ln in lines if INICIO <= ln.data <= FIM]
    line_items = [i for i in res.itens if i.linha is not None]
    assert sorted(id(i.linha) for i in line_items) == sorted(id(ln) for ln in dentro)  # each line exactly once
    assert all(i.classe is not Classe.AUSENTE for i in line_items)
    assert res.fora_do_periodo == len(lines) - len(dentro)
    # a charge is either missing (once, with no line) or has at least one line, never both
    missing = [i.cobranca.id for i in res.itens if i.classe is Classe.AUSENTE and i.cobranca]
    paid = {i.cobranca.id for i in line_items if i.cobranca}
    assert len(missing) == len(set(missing)) and not (set(missing) & paid)
    periodo = {c.id for c in charges if INICIO <= c.vencimento <= FIM}
    assert set(missing) | paid == periodo
    # money is conserved: the line totals per class add up to the money on the statement
    total_linhas = sum((i.linha.valor for i in line_items if i.linha), Decimal(0))
    assert total_linhas == sum((ln.valor for ln in dentro), Decimal(0))
    # a matched line pays a charge of the same direction
    assert all(i.cobranca.direcao == i.linha.direcao for i in line_items if i.cobranca and i.linha)
    assert reconcile(list(reversed(lines)), list(reversed(charges)), inicio=INICIO, fim=FIM, parametros=p) == res
