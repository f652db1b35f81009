"""adapters.smtp against the local SMTP server: STARTTLS and implicit TLS with login, the server's
certificate checked against the configured trust store, failures reported without the password."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.smtp import SmtpError, SmtpSender, SmtpSettings
from simulator.pki import SimulatorPKI
from tests.integration.integrations import smtp_server
from tests.integration.integrations.conftest import Smtp


@pytest.fixture
def implicit(pki_dir: Path, running: Any) -> Iterator[tuple[smtp_server.SmtpServer, str]]:
    pki = SimulatorPKI.load_or_create(pki_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(pki.server_cert_path), str(pki.server_key_path))
    server = smtp_server.start(ctx, require_tls=True, users={"alertas": "s3nha"}, implicit_tls=True)
    yield server, str(pki.ca_pem_path)
    server.stop()


def test_starttls_with_login_delivers_utf8(smtp: Smtp) -> None:
    mid = SmtpSender(smtp.settings).send(["admin@clinica.com.br", "ti@clinica.com.br"], "Integração falhou ⚠️",
                                         "Ação: Renovar token na configuração\n")
    (got,) = smtp.server.messages
    assert got.tls and got.user == "alertas" and got.rcpt_to == ["admin@clinica.com.br", "ti@clinica.com.br"]
    assert got.message["Subject"] == "Integração falhou ⚠️" and got.message["Message-ID"] == mid
    assert got.message.get_content().replace("\r\n", "\n") == "Ação: Renovar token na configuração\n"


def test_implicit_tls(implicit: tuple[smtp_server.SmtpServer, str]) -> None:
    server, ca = implicit
    settings = SmtpSettings("127.0.0.1", server.port, "ssl", "alertas", "s3nha", "alertas@ortho.local", ca, 5)
    SmtpSender(settings).send(["admin@clinica.com.br"], "teste", "corpo\n")
    assert server.messages[0].tls and server.messages[0].user == "alertas"


def test_untrusted_server_and_wrong_password_fail_without_leaking(smtp: Smtp) -> None:
    untrusted = replace(smtp.settings, trust_pem=None)  # the test CA is not in the system store
    with pytest.raises(SmtpError) as err:
        SmtpSender(untrusted).send(["a@b.com.br"], "x", "y")
    assert "SSL" in str(err.value) or "Certificate" in str(err.value)
    wrong = replace(smtp.settings, password="senha-errada-secreta")
    with pytest.raises(SmtpError) as err:
        SmtpSender(wrong).send(["a@b.com.br"], "x", "y")
    assert "senha-errada-secreta" not in str(err.value) and "SMTPAuthenticationError" in str(err.value)
    assert smtp.server.messages == []


def test_settings_from_env() -> None:
    assert SmtpSettings.from_env({}) is None
    s = SmtpSettings.from_env({"ORTHO_SMTP_HOST": "smtp.clinica.com.br", "ORTHO_SMTP_SECURITY": "ssl"})
    assert s is not None and s.port == 465 and "password" not in repr(s).replace("password=None", "")
    with pytest.raises(ValueError, match="ORTHO_SMTP_SECURITY"):
        SmtpSettings.from_env({"ORTHO_SMTP_HOST": "x", "ORTHO_SMTP_SECURITY": "tls"})
