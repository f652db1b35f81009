"""SSRF guard for webhook destinations.

A subscription may only point to ``https://`` on a public address: loopback, private (RFC 1918,
fc00::/7), shared (100.64/10), link-local (169.254/16 — cloud metadata — and fe80::/10), multicast,
unspecified and reserved ranges are refused. The check runs when the subscription is saved *and* at
every delivery, on the addresses the name resolves to then; the delivery connects to the address
that was checked (DNS rebinding: a name that resolved to a public address at creation and to
127.0.0.1 later is refused, and a second resolution between check and connect is never made).

Development and tests may allow chosen networks with ``ORTHO_WEBHOOK_ALLOW_NETWORKS``
(e.g. ``127.0.0.1/32,::1/128``); never in production.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
ALLOW_ENV = "ORTHO_WEBHOOK_ALLOW_NETWORKS"
MAX_URL = 2000


class UnsafeDestination(ValueError):
    """The destination is refused; ``str(exc)`` is the pt-BR reason."""

    code = "WEBHOOK_DESTINO_INVALIDO"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeDestination(f"o nome '{host}' não pôde ser resolvido no DNS ({exc.strerror})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class Target:
    """A checked destination: connect to ``address`` and present ``host`` (Host header, SNI)."""

    url: str
    host: str
    port: int
    path: str  # path + query
    address: str


@dataclass(frozen=True, slots=True)
class Guard:
    allowed: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def from_env(cls, env: Mapping[str, str], resolver: Resolver = system_resolver) -> Guard:
        raw = env.get(ALLOW_ENV, "").strip()
        nets: list[IPNetwork] = []
        for item in filter(None, (p.strip() for p in raw.split(","))):
            try:
                nets.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                raise UnsafeDestination(f"{ALLOW_ENV}: rede inválida {item!r}") from exc
        return cls(tuple(nets), resolver)

    def _address_problem(self, address: IPAddress) -> str | None:
        if any(address in net for net in self.allowed):
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return self._address_problem(address.ipv4_mapped)
        for test, what in (
            (address.is_loopback, "loopback"),
            (address.is_link_local, "link-local"),
            (address.is_multicast, "multicast"),
            (address.is_unspecified, "não especificado"),
            (address.is_reserved, "reservado"),
            (address.is_private, "privado"),
            (not address.is_global, "não público"),
        ):
            if test:
                return what
        return None

    def check_url(self, url: str) -> tuple[str, int, str]:
        """Static checks (no DNS): https, a host, no credentials in the URL; (host, port, path)."""
        if len(url) > MAX_URL:
            raise UnsafeDestination(f"a URL do webhook passa de {MAX_URL} caracteres")
        try:
            parts = urlsplit(url)
            port = parts.port or 443
        except ValueError as exc:
            raise UnsafeDestination(f"URL do webhook inválida: {exc}") from exc
        if parts.scheme != "https":
            raise UnsafeDestination("a URL do webhook deve usar https://")
        if not parts.hostname:
            raise UnsafeDestination("a URL do webhook não tem host")
        if parts.username or parts.password:
            raise UnsafeDestination("a URL do webhook não pode conter usuário/senha; use o token Bearer")
        if parts.fragment:
            raise UnsafeDestination("a URL do webhook não pode ter fragmento (#)")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return parts.hostname, port, path

    def resolve(self, url: str) -> Target:
        """Static checks, DNS resolution, every resolved address checked; the first one is used."""
        host, port, path = self.check_url(url)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(host, port)]
        if not addresses:
            raise UnsafeDestination(f"o nome '{host}' não tem endereço")
        for address in addresses:
            problem = self._address_problem(address)
            if problem:
                raise UnsafeDestination(
                    f"o destino {host} resolve para o endereço {problem} {address}: recusado (proteção SSRF)"
                )
        return Target(url, host, port, path, str(addresses[0]))
