from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from engine.events.catalogue import CATALOGUE, CLINIC_EVENTS, EventType, validate
from engine.events.retry import MAX_ATTEMPTS, backoff, next_attempt_at, parse_retry_after
from engine.events.translate import event_id_for, to_event

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def test_catalogue_has_the_guide_events_and_ours() -> None:
    guide = {"patient.created", "appointment.created", "appointment.confirmed", "payment.received", "invoice.paid",
             "module.activated", "backup.completed"}
    ours = {"nfe.authorized", "nfe.rejected", "nfe.cancelled", "nfe.corrected", "nfe.contingency", "numbering.voided",
            "pix.charge.created", "pix.charge.paid", "reconciliation.completed", "certificate.expiring",
            "integration.failed"}
    assert {e.value for e in CLINIC_EVENTS} == guide
    assert guide | ours <= {e.value for e in CATALOGUE}
    assert all(s.version >= 1 and s.description for s in CATALOGUE.values())


def test_amounts_must_be_decimal_strings() -> None:
    assert validate(EventType.PAYMENT_RECEIVED, {"id": "p", "amount": "150.00"}) == []
    assert any("data.amount" in p and "texto" in p for p in validate(EventType.PAYMENT_RECEIVED, {"id": "p",
                                                                                                     "amount": 150}))
    assert any("data.amount" in p for p in validate(EventType.PAYMENT_RECEIVED, {"id": "p", "amount": "1,50"}))
    assert any("data.id" in p and "obrigatório" in p for p in validate(EventType.PATIENT_CREATED, {"name": "x"}))


def test_closed_schemas_refuse_unknown_fields() -> None:
    problems = validate(EventType.WEBHOOK_PING, {"webhook_id": "w", "message": "m", "extra": 1})
    assert problems == ["data.extra: campo não previsto em webhook.ping v1"]


def test_schedule_spans_more_than_24_hours_even_with_the_smallest_jitter() -> None:
    total = sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert total >= timedelta(hours=24)
    assert next_attempt_at(MAX_ATTEMPTS, NOW, random.Random(0)) is None


@pytest.mark.parametrize("attempt", range(1, 9))
def test_jitter_only_lengthens_by_up_to_25_percent(attempt: int) -> None:
    rng = random.Random(attempt)
    for _ in range(50):
        at = next_attempt_at(attempt, NOW, rng)
        assert at is not None and backoff(attempt) <= at - NOW < backoff(attempt) * 1.25


def test_retry_after_seconds_and_http_date_are_honoured_and_capped() -> None:
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Fri, 04 Dec 2026 16:00:00 GMT", NOW) == timedelta(hours=1)
    assert parse_retry_after("soon", NOW) is None
    at = next_attempt_at(1, NOW, random.Random(0), timedelta(hours=3))
    assert at == NOW + timedelta(hours=3)
    capped = next_attempt_at(1, NOW, random.Random(0), timedelta(days=5))
    assert capped == NOW + timedelta(hours=24)


def test_emission_records_map_to_public_events() -> None:
    ev = to_event("nfe.status", "k1", {"to": "rejected", "document_id": "d", "ref": "r", "emitter_id": "e",
                                       "model": 55, "number": 3, "chave": None, "cstat": 539, "tp_emis": 1})
    assert ev is not None and ev.type is EventType.NFE_REJECTED and ev.data["cstat"] == 539
    assert ev.id == event_id_for("k1") == to_event("nfe.status", "k1", {"to": "rejected"}).id  # type: ignore[union-attr]
    assert to_event("nfe.status", "k2", {"to": "signed"}) is None
    cce = to_event("nfe.event", "k3", {"tp_evento": "110110", "registrado": True})
    assert cce is not None and cce.type is EventType.NFE_CORRECTED
    assert to_event("nfe.event", "k4", {"tp_evento": "110111", "registrado": False}) is None
    inut = to_event("nfe.inutilizacao", "k5", {"id": "i", "n_ini": 1, "n_fin": 2})
    assert inut is not None and inut.type is EventType.NUMBERING_VOIDED
    pub = to_event("patient.created", "k6", {"event_id": "evt_x", "data": {"id": "1", "name": "Ana"}})
    assert pub is not None and pub.id == "evt_x" and pub.data == {"id": "1", "name": "Ana"}
