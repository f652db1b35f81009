"""docs/states.md and README.md show the table of the current data (regenerate with `python -m states.docs`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from states import docs

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("doc", ["docs/states.md", "README.md"])
def test_docs_table_is_up_to_date(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    block = text[text.index(docs.BEGIN) + len(docs.BEGIN) : text.index(docs.END)]
    assert block.strip() == docs.markdown_table().strip(), "run: .venv/bin/python -m states.docs"


def test_table_has_one_row_per_uf_with_its_zone() -> None:
    rows = [line for line in docs.markdown_table().splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 27
    pe = next(r for r in rows if r.startswith("| PE |"))
    assert "America/Recife" in pe and "America/Noronha" in pe
