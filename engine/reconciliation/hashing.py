"""Assign content hashes to freshly parsed lines (idempotent import: see model.line_hash)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from engine.reconciliation.model import StatementLine, line_hash


def com_hashes(lines: Iterable[StatementLine]) -> list[StatementLine]:
    """Return the lines with ``hash`` set; identical movements in one file get occurrence 0, 1, 2..."""
    vistos: dict[str, int] = {}
    out: list[StatementLine] = []
    for line in lines:
        base = line_hash(line)
        n = vistos.get(base, 0)
        vistos[base] = n + 1
        out.append(replace(line, hash=base if n == 0 else line_hash(line, n)))
    return out
