from __future__ import annotations

import pytest

from engine.sefaz.errors import ConsumoIndevidoEvitado, ServicoIndisponivel
from engine.sefaz.protection import CircuitBreaker, Limit, RateLimiter

from .conftest import NOW
from .fakes import FakeClock


def test_limiter_waits_inside_the_bound_and_refuses_beyond_it() -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, service_limits={"S": Limit(2, 10.0)}, max_wait_s=5.0)
    limiter.acquire(cnpj="1", uf="SP", service="S")
    clock.advance(6)
    limiter.acquire(cnpj="1", uf="SP", service="S")
    limiter.acquire(cnpj="1", uf="SP", service="S")  # waits 4 s for the first to leave the window
    assert clock.sleeps == [4.0]
    with pytest.raises(ConsumoIndevidoEvitado) as info:
        limiter.acquire(cnpj="1", uf="SP", service="S")  # would need 6 s > 5 s bound
    assert info.value.cstat == "656" and info.value.retry_after_s == pytest.approx(6.0)


def test_limits_are_per_cnpj_uf_and_service() -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, service_limits={"S": Limit(1, 60.0)}, default_limit=Limit(1, 60.0), max_wait_s=0)
    limiter.acquire(cnpj="1", uf="SP", service="S")
    limiter.acquire(cnpj="2", uf="SP", service="S")
    limiter.acquire(cnpj="1", uf="RJ", service="S")
    limiter.acquire(cnpj="1", uf="SP", service="T")
    with pytest.raises(ConsumoIndevidoEvitado):
        limiter.acquire(cnpj="1", uf="SP", service="S")


def test_per_document_limit_names_the_document() -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, per_document=Limit(2, 3600.0), max_wait_s=0)
    for _ in range(2):
        limiter.acquire(cnpj="1", uf="SP", service="NFeConsultaProtocolo4", documento="CH")
    with pytest.raises(ConsumoIndevidoEvitado, match="documento CH"):
        limiter.acquire(cnpj="1", uf="SP", service="NFeConsultaProtocolo4", documento="CH")
    limiter.acquire(cnpj="1", uf="SP", service="NFeConsultaProtocolo4", documento="OUTRA")


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    clock = FakeClock(NOW)
    breaker = CircuitBreaker(clock, threshold=3, cooldown_s=60)
    for _ in range(3):
        breaker.before("k", "svc")
        breaker.failure("k")
    with pytest.raises(ServicoIndisponivel) as info:
        breaker.before("k", "svc")
    assert info.value.retry_after_s == pytest.approx(60)
    clock.advance(61)
    breaker.before("k", "svc")  # the one trial
    with pytest.raises(ServicoIndisponivel):
        breaker.before("k", "svc")  # no second request while the trial is in flight
    breaker.failure("k")  # trial failed: open again for a full cool-down
    clock.advance(30)
    with pytest.raises(ServicoIndisponivel):
        breaker.before("k", "svc")
    clock.advance(31)
    breaker.before("k", "svc")
    breaker.success("k")
    breaker.before("k", "svc")
    assert not breaker.is_open("k")


def test_certificate_ceiling_applies_across_ufs() -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, per_certificate=Limit(3, 300.0), max_wait_s=0)
    for uf in ("SP", "RJ", "MG"):
        limiter.acquire(cnpj="1", uf=uf, service="NFeStatusServico4")
    with pytest.raises(ConsumoIndevidoEvitado, match="BA"):
        limiter.acquire(cnpj="1", uf="BA", service="NFeStatusServico4")


def test_authorizations_have_no_volume_cap_but_queries_do() -> None:
    # Selling a lot is not consumo indevido: 1,000 authorizations in one instant pass; a status loop
    # is stopped (the per-document and re-send guards protect authorizations from loops).
    limiter = RateLimiter(FakeClock(NOW), max_wait_s=0.0)
    for _ in range(1000):
        limiter.acquire(cnpj="11222333000181", uf="SP", service="NFeAutorizacao4")
    with pytest.raises(ConsumoIndevidoEvitado):
        for _ in range(1000):
            limiter.acquire(cnpj="11222333000181", uf="SP", service="NFeStatusServico4")
