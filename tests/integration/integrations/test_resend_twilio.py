"""Resend e-mail and Twilio SMS connectors against their stand-ins: auth, mapping, success and
the providers' error answers mapped to pt-BR actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters import integrations_store as store
from adapters.integrations_service import IntegrationService
from tests.integration.integrations.conftest import (
    RESEND_FULL,
    RESEND_SEND,
    TENANT,
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    appointment,
    create,
)

SENDER = "Clínica Sorriso <contato@clinicasorriso.com.br>"


def _resend(service: IntegrationService, standin: Any, key: str = RESEND_FULL, **kw: Any) -> store.Integration:
    settings = {"base_url": standin.base_url("resend"), "from": kw.pop("sender", SENDER)}
    return create(service, "resend", settings=settings, credentials={"api_key": key}, **kw)


def _twilio(service: IntegrationService, standin: Any, token: str = TWILIO_TOKEN, **kw: Any) -> store.Integration:
    settings = {"base_url": standin.base_url("twilio"), "from": TWILIO_FROM, **kw.pop("settings", {})}
    return create(service, "twilio", settings=settings,
                  credentials={"account_sid": TWILIO_SID, "auth_token": token}, **kw)


def test_resend_test_checks_the_sender_domain_and_accepts_a_sending_only_key(
        service: IntegrationService, standin: Any) -> None:
    full = _resend(service, standin)
    assert service.test(TENANT, full.id) == {"ok": True, "mensagem": "Chave válida; domínio clinicasorriso.com.br "
                                                                     "verificado"}
    restricted = _resend(service, standin, RESEND_SEND)
    assert service.test(TENANT, restricted.id)["mensagem"].startswith("Chave válida (restrita a envio)")
    pending = _resend(service, standin, sender="contato@naoverificado.com.br")
    result = service.test(TENANT, pending.id)
    assert result["ok"] is False and result["erro"]["code"] == "DOMINIO_NAO_VERIFICADO"
    bad = _resend(service, standin, "re_nao_existe")
    result = service.test(TENANT, bad.id)
    assert result["erro"]["code"] == "AUTENTICACAO_CHAVE_INVALIDA"
    assert "resend.com/api-keys" in result["erro"]["acao"]


def test_resend_sends_the_reminder_with_an_idempotency_key(service: IntegrationService, standin: Any) -> None:
    item = _resend(service, standin, RESEND_SEND)
    service.enqueue(TENANT, item.id, [appointment("a1"), appointment("a2", paciente_email="sem-arroba")])
    run = service.run(TENANT, item.id)
    assert run["sent"] == 1 and run["outcome"] == "parcial"
    assert run["errors"][0]["code"] == "EMAIL_INVALIDO" and run["errors"][0]["record"] == "a2"
    mail = standin.state.resend_sent[0]
    assert mail["from"] == SENDER and mail["to"] == ["joao.silva@example.com"]
    assert mail["subject"] == "Lembrete de consulta - Clínica Sorriso"
    assert mail["text"] == ("Olá, João Silva! Lembrete da sua consulta em 10/12/2026 às 14:30 com "
                            "Dra. Ana Souza (Clínica Sorriso).")
    assert list(standin.state.resend_idem) == [f"{item.id}-a1"]


def test_resend_unverified_domain_on_send_fails_the_run(service: IntegrationService, standin: Any) -> None:
    item = _resend(service, standin, RESEND_SEND, sender="contato@naoverificado.com.br")
    service.enqueue(TENANT, item.id, [appointment()])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "falha" and run["errors"][0]["code"] == "DOMINIO_NAO_VERIFICADO"
    assert "DNS" in run["errors"][0]["acao"]


def test_twilio_sends_form_encoded_with_basic_auth(service: IntegrationService, standin: Any) -> None:
    item = _twilio(service, standin)
    assert service.test(TENANT, item.id) == {"ok": True, "mensagem": "Conta Clínica Sorriso ativa"}
    service.enqueue(TENANT, item.id, [appointment("a1", tipo="confirmacao")])
    run = service.run(TENANT, item.id)
    assert run["sent"] == 1 and run["outcome"] == "sucesso"
    sms = standin.state.twilio_sent[0]
    assert sms["to"] == "+5511987654321" and sms["from"] == TWILIO_FROM
    assert sms["body"].startswith("Olá, João Silva! Sua consulta em 10/12/2026 às 14:30")
    with service.db.read() as conn:
        assert store.list_records(conn, item.id)[0]["remote_id"] == sms["sid"]
    assert ("twilio", "POST", f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json") in standin.state.requests


def test_twilio_errors_map_to_actions(service: IntegrationService, standin: Any) -> None:
    item = _twilio(service, standin)
    standin.state.twilio_stopped.add("+5511911112222")
    service.enqueue(TENANT, item.id, [appointment("stop", paciente_telefone="+55 11 91111-2222"),
                                      appointment("ok")])
    run = service.run(TENANT, item.id)
    assert run["sent"] == 1
    err = run["errors"][0]
    assert err["code"] == "DESCADASTRADO" and err["record"] == "stop" and "21610" in err["detail"]
    assert "START" in err["acao"]
    wrong = _twilio(service, standin, token="errado")
    result = service.test(TENANT, wrong.id)
    assert result["erro"]["code"] == "AUTENTICACAO_CREDENCIAIS" and "20003" in result["erro"]["detail"]


def test_twilio_sender_not_capable_fails_the_whole_run(service: IntegrationService, standin: Any) -> None:
    item = _twilio(service, standin, settings={"from": "+15550000000"})
    service.enqueue(TENANT, item.id, [appointment("a"), appointment("b")])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "falha" and run["errors"][0]["code"] == "REMETENTE_INVALIDO"
    assert len(run["errors"]) == 1  # stopped at the first: the second would fail the same way
    assert urlsplit(standin.base_url("twilio")).scheme == "https"


def test_unreachable_provider_is_reported_with_the_action(service: IntegrationService, standin: Any) -> None:
    item = create(service, "resend", settings={"base_url": "https://127.0.0.1:9/resend", "from": SENDER},
                  credentials={"api_key": RESEND_SEND})
    result = service.test(TENANT, item.id)
    assert result["ok"] is False and result["erro"]["code"] == "INTEGRACAO_INDISPONIVEL"
    assert "tentar a sincronização manual mais tarde" in result["erro"]["acao"]
    plain = create(service, "twilio", settings={"base_url": "https://127.0.0.1:9", "from": TWILIO_FROM},
                   credentials={"account_sid": TWILIO_SID})  # auth_token missing
    service.enqueue(TENANT, plain.id, [appointment()])
    run = service.run(TENANT, plain.id)
    assert run["outcome"] == "falha" and run["errors"][0]["code"] == "CREDENCIAIS_AUSENTES"
    assert "auth_token" in run["errors"][0]["mensagem"]


def test_plain_http_provider_address_is_refused_at_configuration(service: IntegrationService) -> None:
    from engine.integrations.model import IntegrationError

    with pytest.raises(IntegrationError) as err:
        create(service, "twilio", settings={"base_url": "http://api.twilio.com", "from": TWILIO_FROM},
               credentials={})
    assert err.value.path == "settings.base_url" and "HTTPS" in err.value.mensagem
