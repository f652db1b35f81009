"""Catalogue completeness against the guide, run log rendering in the guide's form, alert streaks,
data mapping and appointment events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import states
from engine.integrations import alerts, mapping
from engine.integrations.catalog import CATALOG, available, entry
from engine.integrations.events import record_from_event
from engine.integrations.model import AlertSettings, IntegrationError, ProviderError, Status
from engine.integrations.runlog import Outcome, render

GUIDE = Path("/work/shared/seed/integrations-guide.pt-BR.md")
SP = states.uf("SP").zoneinfo()


def test_every_system_the_guide_names_is_in_the_catalogue() -> None:
    names = {e.name for e in CATALOG}
    expected = ["TOTVS Protheus", "SAP Business One", "Conta Azul", "Omie", "Bling", "Mercado Pago", "PagSeguro",
                "Stripe", "Asaas", "Binance", "Coinbase", "Mercado Bitcoin", "Kraken", "3Shape TRIOS",
                "iTero (Align Technology)", "Medit i500", "Carestream CS 3600", "LabDent Digital", "DentalSpeed",
                "OdontoPrev Labs", "Dentomo", "Pearl AI", "Overjet", "Salesforce", "HubSpot", "RD Station",
                "Pipedrive", "Dental Office", "Clinux", "SimplesClinic"]
    assert set(expected) <= names
    for bank in ("Banco do Brasil", "Itaú", "Bradesco", "Santander", "Nubank"):
        assert f"PIX {bank}" in names
    for sms in ("Twilio", "Zenvia", "Total Voice"):
        assert f"SMS ({sms})" in names
    if GUIDE.exists():  # the names in the guide's "Sistemas suportados" lists are all present
        text = GUIDE.read_text("utf-8")
        for name in ("TOTVS Protheus", "Medit i500", "Pipedrive", "SimplesClinic"):
            assert name in text
    assert {e.id for e in available()} == {"bling", "whatsapp-cloud", "resend", "twilio"}
    assert {e.status for e in CATALOG} == {Status.AVAILABLE, Status.PLANNED}
    assert entry("nao-existe") is None
    assert len({e.id for e in CATALOG}) == len(CATALOG)


def test_success_log_matches_the_guide() -> None:
    text = render(started_at=datetime(2025, 11, 17, 17, 30, 15, tzinfo=UTC), outcome=Outcome.SUCCESS, sent=25,
                  received=12, duration_ms=3200, errors=[], conflicts=[], tz=SP)
    assert text == ("[2025-11-17 14:30:15] ✅ Sincronização bem-sucedida\n- Registros enviados: 25\n"
                    "- Registros recebidos: 12\n- Duração: 3.2s")


def test_auth_failure_log_matches_the_guide() -> None:
    err = ProviderError("AUTENTICACAO_TOKEN_EXPIRADO", "Token expirado", "Renovar token na configuração")
    text = render(started_at=datetime(2025, 11, 17, 5, 0, 3, tzinfo=UTC), outcome=Outcome.FAILURE, sent=0,
                  received=0, duration_ms=40, errors=[err], conflicts=[], tz=SP)
    assert text.splitlines()[0] == "[2025-11-17 02:00:03] ❌ Erro de autenticação"
    assert "- Erro: Token expirado\n- Ação: Renovar token na configuração" in text


def test_alert_fires_once_per_streak_at_the_threshold() -> None:
    settings = AlertSettings.from_json({"emails": ["admin@clinica.com.br"]})
    assert settings.threshold == 3 and settings.enabled
    state, sent = alerts.AlertState(), []
    for failed in (True, True, True, True, False, True, True, True):
        state, send = alerts.after_run(state, failed=failed, settings=settings)
        sent.append(send)
    assert sent == [False, False, True, False, False, False, False, True]
    subject, body = alerts.alert_message(integration_name="Bling", connector_name="Bling", failures=3,
                                         last_error=None, at=datetime(2026, 1, 1, tzinfo=UTC), tz=SP)
    assert "falhou 3 vezes" in subject and "2025-12-31 21:00:00" in body


@pytest.mark.parametrize("data", [{"emails": ["sem-arroba"]}, {"enabled": True}, {"emails": ["a@b.co"],
                                                                                  "threshold": 0}])
def test_invalid_alert_settings(data: dict[str, object]) -> None:
    with pytest.raises(IntegrationError):
        AlertSettings.from_json(data)


def test_mapping_merge_apply_reverse() -> None:
    defaults = {"valor": "valor", "contato_id": "contato.id", "descricao": "historico"}
    targets = frozenset({"valor", "contato.id", "historico", "observacoes"})
    merged = mapping.merge(defaults, {"descricao": "observacoes", "contato_id": None}, targets=targets)
    assert merged == {"valor": "valor", "descricao": "observacoes"}
    out = mapping.apply({"valor": 10, "descricao": "x", "contato_id": 5}, {**merged, "contato_id": "contato.id"})
    assert out == {"valor": 10, "observacoes": "x", "contato": {"id": 5}}
    assert mapping.reverse(out, {**merged, "contato_id": "contato.id"}) == {"valor": 10, "descricao": "x",
                                                                            "contato_id": 5}
    with pytest.raises(IntegrationError, match="destino desconhecido"):
        mapping.merge(defaults, {"valor": "vlr"}, targets=targets)
    with pytest.raises(IntegrationError, match="origem desconhecido"):
        mapping.merge(defaults, {"preco": "valor"}, targets=targets)


def test_appointment_events_become_messages_in_the_clinic_zone() -> None:
    got = record_from_event("appointment.confirmed", {"id": "9", "patient_id": "p", "patient_name": "Ana",
                                                           "starts_at": "2026-12-10T15:00:00Z"},
                                 states.uf("AC").zoneinfo())
    assert got is not None
    key, rec = got
    assert key == "appointment.confirmed:9" and rec == {"tipo": "confirmacao", "paciente_nome": "Ana",
                                                        "data_hora": "2026-12-10T10:00"}
    assert record_from_event("payment.received", {"id": "1"}, SP) is None


def test_text_templates_only_accept_known_placeholders() -> None:
    from engine.integrations.connectors.base import check_template, fill

    fields = ("paciente_nome", "data")
    template = check_template("Olá {paciente_nome}, dia {data}", fields, "t")
    assert fill(template, {"paciente_nome": "Zé"}) == "Olá Zé, dia "
    for bad in ("{0}", "{paciente_nome.__class__}", "{paciente_nome:>99999}", "{paciente_nome!r}", "{x}", "{"):
        with pytest.raises(IntegrationError):
            check_template(bad, fields, "t")
