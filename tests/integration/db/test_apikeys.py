"""API keys: shown once, stored hashed, verified in constant time, scoped to one tenant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.db.apikeys import (
    PERMISSIONS,
    Permission,
    Principal,
    Role,
    UnknownTenant,
    VerifiedKeys,
    authenticate,
    create_tenant,
    issue_key,
    revoke_key,
)
from adapters.db.engine import Database
from adapters.db.schema import api_key

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_issued_key_authenticates_and_only_its_hash_is_stored(db: Database) -> None:
    with db.write() as conn:
        create_tenant(conn, "clinica", "Clínica", now=NOW)
        issued = issue_key(conn, "clinica", Role.PDV, now=NOW)
    assert issued.key.startswith(f"ofk_{issued.key_id}_")
    with db.read() as conn:
        stored = conn.execute(select(api_key)).one()
        principal = authenticate(conn, issued.key)
    secret = issued.key.rsplit("_", 1)[1]
    assert secret not in repr(tuple(stored)) and stored.secret_sha256 != secret
    assert principal is not None
    assert (principal.key_id, principal.tenant_id, principal.role) == (issued.key_id, "clinica", Role.PDV)


def test_wrong_malformed_and_revoked_keys_are_refused(db: Database) -> None:
    with db.write() as conn:
        create_tenant(conn, "clinica", "Clínica", now=NOW)
        issued = issue_key(conn, "clinica", Role.ADMIN, now=NOW)
    tampered = issued.key[:-1] + ("A" if issued.key[-1] != "A" else "B")
    with db.read() as conn:
        assert authenticate(conn, tampered) is None
        assert authenticate(conn, "ofk_000000000000_" + "A" * 43) is None
        assert authenticate(conn, "Bearer something") is None
        assert authenticate(conn, "") is None
    with db.write() as conn:
        assert revoke_key(conn, issued.key_id, now=NOW)
    with db.read() as conn:
        assert authenticate(conn, issued.key) is None


def test_key_for_unknown_tenant_is_refused(db: Database) -> None:
    with pytest.raises(UnknownTenant), db.write() as conn:
        issue_key(conn, "nao-existe", Role.PDV, now=NOW)


def test_role_permissions_follow_the_issue() -> None:
    assert Permission.CERTIFICATE_WRITE in PERMISSIONS[Role.ADMIN]
    assert Permission.DOCUMENT_EMIT in PERMISSIONS[Role.PDV] and Permission.DOCUMENT_READ not in PERMISSIONS[Role.PDV]
    assert Permission.DOCUMENT_EXPORT in PERMISSIONS[Role.ACCOUNTANT]
    assert Permission.DOCUMENT_EMIT not in PERMISSIONS[Role.ACCOUNTANT]
    auditor = PERMISSIONS[Role.AUDITOR]
    assert {Permission.AUDIT_READ, Permission.HISTORY_READ} <= auditor
    assert not any(p.value.endswith((":write", ":emit", ":cancel", ":correct")) for p in auditor)


def test_verified_keys_expire_after_their_ttl_and_can_be_forgotten() -> None:
    clock = [0.0]
    keys = VerifiedKeys(2.0, monotonic=lambda: clock[0])
    alice = Principal("aaaaaaaaaaaa", "t1", Role.PDV)
    keys.put("ofk_aaaaaaaaaaaa_secret", alice)
    assert keys.get("ofk_aaaaaaaaaaaa_secret") == alice
    assert keys.get("ofk_aaaaaaaaaaaa_secreT") is None  # another string, another digest
    clock[0] = 1.9
    assert keys.get("ofk_aaaaaaaaaaaa_secret") == alice
    clock[0] = 2.0
    assert keys.get("ofk_aaaaaaaaaaaa_secret") is None
    keys.put("ofk_aaaaaaaaaaaa_secret", alice)
    keys.forget("aaaaaaaaaaaa")
    assert keys.get("ofk_aaaaaaaaaaaa_secret") is None


def test_verified_keys_off_and_bounded() -> None:
    off = VerifiedKeys(0)
    off.put("k", Principal("aaaaaaaaaaaa", "t1", Role.PDV))
    assert off.get("k") is None
    clock = [0.0]
    small = VerifiedKeys(2.0, monotonic=lambda: clock[0], max_entries=3)
    for i in range(10):
        small.put(f"k{i}", Principal(f"{i:012d}", "t1", Role.PDV))
    assert len(small._entries) <= 3 and small.get("k9") is not None
