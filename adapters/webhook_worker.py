"""Webhook workers: outbox -> fan-out -> signed HTTPS deliveries, with retries and dead-letter.

Run one per process (``python -m adapters.webhook_worker`` or ``ortho-fiscal webhooks worker``), as
many processes as wanted against one PostgreSQL: outbox events and deliveries are *leased* with
``FOR UPDATE SKIP LOCKED`` (adapters/db/outbox.py, adapters/webhook_store.py), so no two workers hold
the same one; a worker that dies leaves its leases to expire and another one takes them over.
The same fan-out also queues the clinic's appointment events for the tenant's active message
integrations (WhatsApp, e-mail, SMS), and the pass then sends the real-time ones' queues
(``IntegrationService.send_realtime_pending``): never inside the HTTP request that posted the event. The
guarantee is therefore *at least once*; a receiver that deduplicates by event id (``webhook-id`` /
``X-Ortho-Event-Id``, the same on every attempt) sees each event exactly once. On the SQLite default
the service runs one in-process worker thread (``start_in_process``, started by the API lifespan).

HTTP: httpx, HTTPS only, connect to the address the SSRF guard checked (Host and SNI carry the name),
no redirects followed (a 3xx is a failed attempt), bounded timeouts, at most 64 KiB of answer read.
"""

from __future__ import annotations

import argparse
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Connection

from adapters.db import outbox as outbox_store
from adapters.db.engine import Database
from adapters.integrations_service import IntegrationService, queue_event_records, service_from_env
from adapters.webhook_guard import Guard, UnsafeDestination
from adapters.webhook_store import (
    Claimed,
    Outcome,
    SendingConfig,
    claim,
    fan_out_batch,
    finish,
    remind_rotations,
    sending_config,
)
from certificates.store import MasterKeyring
from engine.events.body import sign_headers
from engine.events.catalogue import CLINIC_EVENTS
from engine.events.retry import parse_retry_after
from engine.events.translate import PublicEvent

log = logging.getLogger("ortho.webhooks")
CA_ENV = "ORTHO_WEBHOOK_CA_FILE"
WORKER_ENV = "ORTHO_WEBHOOK_WORKER"
INTEGRATIONS_ENV = "ORTHO_WEBHOOK_INTEGRATIONS"
USER_AGENT = "OrthoFiscal-Webhooks/1"
MAX_ANSWER = 64 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    guard: Guard = field(default_factory=Guard)
    ca_file: str | None = None  # extra trust (a test PKI); the system store otherwise
    connect_timeout: float = 5.0
    timeout: float = 10.0
    lease: timedelta = timedelta(seconds=60)
    batch: int = 20
    idle_sleep: float = 0.2

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: object) -> WorkerConfig:
        cfg = cls(guard=Guard.from_env(env), ca_file=env.get(CA_ENV) or None)
        return replace(cfg, **overrides)  # type: ignore[arg-type]

    def ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else ssl.create_default_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx


class Sender:
    """One HTTP client (connection pool) per worker."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.client = httpx.Client(
            verify=config.ssl_context(), follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self.client.close()

    def send(self, url: str, body: bytes, headers: dict[str, str], now: Callable[[], datetime]) -> Outcome:
        start = time.perf_counter()

        def elapsed() -> int:
            return int((time.perf_counter() - start) * 1000)

        try:
            target = self.config.guard.resolve(url)  # again at delivery time: DNS rebinding
        except UnsafeDestination as exc:
            return Outcome(None, elapsed(), str(exc))
        host = f"[{target.address}]" if ":" in target.address else target.address
        pinned = f"https://{host}:{target.port}{target.path}"
        literal = target.host == target.address
        host_header = target.host if target.port == 443 else f"{target.host}:{target.port}"
        if ":" in target.host and not target.host.startswith("["):
            host_header = f"[{target.host}]" if target.port == 443 else f"[{target.host}]:{target.port}"
        extensions = {} if literal else {"sni_hostname": target.host}
        try:
            with self.client.stream("POST", pinned, content=body, headers={**headers, "Host": host_header},
                                    extensions=extensions) as response:
                read = 0
                for chunk in response.iter_bytes():
                    read += len(chunk)
                    if read >= MAX_ANSWER:
                        break
                code = response.status_code
                error = None
                if 300 <= code < 400:
                    error = f"redirecionamento {code} não seguido (configure a URL final do webhook)"
                elif not 200 <= code < 300:
                    error = f"o destino respondeu HTTP {code}"
                return Outcome(code, elapsed(), error, parse_retry_after(response.headers.get("retry-after"), now()))
        except httpx.TimeoutException:
            return Outcome(None, elapsed(), "tempo esgotado aguardando o destino")
        except httpx.HTTPError as exc:
            return Outcome(None, elapsed(), f"falha de conexão: {type(exc).__name__}: {exc}"[:500])


def deliver(db: Database, keyring: MasterKeyring, sender: Sender, item: Claimed, *,
            now: Callable[[], datetime] = utc_now, rng: random.Random | None = None,
            configs: dict[str, SendingConfig | None] | None = None) -> str:
    """Send one leased delivery and record the outcome; the new status. ``configs`` caches the
    subscriptions' decrypted settings for the length of one pass."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
    started = now()
    if configs is not None and item.subscription_id in configs:
        cfg = configs[item.subscription_id]
    else:
        with db.read() as conn:
            cfg = sending_config(conn, keyring, item.subscription_id, started)
        if configs is not None:
            configs[item.subscription_id] = cfg
    if cfg is None or not cfg.active:
        return finish(db, item, None, started_at=started, now=now(), rng=rng,
                      final_reason="webhook inativo ou excluído: entrega não enviada")
    headers = sign_headers(secrets_=cfg.secrets, body=item.body, event=item.event_type, event_id=item.event_id,
                           delivery_id=item.id, timestamp=int(started.timestamp()), attempt=item.attempt)
    if cfg.bearer_token:
        headers["Authorization"] = f"Bearer {cfg.bearer_token}"
    outcome = sender.send(cfg.url, item.body, headers, now)
    status = finish(db, item, outcome, started_at=started, now=now(), rng=rng)
    if status == "disabled" and configs is not None:
        configs[item.subscription_id] = None  # 410 Gone: the rest of this pass must not send to it
    return status


def queue_for_integrations(conn: Connection, tenant_id: str, event: PublicEvent, now: datetime) -> None:
    """The fan-out's second consumer: a clinic event (appointment.created/confirmed...) becomes a
    pending record of the tenant's active message integrations, in the dispatching transaction."""
    if event.type in CLINIC_EVENTS:
        queue_event_records(conn, tenant_id, event.type.value, event.data, now)


class Worker:
    def __init__(self, db: Database, keyring: MasterKeyring, config: WorkerConfig, *,
                 now: Callable[[], datetime] = utc_now, integrations: IntegrationService | None = None) -> None:
        """``integrations``: the service that sends the real-time message integrations' queues after
        each fan-out (None: records are still queued, and a scheduled run or another worker sends them)."""
        self.db, self.keyring, self.config, self.now = db, keyring, config, now
        self.integrations = integrations
        self.sender = Sender(config)
        self.rng = random.Random()  # noqa: S311 - jitter
        self._last_reminder = 0.0

    def close(self) -> None:
        self.sender.close()
        close = getattr(self.integrations.transport, "close", None) if self.integrations is not None else None
        if close is not None:
            close()

    def run_once(self) -> int:
        """One pass: fan out due outbox events (webhook deliveries and message-integration records),
        send the real-time integrations' queues, deliver due deliveries; how much work was done."""
        events = outbox_store.claim(self.db, now=self.now(), lease=self.config.lease, limit=self.config.batch)
        try:
            fan_out_batch(self.db, events, now=self.now(), also=queue_for_integrations)
        except Exception as exc:  # keep the events: retried with back-off
            log.exception("fan-out of %d outbox events failed", len(events))
            for event in events:
                outbox_store.mark_failed(self.db, event, now=self.now(), error=f"{type(exc).__name__}: {exc}")
        work = len(events)
        if self.integrations is not None:
            try:
                work += len(self.integrations.send_realtime_pending(limit=self.config.batch))
            except Exception:  # the records stay pending: the next pass retries
                log.exception("real-time integrations pass failed")
        configs: dict[str, SendingConfig | None] = {}  # one decryption per subscription per pass
        for item in claim(self.db, now=self.now(), lease=self.config.lease, limit=self.config.batch):
            deliver(self.db, self.keyring, self.sender, item, now=self.now, rng=self.rng, configs=configs)
            work += 1
        if time.monotonic() - self._last_reminder > 3600:
            self._last_reminder = time.monotonic()
            work += remind_rotations(self.db, now=self.now())
        return work

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("webhook worker pass failed")
                busy = 0
            # Only a full batch (a backlog) goes straight to the next pass. Under a steady stream a pass
            # that ran right after the previous one found one or two events and paid the fixed
            # statements of a pass (claims, fan-out, real-time integrations) for each: waiting
            # idle_sleep lets the events of that interval share one pass. An event waits at most
            # idle_sleep plus a pass, as it always did when the worker was idle.
            if busy < self.config.batch:
                stop.wait(self.config.idle_sleep)


def _integrations(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                  now: Callable[[], datetime]) -> IntegrationService | None:
    """``ORTHO_WEBHOOK_INTEGRATIONS=0`` keeps the real-time message integrations out of this worker."""
    if env.get(INTEGRATIONS_ENV, "1").strip().lower() in {"0", "false", "no"}:
        return None
    return service_from_env(db, keyring, env, now)


def start_in_process(db: Database, keyring: MasterKeyring, env: Mapping[str, str],
                     now: Callable[[], datetime] = utc_now) -> Callable[[], None]:
    """The service's worker thread (lifespan hook); returns the function that stops it.
    ``ORTHO_WEBHOOK_WORKER``: ``auto`` (default: on with SQLite, off with PostgreSQL, where worker
    processes run), ``1`` always, ``0`` never."""
    mode = env.get(WORKER_ENV, "auto").strip().lower()
    if mode in {"0", "false", "no"} or (mode not in {"1", "true", "yes"} and not db.is_sqlite):
        return lambda: None
    worker = Worker(db, keyring, WorkerConfig.from_env(env), now=now, integrations=_integrations(db, keyring, env, now))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="ortho-webhooks", daemon=True)
    thread.start()

    def stop_worker() -> None:
        stop.set()
        thread.join(timeout=15)
        worker.close()

    return stop_worker


def main(argv: list[str] | None = None) -> int:
    """A stand-alone worker process (ORTHO_* settings from the environment)."""
    import os

    from adapters.db.engine import sqlite_url_for
    from adapters.db.keyring import load_keyring

    parser = argparse.ArgumentParser(prog="webhook-worker", description="Entrega os webhooks pendentes.")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--lease-seconds", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--idle-sleep", type=float, default=0.2, help="pausa (s) quando não há trabalho")
    parser.add_argument("--once", action="store_true", help="uma passada e sai")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    data_dir = args.data_dir or env.get("ORTHO_DATA_DIR", "data")
    db = Database(args.database_url or env.get("ORTHO_DATABASE_URL") or sqlite_url_for(data_dir))
    config = WorkerConfig.from_env(env, lease=timedelta(seconds=args.lease_seconds), batch=args.batch,
                                   idle_sleep=args.idle_sleep)
    keyring = load_keyring(env, data_dir)
    worker = Worker(db, keyring, config, integrations=_integrations(db, keyring, env, utc_now))
    stop = threading.Event()
    try:
        if args.once:
            worker.run_once()
        else:
            import signal

            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            worker.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        worker.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
