"""`ortho-fiscal chave make|check`: compose and check chaves de acesso."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from engine.errors import ChaveError
from engine.nfe.chave import check_chave, make_chave, parse_chave


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "chave",
        help="gera ou confere chaves de acesso de NF-e/NFC-e",
        description="Gera ou confere a chave de acesso (44 caracteres) de NF-e/NFC-e, com CNPJ numérico ou "
        "alfanumérico.",
    )
    csub = p.add_subparsers(dest="chave_command", metavar="SUBCOMMAND", required=True)

    mk = csub.add_parser(
        "make",
        help="gera uma chave de acesso",
        description="Gera a chave de acesso com o dígito verificador (módulo 11). Sem --cnf, o código numérico "
        "é aleatório, diferente do nNF e das sequências proibidas (NT 2019.001).",
    )
    mk.add_argument("--uf", required=True, help="UF do emitente: sigla (SP) ou código IBGE (35)")
    mk.add_argument("--cnpj", required=True, help="CNPJ do emitente (numérico ou alfanumérico) ou CPF (11 dígitos)")
    mk.add_argument("--mod", required=True, choices=("55", "65"), help="modelo: 55 NF-e, 65 NFC-e")
    mk.add_argument("--serie", required=True, type=int, help="série (0 a 999)")
    mk.add_argument("--nnf", required=True, type=int, help="número da nota (1 a 999999999)")
    mk.add_argument("--tpemis", default="1", help="tipo de emissão (padrão 1 - normal)")
    mk.add_argument("--data", required=True, help="ano e mês da emissão: AAAA-MM (ex.: 2026-12)")
    mk.add_argument("--cnf", help="código numérico de 8 dígitos (padrão: aleatório)")
    mk.set_defaults(handler=_make)

    ck = csub.add_parser(
        "check",
        help="confere uma chave de acesso",
        description="Confere uma chave de acesso e mostra seus campos. Saída 0 se válida, 1 se inválida.",
    )
    ck.add_argument("chave", metavar="KEY", help="chave de 44 caracteres (aceita o prefixo NFe e espaços)")
    ck.set_defaults(handler=_check)


def _make(args: argparse.Namespace) -> int:
    try:
        chave = make_chave(
            uf=args.uf,
            ano_mes=args.data,
            emitente=args.cnpj,
            mod=args.mod,
            serie=args.serie,
            nnf=args.nnf,
            tp_emis=args.tpemis,
            cnf=args.cnf,
        )
    except ChaveError as exc:
        print(f"erro: {exc.mensagem}" + (f" (cStat {exc.cstat})" if exc.cstat else ""), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"erro: valor inválido: {exc}", file=sys.stderr)
        return 2
    print(chave)
    return 0


def _check(args: argparse.Namespace) -> int:
    # The CLI is the composition root: today's date (for "year after the current one", cStat 615).
    findings = check_chave(args.chave, hoje=dt.datetime.now(dt.UTC).date())
    try:
        campos = parse_chave(args.chave).campos()
    except ChaveError:
        campos = {}
    for nome, valor in campos.items():
        print(f"{nome}: {valor}")
    if not findings:
        print("chave válida")
        return 0
    for f in findings:
        print(f"inválida: {f.mensagem}" + (f" (cStat {f.cstat})" if f.cstat else ""))
    return 1
