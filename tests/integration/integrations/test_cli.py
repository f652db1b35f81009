"""`ortho-fiscal integrations catalog|list|test|run|logs|scheduler` on a SQLite data dir."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters import integrations_store as store
from adapters.db.engine import Database, sqlite_url_for
from adapters.db.keyring import load_keyring
from cli.main import main
from tests.integration.integrations.conftest import WA_PHONE_ID, WA_TOKEN, appointment

MASTER = "k1:" + base64.b64encode(bytes(range(32))).decode()


def test_cli_catalog_list_test_run_logs(tmp_path: Path, standin: Any, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ORTHO_MASTER_KEYS", MASTER)
    monkeypatch.setenv("ORTHO_INTEGRATIONS_TRUST_PEM", str(standin.ca_pem_path))
    for var in ("ORTHO_DATABASE_URL", "ORTHO_SMTP_HOST"):
        monkeypatch.delenv(var, raising=False)
    data = str(tmp_path / "data")
    assert main(["integrations", "catalog", "--status", "planejado"]) == 0
    planned = json.loads(capsys.readouterr().out)["items"]
    assert planned and all(i["status"] == "planejado" for i in planned)
    assert {"TOTVS Protheus", "Binance", "Pearl AI", "Clinux"} <= {i["name"] for i in planned}

    db = Database(sqlite_url_for(data))
    db.upgrade()
    keyring = load_keyring({"ORTHO_MASTER_KEYS": MASTER}, data)
    now = datetime.now(UTC)
    with db.write() as conn:
        store.ensure_tenant(conn, "t1", now)
        item = store.create(conn, keyring, tenant_id="t1", connector="whatsapp-cloud", name="WhatsApp",
                            settings={"base_url": standin.base_url("whatsapp"), "phone_number_id": WA_PHONE_ID},
                            mapping={}, sync={}, alerts={}, credentials={"access_token": WA_TOKEN}, now=now)
        store.upsert_records(conn, item.id, [appointment()], now)
    db.dispose()
    common = ["--tenant", "t1", "--data-dir", data]
    assert main(["integrations", "list", *common]) == 0
    listed = json.loads(capsys.readouterr().out)["items"]
    assert listed[0]["id"] == item.id and WA_TOKEN not in json.dumps(listed)
    assert main(["integrations", "test", item.id, *common]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["integrations", "run", item.id, *common]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    standin.state.wa_tokens.clear()
    assert main(["integrations", "test", item.id, *common]) == 1
    capsys.readouterr()
    assert main(["integrations", "logs", item.id, *common]) == 0
    out = capsys.readouterr().out
    assert "✅ Sincronização bem-sucedida" in out and "- Registros enviados: 1" in out
    assert main(["integrations", "scheduler", "--once", "--data-dir", data]) == 0
    assert json.loads(capsys.readouterr().out) == {"runs": 0}
    assert main(["integrations", "run", "int_" + "0" * 24, *common]) == 1
    assert "não encontrada" in capsys.readouterr().err
