"""API Pix (BACEN OpenAPI 2.9.0): the typed subset we use, and its JSON on the wire.

Subset: cob and cobv (create with PUT /{txid} or POST, read, revise with PATCH), GET /pix by period
(paginated), GET /pix/{e2eid}, devolução PUT /pix/{e2eid}/devolucao/{id}, webhook PUT/GET/DELETE
/webhook/{chave}. Field names are the OpenAPI's, verbatim, at the JSON boundary; money is ``Decimal``
in our code and a string with two decimals on the wire (pattern ``\\d{1,10}\\.\\d{2}``, schema CobValor).

Requests are validated here before anything is sent (txid ``[a-zA-Z0-9]{26,35}`` — schema TxId,
endToEndId ``[a-zA-Z0-9]{32}``, devolução id ``[a-zA-Z0-9]{1,35}``, CPF 11 digits, CNPJ
``[0-9A-Z]{14}``, sizes of the text fields), so a PSP's 400 ``CobOperacaoInvalida`` is avoided rather
than interpreted. Answers from the PSP are parsed leniently (unknown fields kept in ``raw``) because the
API's compatibility rules allow new fields at any time.

Errors: the PSP's ``application/problem+json`` (schema Problema: type, title, status, detail,
violacoes[]) becomes ``PspApiError`` with a pt-BR message chosen by the problem ``type``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from engine.errors import FiscalError, InputError

__all__ = [
    "DEVOLUCAO_ID_RE",
    "E2EID_RE",
    "TXID_RE",
    "CobRequest",
    "CobRevisao",
    "Cobranca",
    "CobvRequest",
    "Devedor",
    "Devolucao",
    "DevolucaoRequest",
    "Pix",
    "PixPage",
    "PixQuery",
    "PspApiError",
    "PspResponseError",
    "StatusCobranca",
    "Webhook",
    "format_valor",
    "parse_problem",
    "parse_valor",
    "validate_e2eid",
    "validate_txid",
]

# Schema TxId (cob/cobv): 26 to 35 alphanumerics; the PSP picks one on POST.
TXID_RE = re.compile(r"[a-zA-Z0-9]{26,35}")
# Schema EndToEndId: 32 alphanumerics (E + ISPB + AAAAMMDDHHmm + 11 characters, Manual do SPI).
E2EID_RE = re.compile(r"[a-zA-Z0-9]{32}")
# Schema DevolucaoId.
DEVOLUCAO_ID_RE = re.compile(r"[a-zA-Z0-9]{1,35}")
# Answers are read with a looser id pattern: BACEN's own examples (pixResponse2/3) carry 34-character
# endToEndIds, and one odd id must not make a whole GET /pix page unreadable. Requests stay strict.
_E2EID_ANSWER_RE = re.compile(r"[a-zA-Z0-9]{1,64}")
_VALOR_RE = re.compile(r"\d{1,10}\.\d{2}")
_CPF_RE = re.compile(r"\d{11}")
_CNPJ_RE = re.compile(r"[0-9A-Z]{14}")
_CENT = Decimal("0.01")
_MAX_VALOR = Decimal("9999999999.99")


class PspResponseError(FiscalError):
    """The PSP answered something that is not the API Pix (bad JSON, missing required field)."""

    code = "PSP_RESPOSTA_INVALIDA"


def format_valor(valor: Decimal, campo: str = "valor.original") -> str:
    """``Decimal`` -> the wire string (``"10.50"``). Refuses fractions of a centavo, zero and negatives."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise InputError(f"{campo}: valor deve ser um Decimal finito", code="PIX_VALOR_INVALIDO", path=campo)
    if valor != valor.quantize(_CENT):
        raise InputError(
            f"{campo}: valor {valor} tem mais de 2 casas decimais (o PSP recusaria: padrão \\d{{1,10}}\\.\\d{{2}})",
            code="PIX_VALOR_INVALIDO",
            path=campo,
        )
    if valor <= 0 or valor > _MAX_VALOR:
        raise InputError(
            f"{campo}: valor {valor} fora do intervalo aceito pela API Pix (0.01 a 9999999999.99)",
            code="PIX_VALOR_INVALIDO",
            path=campo,
        )
    return f"{valor.quantize(_CENT):f}"


def parse_valor(texto: object, campo: str) -> Decimal:
    """The wire string -> ``Decimal``; anything else is a ``PspResponseError`` naming the field."""
    if not isinstance(texto, str) or not _VALOR_RE.fullmatch(texto):
        raise PspResponseError(f"resposta do PSP: {campo} = {texto!r} não é um valor no formato 0.00")
    try:
        return Decimal(texto)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guarantees it
        raise PspResponseError(f"resposta do PSP: {campo} = {texto!r} inválido") from exc


def validate_txid(txid: str, campo: str = "txid") -> str:
    if not isinstance(txid, str) or not TXID_RE.fullmatch(txid):
        raise InputError(
            f"{campo} '{txid}' inválido: a API Pix exige de 26 a 35 caracteres [a-zA-Z0-9]",
            code="PIX_TXID_INVALIDO",
            path=campo,
        )
    return txid


def validate_e2eid(e2eid: str, campo: str = "endToEndId") -> str:
    if not isinstance(e2eid, str) or not E2EID_RE.fullmatch(e2eid):
        raise InputError(
            f"{campo} '{e2eid}' inválido: deve ter exatamente 32 caracteres [a-zA-Z0-9]",
            code="PIX_E2EID_INVALIDO",
            path=campo,
        )
    return e2eid


def _text(value: str | None, campo: str, max_len: int) -> None:
    if value is not None and len(value) > max_len:
        raise InputError(
            f"{campo}: no máximo {max_len} caracteres (tem {len(value)})", code="PIX_CAMPO_LONGO", path=campo
        )


def _parse_dt(value: object, campo: str) -> datetime:
    if not isinstance(value, str):
        raise PspResponseError(f"resposta do PSP: {campo} ausente ou não é data-hora")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PspResponseError(f"resposta do PSP: {campo} = {value!r} não é data-hora RFC 3339") from exc
    if parsed.tzinfo is None:
        raise PspResponseError(f"resposta do PSP: {campo} = {value!r} sem fuso horário (RFC 3339 exige)")
    return parsed


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is None:
        raise InputError("data-hora sem fuso horário: a API Pix usa RFC 3339", code="PIX_DATA_SEM_FUSO")
    return value.isoformat()


# -- requests -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Devedor:
    """PessoaFisica (cpf + nome) or PessoaJuridica (cnpj + nome, alphanumeric CNPJ since 2.9.0)."""

    nome: str
    cpf: str | None = None
    cnpj: str | None = None

    def __post_init__(self) -> None:
        if (self.cpf is None) == (self.cnpj is None):
            raise InputError("devedor: informe cpf ou cnpj (um dos dois)", code="PIX_DEVEDOR", path="devedor")
        if self.cpf is not None and not _CPF_RE.fullmatch(self.cpf):
            raise InputError("devedor.cpf: 11 dígitos, sem pontuação", code="PIX_DEVEDOR", path="devedor.cpf")
        if self.cnpj is not None and not _CNPJ_RE.fullmatch(self.cnpj):
            raise InputError(
                "devedor.cnpj: 14 caracteres [0-9A-Z], sem pontuação", code="PIX_DEVEDOR", path="devedor.cnpj"
            )
        if not self.nome or len(self.nome) > 200:
            raise InputError("devedor.nome: de 1 a 200 caracteres", code="PIX_DEVEDOR", path="devedor.nome")

    def to_json(self) -> dict[str, str]:
        doc = {"cpf": self.cpf} if self.cpf is not None else {"cnpj": self.cnpj or ""}
        return {**doc, "nome": self.nome}

    @classmethod
    def from_json(cls, data: object) -> Devedor | None:
        if not isinstance(data, Mapping) or "nome" not in data:
            return None
        try:
            return cls(nome=str(data["nome"]), cpf=data.get("cpf"), cnpj=data.get("cnpj"))
        except InputError:
            return None  # the PSP may echo a partial devedor; we never reject its answer for that


def _info_adicionais(items: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    if len(items) > 50:
        raise InputError("infoAdicionais: no máximo 50 itens", code="PIX_CAMPO_LONGO", path="infoAdicionais")
    out = []
    for i, (nome, valor) in enumerate(items):
        _text(nome, f"infoAdicionais[{i}].nome", 50)
        _text(valor, f"infoAdicionais[{i}].valor", 200)
        out.append({"nome": nome, "valor": valor})
    return out


@dataclass(frozen=True, slots=True)
class CobRequest:
    """CobSolicitada: an immediate charge. ``expiracao`` in seconds (CobExpiracao, default 86400)."""

    chave: str
    valor: Decimal
    expiracao: int = 86400
    devedor: Devedor | None = None
    solicitacao_pagador: str | None = None
    info_adicionais: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        if not self.chave or len(self.chave) > 77:
            raise InputError("chave: de 1 a 77 caracteres (chave DICT do recebedor)", code="PIX_CHAVE", path="chave")
        if not isinstance(self.expiracao, int) or not 0 < self.expiracao <= 2**31 - 1:
            raise InputError(
                "calendario.expiracao: inteiro positivo de segundos", code="PIX_EXPIRACAO", path="calendario.expiracao"
            )
        _text(self.solicitacao_pagador, "solicitacaoPagador", 140)
        body: dict[str, Any] = {
            "calendario": {"expiracao": self.expiracao},
            "valor": {"original": format_valor(self.valor)},
            "chave": self.chave,
        }
        if self.devedor is not None:
            body["devedor"] = self.devedor.to_json()
        if self.solicitacao_pagador:
            body["solicitacaoPagador"] = self.solicitacao_pagador
        if self.info_adicionais:
            body["infoAdicionais"] = _info_adicionais(self.info_adicionais)
        return body


@dataclass(frozen=True, slots=True)
class CobvRequest:
    """CobVSolicitada: a charge with a due date; ``devedor`` is required by the schema."""

    chave: str
    valor: Decimal
    data_de_vencimento: date
    devedor: Devedor
    validade_apos_vencimento: int = 30
    solicitacao_pagador: str | None = None
    info_adicionais: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        if not self.chave or len(self.chave) > 77:
            raise InputError("chave: de 1 a 77 caracteres (chave DICT do recebedor)", code="PIX_CHAVE", path="chave")
        if self.validade_apos_vencimento < 0:
            raise InputError(
                "calendario.validadeAposVencimento: dias, zero ou mais",
                code="PIX_VENCIMENTO",
                path="calendario.validadeAposVencimento",
            )
        _text(self.solicitacao_pagador, "solicitacaoPagador", 140)
        body: dict[str, Any] = {
            "calendario": {
                "dataDeVencimento": self.data_de_vencimento.isoformat(),
                "validadeAposVencimento": self.validade_apos_vencimento,
            },
            "devedor": self.devedor.to_json(),
            "valor": {"original": format_valor(self.valor)},
            "chave": self.chave,
        }
        if self.solicitacao_pagador:
            body["solicitacaoPagador"] = self.solicitacao_pagador
        if self.info_adicionais:
            body["infoAdicionais"] = _info_adicionais(self.info_adicionais)
        return body


@dataclass(frozen=True, slots=True)
class CobRevisao:
    """CobRevisada / CobVRevisada (PATCH): only the fields given change; ``remover`` sets the status
    REMOVIDA_PELO_USUARIO_RECEBEDOR (the only status a PATCH may set)."""

    valor: Decimal | None = None
    expiracao: int | None = None
    data_de_vencimento: date | None = None
    devedor: Devedor | None = None
    solicitacao_pagador: str | None = None
    remover: bool = False

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.valor is not None:
            body["valor"] = {"original": format_valor(self.valor)}
        if self.expiracao is not None:
            body.setdefault("calendario", {})["expiracao"] = self.expiracao
        if self.data_de_vencimento is not None:
            body.setdefault("calendario", {})["dataDeVencimento"] = self.data_de_vencimento.isoformat()
        if self.devedor is not None:
            body["devedor"] = self.devedor.to_json()
        if self.solicitacao_pagador is not None:
            _text(self.solicitacao_pagador, "solicitacaoPagador", 140)
            body["solicitacaoPagador"] = self.solicitacao_pagador
        if self.remover:
            body["status"] = StatusCobranca.REMOVIDA_PELO_USUARIO_RECEBEDOR.value
        if not body:
            raise InputError("revisão vazia: informe ao menos um campo a alterar", code="PIX_REVISAO_VAZIA")
        return body


@dataclass(frozen=True, slots=True)
class DevolucaoRequest:
    """DevolucaoSolicitada: ``valor`` and an optional message to the payer (140 characters)."""

    valor: Decimal
    descricao: str | None = None

    def to_json(self) -> dict[str, Any]:
        _text(self.descricao, "descricao", 140)
        body: dict[str, Any] = {"valor": format_valor(self.valor, "valor")}
        if self.descricao:
            body["descricao"] = self.descricao
        return body


@dataclass(frozen=True, slots=True)
class PixQuery:
    """GET /pix parameters: the period (RFC 3339, both required) and the optional filters."""

    inicio: datetime
    fim: datetime
    txid: str | None = None
    tx_id_presente: bool | None = None
    devolucao_presente: bool | None = None
    cpf: str | None = None
    cnpj: str | None = None
    itens_por_pagina: int = 100

    def params(self, pagina: int) -> list[tuple[str, str]]:
        if self.fim < self.inicio:
            raise InputError("fim anterior ao início do período", code="PIX_PERIODO", path="fim")
        out = [("inicio", _rfc3339(self.inicio)), ("fim", _rfc3339(self.fim))]
        if self.txid is not None:
            out.append(("txid", self.txid))
        if self.tx_id_presente is not None:
            out.append(("txIdPresente", "true" if self.tx_id_presente else "false"))
        if self.devolucao_presente is not None:
            out.append(("devolucaoPresente", "true" if self.devolucao_presente else "false"))
        if self.cpf is not None:
            out.append(("cpf", self.cpf))
        if self.cnpj is not None:
            out.append(("cnpj", self.cnpj))
        out += [("paginacao.paginaAtual", str(pagina)), ("paginacao.itensPorPagina", str(self.itens_por_pagina))]
        return out


# -- answers ------------------------------------------------------------------------------------


class StatusCobranca(Enum):
    """Schema CobrancaStatus."""

    ATIVA = "ATIVA"
    CONCLUIDA = "CONCLUIDA"
    REMOVIDA_PELO_USUARIO_RECEBEDOR = "REMOVIDA_PELO_USUARIO_RECEBEDOR"
    REMOVIDA_PELO_PSP = "REMOVIDA_PELO_PSP"


@dataclass(frozen=True, slots=True)
class Devolucao:
    """Schema Devolucao. ``status``: EM_PROCESSAMENTO, DEVOLVIDO or NAO_REALIZADO."""

    id: str
    rtr_id: str
    valor: Decimal
    status: str
    solicitacao: datetime | None = None
    liquidacao: datetime | None = None
    motivo: str | None = None

    @classmethod
    def from_json(cls, data: object, campo: str = "devolucao") -> Devolucao:
        if not isinstance(data, Mapping):
            raise PspResponseError(f"resposta do PSP: {campo} não é um objeto")
        for req in ("id", "rtrId", "valor", "status"):
            if req not in data:
                raise PspResponseError(f"resposta do PSP: {campo}.{req} ausente")
        horario = data.get("horario") if isinstance(data.get("horario"), Mapping) else {}
        assert isinstance(horario, Mapping)
        return cls(
            id=str(data["id"]),
            rtr_id=str(data["rtrId"]),
            valor=parse_valor(data["valor"], f"{campo}.valor"),
            status=str(data["status"]),
            solicitacao=_parse_dt(horario["solicitacao"], f"{campo}.horario.solicitacao")
            if "solicitacao" in horario
            else None,
            liquidacao=_parse_dt(horario["liquidacao"], f"{campo}.horario.liquidacao")
            if "liquidacao" in horario
            else None,
            motivo=data.get("motivo"),
        )


@dataclass(frozen=True, slots=True)
class Pix:
    """Schema Pix: a received payment."""

    end_to_end_id: str
    valor: Decimal
    horario: datetime
    txid: str | None = None
    chave: str | None = None
    info_pagador: str | None = None
    devolucoes: tuple[Devolucao, ...] = ()

    @classmethod
    def from_json(cls, data: object, campo: str = "pix") -> Pix:
        if not isinstance(data, Mapping):
            raise PspResponseError(f"resposta do PSP: {campo} não é um objeto")
        e2e = data.get("endToEndId")
        if not isinstance(e2e, str) or not _E2EID_ANSWER_RE.fullmatch(e2e):
            raise PspResponseError(f"resposta do PSP: {campo}.endToEndId ausente ou fora do padrão")
        devs = data.get("devolucoes") or []
        if not isinstance(devs, list):
            raise PspResponseError(f"resposta do PSP: {campo}.devolucoes não é uma lista")
        txid = data.get("txid")
        return cls(
            end_to_end_id=e2e,
            valor=parse_valor(data.get("valor"), f"{campo}.valor"),
            horario=_parse_dt(data.get("horario"), f"{campo}.horario"),
            txid=txid if isinstance(txid, str) and txid else None,
            chave=data.get("chave"),
            info_pagador=data.get("infoPagador"),
            devolucoes=tuple(Devolucao.from_json(d, f"{campo}.devolucoes[{i}]") for i, d in enumerate(devs)),
        )

    def to_json(self) -> dict[str, Any]:
        """The callback/GET shape (used by tests and by the outbox payloads)."""
        out: dict[str, Any] = {
            "endToEndId": self.end_to_end_id,
            "valor": format_valor(self.valor, "valor"),
            "horario": _rfc3339(self.horario),
        }
        if self.txid:
            out["txid"] = self.txid
        if self.chave:
            out["chave"] = self.chave
        if self.info_pagador:
            out["infoPagador"] = self.info_pagador
        return out


@dataclass(frozen=True, slots=True)
class Cobranca:
    """CobGerada/CobCompleta or CobVGerada/CobVCompleta. ``tipo`` is ``cob`` or ``cobv``.

    ``valor_original`` is valor.original; for cobv the PSP may answer only valor.final (payload view).
    """

    tipo: str
    txid: str
    revisao: int
    status: StatusCobranca
    chave: str
    valor_original: Decimal
    criacao: datetime | None = None
    expiracao: int | None = None
    data_de_vencimento: date | None = None
    devedor: Devedor | None = None
    location: str | None = None
    pix_copia_e_cola: str | None = None
    solicitacao_pagador: str | None = None
    pix: tuple[Pix, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, tipo: str, data: object) -> Cobranca:
        if not isinstance(data, Mapping):
            raise PspResponseError("resposta do PSP: a cobrança não é um objeto JSON")
        for req in ("txid", "calendario", "status", "valor", "chave"):
            if req not in data:
                raise PspResponseError(f"resposta do PSP: campo obrigatório '{req}' ausente na cobrança")
        try:
            status = StatusCobranca(data["status"])
        except ValueError as exc:
            raise PspResponseError(f"resposta do PSP: status '{data['status']}' desconhecido") from exc
        cal = data["calendario"] if isinstance(data["calendario"], Mapping) else {}
        valor = data["valor"] if isinstance(data["valor"], Mapping) else {}
        original = valor.get("original", valor.get("final"))
        venc = cal.get("dataDeVencimento")
        pix = data.get("pix") or []
        if not isinstance(pix, list):
            raise PspResponseError("resposta do PSP: pix não é uma lista")
        try:
            return cls._build(tipo, data, status, cal, original, venc, pix)
        except (TypeError, ValueError) as exc:  # revisao or dataDeVencimento in an unexpected shape
            raise PspResponseError(f"resposta do PSP: cobrança com campo em formato inesperado ({exc})") from exc

    @classmethod
    def _build(
        cls,
        tipo: str,
        data: Mapping[str, Any],
        status: StatusCobranca,
        cal: Mapping[str, Any],
        original: object,
        venc: object,
        pix: list[Any],
    ) -> Cobranca:
        return cls(
            tipo=tipo,
            txid=str(data["txid"]),
            revisao=int(data.get("revisao", 0)),
            status=status,
            chave=str(data["chave"]),
            valor_original=parse_valor(original, "valor.original"),
            criacao=_parse_dt(cal["criacao"], "calendario.criacao") if "criacao" in cal else None,
            expiracao=int(cal["expiracao"]) if "expiracao" in cal else None,
            data_de_vencimento=date.fromisoformat(venc) if isinstance(venc, str) else None,
            devedor=Devedor.from_json(data.get("devedor")),
            location=data.get("location"),
            pix_copia_e_cola=data.get("pixCopiaECola"),
            solicitacao_pagador=data.get("solicitacaoPagador"),
            pix=tuple(Pix.from_json(p, f"pix[{i}]") for i, p in enumerate(pix)),
            raw=dict(data),
        )


@dataclass(frozen=True, slots=True)
class PixPage:
    """One page of GET /pix (PixConsultados + parametros.paginacao)."""

    pix: tuple[Pix, ...]
    pagina_atual: int
    quantidade_de_paginas: int
    quantidade_total_de_itens: int

    @classmethod
    def from_json(cls, data: object) -> PixPage:
        if not isinstance(data, Mapping):
            raise PspResponseError("resposta do PSP: a lista de pix não é um objeto JSON")
        params = data.get("parametros")
        pag = params.get("paginacao") if isinstance(params, Mapping) else None
        if not isinstance(pag, Mapping):
            raise PspResponseError("resposta do PSP: parametros.paginacao ausente na lista de pix")
        items = data.get("pix") or []
        if not isinstance(items, list):
            raise PspResponseError("resposta do PSP: pix não é uma lista")
        return cls(
            pix=tuple(Pix.from_json(p, f"pix[{i}]") for i, p in enumerate(items)),
            pagina_atual=int(pag.get("paginaAtual", 0)),
            quantidade_de_paginas=int(pag.get("quantidadeDePaginas", 1)),
            quantidade_total_de_itens=int(pag.get("quantidadeTotalDeItens", len(items))),
        )


@dataclass(frozen=True, slots=True)
class Webhook:
    """WebhookCompleto."""

    webhook_url: str
    chave: str
    criacao: datetime | None = None

    @classmethod
    def from_json(cls, data: object) -> Webhook:
        if not isinstance(data, Mapping) or not isinstance(data.get("webhookUrl"), str):
            raise PspResponseError("resposta do PSP: webhookUrl ausente")
        return cls(
            webhook_url=data["webhookUrl"],
            chave=str(data.get("chave", "")),
            criacao=_parse_dt(data["criacao"], "criacao") if "criacao" in data else None,
        )


# -- problem+json -------------------------------------------------------------------------------

# Problem ``type`` (https://pix.bcb.gov.br/api/v2/error/<Nome>) -> what it means for the user.
_PROBLEM_TEXT: dict[str, str] = {
    "RequisicaoInvalida": "requisição com formato inválido",
    "AcessoNegado": "acesso negado pelo PSP (credenciais, escopo ou certificado)",
    "NaoEncontrado": "recurso não encontrado no PSP",
    "ServicoIndisponivel": "serviço do PSP indisponível no momento; tente novamente",
    "CobOperacaoInvalida": "cobrança imediata recusada pelo PSP",
    "CobVOperacaoInvalida": "cobrança com vencimento recusada pelo PSP",
    "CobPayloadNaoEncontrado": "cobrança não encontrada no PSP",
    "PixDevolucaoInvalida": "devolução recusada pelo PSP",
    "WebhookOperacaoInvalida": "configuração de webhook recusada pelo PSP",
    "PayloadLocationOperacaoInvalida": "location recusada pelo PSP",
}
_STATUS_TEXT = {
    400: "requisição recusada pelo PSP",
    401: "token de acesso recusado pelo PSP",
    403: "acesso negado pelo PSP (credenciais, escopo ou certificado)",
    404: "recurso não encontrado no PSP",
    409: "conflito: o recurso já existe no PSP",
    429: "limite de requisições do PSP excedido; tente mais tarde",
    503: "serviço do PSP indisponível no momento; tente novamente",
}


@dataclass(frozen=True, slots=True)
class Violacao:
    razao: str
    propriedade: str = ""
    valor: str = ""


class PspApiError(FiscalError):
    """An answer of the PSP that is an error (HTTP 4xx/5xx), parsed from problem+json when it is one.

    ``tipo`` is the last segment of the problem ``type`` (e.g. ``CobOperacaoInvalida``); ``violacoes``
    the fields the PSP named. ``retryable`` is true for 429/5xx (the request may be repeated).
    """

    code = "PSP_ERRO"

    def __init__(
        self,
        mensagem: str,
        *,
        status: int,
        tipo: str = "",
        title: str = "",
        detail: str = "",
        violacoes: tuple[Violacao, ...] = (),
        correlation_id: str = "",
    ) -> None:
        super().__init__(mensagem, code=f"PSP_{tipo or status}", path=violacoes[0].propriedade if violacoes else "")
        self.status = status
        self.tipo = tipo
        self.title = title
        self.detail = detail
        self.violacoes = violacoes
        self.correlation_id = correlation_id

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500


def parse_problem(status: int, body: bytes, operacao: str) -> PspApiError:
    """Turn an error answer into ``PspApiError`` with a pt-BR message naming the operation and fields."""
    data: object = None
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = None
    tipo = title = detail = correlation = ""
    violacoes: tuple[Violacao, ...] = ()
    if isinstance(data, Mapping):
        tipo = str(data.get("type", "")).rstrip("/").rsplit("/", 1)[-1]
        title = str(data.get("title", ""))
        detail = str(data.get("detail", ""))
        correlation = str(data.get("correlationId", ""))
        raw = data.get("violacoes")
        if isinstance(raw, list):
            violacoes = tuple(
                Violacao(str(v.get("razao", "")), str(v.get("propriedade", "")), str(v.get("valor", "")))
                for v in raw
                if isinstance(v, Mapping)
            )
    base = _PROBLEM_TEXT.get(tipo) or _STATUS_TEXT.get(status) or f"erro HTTP {status} do PSP"
    partes = [f"{operacao}: {base}"]
    if detail:
        partes.append(detail)
    partes += [f"{v.propriedade or 'campo'}: {v.razao}" for v in violacoes]
    return PspApiError(
        "; ".join(partes),
        status=status,
        tipo=tipo,
        title=title,
        detail=detail,
        violacoes=violacoes,
        correlation_id=correlation,
    )
