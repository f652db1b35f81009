"""Reports (JSON, CSV) of a reconciliation and the ``reconciliation.completed`` event value.

One row per item: the statement line (if any), its class, the rule that matched and the charge.
Money is written as strings with two decimals (never floats), dates as ISO 8601.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any, TextIO

from engine.reconciliation.model import Item, Resultado

CSV_COLUMNS = (
    "classe", "criterio", "fonte", "conta", "data", "direcao", "valor", "id_transacao", "txid", "nosso_numero",
    "descricao", "pagador", "linha_arquivo", "cobranca_id", "cobranca_valor", "cobranca_vencimento", "diferenca",
    "observacao", "hash",
)


def item_row(item: Item) -> dict[str, str]:
    ln, c = item.linha, item.cobranca
    return {
        "classe": item.classe.value,
        "criterio": item.criterio.value,
        "fonte": ln.fonte.value if ln else "",
        "conta": ln.conta if ln else "",
        "data": ln.data.isoformat() if ln else "",
        "direcao": ln.direcao if ln else (c.direcao if c else ""),
        "valor": f"{ln.valor:.2f}" if ln else "",
        "id_transacao": ln.id_transacao if ln else "",
        "txid": ln.txid if ln else "",
        "nosso_numero": ln.nosso_numero if ln else "",
        "descricao": ln.descricao if ln else "",
        "pagador": " ".join(p for p in (ln.pagador_nome, ln.pagador_documento) if p) if ln else "",
        "linha_arquivo": str(ln.linha) if ln and ln.linha else "",
        "cobranca_id": c.id if c else "",
        "cobranca_valor": f"{c.valor:.2f}" if c else "",
        "cobranca_vencimento": c.vencimento.isoformat() if c else "",
        "diferenca": f"{item.diferenca:.2f}",
        "observacao": item.observacao,
        "hash": ln.hash if ln else "",
    }


def resumo(res: Resultado) -> dict[str, Any]:
    return {
        "periodo": {"inicio": res.inicio.isoformat(), "fim": res.fim.isoformat()},
        "contagem": res.contagem(),
        "totais": {k: f"{v:.2f}" for k, v in res.totais().items()},
        "linhas_fora_do_periodo": res.fora_do_periodo,
        "arquivos": list(res.arquivos),
    }


def write_json(res: Resultado, out: TextIO, *, extra: dict[str, Any] | None = None) -> None:
    """The JSON report written item by item (100,000 rows never become one list of dicts)."""
    head: dict[str, Any] = {"resumo": resumo(res), **(extra or {})}
    out.write("{\n")
    for k, v in head.items():
        out.write(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n")
    out.write('  "itens": [')
    sep = "\n    "
    for item in res.itens:
        out.write(sep + json.dumps(item_row(item), ensure_ascii=False))
        sep = ",\n    "
    out.write("\n  ]\n}\n")


def write_csv(res: Resultado, out: TextIO) -> None:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for item in res.itens:
        w.writerow(item_row(item))


def to_json(res: Resultado, *, extra: dict[str, Any] | None = None) -> str:
    buf = io.StringIO()
    write_json(res, buf, extra=extra)
    return buf.getvalue()


def to_csv(res: Resultado) -> str:
    buf = io.StringIO()
    write_csv(res, buf)
    return buf.getvalue()


def completed_event(res: Resultado, *, now: datetime) -> dict[str, Any]:
    """Value of the ``reconciliation.completed`` event (the outbox that emits it comes with the service)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return {"type": "reconciliation.completed", "occurred_at": now.isoformat(), "data": resumo(res)}
