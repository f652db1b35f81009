"""The implemented connectors and the factory the adapters call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.integrations.connectors.base import Connector
from engine.integrations.connectors.bling import BlingConnector
from engine.integrations.connectors.resend import ResendConnector
from engine.integrations.connectors.twilio import TwilioConnector
from engine.integrations.connectors.whatsapp import WhatsAppConnector
from engine.integrations.http import HttpTransport
from engine.integrations.model import Credentials, IntegrationError

__all__ = ["BlingConnector", "Connector", "ResendConnector", "TwilioConnector", "WhatsAppConnector", "build"]


def build(connector_id: str, *, settings: Mapping[str, Any], credentials: Credentials, transport: HttpTransport,
          now: datetime, integration_id: str, mapping: Mapping[str, Any] | None = None) -> Connector:
    if connector_id == "bling":
        return BlingConnector(settings=settings, credentials=credentials, transport=transport, now=now,
                              mapping=mapping)
    if connector_id == "whatsapp-cloud":
        return WhatsAppConnector(settings=settings, credentials=credentials, transport=transport, mapping=mapping)
    if connector_id == "resend":
        return ResendConnector(settings=settings, credentials=credentials, transport=transport,
                               integration_id=integration_id, mapping=mapping)
    if connector_id == "twilio":
        return TwilioConnector(settings=settings, credentials=credentials, transport=transport, mapping=mapping)
    raise IntegrationError(f"conector {connector_id!r} ainda não implementado (status: planejado)",
                           code="INTEGRACAO_PLANEJADA", path="connector")
