"""Due-time computation from a fake clock, across Brazil's zones (no DST since Decreto 9.772/2019)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

import states
from engine.integrations.model import IntegrationError, SyncMode, SyncSettings
from engine.integrations.schedule import is_due, next_due

CREATED = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)


def _daily(hhmm: str, uf: str) -> SyncSettings:
    return SyncSettings.from_json({"mode": "agendada", "daily_time": hhmm, "uf": uf})


@pytest.mark.parametrize(("uf", "expected_utc"), [
    ("SP", "2026-12-05T05:00:00+00:00"),  # America/Sao_Paulo, UTC-3
    ("AM", "2026-12-05T06:00:00+00:00"),  # America/Manaus, UTC-4
    ("AC", "2026-12-05T07:00:00+00:00"),  # America/Rio_Branco, UTC-5
    ("BA", "2026-12-05T05:00:00+00:00"),  # America/Bahia, UTC-3
])
def test_daily_02h_is_two_in_the_morning_in_the_clinics_zone(uf: str, expected_utc: str) -> None:
    sync = _daily("02:00", uf)
    due = next_due(sync, last_run_at=None, created_at=CREATED, tz=states.uf(uf).zoneinfo())
    assert due is not None and due.isoformat() == expected_utc


def test_daily_runs_once_per_day_even_when_the_run_is_late() -> None:
    tz = states.uf("SP").zoneinfo()
    sync = _daily("02:00", "SP")
    ran = datetime(2026, 12, 5, 5, 0, 3, tzinfo=UTC)  # 02:00:03 local
    assert next_due(sync, last_run_at=ran, created_at=CREATED, tz=tz) == datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
    late = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)  # the scheduler was down until 06:30 local
    assert next_due(sync, last_run_at=late, created_at=CREATED, tz=tz) == datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
    manual_before = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)  # a manual run at 01:00 local
    assert next_due(sync, last_run_at=manual_before, created_at=CREATED, tz=tz) == datetime(2026, 12, 5, 5, 0,
                                                                                             tzinfo=UTC)


def test_no_daylight_saving_in_brazil_keeps_02h_at_05h_utc_all_year() -> None:
    tz = states.uf("SP").zoneinfo()
    sync = _daily("02:00", "SP")
    last = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
    for _ in range(365):
        due = next_due(sync, last_run_at=last, created_at=CREATED, tz=tz)
        assert due is not None and due.time() == time(5, 0) and due - last == timedelta(days=1)
        last = due


def test_batch_every_n_hours_from_the_last_run() -> None:
    sync = SyncSettings.from_json({"mode": "lote", "batch_hours": 6})
    tz = states.uf("SP").zoneinfo()
    assert next_due(sync, last_run_at=None, created_at=CREATED, tz=tz) == CREATED + timedelta(hours=6)
    last = CREATED + timedelta(hours=7, minutes=5)
    assert next_due(sync, last_run_at=last, created_at=CREATED, tz=tz) == last + timedelta(hours=6)
    assert is_due(sync, last_run_at=last, created_at=CREATED, now=last + timedelta(hours=6), tz=tz)
    assert not is_due(sync, last_run_at=last, created_at=CREATED, now=last + timedelta(hours=5, minutes=59), tz=tz)


def test_manual_and_realtime_are_never_scheduled() -> None:
    tz = states.uf("SP").zoneinfo()
    for mode in (SyncMode.MANUAL, SyncMode.REALTIME):
        assert next_due(SyncSettings(mode), last_run_at=None, created_at=CREATED, tz=tz) is None


@pytest.mark.parametrize(("data", "path"), [
    ({"mode": "agendada"}, "sync.daily_time"),
    ({"mode": "agendada", "daily_time": "2:00"}, "sync.daily_time"),
    ({"mode": "agendada", "daily_time": "24:00"}, "sync.daily_time"),
    ({"mode": "lote"}, "sync.batch_hours"),
    ({"mode": "lote", "batch_hours": 0}, "sync.batch_hours"),
    ({"mode": "sempre"}, "sync.mode"),
    ({"direction": "tridirecional"}, "sync.direction"),
])
def test_invalid_sync_settings_name_the_field(data: dict[str, object], path: str) -> None:
    with pytest.raises(IntegrationError) as err:
        SyncSettings.from_json(data)
    assert err.value.path == path
