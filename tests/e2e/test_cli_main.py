"""The command table of cli/main.py matches what each module registers; only the named command's module loads."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

from cli.main import COMMAND_MODULES, COMMANDS, build_parser

BIN = Path(sys.executable).parent / "ortho-fiscal"


def test_command_table_matches_the_modules() -> None:
    registered: dict[str, str] = {}
    for name in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(name).register(sub)
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == COMMANDS


def test_help_lists_every_command() -> None:
    out = subprocess.run([str(BIN), "--help"], capture_output=True, text=True, check=True).stdout
    for command in COMMANDS:
        assert command in out


def test_a_command_builds_only_its_own_parser() -> None:
    parser = build_parser(["chave", "check", "x"])
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(action.choices) == {"chave"}


def test_running_a_command_does_not_import_the_other_areas() -> None:
    code = (
        "import sys; from cli.main import main;"
        "main(['chave', 'check', '35261211222333000181650010000010421042618478']);"
        "heavy = [m for m in ('engine.nfe.model.generated', 'ofxtools', 'sqlalchemy', 'litestar', 'requests')"
        " if m in sys.modules]; print('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "HEAVY="
