"""`ortho-fiscal build INPUT.json --emitente EMITENTE.json [--out FILE] [--numero N]`.

The friendly PDV JSON -> an unsigned NF-e/NFC-e 4.00 XML, checked against the official schema
(the missing Signature is the only thing the schema may miss on an unsigned document).

The emitter configuration is a separate file on purpose: it holds secrets (the NFC-e CSC token, the
CSRT) and settings that belong to the clinic, not to each sale, so a PDV never posts them.

Exit codes: 0 built; 2 unreadable or invalid input (one line per problem:
``FILE: json.path: mensagem (cStat N) [CODE]``); 1 the built document fails the schema (a bug).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from lxml import etree

from engine.errors import ChaveError, ConfigurationError, Finding
from engine.nfe.build import EntradaInvalida, load_emitente, load_json_decimal, parse_venda
from engine.nfe.build.builder import build_nfe
from engine.nfe.xmlio import render
from engine.xsd import DSIG_NS, schema_findings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "build",
        help="gera NF-e/NFC-e (XML não assinado) a partir do JSON simplificado do PDV",
        description="Gera a NF-e (modelo 55) ou NFC-e (modelo 65) 4.00, não assinada, a partir do JSON "
        "simplificado do PDV (docs/input.md) e da configuração do emitente. Calcula ICMS, PIS/COFINS, IBS/CBS, "
        "totais, chave de acesso e, na NFC-e, o QR-Code. Saída: 0 gerado, 2 entrada inválida ou ilegível, "
        "1 documento gerado não passou no schema.",
    )
    p.add_argument("input", metavar="INPUT.json", help="venda no formato de entrada simplificado")
    p.add_argument("--emitente", required=True, metavar="EMITENTE.json",
                   help="configuração do emitente (CNPJ, IE, CRT, endereço, séries, CSC, perfil tributário)")
    p.add_argument("--out", metavar="FILE", help="arquivo XML de saída (padrão: saída padrão)")
    p.add_argument("--numero", type=int, metavar="N", help="número da nota (nNF); substitui 'numero' do JSON")
    p.add_argument("--data-emissao", metavar="ISO8601",
                   help="data/hora de emissão com fuso (ex.: 2026-12-04T10:30:00-03:00); padrão: agora")
    p.set_defaults(handler=_build)


def _print_findings(file: str, findings: list[Finding]) -> None:
    for f in findings:
        cstat = f" (cStat {f.cstat})" if f.cstat else ""
        print(f"{file}: {f.path or '-'}: {f.mensagem}{cstat} [{f.code}]", file=sys.stderr)


def _now(value: str | None) -> dt.datetime | None:
    if value is None:
        # The CLI is the composition root: the clock is read here and passed to the engine.
        return dt.datetime.now(dt.UTC)
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _build(args: argparse.Namespace) -> int:
    now = _now(args.data_emissao)
    if now is None:
        print(f"--data-emissao: data/hora inválida ou sem fuso horário: {args.data_emissao!r}", file=sys.stderr)
        return 2
    if args.numero is not None and not 1 <= args.numero <= 999_999_999:
        print(f"--numero: deve estar entre 1 e 999999999, recebido {args.numero}", file=sys.stderr)
        return 2
    try:
        emitente = load_emitente(args.emitente)
    except EntradaInvalida as exc:
        _print_findings(args.emitente, exc.findings)
        return 2
    try:
        venda = parse_venda(load_json_decimal(args.input))
        model = build_nfe(venda, emitente, now=now, numero=args.numero)
    except EntradaInvalida as exc:
        _print_findings(args.input, exc.findings)
        return 2
    except (ConfigurationError, ChaveError) as exc:
        _print_findings(args.input, [Finding(code=exc.code, mensagem=exc.mensagem, path=exc.path, cstat=exc.cstat)])
        return 2
    root = render(model)
    problems = [f for f in schema_findings(root) if DSIG_NS not in f.mensagem]
    if problems:
        for f in problems:
            print(f"{args.input}: {f.xpath or '-'}: {f.mensagem} [{f.code}]", file=sys.stderr)
        return 1
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    chave = str(root[0].get("Id", ""))[3:]  # infNFe/@Id = "NFe" + chave
    if args.out:
        try:
            Path(args.out).write_bytes(data)
        except OSError as exc:
            print(f"{args.out}: não foi possível gravar: {exc.strerror}", file=sys.stderr)
            return 2
        print(f"{args.out}: chave {chave}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        print(f"chave {chave}", file=sys.stderr)
    return 0
