"""`ortho-fiscal`: the command line. Each area registers its commands from its own module.

Exit codes: 0 success/valid, 1 invalid (findings printed), 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that expose ``register(subparsers)``; each adds its sub-commands.
COMMAND_MODULES = (
    "cli.serve",
    "cli.build",
    "cli.validate",
    "cli.convert",
    "cli.chave",
    "cli.certs",
    "cli.states",
    "cli.sefaz",
    "cli.simulator",
    "cli.apikey",
    "cli.audit",
    "cli.db",
    "cli.pix",
    "cli.sped",
    "cli.danfe",
    "cli.reconcile",
    "cli.webhooks",
    "cli.integrations",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ortho-fiscal",
        description="Ortho+ Fiscal: NF-e/NFC-e 4.00, SEFAZ, PIX e SPED para clínicas odontológicas.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # area not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
