"""Failure alerts over SMTP (3 consecutive failures -> exactly one e-mail, once per streak), the
scheduler claiming due runs from the clock, and credentials never in plaintext at rest or in logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from adapters import integrations_store as store
from adapters.db.schema import outbox
from adapters.integrations_service import IntegrationService
from tests.integration.integrations.conftest import (
    BLING_CLIENT,
    BLING_SECRET,
    RESEND_SEND,
    TENANT,
    TWILIO_SID,
    TWILIO_TOKEN,
    WA_PHONE_ID,
    WA_TOKEN,
    Smtp,
    activate,
    appointment,
    create,
)


def _wa(service: IntegrationService, standin: Any, **kw: Any) -> store.Integration:
    return create(service, "whatsapp-cloud", name="WhatsApp da recepção",
                  settings={"base_url": standin.base_url("whatsapp"), "phone_number_id": WA_PHONE_ID},
                  credentials={"access_token": WA_TOKEN}, **kw)


def test_three_consecutive_failures_send_exactly_one_alert_email(service: IntegrationService, standin: Any,
                                                                 smtp: Smtp) -> None:
    item = _wa(service, standin, alerts={"enabled": True, "emails": ["admin@clinica.com.br"]})
    activate(service, item.id)
    service.enqueue(TENANT, item.id, [appointment()])
    standin.state.wa_tokens.clear()  # the token expired
    runs = [service.run(TENANT, item.id) for _ in range(5)]
    assert [r["outcome"] for r in runs] == ["falha"] * 5
    assert [r["alert_sent"] for r in runs] == [False, False, True, False, False]
    assert len(smtp.server.messages) == 1
    got = smtp.server.messages[0]
    assert got.tls and got.user == "alertas" and got.rcpt_to == ["admin@clinica.com.br"]
    msg = got.message
    assert msg["Subject"] == "[Ortho+] Integração WhatsApp da recepção falhou 3 vezes seguidas"
    body = msg.get_content()
    assert "Erro: Token expirado ou inválido" in body and "Ação: Renovar token na configuração" in body
    assert WA_TOKEN not in got.data.decode("utf-8", "replace")
    # integration.failed went to the outbox in the run's transaction, once.
    with service.db.read() as conn:
        topics = conn.execute(select(outbox.c.topic, outbox.c.payload)).all()
    failed = [p for t, p in topics if t == "integration.failed"]
    assert len(failed) == 1 and '"consecutive_failures": 3' in failed[0]
    # A success ends the streak; three new failures alert again (a new streak).
    standin.state.wa_tokens.add(WA_TOKEN)
    assert service.run(TENANT, item.id)["outcome"] == "sucesso"
    standin.state.wa_tokens.clear()
    service.enqueue(TENANT, item.id, [appointment("a2")])
    again = [service.run(TENANT, item.id)["alert_sent"] for _ in range(3)]
    assert again == [False, False, True] and len(smtp.server.messages) == 2


def test_threshold_is_configurable_and_disabled_alerts_send_nothing(service: IntegrationService, standin: Any,
                                                                    smtp: Smtp) -> None:
    quiet = _wa(service, standin)
    one = _wa(service, standin, alerts={"emails": ["ti@clinica.com.br"], "threshold": 1})
    standin.state.wa_tokens.clear()
    for item in (quiet, one):
        service.enqueue(TENANT, item.id, [appointment()])
        service.run(TENANT, item.id)
        service.run(TENANT, item.id)
        service.run(TENANT, item.id)
    assert [m.rcpt_to for m in smtp.server.messages] == [["ti@clinica.com.br"]]


def test_scheduler_runs_scheduled_and_batch_integrations_when_due(service: IntegrationService, standin: Any,
                                                                  clock: Any) -> None:
    # 13:00 UTC = 10:00 in São Paulo. Daily at 02:00 (São Paulo) -> next 05:00 UTC tomorrow.
    daily = _wa(service, standin, sync={"mode": "agendada", "daily_time": "02:00", "uf": "SP"})
    batch = _wa(service, standin, sync={"mode": "lote", "batch_hours": 6})
    daily, batch = activate(service, daily.id), activate(service, batch.id)
    assert daily.next_run_at is not None and daily.next_run_at.isoformat() == "2026-12-05T05:00:00+00:00"
    assert batch.next_run_at is not None
    assert service.run_due() == []
    clock.advance(hours=6)
    assert [r["integration"] for r in service.run_due()] == [batch.id]
    clock.advance(hours=10)  # 05:00+ UTC next day
    due = service.run_due()
    assert {r["integration"] for r in due} == {daily.id, batch.id}
    assert {r["trigger"] for r in due} == {"agendada", "lote"}
    with service.db.read() as conn:
        assert store.get(conn, TENANT, daily.id).next_run_at.isoformat() == "2026-12-06T05:00:00+00:00"  # type: ignore[union-attr]
        logs = store.list_runs(conn, store.get(conn, TENANT, daily.id))
    assert logs[0]["log"].startswith("[2026-12-05 02:")  # shown in the clinic's time


def test_planned_connectors_cannot_be_connected(service: IntegrationService) -> None:
    from engine.integrations.model import IntegrationError

    with pytest.raises(IntegrationError) as err:
        create(service, "omie", settings={}, credentials={})
    assert err.value.code == "INTEGRACAO_PLANEJADA" and "planejado" in err.value.mensagem


def test_activation_requires_a_successful_test(service: IntegrationService, standin: Any) -> None:
    from engine.integrations.model import IntegrationError

    item = _wa(service, standin)
    with service.db.write() as conn, pytest.raises(IntegrationError) as err:
        store.set_active(conn, TENANT, item.id, True, service.clock())
    assert err.value.code == "INTEGRACAO_NAO_TESTADA"


def test_credentials_are_never_stored_or_logged_in_plaintext(service: IntegrationService, standin: Any,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets_used = [WA_TOKEN, RESEND_SEND, TWILIO_TOKEN, BLING_SECRET]
    wa = _wa(service, standin)
    resend = create(service, "resend", settings={"base_url": standin.base_url("resend"),
                                                 "from": "contato@clinicasorriso.com.br"},
                    credentials={"api_key": RESEND_SEND})
    twilio = create(service, "twilio", settings={"base_url": standin.base_url("twilio"), "from": "+15005550006"},
                    credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})
    bling = create(service, "bling", settings={"base_url": standin.base_url("bling"), "contato_id_padrao": 12345678},
                   credentials={"client_id": BLING_CLIENT, "client_secret": BLING_SECRET,
                                "authorization_code": standin.state.bling_authorize(BLING_CLIENT)})
    for item in (wa, resend, twilio, bling):
        service.test(TENANT, item.id)
        service.enqueue(TENANT, item.id, [appointment() if item.connector != "bling" else
                                          ("c1", {"vencimento": "2026-12-20", "valor": "10.00"})])
        service.run(TENANT, item.id)
    with service.db.read() as conn:
        access = store.credentials(conn, service.keyring, TENANT, bling.id).get("access_token")
        refresh = store.credentials(conn, service.keyring, TENANT, bling.id).get("refresh_token")
        listed = [i.to_json() for i in store.list_(conn, TENANT)]
    secrets_used += [access, refresh]
    # Scan every table, every column, as text and bytes.
    dump = _dump(service)
    for secret in secrets_used:
        assert secret.encode() not in dump, "a credential is stored in plaintext"
        assert secret not in caplog.text, "a credential went to the log"
        assert secret not in repr(listed)
    assert listed[0]["credentials_configured"] == ["access_token"]


def _dump(service: IntegrationService) -> bytes:
    from sqlalchemy import inspect, text

    out = bytearray()
    with service.db.read() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    out += value if isinstance(value, bytes | memoryview) else str(value).encode()
                    out += b"\n"
    return bytes(out)


def test_in_process_scheduler_thread_runs_due_integrations(service: IntegrationService, standin: Any,
                                                           clock: Any) -> None:
    import time

    from adapters.integrations_service import start_scheduler

    item = _wa(service, standin, sync={"mode": "lote", "batch_hours": 1})
    activate(service, item.id)
    service.enqueue(TENANT, item.id, [appointment()])
    clock.advance(hours=2)
    env = {"ORTHO_INTEGRATIONS_TRUST_PEM": str(standin.ca_pem_path), "ORTHO_INTEGRATIONS_SCHEDULER_SECONDS": "0.05"}
    stop = start_scheduler(service.db, service.keyring, env, clock)
    try:
        deadline = time.monotonic() + 10
        while not standin.state.wa_sent and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop()
    assert len(standin.state.wa_sent) == 1
    with service.db.read() as conn:
        assert store.list_runs(conn, store.get(conn, TENANT, item.id))[-1]["trigger"] == "lote"
    assert start_scheduler(service.db, service.keyring, {"ORTHO_INTEGRATIONS_SCHEDULER": "0"}, clock)() is None


def test_one_run_at_a_time_and_a_crashed_runs_lease_expires(service: IntegrationService, standin: Any,
                                                            clock: Any) -> None:
    item = _wa(service, standin)
    service.enqueue(TENANT, item.id, [appointment()])
    with service.db.write() as conn:
        store.acquire_run(conn, item.id, service.clock())  # another process is running it
    with pytest.raises(store.RunInProgress) as err:
        service.run(TENANT, item.id)
    assert err.value.code == "INTEGRACAO_EM_EXECUCAO" and standin.state.wa_sent == []
    clock.advance(minutes=16)  # that process died: its lease expired
    assert service.run(TENANT, item.id)["sent"] == 1
    assert service.run(TENANT, item.id)["sent"] == 0  # released after the run
