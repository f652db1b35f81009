"""`ortho-fiscal apikey create|revoke`: API keys of a tenant (the key is printed once)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from cli.db import add_database_options, open_database

ROLES = ("admin", "pdv", "accountant", "auditor", "integration")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "apikey", help="chaves de API", description="Cria e revoga chaves de API de um tenant."
    )
    asub = p.add_subparsers(dest="apikey_command", metavar="SUBCOMMAND", required=True)
    c = asub.add_parser(
        "create",
        help="cria uma chave e a imprime (uma única vez)",
        description="Cria uma chave de API para o tenant e a imprime na saída padrão (só desta vez: "
        "apenas o hash é guardado). Papéis: admin (configuração, certificados), pdv (emitir, cancelar, "
        "corrigir, ler os próprios), accountant (ler, exportar), auditor (somente leitura, histórico, auditoria), "
        "integration (o sistema da clínica: apenas publica eventos em POST /v1/events).",
    )
    c.add_argument("--tenant", required=True, metavar="T", help="identificador do tenant")
    c.add_argument("--role", required=True, choices=ROLES, metavar="R", help="papel: " + ", ".join(ROLES))
    c.add_argument("--label", default=None, help="descrição livre (ex.: 'caixa 2 da recepção')")
    c.add_argument("--new-tenant", metavar="NOME", default=None, help="cria o tenant T com este nome se não existir")
    add_database_options(c)
    c.set_defaults(handler=_create)
    r = asub.add_parser("revoke", help="revoga uma chave pelo id", description="Revoga uma chave pelo seu id.")
    r.add_argument("key_id", help="id da chave (os 12 caracteres após 'ofk_')")
    add_database_options(r)
    r.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db import audit
    from adapters.db.apikeys import Role, UnknownTenant, create_tenant, issue_key, tenant_exists

    tenant_id = args.tenant.strip()
    if not tenant_id or len(tenant_id) > 64:
        print("erro: --tenant deve ter de 1 a 64 caracteres", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    db = None
    try:
        db = open_database(args)
        db.upgrade()
        with db.write() as conn:
            created_tenant = False
            if args.new_tenant and not tenant_exists(conn, tenant_id):
                create_tenant(conn, tenant_id, args.new_tenant, now=now)
                created_tenant = True
            issued = issue_key(conn, tenant_id, Role(args.role), now=now, label=args.label)
            audit.append(conn, now=now, actor="cli", action="apikey.create", tenant_id=tenant_id,
                         target=f"apikey/{issued.key_id}",
                         details={"role": args.role, "label": args.label, "tenant_created": created_tenant})
    except UnknownTenant:
        print(f"erro: o tenant '{tenant_id}' não existe (use --new-tenant NOME para criá-lo)", file=sys.stderr)
        return 2
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: banco de dados: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()
    print(issued.key)
    print(f"chave {issued.key_id} ({args.role}) criada para o tenant '{tenant_id}'; "
          "guarde-a: não será mostrada de novo", file=sys.stderr)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db import audit
    from adapters.db.apikeys import revoke_key
    from adapters.db.schema import api_key

    now = datetime.now(UTC)
    db = None
    try:
        db = open_database(args)
        with db.write() as conn:
            tenant_id = conn.execute(select(api_key.c.tenant_id).where(api_key.c.id == args.key_id)).scalar()
            done = revoke_key(conn, args.key_id, now=now)
            if done:
                audit.append(conn, now=now, actor="cli", action="apikey.revoke", tenant_id=tenant_id,
                             target=f"apikey/{args.key_id}")
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: banco de dados: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()
    if not done:
        print(f"erro: chave '{args.key_id}' não encontrada ou já revogada", file=sys.stderr)
        return 1
    print(f"chave {args.key_id} revogada")
    return 0
