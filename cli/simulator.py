"""`ortho-fiscal simulator`: the SEFAZ homologação simulator in the foreground.

    ortho-fiscal simulator [--host H] [--port P] [--data-dir DIR]

Prints the URL, the test CA the clients must trust and a ready-made demo client A1 (PFX) with the
name of the environment variable that carries its password; stops on Ctrl+C / SIGTERM.
Exit codes: 0 stopped normally; 2 the address could not be bound.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path.home() / ".cache" / "ortho-fiscal" / "simulator"
DATA_DIR_ENV = "ORTHO_SIMULATOR_DIR"


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "simulator",
        help="simulador da SEFAZ (homologação) em HTTPS local",
        description="Sobe um simulador da SEFAZ homologação (HTTPS com certificado de cliente, SOAP 1.2, todos os "
        "serviços das 27 UFs, modelos 55 e 65) até Ctrl+C.",
    )
    p.add_argument("--host", default="127.0.0.1", help="endereço de escuta (padrão 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="porta (padrão 8443; 0 = uma porta livre)")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"pasta da PKI de teste e do certificado de demonstração (padrão ${DATA_DIR_ENV} ou {DEFAULT_DATA_DIR})",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    import simulator
    from simulator.pki import DEMO_CNPJ, DEMO_PASSWORD_ENV, demo_client

    data_dir: Path = args.data_dir or Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        running = simulator.start(args.host, args.port, pki_dir=data_dir / "pki")
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        print(f"erro: não foi possível escutar em {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 2
    pfx_path, password = demo_client(running.pki, data_dir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"URL: {running.url}")
    print(f"CA: {running.ca_pem_path}")
    print(f"PFX: {pfx_path} (CNPJ {DEMO_CNPJ})")
    print(f"Senha do PFX: variável {DEMO_PASSWORD_ENV} -> export {DEMO_PASSWORD_ENV}='{password}'")
    print(
        f"Exemplo: ortho-fiscal sefaz status --uf SP --model 55 --env homologacao --simulator {running.url} "
        f"--pfx {pfx_path} --password-env {DEMO_PASSWORD_ENV}"
    )
    print("Simulador da SEFAZ (homologação) no ar; Ctrl+C para parar.", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0
