"""WhatsApp Business Cloud API connector against its stand-in: template messages for reminders and
confirmations, Bearer auth, Graph error answers mapped to pt-BR actions."""

from __future__ import annotations

from typing import Any

from adapters import integrations_store as store
from adapters.integrations_service import IntegrationService
from tests.integration.integrations.conftest import TENANT, WA_PHONE_ID, WA_TOKEN, activate, appointment, create

SETTINGS = {"phone_number_id": WA_PHONE_ID}


def _wa(service: IntegrationService, standin: Any, **kw: Any) -> store.Integration:
    return create(service, "whatsapp-cloud", settings={"base_url": standin.base_url("whatsapp"), **SETTINGS},
                  credentials={"access_token": WA_TOKEN}, **kw)


def test_test_connection_reads_the_number_and_activation_needs_it(service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin)
    assert item.status_label == "não conectado"
    result = service.test(TENANT, item.id)
    assert result == {"ok": True, "mensagem": "Número +55 11 98765-4321 (Clínica Sorriso) verificado"}
    item = activate(service, item.id)
    assert item.active and item.status_label == "conectado"


def test_reminder_and_confirmation_are_sent_as_templates_with_mapped_parameters(
        service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin)
    service.enqueue(TENANT, item.id, [appointment("a1"), appointment("a2", tipo="confirmacao")])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "sucesso" and run["sent"] == 2 and run["errors"] == []
    sent = standin.state.wa_sent
    assert [m["template"]["name"] for m in sent] == ["lembrete_consulta", "confirmacao_consulta"]
    first = sent[0]
    assert first["to"] == "5511987654321" and first["messaging_product"] == "whatsapp"
    assert first["template"]["language"] == {"code": "pt_BR"}
    params = [p["text"] for p in first["template"]["components"][0]["parameters"]]
    assert params == ["João Silva", "10/12/2026", "14:30", "Dra. Ana Souza"]
    with service.db.read() as conn:
        recs = {r["key"]: r for r in store.list_records(conn, item.id)}
    assert recs["a1"]["status"] == "enviado" and recs["a1"]["remote_id"].startswith("wamid.")
    # Nothing pending: a second run sends nothing again.
    assert service.run(TENANT, item.id)["sent"] == 0
    assert len(standin.state.wa_sent) == 2


def test_custom_mapping_reorders_template_parameters(service: IntegrationService, standin: Any) -> None:
    standin.state.wa_templates[("lembrete_consulta", "pt_BR")] = 2
    item = _wa(service, standin, mapping={"1": "data", "2": "paciente_nome", "3": None, "4": None})
    service.enqueue(TENANT, item.id, [appointment()])
    assert service.run(TENANT, item.id)["sent"] == 1
    params = [p["text"] for p in standin.state.wa_sent[0]["template"]["components"][0]["parameters"]]
    assert params == ["10/12/2026", "João Silva"]


def test_expired_token_is_an_authentication_failure_with_the_renewal_action(
        service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin)
    standin.state.wa_tokens.clear()
    result = service.test(TENANT, item.id)
    assert result["ok"] is False
    assert result["erro"]["code"] == "AUTENTICACAO_TOKEN_EXPIRADO"
    assert result["erro"]["acao"].startswith("Renovar token na configuração")
    service.enqueue(TENANT, item.id, [appointment()])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "falha"
    assert "❌ Erro de autenticação" in run["log"] and "- Ação: Renovar token na configuração" in run["log"]


def test_recipient_errors_are_per_record_and_template_errors_stop_the_run(
        service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin)
    standin.state.wa_allowed = {"5511987654321"}
    service.enqueue(TENANT, item.id, [appointment("ok"), appointment("fora", paciente_telefone="+55 21 99999-0000"),
                                      appointment("ruim", paciente_telefone="12")])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "parcial" and run["sent"] == 1
    codes = {e["record"]: e["code"] for e in run["errors"]}
    assert codes == {"fora": "DESTINATARIO_NAO_PERMITIDO", "ruim": "TELEFONE_INVALIDO"}
    assert "(registro fora)" in run["log"]
    # An unapproved template fails the whole run with the WhatsApp Manager action.
    del standin.state.wa_templates[("confirmacao_consulta", "pt_BR")]
    service.enqueue(TENANT, item.id, [appointment("c1", tipo="confirmacao")])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "falha"
    assert run["errors"][0]["code"] == "TEMPLATE_INEXISTENTE"
    assert "WhatsApp Manager" in run["errors"][0]["acao"]
    assert "132001" in run["errors"][0]["detail"]


def test_parameter_count_mismatch_points_at_the_mapping(service: IntegrationService, standin: Any) -> None:
    standin.state.wa_templates[("lembrete_consulta", "pt_BR")] = 3
    item = _wa(service, standin)
    service.enqueue(TENANT, item.id, [appointment()])
    run = service.run(TENANT, item.id)
    assert run["errors"][0]["code"] == "TEMPLATE_PARAMETROS"
    assert "mapeamento" in run["errors"][0]["acao"]


def test_realtime_mode_sends_on_the_appointment_event(service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin, sync={"mode": "tempo_real", "uf": "AM"})
    activate(service, item.id)
    out = service.on_event(TENANT, "appointment.created", {
        "id": "ag-77", "patient_id": "p1", "starts_at": "2026-12-10T18:30:00Z", "patient_name": "Maria",
        "patient_phone": "+55 92 99876-5432", "professional": "Dr. Paulo", "clinic": "Sorriso Manaus"})
    assert out[0]["run"]["sent"] == 1
    params = [p["text"] for p in standin.state.wa_sent[0]["template"]["components"][0]["parameters"]]
    # 18:30 UTC is 14:30 in Manaus (UTC-4), the clinic's zone from states.
    assert params == ["Maria", "10/12/2026", "14:30", "Dr. Paulo"]
    # Events that are not appointments are ignored.
    assert service.on_event(TENANT, "patient.created", {"id": "p2", "name": "X"}) == []


class _Crash(BaseException):
    """The process dying in the middle of a run (not an error the service handles)."""


def test_a_crash_mid_run_resends_nothing_already_sent(service: IntegrationService, standin: Any) -> None:
    item = _wa(service, standin)
    service.enqueue(TENANT, item.id, [appointment(f"a{i}") for i in range(1, 5)])
    real = service.transport
    calls = {"n": 0}

    class Dying:
        def send(self, request: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 3:
                raise _Crash
            return real.send(request)

    service.transport = Dying()
    try:
        service.run(TENANT, item.id)
    except _Crash:
        pass
    service.transport = real
    with service.db.read() as conn:
        status = {r["key"]: r["status"] for r in store.list_records(conn, item.id)}
    assert status == {"a1": "enviado", "a2": "enviado", "a3": "pendente", "a4": "pendente"}
    assert service.run(TENANT, item.id)["sent"] == 2
    assert len(standin.state.wa_sent) == 4  # each patient messaged exactly once
