"""Failure alerts: an e-mail after N consecutive failed runs (default 3), once per streak; a
successful run ends the streak and re-arms the alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.integrations.model import AlertSettings, ProviderError


@dataclass(frozen=True, slots=True)
class AlertState:
    consecutive_failures: int = 0
    alerted: bool = False  # an alert was already sent for the current streak


def after_run(state: AlertState, *, failed: bool, settings: AlertSettings) -> tuple[AlertState, bool]:
    """The new state and whether to send the alert now."""
    if not failed:
        return AlertState(0, False), False
    failures = state.consecutive_failures + 1
    send = settings.enabled and not state.alerted and failures >= settings.threshold
    return AlertState(failures, state.alerted or send), send


def alert_message(*, integration_name: str, connector_name: str, failures: int, last_error: ProviderError | None,
                  at: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """Subject and plain-text body (pt-BR) of the alert e-mail; no credential ever goes in it."""
    subject = f"[Ortho+] Integração {integration_name} falhou {failures} vezes seguidas"
    lines = [
        f"A integração \"{integration_name}\" ({connector_name}) falhou {failures} vezes consecutivas.",
        f"Última tentativa: {at.astimezone(tz).strftime('%Y-%m-%d %H:%M:%S')}",
    ]
    if last_error is not None:
        lines += [f"Erro: {last_error.mensagem}", f"Ação: {last_error.acao}"]
    lines += ["", "Veja os logs em Configurações → Integrações → " + integration_name + " → Ver Logs.",
              "Você receberá um novo alerta somente depois que a integração voltar a funcionar e falhar de novo."]
    return subject, "\n".join(lines) + "\n"
