"""`ortho-fiscal reconcile STATEMENT... --charges FILE --from D --to D`: bank reconciliation from files.

Statements (OFX, CNAB 240 retorno, API Pix ``GET /pix`` JSON; format detected unless ``--format``)
are parsed completely, imported idempotently into an in-memory repository (the same file given
twice, or overlapping files, add each movement once), then matched against the charges of the
period. Output: a summary in pt-BR (default), ``--json`` (report + ``reconciliation.completed``
event) or ``--csv`` (one row per item), to stdout or ``--out``.

Exit codes: 0 reconciled (unmatched items are reported, not failures), 2 unreadable or invalid
input (``FILE:LINE: campo X: message`` on stderr) or bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from engine.reconciliation import (
    Fonte,
    MemoryRepository,
    Parametros,
    ReconciliationError,
    completed_event,
    detect_format,
    file_hash,
    import_statement,
    parse_charges_csv,
    parse_charges_json,
    parse_cnab240,
    parse_statement,
    reconcile,
    write_csv,
    write_json,
)
from states import uf as state

_PADRAO = Parametros()


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "reconcile", help="conciliação bancária: extratos (OFX, CNAB 240, Pix) contra as cobranças",
        description="Importa extratos (OFX 1/2, CNAB 240 retorno de cobrança ou pagamentos, lista de Pix "
        "recebidos da API Pix) e concilia com as cobranças do período: por endToEndId/txid/nosso número, depois "
        "por valor e data, depois por pagador. Classes: matched, partial, duplicate, unexpected, missing. "
        "Saída 0 conciliado (itens pendentes são reportados), 2 arquivo inválido (com a linha).")
    p.add_argument("statements", nargs="+", metavar="STATEMENT", help="extrato(s); o mesmo arquivo duas vezes "
                   "é importado uma vez só")
    p.add_argument("--charges", required=True, metavar="CHARGES.json|.csv", help="cobranças/recebíveis")
    p.add_argument("--from", dest="inicio", required=True, metavar="AAAA-MM-DD", help="início do período")
    p.add_argument("--to", dest="fim", required=True, metavar="AAAA-MM-DD", help="fim do período")
    p.add_argument("--format", choices=[f.value for f in Fonte], help="formato do extrato (padrão: detectado)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="relatório JSON com o evento reconciliation.completed")
    out.add_argument("--csv", action="store_true", help="relatório CSV, uma linha por item")
    p.add_argument("--out", metavar="FILE", help="grava o relatório neste arquivo em vez do stdout")
    p.add_argument("--window-days", type=int, default=_PADRAO.janela_dias, metavar="N",
                   help=f"janela de datas da regra valor+data (padrão {_PADRAO.janela_dias})")
    p.add_argument("--payer-window-days", type=int, default=_PADRAO.janela_pagador_dias, metavar="N",
                   help=f"janela de datas da regra do pagador (padrão {_PADRAO.janela_pagador_dias})")
    p.add_argument("--tolerance", default="0.00", metavar="VALOR",
                   help="diferença de valor ainda considerada exata (padrão 0.00)")
    p.add_argument("--uf", default="SP", help="UF da conta: fuso horário da data de um Pix (padrão SP)")
    p.set_defaults(handler=_reconcile)


def _fail(msg: str) -> int:
    print(f"erro: {msg}", file=sys.stderr)
    return 2


def _hashing(lines: Iterable[bytes], digest: Any) -> Iterator[bytes]:
    for raw in lines:
        digest.update(raw)
        yield raw


def _where(path: Path, exc: ReconciliationError) -> str:
    """``FILE:LINE: campo X: message`` (line 0 when the error has no line, e.g. a JSON item path)."""
    campo = f"campo {exc.campo}: " if exc.campo else ""
    return f"{path}:{exc.line or 0}: {campo}{exc.detalhe}"


def _reconcile(args: argparse.Namespace) -> int:
    try:
        inicio, fim = date.fromisoformat(args.inicio), date.fromisoformat(args.fim)
    except ValueError:
        return _fail("--from/--to devem ser datas AAAA-MM-DD")
    if fim < inicio:
        return _fail("--to é anterior a --from")
    try:
        tolerancia = Decimal(args.tolerance).quantize(Decimal("0.01"))
    except InvalidOperation:
        return _fail(f"--tolerance {args.tolerance!r} não é um valor")
    if args.window_days < 0 or args.payer_window_days < 0 or tolerancia < 0:
        return _fail("janelas e tolerância não podem ser negativas")
    fuso = state(args.uf).zoneinfo()

    charges_path = Path(args.charges)
    try:
        raw = charges_path.read_bytes()
        charges = parse_charges_csv(raw) if charges_path.suffix.lower() == ".csv" else parse_charges_json(raw)
    except OSError as exc:
        return _fail(f"{charges_path}: {exc.strerror or exc}")
    except ReconciliationError as exc:
        return _fail(_where(charges_path, exc))

    # Parse every statement completely before importing any (nothing half-imported).
    parsed = []
    for name in args.statements:
        path = Path(name)
        try:
            with path.open("rb") as f:
                head = f.read(4096)
            fmt = Fonte(args.format) if args.format else detect_format(head)
            if fmt is Fonte.CNAB240:
                # Streamed line by line (a retorno can have hundreds of thousands of records); the
                # file's sha256 is computed from the same lines.
                digest = hashlib.sha256()
                with path.open("rb") as f:
                    lines = parse_cnab240(_hashing(f, digest))
                sha = digest.hexdigest()
            else:
                data = path.read_bytes()
                fmt, lines = parse_statement(data, fmt, fuso=fuso)
                sha = file_hash(data)
        except OSError as exc:
            return _fail(f"{path}: {exc.strerror or exc}")
        except ReconciliationError as exc:
            return _fail(_where(path, exc))
        parsed.append((path, fmt, sha, lines))

    repo = MemoryRepository(charges)
    importacoes = []
    for path, fmt, sha, lines in parsed:
        imp = import_statement(repo, sha, lines)
        importacoes.append({"arquivo": str(path), "formato": fmt.value, "sha256": sha, "novas": imp.novas,
                            "repetidas": imp.repetidas, "arquivo_ja_importado": imp.arquivo_ja_importado})

    # Every stored line goes in: reconcile() classifies those of the period and counts the others.
    res = reconcile(repo.statement_lines(date.min, date.max), repo.charges_for_period(inicio, fim),
                    inicio=inicio, fim=fim,
                    parametros=Parametros(janela_dias=args.window_days, janela_pagador_dias=args.payer_window_days,
                                          tolerancia=tolerancia),
                    arquivos=repo.statement_files())
    try:
        with (Path(args.out).open("w", encoding="utf-8", newline="") if args.out
              else contextlib.nullcontext(sys.stdout)) as out:
            if args.json:
                write_json(res, out, extra={"importacoes": importacoes,
                                            "evento": completed_event(res, now=datetime.now(UTC))})
            elif args.csv:
                write_csv(res, out)
            else:
                out.write(_summary(res.contagem(), {k: f"{v:.2f}" for k, v in res.totais().items()}, importacoes,
                                   res.fora_do_periodo))
    except OSError as exc:
        return _fail(f"{args.out or 'stdout'}: {exc.strerror or exc}")
    return 0


_ROTULOS = {"matched": "conciliados", "partial": "parciais", "duplicate": "duplicados",
            "unexpected": "inesperados (sem cobrança)", "missing": "ausentes (cobrança sem pagamento)"}


def _summary(contagem: dict[str, int], totais: dict[str, str], importacoes: list[dict[str, Any]], fora: int) -> str:
    out = []
    for imp in importacoes:
        estado = ("já importado" if imp["arquivo_ja_importado"]
                  else f"{imp['novas']} novas, {imp['repetidas']} repetidas")
        out.append(f"{imp['arquivo']} ({imp['formato']}): {estado}")
    for k, rotulo in _ROTULOS.items():
        out.append(f"{rotulo}: {contagem[k]} (R$ {totais[k]})")
    if fora:
        out.append(f"linhas fora do período (não conciliadas): {fora}")
    return "\n".join(out) + "\n"
