"""Record layouts of the EFD ICMS/IPI (Guia Prático 3.1.8) and the layout version table.

Both are data files under ``engine/sped/data`` with their source; this module only loads them
(once per process) into frozen structures shared by the writer and the validator.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from engine.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Campo:
    """One field of a record. ``tam`` is the maximum size (digits for type N), exact when ``fixo``."""

    numero: int
    nome: str
    tipo: str  # "C" (character) or "N" (numeric)
    tam: int | None
    fixo: bool
    dec: int | None
    obrig: str  # O / OC / N (saída column where the Guia splits entrada/saída)
    obrig_entrada: str


@dataclass(frozen=True, slots=True)
class Registro:
    reg: str
    titulo: str
    nivel: int
    campos: tuple[Campo, ...]

    @property
    def bloco(self) -> str:
        return self.reg[0]


@dataclass(frozen=True, slots=True)
class VersaoLeiaute:
    cod_ver: str
    leiaute: str
    inicio: dt.date
    fim: dt.date | None
    inferida: bool


# Block order of the file (Guia 3.1.8, Seção 1): 0, B, C, D, E, G, H, K, 1, 9.
ORDEM_BLOCOS = "0BCDEGHK19"

# Parent of each record (hierarchy checked by the validator; Guia "Nível hierárquico").
PAI: dict[str, str | None] = {
    "0000": None, "0001": "0000", "0002": "0001", "0005": "0001", "0100": "0001", "0150": "0001",
    "0190": "0001", "0200": "0001", "0990": "0000",
    "B001": "0000", "B990": "0000",
    "C001": "0000", "C100": "C001", "C170": "C100", "C190": "C100", "C990": "0000",
    "D001": "0000", "D990": "0000",
    "E001": "0000", "E100": "E001", "E110": "E100", "E111": "E110", "E116": "E110", "E990": "0000",
    "G001": "0000", "G990": "0000",
    "H001": "0000", "H005": "H001", "H010": "H005", "H990": "0000",
    "K001": "0000", "K990": "0000",
    "1001": "0000", "1010": "1001", "1601": "1001", "1990": "0000",
    "9001": "0000", "9900": "9001", "9990": "0000", "9999": None,
}


def _read(name: str) -> Any:
    return json.loads(resources.files("engine.sped").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def registros() -> dict[str, Registro]:
    """Every record this project writes or validates, by REG (loaded once per process)."""
    data = _read("layout-3.1.8.json")["registros"]
    out: dict[str, Registro] = {}
    for reg, spec in data.items():
        campos = tuple(
            Campo(numero=i, nome=c["nome"], tipo=c["tipo"], tam=c["tam"], fixo=c["fixo"], dec=c["dec"],
                  obrig=c["obrig"], obrig_entrada=c.get("obrig_entrada", c["obrig"]))
            for i, c in enumerate(spec["campos"], start=1)
        )
        out[reg] = Registro(reg=reg, titulo=spec["titulo"], nivel=spec["nivel"], campos=campos)
    return out


@cache
def versoes() -> tuple[VersaoLeiaute, ...]:
    """Tabela 3.1.1 (COD_VER), oldest first; ``inferida`` marks versions not read from an official copy."""
    return tuple(
        VersaoLeiaute(
            cod_ver=v["cod_ver"], leiaute=v["leiaute"], inicio=dt.date.fromisoformat(v["inicio"]),
            fim=dt.date.fromisoformat(v["fim"]) if v["fim"] else None, inferida=v["evidencia"] == "inferido",
        )
        for v in _read("cod_ver.json")["versoes"]
    )


def versao_para(dt_fin: dt.date) -> VersaoLeiaute:
    """The layout version in force on ``dt_fin`` (the PVA validates COD_VER against 0000.DT_FIN)."""
    for v in versoes():
        if v.inicio <= dt_fin and (v.fim is None or dt_fin <= v.fim):
            return v
    raise ConfigurationError(
        f"nenhuma versão de leiaute da EFD ICMS/IPI conhecida para o período que termina em "
        f"{dt_fin:%d/%m/%Y} (tabela 3.1.1 do Ato COTEPE/ICMS 44/2018)",
        code="SPED_COD_VER_DESCONHECIDO",
    )
