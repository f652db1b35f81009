"""One simulator and one test PKI per session (RSA key generation is the slow part); state is reset
after every test through the control API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

import simulator

from .sefazclient import Client, Signer, cnpj_with_dv, signer_from_pfx

EMITTER = cnpj_with_dv("112223330001")
OTHER = cnpj_with_dv("998887770001")


@dataclass
class Party:
    cnpj: str
    client: Client
    signer: Signer


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[simulator.RunningSimulator]:
    running = simulator.start(pki_dir=tmp_path_factory.mktemp("sefaz-pki"))
    try:
        yield running
    finally:
        running.stop()
    assert running.app.errors == [], "the simulator raised internally (answered SOAP Receiver faults)"


def _party(sim: simulator.RunningSimulator, cnpj: str, directory: Path) -> Party:
    pfx, password = sim.client_pfx(cnpj)
    key, cert, chain = pkcs12.load_key_and_certificates(pfx, password.encode())
    assert key is not None and cert is not None
    cert_file, key_file = directory / f"{cnpj}.pem", directory / f"{cnpj}.key"
    cert_file.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Party(cnpj, Client(sim.url, sim.ca_pem_path, cert_file, key_file), signer_from_pfx(pfx, password))


@pytest.fixture(scope="session")
def emitter(sim: simulator.RunningSimulator, tmp_path_factory: pytest.TempPathFactory) -> Party:
    return _party(sim, EMITTER, tmp_path_factory.mktemp("emitter"))


@pytest.fixture(scope="session")
def other(sim: simulator.RunningSimulator, tmp_path_factory: pytest.TempPathFactory) -> Party:
    return _party(sim, OTHER, tmp_path_factory.mktemp("other"))


@pytest.fixture(autouse=True)
def _reset(emitter: Party) -> Iterator[None]:
    yield
    emitter.client.control("POST", "/_control/reset")


_numbers = itertools.count(1000)


@pytest.fixture
def nnf() -> int:
    """A fresh NF number per test (state is reset anyway; distinct numbers keep failures readable)."""
    return next(_numbers)
