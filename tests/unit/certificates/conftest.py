"""Shared, session-scoped test PKI: RSA key generation is slow, so one CA and a few leaves serve
every certificate test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from certificates.a1 import A1Certificate
from certificates.testpki import IssuedCertificate, TestCA

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CNPJ = "11222333000181"
ALNUM_CNPJ = "12ABC34501DE35"
PASSWORD = "s3nh@-do-A1"


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return TestCA.create(now=NOW)


@pytest.fixture(scope="session")
def issued(test_ca: TestCA) -> IssuedCertificate:
    return test_ca.issue_ecnpj(cnpj=CNPJ, not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(days=335))


@pytest.fixture(scope="session")
def a1(issued: IssuedCertificate) -> A1Certificate:
    return issued.to_a1()


@pytest.fixture(scope="session")
def other_ca() -> TestCA:
    """An unrelated PKI (its root is not trusted by the tests)."""
    return TestCA.create(now=NOW, key_size=2048)
