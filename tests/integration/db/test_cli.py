"""CLI on each database: `db upgrade|current`, `apikey create|revoke`, `audit verify` (exit 1 and the
exact entry after tampering with the table directly)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update

from adapters.db.apikeys import authenticate
from adapters.db.engine import Database
from adapters.db.migrate import head
from adapters.db.schema import audit_log
from cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _keys(capsys: pytest.CaptureFixture[str], url: str, n: int) -> list[str]:
    keys = []
    for i in range(n):
        code, out, _ = _run(capsys, "apikey", "create", "--tenant", "clinica", "--role", "auditor",
                            "--new-tenant", "Clínica", "--label", f"k{i}", "--database-url", url)
        assert code == 0
        keys.append(out.strip())
    return keys


def test_db_upgrade_and_current(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    assert _run(capsys, "db", "current", "--database-url", database_url)[0] == 1  # empty: not at head
    code, out, _ = _run(capsys, "db", "upgrade", "--database-url", database_url)
    assert code == 0 and f"banco na revisão {head()}" in out
    code, out, _ = _run(capsys, "db", "current", "--database-url", database_url)
    assert code == 0 and f"revisão atual: {head()}" in out


def test_apikey_create_prints_a_working_key_once(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    code, _, err = _run(capsys, "apikey", "create", "--tenant", "nova", "--role", "pdv", "--database-url", database_url)
    assert code == 2 and "--new-tenant" in err
    (key,) = _keys(capsys, database_url, 1)
    db = Database(database_url)
    with db.read() as conn:
        principal = authenticate(conn, key)
    assert principal is not None and principal.tenant_id == "clinica" and principal.role.value == "auditor"
    code, out, _ = _run(capsys, "apikey", "revoke", principal.key_id, "--database-url", database_url)
    assert code == 0 and "revogada" in out
    with db.read() as conn:
        assert authenticate(conn, key) is None
    assert _run(capsys, "apikey", "revoke", principal.key_id, "--database-url", database_url)[0] == 1
    db.dispose()


def test_apikey_create_refuses_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["apikey", "create", "--tenant", "x", "--role", "root"])
    assert exc.value.code == 2


def test_audit_verify_reports_the_tampered_entry(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    _keys(capsys, database_url, 5)  # five audited key creations: seq 1..5
    code, out, _ = _run(capsys, "audit", "verify", "--database-url", database_url)
    assert code == 0 and "5 entradas verificadas: trilha íntegra" in out
    db = Database(database_url)
    with db.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="outra-pessoa"))
    code, out, _ = _run(capsys, "audit", "verify", "--json", "--database-url", database_url)
    result = json.loads(out)
    assert code == 1 and result["integra"] is False
    assert [(p["seq"], p["tipo"]) for p in result["problemas"]] == [(2, "ALTERADA")]
    with db.write() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 4))
    code, out, _ = _run(capsys, "audit", "verify", "--database-url", database_url)
    assert code == 1
    assert "entrada 2: ALTERADA" in out and "entrada 4: REMOVIDA" in out
    db.dispose()


def test_audit_verify_unreadable_database_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "audit", "verify", "--database-url", "mysql://x@localhost/y")
    assert code == 2 and "erro" in err
