"""PSP profiles of the API Pix as data (engine/pix/data/psps.json, with sources and date).

One client speaks the standard; what differs between banks is data: hosts, token URL, how the
credentials go to the token endpoint, scopes, mTLS, and each PSP's known deviations as named flags
(``PspFlags``). The client reads flags; it never asks which bank it talks to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from engine.errors import ConfigurationError

__all__ = ["Environment", "PspFlags", "PspProfile", "load_profiles", "profile"]

Environment = Literal["production", "sandbox"]
_DATA = Path(__file__).with_name("data") / "psps.json"


@dataclass(frozen=True, slots=True)
class PspFlags:
    """Named deviations from the standard (their meaning is in psps.json ``flags``)."""

    app_key_query_param: str | None = None
    app_key_header: str | None = None
    token_auth: Literal["basic", "body"] = "basic"  # noqa: S105 - an auth style, not a password
    token_grant_type_in_query: bool = False
    token_sends_scope: bool = True
    webhook_callback_suffix: str = "/pix"
    webhook_auth: Literal["mtls", "hmac"] = "mtls"
    mtls_required: bool = True
    mtls_required_sandbox: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class PspProfile:
    id: str
    nome: str
    ispb: str
    cnpj: str
    # UF of the institution's head office (its CNPJ's registration): UFPag beside CNPJPag in the
    # payment groups (NT 2023.004: the two go together). None: neither is sent.
    uf: str | None
    base_urls: dict[str, str | None]
    token_urls: dict[str, str | None]
    scopes: tuple[str, ...]
    flags: PspFlags
    verified: bool
    sources: tuple[str, ...]

    def base_url(self, env: Environment) -> str:
        return self._https(self.base_urls.get(env), env, "base_url")

    def token_url(self, env: Environment) -> str:
        return self._https(self.token_urls.get(env), env, "token_url")

    def mtls_required(self, env: Environment) -> bool:
        return self.flags.mtls_required if env == "production" else self.flags.mtls_required_sandbox

    def _https(self, url: str | None, env: str, campo: str) -> str:
        if not url:
            raise ConfigurationError(
                f"PSP {self.nome}: {campo} de {env} não configurada (informe a URL fornecida pelo PSP)",
                code="PIX_PSP_URL_AUSENTE",
                path=campo,
            )
        if urlsplit(url).scheme != "https":
            raise ConfigurationError(
                f"PSP {self.nome}: {campo} '{url}' deve usar HTTPS", code="PIX_PSP_URL_INSEGURA", path=campo
            )
        return url

    def with_base_url(self, env: Environment, base_url: str, token_url: str) -> PspProfile:
        """The same profile pointed at other hosts (a PSP's new host, the stand-in in tests)."""
        return replace(
            self,
            base_urls={**self.base_urls, env: base_url},
            token_urls={**self.token_urls, env: token_url},
        )

    def base_path(self, env: Environment = "production") -> str:
        """The path part of the API base URL (``/pix/v2``, ``/api/v1``...), kept when the host changes."""
        url = self.base_urls.get(env) or self.base_urls.get("production") or ""
        return urlsplit(url).path.rstrip("/")

    def token_path(self, env: Environment = "production") -> str:
        url = self.token_urls.get(env) or self.token_urls.get("production") or "https://x/oauth/token"
        return urlsplit(url).path


def _profile(pid: str, raw: dict[str, Any]) -> PspProfile:
    try:
        return PspProfile(
            id=pid,
            nome=raw["nome"],
            ispb=raw["ispb"],
            cnpj=raw["cnpj"],
            uf=raw.get("uf"),
            base_urls=dict(raw["base_url"]),
            token_urls=dict(raw["token_url"]),
            scopes=tuple(raw["scopes"]),
            flags=PspFlags(**raw["flags"]),
            verified=bool(raw.get("verified", False)),
            sources=tuple(raw.get("sources", ())),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigurationError(f"psps.json: perfil '{pid}' incompleto ({exc})", code="PIX_PSP_PERFIL") from exc


@cache
def _load() -> tuple[PspProfile, ...]:
    data = json.loads(_DATA.read_text("utf-8"))
    return tuple(_profile(pid, raw) for pid, raw in data["psps"].items())


def load_profiles() -> dict[str, PspProfile]:
    """Every profile by id (``bb``, ``itau``, ``bradesco``, ``santander``, ``nubank``)."""
    return {p.id: p for p in _load()}


def profile(pid: str) -> PspProfile:
    found = load_profiles().get(pid)
    if found is None:
        raise ConfigurationError(
            f"PSP '{pid}' desconhecido; perfis disponíveis: {', '.join(sorted(load_profiles()))}",
            code="PIX_PSP_DESCONHECIDO",
        )
    return found
