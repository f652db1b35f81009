"""Real-time mode: the clinic system's appointment events become messages to send.

``appointment.created`` -> lembrete; ``appointment.confirmed`` -> confirmação (the guide's
"Lembretes de consulta" and "Confirmações de agendamento"). The catalogue's required fields are
``id``, ``patient_id`` and ``starts_at``; the clinic system adds the contact fields it has
(``patient_name``, ``patient_phone``, ``patient_email``, ``professional``, ``clinic``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.integrations.model import Kind

_TIPO = {"appointment.created": "lembrete", "appointment.confirmed": "confirmacao"}
MESSAGE_KINDS = frozenset({Kind.MESSAGING, Kind.EMAIL, Kind.SMS})


def record_from_event(event_type: str, data: Mapping[str, Any], tz: ZoneInfo) -> tuple[str, dict[str, Any]] | None:
    """(record key, our record) for a message connector, or None when the event is not one we send."""
    tipo = _TIPO.get(event_type)
    if tipo is None or not data.get("id") or not data.get("starts_at"):
        return None
    try:
        starts = datetime.fromisoformat(str(data["starts_at"]).replace("Z", "+00:00"))
    except ValueError:
        return None
    if starts.tzinfo is not None:
        starts = starts.astimezone(tz)
    record = {
        "tipo": tipo,
        "paciente_nome": data.get("patient_name") or data.get("name"),
        "paciente_telefone": data.get("patient_phone") or data.get("phone"),
        "paciente_email": data.get("patient_email") or data.get("email"),
        "data_hora": starts.strftime("%Y-%m-%dT%H:%M"),
        "profissional": data.get("professional") or data.get("dentist"),
        "clinica": data.get("clinic"),
    }
    return f"{event_type}:{data['id']}", {k: v for k, v in record.items() if v is not None}
