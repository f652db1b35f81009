"""Bling API v3 connector against its stand-in: OAuth 2.0 authorization code + refresh (rotated,
re-sealed), contas a receber pushed with the data mapping, validation errors naming the field,
and two-way sync with conflict detection."""

from __future__ import annotations

from typing import Any

from adapters import integrations_store as store
from adapters.integrations_service import IntegrationService
from tests.integration.integrations.conftest import BLING_CLIENT, BLING_CONTATO, BLING_SECRET, TENANT, create


def _bling(service: IntegrationService, standin: Any, *, code: str | None = None, **kw: Any) -> store.Integration:
    creds = {"client_id": BLING_CLIENT, "client_secret": BLING_SECRET,
             "authorization_code": code or standin.state.bling_authorize(BLING_CLIENT)}
    settings = {"base_url": standin.base_url("bling"), "contato_id_padrao": BLING_CONTATO, **kw.pop("settings", {})}
    return create(service, "bling", settings=settings, credentials=creds, **kw)


def _conta(key: str, valor: str = "350.00", **extra: Any) -> tuple[str, dict[str, Any]]:
    return key, {"vencimento": "2026-12-20", "valor": valor, "data_emissao": "2026-12-04",
                 "descricao": f"Tratamento ortodôntico {key}", "documento": f"NF-{key}", **extra}


def _creds(service: IntegrationService, iid: str) -> dict[str, str]:
    with service.db.read() as conn:
        return dict(store.credentials(conn, service.keyring, TENANT, iid).values)


def test_authorization_code_is_exchanged_once_and_tokens_are_sealed(service: IntegrationService,
                                                                    standin: Any) -> None:
    item = _bling(service, standin)
    assert service.test(TENANT, item.id)["ok"] is True
    creds = _creds(service, item.id)
    assert "authorization_code" not in creds  # single use: dropped after the exchange
    assert creds["access_token"] in standin.state.bling_access
    assert creds["refresh_token"] in standin.state.bling_refresh
    with service.db.read() as conn:
        assert store.get(conn, TENANT, item.id).credential_names == (
            "access_token", "client_id", "client_secret", "expires_at", "refresh_token")


def test_used_code_is_invalid_grant_with_the_reauthorize_action(service: IntegrationService, standin: Any) -> None:
    item = _bling(service, standin, code="codigo-ja-usado")
    result = service.test(TENANT, item.id)
    assert result["ok"] is False and result["erro"]["code"] == "AUTENTICACAO_TOKEN_EXPIRADO"
    assert "invalid_grant" in result["erro"]["detail"]
    assert result["erro"]["acao"].startswith("Renovar token na configuração")


def test_expired_access_token_is_refreshed_and_the_rotated_refresh_token_kept(
        service: IntegrationService, standin: Any, clock: Any) -> None:
    item = _bling(service, standin)
    service.test(TENANT, item.id)
    first = _creds(service, item.id)
    clock.advance(hours=7)  # expires_in is 21600 s
    service.enqueue(TENANT, item.id, [_conta("c1")])
    assert service.run(TENANT, item.id)["sent"] == 1
    second = _creds(service, item.id)
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert first["refresh_token"] not in standin.state.bling_refresh  # rotated by the provider
    # A token revoked early (401 invalid_token) is renewed once and the call repeated.
    standin.state.bling_access.clear()
    service.enqueue(TENANT, item.id, [_conta("c2")])
    run = service.run(TENANT, item.id)
    assert run["sent"] == 1 and run["outcome"] == "sucesso"


def test_contas_a_receber_are_pushed_with_the_mapping(service: IntegrationService, standin: Any) -> None:
    item = _bling(service, standin, mapping={"descricao": "historico", "documento": None})
    service.enqueue(TENANT, item.id, [_conta("c1", valor="1234.5")])
    run = service.run(TENANT, item.id)
    assert run["sent"] == 1
    (remote,) = standin.state.bling_receivables.values()
    assert remote["valor"] == 1234.5 and remote["vencimento"] == "2026-12-20"
    assert remote["contato"] == {"id": BLING_CONTATO} and remote["historico"] == "Tratamento ortodôntico c1"
    assert "numeroDocumento" not in remote  # unmapped by the clinic
    with service.db.read() as conn:
        assert store.list_records(conn, item.id)[0]["remote_id"] == str(remote["id"])


def test_validation_error_names_the_field(service: IntegrationService, standin: Any) -> None:
    item = _bling(service, standin, settings={"contato_id_padrao": 999})
    service.enqueue(TENANT, item.id, [_conta("c1", valor="0.00")])
    run = service.run(TENANT, item.id)
    assert run["outcome"] == "parcial" and run["sent"] == 0
    err = run["errors"][0]
    assert err["code"] == "BLING_VALIDACAO" and err["record"] == "c1"
    assert "valor: O valor deve ser maior que zero" in err["mensagem"]
    assert "contato: O contato não foi encontrado" in err["mensagem"]


def test_two_way_detects_conflicts_and_never_overwrites(service: IntegrationService, standin: Any) -> None:
    item = _bling(service, standin, sync={"direction": "bidirecional"})
    service.enqueue(TENANT, item.id, [_conta("c1"), _conta("c2"), _conta("c3")])
    first = service.run(TENANT, item.id)
    assert first["sent"] == 3 and first["outcome"] == "sucesso"
    with service.db.read() as conn:
        ids = {r["key"]: int(r["remote_id"]) for r in store.list_records(conn, item.id)}
    # In Bling: c1 changed (only there), c2 changed (there AND here), a new one created there.
    st = standin.state
    st.bling_receivables[ids["c1"]]["vencimento"] = "2026-12-28"
    st.bling_receivables[ids["c2"]]["valor"] = 999.0
    st.bling_next_id += 1
    st.bling_receivables[st.bling_next_id] = {"id": st.bling_next_id, "situacao": 1, "vencimento": "2027-01-05",
                                              "valor": 80.0, "contato": {"id": BLING_CONTATO}}
    # Here: c2 changed too (different value), c3 changed (only here).
    service.enqueue(TENANT, item.id, [_conta("c2", valor="400.00"), _conta("c3", valor="500.00")])
    second = service.run(TENANT, item.id)
    assert second["sent"] == 1 and second["received"] == 2
    assert second["conflicts"] == [{"key": "c2", "fields": ["valor"]}]
    assert "Conflito: registro c2 alterado nos dois lados (campos: valor)" in second["log"]
    assert st.bling_receivables[ids["c2"]]["valor"] == 999.0  # theirs untouched
    assert st.bling_receivables[ids["c3"]]["valor"] == 500.0  # ours pushed
    with service.db.read() as conn:
        recs = {r["key"]: r for r in store.list_records(conn, item.id)}
    assert recs["c2"]["status"] == "conflito" and recs["c2"]["payload"]["valor"] == "400.00"  # ours untouched
    assert recs["c1"]["payload"]["vencimento"] == "2026-12-28"  # received
    assert recs[f"bling:{st.bling_next_id}"]["payload"]["valor"] == "80.00"
    # Nothing changed since: the next run is quiet, the conflict still reported until settled.
    third = service.run(TENANT, item.id)
    assert (third["sent"], third["received"]) == (0, 0) and third["conflicts"] == [{"key": "c2", "fields": ["valor"]}]
    with service.db.write() as conn:
        store.resolve_conflict(conn, item.id, "c2", "ortho", service.clock())
    fourth = service.run(TENANT, item.id)
    assert fourth["sent"] == 1 and fourth["conflicts"] == []
    assert st.bling_receivables[ids["c2"]]["valor"] == 400.0
