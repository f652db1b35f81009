"""Errors raised by the states registry.

``states`` is a leaf package (it imports nothing from ``engine``), so it has its own small tree;
the engine translates these at its boundary (``raise FiscalError(...) from exc``) when it needs to.
Every error carries a stable ``code`` and a pt-BR ``mensagem`` for the end user.

    StatesError                   root (a ``LookupError``: the registry has no such entry)
    ├── UnknownUF                 UF_DESCONHECIDA: not one of the 27 siglas / IBGE codes
    ├── InvalidModel              MODELO_INVALIDO: not 55 (NF-e) or 65 (NFC-e)
    ├── InvalidEnvironment        AMBIENTE_INVALIDO: not producao/homologacao (tpAmb 1/2)
    ├── UnknownService            SERVICO_DESCONHECIDO: a service name the registry never lists
    └── ServiceNotOffered         SERVICO_NAO_OFERECIDO: a known service the UF/authorizer does not offer
"""

from __future__ import annotations


class StatesError(LookupError):
    """Root of the registry's errors."""

    code = "STATES_ERRO"

    def __init__(self, mensagem: str) -> None:
        super().__init__(mensagem)
        self.mensagem = mensagem


class UnknownUF(StatesError):
    code = "UF_DESCONHECIDA"


class InvalidModel(StatesError):
    code = "MODELO_INVALIDO"


class InvalidEnvironment(StatesError):
    code = "AMBIENTE_INVALIDO"


class UnknownService(StatesError):
    code = "SERVICO_DESCONHECIDO"


class ServiceNotOffered(StatesError):
    code = "SERVICO_NAO_OFERECIDO"
