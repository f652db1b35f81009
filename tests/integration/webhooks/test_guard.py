"""SSRF guard: https only, no credentials, every resolved address public unless allowed."""

from __future__ import annotations

import pytest

from adapters.webhook_guard import Guard, UnsafeDestination


def _guard(*addresses: str, allow: str = "") -> Guard:
    g = Guard.from_env({"ORTHO_WEBHOOK_ALLOW_NETWORKS": allow}, resolver=lambda host, port: list(addresses))
    return g


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.10", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "ff02::1",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(UnsafeDestination, match="SSRF"):
        _guard(address).resolve("https://hooks.example.com/x")


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(UnsafeDestination, match=r"10\.1\.2\.3"):
        _guard("93.184.215.14", "10.1.2.3").resolve("https://hooks.example.com/x")


def test_public_destination_is_pinned_to_the_checked_address() -> None:
    target = _guard("93.184.215.14").resolve("https://hooks.example.com:8443/w?a=1")
    assert (target.host, target.port, target.path, target.address) == ("hooks.example.com", 8443, "/w?a=1",
                                                                      "93.184.215.14")


@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.example.com/x", "https"),
    ("https://user:pw@hooks.example.com/x", "usuário/senha"),
    ("https:///x", "host"),
    ("ftp://hooks.example.com/x", "https"),
    ("https://hooks.example.com/x#frag", "fragmento"),
])
def test_static_url_rules(url: str, message: str) -> None:
    with pytest.raises(UnsafeDestination, match=message):
        _guard("93.184.215.14").resolve(url)


def test_ip_literals_are_checked_without_dns_and_the_development_allowance_admits_loopback() -> None:
    with pytest.raises(UnsafeDestination):
        _guard().resolve("https://127.0.0.1:9443/x")
    assert _guard(allow="127.0.0.1/32").resolve("https://127.0.0.1:9443/x").address == "127.0.0.1"
    with pytest.raises(UnsafeDestination):
        _guard(allow="127.0.0.1/32").resolve("https://10.0.0.1/x")


def test_bad_allowance_is_a_configuration_error() -> None:
    with pytest.raises(UnsafeDestination, match="rede inválida"):
        Guard.from_env({"ORTHO_WEBHOOK_ALLOW_NETWORKS": "localhost"})
