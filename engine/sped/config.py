"""Per-establishment EFD configuration (JSON file now; the service's tenant settings later).

What the documents cannot tell: the establishment's register data (0000/0005), the profile the
state assigned (IND_PERFIL) and the activity (IND_ATIV), the accountant (0100), the previous
period's credit balance and the ICMS obligation data for E116, adjustments (E111) and the
register-1010 indicators.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from engine.documentos import cnpj_valido, cpf_valido, normalizar
from engine.errors import Finding, InputError

# This module deliberately does not import engine.nfe.build (the NF-e model and builder): an EFD
# export of a million documents should not carry 30 MB of unrelated imports. The pt-BR messages of
# pydantic errors are borrowed from it only when a configuration is actually invalid.


class ConfiguracaoInvalida(InputError):
    """The establishment's EFD configuration was rejected; ``findings`` names every field in pt-BR."""

    code = "SPED_CONFIGURACAO_INVALIDA"

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        first = self.findings[0] if self.findings else None
        super().__init__(f"{first.path}: {first.mensagem}" if first and first.path else
                         (first.mensagem if first else "configuração inválida"), path=first.path if first else "")


def _latin1(value: str) -> str:
    # The EFD is ISO-8859-1 (Ato COTEPE/ICMS 44/2018): refuse what it cannot carry, naming the field.
    for ch in value:
        if not 0x20 <= ord(ch) <= 0xFF or ch == "|":
            raise ValueError(f"caractere {ch!r} não pode ser gravado na EFD (texto ISO-8859-1, sem '|' nem quebras "
                             "de linha)")
    return value


LATIN1 = AfterValidator(_latin1)
DOCUMENTO = BeforeValidator(lambda v: normalizar(v) if isinstance(v, str) else v)
DIGITOS = BeforeValidator(lambda v: re.sub(r"[\s.()/-]", "", v) if isinstance(v, str) else v)

Texto = Annotated[str, LATIN1, Field(min_length=1)]
Dinheiro = Annotated[Decimal, Field(ge=0, max_digits=17, decimal_places=2)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Contabilista(_Base):
    """Register 0100 (Guia 3.1.8): the accountant responsible for the bookkeeping."""

    nome: Annotated[str, LATIN1, Field(min_length=1, max_length=100)]
    cpf: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9]{11}$")]
    crc: Annotated[str, LATIN1, Field(min_length=1, max_length=15)]
    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")] | None = None
    cep: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{8}$")] | None = None
    end: Annotated[str, LATIN1, Field(max_length=60)] | None = None
    num: Annotated[str, LATIN1, Field(max_length=10)] | None = None
    compl: Annotated[str, LATIN1, Field(max_length=60)] | None = None
    bairro: Annotated[str, LATIN1, Field(max_length=60)] | None = None
    # 0100.FONE/FAX: C 11 (DDD + number); a longer value is rejected by the PVA.
    fone: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{10,11}$")] | None = None
    fax: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{10,11}$")] | None = None
    email: Annotated[str, LATIN1, Field(pattern=r"^[^@\s|]+@[^@\s|]+\.[^@\s|]+$")]
    cod_mun: Annotated[str, Field(pattern=r"^[0-9]{7}$")]

    @field_validator("cpf")
    @classmethod
    def _cpf(cls, v: str) -> str:
        if not cpf_valido(v):
            raise ValueError("CPF do contabilista com dígitos verificadores inválidos")
        return v


class Obrigacao(_Base):
    """E116 data for the ICMS due (COD_OR from Tabela 5.4, COD_REC from the state's table)."""

    cod_or: Annotated[str, Field(pattern=r"^[0-9]{3}$")] = "000"  # 000 = ICMS a recolher (operações próprias)
    cod_rec: Annotated[str, LATIN1, Field(min_length=1, max_length=30)]
    dia_vencimento: Annotated[int, Field(ge=1, le=31)]  # day of the month after the period


class Ajuste(_Base):
    """E111: an adjustment of the apuração (COD_AJ_APUR from Tabela 5.1.1 of the state)."""

    cod_aj_apur: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9]{6}$")]
    descricao: Annotated[str, LATIN1] | None = None
    valor: Dinheiro


class Indicadores1010(_Base):
    """Register 1010 answers (all 'N' by default; each 'S' obliges its register, not generated here)."""

    ind_exp: Literal["S", "N"] = "N"
    ind_ccrf: Literal["S", "N"] = "N"
    ind_comb: Literal["S", "N"] = "N"
    ind_usina: Literal["S", "N"] = "N"
    ind_va: Literal["S", "N"] = "N"
    ind_ee: Literal["S", "N"] = "N"
    # IND_CART is not configured: the writer sets it from the documents ('S' when it writes 1601).
    ind_cart: Literal["S", "N"] = "N"
    ind_form: Literal["S", "N"] = "N"
    ind_aer: Literal["S", "N"] = "N"
    ind_giaf1: Literal["S", "N"] = "N"
    ind_giaf3: Literal["S", "N"] = "N"
    ind_giaf4: Literal["S", "N"] = "N"
    ind_rest_ressarc_compl_icms: Literal["S", "N"] = "N"

    @model_validator(mode="after")
    def _sem_registros(self) -> Indicadores1010:
        # Each 'S' obliges a record of block 1 (1100, 1200, ... 1601) that this generator does not
        # write: refuse rather than produce a file the PVA rejects.
        marcados = [k for k, v in self.model_dump().items() if v == "S" and k != "ind_cart"]
        if marcados:
            raise ValueError(
                f"indicadores {', '.join(marcados)} = 'S' exigem registros do bloco 1 (1100/1200/...) "
                "que este gerador não produz; informe 'N' ou complemente o arquivo no PVA")
        return self


class Estabelecimento(_Base):
    """One establishment (CNPJ + IE) and its EFD profile."""

    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")]
    nome: Annotated[str, LATIN1, Field(min_length=1, max_length=100)]
    uf: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    ie: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{2,14}$")]
    cod_mun: Annotated[str, Field(pattern=r"^[0-9]{7}$")]
    im: Annotated[str, LATIN1] | None = None
    suframa: Annotated[str, Field(pattern=r"^[0-9]{8,9}$")] | None = None
    ind_perfil: Literal["A", "B", "C"]
    ind_ativ: Literal["0", "1"] = "1"
    # 0002.CLAS_ESTAB_IND: only for industrial establishments (IND_ATIV = 0).
    clas_estab_ind: Annotated[str, Field(pattern=r"^[0-9]{2}$")] | None = None
    cod_fin: Literal["0", "1"] = "0"
    fantasia: Annotated[str, LATIN1, Field(min_length=1, max_length=60)]
    cep: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{8}$")]
    end: Annotated[str, LATIN1, Field(min_length=1, max_length=60)]
    num: Annotated[str, LATIN1, Field(max_length=10)] | None = None
    compl: Annotated[str, LATIN1, Field(max_length=60)] | None = None
    bairro: Annotated[str, LATIN1, Field(min_length=1, max_length=60)]
    # 0005.FONE/FAX: C 11 (DDD + number) — a 12+ digit phone is a classic PVA rejection.
    fone: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{10,11}$")] | None = None
    fax: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{10,11}$")] | None = None
    email: Annotated[str, LATIN1, Field(pattern=r"^[^@\s|]+@[^@\s|]+\.[^@\s|]+$")] | None = None
    contabilista: Contabilista
    # C100.VL_PIS/VL_COFINS: whoever delivers the EFD-Contribuições for the same period leaves them
    # empty (Guia 3.1.8, C100 campos 26-29).
    entrega_efd_contribuicoes: bool = True
    saldo_credor_anterior: Dinheiro = Decimal("0.00")
    obrigacao: Obrigacao | None = None
    ajustes: tuple[Ajuste, ...] = ()
    indicadores_1010: Indicadores1010 = Indicadores1010()

    @field_validator("cnpj")
    @classmethod
    def _cnpj(cls, v: str) -> str:
        if not cnpj_valido(v):
            raise ValueError("CNPJ do estabelecimento com dígitos verificadores inválidos")
        return v

    @model_validator(mode="after")
    def _industria(self) -> Estabelecimento:
        if self.clas_estab_ind is not None and self.ind_ativ != "0":
            raise ValueError("clas_estab_ind (registro 0002) só pode ser informado para estabelecimento "
                             "industrial ou equiparado (ind_ativ = '0')")
        return self


def parse_estabelecimento(data: object) -> Estabelecimento:
    try:
        return Estabelecimento.model_validate(data)
    except ValidationError as exc:
        from engine.nfe.build.messages import findings_from_validation  # only on error: see the note above

        raise ConfiguracaoInvalida(findings_from_validation(exc, code="SPED_CONFIG")) from exc


def load_estabelecimento(path: str | Path) -> Estabelecimento:
    """Load the establishment's EFD configuration (JSON; numbers read as Decimal, never float)."""
    p = Path(path)
    try:
        data: Any = json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise ConfiguracaoInvalida([Finding(code="ARQUIVO_ILEGIVEL", path=str(p),
                                            mensagem=f"não foi possível ler {p}: {exc.strerror}")]) from exc
    except json.JSONDecodeError as exc:
        raise ConfiguracaoInvalida([Finding(code="JSON_INVALIDO", path=str(p), line=exc.lineno,
                                            mensagem=f"JSON inválido na linha {exc.lineno}, coluna {exc.colno}: "
                                            f"{exc.msg}")]) from exc
    return parse_estabelecimento(data)


def periodo(texto: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` -> (first day, last day) of that month."""
    try:
        ano, mes = (int(p) for p in texto.split("-"))
        inicio = dt.date(ano, mes, 1)
    except ValueError as exc:
        raise ValueError(f"período inválido: {texto!r} (use AAAA-MM, ex.: 2026-03)") from exc
    fim = (inicio.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return inicio, fim
