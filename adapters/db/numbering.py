"""Gap-free number allocation per (CNPJ, model, series) — nNF of the NF-e/NFC-e (MOC field B08).

``allocate_number(conn, ...)`` must run inside the caller's write transaction, the same one that
stores the document holding the number: if that transaction rolls back, the number goes back too,
so a number is never skipped (an unused number would have to be voided with an inutilização) and
never given twice.

One statement: an upsert that inserts the counter of a series never used here or increments it,
returning the new value (``INSERT ... ON CONFLICT (cnpj, model, series) DO UPDATE SET next_number =
next_number + 1 RETURNING next_number``; PostgreSQL, and SQLite >= 3.35). Locking: on PostgreSQL the
upsert takes the counter row's lock until commit, so concurrent allocators of the same series queue
on that row (other series are not blocked), and two first allocations of a series are resolved by
the primary key (the second one updates the row the first inserted, after it commits). On SQLite the
write transaction began with ``BEGIN IMMEDIATE`` (adapters.db.engine), which serialises writers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from adapters.db.engine import DriverSql
from adapters.db.schema import numbering

# nNF is 1..999999999 (MOC B08: N 1-9).
MAX_NUMBER = 999_999_999


class NumberingExhausted(Exception):
    """The series reached nNF 999999999: a new series must be configured."""

    code = "NUMERACAO_ESGOTADA"

    def __init__(self, cnpj: str, model: int, series: int) -> None:
        super().__init__(
            f"a série {series} do modelo {model} do CNPJ {cnpj} chegou ao número máximo {MAX_NUMBER}; "
            "configure outra série"
        )


# Built once; "numbering.next_number" is the stored row's value (both dialects).
_ALLOCATE = DriverSql(
    "INSERT INTO numbering (cnpj, model, series, next_number) VALUES (:cnpj, :model, :series, :after_first) "
    "ON CONFLICT (cnpj, model, series) DO UPDATE SET next_number = numbering.next_number + 1 "
    "RETURNING next_number"
)


def allocate_number(conn: Connection, cnpj: str, model: int, series: int, *, start: int = 1) -> int:
    """The next nNF of the series (``start`` for a series never used here). Call inside a write
    transaction (``Database.write()``) together with the insert of the document."""
    _count, row = _ALLOCATE.execute(conn, {"cnpj": cnpj, "model": model, "series": series,
                                           "after_first": start + 1})
    return allocated(row[0], cnpj, model, series)


def allocated(next_number: Any, cnpj: str, model: int, series: int) -> int:
    """The number taken by an upsert that returned ``next_number`` (this one, or the same upsert as a
    CTE of a larger statement: adapters.db.documents' probe_and_allocate)."""
    number = int(next_number) - 1
    if number > MAX_NUMBER:
        raise NumberingExhausted(cnpj, model, series)  # the caller's rollback undoes the increment
    return number


def peek_next_number(conn: Connection, cnpj: str, model: int, series: int) -> int | None:
    """The number the next allocation would return (None: series never used)."""
    key = (numbering.c.cnpj == cnpj) & (numbering.c.model == model) & (numbering.c.series == series)
    value = conn.execute(select(numbering.c.next_number).where(key)).scalar_one_or_none()
    return None if value is None else int(value)
