"""A success closes the circuit and forgets the failures before it (only consecutive failures open it), and
a limiter with nothing to count (an authorization: no volume window, no documento) keeps no window."""

from __future__ import annotations

import pytest

from engine.sefaz.errors import ServicoIndisponivel
from engine.sefaz.protection import CircuitBreaker, RateLimiter

from .conftest import NOW
from .fakes import FakeClock


def test_a_success_forgets_the_failures_before_it() -> None:
    breaker = CircuitBreaker(FakeClock(NOW), threshold=3, cooldown_s=60)
    for _ in range(5):
        for _ in range(2):
            breaker.before("k", "svc")
            breaker.failure("k")
        breaker.before("k", "svc")
        breaker.success("k")
        breaker.success("k")  # again on a clean circuit: still closed, nothing counted
    assert not breaker.is_open("k")
    for _ in range(3):
        breaker.before("k", "svc")
        breaker.failure("k")
    with pytest.raises(ServicoIndisponivel, match="3 falhas seguidas"):
        breaker.before("k", "svc")


def test_authorizations_leave_no_window_behind() -> None:
    limiter = RateLimiter(FakeClock(NOW))
    for _ in range(100):
        limiter.acquire(cnpj="1", uf="SP", service="NFeAutorizacao4")
    assert limiter._windows == {}
    limiter.acquire(cnpj="1", uf="SP", service="NFeAutorizacao4", documento="recibo")
    assert list(limiter._windows) == [("1", "documento", "recibo")]
