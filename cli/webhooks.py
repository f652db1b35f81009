"""`ortho-fiscal webhooks list|create|update|delete|rotate|ping|redeliver|deliveries|worker`.

The same operations as /v1/webhooks, on the service database (``--database-url`` / ``--data-dir``,
the master keyring from ORTHO_MASTER_KEYS or the data dir). Output is JSON; the secret of ``create``
and ``rotate`` is printed once. ``worker`` runs a delivery worker process (several may run against
one PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from cli.db import add_database_options


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "webhooks", help="webhooks (eventos assinados para outros sistemas)",
        description="Gerencia os webhooks de um tenant e roda o worker de entregas.",
    )
    wsub = p.add_subparsers(dest="webhooks_command", metavar="SUBCOMMAND", required=True)

    def cmd(name: str, help_: str, handler: Any, *, tenant: bool = True) -> argparse.ArgumentParser:
        c = wsub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
        if tenant:
            c.add_argument("--tenant", required=True, metavar="T", help="identificador do tenant")
        add_database_options(c)
        c.set_defaults(handler=handler)
        return c

    cmd("list", "lista os webhooks do tenant", _list)
    c = cmd("create", "cria um webhook e imprime a chave secreta (uma única vez)", _create)
    c.add_argument("--url", required=True, help="destino https://")
    c.add_argument("--event", action="append", required=True, dest="events", metavar="EVENTO",
                   help="evento assinado (repita a opção; ex.: --event patient.created --event nfe.authorized)")
    c.add_argument("--description", default=None)
    c.add_argument("--bearer-token-env", metavar="VAR", default=None,
                   help="nome da variável de ambiente com o token Bearer (não passe o token na linha de comando)")
    u = cmd("update", "altera um webhook", _update)
    u.add_argument("webhook_id")
    u.add_argument("--url", default=None)
    u.add_argument("--event", action="append", dest="events", metavar="EVENTO", default=None)
    u.add_argument("--enable", action="store_true", help="reativa (ex.: após um 410 Gone)")
    u.add_argument("--disable", action="store_true")
    d = cmd("delete", "exclui um webhook (o histórico é mantido)", _delete)
    d.add_argument("webhook_id")
    r = cmd("rotate", "gera nova chave secreta; a anterior assina junto durante a sobreposição", _rotate)
    r.add_argument("webhook_id")
    r.add_argument("--overlap-hours", type=int, default=24)
    pg = cmd("ping", "envia um evento de teste (webhook.ping) agora e mostra o resultado", _ping)
    pg.add_argument("webhook_id")
    rd = cmd("redeliver", "reenfileira uma entrega (inclusive morta) para agora", _redeliver)
    rd.add_argument("delivery_id")
    ls = cmd("deliveries", "histórico de entregas de um webhook", _deliveries)
    ls.add_argument("webhook_id")
    ls.add_argument("--status", choices=("pending", "delivered", "dead", "disabled"), default=None)
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--attempts", action="store_true", help="inclui cada tentativa")
    w = cmd("worker", "roda um worker de entregas (Ctrl+C para parar)", _worker, tenant=False)
    w.add_argument("--lease-seconds", type=float, default=60.0)
    w.add_argument("--batch", type=int, default=20)
    w.add_argument("--idle-sleep", type=float, default=0.2, help="pausa (s) quando não há trabalho")
    w.add_argument("--once", action="store_true", help="uma passada e sai")


def _now() -> datetime:
    return datetime.now(UTC)


def _run(args: argparse.Namespace, work: Any) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.webhook_guard import UnsafeDestination
    from adapters.webhook_store import NotFound, WebhookError
    from api.app import open_resources
    from api.settings import Settings

    settings = Settings.from_env(data_dir=args.data_dir, database_url=args.database_url)
    try:
        resources = open_resources(settings)
    except (SQLAlchemyError, ValueError) as exc:
        print(f"erro: não foi possível abrir o banco: {exc}", file=sys.stderr)
        return 2
    try:
        out = work(resources, settings)
    except NotFound as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 1
    except (WebhookError, UnsafeDestination) as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 1
    finally:
        resources.db.dispose()
    if out is not None:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def _audit(conn: Any, tenant: str, action: str, target: str, details: dict[str, Any] | None = None) -> None:
    from adapters.db import audit

    audit.append(conn, now=_now(), actor="cli", action=action, tenant_id=tenant, target=target, details=details or {})


def _list(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store

    def work(res: Any, _s: Any) -> Any:
        with res.db.read() as conn:
            return {"items": [s.to_json() for s in store.list_(conn, args.tenant)]}

    return _run(args, work)


def _create(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store
    from adapters.webhook_guard import Guard

    bearer = None
    if args.bearer_token_env:
        bearer = os.environ.get(args.bearer_token_env)
        if not bearer:
            print(f"erro: a variável {args.bearer_token_env} está vazia ou ausente", file=sys.stderr)
            return 2

    def work(res: Any, settings: Any) -> Any:
        Guard.from_env(settings.env).resolve(args.url)
        with res.db.write() as conn:
            sub, secret = store.create(conn, res.keyring, tenant_id=args.tenant, url=args.url, events=args.events,
                                       now=_now(), description=args.description, bearer_token=bearer)
            _audit(conn, args.tenant, "webhook.create", f"webhook/{sub.id}", {"url": sub.url})
        return {**sub.to_json(), "secret": secret,
                "aviso": "guarde a chave secreta agora: ela não será exibida novamente"}

    return _run(args, work)


def _update(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store
    from adapters.webhook_guard import Guard

    if args.enable and args.disable:
        print("erro: use --enable ou --disable, não ambos", file=sys.stderr)
        return 2
    active = True if args.enable else (False if args.disable else None)

    def work(res: Any, settings: Any) -> Any:
        if args.url:
            Guard.from_env(settings.env).resolve(args.url)
        with res.db.write() as conn:
            sub = store.update_subscription(conn, res.keyring, args.tenant, args.webhook_id, now=_now(), url=args.url,
                                            events=args.events, active=active)
            _audit(conn, args.tenant, "webhook.update", f"webhook/{sub.id}")
        return sub.to_json()

    return _run(args, work)


def _delete(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store

    def work(res: Any, _s: Any) -> Any:
        with res.db.write() as conn:
            store.delete(conn, args.tenant, args.webhook_id, now=_now())
            _audit(conn, args.tenant, "webhook.delete", f"webhook/{args.webhook_id}")
        return {"id": args.webhook_id, "excluido": True}

    return _run(args, work)


def _rotate(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store

    def work(res: Any, _s: Any) -> Any:
        with res.db.write() as conn:
            sub, secret = store.rotate_secret(conn, res.keyring, args.tenant, args.webhook_id, now=_now(),
                                              overlap=timedelta(hours=args.overlap_hours))
            _audit(conn, args.tenant, "webhook.rotate_secret", f"webhook/{sub.id}")
        return {**sub.to_json(), "secret": secret}

    return _run(args, work)


def _ping(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store
    from adapters.webhook_worker import Sender, WorkerConfig, deliver

    def work(res: Any, settings: Any) -> Any:
        config = WorkerConfig.from_env(settings.env)
        with res.db.write() as conn:
            item = store.ping(conn, args.tenant, args.webhook_id, now=_now(), lease=config.lease)
        delivery_id = item.id
        sender = Sender(config)
        try:
            deliver(res.db, res.keyring, sender, item)
        finally:
            sender.close()
        with res.db.read() as conn:
            return {**store.get_delivery(conn, args.tenant, delivery_id).to_json(),
                    "attempt_log": store.attempts(conn, delivery_id)}

    return _run(args, work)


def _redeliver(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store

    def work(res: Any, _s: Any) -> Any:
        with res.db.write() as conn:
            d = store.redeliver(conn, args.tenant, args.delivery_id, now=_now())
            _audit(conn, args.tenant, "webhook.redeliver", f"webhook/{d.subscription_id}", {"delivery_id": d.id})
        return d.to_json()

    return _run(args, work)


def _deliveries(args: argparse.Namespace) -> int:
    from adapters import webhook_store as store

    def work(res: Any, _s: Any) -> Any:
        with res.db.read() as conn:
            store.get(conn, args.tenant, args.webhook_id)
            items = []
            for d in store.deliveries(conn, args.tenant, args.webhook_id, limit=args.limit, status=args.status):
                item = d.to_json()
                if args.attempts:
                    item["attempt_log"] = store.attempts(conn, d.id)
                items.append(item)
        return {"items": items}

    return _run(args, work)


def _worker(args: argparse.Namespace) -> int:
    from adapters.webhook_worker import main

    argv = ["--lease-seconds", str(args.lease_seconds), "--batch", str(args.batch), "--idle-sleep",
            str(args.idle_sleep)]
    if args.database_url:
        argv += ["--database-url", args.database_url]
    if args.data_dir:
        argv += ["--data-dir", args.data_dir]
    if args.once:
        argv.append("--once")
    return main(argv)
