"""`ortho-fiscal db upgrade|current`: the service database's migrations (Alembic).

Shared by cli.apikey and cli.audit: ``add_database_options`` / ``open_database``. The database is
``--database-url``, else ORTHO_DATABASE_URL, else the SQLite file under ``--data-dir`` (ORTHO_DATA_DIR,
default ./data).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.db.engine import Database


def add_database_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database-url", default=None, help="URL do banco (padrão ORTHO_DATABASE_URL ou SQLite no --data-dir)"
    )
    p.add_argument("--data-dir", default=None, help="diretório de dados (padrão ORTHO_DATA_DIR ou ./data)")


def open_database(args: argparse.Namespace) -> Database:
    from adapters.db.engine import Database
    from api.settings import Settings

    settings = Settings.from_env(data_dir=args.data_dir, database_url=args.database_url)
    return Database(settings.effective_database_url)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "db", help="migrações do banco de dados", description="Migrações do banco de dados do serviço (Alembic)."
    )
    dsub = p.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    up = dsub.add_parser("upgrade", help="aplica as migrações pendentes", description="Aplica as migrações pendentes.")
    add_database_options(up)
    up.set_defaults(handler=_upgrade)
    cur = dsub.add_parser("current", help="mostra a revisão do banco", description="Mostra a revisão do banco.")
    add_database_options(cur)
    cur.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db.migrate import current

    db = None
    try:
        db = open_database(args)
        db.upgrade()
        print(f"banco na revisão {current(db)} ({db.dialect})")
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: não foi possível migrar o banco: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()
    return 0


def _current(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db.migrate import current, head

    db = None
    try:
        db = open_database(args)
        rev = current(db)
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: não foi possível ler o banco: {exc}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()
    latest = head()
    print(f"revisão atual: {rev or 'nenhuma (banco vazio)'}; mais recente: {latest}")
    return 0 if rev == latest else 1
