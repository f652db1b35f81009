"""In-memory state of the PSP stand-in: OAuth clients and tokens, charges, received pix, devoluções,
webhooks and callback deliveries. One lock; every handler thread goes through it."""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_ALNUM = string.ascii_letters + string.digits


@dataclass
class Quirks:
    """How this stand-in deviates from the standard, to mirror one PSP profile (plain data; the
    names match engine/pix/data/psps.json ``flags`` without importing the engine)."""

    app_key_query_param: str | None = None
    app_key_header: str | None = None
    token_auth: str = "basic"  # noqa: S105 - "basic" | "body", an auth style
    token_grant_type_in_query: bool = False
    webhook_callback_suffix: str = "/pix"
    webhook_auth: str = "mtls"  # "mtls" | "hmac"
    hmac_secret: str | None = None
    hmac_header: str = "X-Pix-Signature"
    token_ttl_s: int = 3600

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quirks:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class OAuthClient:
    client_secret: str
    scopes: frozenset[str]
    app_key: str | None = None


@dataclass
class Token:
    client_id: str
    scopes: frozenset[str]
    expires_at: float  # time.monotonic()


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def random_alnum(n: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(n))


def end_to_end_id(ispb: str, when: datetime | None = None) -> str:
    """E + ISPB of the payer's PSP (8) + AAAAMMDDHHmm in UTC + 11 alphanumerics = 32 (Manual do SPI)."""
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d%H%M")
    return f"E{ispb}{stamp}{random_alnum(11)}"


def return_id(ispb: str) -> str:
    """rtrId of a devolução: D + ISPB + AAAAMMDDHHmm + 11 alphanumerics (pacs.004)."""
    return f"D{ispb}{datetime.now(UTC).strftime('%Y%m%d%H%M')}{random_alnum(11)}"


@dataclass
class PspState:
    ispb: str
    quirks: Quirks = field(default_factory=Quirks)
    clients: dict[str, OAuthClient] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    cobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # txid -> CobCompleta/CobVCompleta JSON
    pix: dict[str, dict[str, Any]] = field(default_factory=dict)  # e2eid -> Pix JSON
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # chave -> WebhookCompleto JSON
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    tokens_issued: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def reset(self, quirks: Quirks | None = None) -> None:
        with self.lock:
            self.quirks = quirks or Quirks()
            self.tokens.clear()
            self.cobs.clear()
            self.pix.clear()
            self.webhooks.clear()
            self.deliveries.clear()
            self.tokens_issued = 0

    def issue_token(self, client_id: str, scopes: frozenset[str]) -> tuple[str, int]:
        with self.lock:
            value = secrets.token_urlsafe(32)
            ttl = self.quirks.token_ttl_s
            self.tokens[value] = Token(client_id, scopes, time.monotonic() + ttl)
            self.tokens_issued += 1
            return value, ttl

    def token(self, value: str) -> Token | None:
        with self.lock:
            tok = self.tokens.get(value)
            if tok is None or time.monotonic() >= tok.expires_at:
                return None
            return tok
