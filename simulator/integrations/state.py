"""State of the integrations stand-in: the accounts each provider knows and what they received.

Tests (and ``ortho-fiscal`` demos) change it directly through ``RunningIntegrations.state``, under
``state.lock``: add accounts, revoke tokens, edit a receivable "in Bling", read what was sent.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BlingApp:
    client_secret: str
    scopes: frozenset[str] = frozenset({"contas_receber"})


@dataclass
class IntegrationsState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Bling: OAuth apps, codes, tokens, receivables
    bling_apps: dict[str, BlingApp] = field(default_factory=dict)
    bling_codes: dict[str, str] = field(default_factory=dict)  # code -> client_id (single use)
    bling_access: dict[str, str] = field(default_factory=dict)  # access token -> client_id
    bling_refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> client_id
    bling_receivables: dict[int, dict[str, Any]] = field(default_factory=dict)
    bling_next_id: int = 16000000000
    bling_contacts: set[int] = field(default_factory=lambda: {12345678})
    # WhatsApp Cloud API
    wa_tokens: set[str] = field(default_factory=set)
    wa_phone_numbers: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> display/verified name
    wa_templates: dict[tuple[str, str], int] = field(default_factory=dict)  # (name, lang) -> body params
    wa_allowed: set[str] | None = None  # test-app recipient allow list (None: production number)
    wa_sent: list[dict[str, Any]] = field(default_factory=list)
    # Resend
    resend_keys: dict[str, str] = field(default_factory=dict)  # key -> "full_access" | "sending_access"
    resend_domains: dict[str, str] = field(default_factory=dict)  # name -> status
    resend_sent: list[dict[str, Any]] = field(default_factory=list)
    resend_idem: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (body digest, id)
    # Twilio
    twilio_accounts: dict[str, dict[str, str]] = field(default_factory=dict)  # sid -> {token, status, name}
    twilio_numbers: set[str] = field(default_factory=set)  # SMS-capable senders
    twilio_stopped: set[str] = field(default_factory=set)  # recipients who answered STOP
    twilio_sent: list[dict[str, Any]] = field(default_factory=list)
    # Failure injection: provider -> HTTP status answered to every API call (e.g. 503)
    outage: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (provider, method, path)

    def bling_authorize(self, client_id: str) -> str:
        """What the user's consent screen does: mint a single-use authorization code."""
        code = secrets.token_hex(16)
        with self.lock:
            self.bling_codes[code] = client_id
        return code
