"""`ortho-fiscal integrations catalog|list|test|run|logs|scheduler`.

The same operations as /v1/integrations, on the service database (``--database-url`` /
``--data-dir``, the master keyring from ORTHO_MASTER_KEYS or the data dir). Provider TLS trust from
ORTHO_INTEGRATIONS_TRUST_PEM, alert e-mail from ORTHO_SMTP_*. Output is JSON, except ``logs``,
which prints the guide's log form (``--json`` for JSON). ``scheduler`` runs the scheduled and batch
integrations when due (one pass with ``--once``; several processes may run it against one
PostgreSQL: each due run is claimed by one of them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from cli.db import add_database_options


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "integrations", help="integrações (contabilidade, WhatsApp, e-mail, SMS)",
        description="Configurações → Integrações: catálogo, testes, sincronização e logs.",
    )
    isub = p.add_subparsers(dest="integrations_command", metavar="SUBCOMMAND", required=True)
    c = isub.add_parser("catalog", help="lista todos os sistemas do guia (disponível / planejado)",
                        description="Lista todos os sistemas do guia (disponível / planejado).")
    c.add_argument("--status", choices=("disponível", "planejado"), default=None)
    c.set_defaults(handler=_catalog)

    def cmd(name: str, help_: str, handler: Any, *, with_id: bool = True,
            tenant: bool = True) -> argparse.ArgumentParser:
        c = isub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
        if tenant:
            c.add_argument("--tenant", required=True, metavar="T", help="identificador do tenant")
        if with_id:
            c.add_argument("integration_id")
        add_database_options(c)
        c.set_defaults(handler=handler)
        return c

    cmd("list", "lista as integrações do tenant", _list, with_id=False)
    cmd("test", "testa a conexão com o provedor", _test)
    cmd("run", "sincroniza agora (execução manual)", _run_now)
    lg = cmd("logs", "mostra os logs de sincronização no formato do guia", _logs)
    lg.add_argument("--limit", type=int, default=20)
    lg.add_argument("--json", action="store_true", help="saída em JSON")
    s = cmd("scheduler", "roda as integrações agendadas e em lote quando vencem (Ctrl+C para parar)", _scheduler,
            with_id=False, tenant=False)
    s.add_argument("--once", action="store_true", help="uma passada e sai")
    s.add_argument("--interval", type=float, default=30.0, help="segundos entre passadas (padrão 30)")


def _now() -> datetime:
    return datetime.now(UTC)


def _catalog(args: argparse.Namespace) -> int:
    from engine.integrations.catalog import CATALOG

    items = [e.to_json() for e in CATALOG if args.status is None or e.status.value == args.status]
    print(json.dumps({"items": items}, ensure_ascii=False, indent=2))
    return 0


def _with_service(args: argparse.Namespace, work: Any, *, text: bool = False) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.integrations_http import HttpxTransport
    from adapters.integrations_service import IntegrationService
    from adapters.integrations_store import NotFound
    from adapters.smtp import SmtpSender, SmtpSettings
    from api.app import open_resources
    from api.settings import Settings
    from engine.integrations.model import IntegrationError

    settings = Settings.from_env(data_dir=args.data_dir, database_url=args.database_url)
    try:
        resources = open_resources(settings)
        smtp = SmtpSettings.from_env(settings.env)
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: não foi possível abrir o banco: {exc}", file=sys.stderr)
        return 2
    transport = HttpxTransport.from_env(settings.env)
    service = IntegrationService(resources.db, resources.keyring, transport, _now, SmtpSender(smtp) if smtp else None)
    try:
        out = work(service)
    except NotFound as exc:
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 1
    except IntegrationError as exc:
        print(f"erro: {exc.mensagem}", file=sys.stderr)
        return 1
    finally:
        transport.close()
        resources.db.dispose()
    if text:
        print(out)
        return 0
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if isinstance(out, dict) and (out.get("ok") is False or out.get("outcome") == "falha"):
        return 1
    return 0


def _list(args: argparse.Namespace) -> int:
    from adapters import integrations_store as store

    def work(svc: Any) -> Any:
        with svc.db.read() as conn:
            return {"items": [i.to_json() for i in store.list_(conn, args.tenant)]}

    return _with_service(args, work)


def _test(args: argparse.Namespace) -> int:
    return _with_service(args, lambda svc: svc.test(args.tenant, args.integration_id))


def _run_now(args: argparse.Namespace) -> int:
    return _with_service(args, lambda svc: svc.run(args.tenant, args.integration_id))


def _logs(args: argparse.Namespace) -> int:
    from adapters import integrations_store as store

    def work(svc: Any) -> Any:
        with svc.db.read() as conn:
            runs = store.list_runs(conn, store.get(conn, args.tenant, args.integration_id), max(1, args.limit))
        if args.json:
            return {"items": runs}
        return "\n\n".join(r["log"] for r in runs) or "nenhuma sincronização registrada"

    return _with_service(args, work, text=not args.json)


def _scheduler(args: argparse.Namespace) -> int:
    def work(svc: Any) -> Any:
        done: list[Any] = []
        try:
            while True:
                for r in svc.run_due():
                    print(json.dumps({k: r[k] for k in ("integration", "trigger", "outcome", "sent", "received")},
                                     ensure_ascii=False), flush=True)
                    done.append(r)
                if args.once:
                    break
                time.sleep(max(1.0, args.interval))
        except KeyboardInterrupt:
            pass
        return {"runs": len(done)}

    return _with_service(args, work)
