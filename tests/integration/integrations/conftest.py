"""One integrations stand-in (HTTPS, test PKI) per session, reset and seeded per test; the local
SMTP server; the service wired to a migrated database of each kind and a fake clock."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import simulator.integrations
from adapters import integrations_store as store
from adapters.db.engine import Database
from adapters.integrations_http import HttpxTransport
from adapters.integrations_service import IntegrationService
from adapters.smtp import SmtpSender, SmtpSettings
from certificates.store import MasterKeyring
from simulator.integrations.state import BlingApp, IntegrationsState
from simulator.pki import SimulatorPKI
from tests.integration.integrations import smtp_server

TENANT = "clinica-teste"
BLING_CLIENT, BLING_SECRET = "bling-client-id-teste", "bling-client-secret-teste-123"
WA_TOKEN, WA_PHONE_ID = "EAAG-teste-token-whatsapp-0001", "123456789012345"
RESEND_FULL, RESEND_SEND = "re_full_teste_0001", "re_send_teste_0002"
TWILIO_SID, TWILIO_TOKEN = "AC" + "a1" * 16, "twilio-auth-token-teste-0001"
TWILIO_FROM = "+15005550006"
BLING_CONTATO = 12345678


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(milliseconds=250)  # every reading moves time: durations are non-zero
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("integrations-pki")


@pytest.fixture(scope="session")
def running(pki_dir: Path) -> Iterator[simulator.integrations.RunningIntegrations]:
    standin = simulator.integrations.start(pki_dir=pki_dir)
    try:
        yield standin
    finally:
        standin.stop()
    assert standin.app.errors == [], "the integrations stand-in failed internally"


@pytest.fixture
def standin(running: simulator.integrations.RunningIntegrations) -> simulator.integrations.RunningIntegrations:
    st = IntegrationsState()
    st.bling_apps[BLING_CLIENT] = BlingApp(BLING_SECRET)
    st.bling_contacts.add(BLING_CONTATO)
    st.wa_tokens.add(WA_TOKEN)
    st.wa_phone_numbers[WA_PHONE_ID] = {"display": "+55 11 98765-4321", "name": "Clínica Sorriso"}
    st.wa_templates[("lembrete_consulta", "pt_BR")] = 4
    st.wa_templates[("confirmacao_consulta", "pt_BR")] = 4
    st.resend_keys[RESEND_FULL] = "full_access"
    st.resend_keys[RESEND_SEND] = "sending_access"
    st.resend_domains["clinicasorriso.com.br"] = "verified"
    st.resend_domains["naoverificado.com.br"] = "pending"
    st.twilio_accounts[TWILIO_SID] = {"token": TWILIO_TOKEN, "status": "active", "name": "Clínica Sorriso"}
    st.twilio_numbers.add(TWILIO_FROM)
    running.app.state = st
    return running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 4, 13, 0, tzinfo=UTC))


@pytest.fixture
def keyring() -> MasterKeyring:
    return MasterKeyring.from_config("k1:" + MasterKeyring.generate_key())


@pytest.fixture
def transport(standin: Any) -> Iterator[HttpxTransport]:
    t = HttpxTransport(trust_pem=str(standin.ca_pem_path), timeout=5, sleep=lambda _s: None)
    yield t
    t.close()


@dataclass
class Smtp:
    server: smtp_server.SmtpServer
    settings: SmtpSettings


@pytest.fixture
def smtp(pki_dir: Path, running: Any) -> Iterator[Smtp]:
    pki = SimulatorPKI.load_or_create(pki_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(pki.server_cert_path), str(pki.server_key_path))
    server = smtp_server.start(ctx, require_tls=True, users={"alertas": "senha-smtp-teste"})
    settings = SmtpSettings("127.0.0.1", server.port, "starttls", "alertas", "senha-smtp-teste",
                            "alertas@ortho.local", str(pki.ca_pem_path), 5)
    try:
        yield Smtp(server, settings)
    finally:
        server.stop()


@pytest.fixture
def service(db: Database, keyring: MasterKeyring, transport: HttpxTransport, clock: FakeClock,
            smtp: Smtp) -> IntegrationService:
    with db.write() as conn:
        store.ensure_tenant(conn, TENANT, clock())
    return IntegrationService(db, keyring, transport, clock, SmtpSender(smtp.settings))


def create(service: IntegrationService, connector: str, *, settings: dict[str, Any],
           credentials: dict[str, Any], sync: dict[str, Any] | None = None, alerts: dict[str, Any] | None = None,
           mapping: dict[str, Any] | None = None, name: str | None = None) -> store.Integration:
    with service.db.write() as conn:
        return store.create(conn, service.keyring, tenant_id=TENANT, connector=connector, name=name or connector,
                            settings=settings, mapping=mapping or {}, sync=sync or {}, alerts=alerts or {},
                            credentials=credentials, now=service.clock())


def activate(service: IntegrationService, iid: str) -> store.Integration:
    assert service.test(TENANT, iid)["ok"] is True
    with service.db.write() as conn:
        return store.set_active(conn, TENANT, iid, True, service.clock())


def appointment(key: str = "a1", tipo: str = "lembrete", **extra: Any) -> tuple[str, dict[str, Any]]:
    rec = {"tipo": tipo, "paciente_nome": "João Silva", "paciente_telefone": "+55 11 98765-4321",
           "paciente_email": "joao.silva@example.com", "data_hora": "2026-12-10T14:30",
           "profissional": "Dra. Ana Souza", "clinica": "Clínica Sorriso", **extra}
    return key, rec
