"""The connector model of "Configurações → Integrações": kinds, authentication, sync mode and
direction, alerts, and the errors a provider answers mapped to an action in pt-BR.

Sync modes and directions follow the integrations guide ("Sincronização de Dados"): manual,
agendada (a daily time such as ``02:00`` in the clinic's time zone), tempo real (on events) and
lote (every N hours); unidirecional (Ortho+ -> externo) or bidirecional (with conflict detection).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from typing import Any

from engine.errors import FiscalError

DEFAULT_ALERT_THRESHOLD = 3  # the guide: "Notificar após 3 falhas consecutivas"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class IntegrationError(FiscalError):
    """A configuration or use of an integration that cannot be accepted (pt-BR ``mensagem``)."""

    code = "INTEGRACAO_INVALIDA"

    def __init__(self, mensagem: str, *, code: str | None = None, path: str = "") -> None:
        super().__init__(mensagem, code=code)
        self.path = path


class Kind(StrEnum):
    ACCOUNTING = "contabilidade"
    PIX = "pix"
    PAYMENT = "pagamento"
    CRYPTO = "criptomoedas"
    MESSAGING = "whatsapp"
    EMAIL = "email"
    SMS = "sms"
    SCANNER = "scanner"
    LAB = "laboratorio"
    AI = "ia"
    FISCAL = "sefaz"
    CRM = "crm"
    ERP = "erp_clinico"


class AuthType(StrEnum):
    OAUTH2 = "oauth2"
    API_KEY = "api_key"


class Status(StrEnum):
    AVAILABLE = "disponível"
    PLANNED = "planejado"


class SyncMode(StrEnum):
    MANUAL = "manual"
    SCHEDULED = "agendada"
    REALTIME = "tempo_real"
    BATCH = "lote"


class Direction(StrEnum):
    ONE_WAY = "unidirecional"
    TWO_WAY = "bidirecional"


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """How and when an integration runs. ``daily_time`` for ``agendada`` is wall time in ``uf``'s zone."""

    mode: SyncMode = SyncMode.MANUAL
    direction: Direction = Direction.ONE_WAY
    daily_time: time | None = None
    batch_hours: int | None = None
    uf: str = "SP"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncSettings:
        try:
            mode = SyncMode(data.get("mode", "manual"))
        except ValueError as exc:
            raise IntegrationError(
                f"modo de sincronização inválido: {data.get('mode')!r} (use manual, agendada, tempo_real ou lote)",
                path="sync.mode",
            ) from exc
        try:
            direction = Direction(data.get("direction", "unidirecional"))
        except ValueError as exc:
            raise IntegrationError(
                f"direção inválida: {data.get('direction')!r} (use unidirecional ou bidirecional)",
                path="sync.direction",
            ) from exc
        daily: time | None = None
        raw_time = data.get("daily_time")
        if raw_time is not None:
            m = _HHMM.match(str(raw_time))
            if not m:
                raise IntegrationError(
                    f"horário inválido: {raw_time!r} (use HH:MM, ex.: 02:00)", path="sync.daily_time"
                )
            daily = time(int(m.group(1)), int(m.group(2)))
        hours = data.get("batch_hours")
        if hours is not None and (not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 168):
            raise IntegrationError("batch_hours deve ser um inteiro entre 1 e 168 horas", path="sync.batch_hours")
        settings = cls(mode, direction, daily, hours, str(data.get("uf", "SP")).upper())
        settings.check()
        return settings

    def check(self) -> None:
        if self.mode is SyncMode.SCHEDULED and self.daily_time is None:
            raise IntegrationError("a sincronização agendada precisa de um horário (ex.: 02:00)",
                                   path="sync.daily_time")
        if self.mode is SyncMode.BATCH and self.batch_hours is None:
            raise IntegrationError("a sincronização em lote precisa do intervalo em horas (batch_hours)",
                                   path="sync.batch_hours")

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "direction": self.direction.value,
            "daily_time": self.daily_time.strftime("%H:%M") if self.daily_time else None,
            "batch_hours": self.batch_hours,
            "uf": self.uf,
        }


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """E-mail after ``threshold`` consecutive failures, once per streak (the guide's "Alertas")."""

    enabled: bool = False
    emails: tuple[str, ...] = ()
    threshold: int = DEFAULT_ALERT_THRESHOLD

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AlertSettings:
        raw = data.get("emails") or ()
        if isinstance(raw, str):
            raw = [raw]
        emails = tuple(str(e).strip() for e in raw)
        for e in emails:
            if not _EMAIL.match(e):
                raise IntegrationError(f"e-mail de alerta inválido: {e!r}", path="alerts.emails")
        threshold = data.get("threshold", DEFAULT_ALERT_THRESHOLD)
        if not isinstance(threshold, int) or isinstance(threshold, bool) or not 1 <= threshold <= 100:
            raise IntegrationError("threshold deve ser um inteiro entre 1 e 100 falhas", path="alerts.threshold")
        enabled = bool(data.get("enabled", bool(emails)))
        if enabled and not emails:
            raise IntegrationError("informe ao menos um e-mail para receber os alertas", path="alerts.emails")
        return cls(enabled, emails, threshold)

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "emails": list(self.emails), "threshold": self.threshold}


@dataclass(frozen=True, slots=True)
class ProviderError:
    """One error of a run as the log shows it: what happened and the action to take (pt-BR)."""

    code: str
    mensagem: str
    acao: str
    retryable: bool = False
    record: str | None = None
    detail: str | None = None  # the provider's own code/message, never a credential

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "mensagem": self.mensagem, "acao": self.acao}
        if self.record:
            out["record"] = self.record
        if self.detail:
            out["detail"] = self.detail
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProviderError:
        return cls(str(data["code"]), str(data["mensagem"]), str(data["acao"]), False,
                   data.get("record"), data.get("detail"))


class ConnectorFailure(Exception):
    """Raised by a connector when the whole operation failed (authentication, unreachable provider)."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.mensagem)
        self.error = error


# Errors that are ours, not the provider's (the transport's and the credentials').
def transport_error(detail: str) -> ProviderError:
    return ProviderError(
        "INTEGRACAO_INDISPONIVEL", "O sistema externo não respondeu (tempo esgotado ou conexão recusada)",
        "Verificar se o serviço do provedor está no ar e tentar a sincronização manual mais tarde",
        retryable=True, detail=detail,
    )


def tls_error(detail: str) -> ProviderError:
    return ProviderError(
        "INTEGRACAO_TLS", "Conexão segura (HTTPS) recusada: certificado do servidor não confiável",
        "Verificar o endereço configurado do provedor e o repositório de certificados confiáveis",
        detail=detail,
    )


def missing_credentials(names: tuple[str, ...]) -> ProviderError:
    return ProviderError(
        "CREDENCIAIS_AUSENTES", f"Credenciais não configuradas: {', '.join(names)}",
        "Preencher as credenciais em Configurações → Integrações → Autenticação",
    )


@dataclass(frozen=True, slots=True)
class Credentials:
    """Decrypted credentials, only in memory; ``repr`` never shows the values."""

    values: Mapping[str, str] = field(repr=False)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def require(self, *names: str) -> None:
        missing = tuple(n for n in names if not self.values.get(n))
        if missing:
            raise ConnectorFailure(missing_credentials(missing))
