"""`ortho-fiscal audit verify`: check the audit trail's hash chain.

Exit 0: intact; 1: an entry was edited, removed or moved (each reported with its seq); 2: the
database could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.db import add_database_options, open_database


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "audit", help="trilha de auditoria", description="Trilha de auditoria do serviço."
    )
    asub = p.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    v = asub.add_parser(
        "verify",
        help="verifica o encadeamento por hash da trilha",
        description="Recalcula o hash de cada entrada e o encadeamento; informa cada entrada alterada, "
        "removida ou fora de ordem. Saída 0: íntegra; 1: adulterada; 2: banco ilegível.",
    )
    v.add_argument("--json", action="store_true", help="resultado em JSON")
    add_database_options(v)
    v.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db import audit

    db = None
    try:
        db = open_database(args)
        with db.read() as conn:
            checked, findings = audit.verify(conn)
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: não foi possível ler a trilha de auditoria: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()
    if args.json:
        print(json.dumps({"entradas": checked, "integra": not findings,
                          "problemas": [{"seq": f.seq, "tipo": f.kind, "mensagem": f.mensagem} for f in findings]},
                         ensure_ascii=False))
    else:
        for f in findings:
            print(f"entrada {f.seq}: {f.kind}: {f.mensagem}")
        print(f"{checked} entradas verificadas: " + ("trilha íntegra" if not findings else
                                                       f"{len(findings)} problema(s)"))
    return 1 if findings else 0
