"""The emitter configuration: the clinic's fiscal identity, series, environment, NFC-e CSC,
technical responsible (infRespTec) and default tax profile. Loaded from a JSON file.

The tax profile lets a PDV send only code/description/NCM/quantity/price: each item without its own
``tributacao`` group takes the profile's (ICMS by CRT, PIS, COFINS, IBS/CBS, CFOP, origin).
"""

from __future__ import annotations

import json
import weakref
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from engine.documentos import cnpj_valido, cpf_valido
from engine.errors import Finding
from engine.nfe.build.input import (
    DIGITOS,
    DOCUMENTO,
    LATIN1,
    Aliquota,
    Endereco,
    TributacaoIBSCBS,
    TributacaoICMS,
    TributacaoPisCofins,
)
from engine.nfe.build.messages import EntradaInvalida, findings_from_validation


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CSC(_Base):
    """Código de Segurança do Contribuinte (NFC-e QR-Code v2): its id at the SEFAZ and the token."""

    id: Annotated[str, Field(pattern=r"^[0-9]{1,6}$")] = Field(description="idCSC (ex.: 000001)")
    token: Annotated[str, Field(min_length=16, max_length=36)] = Field(description="CSC")


class CSRT(_Base):
    """Código de Segurança do Responsável Técnico (NT 2018.005): id and the secret; the builder
    computes hashCSRT = Base64(SHA-1(CSRT + chave de acesso))."""

    id: Annotated[str, Field(pattern=r"^[0-9]{2}$")] = Field(description="idCSRT")
    token: Annotated[str, Field(min_length=16, max_length=36)] = Field(description="CSRT")


class ResponsavelTecnico(_Base):
    """infRespTec."""

    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")]
    contato: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="xContato")
    email: Annotated[str, LATIN1, Field(min_length=6, max_length=60, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    fone: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{6,14}$")]
    csrt: CSRT | None = None

    @field_validator("cnpj")
    @classmethod
    def _cnpj(cls, v: str) -> str:
        if not cnpj_valido(v):
            raise ValueError("CNPJ do responsável técnico com dígitos verificadores inválidos")
        return v


class Series(_Base):
    """ide/serie per model; 890-999 are reserved (NF-e avulsa, SCAN, fisco) and refused (cStat 266)."""

    nfe: Annotated[int, Field(ge=0, le=889)] = 1
    nfce: Annotated[int, Field(ge=0, le=889)] = 1


class PerfilTributario(_Base):
    """Default tax classification of the emitter's items."""

    icms: TributacaoICMS
    pis: TributacaoPisCofins
    cofins: TributacaoPisCofins
    ibs_cbs: TributacaoIBSCBS | None = Field(
        default=None, description="obrigatório para CRT 3 (NT 2025.002-RTC); opcional para o Simples Nacional em 2026"
    )
    cfop: Annotated[str, Field(pattern=r"^5[0-9]{3}$")] = Field(
        default="5102", description="CFOP das operações internas; nas interestaduais o 5 vira 6"
    )
    origem: Annotated[int, Field(ge=0, le=8)] = Field(default=0, description="orig padrão da mercadoria")
    aliquota_tributos_aproximada: Aliquota | None = Field(
        default=None, description="% aproximado de tributos (Lei 12.741/2012); ausente = sem vTotTrib"
    )
    excluir_icms_base_pis_cofins: bool = Field(
        default=True,
        description="exclui o ICMS destacado da base do PIS/COFINS (Lei 14.592/2023; STF RE 574.706)",
    )


class Derivados:
    """What the builder derives from one Emitente and reuses for all its documents (the validated emit group,
    engine.nfe.build.builder): an emitter issues thousands of documents with the same configuration, and a
    frozen Emitente never changes what is derived from it. Held by the Emitente, never part of its value: all
    memos compare equal, and a copy or a pickle starts empty."""

    __slots__ = ("dono", "emit")

    def __init__(self) -> None:
        self.dono: weakref.ref[Emitente] | None = None
        self.emit: Any = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Derivados)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> Derivados:
        return Derivados()

    def __reduce__(self) -> tuple[type[Derivados], tuple[()]]:
        return Derivados, ()


class Emitente(_Base):
    """The emitter configuration file."""

    _derivados: Derivados = PrivateAttr(default_factory=Derivados)

    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")]
    ie: Annotated[str, DIGITOS, Field(pattern=r"^([0-9]{2,14}|ISENTO)$")] = Field(description="IE")
    im: Annotated[str, LATIN1, Field(min_length=1, max_length=15)] | None = Field(default=None, description="IM")
    cnae: Annotated[str, Field(pattern=r"^[0-9]{7}$")] | None = Field(default=None, description="CNAE (com IM)")
    crt: Literal[1, 2, 3, 4] = Field(description="CRT: 1 Simples, 2 excesso sublimite, 3 regime normal, 4 MEI")
    razao_social: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="xNome")
    nome_fantasia: Annotated[str, LATIN1, Field(min_length=1, max_length=60)] | None = Field(
        default=None, description="xFant"
    )
    endereco: Endereco
    series: Series = Field(default_factory=Series)
    ambiente: Literal[1, 2] = Field(default=2, description="tpAmb: 1 produção, 2 homologação")
    csc: CSC | None = Field(default=None, description="obrigatório para NFC-e com QR-Code versão 2")
    qrcode_versao: Literal[2, 3] = Field(default=3, description="versão do QR-Code da NFC-e (NT 2025.001)")
    responsavel_tecnico: ResponsavelTecnico | None = None
    autorizados_xml: Annotated[
        list[Annotated[str, DOCUMENTO, Field(pattern=r"^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]], Field(max_length=10)
    ] = Field(default_factory=list, description="autXML: CPF/CNPJ autorizados a baixar o XML (ex.: o contador)")
    perfil_tributario: PerfilTributario

    @field_validator("cnpj")
    @classmethod
    def _cnpj(cls, v: str) -> str:
        if not cnpj_valido(v):
            raise ValueError("CNPJ do emitente com dígitos verificadores inválidos")
        return v

    @field_validator("autorizados_xml")
    @classmethod
    def _autorizados(cls, v: list[str]) -> list[str]:
        for doc in v:
            if not (cpf_valido(doc) if len(doc) == 11 else cnpj_valido(doc)):
                raise ValueError(f"CPF/CNPJ autorizado '{doc}' com dígitos verificadores inválidos")
        return v

    def derivados(self) -> Derivados:
        """This emitter's memo of derived values. ``model_copy`` shares private values with the original, so
        a memo found owned by another Emitente is replaced, never reused."""
        private = self.__pydantic_private__  # pydantic's __getattr__ for a private attribute costs ~1.7 us
        memo: Derivados = private["_derivados"] if private is not None else self._derivados
        dono = memo.dono
        if dono is None or dono() is not self:
            if dono is not None:
                memo = Derivados()
                self._derivados = memo
            memo.dono = weakref.ref(self)
        return memo

    @model_validator(mode="after")
    def _perfil_do_crt(self) -> Emitente:
        icms = self.perfil_tributario.icms
        if self.crt in (1, 4) and icms.csosn is None:
            raise ValueError(f"CRT {self.crt} (Simples Nacional) exige 'perfil_tributario.icms.csosn'")
        if self.crt in (2, 3) and icms.cst is None:
            raise ValueError(f"CRT {self.crt} (regime normal) exige 'perfil_tributario.icms.cst'")
        if self.qrcode_versao == 2 and self.csc is None:
            raise ValueError("QR-Code versão 2 exige o 'csc' (id e token) — evita a rejeição 796")
        return self


def parse_emitente(data: Any) -> Emitente:
    """Validate the decoded configuration; raises EntradaInvalida (paths prefixed 'emitente')."""
    try:
        return Emitente.model_validate(data)
    except ValidationError as exc:
        raise EntradaInvalida(findings_from_validation(exc, prefix="emitente", code="EMITENTE")) from exc


def load_json_decimal(path: str | Path) -> Any:
    """Read a JSON file with numbers as Decimal (never float): 0.1 stays exactly 0.1."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise EntradaInvalida([Finding(code="ARQUIVO_ILEGIVEL", mensagem=f"não foi possível ler {p}: {exc.strerror}",
                                       path=str(p))]) from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise EntradaInvalida([Finding(code="JSON_INVALIDO", line=exc.lineno, path=str(p),
                                       mensagem=f"JSON inválido na linha {exc.lineno}, coluna {exc.colno}: {exc.msg}")
                               ]) from exc


def load_emitente(path: str | Path) -> Emitente:
    """Load and validate the emitter configuration file."""
    return parse_emitente(load_json_decimal(path))
