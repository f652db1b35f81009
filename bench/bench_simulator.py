"""CPU of the SEFAZ simulator per authorized NFC-e, measured from outside its process.

    .venv/bin/python -m bench.bench_simulator [--docs N] [--rounds R] [--connections 1,8]
                                              [--baseline DIR] [--no-timing]

The simulator runs in a child process of its own, started as ``ortho-fiscal serve`` starts it
(``simulator.start`` with the timing log bench_api asks for; ``--no-timing`` leaves it off). The
requests are what the API sends: NFC-e built by the engine from examples/nfce-venda.json, signed
with the emitter's A1, wrapped by engine.sefaz.messages.envi_nfe (indSinc 1) and engine.sefaz.soap's
envelope; all of them are prepared before any measurement. Each connection is one keep-alive
mutual-TLS connection (client certificate of the emitter), opened and warmed up before the measured
requests, as the API's connection pool keeps them. Every answer must be an authorization (cStat
100), or the run stops.

The figure is the child's process CPU (user + system, all threads) per authorized NFC-e:
that is what the simulator costs on a shared 2-core machine, whatever else runs beside it, so the
bench can be run on a busy machine. ``--baseline DIR`` runs a second simulator from another source
tree (e.g. ``git archive HEAD simulator states schemas certificates | tar -x -C DIR``) in the same
run, rounds interleaved, to compare before/after under the same load.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from lxml import etree

import states
from certificates.xmldsig import sign_document
from engine.nfe.build.builder import build_nfe
from engine.nfe.build.emitter import load_json_decimal, parse_emitente
from engine.nfe.build.input import parse_venda
from engine.nfe.xmlio import render
from engine.sefaz import messages, soap
from simulator.pki import SimulatorPKI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CNPJ = "45997418000153"
NFE = "http://www.portalfiscal.inf.br/nfe"
_PROBE = "https://simulador.invalid"

# The child: what cli.serve.simulator_child_main does, without the API's imports, so that it can run
# from another source tree (the current directory comes first on sys.path with ``python -c``).
_CHILD = """
import sys
from pathlib import Path
import simulator
timing = sys.argv[2] or None
sim = simulator.start(pki_dir=Path(sys.argv[1]), timing_log=Path(timing) if timing else None)
print(sim.url, flush=True)
sys.stdin.read()
sim.stop()
"""


def _cpu_seconds(pid: int) -> float:
    """The CPU time of a whole process (all its threads, user + system), to the nanosecond: Linux's
    process CPU clock of ``pid`` (clock id ``~pid << 3 | CPUCLOCK_SCHED``, what clock_getcpuclockid
    returns); /proc/<pid>/stat's utime + stime (10 ms ticks) where that clock cannot be read."""
    try:
        return time.clock_gettime((~pid << 3) | 2)
    except OSError:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Child:
    def __init__(self, name: str, source: Path, pki_dir: Path, timing_log: Path | None) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(pki_dir), str(timing_log or "")],
            cwd=source,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("https://"):
            raise RuntimeError(f"o simulador {name} não subiu")
        self.host, port = self.url.removeprefix("https://").rsplit(":", 1)
        self.port = int(port)

    def cpu(self) -> float:
        return _cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def prepare(pki: SimulatorPKI, count: int, first_number: int) -> tuple[str, str, list[bytes]]:
    """(path, content type, bodies) of ``count`` synchronous NFeAutorizacao4 calls with fresh numbers."""
    a1 = pki.issue_client(CNPJ).to_a1()
    emitente_data = load_json_decimal(EXAMPLES / "emitente-normal.json")
    emitente_data["cnpj"] = CNPJ
    emitente_data["qrcode_versao"] = 3
    emitente = parse_emitente(emitente_data)
    venda_data = load_json_decimal(EXAMPLES / "nfce-venda.json")
    uf = emitente_data["endereco"]["uf"]
    endpoint = states.endpoint(uf, "65", "homologacao", "NFeAutorizacao4", base_override=_PROBE)
    bodies = []
    for i in range(count):
        number = first_number + i
        venda = parse_venda({**venda_data, "numero": number})
        model = build_nfe(venda, emitente, now=datetime.now(UTC), rng=random.Random(number))
        signed = sign_document(render(model), a1)
        message = messages.envi_nfe([signed], id_lote=str(number), sincrono=True)
        bodies.append(soap.envelope(endpoint, message))
    return endpoint.url.removeprefix(_PROBE), soap.content_type(endpoint), bodies


def client_context(pki: SimulatorPKI, directory: Path) -> ssl.SSLContext:
    issued = pki.issue_client(CNPJ)
    cert, key = directory / "client.pem", directory / "client.key"
    cert.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (issued.certificate, *issued.chain)))
    key.write_bytes(issued.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    ctx = ssl.create_default_context(cafile=str(pki.ca_pem_path))
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def _cstat(body: bytes) -> str:
    prot = etree.fromstring(body).find(f".//{{{NFE}}}protNFe/{{{NFE}}}infProt/{{{NFE}}}cStat")
    return prot.text or "" if prot is not None else "sem protNFe"


class Connections:
    """``n`` keep-alive mutual-TLS connections to one simulator, each driven by its own thread."""

    def __init__(self, child: Child, ctx: ssl.SSLContext, n: int) -> None:
        self.conns = [http.client.HTTPSConnection(child.host, child.port, context=ctx, timeout=30) for _ in range(n)]

    def post_all(self, path: str, content_type: str, bodies: list[bytes]) -> None:
        errors: list[str] = []
        slices = [bodies[i :: len(self.conns)] for i in range(len(self.conns))]

        def drive(conn: http.client.HTTPSConnection, mine: list[bytes]) -> None:
            for body in mine:
                conn.request("POST", path, body=body, headers={"Content-Type": content_type})
                resp = conn.getresponse()
                answer = resp.read()
                cstat = _cstat(answer) if resp.status == 200 else f"HTTP {resp.status}"
                if cstat != "100":
                    errors.append(f"{cstat}: {answer[:400]!r}")
                    return

        threads = [threading.Thread(target=drive, args=pair) for pair in zip(self.conns, slices, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"resposta diferente de 100: {errors[0]}")

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="NFC-e por rodada e por simulador (padrão 200)")
    parser.add_argument("--rounds", type=int, default=5, help="rodadas medidas (padrão 5; vale a mediana)")
    parser.add_argument("--connections", default="1,8", help="conexões concorrentes (padrão 1,8)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="árvore de fontes de um simulador de referência, medido na mesma execução")
    parser.add_argument("--no-timing", action="store_true", help="sem o log de tempos (bench_api o liga)")
    args = parser.parse_args(argv)
    connections = [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pki = SimulatorPKI.load_or_create(tmp / "pki")
        ctx = client_context(pki, tmp)
        sources = [("atual", ROOT)] + ([("base", args.baseline.resolve())] if args.baseline else [])
        children = [
            Child(name, src, tmp / "pki", None if args.no_timing else tmp / f"timing-{name}.jsonl")
            for name, src in sources
        ]
        results: dict[tuple[str, int], list[float]] = {}
        try:
            # Every round of every simulator gets NFC-e of its own (a repeated chave is 204, not 100);
            # prepared per connection count so that dhEmi stays within the 5 minutes of cStat 704.
            number = 1
            for n in connections:
                per_round = len(children) * (args.rounds + 1)
                path, content_type, bodies = prepare(pki, per_round * args.docs, number)
                number += per_round * args.docs
                batches = iter(bodies[i : i + args.docs] for i in range(0, len(bodies), args.docs))
                pools = {c.name: Connections(c, ctx, n) for c in children}
                for c in children:  # warm-up: handshakes, schemas, per-thread keys
                    pools[c.name].post_all(path, content_type, next(batches))
                for _ in range(args.rounds):
                    for c in children:
                        batch = next(batches)
                        before = c.cpu()
                        started = time.perf_counter()
                        pools[c.name].post_all(path, content_type, batch)
                        wall = time.perf_counter() - started
                        spent = c.cpu() - before
                        results.setdefault((c.name, n), []).append(spent / len(batch) * 1000)
                        print(f"  {c.name:>5} conexões={n:<3} {spent / len(batch) * 1000:6.3f} ms CPU/NFC-e "
                              f"({len(batch) / wall:6.1f} NFC-e/s)", file=sys.stderr, flush=True)
                for pool in pools.values():
                    pool.close()
        finally:
            for c in children:
                c.stop()
    print("SEFAZ simulator: process CPU per authorized NFC-e (ms, median of rounds), keep-alive mutual TLS, "
          f"{args.docs} NFC-e per round, timing log {'off' if args.no_timing else 'on'}")
    print(f"{'simulator':>9} {'connections':>11} {'CPU ms':>7} {'min':>7}   rounds")
    for (name, n), values in results.items():
        print(f"{name:>9} {n:>11} {statistics.median(values):>7.3f} {min(values):>7.3f}   "
              f"{' '.join(f'{v:.3f}' for v in values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
