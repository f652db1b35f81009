"""Fixtures of the EFD tests: the golden month's XML folder (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .mes import montar_mes


@pytest.fixture(scope="session")
def pasta_mes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pasta = tmp_path_factory.mktemp("mes-2026-03")
    montar_mes(pasta)
    return pasta
