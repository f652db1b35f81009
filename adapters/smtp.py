"""Outgoing e-mail over SMTP (smtplib) for the integrations' failure alerts.

Settings (environment), read by ``SmtpSettings.from_env``:

==========================  =====================================================================
ORTHO_SMTP_HOST             server; without it alerts are recorded but not e-mailed
ORTHO_SMTP_PORT             default 587 (starttls), 465 (ssl), 25 (none)
ORTHO_SMTP_SECURITY         ``starttls`` (default), ``ssl`` (implicit TLS) or ``none`` (loopback only)
ORTHO_SMTP_USER / _PASSWORD login (optional; never logged)
ORTHO_SMTP_FROM             sender address (default ``ortho-fiscal@localhost``)
ORTHO_SMTP_TRUST_PEM        CA bundle for the server's certificate (default: system store)
ORTHO_SMTP_TIMEOUT          seconds (default 15)
==========================  =====================================================================
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SECURITY = ("starttls", "ssl", "none")
_DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}


class SmtpError(Exception):
    """The alert could not be sent (pt-BR message; the password never appears in it)."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "ortho-fiscal@localhost"
    trust_pem: str | None = None
    timeout: float = 15.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        host = (env.get("ORTHO_SMTP_HOST") or "").strip()
        if not host:
            return None
        security = (env.get("ORTHO_SMTP_SECURITY") or "starttls").strip().lower()
        if security not in SECURITY:
            raise ValueError(f"ORTHO_SMTP_SECURITY deve ser um de {', '.join(SECURITY)} (recebido {security!r})")
        port = int(env.get("ORTHO_SMTP_PORT") or _DEFAULT_PORT[security])
        return cls(host, port, security, env.get("ORTHO_SMTP_USER") or None, env.get("ORTHO_SMTP_PASSWORD") or None,
                   env.get("ORTHO_SMTP_FROM") or "ortho-fiscal@localhost", env.get("ORTHO_SMTP_TRUST_PEM") or None,
                   float(env.get("ORTHO_SMTP_TIMEOUT") or 15))


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _context(self) -> ssl.SSLContext:
        s = self.settings
        ctx = ssl.create_default_context(cafile=s.trust_pem) if s.trust_pem else ssl.create_default_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx

    def send(self, to: Sequence[str], subject: str, body: str) -> str:
        """Send a plain-text UTF-8 message; returns its Message-ID."""
        s = self.settings
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = s.sender, ", ".join(to), subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=s.sender.rpartition("@")[2] or "localhost")
        msg.set_content(body, charset="utf-8")
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with client:
                client.ehlo()
                if s.security == "starttls":
                    client.starttls(context=self._context())
                    client.ehlo()
                if s.username:
                    client.login(s.username, s.password or "")
                client.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise SmtpError(f"falha ao enviar o alerta por e-mail via {s.host}:{s.port}: {type(exc).__name__}") from exc
        return str(msg["Message-ID"])
