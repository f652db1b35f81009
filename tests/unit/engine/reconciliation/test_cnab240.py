"""CNAB 240 retorno: cobrança (T/U) from Banco do Brasil, pagamentos (A/B/J/Z) from Itaú, bad files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.reconciliation import Fonte, ReconciliationError, detect_format, parse_cnab240

from . import cnab
from .cnab import DATA


def lines_of(text: str) -> list[bytes]:
    return text.encode("ascii").splitlines(keepends=True)


def test_fixture_files_are_what_the_builder_writes() -> None:
    assert (DATA / "bb-cobranca-retorno.ret").read_bytes() == cnab.bb_cobranca().encode("ascii")
    assert (DATA / "itau-sispag-retorno.ret").read_bytes() == cnab.itau_pagamentos().encode("ascii")


def test_bb_cobranca_liquidations_become_credits_with_payer_and_nosso_numero() -> None:
    with (DATA / "bb-cobranca-retorno.ret").open("rb") as f:
        lines = parse_cnab240(f)
    assert [(ln.nosso_numero, ln.valor, ln.data, ln.direcao) for ln in lines] == [
        ("28123450000000101", Decimal("350.00"), date(2026, 3, 6), "C"),  # credit date U 146-153
        ("28123450000000103", Decimal("204.00"), date(2026, 3, 5), "C"),  # paid with interest
        ("28123450000000104", Decimal("100.00"), date(2026, 3, 7), "C"),  # mov 17, no credit date: occurrence
    ]  # movement 02 (entrada confirmada) moved no money
    first = lines[0]
    assert first.fonte is Fonte.CNAB240 and first.conta == "001/1234/12345-6"
    assert first.seu_numero == "PAC-0101" and first.pagador_nome == "MARIA DA SILVA SOUZA"
    assert first.pagador_documento == "52998224725" and lines[1].pagador_documento == "11222333000181"
    assert first.linha == 3 and len({ln.hash for ln in lines}) == 3


def test_itau_pagamentos_effective_ones_become_debits() -> None:
    lines = parse_cnab240((DATA / "itau-sispag-retorno.ret").read_bytes().splitlines(keepends=True))
    assert [(ln.seu_numero, ln.valor, ln.direcao) for ln in lines] == [
        ("NF-8812", Decimal("1890.40"), "D"), ("ENERGIA-03", Decimal("612.33"), "D")]  # BD (agendado) skipped
    ted, boleto = lines
    assert ted.pagador_documento == "04252011000110"  # segment B
    assert "aut. A1B2C3D4E5F6A7B8C9D0E1F2A" in ted.descricao  # segment Z
    assert "34191790010104351004791020150008291070026000" in boleto.descricao and boleto.linha == 10


def test_detected_as_cnab240() -> None:
    assert detect_format((DATA / "bb-cobranca-retorno.ret").read_bytes()) is Fonte.CNAB240


def _broken(mutate: int, start: int, value: str) -> list[bytes]:
    recs = cnab.bb_cobranca().split("\r\n")
    r = recs[mutate - 1]
    recs[mutate - 1] = r[: start - 1] + value + r[start - 1 + len(value):]
    return lines_of("\r\n".join(recs))


@pytest.mark.parametrize(("line", "start", "value", "line_no", "field", "text"), [
    (4, 78, "00000000003X000", 4, "segmento U 78-92", "numéricas"),
    (4, 146, "31022026", 4, "segmento U 146-153", "data inválida"),
    (11, 18, "000099", 11, "G057", "declara 99 registros"),
    (12, 24, "000099", 12, "G056", "declara 99 registros"),
    (1, 143, "1", 1, "G015", "não é de retorno"),
    (5, 1, "341", 5, "G001", "diferente do header"),
    (3, 8, "7", 3, "G003", "desconhecido"),
])
def test_bad_fields_name_the_line_and_the_field(line: int, start: int, value: str, line_no: int, field: str,
                                                text: str) -> None:
    with pytest.raises(ReconciliationError) as err:
        parse_cnab240(_broken(line, start, value))
    assert err.value.line == line_no
    assert field in err.value.campo and text in err.value.mensagem
    assert err.value.mensagem.startswith(f"linha {line_no}: campo ")


def test_short_line_missing_trailer_and_orphan_u_are_refused() -> None:
    recs = cnab.bb_cobranca().split("\r\n")
    with pytest.raises(ReconciliationError, match="240") as err:
        parse_cnab240(lines_of("\r\n".join([*recs[:5], recs[5][:200], *recs[6:]])))
    assert err.value.line == 6
    with pytest.raises(ReconciliationError, match="falta o trailer de arquivo"):
        parse_cnab240(lines_of("\r\n".join(recs[:-2])))
    with pytest.raises(ReconciliationError, match="segmento U sem o segmento T") as err:
        parse_cnab240(lines_of("\r\n".join([recs[0], recs[1], recs[3], *recs[4:]])))
    assert err.value.line == 3


def test_nothing_is_returned_when_a_late_line_is_bad() -> None:
    # The error is on the last detail: parse_cnab240 raises instead of returning the good lines before it.
    with pytest.raises(ReconciliationError):
        parse_cnab240(_broken(10, 78, "ABCDEFGHIJKLMNO"))
