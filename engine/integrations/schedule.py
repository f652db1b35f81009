"""When an integration is due: computed from the last run and ``now`` (a clock passed in, never the
wall clock here). Scheduled runs are a wall time (``02:00``) in the clinic's zone from ``states``;
Brazil has had no daylight saving time since 2019 (Decreto 9.772/2019), but the zone database is
what decides, so an offset change would be honoured rather than assumed away.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.integrations.model import SyncMode, SyncSettings


def next_due(sync: SyncSettings, *, last_run_at: datetime | None, created_at: datetime,
             tz: ZoneInfo) -> datetime | None:
    """The UTC instant of the next automatic run, or None (manual and real-time are not scheduled)."""
    if sync.mode is SyncMode.SCHEDULED:
        assert sync.daily_time is not None
        base = (last_run_at or created_at).astimezone(tz)
        candidate = datetime.combine(base.date(), sync.daily_time, tzinfo=tz)
        # The first daily time strictly after the reference: a run at 02:00:05 is the 02:00 run.
        if last_run_at is not None:
            candidate = _after(candidate, base, tz, sync)
        elif candidate < base:
            candidate = _next_day(candidate, tz, sync)
        return candidate.astimezone(UTC)
    if sync.mode is SyncMode.BATCH:
        assert sync.batch_hours is not None
        return (last_run_at or created_at).astimezone(UTC) + timedelta(hours=sync.batch_hours)
    return None


def _next_day(candidate: datetime, tz: ZoneInfo, sync: SyncSettings) -> datetime:
    assert sync.daily_time is not None
    return datetime.combine(candidate.date() + timedelta(days=1), sync.daily_time, tzinfo=tz)


def _after(candidate: datetime, base: datetime, tz: ZoneInfo, sync: SyncSettings) -> datetime:
    # The last run happened at ``base`` (local); the next one is the first daily time after the
    # calendar day of a run that was at or after that day's time, so a run at 02:00:03 moves to
    # tomorrow and a manual run at 01:00 still leaves today's 02:00 due.
    while candidate <= base:
        candidate = _next_day(candidate, tz, sync)
    return candidate


def is_due(sync: SyncSettings, *, last_run_at: datetime | None, created_at: datetime, now: datetime,
           tz: ZoneInfo) -> bool:
    due = next_due(sync, last_run_at=last_run_at, created_at=created_at, tz=tz)
    return due is not None and due <= now
