"""Charges/receivables from a JSON or CSV export (the CLI's ``--charges``; the database comes later).

JSON: an array of objects, or ``{"cobrancas": [...]}``. CSV: a header line, ``,`` or ``;`` as
separator. Fields: ``id`` and ``valor`` (``123.45`` or ``123,45``) and ``vencimento`` (ISO date or
DD/MM/AAAA) are required; ``direcao`` (C/D, default C), ``txid``, ``end_to_end_id``,
``nosso_numero``, ``seu_numero``, ``pagador_nome``, ``pagador_documento``, ``descricao`` optional.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.reconciliation.model import Charge, ReconciliationError

_OPCIONAIS = ("txid", "end_to_end_id", "nosso_numero", "seu_numero", "pagador_nome", "pagador_documento", "descricao")


def _valor(v: object, line: int | None, where: str) -> Decimal:
    s = str(v).strip() if isinstance(v, str | int | Decimal) else ""
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ReconciliationError(f"valor {v!r} não é numérico", line=line, campo=where) from None
    if not d.is_finite() or d <= 0:
        raise ReconciliationError(f"valor {v!r} deve ser positivo", line=line, campo=where)
    return d.quantize(Decimal("0.01"))


def _data(v: object, line: int | None, where: str) -> date:
    s = str(v).strip() if isinstance(v, str) else ""
    try:
        if re.fullmatch(r"\d{2}/\d{2}/\d{4}", s):
            return date(int(s[6:]), int(s[3:5]), int(s[:2]))
        return date.fromisoformat(s)
    except ValueError:
        raise ReconciliationError(f"data {v!r} inválida (AAAA-MM-DD ou DD/MM/AAAA)", line=line, campo=where) from None


def _charge(rec: Mapping[str, Any], line: int | None, prefix: str) -> Charge:
    cid = str(rec.get("id") or "").strip()
    if not cid:
        raise ReconciliationError("cobrança sem id", line=line, campo=f"{prefix}id")
    direcao = str(rec.get("direcao") or "C").strip().upper()
    if direcao not in {"C", "D"}:
        raise ReconciliationError(f"direcao {direcao!r} deve ser C ou D", line=line, campo=f"{prefix}direcao")
    extras = {k: str(rec.get(k) or "").strip() for k in _OPCIONAIS}
    return Charge(id=cid, valor=_valor(rec.get("valor"), line, f"{prefix}valor"),
                  vencimento=_data(rec.get("vencimento"), line, f"{prefix}vencimento"),
                  direcao="D" if direcao == "D" else "C", **extras)


def _unique(charges: list[Charge]) -> list[Charge]:
    seen: set[str] = set()
    for c in charges:
        if c.id in seen:
            raise ReconciliationError(f"id de cobrança repetido: {c.id}", campo="id")
        seen.add(c.id)
    return charges


def parse_charges_json(data: bytes) -> list[Charge]:
    try:
        doc: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReconciliationError(f"JSON inválido: {getattr(exc, 'msg', exc)}", line=getattr(exc, "lineno", None),
                                  campo="JSON") from exc
    items = doc.get("cobrancas") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ReconciliationError("esperada uma lista de cobranças", line=1, campo="cobrancas")
    out = []
    for i, rec in enumerate(items):
        if not isinstance(rec, dict):
            raise ReconciliationError("cobrança não é um objeto", campo=f"[{i}]")
        out.append(_charge(rec, None, f"[{i}]."))
    return _unique(out)


def parse_charges_csv(data: bytes) -> list[Charge]:
    text = data.decode("utf-8-sig", errors="strict") if _is_utf8(data) else data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    if not reader.fieldnames or not {"id", "valor", "vencimento"} <= {f.strip() for f in reader.fieldnames}:
        raise ReconciliationError("cabeçalho do CSV deve ter id, valor e vencimento", line=1, campo="cabeçalho")
    out = []
    for rec in reader:
        clean = {(k or "").strip(): v for k, v in rec.items()}
        out.append(_charge(clean, reader.line_num, ""))
    return _unique(out)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
