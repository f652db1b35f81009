"""base_override points the whole registry at one host (the SEFAZ simulator on loopback) without
editing the data; route() maps the request path back to authorizer, model and service."""

from __future__ import annotations

import itertools
from types import MappingProxyType
from urllib.parse import urlsplit

import pytest

import states
from states import registry

SIM = "https://127.0.0.1:8443"


def _offered() -> list[states.Endpoint]:
    out = []
    for u, modelo, env in itertools.product(states.all_ufs(), ("55", "65"), ("producao", "homologacao")):
        for service in states.core_services(modelo):
            for contingency in (False, True):
                try:
                    out.append(states.endpoint(u, modelo, env, service, contingency=contingency))
                except states.ServiceNotOffered:
                    pass
        if modelo == "55":
            out += [states.endpoint(u, 55, env, s, nacional=True) for s in states.national_services()]
    return out


OFFERED = _offered()


def test_every_offered_endpoint_was_collected() -> None:
    # 27 UFs x 2 envs: 7 NF-e core (minus 5 without cadastro) + 5 SVC + 5 AN + 6 NFC-e.
    assert len(OFFERED) == 27 * 2 * (7 + 5 + 5 + 6) - 5


@pytest.mark.parametrize("prefix", ["", "/sefaz", "/sefaz/"])
def test_override_keeps_the_service_path_and_routes_back(prefix: str) -> None:
    for ep in OFFERED:
        over = states.endpoint(
            ep.uf, ep.modelo, ep.ambiente, ep.service,
            contingency=ep.contingencia, nacional=ep.autorizador == "AN", base_override=SIM + prefix,
        )  # fmt: skip
        parts = urlsplit(over.url)
        assert (parts.scheme, parts.netloc) == ("https", "127.0.0.1:8443")
        real_path = urlsplit(ep.url).path
        assert parts.path == f"{prefix.rstrip('/')}/{ep.autorizador}/{ep.modelo}{real_path}"
        assert over.source_url == ep.url
        # Everything else (SOAP details) is unchanged.
        assert (over.soap_operation, over.soap_method, over.versao_dados) == (
            ep.soap_operation,
            ep.soap_method,
            ep.versao_dados,
        )
        assert states.route(parts.path) == states.Route(ep.autorizador, ep.modelo, ep.service)


def test_url_accepts_the_override_too() -> None:
    assert (
        states.url("SP", 55, "homologacao", "NFeAutorizacao4", base_override=SIM)
        == "https://127.0.0.1:8443/SP/55/ws/nfeautorizacao4.asmx"
    )
    assert (
        states.url("AC", 65, "homologacao", "NFeStatusServico4", base_override=SIM)
        == "https://127.0.0.1:8443/SVRS/65/ws/NfeStatusServico/NfeStatusServico4.asmx"
    )


def test_override_does_not_make_an_unoffered_service_appear() -> None:
    with pytest.raises(states.ServiceNotOffered):
        states.url("AM", 55, "producao", "CadConsultaCadastro4", base_override=SIM)


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8443", "127.0.0.1:8443", "https://", "https://h/x?y=1", "ftp://h", "https://h#f"]
)
def test_override_must_be_an_https_base(base: str) -> None:
    with pytest.raises(states.InvalidBaseOverride) as info:
        states.url("SP", 55, "homologacao", "NFeAutorizacao4", base_override=base)
    assert info.value.code == "BASE_OVERRIDE_INVALIDA"


@pytest.mark.parametrize("path", ["/", "/SP/55/nada.asmx", "/XX/55/ws/nfeautorizacao4.asmx", ""])
def test_route_of_an_unknown_path_is_an_error(path: str) -> None:
    with pytest.raises(states.UnknownService):
        states.route(path)


def test_data_is_parsed_once_and_read_only() -> None:
    first = registry._registry()
    assert registry._registry() is first
    assert isinstance(first.services, MappingProxyType)
    with pytest.raises(TypeError):
        first.services["55"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        first.not_offered["55"]["SVC-AN"]["producao"]["X"] = "y"  # type: ignore[index]
