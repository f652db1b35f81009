"""Number allocation under concurrency: no gap, no duplicate, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from adapters.db.engine import Database
from adapters.db.numbering import MAX_NUMBER, NumberingExhausted, allocate_number, peek_next_number
from adapters.db.schema import numbering

CNPJ = "11222333000181"
ROOT = Path(__file__).resolve().parents[3]


def _allocate(db: Database, series: int = 1) -> int:
    with db.write() as conn:
        return allocate_number(conn, CNPJ, 65, series)


def test_first_allocation_starts_at_one_and_counts_up(db: Database) -> None:
    assert [_allocate(db) for _ in range(3)] == [1, 2, 3]
    with db.read() as conn:
        assert peek_next_number(conn, CNPJ, 65, 1) == 4
        assert peek_next_number(conn, CNPJ, 65, 2) is None


def test_series_and_models_are_independent(db: Database) -> None:
    with db.write() as conn:
        got = [allocate_number(conn, CNPJ, m, s) for m, s in ((65, 1), (65, 2), (55, 1))]
    assert got == [1, 1, 1]


def test_rolled_back_allocation_returns_the_number(db: Database) -> None:
    assert _allocate(db) == 1
    with pytest.raises(RuntimeError), db.write() as conn:
        assert allocate_number(conn, CNPJ, 65, 1) == 2
        raise RuntimeError("the document insert failed")
    assert _allocate(db) == 2


def test_exhausted_series_is_refused(db: Database) -> None:
    with db.write() as conn:
        conn.execute(numbering.insert().values(cnpj=CNPJ, model=65, series=1, next_number=MAX_NUMBER))
    assert _allocate(db) == MAX_NUMBER
    with pytest.raises(NumberingExhausted), db.write() as conn:
        allocate_number(conn, CNPJ, 65, 1)


def test_threads_get_gap_free_unique_numbers(db: Database) -> None:
    results: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for i in range(15):
                try:
                    with db.write() as conn:
                        n = allocate_number(conn, CNPJ, 65, 1)
                        if (index + i) % 5 == 0:  # a failing insert after numbering: rolled back
                            raise LookupError("simulated failure")
                except LookupError:
                    continue
                with lock:
                    results.append(n)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, len(results) + 1))
    assert len(results) == 8 * 15 - sum(1 for k in range(8) for i in range(15) if (k + i) % 5 == 0)


_WORKER = """
import sys
from adapters.db.engine import Database
from adapters.db.numbering import allocate_number
db = Database(sys.argv[1])
out = []
for _ in range(int(sys.argv[2])):
    with db.write() as conn:
        out.append(allocate_number(conn, "11222333000181", 65, 7))
print(" ".join(map(str, out)))
"""


def test_processes_get_gap_free_unique_numbers(db: Database) -> None:
    per_process, processes = 30, 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, db.url, str(per_process)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    numbers: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        numbers.extend(int(x) for x in out.split())
    assert sorted(numbers) == list(range(1, per_process * processes + 1))
