"""The PSP stand-in's demo-only flag: http:// webhook URLs are refused by default (a PSP only calls
https), and with ``allow_loopback_http_callbacks`` only a loopback host is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.psp
from simulator.psp.server import Problem

CHAVE = "11222333000181"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/v1/pix/webhook/x", "http://localhost:8000/w"])
def test_http_webhook_refused_by_default(tmp_path: Path, url: str) -> None:
    with simulator.psp.start(pki_dir=tmp_path / "pki") as psp:
        with pytest.raises(Problem) as caught:
            psp.set_webhook(CHAVE, url)
        assert caught.value.status == 400 and "https" in str(caught.value.body["violacoes"])
        psp.set_webhook(CHAVE, "https://example.test/hook")  # https stays accepted


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:8000/v1/pix/webhook/x", True),
        ("http://[::1]:8000/w", True),
        ("http://localhost:8000/w", True),
        ("http://10.0.0.5:8000/w", False),
        ("http://example.test/w", False),
        ("ftp://127.0.0.1/w", False),
    ],
)
def test_demo_flag_accepts_http_only_on_loopback(tmp_path: Path, url: str, ok: bool) -> None:
    with simulator.psp.start(pki_dir=tmp_path / "pki", allow_loopback_http_callbacks=True) as psp:
        if ok:
            psp.set_webhook(CHAVE, url)
            assert psp.app.state.webhooks[CHAVE]["webhookUrl"] == url
        else:
            with pytest.raises(Problem):
                psp.set_webhook(CHAVE, url)


def test_loopback_base_url_of_the_api() -> None:
    from cli.pix_standin import loopback_base_url

    assert loopback_base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert loopback_base_url("0.0.0.0", 8001) == "http://127.0.0.1:8001"
    assert loopback_base_url("::", 8002) == "http://[::1]:8002"
    assert loopback_base_url("localhost", 8003) == "http://127.0.0.1:8003"
    assert loopback_base_url("192.168.0.10", 8000) is None
