"""Worker *processes* against one database: a worker killed (SIGKILL) after its POST reached the
receiver and before it recorded the outcome -> the event is delivered again by another worker when
the lease ends: at least once on the wire, exactly once to a receiver deduplicating by event id.
Several workers together never deliver an event twice when none dies."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters import webhook_store as store
from certificates.store import MasterKeyring
from engine.events.catalogue import EventType
from tests.integration.webhooks.conftest import TENANT, Receiver

ROOT = Path(__file__).resolve().parents[3]
MASTER = "kw:" + base64.b64encode(bytes(range(100, 132))).decode()
KEYRING = MasterKeyring.from_config(MASTER)


def _wait(predicate: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.fixture
def spawn(database_url: str, worker_env: dict[str, str]) -> Iterator[Any]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(lease: float = 2.0) -> subprocess.Popen[bytes]:
        env = {**os.environ, **worker_env, "ORTHO_MASTER_KEYS": MASTER, "ORTHO_DATABASE_URL": database_url}
        proc = subprocess.Popen([sys.executable, "-m", "adapters.webhook_worker", "--lease-seconds", str(lease)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def _subscribe(wdb: Any, url: str, events: list[str]) -> str:
    with wdb.write() as conn:
        sub, _ = store.create(conn, KEYRING, tenant_id=TENANT, url=url, events=events, now=datetime.now(UTC))
    return sub.id


def test_worker_killed_after_the_post_is_redelivered_exactly_once_to_a_deduplicating_receiver(
    wdb: Any, receiver: Receiver, spawn: Any
) -> None:
    sid = _subscribe(wdb, receiver.url, ["patient.created"])
    hold = threading.Event()
    receiver.hold = hold
    with wdb.write() as conn:
        eid, _ = store.publish(conn, tenant_id=TENANT, event=EventType.PATIENT_CREATED,
                               data={"id": "p1", "name": "João Silva"}, now=datetime.now(UTC))
    first = spawn(lease=2.0)
    assert receiver.got_request.wait(30), "the first worker never posted"
    first.send_signal(signal.SIGKILL)  # the POST was sent; the worker dies before recording the outcome
    first.wait(10)
    receiver.hold = None
    hold.set()
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sid)
    assert d.status == "pending" and d.attempts == 1 and d.delivered_at is None  # nothing was marked
    spawn(lease=2.0)
    _wait(lambda: len(receiver.received) >= 2)

    def delivered() -> bool:
        with wdb.read() as conn:
            return store.deliveries(conn, TENANT, sid)[0].status == "delivered"

    _wait(delivered)
    assert len(receiver.received) == 2  # at least once on the wire...
    assert receiver.unique_event_ids() == {eid}  # ...exactly once for a receiver deduplicating by event id
    assert receiver.received[0].body == receiver.received[1].body
    assert [r.headers["x-ortho-attempt"] for r in receiver.received] == ["1", "2"]
    with wdb.read() as conn:
        [d] = store.deliveries(conn, TENANT, sid)
        assert d.attempts == 2 and [a["outcome"] for a in store.attempts(conn, d.id)] == ["ok"]


def test_three_workers_deliver_every_event_once(wdb: Any, receiver: Receiver, spawn: Any) -> None:
    _subscribe(wdb, receiver.url, ["payment.received"])
    n = 60
    with wdb.write() as conn:
        ids = {store.publish(conn, tenant_id=TENANT, event=EventType.PAYMENT_RECEIVED,
                             data={"id": f"p{i}", "amount": f"{i}.50"}, now=datetime.now(UTC))[0] for i in range(n)}
    for _ in range(3):
        spawn(lease=30.0)
    _wait(lambda: len(receiver.received) >= n, timeout=60)
    time.sleep(0.5)
    assert receiver.unique_event_ids() == ids
    assert len(receiver.received) == n  # no event sent twice
