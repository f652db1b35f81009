"""Classification of SEFAZ cStat codes (data: ``engine/sefaz/data/cstat.json``, built from the reference).

A SEFAZ answer is a result, not an exception (design.md, convention 3); the category tells the
caller what it means for the document:

* ``sucesso``: the request did what was asked (100 autorizado, 135 evento registrado, 107 serviço em
  operação, 103/104/105 lote recebido/processado/em processamento...);
* ``denegado``: uso denegado (110, 205, 301, 302, 303): the number is consumed, the document can be
  neither cancelled nor reused;
* ``rejeicao``: not accepted; fix and re-send with the same number (except duplicity);
* ``erro_servico``: the service did not process it (106, 108/109 paralisado, 113/114, 142): try later
  or go to contingency.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

Categoria = Literal["sucesso", "denegado", "rejeicao", "erro_servico", "desconhecido"]

# Documents authorised: 100, and 150 (authorised out of time: same effect, cstat.json note).
AUTORIZADO = frozenset({"100", "150"})
# Events registered (135 vinculado, 136 não vinculado, 155 cancelamento fora de prazo) and EPEC (124).
EVENTO_REGISTRADO = frozenset({"135", "136", "155", "124"})
# Lote: 103 recebido (async), 104 processado, 105 em processamento (poll again after tMed).
LOTE_RECEBIDO = "103"
LOTE_PROCESSADO = "104"
LOTE_EM_PROCESSAMENTO = "105"
DUPLICIDADE_NFE = "204"
DUPLICIDADE_CHAVE_DIFERENTE = "539"
NAO_CONSTA = "217"
CONSUMO_INDEVIDO = "656"
PARALISADO = frozenset({"108", "109"})


@dataclass(frozen=True, slots=True)
class CStatInfo:
    cstat: str
    mensagem: str
    categoria: Categoria
    nota: str = ""


@functools.cache
def _table() -> Mapping[str, CStatInfo]:
    text = resources.files("engine.sefaz").joinpath("data", "cstat.json").read_text(encoding="utf-8")
    raw = json.loads(text)["codigos"]
    return MappingProxyType(
        {
            code: CStatInfo(code, entry["mensagem"], cast(Categoria, entry["categoria"]), entry.get("nota", ""))
            for code, entry in raw.items()
        }
    )


def info(cstat: str) -> CStatInfo:
    """The catalogue entry of ``cstat``; an unknown code gets categoria ``desconhecido``."""
    found = _table().get(cstat.strip())
    if found is None:
        return CStatInfo(cstat, f"cStat {cstat} não consta da tabela de códigos", "desconhecido")
    return found


def categoria(cstat: str) -> Categoria:
    return info(cstat).categoria


def all_codes() -> Mapping[str, CStatInfo]:
    return _table()
