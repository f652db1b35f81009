"""Idempotent, all-or-nothing imports through the repository port."""

from __future__ import annotations

from datetime import date

from engine.ports import ReconciliationRepository
from engine.reconciliation import (
    MemoryRepository,
    file_hash,
    import_statement,
    parse_charges_json,
    parse_cnab240,
    parse_ofx,
    reconcile,
    to_json,
)

from . import cnab
from .cnab import DATA

MAR1, MAR31 = date(2026, 3, 1), date(2026, 3, 31)


def _report(repo: MemoryRepository) -> str:
    return to_json(reconcile(repo.statement_lines(MAR1, MAR31), repo.charges_for_period(MAR1, MAR31),
                             inicio=MAR1, fim=MAR31, arquivos=repo.statement_files()))


def test_memory_repository_implements_the_port() -> None:
    repo: ReconciliationRepository = MemoryRepository()
    assert repo.statement_lines(MAR1, MAR31) == []


def test_reimporting_the_same_statement_changes_nothing() -> None:
    repo = MemoryRepository(parse_charges_json((DATA / "cobrancas-marco.json").read_bytes()))
    data = (DATA / "bb-extrato-1252.ofx").read_bytes()
    first = import_statement(repo, file_hash(data), parse_ofx(data))
    assert (first.novas, first.repetidas, first.arquivo_ja_importado) == (4, 0, False)
    before = _report(repo)
    again = import_statement(repo, file_hash(data), parse_ofx(data))
    assert (again.novas, again.repetidas, again.arquivo_ja_importado) == (0, 4, True)
    assert _report(repo) == before


def test_an_overlapping_export_adds_only_new_movements() -> None:
    repo = MemoryRepository()
    data = (DATA / "bb-extrato-1252.ofx").read_bytes()
    import_statement(repo, file_hash(data), parse_ofx(data))
    # The bank re-exports the period with one more day: different file, same first four movements.
    extra = (b"<STMTTRN>\r\n<TRNTYPE>CREDIT\r\n<DTPOSTED>20260316\r\n<TRNAMT>12.00\r\n<FITID>20260316005\r\n"
             b"<MEMO>Pix recebido\r\n</STMTTRN>\r\n</BANKTRANLIST>")
    data2 = data.replace(b"</BANKTRANLIST>", extra).replace(b"<DTEND>20260316", b"<DTEND>20260317")
    imp = import_statement(repo, file_hash(data2), parse_ofx(data2))
    assert (imp.novas, imp.repetidas, imp.arquivo_ja_importado) == (1, 4, False)
    assert len(repo.statement_lines(MAR1, MAR31)) == 5


def test_identical_movements_in_one_file_are_both_kept() -> None:
    data = (DATA / "bb-extrato-1252.ofx").read_bytes()
    fee = b"<STMTTRN>\r\n<TRNTYPE>FEE\r\n<DTPOSTED>20260315\r\n<TRNAMT>-1.00\r\n<MEMO>Tarifa Pix\r\n</STMTTRN>\r\n"
    lines = parse_ofx(data.replace(b"</BANKTRANLIST>", fee + fee + b"</BANKTRANLIST>"))
    fees = [ln for ln in lines if ln.descricao == "Tarifa Pix"]
    assert len(fees) == 2 and fees[0].hash != fees[1].hash
    repo = MemoryRepository()
    assert import_statement(repo, "x", lines).novas == 6


def test_line_hash_ignores_the_line_number() -> None:
    # The same retorno with a blank line at the top (a different file) yields the same movements.
    text = cnab.bb_cobranca()
    a = parse_cnab240(text.encode().splitlines(keepends=True))
    b = parse_cnab240(("\r\n" + text).encode().splitlines(keepends=True))
    assert [x.hash for x in a] == [x.hash for x in b] and a[0].linha + 1 == b[0].linha
