"""From outbox records to catalogue events.

The emission pipeline writes its own outbox topics (engine/emission/records.py ``OutboxMessage``):
``nfe.status`` (a document changed state), ``nfe.event`` (an event registered at SEFAZ),
``nfe.contingency`` and ``nfe.inutilizacao``. ``to_event`` maps them to the public catalogue; a state
change nobody promised to announce (received -> numbered -> signed -> sent) maps to None.
Records whose topic already is a catalogue name (``/v1/events``, our own producers) carry
``{"event_id", "data"}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.events.catalogue import EventType, parse_event_type

# Event types of NF-e events (MOC 7.0 §5 / NT 2011.004): 110110 carta de correção, 110111
# cancelamento, 110112 cancelamento por substituição (NFC-e).
TP_CCE = "110110"
TP_CANCEL = ("110111", "110112")
_CONTINGENCY = ("emitter_id", "model", "from", "to", "since", "reason")
_VOIDED = ("id", "emitter_id", "model", "series", "n_ini", "n_fin", "cstat", "protocol")


@dataclass(frozen=True, slots=True)
class PublicEvent:
    id: str
    type: EventType
    data: dict[str, Any]


def event_id_for(idempotency_key: str) -> str:
    """A stable event id: the same outbox fact always has the same id (receivers deduplicate on it)."""
    return "evt_" + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]


def _document_event(to: str, p: Mapping[str, Any]) -> tuple[EventType, dict[str, Any]] | None:
    base = {"document_id": p.get("document_id"), "ref": p.get("ref"), "emitter_id": p.get("emitter_id"),
            "model": p.get("model")}
    if to == "authorized":
        return EventType.NFE_AUTHORIZED, {**base, "number": p.get("number"), "chave": p.get("chave"),
                                          "cstat": p.get("cstat"), "protocol": p.get("protocol"),
                                          "tp_emis": p.get("tp_emis")}
    if to in ("rejected", "denied"):
        return EventType.NFE_REJECTED, {**base, "number": p.get("number"), "chave": p.get("chave"),
                                        "cstat": p.get("cstat"), "status": to, "tp_emis": p.get("tp_emis")}
    return None


def to_event(topic: str, idempotency_key: str, payload: Mapping[str, Any]) -> PublicEvent | None:
    public = parse_event_type(topic)
    if public is not None:
        data = payload.get("data")
        return PublicEvent(str(payload.get("event_id") or event_id_for(idempotency_key)), public,
                           dict(data) if isinstance(data, Mapping) else {})
    eid = event_id_for(idempotency_key)
    if topic == "nfe.status":
        mapped = _document_event(str(payload.get("to")), payload)
        return None if mapped is None else PublicEvent(eid, mapped[0], mapped[1])
    if topic == "nfe.event":
        if not payload.get("registrado"):
            return None
        tp = str(payload.get("tp_evento"))
        data = {k: payload.get(k) for k in ("document_id", "chave", "n_seq_evento", "cstat", "protocol")}
        data["tp_evento"] = tp
        if tp in TP_CANCEL:
            return PublicEvent(eid, EventType.NFE_CANCELLED, data)
        if tp == TP_CCE:
            return PublicEvent(eid, EventType.NFE_CORRECTED, data)
        return None
    if topic == "nfe.contingency":
        return PublicEvent(eid, EventType.NFE_CONTINGENCY, {k: payload.get(k) for k in _CONTINGENCY})
    if topic == "nfe.inutilizacao":
        return PublicEvent(eid, EventType.NUMBERING_VOIDED, {k: payload.get(k) for k in _VOIDED})
    return None
