"""Run logs in the guide's form ("Logs e Monitoramento")::

    [2025-11-17 14:30:15] ✅ Sincronização bem-sucedida
    - Registros enviados: 25
    - Registros recebidos: 12
    - Duração: 3.2s

    [2025-11-17 02:00:03] ❌ Erro de autenticação
    - Erro: Token expirado
    - Ação: Renovar token na configuração

Times are shown in the clinic's zone (from ``states``), durations with one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from engine.integrations.model import ProviderError


class Outcome(StrEnum):
    SUCCESS = "sucesso"
    PARTIAL = "parcial"  # some records failed or conflicted, the connection worked
    FAILURE = "falha"


class Trigger(StrEnum):
    MANUAL = "manual"
    SCHEDULED = "agendada"
    REALTIME = "tempo_real"
    BATCH = "lote"
    TEST = "teste"


@dataclass(slots=True)
class RunLog:
    started_at: datetime
    finished_at: datetime
    trigger: Trigger
    sent: int = 0
    received: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ProviderError] = field(default_factory=list)
    failed: bool = False  # the run as a whole failed (authentication, unreachable provider)

    @property
    def outcome(self) -> Outcome:
        if self.failed:
            return Outcome.FAILURE
        if self.errors or self.conflicts:
            return Outcome.PARTIAL
        return Outcome.SUCCESS

    @property
    def duration_ms(self) -> int:
        return max(0, int((self.finished_at - self.started_at).total_seconds() * 1000))

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(), "finished_at": self.finished_at.isoformat(),
            "trigger": self.trigger.value, "outcome": self.outcome.value, "sent": self.sent,
            "received": self.received, "duration_ms": self.duration_ms, "conflicts": self.conflicts,
            "errors": [e.to_json() for e in self.errors],
        }


def _seconds(ms: int) -> str:
    return str((Decimal(ms) / 1000).quantize(Decimal("0.1"), ROUND_HALF_UP))


def render(*, started_at: datetime, outcome: Outcome, sent: int, received: int, duration_ms: int,
           errors: list[ProviderError], conflicts: list[dict[str, Any]], tz: ZoneInfo) -> str:
    """One entry of the log as the guide draws it."""
    stamp = started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    lines: list[str] = []
    if outcome is Outcome.FAILURE:
        first = errors[0] if errors else None
        title = "Falha na sincronização"
        if first is not None and first.code.startswith("AUTENTICACAO"):
            title = "Erro de autenticação"
        lines.append(f"[{stamp}] ❌ {title}")
    elif outcome is Outcome.PARTIAL:
        lines.append(f"[{stamp}] ⚠️ Sincronização concluída com pendências")
    else:
        lines.append(f"[{stamp}] ✅ Sincronização bem-sucedida")
    if outcome is not Outcome.FAILURE or sent or received:
        lines.append(f"- Registros enviados: {sent}")
        lines.append(f"- Registros recebidos: {received}")
    lines.append(f"- Duração: {_seconds(duration_ms)}s")
    for c in conflicts:
        lines.append(f"- Conflito: registro {c['key']} alterado nos dois lados (campos: {', '.join(c['fields'])})")
        lines.append("- Ação: Escolher a versão correta e sincronizar novamente")
    for e in errors:
        where = f" (registro {e.record})" if e.record else ""
        lines.append(f"- Erro: {e.mensagem}{where}")
        lines.append(f"- Ação: {e.acao}")
    return "\n".join(lines)
