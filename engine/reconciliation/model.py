"""Typed records of bank reconciliation: statement lines, charges, match items and the result.

Everything here is plain data (frozen, slotted dataclasses): the parsers produce ``StatementLine``,
the caller supplies ``Charge`` (what was charged: Pix cob/cobv, boletos, receivables; or, with
``direcao="D"``, payables that a CNAB pagamentos retorno settles), and ``reconcile`` returns a
``Resultado`` with one ``Item`` per statement line and per unpaid charge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from engine.errors import FiscalError

Direcao = Literal["C", "D"]  # C: money in (crédito), D: money out (débito)


class Fonte(StrEnum):
    """Where a statement line came from (the wire names of ``--format``)."""

    OFX = "ofx"
    CNAB240 = "cnab240"
    PIX = "pix-json"


class Classe(StrEnum):
    """The one class every statement line or charge ends in."""

    CONCILIADO = "matched"  # money equals the charge it belongs to
    PARCIAL = "partial"  # money belongs to a charge but the amount differs (or pays it in parts)
    DUPLICADO = "duplicate"  # same transaction seen twice, or a charge already settled paid again
    INESPERADO = "unexpected"  # money without a charge
    AUSENTE = "missing"  # charge without money


class Criterio(StrEnum):
    """Which rule made the match (reported so that a person can judge a weak one)."""

    CHAVE = "key"  # endToEndId / txid / nosso número / seu número
    VALOR_DATA = "amount_date"
    PAGADOR = "payer"
    NENHUM = "none"


class ReconciliationError(FiscalError):
    """A statement or charges file that cannot be read; names the line and the field."""

    code = "CONCILIACAO_ARQUIVO_INVALIDO"

    def __init__(self, mensagem: str, *, line: int | None = None, campo: str = "") -> None:
        where = f"linha {line}: " if line is not None else ""
        what = f"campo {campo}: " if campo else ""
        super().__init__(f"{where}{what}{mensagem}", path=campo)
        self.line = line
        self.campo = campo
        self.detalhe = mensagem


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement of a bank statement, whatever its format.

    ``valor`` is always positive; ``direcao`` carries the sign. ``id_transacao`` is the format's own
    identifier (OFX FITID, Pix endToEndId, CNAB nosso número + movement); ``hash`` identifies the line
    for idempotent imports (see ``line_hash``).
    """

    fonte: Fonte
    conta: str
    data: date
    valor: Decimal
    direcao: Direcao
    descricao: str = ""
    fitid: str = ""
    end_to_end_id: str = ""
    txid: str = ""
    nosso_numero: str = ""
    seu_numero: str = ""
    pagador_nome: str = ""
    pagador_documento: str = ""
    linha: int = 0  # line of the source file (1-based), for messages
    hash: str = ""

    @property
    def id_transacao(self) -> str:
        return self.end_to_end_id or self.fitid or self.nosso_numero


@dataclass(frozen=True, slots=True)
class Charge:
    """Something that was charged (or, ``direcao="D"``, that we must pay) and expects money.

    ``vencimento`` is the due date (or the creation date of an immediate Pix cob); the date window
    of the amount/date rule is counted from it. Keys are optional; the more there are, the stronger
    the match.
    """

    id: str
    valor: Decimal
    vencimento: date
    direcao: Direcao = "C"
    txid: str = ""
    end_to_end_id: str = ""
    nosso_numero: str = ""
    seu_numero: str = ""
    pagador_nome: str = ""
    pagador_documento: str = ""
    descricao: str = ""


@dataclass(frozen=True, slots=True)
class Parametros:
    """Tunable matching rules (defaults documented in docs/reconciliation.md)."""

    janela_dias: int = 5  # amount/date rule: |line date - due date| <= this many days
    janela_pagador_dias: int = 31  # payer rule: wider, the amount may differ
    similaridade_nome: float = 0.85  # payer rule: name ratio (difflib) at least this
    tolerancia: Decimal = Decimal("0.00")  # |difference| <= tolerance still counts as exact


@dataclass(slots=True)  # not frozen: built 100,000 times per run, and frozen __init__ costs 3x
class Item:
    """One row of the report: a statement line (``linha`` set) or a missing charge (``linha`` None)."""

    classe: Classe
    criterio: Criterio
    linha: StatementLine | None
    cobranca: Charge | None
    diferenca: Decimal = Decimal("0.00")  # line amount - charge amount (for partial)
    observacao: str = ""


@dataclass(frozen=True, slots=True)
class Resultado:
    inicio: date
    fim: date
    itens: tuple[Item, ...]
    fora_do_periodo: int = 0  # statement lines outside [inicio, fim], not reconciled
    arquivos: tuple[str, ...] = field(default=())  # sha256 of the statement files

    def contagem(self) -> dict[str, int]:
        out = {c.value: 0 for c in Classe}
        for item in self.itens:
            out[item.classe.value] += 1
        return out

    def totais(self) -> dict[str, Decimal]:
        out = {c.value: Decimal("0.00") for c in Classe}
        for item in self.itens:
            if item.linha is not None:
                out[item.classe.value] += item.linha.valor
            elif item.cobranca is not None:
                out[item.classe.value] += item.cobranca.valor
        return out


def line_hash(line: StatementLine, ocorrencia: int = 0) -> str:
    """Content hash of a line: same movement in a re-imported (or overlapping) file -> same hash.

    The source line number is left out on purpose (a bank may re-export with other lines before);
    ``ocorrencia`` tells apart identical movements inside one file (two equal fees on one day).
    """
    parts = (
        line.fonte.value, line.conta, line.data.isoformat(), f"{line.valor:.2f}", line.direcao, line.descricao,
        line.fitid, line.end_to_end_id, line.txid, line.nosso_numero, line.seu_numero, str(ocorrencia),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
