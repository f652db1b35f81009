"""`ortho-fiscal serve`: the HTTP API on its embedded defaults, ready to issue NFC-e in homologação.

    ortho-fiscal serve [--host H] [--port P] [--data-dir DIR] [--no-demo]
                       [--simulator | --no-simulator] [--simulator-port P] [--workers N] [--log-level L]

On its defaults (``make run``) it starts everything on loopback:

* the API on 127.0.0.1:8000 over a SQLite file in ``./data``;
* the SEFAZ homologação simulator (``simulator``) in a managed child process on a free loopback
  port, its test PKI in ``<data dir>/simulator/pki``; it stops with the service (the child also
  exits when the service dies: it watches its stdin pipe);
* the SEFAZ client of the API pointed at it: ``ORTHO_SEFAZ_URL`` = the simulator's URL and
  ``ORTHO_SEFAZ_TRUST_PEM`` = its ``ca.pem`` (read by adapters.sefaz_wiring);
* on an empty database, the demo tenant (emitter of api/demo_emitente.json, homologação) with an A1
  issued by the simulator's PKI, and its admin and PDV keys, printed once.

The simulator starts when ``ORTHO_SIMULATOR`` is ``auto`` (default) and no SEFAZ is configured
(neither ``ORTHO_SEFAZ_URL`` nor ``ORTHO_SEFAZ_TRUST_PEM`` set), or always with ``--simulator`` /
``ORTHO_SIMULATOR=1``; never with ``--no-simulator`` / ``ORTHO_SIMULATOR=0``. Settings: docs/service.md
and docs/quickstart.md (ORTHO_* variables); the options here override them.
Exit codes: 0 stopped normally; 2 bad settings or the simulator could not start.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.demo import CertificateIssuer, DemoCertificate
    from api.settings import Settings

SIMULATOR_START_TIMEOUT_S = 60.0
# Written by the simulator child process as its first stdout line, then it serves until stdin closes.
_CHILD_CODE = "from cli.serve import simulator_child_main; simulator_child_main()"
ENV_SIMULATOR_TIMING_LOG = "ORTHO_SIMULATOR_TIMING_LOG"  # bench: the simulator's own time per request


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="inicia a API HTTP (e o simulador da SEFAZ em homologação)",
        description="Inicia a API HTTP. Sem SEFAZ configurada, sobe também o simulador da SEFAZ homologação "
        "e aponta o emitente de demonstração para ele (docs/quickstart.md).",
    )
    p.add_argument("--host", default=None, help="endereço (padrão ORTHO_HOST ou 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="porta (padrão ORTHO_PORT ou 8000)")
    p.add_argument("--data-dir", default=None, help="diretório de dados (padrão ORTHO_DATA_DIR ou ./data)")
    p.add_argument("--no-demo", action="store_true", help="não cria o emitente de demonstração num banco vazio")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--simulator", dest="simulator", action="store_const", const="1", default=None,
                       help="sempre sobe o simulador da SEFAZ (mesmo com ORTHO_SEFAZ_URL definido)")
    group.add_argument("--no-simulator", dest="simulator", action="store_const", const="0",
                       help="não sobe o simulador da SEFAZ (padrão ORTHO_SIMULATOR=auto)")
    p.add_argument("--simulator-port", type=int, default=None,
                   help="porta do simulador em 127.0.0.1 (padrão ORTHO_SIMULATOR_PORT ou 0 = uma porta livre)")
    p.add_argument("--workers", type=int, default=None, help="processos do uvicorn (padrão ORTHO_WORKERS ou 1)")
    p.add_argument("--log-level", default=None, choices=("critical", "error", "warning", "info", "debug"),
                   help="nível de log do uvicorn (padrão ORTHO_LOG_LEVEL ou info)")
    p.set_defaults(handler=_serve)


# -- the simulator --------------------------------------------------------------------------------


def simulator_pki_dir(data_dir: str | Path) -> Path:
    """Where the simulator's test PKI lives for a data dir (also the PKI of the demo certificate)."""
    return Path(data_dir) / "simulator" / "pki"


def simulator_wanted(settings: Settings) -> bool:
    """``auto``: only when no SEFAZ is configured, so a production set-up never talks to the simulator."""
    from adapters.sefaz_wiring import ENV_TRUST, ENV_URL

    if settings.simulator == "auto":
        return not (settings.env.get(ENV_URL) or settings.env.get(ENV_TRUST))
    return settings.simulator == "1"


def demo_certificate_issuer(pki_dir: Path) -> CertificateIssuer:
    """``api.demo.CertificateIssuer`` issuing from the simulator's PKI (created on first use)."""

    def issue(cnpj: str, now: datetime) -> DemoCertificate:
        from api.demo import DemoCertificate
        from simulator.pki import SimulatorPKI

        pki = SimulatorPKI.load_or_create(pki_dir, now=now)
        pfx, password = pki.client_pfx(cnpj)
        return DemoCertificate(pfx, password, pki.ca_pem_path.read_bytes())

    return issue


class SimulatorError(RuntimeError):
    pass


@dataclass
class SimulatorProcess:
    """The SEFAZ simulator in a child process; ``url`` and ``ca_pem_path`` as it reported them."""

    url: str
    ca_pem_path: str
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, pki_dir: Path, *, host: str = "127.0.0.1", port: int = 0,
              env: Mapping[str, str] | None = None, timeout_s: float = SIMULATOR_START_TIMEOUT_S) -> SimulatorProcess:
        proc = subprocess.Popen(  # our own interpreter and module, no shell
            [sys.executable, "-c", _CHILD_CODE, host, str(port), str(pki_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(env if env is not None else os.environ),
            start_new_session=True,  # Ctrl+C reaches the service only; it stops the child in order
        )
        assert proc.stdout is not None
        line = b""
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout_s
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    cls._kill(proc)
                    raise SimulatorError(f"o simulador da SEFAZ não respondeu em {timeout_s:.0f} s")
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    code = proc.wait()
                    raise SimulatorError(f"o simulador da SEFAZ terminou ao iniciar (código {code})")
                line += chunk
        info = json.loads(line)
        return cls(str(info["url"]), str(info["ca"]), proc)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        proc.wait()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Close the child's stdin (its signal to stop), then wait; kill it if it does not obey."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._kill(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()


def simulator_child_main() -> None:
    """Entry point of the simulator child: ``python -c ... HOST PORT PKI_DIR``.

    Prints ``{"url": ..., "ca": ...}`` on one line, then serves until its stdin reaches EOF (the
    service closed it, or died)."""
    import simulator

    host, port, pki_dir = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    timing = os.environ.get(ENV_SIMULATOR_TIMING_LOG) or None
    try:
        running = simulator.start(host, port, pki_dir=pki_dir, timing_log=Path(timing) if timing else None)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        print(f"erro: o simulador da SEFAZ não pôde escutar em {host}:{port}: {reason}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        print(json.dumps({"url": running.url, "ca": str(running.ca_pem_path)}), flush=True)
        while sys.stdin.buffer.read(4096):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


# -- serve ----------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    from adapters.sefaz_wiring import ENV_TRUST, ENV_URL
    from api.app import open_resources
    from api.demo import ensure_demo
    from api.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(host=args.host, port=args.port, data_dir=args.data_dir,
                                     simulator=args.simulator, simulator_port=args.simulator_port,
                                     workers=args.workers, log_level=args.log_level)
        if args.workers is not None and not 1 <= args.workers <= 64:
            raise SettingsError(f"--workers deve estar entre 1 e 64 (recebido {args.workers})")
        if args.simulator_port is not None and not 0 <= args.simulator_port <= 65535:
            raise SettingsError(f"--simulator-port deve estar entre 0 e 65535 (recebido {args.simulator_port})")
    except SettingsError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    data_dir = Path(settings.data_dir).resolve()
    settings = replace(settings, data_dir=str(data_dir))
    pki_dir = simulator_pki_dir(data_dir)
    resources = open_resources(settings)  # migrations run here, once, before the workers start
    try:
        demo = None if args.no_demo else ensure_demo(resources, demo_certificate_issuer(pki_dir))
    finally:
        resources.db.dispose()

    sim: SimulatorProcess | None = None
    env = dict(settings.env)
    if simulator_wanted(settings):
        if env.get(ENV_URL):
            print(f"aviso: --simulator substitui {ENV_URL}={env[ENV_URL]}", file=sys.stderr)
        try:
            sim = SimulatorProcess.start(pki_dir, port=settings.simulator_port)
        except SimulatorError as exc:
            print(f"erro: {exc}", file=sys.stderr)
            return 2
        env[ENV_URL], env[ENV_TRUST] = sim.url, sim.ca_pem_path
    psp = _start_psp(settings, env, pki_dir, sim)
    settings = replace(settings, env=env)
    try:
        _print_banner(settings, demo, sim)
        _run_uvicorn(settings)
    finally:
        if psp is not None:
            psp.stop()
        if sim is not None:
            sim.stop()
    return 0


def _start_psp(settings: Settings, env: dict[str, str], pki_dir: Path, sim: SimulatorProcess | None) -> Any:
    """Beside the SEFAZ simulator, the PSP stand-in with the demo emitter's PSP account pointed at it
    (cli/pix_standin.py); None when the simulator is off."""
    if sim is None:
        return None
    from cli.pix_standin import start_psp_standin

    psp = start_psp_standin(settings, env, pki_dir)
    print(f"PSP simulado (API Pix, perfil bb, sandbox): {psp.url}", flush=True)
    return psp


def _print_banner(settings: Settings, demo: Any, sim: SimulatorProcess | None) -> None:
    if demo is not None:
        print(
            "Emitente de demonstração criado (homologação, certificado de teste):\n"
            f"  tenant: demo  emitente: {demo.emitter_id}  CNPJ: {demo.cnpj}\n"
            f"  chave admin: {demo.admin_key.key}\n"
            f"  chave pdv:   {demo.pdv_key.key}\n"
            "Guarde as chaves: elas não serão mostradas de novo.",
            flush=True,
        )
    if sim is not None:
        print(f"Simulador da SEFAZ (homologação): {sim.url}  CA: {sim.ca_pem_path}", flush=True)
    else:
        print("Simulador da SEFAZ desligado: a SEFAZ vem de ORTHO_SEFAZ_URL / ORTHO_SEFAZ_TRUST_PEM", flush=True)
    print(f"API: http://{settings.host}:{settings.port}  (OpenAPI: /schema; emitir uma NFC-e: docs/quickstart.md)",
          flush=True)


def _run_uvicorn(settings: Settings) -> None:
    import uvicorn

    from api.app import create_app

    # uvloop and httptools (runtime dependencies) instead of asyncio's loop and h11: less CPU per
    # request on the hot path; the access log is off unless ORTHO_ACCESS_LOG=1. No "server: uvicorn"
    # header: it names the software to anyone probing (a banner), and is one header less per answer.
    # httptools through cli/http_protocol.py: each answer's head and body leave in one write.
    fast: dict[str, Any] = {"loop": "uvloop", "http": "cli.http_protocol:CoalescingHttpToolsProtocol",
                            "access_log": settings.access_log, "server_header": False}
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level,
                    **fast)
        return
    # Several processes: each worker builds its app from the environment (api.app.create_app()
    # reads Settings.from_env()), so everything decided here travels as ORTHO_* variables. The
    # database was already migrated above.
    os.environ.update({k: v for k, v in settings.env.items() if k.startswith("ORTHO_")})
    os.environ.update({"ORTHO_DATA_DIR": settings.data_dir, "ORTHO_RUN_MIGRATIONS": "0",
                       "ORTHO_MAX_BODY_BYTES": str(settings.max_body_bytes),
                       "ORTHO_DB_POOL_SIZE": str(settings.db_pool_size)})
    if settings.database_url:
        os.environ["ORTHO_DATABASE_URL"] = settings.database_url
    uvicorn.run("api.app:create_app", factory=True, host=settings.host, port=settings.port,
                workers=settings.workers, log_level=settings.log_level, **fast)
