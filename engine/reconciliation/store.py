"""Idempotent, all-or-nothing import of parsed statements, and an in-memory repository.

``import_statement`` takes a statement that was parsed completely (the parsers raise before
returning anything) and hands the new lines to the repository in one call, which a database
adapter runs in one transaction. Re-importing the same file (same sha256) changes nothing; a
different file that overlaps (the same movements exported again) adds only the lines whose
content hash is new.

``MemoryRepository`` implements ``engine.ports.ReconciliationRepository`` for the CLI and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from engine.reconciliation.model import Charge, StatementLine

if TYPE_CHECKING:
    from engine.ports import ReconciliationRepository


@dataclass(frozen=True, slots=True)
class Importacao:
    """What an import did: the file hash, lines added, lines already known, whether the file was known."""

    arquivo: str
    novas: int
    repetidas: int
    arquivo_ja_importado: bool


class MemoryRepository:
    """Charges and imported statement lines kept in dicts (one process, no persistence)."""

    def __init__(self, charges: Iterable[Charge] = ()) -> None:
        self._charges: dict[str, Charge] = {c.id: c for c in charges}
        self._lines: dict[str, StatementLine] = {}
        self._files: dict[str, tuple[str, ...]] = {}

    # --- charges / receivables -------------------------------------------------------------
    def add_charges(self, charges: Iterable[Charge]) -> None:
        for c in charges:
            self._charges[c.id] = c

    def charges_for_period(self, inicio: date, fim: date) -> Sequence[Charge]:
        return [c for c in self._charges.values() if inicio <= c.vencimento <= fim]

    # --- imported statements ------------------------------------------------------------------
    def statement_file_known(self, arquivo: str) -> bool:
        return arquivo in self._files

    def known_line_hashes(self, hashes: Iterable[str]) -> set[str]:
        return {h for h in hashes if h in self._lines}

    def add_statement(self, arquivo: str, lines: Sequence[StatementLine]) -> None:
        # Build everything first, then publish: an exception leaves the repository unchanged.
        novas = {ln.hash: ln for ln in lines}
        files = dict(self._files)
        files[arquivo] = tuple(novas)
        self._lines = {**self._lines, **novas}
        self._files = files

    def statement_lines(self, inicio: date, fim: date) -> Sequence[StatementLine]:
        return [ln for ln in self._lines.values() if inicio <= ln.data <= fim]

    def statement_files(self) -> tuple[str, ...]:
        return tuple(self._files)


def import_statement(repo: ReconciliationRepository, arquivo: str, lines: Sequence[StatementLine]) -> Importacao:
    """Add a fully parsed statement to ``repo`` idempotently (``arquivo``: sha256 of the file bytes)."""
    if repo.statement_file_known(arquivo):
        return Importacao(arquivo, 0, len(lines), True)
    if any(not ln.hash for ln in lines):
        raise ValueError("lines must come from a parser (content hash missing)")
    known = repo.known_line_hashes(ln.hash for ln in lines)
    novas = [ln for ln in lines if ln.hash not in known]
    repo.add_statement(arquivo, novas)
    return Importacao(arquivo, len(novas), len(lines) - len(novas), False)
