"""HTTPS for the API Pix: ``engine.ports.HttpPort`` over requests, with mutual TLS from a PFX in memory.

* The client certificate (the PSP-registered e-CNPJ A1 or the PSP-issued certificate) is loaded from
  the PKCS#12 bytes through an anonymous memory file (``adapters.sefaz_transport.load_identity``):
  no key is ever written to a filesystem.
* The server is verified (hostname + chain) against ``trust_pem_path`` when given (the stand-in's test
  root in tests) or the ``certifi`` bundle requests ships (PSPs use public web certificates). No code path
  turns verification off.
* HTTPS only, no redirects followed (a redirected OAuth POST would leak the credentials), no proxy or CA
  bundle taken from the environment, connect/read timeouts; failures become ``engine.ports.HttpError``
  saying whether the request may have been delivered.

``http_for(profile, credentials, env, ...)`` refuses a profile that requires mTLS without a PFX.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import certifi
import requests
from requests.adapters import HTTPAdapter

from adapters.sefaz_transport import load_identity
from engine.errors import ConfigurationError
from engine.pix.psp_credentials import PspCredentials
from engine.pix.psp_profiles import Environment, PspProfile
from engine.ports import HttpError, HttpRequest, HttpResponse

__all__ = ["PixHttp", "http_for"]


class _ContextAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools use our SSL context; verification stays on whatever a caller passes."""

    def __init__(self, context: ssl.SSLContext, trust_path: str, **kwargs: Any) -> None:
        self._ssl_context = context
        self._trust_path = trust_path
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["ssl_context"] = self._ssl_context
        return super().proxy_manager_for(*args, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, self._trust_path, None)


class PixHttp:
    """One instance per PSP credentials set (the client certificate is per instance)."""

    def __init__(
        self,
        *,
        pfx: bytes | None = None,
        pfx_password: str | None = None,
        trust_pem_path: str | Path | None = None,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 20.0,
        pool_size: int = 10,
    ) -> None:
        trust = Path(trust_pem_path) if trust_pem_path is not None else Path(certifi.where())
        if not trust.is_file():
            raise ConfigurationError(f"repositório de confiança (PEM) não encontrado: {trust}")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED + check_hostname
        context.minimum_version = ssl.TLSVersion.TLSv1_2  # API Pix: TLS 1.2 or later (Manual de Segurança do Pix)
        context.load_verify_locations(cafile=str(trust))
        if pfx is not None:
            load_identity(context, pfx, pfx_password or "")
        self.mtls = pfx is not None
        self._timeouts = (connect_timeout_s, read_timeout_s)
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.mount("https://", _ContextAdapter(context, str(trust), pool_maxsize=pool_size))

    def send(self, request: HttpRequest) -> HttpResponse:
        if urlsplit(request.url).scheme != "https":
            raise ConfigurationError(f"somente HTTPS é aceito para o PSP: {request.url}", code="PIX_PSP_URL_INSEGURA")
        try:
            response = self._session.request(
                request.method,
                request.url,
                params=list(request.query) or None,
                data=request.body,
                headers=dict(request.headers),
                timeout=self._timeouts,
                allow_redirects=False,
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise HttpError(
                f"tempo de conexão esgotado com o PSP ({request.url})", kind="connect", delivered=False
            ) from exc
        except requests.exceptions.SSLError as exc:
            raise HttpError(
                f"falha na negociação TLS com o PSP ({request.url}): {exc}", kind="tls", delivered=False
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise HttpError(
                f"o PSP não respondeu a tempo ({self._timeouts[1]:.0f} s): {request.url}",
                kind="timeout",
                delivered=True,
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            refused = "NewConnectionError" in repr(exc) or "Connection refused" in str(exc)
            raise HttpError(
                f"falha de conexão com o PSP ({request.url})",
                kind="connect" if refused else "protocol",
                delivered=not refused,
            ) from exc
        headers = tuple((k.lower(), v) for k, v in response.headers.items())
        return HttpResponse(response.status_code, response.content, headers)

    def close(self) -> None:
        self._session.close()


def http_for(
    profile: PspProfile,
    credentials: PspCredentials,
    environment: Environment,
    *,
    trust_pem_path: str | Path | None = None,
    connect_timeout_s: float = 5.0,
    read_timeout_s: float = 20.0,
) -> PixHttp:
    """The HTTPS port for ``profile`` in ``environment``; mTLS whenever a PFX is given, and a PFX is
    required where the profile says the PSP requires mTLS."""
    if profile.mtls_required(environment) and credentials.pfx is None:
        raise ConfigurationError(
            f"PSP {profile.nome} exige certificado de cliente (mTLS) em {environment}: "
            "cadastre o certificado (PFX) junto com as credenciais",
            code="PIX_PSP_CERTIFICADO_AUSENTE",
            path="pfx",
        )
    return PixHttp(
        pfx=credentials.pfx,
        pfx_password=credentials.pfx_password,
        trust_pem_path=trust_pem_path,
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=read_timeout_s,
    )
