from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from certificates.a1 import A1Certificate
from certificates.testpki import TestCA
from certificates.xmldsig import sign_document
from engine.xml.parser import parse_xml_file

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CNPJ = "11222333000181"
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "nfe" / "made"


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return TestCA.create(now=NOW)


@pytest.fixture(scope="session")
def a1(test_ca: TestCA) -> A1Certificate:
    return test_ca.issue_ecnpj(
        cnpj=CNPJ, not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=365)
    ).to_a1()


@pytest.fixture(scope="session")
def nfce_signed(a1: A1Certificate) -> bytes:
    return sign_document(parse_xml_file(FIXTURES / "nfce65_sp_pagamentos_multiplos.xml"), a1)


@pytest.fixture(scope="session")
def nfe_signed(a1: A1Certificate) -> bytes:
    return sign_document(parse_xml_file(FIXTURES / "nfe55_sp_icms00_10_20_transp_cobr.xml"), a1)
