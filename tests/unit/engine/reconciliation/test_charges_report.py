"""Charges files (JSON, CSV) and the JSON/CSV reports and completed event."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.reconciliation import (
    Classe,
    ReconciliationError,
    completed_event,
    parse_charges_csv,
    parse_charges_json,
    parse_statement,
    reconcile,
    to_csv,
    to_json,
)
from engine.reconciliation.report import CSV_COLUMNS
from states import uf

from .cnab import DATA


def test_csv_and_json_charges_are_the_same() -> None:
    j = parse_charges_json((DATA / "cobrancas-marco.json").read_bytes())
    c = parse_charges_csv((DATA / "cobrancas-marco.csv").read_bytes())
    assert j == c and len(j) == 12
    assert j[0].valor == Decimal("350.00") and j[0].vencimento == date(2026, 3, 5)
    assert next(x for x in j if x.id == "FORN-8812").direcao == "D"


@pytest.mark.parametrize(("text", "line", "campo"), [
    (b"id;valor;vencimento\nA;10,00;05/03/2026\nB;dez;05/03/2026\n", 3, "valor"),
    (b"id;valor;vencimento\nA;10,00;31/02/2026\n", 2, "vencimento"),
    (b"id;valor\nA;10,00\n", 1, "cabeçalho"),
    (b"id;valor;vencimento\nA;10,00;05/03/2026\nA;11,00;05/03/2026\n", None, "id"),
])
def test_bad_charges_csv_name_the_line(text: bytes, line: int | None, campo: str) -> None:
    with pytest.raises(ReconciliationError) as err:
        parse_charges_csv(text)
    assert err.value.line == line and err.value.campo == campo


def test_bad_charges_json_name_the_item() -> None:
    with pytest.raises(ReconciliationError) as err:
        parse_charges_json(json.dumps([{"id": "A", "valor": "-1", "vencimento": "2026-03-01"}]).encode())
    assert err.value.campo == "[0].valor" and "positivo" in err.value.mensagem


def _month():  # type: ignore[no-untyped-def]
    fuso = uf("SP").zoneinfo()
    lines = parse_statement((DATA / "bb-cobranca-retorno.ret").read_bytes(), fuso=fuso)[1]
    charges = parse_charges_json((DATA / "cobrancas-marco.json").read_bytes())
    return reconcile(lines, charges, inicio=date(2026, 3, 1), fim=date(2026, 3, 31), arquivos=("abc",))


def test_reports_have_one_row_per_item_and_money_as_strings() -> None:
    res = _month()
    rows = list(csv.DictReader(io.StringIO(to_csv(res))))
    assert len(rows) == len(res.itens) and list(rows[0]) == list(CSV_COLUMNS)
    doc = json.loads(to_json(res))
    assert doc["itens"] == rows  # the same fields, the same strings
    first = doc["itens"][0]
    assert first["classe"] == "partial" and first["valor"] == "204.00" and first["cobranca_id"] == "PAC-0103"
    assert doc["resumo"]["contagem"][Classe.AUSENTE.value] == 8 and doc["resumo"]["arquivos"] == ["abc"]


def test_completed_event_value() -> None:
    res = _month()
    ev = completed_event(res, now=datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    assert ev["type"] == "reconciliation.completed" and ev["occurred_at"] == "2026-04-01T12:00:00+00:00"
    assert ev["data"]["contagem"] == res.contagem() and ev["data"]["totais"]["matched"] == "350.00"
    with pytest.raises(ValueError, match="aware"):
        completed_event(res, now=datetime(2026, 4, 1))
