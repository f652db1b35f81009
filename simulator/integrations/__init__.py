"""Stand-ins for the integrations' provider APIs (Bling v3, WhatsApp Cloud API, Resend, Twilio) on
one loopback HTTPS server, each under its own path prefix. Independent of engine/adapters/api."""

from simulator.integrations.server import RunningIntegrations, start

__all__ = ["RunningIntegrations", "start"]
