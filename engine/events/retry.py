"""Retry schedule of a webhook delivery: exponential back-off with jitter over more than 24 hours.

Attempt n (1-based) failed -> wait ``min(30 s * 4^(n-1), 8 h)`` times a jitter factor in [1, 1.25):
30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h, 8 h, 8 h -> the 9th attempt comes at least 26.8 h after
the first (the jitter only lengthens, so the 24 h promise holds; it spreads the retries of many
deliveries that failed together, e.g. a receiver that was down). A ``Retry-After`` the receiver sent
(RFC 9110 §10.2.3) replaces the computed wait when longer, capped at 24 h. After ``MAX_ATTEMPTS`` the
delivery is dead-lettered (kept, visible, redeliverable by hand).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

BASE = timedelta(seconds=30)
FACTOR = 4
CAP = timedelta(hours=8)
MAX_ATTEMPTS = 9
MAX_RETRY_AFTER = timedelta(hours=24)
JITTER = 0.25


def backoff(attempt: int) -> timedelta:
    """The un-jittered wait after failed attempt ``attempt`` (1-based)."""
    wait: timedelta = BASE * FACTOR ** max(attempt - 1, 0)
    return min(wait, CAP)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After``: delay-seconds or an HTTP-date; None when absent or malformed."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))


def next_attempt_at(attempt: int, now: datetime, rng: random.Random,
                    retry_after: timedelta | None = None) -> datetime | None:
    """When to try again after failed attempt ``attempt``; None: dead-letter."""
    if attempt >= MAX_ATTEMPTS:
        return None
    wait = backoff(attempt) * (1 + rng.random() * JITTER)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return now + wait
