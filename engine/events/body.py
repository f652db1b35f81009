"""The delivery body and its signatures.

The integrations guide's receiver (``Validação de Webhooks``, Node.js) computes the HMAC over
``JSON.stringify(req.body)`` — the *re-serialised parse*, not the bytes received. So our body must be
exactly what ``JSON.stringify`` prints for it:

* compact (no spaces), UTF-8, non-ASCII characters unescaped (``"João"``, not ``"Jo\\u00e3o"``);
* the escapes ``JSON.stringify`` uses (ECMA-262 QuoteJSONString): ``\\b \\f \\n \\r \\t \\" \\\\``
  and ``\\u00XX`` (lowercase hex) for the other control characters; ``/``, U+2028 and U+2029 raw —
  Python's ``json.dumps(ensure_ascii=False)`` does the same;
* object keys in JavaScript property order: integer-like keys ("0", "17") first in ascending numeric
  order, then the others in insertion order (ECMA-262 OrdinaryOwnPropertyKeys) — ``render_body``
  emits that order, so the parse-and-stringify round trip is the identity;
* no floats (payload rule, ``catalogue.json_safety``): ``1.10`` would come back as ``1.1``.

Signatures (``sign_headers``):

* ``X-Ortho-Signature: sha256=<hex HMAC-SHA256(secret, body)>`` — the key is the secret string as
  shown (``whsec_...``, its UTF-8 bytes), which is what ``crypto.createHmac('sha256', secret)`` uses;
* Standard Webhooks (standardwebhooks.com): ``webhook-id``, ``webhook-timestamp`` and
  ``webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`` where the key
  is the base64-decoded part after ``whsec_``; several space-separated signatures during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format prefix (Standard Webhooks), not a secret
_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
_ARRAY_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")
_MAX_ARRAY_INDEX = 2**32 - 2  # ECMA-262: an array index is a canonical numeric string < 2^32 - 1


def generate_secret() -> str:
    """A new signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def is_secret(value: str) -> bool:
    return bool(_SECRET.match(value))


def _is_index(key: str) -> bool:
    return bool(_ARRAY_INDEX.match(key)) and int(key) <= _MAX_ARRAY_INDEX


def js_order(value: Any) -> Any:
    """``value`` with every object's keys in the order JavaScript enumerates them."""
    if isinstance(value, Mapping):
        keys = list(value)
        ordered = sorted((k for k in keys if _is_index(k)), key=int) + [k for k in keys if not _is_index(k)]
        return {k: js_order(value[k]) for k in ordered}
    if isinstance(value, list | tuple):
        return [js_order(v) for v in value]
    return value


def render_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, byte-identical to ``JSON.stringify(JSON.parse(result))``."""
    return json.dumps(js_order(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def render_body(event: str, data: Mapping[str, Any]) -> bytes:
    """The delivery body ``{"event":..., "data":...}``."""
    return render_json({"event": event, "data": data})


def ortho_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def sign_headers(
    *, secrets_: Sequence[str], body: bytes, event: str, event_id: str, delivery_id: str, timestamp: int,
    attempt: int,
) -> dict[str, str]:
    """Headers of one attempt. ``secrets_[0]`` is the current secret; a second one (the previous
    secret, during the rotation overlap) adds ``X-Ortho-Signature-Previous`` and a second
    Standard Webhooks signature."""
    if not secrets_:
        raise ValueError("at least one secret is needed")
    headers = {
        "Content-Type": "application/json",
        "X-Ortho-Event": event,
        "X-Ortho-Event-Id": event_id,
        "X-Ortho-Delivery-Id": delivery_id,
        "X-Ortho-Timestamp": str(timestamp),
        "X-Ortho-Attempt": str(attempt),
        "X-Ortho-Signature": ortho_signature(secrets_[0], body),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(standard_signature(s, event_id, timestamp, body) for s in secrets_),
    }
    if len(secrets_) > 1:
        headers["X-Ortho-Signature-Previous"] = ortho_signature(secrets_[1], body)
    return headers
