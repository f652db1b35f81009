"""`ortho-fiscal serve`: the HTTP API on its embedded defaults."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("serve", help="inicia a API HTTP", description="Inicia a API HTTP.")
    p.add_argument("--host", default="127.0.0.1", help="endereço (padrão 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="porta (padrão 8000)")
    p.add_argument("--data-dir", default="data", help="diretório de dados (padrão ./data)")
    p.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import Settings, create_app

    settings = Settings(host=args.host, port=args.port, data_dir=args.data_dir)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0
