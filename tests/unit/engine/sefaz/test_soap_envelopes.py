"""``soap.Envelopes.wrap`` (the envelope's bytes kept per service namespace) returns exactly what
``soap.envelope`` builds with lxml, for every service a UF offers and messages with or without an
XML declaration."""

from __future__ import annotations

import pytest

import states
from engine.sefaz.soap import Envelopes, envelope

MESSAGES = [
    b'<consStatServ xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><tpAmb>2</tpAmb></consStatServ>',
    b'<?xml version="1.0" encoding="UTF-8"?>\n<enviNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">'
    b"<idLote>1</idLote><indSinc>1</indSinc></enviNFe>\n",
    b'\xef\xbb\xbf<?xml version="1.0"?><envEvento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00"/>',
]


@pytest.mark.parametrize(("uf", "modelo"), [("SP", 65), ("SP", 55), ("PR", 65), ("MG", 55)])
def test_wrap_is_the_envelope_byte_for_byte(uf: str, modelo: int) -> None:
    envelopes = Envelopes()
    services = states.offered_services(uf, modelo, "homologacao")
    assert services
    for _ in range(2):  # built on first use, then taken from the instance
        for service in services:
            endpoint = states.endpoint(uf, modelo, "homologacao", service)
            for message in MESSAGES:
                assert envelopes.wrap(endpoint, message) == envelope(endpoint, message)


def test_the_message_is_never_part_of_the_kept_bytes() -> None:
    envelopes = Envelopes()
    endpoint = states.endpoint("SP", 65, "homologacao", "NFeAutorizacao4")
    first = envelopes.wrap(endpoint, MESSAGES[0])
    second = envelopes.wrap(endpoint, MESSAGES[1])
    assert MESSAGES[0] in first and MESSAGES[0] not in second
    assert b"<idLote>1</idLote>" in second and b"<idLote>" not in first
