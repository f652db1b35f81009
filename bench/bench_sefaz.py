"""Authorizations per second through the SEFAZ client against the simulator on loopback.

    .venv/bin/python -m bench.bench_sefaz [--docs N] [--callers 1,8]

Synchronous NFC-e (indSinc 1), one emitter (one A1, one TLS identity), 1 and 8 concurrent callers
sharing one SefazClient and one transport (connection pool). Each authorization is split into:

* build: engine.nfe.build.build_nfe + render to XML (the PDV input -> unsigned NFC-e);
* sign: certificates.xmldsig.sign_document (C14N + SHA-1 + RSA-2048);
* transport: the HTTPS POST inside the transport (TLS, network, the simulator's own work);
* client: the rest of SefazClient.authorize: enviNFe + envelope, XSD validation of the message,
  answer parsing, nfeProc assembly and its XSD validation.

Each part is reported as wall time (median) and as CPU time of the calling thread (mean,
``time.thread_time``; the transport's own CPU — requests, TLS — is taken out of "client"): with
8 callers the wall time includes waiting for the GIL, the CPU time does not.

The simulator's 656 burst limit (600 requests / 5 min per certificate, as SEFAZ) and our own rate
limit are raised for the run: this measures throughput, not the consumo-indevido policy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.sefaz_transport import HttpsTransport, SystemClock
from certificates.a1 import load_pkcs12
from certificates.xmldsig import sign_document
from engine.nfe.build.builder import build_nfe
from engine.nfe.build.emitter import load_json_decimal, parse_emitente
from engine.nfe.build.input import parse_venda
from engine.nfe.xmlio import render
from engine.ports import TransportRequest, TransportResponse
from engine.sefaz import Limit, RateLimiter, SefazClient
from simulator.pki import SimulatorPKI

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CNPJ = "45997418000153"


class TimedTransport:
    """Wraps the real transport and records the wall and CPU time spent inside each POST (per thread)."""

    def __init__(self, inner: HttpsTransport) -> None:
        self.inner = inner
        self.local = threading.local()

    def post(self, request: TransportRequest) -> TransportResponse:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.inner.post(request)
        finally:
            self.local.elapsed = getattr(self.local, "elapsed", 0.0) + time.perf_counter() - started
            self.local.cpu = getattr(self.local, "cpu", 0.0) + time.thread_time() - cpu


@dataclass
class Split:
    build: list[float] = field(default_factory=list)
    sign: list[float] = field(default_factory=list)
    transport: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    cpu_build: list[float] = field(default_factory=list)
    cpu_sign: list[float] = field(default_factory=list)
    cpu_client: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(
    callers: int, docs: int, sim: Any, transport: TimedTransport, a1: Any, first_number: int
) -> tuple[float, Split]:
    emitente_data = load_json_decimal(EXAMPLES / "emitente-normal.json")
    emitente_data["cnpj"] = CNPJ
    emitente_data["qrcode_versao"] = 3
    emitente = parse_emitente(emitente_data)
    venda_data = load_json_decimal(EXAMPLES / "nfce-venda.json")
    limiter = RateLimiter(SystemClock(), service_limits={"NFeAutorizacao4": Limit(10**9, 300.0)},
                          per_certificate=Limit(10**9, 300.0))
    client = SefazClient(transport, SystemClock(), a1=a1, base_override=sim.url, limiter=limiter)
    split = Split()

    def one(i: int) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        venda = parse_venda({**venda_data, "numero": first_number + i})
        model = build_nfe(venda, emitente, now=datetime.now(UTC), rng=random.Random(first_number + i))
        root = render(model)
        t1, c1 = time.perf_counter(), time.thread_time()
        signed = sign_document(root, a1)
        t2, c2 = time.perf_counter(), time.thread_time()
        transport.local.elapsed = 0.0
        transport.local.cpu = 0.0
        result = client.authorize(signed)
        t3, c3 = time.perf_counter(), time.thread_time()
        if result.cstat != "100":
            raise RuntimeError(f"nota {first_number + i}: {result.cstat} {result.xmotivo}")
        spent = transport.local.elapsed
        with split.lock:
            split.build.append(t1 - t0)
            split.sign.append(t2 - t1)
            split.transport.append(spent)
            split.client.append(t3 - t2 - spent)
            split.cpu_build.append(c1 - c0)
            split.cpu_sign.append(c2 - c1)
            split.cpu_client.append(c3 - c2 - transport.local.cpu)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=callers) as pool:
        list(pool.map(one, range(docs)))
    return time.perf_counter() - started, split


# The simulator runs in its own process so that it does not compete with the client for the GIL
# (the machine's second core serves it, as SEFAZ would be on another host).
_SERVER = """
import sys
from pathlib import Path
import simulator
from simulator import ConsumoRules
sim = simulator.start(pki_dir=Path(sys.argv[1]), consumo=ConsumoRules(burst_requests=10**9))
print(sim.url, flush=True)
sys.stdin.read()
sim.stop()
"""


class _Simulator:
    def __init__(self, pki_dir: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(pki_dir)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("https://"):
            raise RuntimeError("o simulador não subiu")
        self.ca_pem_path = pki_dir / "ca.pem"

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="autorizações por medição (padrão 200)")
    parser.add_argument("--callers", default="1,8", help="chamadores concorrentes (padrão 1,8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sim = _Simulator(Path(tmp) / "pki")
        try:
            pfx, password = SimulatorPKI.load_or_create(Path(tmp) / "pki").client_pfx(CNPJ)
            a1 = load_pkcs12(pfx, password)
            transport = TimedTransport(HttpsTransport(pfx=pfx, password=password, trust_pem_path=sim.ca_pem_path,
                                                         pool_size=16))
            rows = []
            number = 1
            for callers in (int(c) for c in args.callers.split(",")):
                run(callers, min(20, args.docs), sim, transport, a1, number)  # warm-up (pools, schemas)
                number += 1000
                elapsed, split = run(callers, args.docs, sim, transport, a1, number)
                number += args.docs + 1000
                rows.append((callers, args.docs, elapsed, split))
        finally:
            sim.stop()
    print("SEFAZ client -> simulator on loopback, synchronous NFC-e, one emitter (ms are per document, median)")
    print(f"{'callers':>7} {'docs':>5} {'auth/s':>8} {'build ms':>9} {'sign ms':>8} {'transport ms':>13} "
          f"{'client ms':>10} | CPU ms: {'build':>6} {'sign':>6} {'client':>7}")
    for callers, docs, elapsed, split in rows:
        med = {k: statistics.median(getattr(split, k)) * 1000 for k in ("build", "sign", "transport", "client")}
        cpu = {k: statistics.fmean(getattr(split, f"cpu_{k}")) * 1000 for k in ("build", "sign", "client")}
        print(f"{callers:>7} {docs:>5} {docs / elapsed:>8.1f} {med['build']:>9.2f} {med['sign']:>8.2f} "
              f"{med['transport']:>13.2f} {med['client']:>10.2f} |         {cpu['build']:>6.2f} {cpu['sign']:>6.2f} "
              f"{cpu['client']:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
