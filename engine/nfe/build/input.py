"""The friendly PDV input: what a dental clinic's point of sale posts to get an NF-e or NFC-e.

The caller sends only what it knows about the sale (items, payments, an optional customer); the
builder fills the rest from the emitter configuration (emitter.py), the tax profile and the rates
of the period (taxes.py). Field names are pt-BR snake_case; each maps to one layout field, named in
the field's description (docs/input.md documents them all). Amounts are Decimal; a JSON number is
accepted but the CLI parses numbers as Decimal (never float).

Shape errors are pydantic errors translated to pt-BR with the JSON path (messages.py); rules that
involve several fields and the emitter (NFC-e restrictions, payments >= total, ...) are checked by
``engine.nfe.build.validate_venda`` so each finding names its exact field and the cStat it avoids.
"""

from __future__ import annotations

import re
from decimal import Decimal
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
from engine.nfe.build.messages import EntradaInvalida, findings_from_validation

UFS = frozenset(
    "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
)

# tPag (YA02) codes of the layout in force (NT 2020.006, NT 2023.004, Informe Técnico 2024.002 v1.10: 91).
TPAG_CODES = frozenset(
    ["01", "02", "03", "04", "05", "10", "11", "12", "13", "15", "16", "17", "18", "19", "20", "21", "22", "90", "91",
     "99"]
)
CARD_TPAG = frozenset(["03", "04", "17"])  # cartão de crédito/débito; PIX dinâmico may carry the card group



def _latin1(value: str) -> str:
    """The layout's text type (TString) accepts only characters U+0020..U+00FF: no line breaks,
    tabs, typographic dashes/quotes or emoji; refusing them here names the field (cStat 225)."""
    if value.isascii() and value.isprintable():  # U+0020..U+007E, the usual text: checked in C
        return value
    for ch in value:
        if not 0x20 <= ord(ch) <= 0xFF:
            shown = repr(ch) if ord(ch) < 0x20 else f"'{ch}'"
            raise ValueError(f"caractere {shown} não é aceito pelo leiaute da NF-e (use texto sem quebras de linha, "
                             "sem aspas ou travessões tipográficos e sem emojis)")
    return value


LATIN1 = AfterValidator(_latin1)


def _documento(value: object) -> object:
    return normalizar(value) if isinstance(value, str) else value


def _digitos(value: object) -> object:
    return re.sub(r"[\s.()/-]", "", value) if isinstance(value, str) else value


# PDVs often send "529.982.247-25", "01310-100" or "(11) 3333-4444": punctuation is dropped first.
DOCUMENTO = BeforeValidator(_documento)
DIGITOS = BeforeValidator(_digitos)
Texto60 = Annotated[str, LATIN1, Field(min_length=1, max_length=60)]
Dinheiro = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
Aliquota = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Endereco(_Base):
    """enderEmit / enderDest."""

    logradouro: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="xLgr")
    numero: Texto60 = Field(description="nro")
    complemento: Texto60 | None = Field(default=None, description="xCpl")
    bairro: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="xBairro")
    codigo_municipio: Annotated[str, Field(pattern=r"^[0-9]{7}$")] = Field(description="cMun (código IBGE, 7 dígitos)")
    municipio: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="xMun")
    uf: str = Field(description="UF (sigla)")
    cep: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{8}$")] | None = Field(default=None, description="CEP")
    fone: Annotated[str, DIGITOS, Field(pattern=r"^[0-9]{6,14}$")] | None = Field(default=None, description="fone")

    @field_validator("uf")
    @classmethod
    def _uf(cls, v: str) -> str:
        if v not in UFS:
            raise ValueError(f"UF '{v}' desconhecida (use a sigla em maiúsculas, ex.: SP)")
        return v


class Cliente(_Base):
    """dest: the customer (patient or company). Optional on NFC-e, required on NF-e."""

    cpf: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9]{11}$")] | None = Field(default=None, description="dest/CPF")
    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")] | None = Field(
        default=None, description="dest/CNPJ"
    )
    nome: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] | None = Field(default=None, description="xNome")
    endereco: Endereco | None = Field(default=None, description="enderDest")
    email: Annotated[str, LATIN1, Field(min_length=1, max_length=60, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = (
        Field(default=None, description="email")
    )
    ie: Annotated[str, Field(pattern=r"^[0-9]{2,14}$")] | None = Field(
        default=None, description="IE do destinatário contribuinte (só NF-e)"
    )

    @field_validator("cpf")
    @classmethod
    def _cpf(cls, v: str | None) -> str | None:
        if v is not None and not cpf_valido(v):
            raise ValueError("CPF com dígitos verificadores inválidos (evita a rejeição 237)")
        return v

    @field_validator("cnpj")
    @classmethod
    def _cnpj(cls, v: str | None) -> str | None:
        if v is not None and not cnpj_valido(v):
            raise ValueError("CNPJ com dígitos verificadores inválidos (evita a rejeição 208)")
        return v

    @model_validator(mode="after")
    def _um_documento(self) -> Cliente:
        if self.cpf and self.cnpj:
            raise ValueError("informe CPF ou CNPJ do cliente, não ambos")
        if not self.cpf and not self.cnpj:
            raise ValueError("informe o CPF ou o CNPJ do cliente")
        return self


class TributacaoICMS(_Base):
    """ICMS of one item: CST (regime normal, CRT 2/3) or CSOSN (Simples Nacional, CRT 1/4)."""

    origem: Annotated[int, Field(ge=0, le=8)] | None = Field(default=None, description="orig")
    cst: Literal["00", "20", "40", "41", "50", "60"] | None = Field(default=None, description="CST (CRT 2 ou 3)")
    csosn: Literal["101", "102", "103", "300", "400", "500"] | None = Field(
        default=None, description="CSOSN (CRT 1 ou 4)"
    )
    aliquota: Aliquota | None = Field(default=None, description="pICMS")
    reducao_base: Aliquota | None = Field(default=None, description="pRedBC (CST 20)")
    aliquota_fcp: Aliquota | None = Field(default=None, description="pFCP")
    aliquota_credito_sn: Aliquota | None = Field(default=None, description="pCredSN (CSOSN 101)")

    @model_validator(mode="after")
    def _cst_ou_csosn(self) -> TributacaoICMS:
        if (self.cst is None) == (self.csosn is None):
            raise ValueError("informe exatamente um de 'cst' (regime normal) ou 'csosn' (Simples Nacional)")
        if self.cst in ("00", "20") and self.aliquota is None:
            raise ValueError(f"CST {self.cst} exige 'aliquota' (pICMS)")
        if self.cst == "20" and self.reducao_base is None:
            raise ValueError("CST 20 exige 'reducao_base' (pRedBC)")
        if self.csosn == "101" and self.aliquota_credito_sn is None:
            raise ValueError("CSOSN 101 exige 'aliquota_credito_sn' (pCredSN)")
        return self


PIS_COFINS_CST = frozenset(
    ["01", "02", "04", "05", "06", "07", "08", "09", "49", "50", "51", "52", "53", "54", "55", "56", "60", "61", "62",
     "63", "64", "65", "66", "67", "70", "71", "72", "73", "74", "75", "98", "99"]
)


class TributacaoPisCofins(_Base):
    """PIS or COFINS of one item: CST and rate (% on the base)."""

    cst: str = Field(description="CST PIS/COFINS")
    aliquota: Aliquota = Field(default=Decimal("0"), description="pPIS / pCOFINS")

    @field_validator("cst")
    @classmethod
    def _cst(cls, v: str) -> str:
        if v == "03":
            raise ValueError("CST 03 (alíquota por unidade de produto) não é suportado pela entrada simplificada")
        if v not in PIS_COFINS_CST:
            raise ValueError(f"CST '{v}' não existe para PIS/COFINS")
        return v


class TributacaoIBSCBS(_Base):
    """IBS/CBS of one item (LC 214/2025, NT 2025.002-RTC): the cClassTrib decides CST, reduction
    and whether the gIBSCBS group is present."""

    cst: Annotated[str, Field(pattern=r"^[0-9]{3}$")] | None = Field(default=None, description="CST IBS/CBS")
    cclass_trib: Annotated[str, Field(pattern=r"^[0-9]{6}$")] = Field(description="cClassTrib")

    @model_validator(mode="after")
    def _cst_do_cclass(self) -> TributacaoIBSCBS:
        if self.cst is not None and self.cclass_trib[:3] != self.cst:
            raise ValueError(
                f"cClassTrib {self.cclass_trib} pertence ao CST {self.cclass_trib[:3]}, não ao CST {self.cst}"
            )
        return self


class Tributacao(_Base):
    """Per-item tax classification; each group given here replaces the emitter profile's group."""

    icms: TributacaoICMS | None = None
    pis: TributacaoPisCofins | None = None
    cofins: TributacaoPisCofins | None = None
    ibs_cbs: TributacaoIBSCBS | None = None
    aliquota_tributos_aproximada: Aliquota | None = Field(
        default=None, description="% aproximado de tributos (Lei 12.741/2012) -> vTotTrib"
    )


class Item(_Base):
    """det/prod: one line of the sale."""

    codigo: Texto60 = Field(description="cProd")
    descricao: Annotated[str, LATIN1, Field(min_length=1, max_length=120)] = Field(description="xProd")
    ncm: Annotated[str, Field(pattern=r"^([0-9]{2}|[0-9]{8})$")] = Field(description="NCM (8 dígitos)")
    cfop: Annotated[str, Field(pattern=r"^[1-7][0-9]{3}$")] | None = Field(default=None, description="CFOP")
    unidade: Annotated[str, LATIN1, Field(min_length=1, max_length=6)] = Field(default="UN", description="uCom/uTrib")
    quantidade: Annotated[Decimal, Field(gt=0, max_digits=15, decimal_places=4)] = Field(description="qCom/qTrib")
    valor_unitario: Annotated[Decimal, Field(gt=0, max_digits=21, decimal_places=10)] = Field(
        description="vUnCom/vUnTrib"
    )
    desconto: Dinheiro = Field(default=Decimal("0"), description="vDesc")
    outras_despesas: Dinheiro = Field(default=Decimal("0"), description="vOutro")
    gtin: Annotated[str, Field(pattern=r"^([0-9]{8}|[0-9]{12,14})$")] | None = Field(
        default=None, description="cEAN/cEANTrib (sem GTIN: omitir)"
    )
    cest: Annotated[str, Field(pattern=r"^[0-9]{7}$")] | None = Field(default=None, description="CEST")
    tributacao: Tributacao | None = None
    informacoes_adicionais: Annotated[str, LATIN1, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="infAdProd"
    )

    @field_validator("gtin")
    @classmethod
    def _gtin(cls, v: str | None) -> str | None:
        # GS1 check digit: weights 3,1,3,... from the right of the body (cStat 611, cEAN inválido).
        if v is not None:
            body, dv = v[:-1], int(v[-1])
            total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
            if (10 - total % 10) % 10 != dv:
                raise ValueError("GTIN com dígito verificador inválido (evita a rejeição 611)")
        return v

    @model_validator(mode="after")
    def _desconto(self) -> Item:
        bruto = (self.quantidade * self.valor_unitario).quantize(Decimal("0.01"))
        if self.desconto >= bruto + self.outras_despesas:
            raise ValueError(f"desconto ({self.desconto}) deve ser menor que o valor do item ({bruto})")
        return self


class Cartao(_Base):
    """card: operação com cartão (tpIntegra, CNPJ da credenciadora, tBand, cAut)."""

    integracao: Literal[1, 2] = Field(description="tpIntegra: 1 TEF/POS integrado, 2 POS não integrado")
    cnpj_credenciadora: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")] | None = Field(
        default=None, description="CNPJ da credenciadora"
    )
    bandeira: Annotated[str, Field(pattern=r"^[0-9]{2}$")] | None = Field(default=None, description="tBand")
    autorizacao: Annotated[str, LATIN1, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="cAut"
    )

    @field_validator("cnpj_credenciadora")
    @classmethod
    def _cnpj(cls, v: str | None) -> str | None:
        if v is not None and not cnpj_valido(v):
            raise ValueError("CNPJ da credenciadora com dígitos verificadores inválidos")
        return v


class Pagamento(_Base):
    """detPag: one means of payment."""

    forma: str = Field(description="tPag: 01 dinheiro, 03 crédito, 04 débito, 17 PIX, 99 outros...")
    valor: Dinheiro = Field(description="vPag")
    descricao: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] | None = Field(
        default=None, description="xPag (obrigatório para forma 99)"
    )
    a_prazo: bool = Field(default=False, description="indPag: false à vista (0), true a prazo (1)")
    cartao: Cartao | None = None

    @field_validator("forma")
    @classmethod
    def _forma(cls, v: str) -> str:
        if v not in TPAG_CODES:
            raise ValueError(f"forma de pagamento '{v}' não existe na tabela tPag")
        return v

    @model_validator(mode="after")
    def _coerente(self) -> Pagamento:
        if self.forma == "99" and not self.descricao:
            raise ValueError("forma 99 (outros) exige 'descricao' (xPag)")
        if self.cartao is not None and self.forma not in CARD_TPAG:
            raise ValueError("dados de cartão só são aceitos nas formas 03, 04 e 17")
        return self


class Frete(_Base):
    """transp/modFrete and the freight charged (apportioned over the items' vFrete)."""

    modalidade: Literal[0, 1, 2, 3, 4, 9] = Field(default=9, description="modFrete (9 = sem frete)")
    valor: Dinheiro = Field(default=Decimal("0"), description="vFrete total")


class Intermediador(_Base):
    """infIntermed: marketplace or intermediary platform."""

    cnpj: Annotated[str, DOCUMENTO, Field(pattern=r"^[0-9A-Z]{12}[0-9]{2}$")]
    identificador: Annotated[str, LATIN1, Field(min_length=2, max_length=60)] = Field(description="idCadIntTran")

    @field_validator("cnpj")
    @classmethod
    def _cnpj(cls, v: str) -> str:
        if not cnpj_valido(v):
            raise ValueError("CNPJ do intermediador com dígitos verificadores inválidos")
        return v


class DocumentoReferenciado(_Base):
    """NFref/refNFe."""

    chave: Annotated[str, Field(pattern=r"^[0-9]{6}[0-9A-Z]{12}[0-9]{26}$")] = Field(description="refNFe")


class Venda(_Base):
    """The whole sale as the PDV posts it."""

    modelo: Literal[55, 65] = Field(description="mod: 55 NF-e, 65 NFC-e")
    # Series 890-999 are reserved (NF-e avulsa, SCAN, fisco): the authorizer refuses them (cStat 266).
    serie: Annotated[int, Field(ge=0, le=889)] | None = Field(default=None, description="serie (padrão: emitente)")
    numero: Annotated[int, Field(ge=1, le=999_999_999)] | None = Field(default=None, description="nNF")
    natureza_operacao: Annotated[str, LATIN1, Field(min_length=1, max_length=60)] = Field(
        default="VENDA", description="natOp"
    )
    presenca: Literal[0, 1, 2, 3, 4, 5, 9] = Field(default=1, description="indPres")
    consumidor_final: bool = Field(default=True, description="indFinal")
    cliente: Cliente | None = None
    itens: Annotated[list[Item], Field(min_length=1, max_length=990)]
    pagamentos: Annotated[list[Pagamento], Field(max_length=100)] = Field(default_factory=list)
    frete: Frete = Field(default_factory=Frete)
    informacoes_complementares: Annotated[str, LATIN1, Field(min_length=1, max_length=5000)] | None = Field(
        default=None, description="infAdic/infCpl"
    )
    informacoes_fisco: Annotated[str, LATIN1, Field(min_length=1, max_length=2000)] | None = Field(
        default=None, description="infAdic/infAdFisco"
    )
    documentos_referenciados: Annotated[list[DocumentoReferenciado], Field(max_length=500)] = Field(
        default_factory=list
    )
    intermediador: Intermediador | None = None


def parse_venda(data: Any) -> Venda:
    """Validate ``data`` (the decoded JSON) into a Venda; raises EntradaInvalida with one pt-BR
    Finding per problem, each with its JSON path."""
    try:
        return Venda.model_validate(data)
    except ValidationError as exc:
        raise EntradaInvalida(findings_from_validation(exc)) from exc
