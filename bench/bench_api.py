"""End-to-end NFC-e emission through the HTTP API: POST /v1/nfce against a real server.

    .venv/bin/python -m bench.bench_api [--clients 1,8,32] [--docs 100,320,480] [--max-seconds 60]
                                        [--databases sqlite,postgresql] [--workers 2]

What runs (everything on this machine, loopback only):

* ``ortho-fiscal serve`` as a separate process — the same code path as ``make run`` — with
  ``--workers`` uvicorn processes, its SEFAZ simulator in its own child process, on a fresh data
  dir; SQLite (the embedded default, ``synchronous=FULL``) and PostgreSQL (the throw-away cluster
  of scripts/postgres-test.sh, ``ORTHO_DATABASE_URL``; that script starts it with ``fsync=off``, so
  its commits cost less than on a production server);
* one emitter per client (created through the API: ``POST /v1/emitters`` + its A1 from the
  simulator's PKI): each client is the PDV of its own clinic (our SEFAZ client's consumo-indevido
  guard puts no volume cap on authorizations, but counts at most 500 requests per certificate and
  service in 5 minutes, engine/sefaz/protection.py; a phase sends each emitter at most
  docs/clients);
* N clients (threads, one keep-alive HTTP connection each) posting the quickstart's sale with a new
  ``ref`` each time, until their share of ``--docs`` is issued or ``--max-seconds`` pass.

Per request: wall latency of the POST (201 expected, status ``authorized``). "Excluding SEFAZ" is
that latency minus the simulator's own time for the same chave, which the simulator logs when
``ORTHO_SIMULATOR_TIMING_LOG`` is set (simulator/server.py: measured inside the simulator, from its
request read to its answer ready; TLS and loopback stay on our side). documents/s = authorized
documents / wall time of the phase. Before each phase every client issues two warm-up documents
(certificate decrypted, TLS session, schemas compiled in each worker).

The goals (issue 5 §9) are printed beside the figures: p50 < 30 ms per NFC-e excluding SEFAZ's
answer time; >= 300 NFC-e/s on one 2-core machine with PostgreSQL. The client, the API workers, the
simulator and the database share this machine's cores: the simulator's own CPU time is not free
here, unlike a real SEFAZ.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import table

ROOT = Path(__file__).resolve().parents[1]
GOAL_P50_EXCL_MS = 30.0
GOAL_DOCS_PER_S = 300.0

SALE: dict[str, Any] = {  # the sale of docs/quickstart.md
    "cliente": {"cpf": "529.982.247-25", "nome": "Maria da Silva"},
    "itens": [
        {"codigo": "ESC-001", "descricao": "Escova dental ortodontica macia", "ncm": "96032100",
         "quantidade": 2, "valor_unitario": 18.90},
        {"codigo": "FIO-050", "descricao": "Fio dental 50 m", "ncm": "33062000", "quantidade": 1,
         "valor_unitario": 12.50},
    ],
    "pagamentos": [{"forma": "01", "valor": 60.00}],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cnpj(n: int) -> str:
    from engine.documentos import cnpj_dv

    base = f"{70000000 + n:08d}0001"
    return base + cnpj_dv(base)


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    data: Path
    log: Path
    timing_log: Path
    admin: str
    pdv: str

    def request(self, method: str, path: str, payload: Any, key: str) -> tuple[int, Any]:
        host, port = self.base.removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            conn.request(method, path, body=json.dumps(payload),
                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# Knobs of the server a caller may set for a run: threads and database pool per worker; ORTHO_WEBHOOK_WORKER=1
# runs the outbox dispatch in the API processes on PostgreSQL too (by default separate worker processes do).
_PASSED_THROUGH = frozenset({"ORTHO_API_THREADS", "ORTHO_DB_POOL_SIZE", "ORTHO_WEBHOOK_WORKER"})


def start_server(tmp: Path, *, database_url: str | None, workers: int) -> Server:
    data, log, timing = tmp / "data", tmp / "serve.log", tmp / "simulator-timing.jsonl"
    port = _free_port()
    # The server runs on its defaults; only the sizing knobs in _PASSED_THROUGH may be set by the caller.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTHO_") or k in _PASSED_THROUGH}
    env["ORTHO_SIMULATOR_TIMING_LOG"] = str(timing)
    if database_url:
        env["ORTHO_DATABASE_URL"] = database_url
    script = Path(sys.executable).with_name("ortho-fiscal")
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "import sys; from cli.main import main; "
                                                 "sys.exit(main())"]
    with log.open("wb") as out:
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port), "--data-dir", str(data), "--workers", str(workers),
                                 "--log-level", "warning"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve terminou ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError(f"serve não respondeu em 120 s:\n{log.read_text(errors='replace')}")
    banner = log.read_text(errors="replace")
    admin = re.search(r"chave admin: (ofk_\S+)", banner)
    pdv = re.search(r"chave pdv:\s+(ofk_\S+)", banner)
    if not (admin and pdv):
        proc.kill()
        raise RuntimeError(f"chaves não encontradas na saída de serve:\n{banner}")
    return Server(proc, base, data, log, timing, admin.group(1), pdv.group(1))


def add_emitters(server: Server, count: int, first: int) -> list[str]:
    """``count`` emitters of the demo tenant, each with its A1 from the simulator's PKI."""
    from simulator.pki import SimulatorPKI

    config = json.loads((ROOT / "api" / "demo_emitente.json").read_text(encoding="utf-8"))
    pki = SimulatorPKI.load_or_create(server.data / "simulator" / "pki")
    ids = []
    for i in range(first, first + count):
        cnpj = _cnpj(i)
        status, body = server.request("POST", "/v1/emitters", {**config, "cnpj": cnpj}, server.admin)
        if status != 201:
            raise RuntimeError(f"POST /v1/emitters: {status} {body}")
        pfx, password = pki.client_pfx(cnpj)
        status, cert = server.request("POST", f"/v1/emitters/{body['id']}/certificates",
                                      {"pfx_base64": base64.b64encode(pfx).decode(), "senha": password,
                                       "ativar": True}, server.admin)
        if status != 201:
            raise RuntimeError(f"POST certificates: {status} {cert}")
        ids.append(str(body["id"]))
    return ids


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(ppid, CPU seconds of the process and of its reaped children) from /proc; None when gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / _TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and every live descendant (reaped ones count in their
    parent's cutime/cstime). Linux /proc; NaN elsewhere."""
    if not Path("/proc").is_dir():
        return float("nan")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _proc_stat(int(entry.name))
            if st is not None:
                stats[int(entry.name)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo += children.get(pid, [])
    return total


@dataclass
class CpuProbe:
    """CPU seconds of the API (serve and its uvicorn workers), the simulator child, the database
    server and this client process, so each phase can say what one NFC-e costs in CPU."""

    api_root: int
    simulator_pid: int | None
    database_pid: int | None

    def sample(self) -> dict[str, float]:
        sim = tree_cpu(self.simulator_pid) if self.simulator_pid else 0.0
        out = {"api": tree_cpu(self.api_root) - sim, "simulator": sim, "client": time.process_time()}
        out["database"] = tree_cpu(self.database_pid) if self.database_pid else 0.0
        return out


def _simulator_pid(serve_pid: int) -> int | None:
    """The simulator child of serve: the process running ``simulator_child_main``."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            st = _proc_stat(int(entry.name))
            if st is not None and st[0] == serve_pid and b"simulator_child_main" in cmdline:
                return int(entry.name)
    return None


@dataclass
class Sample:
    started: float
    ended: float
    http_status: int
    status: str
    chave: str

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


@dataclass
class Phase:
    database: str
    clients: int
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per component during the phase


class _Http:
    """A minimal keep-alive HTTP/1.1 client for the load: the request written in one send, the answer's head
    read for its status and Content-Length (every answer of POST /v1/nfce has one), the body read exactly.
    The load generator shares the 2 cores with what it measures (a PDV runs on its own machine): with
    http.client (its e-mail header parser, buffered reader) it took 0.2-0.3 ms of CPU per request, now 0.1."""

    def __init__(self, host: str, port: int, pdv_key: str) -> None:
        self.address = (host, port)
        self.head = (f"POST /v1/nfce HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {pdv_key}\r\n"
                     "Content-Type: application/json\r\nContent-Length: ").encode("ascii")
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _fill(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("conexão fechada pelo servidor")
        self.buffer += chunk

    def post(self, body: bytes) -> tuple[int, bytes]:
        sock = self.sock or self._connect()
        sock.sendall(self.head + str(len(body)).encode("ascii") + b"\r\n\r\n" + body)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill(sock)
        head, self.buffer = self.buffer[:end].decode("iso-8859-1"), self.buffer[end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {name.strip().lower(): value.strip() for name, _, value in (ln.partition(":") for ln in lines[1:])}
        if "content-length" not in fields:
            raise ConnectionError(f"resposta sem Content-Length: {head[:200]!r}")
        length = int(fields["content-length"])
        while len(self.buffer) < length:
            self._fill(sock)
        raw, self.buffer = self.buffer[:length], self.buffer[length:]
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, raw


def _client(server: Server, emitter_id: str, prefix: str, count: int, stop_at: float) -> tuple[list[Sample], list[str]]:
    host, port = server.base.removeprefix("http://").rsplit(":", 1)
    conn = _Http(host, int(port), server.pdv)
    samples: list[Sample] = []
    errors: list[str] = []
    try:
        for n in range(count):
            if time.perf_counter() >= stop_at:
                break
            body = json.dumps({"ref": f"{prefix}-{n}", "emitter_id": emitter_id, **SALE}).encode("utf-8")
            started = time.perf_counter()
            try:
                status, raw = conn.post(body)
            except (OSError, ValueError, IndexError) as exc:
                errors.append(repr(exc))
                conn.close()
                continue
            ended = time.perf_counter()
            doc = json.loads(raw) if raw else {}
            samples.append(Sample(started, ended, status, str(doc.get("status") or doc.get("code")),
                                  str(doc.get("chave") or "")))
            if status != 201 and len(errors) < 5:
                errors.append(f"HTTP {status}: {raw[:300]!r}")
    finally:
        conn.close()
    return samples, errors


def run_phase(server: Server, database: str, emitters: list[str], total: int, max_seconds: float,
              probe: CpuProbe) -> Phase:
    clients = len(emitters)
    per_client = max(1, total // clients)
    tag = f"{database}-{clients}-{time.time_ns()}"
    with ThreadPoolExecutor(clients) as pool:  # warm-up: 2 documents per client, not measured
        list(pool.map(lambda i: _client(server, emitters[i], f"warm-{tag}-{i}", 2, float("inf")), range(clients)))
        before = probe.sample()
        stop_at = time.perf_counter() + max_seconds
        results = list(pool.map(lambda i: _client(server, emitters[i], f"{tag}-{i}", per_client, stop_at),
                                range(clients)))
        after = probe.sample()
    phase = Phase(database, clients, cpu={k: after[k] - before[k] for k in before})
    for samples, errors in results:
        phase.samples += samples
        phase.errors += errors
    return phase


def sefaz_times(timing_log: Path) -> dict[str, float]:
    """The simulator's own time per chave (all its SOAP answers about that chave, in ms)."""
    times: dict[str, float] = {}
    if not timing_log.exists():
        return times
    for line in timing_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["chave"]:
            times[entry["chave"]] = times.get(entry["chave"], 0.0) + float(entry["dur_ms"])
    return times


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Row:
    database: str
    clients: int
    docs: int
    authorized: int
    other: str
    docs_per_s: float
    p50: float
    p99: float
    p50_excl: float
    p99_excl: float
    sefaz_p50: float
    cpu_ms: dict[str, float]  # CPU ms per authorized NFC-e, per component

    @property
    def cpu_total_ms(self) -> float:
        return sum(self.cpu_ms.values())


def summarize(phase: Phase, sefaz: dict[str, float]) -> Row:
    ok = [s for s in phase.samples if s.http_status == 201 and s.status == "authorized"]
    others: dict[str, int] = {}
    for s in phase.samples:
        if s not in ok:
            others[f"{s.http_status}/{s.status}"] = others.get(f"{s.http_status}/{s.status}", 0) + 1
    if phase.errors and not phase.samples:
        others["erro"] = len(phase.errors)
    wall = (max(s.ended for s in phase.samples) - min(s.started for s in phase.samples)) if phase.samples else 0.0
    lat = [s.ms for s in ok]
    at_sefaz = [sefaz.get(s.chave, 0.0) for s in ok]
    excl = [s.ms - sefaz.get(s.chave, 0.0) for s in ok]
    return Row(phase.database, phase.clients, len(phase.samples), len(ok),
               ", ".join(f"{k}: {v}" for k, v in sorted(others.items())) or "-",
               len(ok) / wall if wall > 0 else 0.0, percentile(lat, 50), percentile(lat, 99),
               percentile(excl, 50), percentile(excl, 99), percentile(at_sefaz, 50),
               {k: v * 1000 / len(ok) if ok else float("nan") for k, v in phase.cpu.items()})


def _postgres() -> tuple[str, str] | None:
    script = ROOT / "scripts" / "postgres-test.sh"
    try:
        out = subprocess.run([str(script), "start"], check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"PostgreSQL indisponível: {exc}", file=sys.stderr)
        return None
    url, directory = out.stdout.split()
    return url, directory


def bench_database(database: str, clients: list[int], docs: list[int], max_seconds: float, workers: int,
                   database_url: str | None, database_pid: int | None = None) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-api-{database}-") as tmp:
        server = start_server(Path(tmp), database_url=database_url, workers=workers)
        probe = CpuProbe(server.proc.pid, _simulator_pid(server.proc.pid), database_pid)
        try:
            first = 0
            phases = []
            for n_clients, total in zip(clients, docs, strict=True):
                emitters = add_emitters(server, n_clients, first)
                first += n_clients
                phase = run_phase(server, database, emitters, total, max_seconds, probe)
                for err in phase.errors[:3]:
                    print(f"  {database}/{n_clients}: {err}", file=sys.stderr)
                phases.append(phase)
        finally:
            server.stop()
        sefaz = sefaz_times(server.timing_log)
        rows = [summarize(p, sefaz) for p in phases]
    return rows


def _fmt(value: float) -> str:
    return "-" if value != value else f"{value:.1f}"  # NaN: no authorized document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,8,32", help="clientes simultâneos por fase (padrão 1,8,32)")
    parser.add_argument("--docs", default="100,320,480", help="NFC-e por fase (padrão 100,320,480)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="limite de tempo por fase (padrão 60 s)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="bancos (padrão sqlite,postgresql)")
    parser.add_argument("--workers", type=int, default=2, help="processos do uvicorn (padrão 2)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure: say how much there was
    clients = [int(c) for c in args.clients.split(",")]
    docs = [int(d) for d in args.docs.split(",")]
    if len(docs) != len(clients) or min(clients) < 1 or min(docs) < 1:
        parser.error("--docs precisa de um número positivo por fase de --clients")
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    rows: list[Row] = []
    for database in databases:
        if database == "sqlite":
            rows += bench_database("sqlite", clients, docs, args.max_seconds, args.workers, None)
        elif database == "postgresql":
            pg = _postgres()
            if pg is None:
                continue
            try:
                pid_file = Path(pg[1]) / "data" / "postmaster.pid"
                pg_pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
                rows += bench_database("postgresql", clients, docs, args.max_seconds, args.workers, pg[0], pg_pid)
            finally:
                subprocess.run([str(ROOT / "scripts" / "postgres-test.sh"), "stop", pg[1]], check=False,
                               capture_output=True, timeout=120)
        else:
            parser.error(f"banco desconhecido: {database}")
    print(f"POST /v1/nfce end to end (ortho-fiscal serve --workers {args.workers}, SEFAZ simulator in its own "
          f"process; {os.cpu_count()} CPUs shared by client, API, simulator and database; SQLite synchronous=FULL, "
          f"PostgreSQL from scripts/postgres-test.sh, fsync=off; load average before: {load_before:.1f})\n")
    print(table(
        ["database", "clients", "docs", "authorized", "other", "NFC-e/s", "p50 ms", "p99 ms",
         "p50 excl. SEFAZ", "p99 excl. SEFAZ", "SEFAZ p50 ms"],
        [[r.database, r.clients, r.docs, r.authorized, r.other, f"{r.docs_per_s:.1f}", _fmt(r.p50), _fmt(r.p99),
          _fmt(r.p50_excl), _fmt(r.p99_excl), _fmt(r.sefaz_p50)] for r in rows],
    ))
    cores = os.cpu_count() or 1
    print("\nCPU per authorized NFC-e (ms; /proc of each process tree during the measured phase) and the "
          f"ceiling it implies on {cores} cores:\n")
    print(table(
        ["database", "clients", "API", "simulator", "database server", "bench client", "total",
         f"ceiling NFC-e/s ({cores} cores)"],
        [[r.database, r.clients, _fmt(r.cpu_ms.get("api", float("nan"))), _fmt(r.cpu_ms.get("simulator", float("nan"))),
          _fmt(r.cpu_ms.get("database", float("nan"))), _fmt(r.cpu_ms.get("client", float("nan"))),
          _fmt(r.cpu_total_ms), _fmt(cores * 1000 / r.cpu_total_ms if r.cpu_total_ms > 0 else float("nan"))]
         for r in rows],
    ))
    single = [r for r in rows if r.clients == 1]
    best_pg = max((r.docs_per_s for r in rows if r.database == "postgresql"), default=float("nan"))
    print(f"\nGoal: p50 < {GOAL_P50_EXCL_MS:.0f} ms per NFC-e excluding SEFAZ's answer time -> measured (1 client): "
          + (", ".join(f"{r.database} {_fmt(r.p50_excl)} ms" for r in single) or "-"))
    print(f"Goal: >= {GOAL_DOCS_PER_S:.0f} NFC-e/s on one 2-core machine with PostgreSQL -> measured best: "
          f"{_fmt(best_pg)} NFC-e/s")
    failed = [r for r in rows if r.authorized < r.docs]
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
