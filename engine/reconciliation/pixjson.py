"""The API Pix received-pix list (``GET /pix?inicio=&fim=``, schema ``PixConsultados``).

Also accepts the webhook body (``{"pix": [...]}``) and a bare array of ``Pix`` objects. Fields per
BACEN's OpenAPI (shared/reference/pix-api-openapi.yaml, schema ``Pix``): ``endToEndId``, ``valor``
(``\\d{1,10}\\.\\d{2}``) and ``horario`` (RFC 3339) are required; ``txid``, ``infoPagador`` and
``devolucoes`` optional. ``pagador`` (``cpf``/``cnpj`` + ``nome``) is not in the standard schema but
several PSPs return it; it is used when present.

``horario`` is an instant (often UTC, ``Z``): the statement date is its date in the account's time
zone (``fuso``, from ``states``), so a Pix at 01:30Z on the 6th counts on the 5th in São Paulo.
A devolução whose status is ``DEVOLVIDO`` is money out: a debit line (id = ``rtrId``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from engine.reconciliation.hashing import com_hashes
from engine.reconciliation.model import Fonte, ReconciliationError, StatementLine

_VALOR = re.compile(r"\d{1,10}\.\d{2}")
_E2E = re.compile(r"[ED]\d{8}[0-9]{12}[A-Za-z0-9]{11}")


def _instant(v: object, where: str, fuso: tzinfo) -> datetime:
    if not isinstance(v, str):
        raise ReconciliationError("horário ausente ou não textual", campo=where)
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise ReconciliationError(f"horário {v!r} não é RFC 3339", campo=where) from None
    if dt.tzinfo is None:
        raise ReconciliationError(f"horário {v!r} sem fuso horário", campo=where)
    return dt.astimezone(fuso)


def _obj(v: object) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _str(v: object) -> str:
    return v if isinstance(v, str) else ""


def _valor(v: object, where: str) -> Decimal:
    if not isinstance(v, str) or not _VALOR.fullmatch(v):
        raise ReconciliationError(f"valor {v!r} fora do padrão \\d{{1,10}}\\.\\d{{2}}", campo=where)
    return Decimal(v)


def parse_pix_list(data: bytes, *, fuso: tzinfo, conta: str = "pix") -> list[StatementLine]:
    """Received Pix (credits) and their returned devoluções (debits); raises before returning anything."""
    try:
        doc: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ReconciliationError(f"JSON inválido: {getattr(exc, 'msg', exc)}", line=line, campo="JSON") from exc
    items = doc.get("pix") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ReconciliationError("esperado o objeto de GET /pix com a lista 'pix'", line=1, campo="pix")
    out: list[StatementLine] = []
    for i, p in enumerate(items):
        where = f"pix[{i}]"
        if not isinstance(p, dict):
            raise ReconciliationError("item não é um objeto Pix", campo=where)
        e2e = p.get("endToEndId")
        if not isinstance(e2e, str) or not _E2E.fullmatch(e2e):
            raise ReconciliationError(f"endToEndId {e2e!r} inválido (32 caracteres, E + ISPB + data + id)",
                                      campo=f"{where}.endToEndId")
        quando = _instant(p.get("horario"), f"{where}.horario", fuso)
        pagador = _obj(p.get("pagador"))
        info = _str(p.get("infoPagador"))
        txid = _str(p.get("txid"))
        out.append(StatementLine(
            fonte=Fonte.PIX, conta=conta, data=quando.date(), valor=_valor(p.get("valor"), f"{where}.valor"),
            direcao="C", descricao=f"Pix {e2e}" + (f" {info}" if info else ""), end_to_end_id=e2e, txid=txid,
            pagador_nome=str(pagador.get("nome") or ""),
            pagador_documento=str(pagador.get("cpf") or pagador.get("cnpj") or ""), linha=i + 1,
        ))
        devolucoes = p.get("devolucoes") or []
        if isinstance(devolucoes, dict):  # some PSPs (and the OpenAPI webhook example) send one object
            devolucoes = [devolucoes]
        for j, d in enumerate(devolucoes if isinstance(devolucoes, list) else []):
            if not isinstance(d, dict) or d.get("status") != "DEVOLVIDO":
                continue  # EM_PROCESSAMENTO / NAO_REALIZADO moved no money
            dw = f"{where}.devolucoes[{j}]"
            horario = _obj(d.get("horario"))
            when = _instant(horario.get("liquidacao") or horario.get("solicitacao"), f"{dw}.horario", fuso)
            rtr = str(d.get("rtrId") or d.get("id") or "")
            out.append(StatementLine(
                fonte=Fonte.PIX, conta=conta, data=when.date(), valor=_valor(d.get("valor"), f"{dw}.valor"),
                direcao="D", descricao=f"devolução {rtr} do Pix {e2e}", end_to_end_id=rtr, txid=txid,
                linha=i + 1,
            ))
    return com_hashes(out)
