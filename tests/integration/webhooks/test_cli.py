"""`ortho-fiscal webhooks ...` on a SQLite data dir: create (secret printed once), list, ping to a
real HTTPS receiver, deliveries with attempts, redeliver, rotate, delete; errors in pt-BR."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_cli_lifecycle(tmp_path: Path, receiver: Any, worker_env: dict[str, str], capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in worker_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("ORTHO_DATABASE_URL", raising=False)
    monkeypatch.delenv("ORTHO_MASTER_KEYS", raising=False)
    monkeypatch.setenv("ORTHO_BEARER", "token-da-clinica")
    data = ["--data-dir", str(tmp_path / "data")]
    from adapters.db.apikeys import create_tenant
    from adapters.db.engine import Database, sqlite_url_for

    db = Database(sqlite_url_for(tmp_path / "data"))
    db.upgrade()
    with db.write() as conn:
        create_tenant(conn, "t1", "Clínica", now=datetime.now(UTC))
    db.dispose()

    code, created, _ = _run(capsys, "webhooks", "create", "--tenant", "t1", "--url", receiver.url,
                            "--event", "patient.created", "--event", "webhook.ping",
                            "--bearer-token-env", "ORTHO_BEARER", *data)
    assert code == 0 and created["secret"].startswith("whsec_") and created["has_bearer_token"]
    wid = created["id"]
    code, listed, _ = _run(capsys, "webhooks", "list", "--tenant", "t1", *data)
    assert [w["id"] for w in listed["items"]] == [wid] and "secret" not in listed["items"][0]
    code, ping, _ = _run(capsys, "webhooks", "ping", "--tenant", "t1", wid, *data)
    assert code == 0 and ping["status"] == "delivered" and ping["response_code"] == 200
    assert receiver.received[-1].headers["authorization"] == "Bearer token-da-clinica"
    code, hist, _ = _run(capsys, "webhooks", "deliveries", "--tenant", "t1", wid, "--attempts", *data)
    assert code == 0 and hist["items"][0]["attempt_log"][0]["response_code"] == 200
    code, again, _ = _run(capsys, "webhooks", "redeliver", "--tenant", "t1", hist["items"][0]["id"], *data)
    assert code == 0 and again["status"] == "pending"
    code, _, _ = _run(capsys, "webhooks", "worker", "--once", *data)
    assert code == 0 and len(receiver.received) == 2
    code, rotated, _ = _run(capsys, "webhooks", "rotate", "--tenant", "t1", wid, *data)
    assert code == 0 and rotated["secret"] != created["secret"]
    code, _, _ = _run(capsys, "webhooks", "delete", "--tenant", "t1", wid, *data)
    assert code == 0
    code, _, err = _run(capsys, "webhooks", "delete", "--tenant", "t1", wid, *data)
    assert code == 1 and "não encontrado" in err
    code, _, err = _run(capsys, "webhooks", "create", "--tenant", "t1", "--url", "http://exemplo.com.br/x",
                        "--event", "patient.created", *data)
    assert code == 1 and "https://" in err
