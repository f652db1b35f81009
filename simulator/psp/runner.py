"""Start/stop the PSP stand-in in a background thread (the same shape as ``simulator.start``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from simulator.pki import SimulatorPKI
from simulator.psp.server import PspApp, _Server
from simulator.psp.state import OAuthClient, PspState, Quirks
from simulator.serving import BackgroundServer, https_url, mutual_tls_context, serve_in_background

# CNPJ in the stand-in's own client certificate (used to call webhooks with mTLS); a valid test CNPJ.
STANDIN_CNPJ = "11444777000161"


def _callback_identity(pki: SimulatorPKI) -> tuple[Path, Path]:
    cert_path, key_path = pki.directory / "psp-callback.pem", pki.directory / "psp-callback.key"
    if not (cert_path.exists() and key_path.exists()):
        now = datetime.now(UTC)
        issued = pki.ca.issue_ecnpj(
            cnpj=STANDIN_CNPJ,
            razao_social="PSP SIMULADO TESTE",
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=3650),
        )
        tmp = key_path.with_suffix(".tmp")
        tmp.write_bytes(issued.key_pem())
        tmp.chmod(0o600)
        cert_path.write_bytes(issued.cert_pem(with_chain=True))
        tmp.replace(key_path)
    return cert_path, key_path


@dataclass
class RunningPsp(BackgroundServer):
    url: str
    ca_pem_path: Path
    pki: SimulatorPKI = field(repr=False)
    app: PspApp = field(repr=False)
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def callback_cert_pem_path(self) -> Path:
        """The stand-in's client certificate (chain) — what a webhook receiver sees on an mTLS callback."""
        return self.app.callback_client_cert[0]

    def client_pfx(self, cnpj: str) -> tuple[bytes, str]:
        return self.pki.client_pfx(cnpj)

    def add_client(
        self, client_id: str, client_secret: str, scopes: tuple[str, ...], app_key: str | None = None
    ) -> None:
        with self.app.state.lock:
            self.app.state.clients[client_id] = OAuthClient(client_secret, frozenset(scopes), app_key)

    def reset(self, quirks: Quirks | dict[str, Any] | None = None) -> None:
        self.app.state.reset(quirks if isinstance(quirks, Quirks) else Quirks.from_dict(quirks or {}))

    def pay(
        self,
        txid: str,
        valor: str | None = None,
        *,
        info_pagador: str | None = None,
        notify: bool = True,
        force: bool = False,
    ) -> dict[str, Any]:
        return self.app.pay(
            {"txid": txid, "valor": valor, "infoPagador": info_pagador, "notify": notify, "force": force}
        )

    def settle_refund(self, e2eid: str, devolucao_id: str, status: str = "DEVOLVIDO") -> dict[str, Any]:
        return self.app.settle_refund({"e2eid": e2eid, "id": devolucao_id, "status": status})

    def set_webhook(self, chave: str, url: str) -> None:
        """What PUT /webhook/{chave} does, for the process that started the stand-in (the demo)."""
        status, _ = self.app._webhook("PUT", {"chave": chave}, {}, {"webhookUrl": url})
        assert status == 200

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self.app.control("GET", "/_control/stats", {})
        return result


def start(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    pki_dir: Path,
    quirks: Quirks | dict[str, Any] | None = None,
    clients: dict[str, OAuthClient] | None = None,
    ispb: str = "99999999",
    nome: str = "PSP SIMULADO",
    cidade: str = "BRASILIA",
    callback_trust_pem: Path | None = None,
    allow_loopback_http_callbacks: bool = False,
) -> RunningPsp:
    """Start the stand-in on ``host:port`` (0 = a free port). The test PKI in ``pki_dir`` is shared with
    the SEFAZ simulator (created on first use). Webhook receivers are verified against
    ``callback_trust_pem`` (default: the test root). ``allow_loopback_http_callbacks`` (off by default;
    only ``ortho-fiscal serve``'s demo turns it on) also accepts an http:// webhookUrl on a loopback
    host, because the demo service speaks plain HTTP on 127.0.0.1."""
    pki = SimulatorPKI.load_or_create(Path(pki_dir))
    state = PspState(ispb=ispb, quirks=quirks if isinstance(quirks, Quirks) else Quirks.from_dict(quirks or {}))
    state.clients.update(clients or {})
    tls = mutual_tls_context(pki)  # the API Pix requires mTLS (Manual de Segurança do Pix)
    server = _Server((host, port), tls)
    url = https_url(host, int(server.server_address[1]))
    app = PspApp(
        state,
        tls,
        url,
        nome,
        cidade,
        _callback_identity(pki),
        Path(callback_trust_pem) if callback_trust_pem else pki.ca_pem_path,
        allow_loopback_http_callbacks=allow_loopback_http_callbacks,
    )
    server.app = app
    return RunningPsp(url, pki.ca_pem_path, pki, app, server, serve_in_background(server, "psp-standin"))
