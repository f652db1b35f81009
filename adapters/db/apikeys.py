"""API keys: roles, permissions, issuing and verification.

A key is ``ofk_<id>_<secret>``: ``id`` is 12 hex characters (public, stored, shown in the audit
trail as the actor), ``secret`` is 32 random bytes in base64url. Only SHA-256(secret) is stored;
the full key is shown once, when created. A 256-bit random secret needs no slow password hash
(nothing to brute-force), and the digest is compared in constant time (``hmac.compare_digest``).

``VerifiedKeys`` spares the database read per request: each worker process remembers, for a few
seconds (``ORTHO_APIKEY_CACHE_S``, default 2), the principal of a key it verified. It is keyed by the
SHA-256 of the presented key, never the key itself, so a memory dump of the cache gives no usable
key; a revocation (``revoke_key``, another process) takes effect in every worker within that time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, select, update

from adapters.db.schema import api_key, tenant

KEY_PREFIX = "ofk"
_KEY = re.compile(r"^ofk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


class Role(StrEnum):
    ADMIN = "admin"
    PDV = "pdv"
    ACCOUNTANT = "accountant"
    AUDITOR = "auditor"
    # The clinic system that posts its events (patient.created, appointment.confirmed...) to
    # POST /v1/events: least privilege, it can do nothing else (issue 8, point 5).
    INTEGRATION = "integration"


class Permission(StrEnum):
    EMITTER_READ = "emitter:read"
    EMITTER_WRITE = "emitter:write"  # configuration, series, CSC, environment
    CERTIFICATE_WRITE = "certificate:write"
    INTEGRATION_WRITE = "integration:write"  # webhooks, PSP (later issues)
    DOCUMENT_EMIT = "document:emit"
    DOCUMENT_CANCEL = "document:cancel"
    DOCUMENT_CORRECT = "document:correct"  # carta de correção, re-send of a rejected document
    DOCUMENT_READ_OWN = "document:read-own"  # documents this key created
    DOCUMENT_READ = "document:read"  # every document of the tenant
    DOCUMENT_EXPORT = "document:export"  # XML/PDF downloads in bulk, SPED
    HISTORY_READ = "history:read"  # state changes and events of documents
    AUDIT_READ = "audit:read"  # the audit trail
    EVENT_PUBLISH = "event:publish"  # POST /v1/events: the clinic system's events to fan out


# Issue 5, point 5: admin (configuration, certificates, integrations), pdv (emit, cancel, correct,
# read own), accountant (read, export), auditor (read-only, history, audit trail). The admin also
# reads the audit trail (it must see who changed its configuration). The integration role only
# publishes the clinic system's events; the admin may publish them too (tests, manual replays).
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.EMITTER_READ,
            Permission.EMITTER_WRITE,
            Permission.CERTIFICATE_WRITE,
            Permission.INTEGRATION_WRITE,
            Permission.AUDIT_READ,
            Permission.EVENT_PUBLISH,
        }
    ),
    Role.PDV: frozenset(
        {
            Permission.EMITTER_READ,
            Permission.DOCUMENT_EMIT,
            Permission.DOCUMENT_CANCEL,
            Permission.DOCUMENT_CORRECT,
            Permission.DOCUMENT_READ_OWN,
        }
    ),
    Role.ACCOUNTANT: frozenset(
        {Permission.EMITTER_READ, Permission.DOCUMENT_READ, Permission.DOCUMENT_READ_OWN, Permission.DOCUMENT_EXPORT}
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.EMITTER_READ,
            Permission.DOCUMENT_READ,
            Permission.DOCUMENT_READ_OWN,
            Permission.HISTORY_READ,
            Permission.AUDIT_READ,
        }
    ),
    Role.INTEGRATION: frozenset({Permission.EVENT_PUBLISH}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key id, its tenant and role."""

    key_id: str
    tenant_id: str
    role: Role

    @property
    def permissions(self) -> frozenset[Permission]:
        return PERMISSIONS[self.role]

    def can(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str  # the full key: shown once, never stored
    key_id: str
    tenant_id: str
    role: Role


class UnknownTenant(LookupError):
    code = "TENANT_NAO_ENCONTRADO"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def tenant_exists(conn: Connection, tenant_id: str) -> bool:
    return conn.execute(select(tenant.c.id).where(tenant.c.id == tenant_id)).first() is not None


def create_tenant(conn: Connection, tenant_id: str, name: str, *, now: datetime) -> None:
    conn.execute(tenant.insert().values(id=tenant_id, name=name, created_at=now))


def issue_key(conn: Connection, tenant_id: str, role: Role, *, now: datetime, label: str | None = None) -> IssuedKey:
    """A new key for an existing tenant (inside the caller's write transaction)."""
    if not tenant_exists(conn, tenant_id):
        raise UnknownTenant(f"tenant '{tenant_id}' não existe")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        api_key.insert().values(
            id=key_id, tenant_id=tenant_id, role=role.value, secret_sha256=_digest(secret), label=label, created_at=now
        )
    )
    return IssuedKey(key=f"{KEY_PREFIX}_{key_id}_{secret}", key_id=key_id, tenant_id=tenant_id, role=role)


def authenticate(conn: Connection, presented: str) -> Principal | None:
    """The principal of a presented key, or None (malformed, unknown, revoked or wrong secret)."""
    match = _KEY.match(presented.strip())
    if match is None:
        return None
    key_id, secret = match.groups()
    row = conn.execute(
        select(api_key.c.tenant_id, api_key.c.role, api_key.c.secret_sha256, api_key.c.revoked_at).where(
            api_key.c.id == key_id
        )
    ).first()
    if row is None:
        # Compare anyway so that an unknown id and a wrong secret take the same time.
        hmac.compare_digest(_digest(secret), "0" * 64)
        return None
    if not hmac.compare_digest(_digest(secret), row.secret_sha256) or row.revoked_at is not None:
        return None
    return Principal(key_id=key_id, tenant_id=row.tenant_id, role=Role(row.role))


def revoke_key(conn: Connection, key_id: str, *, now: datetime) -> bool:
    result = conn.execute(
        update(api_key).where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return result.rowcount == 1


class VerifiedKeys:
    """Per-process memory of verified keys: SHA-256(presented key) -> (principal, expiry).

    Only successful verifications are remembered (an unknown or revoked key is looked up every
    time, and a key once revoked is never put back). ``ttl_s`` 0 turns the memory off. Used from the
    event loop thread only; at ``max_entries`` the expired entries are dropped, then all of them.
    """

    def __init__(self, ttl_s: float, *, monotonic: Callable[[], float] = time.monotonic,
                 max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self._monotonic = monotonic
        self._max = max_entries
        self._entries: dict[bytes, tuple[Principal, float]] = {}

    @staticmethod
    def _slot(presented: str) -> bytes:
        return hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()

    def get(self, presented: str) -> Principal | None:
        if self.ttl_s <= 0:
            return None
        slot = self._slot(presented)
        entry = self._entries.get(slot)
        if entry is None:
            return None
        if entry[1] <= self._monotonic():
            self._entries.pop(slot, None)
            return None
        return entry[0]

    def put(self, presented: str, principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        now = self._monotonic()
        if len(self._entries) >= self._max:
            self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
            if len(self._entries) >= self._max:
                self._entries.clear()
        self._entries[self._slot(presented)] = (principal, now + self.ttl_s)

    def forget(self, key_id: str) -> None:
        """Drop a key at once in this process (e.g. after revoking it here)."""
        self._entries = {k: v for k, v in self._entries.items() if v[0].key_id != key_id}
