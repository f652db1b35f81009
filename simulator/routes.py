"""Which simulated web service a request path addresses, built from the ``states`` registry.

The clients address us as ``https://127.0.0.1:PORT/<autorizador>/<modelo>/<real path>``
(``states.url(..., base_override=...)``); ``states.route`` maps the path back, and this table adds
the SOAP operation of that endpoint and the UFs (cUF) the authorizer serves, so a message from a UF
the authorizer does not serve is rejected with 226 as SEFAZ does.

Each route also carries the clock of its authorizer (``zone``): SEFAZ stamps dhRecbto, dhRegEvento,
dhCons with the authorizer's own clock, not the document's UF. A UF that authorizes itself answers
in its own zone (``states.uf(sigla).timezone``); the shared authorizers (SVRS, SVAN, SVC-AN, SVC-RS)
and the Ambiente Nacional answer in Brasília time, the zone of the federal capital in the registry.
So an AC (UTC-5) NF-e, authorized by SVRS, gets -03:00 stamps, which the event schemas accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import states
from states import StatesError

_PROBE_BASE = "https://simulador.invalid"
FEDERAL_CAPITAL = "DF"  # Brasília: the clock of the national/shared authorizers


def authorizer_zone(autorizador: str) -> ZoneInfo:
    """The clock an authorizer stamps its answers with: the zone of the UF when the authorizer is a UF
    of the registry, else (SVRS, SVAN, SVC-AN, SVC-RS, AN: federal infrastructure) Brasília time."""
    known = {u.sigla: u for u in states.all_ufs()}
    return known.get(autorizador, known[FEDERAL_CAPITAL]).zoneinfo()


@dataclass(frozen=True, slots=True)
class ServiceRoute:
    autorizador: str
    modelo: str
    service: str
    operation: str  # SOAP operation: the wsdl namespace suffix
    cufs: frozenset[str]  # cUF codes this authorizer serves for this model
    ufs: frozenset[str]  # the same as siglas (for fault matching)
    zone: ZoneInfo  # the authorizer's clock (dhRecbto, dhRegEvento, dhCons): see authorizer_zone

    @property
    def namespace(self) -> str:
        return states.model.WSDL_NS_BASE + self.operation


class RouteTable:
    """Every (autorizador, modelo, service) the registry offers in homologação, incl. SVC and AN."""

    def __init__(self) -> None:
        found: dict[tuple[str, str, str], tuple[str, set[str], set[str]]] = {}

        def add(ep: states.Endpoint, sigla: str) -> None:
            key = (ep.autorizador, ep.modelo, ep.service)
            entry = found.setdefault(key, (ep.soap_operation, set(), set()))
            entry[1].add(states.uf(sigla).codigo)
            entry[2].add(sigla)

        for uf in states.all_ufs():
            for model in states.MODELOS:
                for service in states.offered_services(uf.sigla, model, "homologacao"):
                    add(states.endpoint(uf.sigla, model, "homologacao", service, base_override=_PROBE_BASE), uf.sigla)
                    try:
                        add(
                            states.endpoint(
                                uf.sigla, model, "homologacao", service, contingency=True, base_override=_PROBE_BASE
                            ),
                            uf.sigla,
                        )
                    except StatesError:
                        pass  # no contingency authorizer for this service/model (NFC-e has no SVC)
            for service in states.national_services():
                try:
                    add(states.endpoint(uf.sigla, "55", "homologacao", service, base_override=_PROBE_BASE), uf.sigla)
                    add(
                        states.endpoint(
                            uf.sigla, "55", "homologacao", service, nacional=True, base_override=_PROBE_BASE
                        ),
                        uf.sigla,
                    )
                except StatesError:
                    pass
        self._routes = {
            key: ServiceRoute(key[0], key[1], key[2], op, frozenset(cufs), frozenset(siglas), authorizer_zone(key[0]))
            for key, (op, cufs, siglas) in found.items()
        }

    def resolve(self, path: str) -> ServiceRoute | None:
        try:
            route = states.route(urlsplit(path).path)
        except StatesError:
            return None
        return self._routes.get((route.autorizador, route.modelo, route.service))

    def __len__(self) -> int:
        return len(self._routes)
