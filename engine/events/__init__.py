"""Events and webhook signing (no I/O).

* ``catalogue``: ``EventType``, ``CATALOGUE`` (versioned payload schemas), ``validate(event, data)``.
* ``body``: ``render_body(event, data) -> bytes`` (byte-identical to ``JSON.stringify`` of its parse),
  ``generate_secret()``, ``sign_headers(...)`` (X-Ortho-Signature + Standard Webhooks).
* ``retry``: ``next_attempt_at(attempt, now, rng, retry_after)``, ``parse_retry_after``.
* ``translate``: ``to_event(topic, idempotency_key, payload) -> PublicEvent | None``.
"""

from engine.events.body import generate_secret, render_body, render_json, sign_headers
from engine.events.catalogue import CATALOGUE, CLINIC_EVENTS, EventType, validate
from engine.events.retry import next_attempt_at, parse_retry_after
from engine.events.translate import PublicEvent, event_id_for, to_event

__all__ = [
    "CATALOGUE",
    "CLINIC_EVENTS",
    "EventType",
    "PublicEvent",
    "event_id_for",
    "generate_secret",
    "next_attempt_at",
    "parse_retry_after",
    "render_body",
    "render_json",
    "sign_headers",
    "to_event",
    "validate",
]
