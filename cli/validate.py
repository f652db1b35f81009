"""`ortho-fiscal validate FILE...`: schema, business rules and signature of NF-e documents.

One line per finding, ``FILE:LINE: PATH: message``; notes (e.g. a document not signed yet) are
printed but do not fail. Exit 0 all valid, 1 any invalid, 2 a file unreadable or of unknown kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from engine.errors import Finding, SchemaError, XmlError
from engine.nfe.validate import validate_document
from engine.xml.parser import parse_xml_file


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="valida NF-e, NFC-e, nfeProc, eventos e inutilização",
        description="Valida documentos (NFe, nfeProc, envEvento, procEventoNFe, inutNFe): schema oficial escolhido "
        "pelo elemento raiz, regras de negócio da SEFAZ e, se houver, a assinatura digital (digest e valor). "
        "Documento ainda não assinado é validado como ficará depois de assinado (a falta da assinatura é "
        "apenas uma nota). Saída: 0 todos válidos, 1 algum inválido, 2 arquivo ilegível ou de tipo desconhecido.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="arquivos XML")
    p.add_argument(
        "--json",
        action="store_true",
        help="saída em JSON (uma lista com o resultado de cada arquivo) em vez de uma linha por problema",
    )
    p.set_defaults(handler=_validate)


def _line(file: str, f: Finding) -> str:
    where = f.path or f.xpath or "-"
    prefix = "nota: " if f.severity != "error" else ""
    cstat = f" (cStat {f.cstat})" if f.cstat else ""
    return f"{file}:{f.line or 0}: {where}: {prefix}{f.mensagem}{cstat} [{f.code}]"


def _validate(args: argparse.Namespace) -> int:
    # The CLI is the composition root: the clock is read here and passed to the engine.
    now = dt.datetime.now(dt.UTC)
    status = 0
    results: list[dict[str, object]] = []
    for file in args.files:
        try:
            root = parse_xml_file(file)
            report = validate_document(root, now=now)
        except (XmlError, SchemaError) as exc:
            line = getattr(exc, "line", None) or 0
            print(f"{file}:{line}: -: {exc.mensagem} [{exc.code}]", file=sys.stderr)
            results.append({"arquivo": file, "erro": {"code": exc.code, "mensagem": exc.mensagem}})
            status = 2
            continue
        if args.json:
            results.append({"arquivo": file, **report.as_dict()})
        else:
            for f in report.findings:
                print(_line(file, f))
        if report.valid:
            print(f"{file}: válido ({report.descricao})", file=sys.stderr)
        else:
            print(f"{file}: inválido ({report.descricao}, {len(report.errors)} erro(s))", file=sys.stderr)
            status = max(status, 1)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return status
