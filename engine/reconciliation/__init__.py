"""Bank reconciliation: statements (OFX, CNAB 240 retorno, API Pix list) matched against charges.

Why a package of its own and not engine/pix/reconcile: OFX and CNAB statements carry boletos,
TEDs, card settlements and payments as well as Pix, and the matching rules are format-agnostic;
engine.pix stays about Pix itself (BR Code, API Pix, confirmation).

Free of I/O: parsers take bytes (CNAB: any iterable of lines, streamed), the repository is a
Protocol (engine.ports.ReconciliationRepository). Public API::

    parse_statement(data, formato=None, *, fuso) -> (Fonte, list[StatementLine])
    detect_format(data) -> Fonte                          # raises ReconciliationError
    parse_ofx(data) / parse_cnab240(lines) / parse_pix_list(data, *, fuso)
    parse_charges_json(data) / parse_charges_csv(data) -> list[Charge]
    import_statement(repo, arquivo_sha256, lines) -> Importacao     # idempotent, all or nothing
    reconcile(lines, charges, *, inicio, fim, parametros=None, arquivos=()) -> Resultado
    to_json(resultado, extra=None) / to_csv(resultado) / completed_event(resultado, now=)
    write_json(resultado, out, extra=None) / write_csv(resultado, out)      # streaming to a text file
    MemoryRepository, file_hash(bytes), line_hash(line)

Errors: ``ReconciliationError`` (code CONCILIACAO_ARQUIVO_INVALIDO) with ``line`` and ``campo``.
"""

from __future__ import annotations

from datetime import tzinfo

from engine.reconciliation.charges import parse_charges_csv, parse_charges_json
from engine.reconciliation.cnab240 import iter_cnab240, parse_cnab240
from engine.reconciliation.matching import reconcile
from engine.reconciliation.model import (
    Charge,
    Classe,
    Criterio,
    Fonte,
    Item,
    Parametros,
    ReconciliationError,
    Resultado,
    StatementLine,
    file_hash,
    line_hash,
)
from engine.reconciliation.ofx import parse_ofx
from engine.reconciliation.pixjson import parse_pix_list
from engine.reconciliation.report import completed_event, item_row, to_csv, to_json, write_csv, write_json
from engine.reconciliation.store import Importacao, MemoryRepository, import_statement


def detect_format(data: bytes) -> Fonte:
    """OFX (header or ``<OFX>``), CNAB 240 (first record 240 characters, type 0), or a Pix JSON list."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return Fonte.PIX
    upper = head.upper()
    if upper.startswith((b"OFXHEADER", b"<?XML", b"<OFX")) or b"<OFX>" in upper:
        return Fonte.OFX
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if len(first) == 240 and first[7:8] == b"0" and first[:3].isdigit():
        return Fonte.CNAB240
    raise ReconciliationError("formato do extrato não reconhecido (OFX, CNAB 240 ou JSON da API Pix)", line=1,
                              campo="formato")


def parse_statement(data: bytes, formato: Fonte | None = None, *, fuso: tzinfo) -> tuple[Fonte, list[StatementLine]]:
    fmt = formato or detect_format(data)
    if fmt is Fonte.OFX:
        return fmt, parse_ofx(data)
    if fmt is Fonte.CNAB240:
        return fmt, parse_cnab240(data.splitlines(keepends=True))
    return fmt, parse_pix_list(data, fuso=fuso)


__all__ = [
    "Charge",
    "Classe",
    "Criterio",
    "Fonte",
    "Importacao",
    "Item",
    "MemoryRepository",
    "Parametros",
    "ReconciliationError",
    "Resultado",
    "StatementLine",
    "completed_event",
    "detect_format",
    "file_hash",
    "import_statement",
    "item_row",
    "iter_cnab240",
    "line_hash",
    "parse_charges_csv",
    "parse_charges_json",
    "parse_cnab240",
    "parse_ofx",
    "parse_pix_list",
    "parse_statement",
    "reconcile",
    "to_csv",
    "to_json",
    "write_csv",
    "write_json",
]
