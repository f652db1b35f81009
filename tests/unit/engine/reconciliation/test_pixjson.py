"""API Pix GET /pix list: received Pix, the account's time zone for the date, devoluções, bad items."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from engine.reconciliation import Fonte, ReconciliationError, detect_format, parse_pix_list
from states import uf

from .cnab import DATA

SP = uf("SP").zoneinfo()


def test_received_pix_list() -> None:
    data = (DATA / "api-pix-recebidos.json").read_bytes()
    assert detect_format(data) is Fonte.PIX
    lines = parse_pix_list(data, fuso=SP)
    assert [(ln.end_to_end_id, ln.valor, ln.direcao, ln.data) for ln in lines] == [
        # 02:30Z on the 9th is 23:30 on the 8th in São Paulo
        ("E18236120202603090230s0a1b2c3d4e", Decimal("180.00"), "C", date(2026, 3, 8)),
        ("E00000000202603111402abcDEF12345", Decimal("250.00"), "C", date(2026, 3, 11)),
        ("E60701190202603201015a9b8c7d6e5f", Decimal("99.90"), "C", date(2026, 3, 20)),
        ("D60701190202603201020xyzw123456", Decimal("99.90"), "D", date(2026, 3, 20)),  # DEVOLVIDO
    ]
    assert lines[0].txid == "cd1fe328c875481285a6f233ae41b662"
    assert lines[0].pagador_nome == "Ana Beatriz Costa" and lines[0].pagador_documento == "39053344705"
    assert "Manutenção aparelho março" in lines[0].descricao


def test_the_openapi_example_and_a_webhook_body_parse() -> None:
    body = {"pix": [{"endToEndId": "E12345678202009091221abcdef12345", "txid": "cd1fe328c875481285a6f233ae41b662",
                     "valor": "100.00", "horario": "2020-09-10T13:03:33.902Z", "infoPagador": "Reforma da casa",
                     "devolucoes": [{"id": "000AAA111", "rtrId": "D12345678202009091000abcde123456",
                                     "valor": "11.00", "horario": {"solicitacao": "2020-09-10T13:03:33.902Z"},
                                     "status": "EM_PROCESSAMENTO"}]}]}
    (line,) = parse_pix_list(json.dumps(body).encode(), fuso=SP)  # devolução still in process: no money yet
    assert line.valor == Decimal("100.00") and line.data == date(2020, 9, 10)


@pytest.mark.parametrize(("item", "campo"), [
    ({"endToEndId": "E123", "valor": "1.00", "horario": "2026-03-01T10:00:00Z"}, "pix[0].endToEndId"),
    ({"endToEndId": "E12345678202009091221abcdef12345", "valor": "1,00", "horario": "2026-03-01T10:00:00Z"},
     "pix[0].valor"),
    ({"endToEndId": "E12345678202009091221abcdef12345", "valor": 1.0, "horario": "2026-03-01T10:00:00Z"},
     "pix[0].valor"),
    ({"endToEndId": "E12345678202009091221abcdef12345", "valor": "1.00", "horario": "2026-03-01T10:00:00"},
     "pix[0].horario"),
])
def test_bad_items_name_the_field(item: dict[str, object], campo: str) -> None:
    with pytest.raises(ReconciliationError) as err:
        parse_pix_list(json.dumps({"pix": [item]}).encode(), fuso=SP)
    assert err.value.campo == campo


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(ReconciliationError) as err:
        parse_pix_list(b'{"pix": [\n  {"endToEndId": }\n]}', fuso=SP)
    assert err.value.line == 2
