"""`ortho-fiscal`: the command line. Each area registers its commands from its own module.

Exit codes: 0 success/valid, 1 invalid (findings printed), 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each command and the module that registers it (``register(subparsers)``). Only the module of the
# command being run is imported: importing every area (the generated NF-e model, requests, ofxtools,
# SQLAlchemy, ...) would cost seconds on every invocation. tests/e2e/test_cli_main.py checks that this
# table matches what the modules register.
COMMANDS: dict[str, str] = {
    "serve": "cli.serve",
    "build": "cli.build",
    "validate": "cli.validate",
    "convert": "cli.convert",
    "chave": "cli.chave",
    "certs": "cli.certs",
    "sign": "cli.certs",
    "verify": "cli.certs",
    "states": "cli.states",
    "sefaz": "cli.sefaz",
    "simulator": "cli.simulator",
    "apikey": "cli.apikey",
    "audit": "cli.audit",
    "db": "cli.db",
    "pix": "cli.pix",
    "sped": "cli.sped",
    "danfe": "cli.danfe",
    "reconcile": "cli.reconcile",
    "webhooks": "cli.webhooks",
    "integrations": "cli.integrations",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def _requested(argv: Sequence[str]) -> str | None:
    """The command named on the command line (the first argument that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ortho-fiscal",
        description="Ortho+ Fiscal: NF-e/NFC-e 4.00, SEFAZ, PIX e SPED para clínicas odontológicas.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    command = _requested(argv) if argv is not None else None
    modules = (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
