"""SEFAZ transport: SOAP 1.2 POST over mutual TLS with the emitter's A1 (requests + requests-pkcs12).

* The client identity is the A1 (PFX bytes + password) held in memory. requests-pkcs12 1.27 builds its
  SSL context through a NamedTemporaryFile holding the (re-encrypted) key; we keep its adapter but give
  it a context loaded from an anonymous memory file (``os.memfd_create``, Linux), so no key is ever
  written to a filesystem.
* The server is verified against a configurable trust store only (a PEM bundle: the ICP-Brasil roots
  in production, the simulator's test root in tests): never the public web PKI, and no code path turns
  verification or hostname checking off (``verify=False`` from any caller is overridden).
* Per-endpoint TLS settings (``tls_min_version`` from the states data) get their own SSL context,
  mounted for that host only: an override never weakens another host.
* HTTPS only; connect and read timeouts; failures become ``engine.ports.TransportError`` telling
  whether the request may have been delivered.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from requests.adapters import HTTPAdapter
from requests_pkcs12 import Pkcs12Adapter

from engine.errors import ConfigurationError
from engine.ports import TransportError, TransportRequest, TransportResponse

_TLS_VERSIONS = {
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def load_identity(context: ssl.SSLContext, pfx: bytes, password: str | bytes) -> None:
    """Load the A1's key and chain into ``context`` through an anonymous in-memory file."""
    pw = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(pfx, pw)
    except ValueError as exc:
        raise ConfigurationError("certificado A1: senha incorreta ou arquivo PKCS#12 inválido") from exc
    if key is None or cert is None:
        raise ConfigurationError("certificado A1 sem chave privada ou sem certificado")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pem += cert.public_bytes(serialization.Encoding.PEM)
    for ca in extra or ():
        pem += ca.public_bytes(serialization.Encoding.PEM)
    fd = os.memfd_create("a1", os.MFD_CLOEXEC)  # RAM only, no name in any directory
    try:
        os.write(fd, pem)
        context.load_cert_chain(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)


class _A1Adapter(Pkcs12Adapter):  # type: ignore[misc]
    """requests-pkcs12's adapter with a ready SSL context; verification is always on."""

    def __init__(self, context: ssl.SSLContext, trust_path: str, **kwargs: Any) -> None:
        self.ssl_context = context
        self._trust_path = trust_path
        HTTPAdapter.__init__(self, **kwargs)

    def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True,
             cert: Any = None, proxies: Any = None) -> Any:
        # Whatever a caller passes, the server is verified against our trust store.
        return HTTPAdapter.send(self, request, stream, timeout, self._trust_path, None, proxies)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        HTTPAdapter.cert_verify(self, conn, url, self._trust_path, None)


class RequestsTransport:
    """``engine.ports.Transport`` over requests; one instance per emitter certificate."""

    def __init__(
        self,
        *,
        pfx: bytes,
        password: str | bytes,
        trust_pem_path: str | Path,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        pool_size: int = 10,
    ) -> None:
        trust = Path(trust_pem_path)
        if not trust.is_file():
            raise ConfigurationError(f"repositório de confiança (PEM) não encontrado: {trust}")
        self._trust_path = str(trust)
        self._pfx = pfx
        self._password = password
        self._timeouts = (connect_timeout_s, read_timeout_s)
        self._pool_size = pool_size
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy or CA bundle from the environment
        self._mounted: set[str] = set()
        self._lock = threading.Lock()
        self._context("TLSv1.2")  # fail early on a bad certificate or trust store

    def _context(self, min_version: str) -> ssl.SSLContext:
        if min_version not in _TLS_VERSIONS:
            raise ConfigurationError(f"versão mínima de TLS desconhecida nos dados do autorizador: {min_version}")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED by default
        context.minimum_version = _TLS_VERSIONS[min_version]
        context.load_verify_locations(cafile=self._trust_path)
        load_identity(context, self._pfx, self._password)
        return context

    def _mount(self, url: str, min_version: str) -> None:
        parts = urlsplit(url)
        prefix = f"https://{parts.netloc}/"
        with self._lock:
            if prefix in self._mounted:
                return
            adapter = _A1Adapter(self._context(min_version), self._trust_path, pool_maxsize=self._pool_size)
            self._session.mount(prefix, adapter)
            self._mounted.add(prefix)

    def post(self, request: TransportRequest) -> TransportResponse:
        if urlsplit(request.url).scheme != "https":
            raise ConfigurationError(f"somente HTTPS é aceito para a SEFAZ: {request.url}")
        self._mount(request.url, request.tls_min_version)
        headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{request.soap_action}"'}
        started = time.perf_counter()
        try:
            response = self._session.post(request.url, data=request.body, headers=headers, timeout=self._timeouts,
                                          allow_redirects=False)
        except requests.exceptions.ConnectTimeout as exc:
            raise TransportError(f"tempo de conexão esgotado com {request.url}", kind="connect",
                                 delivered=False) from exc
        except requests.exceptions.SSLError as exc:
            raise TransportError(f"falha na negociação TLS com {request.url}: {exc}", kind="tls",
                                 delivered=False) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise TransportError(f"a SEFAZ não respondeu a tempo ({self._timeouts[1]:.0f} s): {request.url}",
                                 kind="timeout", delivered=True) from exc
        except requests.exceptions.ConnectionError as exc:
            refused = "NewConnectionError" in repr(exc) or "Connection refused" in str(exc)
            raise TransportError(f"falha de conexão com {request.url}", kind="connect" if refused else "protocol",
                                 delivered=not refused) from exc
        return TransportResponse(response.status_code, response.content, time.perf_counter() - started)

    def close(self) -> None:
        self._session.close()


class SystemClock:
    """The real clock for the composition roots (CLI, bench); the engine only sees ``engine.ports.Clock``."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
