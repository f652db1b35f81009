"""`ortho-fiscal serve`: the HTTP API on its embedded defaults (SQLite under the data dir).

On an empty database it creates the demo tenant (emitter with a test certificate, homologação)
and prints its admin and PDV keys once. Settings: docs/service.md (ORTHO_* variables); the
options here override them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("serve", help="inicia a API HTTP", description="Inicia a API HTTP.")
    p.add_argument("--host", default=None, help="endereço (padrão ORTHO_HOST ou 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="porta (padrão ORTHO_PORT ou 8000)")
    p.add_argument("--data-dir", default=None, help="diretório de dados (padrão ORTHO_DATA_DIR ou ./data)")
    p.add_argument("--no-demo", action="store_true", help="não cria o emitente de demonstração num banco vazio")
    p.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app, open_resources
    from api.demo import ensure_demo
    from api.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(host=args.host, port=args.port, data_dir=args.data_dir)
    except SettingsError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    resources = open_resources(settings)  # migrations run here, once, before the workers start
    try:
        demo = None if args.no_demo else ensure_demo(resources)
    finally:
        resources.db.dispose()
    if demo is not None:
        print(
            "Emitente de demonstração criado (homologação, certificado de teste):\n"
            f"  tenant: demo  emitente: {demo.emitter_id}  CNPJ: {demo.cnpj}\n"
            f"  chave admin: {demo.admin_key.key}\n"
            f"  chave pdv:   {demo.pdv_key.key}\n"
            "Guarde as chaves: elas não serão mostradas de novo.",
            flush=True,
        )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0
