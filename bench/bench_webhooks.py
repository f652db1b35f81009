"""Issue 8 benchmark: webhook deliveries per second to a local HTTPS receiver with 1 and 4 worker
processes on one PostgreSQL, and the time from the event's commit to its arrival (p50/p99).

Each run: a fresh schema, one tenant, one subscription to a receiver on loopback (Python's threaded
HTTPS server, test PKI, 200 at once), N ``python -m adapters.webhook_worker`` processes.
* throughput: BURST events committed at once (one transaction each, as /v1/events does); the clock
  runs from the first commit to the last arrival;
* latency: PACED events committed one every 20 ms; commit -> arrival per event (the workers poll
  every 0.2 s when idle, the default, which bounds the latency floor).
PostgreSQL: ORTHO_BENCH_POSTGRES_URL, else ORTHO_TEST_POSTGRES_URL, else scripts/postgres-test.sh
starts a throw-away cluster (and stops it at the end).
Run: .venv/bin/python -m bench.bench_webhooks
"""

from __future__ import annotations

import http.server
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from adapters import webhook_store as store
from adapters.db.apikeys import create_tenant
from adapters.db.engine import Database
from bench.common import table
from certificates.store import MasterKeyring
from certificates.testpki import TestCA
from engine.events.catalogue import EventType

ROOT = Path(__file__).resolve().parent.parent
BURST = int(os.environ.get("BENCH_WEBHOOK_BURST", "2000"))
PACED = int(os.environ.get("BENCH_WEBHOOK_PACED", "200"))
MASTER = "bench:" + MasterKeyring.generate_key()


class Arrivals:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: dict[str, float] = {}
        self.count = 0

    def add(self, event_id: str) -> None:
        now = time.time()
        with self.lock:
            self.count += 1
            self.at.setdefault(event_id, now)


def _receiver(cert: Path, key: Path, arrivals: Arrivals) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrivals.add(self.headers.get("X-Ortho-Event-Id", ""))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}/hook"


def _schema(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in server_url else "?"
    return name, f"{server_url}{sep}options={quote(f'-csearch_path={name}')}"


def _drop(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def _publish(db: Database, n: int, tag: str) -> dict[str, float]:
    committed: dict[str, float] = {}
    for i in range(n):
        with db.write() as conn:
            eid, _ = store.publish(conn, tenant_id="bench", event=EventType.PAYMENT_RECEIVED, now=datetime.now(UTC),
                                   data={"id": f"{tag}-{i}", "amount": f"{i}.90", "pagador": "João Silva"})
        committed[eid] = time.time()
    return committed


def _wait(arrivals: Arrivals, ids: set[str], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with arrivals.lock:
            if ids <= arrivals.at.keys():
                return
        time.sleep(0.01)
    raise RuntimeError("webhooks não entregues a tempo")


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run(server_url: str, workers: int, pki: dict[str, Path]) -> dict[str, Any]:
    name, url = _schema(server_url)
    arrivals = Arrivals()
    server, hook = _receiver(pki["cert"], pki["key"], arrivals)
    db = Database(url)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        db.upgrade()
        keyring = MasterKeyring.from_config(MASTER)
        with db.write() as conn:
            create_tenant(conn, "bench", "Clínica Bench", now=datetime.now(UTC))
            store.create(conn, keyring, tenant_id="bench", url=hook, events=["payment.received"], now=datetime.now(UTC))
        env = {**os.environ, "ORTHO_MASTER_KEYS": MASTER, "ORTHO_DATABASE_URL": url,
               "ORTHO_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32", "ORTHO_WEBHOOK_CA_FILE": str(pki["ca"])}
        for _ in range(workers):
            procs.append(subprocess.Popen([sys.executable, "-m", "adapters.webhook_worker", "--batch", "50"],
                                          cwd=ROOT, env=env))
        _wait(arrivals, set(_publish(db, workers * 4, "warm")))  # every worker imported and connected
        committed = _publish(db, BURST, "burst")
        first = min(committed.values())
        _wait(arrivals, set(committed))
        last = max(arrivals.at[e] for e in committed)
        rate = BURST / (last - first)
        paced: dict[str, float] = {}
        for i in range(PACED):
            paced.update(_publish(db, 1, f"paced{i}"))
            time.sleep(0.02)
        _wait(arrivals, set(paced))
        lat = [(arrivals.at[e] - t) * 1000 for e, t in paced.items()]
        return {"workers": workers, "rate": rate, "p50": _pct(lat, 50), "p99": _pct(lat, 99),
                "duplicates": arrivals.count - len(arrivals.at)}
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(30)
        db.dispose()
        server.shutdown()
        server.server_close()
        _drop(server_url, name)


def _postgres() -> tuple[str, str | None]:
    url = os.environ.get("ORTHO_BENCH_POSTGRES_URL") or os.environ.get("ORTHO_TEST_POSTGRES_URL")
    if url:
        return url, None
    out = subprocess.run([str(ROOT / "scripts" / "postgres-test.sh"), "start"], capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0], out[1]


def main() -> int:
    try:
        server_url, cluster = _postgres()
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"bench_webhooks: PostgreSQL indisponível ({exc}); pulado")
        return 0
    now = datetime.now(UTC)
    ca = TestCA.create(now=now)
    tls = ca.issue_tls_server(hostnames=("127.0.0.1",), not_before=now - timedelta(days=1),
                              not_after=now + timedelta(days=2))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        pki = {"ca": Path(d) / "ca.pem", "cert": Path(d) / "cert.pem", "key": Path(d) / "key.pem"}
        pki["ca"].write_bytes(ca.trust_pem())
        pki["cert"].write_bytes(tls.cert_pem(with_chain=True))
        pki["key"].write_bytes(tls.key_pem())
        try:
            for workers in (1, 4):
                r = run(server_url, workers, pki)
                rows.append((r["workers"], f"{r['rate']:.0f}", f"{r['p50']:.0f}", f"{r['p99']:.0f}", r["duplicates"]))
        finally:
            if cluster:
                subprocess.run([str(ROOT / "scripts" / "postgres-test.sh"), "stop", cluster], check=False)
    print(f"Webhooks on PostgreSQL: {BURST} events in a burst (throughput), {PACED} paced events (latency), "
          f"HTTPS receiver on loopback; cpus={os.cpu_count()}")
    print(table(("worker processes", "events/s", "commit->delivery p50 ms", "p99 ms", "duplicates"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
