"""Appointment messages (lembrete / confirmação) shared by WhatsApp, e-mail and SMS connectors.

Our record (the clinic system's appointment event, flattened)::

    {"tipo": "lembrete" | "confirmacao", "paciente_nome": "...", "paciente_telefone": "+5511...",
     "paciente_email": "...", "data_hora": "2026-12-10T14:30" (clinic local time),
     "profissional": "...", "clinica": "..."}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.integrations.connectors.base import RecordFailure, local_parts, require_fields
from engine.integrations.model import ProviderError

TIPOS = ("lembrete", "confirmacao")
SOURCE_FIELDS = ("paciente_nome", "paciente_telefone", "paciente_email", "data", "hora", "profissional", "clinica")
DEFAULT_TEXTS = {
    "lembrete": "Olá, {paciente_nome}! Lembrete da sua consulta em {data} às {hora} com {profissional} ({clinica}).",
    "confirmacao": "Olá, {paciente_nome}! Sua consulta em {data} às {hora} com {profissional} ({clinica}) "
                   "está confirmada.",
}
DEFAULT_SUBJECTS = {"lembrete": "Lembrete de consulta - {clinica}", "confirmacao": "Consulta confirmada - {clinica}"}
_E164 = re.compile(r"^\+?[1-9]\d{7,14}$")


def values(key: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record plus ``data``/``hora`` split from ``data_hora``; validates ``tipo`` and the date."""
    require_fields(key, record, "tipo", "paciente_nome", "data_hora")
    if record["tipo"] not in TIPOS:
        raise RecordFailure(ProviderError(
            "REGISTRO_INVALIDO", f"tipo de mensagem inválido: {record['tipo']!r} (use lembrete ou confirmacao)",
            "Corrigir o evento enviado pelo sistema da clínica", record=key,
        ))
    try:
        data, hora = local_parts(str(record["data_hora"]))
    except ValueError as exc:
        raise RecordFailure(ProviderError(
            "REGISTRO_INVALIDO", f"data_hora inválida: {record['data_hora']!r} (use AAAA-MM-DDTHH:MM)",
            "Corrigir o agendamento no Ortho+", record=key,
        )) from exc
    return {**record, "data": data, "hora": hora}


def phone(key: str, raw: Any) -> str:
    """E.164 digits (with +) from what the clinic typed (``+55 11 98765-4321``)."""
    digits = re.sub(r"[\s().-]", "", str(raw or ""))
    if not _E164.match(digits):
        raise RecordFailure(ProviderError(
            "TELEFONE_INVALIDO", f"Telefone do paciente inválido: {raw!r}",
            "Corrigir o telefone no cadastro do paciente (formato +55 DDD número)", record=key,
        ))
    return digits if digits.startswith("+") else "+" + digits
