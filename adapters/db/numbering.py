"""Gap-free number allocation per (CNPJ, model, series) — nNF of the NF-e/NFC-e (MOC field B08).

``allocate_number(conn, ...)`` must run inside the caller's write transaction, the same one that
stores the document holding the number: if that transaction rolls back, the number goes back too,
so a number is never skipped (an unused number would have to be voided with an inutilização) and
never given twice.

Locking: on PostgreSQL the counter row is read with ``SELECT ... FOR UPDATE`` (concurrent
allocators of the same series queue on that row; other series are not blocked). On SQLite the
write transaction began with ``BEGIN IMMEDIATE`` (adapters.db.engine), which already serialises
writers. The first allocation of a series inserts the row; a concurrent first insert is resolved
by the primary key (ON CONFLICT DO NOTHING, then the locking read).
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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


def _ensure_row(conn: Connection, cnpj: str, model: int, series: int, start: int) -> None:
    values = {"cnpj": cnpj, "model": model, "series": series, "next_number": start}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(numbering).values(values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite_insert(numbering).values(values).on_conflict_do_nothing())


def allocate_number(conn: Connection, cnpj: str, model: int, series: int, *, start: int = 1) -> int:
    """The next nNF of the series (``start`` for a series never used here). Call inside a write
    transaction (``Database.write()``) together with the insert of the document."""
    key = (numbering.c.cnpj == cnpj) & (numbering.c.model == model) & (numbering.c.series == series)
    query = select(numbering.c.next_number).where(key).with_for_update()
    current = conn.execute(query).scalar_one_or_none()
    if current is None:
        _ensure_row(conn, cnpj, model, series, start)
        current = conn.execute(query).scalar_one()
    number = int(current)
    if number > MAX_NUMBER:
        raise NumberingExhausted(cnpj, model, series)
    conn.execute(update(numbering).where(key).values(next_number=number + 1))
    return number


def peek_next_number(conn: Connection, cnpj: str, model: int, series: int) -> int | None:
    """The number the next allocation would return (None: series never used)."""
    key = (numbering.c.cnpj == cnpj) & (numbering.c.model == model) & (numbering.c.series == series)
    value = conn.execute(select(numbering.c.next_number).where(key)).scalar_one_or_none()
    return None if value is None else int(value)
