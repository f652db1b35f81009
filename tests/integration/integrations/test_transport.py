"""The connectors' HTTP transport: HTTPS only, the trust store setting, retries only when safe."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.integrations_http import HttpxTransport
from engine.integrations.http import HttpRequest, TransportFailure
from tests.integration.integrations.conftest import WA_PHONE_ID, WA_TOKEN

AUTH = {"Authorization": f"Bearer {WA_TOKEN}"}


def test_idempotent_requests_are_retried_honouring_retry_after_and_posts_are_not(standin: Any) -> None:
    slept: list[float] = []
    t = HttpxTransport(trust_pem=str(standin.ca_pem_path), sleep=slept.append)
    standin.state.outage["whatsapp"] = 503
    url = f"{standin.base_url('whatsapp')}/{WA_PHONE_ID}"
    assert t.send(HttpRequest("GET", url, AUTH, idempotent=True)).status == 503
    assert slept == [1.0, 1.0] and len(standin.state.requests) == 3
    assert t.send(HttpRequest("POST", url + "/messages", AUTH, b"{}")).status == 503
    assert len(standin.state.requests) == 4  # one attempt: a retried POST could message a patient twice
    standin.state.outage.clear()
    assert t.send(HttpRequest("GET", url, AUTH, idempotent=True)).status == 200
    t.close()


def test_untrusted_server_and_plain_http_are_refused(standin: Any) -> None:
    system_store = HttpxTransport(sleep=lambda _s: None)  # the test CA is not in the system store
    with pytest.raises(TransportFailure) as err:
        system_store.send(HttpRequest("GET", standin.base_url("whatsapp") + "/1", AUTH, idempotent=True))
    assert err.value.tls
    with pytest.raises(TransportFailure, match="somente HTTPS"):
        system_store.send(HttpRequest("GET", "http://127.0.0.1:9/x", AUTH))
    system_store.close()
    assert standin.state.requests == []


def test_unreachable_provider_is_a_failure_after_the_safe_retries(standin: Any) -> None:
    slept: list[float] = []
    t = HttpxTransport(trust_pem=str(standin.ca_pem_path), timeout=2, sleep=slept.append)
    with pytest.raises(TransportFailure) as err:
        t.send(HttpRequest("GET", "https://127.0.0.1:9/indisponivel", AUTH, idempotent=True))
    assert not err.value.tls and slept == [0.5, 1.0]
    t.close()
