"""Reference data of the tax computation, read from versioned files in ``data/`` (design
convention 7: facts that change are data): IBS/CBS rates per validity period and the cClassTrib
table subset. Each file carries its source and date in ``_meta``; the loaders cache the parsed
files once per process (immutable results).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from engine.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class IbsCbsPeriodo:
    inicio: date
    fim: date | None
    pCBS: Decimal
    pIBSUF: Decimal
    pIBSMun: Decimal
    somar_no_total: bool
    crt_obrigatorios: frozenset[int]
    fonte: str


@dataclass(frozen=True, slots=True)
class ClassTrib:
    codigo: str
    cst: str
    pRedIBS: Decimal
    pRedCBS: Decimal
    grupo_ibscbs: bool
    descricao: str


def _read(name: str) -> Any:
    text = resources.files("engine.nfe.build").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text, parse_float=Decimal)


@functools.lru_cache(maxsize=1)
def periodos() -> tuple[IbsCbsPeriodo, ...]:
    out = []
    for p in _read("ibscbs_aliquotas.json")["periodos"]:
        out.append(
            IbsCbsPeriodo(
                inicio=date.fromisoformat(p["inicio"]),
                fim=date.fromisoformat(p["fim"]) if p.get("fim") else None,
                pCBS=Decimal(p["pCBS"]),
                pIBSUF=Decimal(p["pIBSUF"]),
                pIBSMun=Decimal(p["pIBSMun"]),
                somar_no_total=bool(p["somar_no_total"]),
                crt_obrigatorios=frozenset(int(c) for c in p["crt_obrigatorios"]),
                fonte=str(p["fonte"]),
            )
        )
    return tuple(sorted(out, key=lambda x: x.inicio))


def periodo_em(dia: date) -> IbsCbsPeriodo:
    """The IBS/CBS rates in force on ``dia`` (the emission date in the emitter's time zone)."""
    for p in periodos():
        if p.inicio <= dia and (p.fim is None or dia <= p.fim):
            return p
    raise ConfigurationError(
        f"não há alíquotas de IBS/CBS configuradas para {dia.isoformat()} "
        "(engine/nfe/build/data/ibscbs_aliquotas.json): cadastre o período vigente",
        code="ALIQUOTAS_IBSCBS_AUSENTES",
    )


@functools.lru_cache(maxsize=1)
def _tabela() -> dict[str, ClassTrib]:
    out: dict[str, ClassTrib] = {}
    for codigo, c in _read("cclasstrib.json")["codigos"].items():
        out[codigo] = ClassTrib(
            codigo=codigo,
            cst=str(c["cst"]),
            pRedIBS=Decimal(c["pRedIBS"]),
            pRedCBS=Decimal(c["pRedCBS"]),
            grupo_ibscbs=bool(c["grupo_ibscbs"]),
            descricao=str(c["descricao"]),
        )
    return out


def class_trib(codigo: str) -> ClassTrib | None:
    """The cClassTrib entry, or None when the code is not in our table."""
    return _tabela().get(codigo)


def class_trib_codigos() -> tuple[str, ...]:
    return tuple(sorted(_tabela()))
