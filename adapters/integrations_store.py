"""Repositories of the integrations registry: integrations (credentials sealed with the master
keyring, never stored or returned in plaintext), run logs, and synced records with their two-way
cursors. Functions take a Connection: the caller owns the transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, or_, select, update

import states
from adapters.db.schema import integration, integration_record, integration_run, tenant
from certificates.store import MasterKeyring
from engine.integrations import catalog, connectors, schedule
from engine.integrations.http import HttpRequest, HttpResponse
from engine.integrations.model import AlertSettings, Credentials, IntegrationError, ProviderError, Status, SyncSettings
from engine.integrations.runlog import Outcome, render
from engine.integrations.runner import RecordState, RecordUpdate, RunResult


class NotFound(IntegrationError):
    code = "INTEGRACAO_NAO_ENCONTRADA"


@dataclass(frozen=True, slots=True)
class Integration:
    id: str
    tenant_id: str
    connector: str
    name: str
    active: bool
    settings: dict[str, Any]
    mapping: dict[str, Any]
    sync: SyncSettings
    alerts: AlertSettings
    credential_names: tuple[str, ...]
    tested_at: datetime | None
    test_ok: bool | None
    test_message: str | None
    consecutive_failures: int
    alerted: bool
    last_run_at: datetime | None
    next_run_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def tz(self) -> ZoneInfo:
        return states.uf(self.sync.uf).zoneinfo()

    @property
    def status_label(self) -> str:
        """What the screen shows: connected only after a successful test and an activation."""
        if self.active:
            return "conectado"
        if self.test_ok:
            return "testado (inativo)"
        return "não conectado"

    def to_json(self) -> dict[str, Any]:
        entry = catalog.entry(self.connector)
        return {
            "id": self.id, "connector": self.connector, "connector_name": entry.name if entry else self.connector,
            "name": self.name, "active": self.active, "status": self.status_label, "settings": self.settings,
            "mapping": self.mapping, "sync": self.sync.to_json(), "alerts": self.alerts.to_json(),
            # Only WHICH credentials are configured, never their values.
            "credentials_configured": list(self.credential_names),
            "tested_at": self.tested_at.isoformat() if self.tested_at else None, "test_ok": self.test_ok,
            "test_message": self.test_message, "consecutive_failures": self.consecutive_failures,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "next_run_at": self.next_run_at.isoformat() if self.next_run_at else None,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
        }


class _NoNetwork:
    """Transport used only to validate a configuration by building the connector: never sends."""

    def send(self, request: HttpRequest) -> HttpResponse:
        raise AssertionError("validation must not reach the network")


def new_id() -> str:
    return "int_" + secrets.token_hex(12)


def _aad(integration_id: str) -> str:
    return f"integration:{integration_id}:credentials"


def seal(keyring: MasterKeyring, integration_id: str, values: Mapping[str, str]) -> tuple[str, bytes]:
    return keyring.wrap(json.dumps(dict(values), sort_keys=True).encode("utf-8"), _aad(integration_id))


def unseal(keyring: MasterKeyring, integration_id: str, key_id: str | None, sealed: bytes | None) -> Credentials:
    if not key_id or sealed is None:
        return Credentials({})
    data = json.loads(keyring.unwrap(key_id, sealed, _aad(integration_id)).decode("utf-8"))
    return Credentials({str(k): str(v) for k, v in data.items()})


def _credential_names(row: Any) -> tuple[str, ...]:
    # Which credential fields are set is kept in ``settings["_credentials"]`` (names only), written
    # together with the sealed blob, so listing integrations never needs to decrypt anything.
    return tuple(row.settings.get("_credentials", ())) if isinstance(row.settings, dict) else ()


def _row(row: Any) -> Integration:
    settings = {k: v for k, v in dict(row.settings).items() if k != "_credentials"}
    return Integration(
        row.id, row.tenant_id, row.connector, row.name, bool(row.active), settings, dict(row.mapping),
        SyncSettings.from_json(row.sync), AlertSettings.from_json(row.alerts), _credential_names(row),
        row.tested_at, row.test_ok, row.test_message, row.consecutive_failures, bool(row.alerted), row.last_run_at,
        row.next_run_at, row.created_at, row.updated_at,
    )


def validate(connector_id: str, settings: Mapping[str, Any], mapping: Mapping[str, Any], now: datetime) -> None:
    """Refuse a planned connector and any configuration the connector itself would refuse."""
    entry = catalog.entry(connector_id)
    if entry is None:
        raise IntegrationError(f"conector desconhecido: {connector_id!r} (veja o catálogo)", path="connector")
    if entry.status is not Status.AVAILABLE:
        raise IntegrationError(f"{entry.name} está planejado e ainda não pode ser conectado",
                               code="INTEGRACAO_PLANEJADA", path="connector")
    unknown = set(settings) - set(entry.settings_fields) - {"texto_lembrete", "texto_confirmacao",
                                                             "assunto_lembrete", "assunto_confirmacao"}
    if unknown:
        raise IntegrationError(f"configurações desconhecidas para {entry.name}: {', '.join(sorted(unknown))}",
                               path="settings")
    connectors.build(connector_id, settings=settings, credentials=Credentials({}), transport=_NoNetwork(),
                     now=now, integration_id="validation", mapping=mapping)


def _check_credentials(connector_id: str, values: Mapping[str, Any]) -> dict[str, str]:
    entry = catalog.entry(connector_id)
    assert entry is not None
    unknown = set(values) - set(entry.credential_fields)
    if unknown:
        raise IntegrationError(f"credenciais desconhecidas para {entry.name}: {', '.join(sorted(unknown))} "
                               f"(aceitas: {', '.join(entry.credential_fields)})", path="credentials")
    return {str(k): str(v) for k, v in values.items() if v not in (None, "")}


def _next_run(sync: SyncSettings, last_run_at: datetime | None, created_at: datetime) -> datetime | None:
    return schedule.next_due(sync, last_run_at=last_run_at, created_at=created_at, tz=states.uf(sync.uf).zoneinfo())


def ensure_tenant(conn: Connection, tenant_id: str, now: datetime) -> None:
    if conn.execute(select(tenant.c.id).where(tenant.c.id == tenant_id)).first() is None:
        conn.execute(tenant.insert().values(id=tenant_id, name=tenant_id, created_at=now))


def create(conn: Connection, keyring: MasterKeyring, *, tenant_id: str, connector: str, name: str,
           settings: Mapping[str, Any], mapping: Mapping[str, Any], sync: Mapping[str, Any],
           alerts: Mapping[str, Any], credentials: Mapping[str, Any], now: datetime) -> Integration:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise IntegrationError("o nome da integração deve ter de 1 a 120 caracteres", path="name")
    validate(connector, settings, mapping, now)
    sync_s, alerts_s = SyncSettings.from_json(sync), AlertSettings.from_json(alerts)
    states.uf(sync_s.uf)  # an unknown UF is refused here (UF_DESCONHECIDA)
    creds = _check_credentials(connector, credentials)
    iid = new_id()
    kid, sealed = seal(keyring, iid, creds) if creds else (None, None)
    conn.execute(integration.insert().values(
        id=iid, tenant_id=tenant_id, connector=connector, name=name, active=False,
        settings={**settings, "_credentials": sorted(creds)}, mapping=dict(mapping), sync=sync_s.to_json(),
        alerts=alerts_s.to_json(), credentials_key_id=kid, credentials_sealed=sealed, consecutive_failures=0,
        alerted=False, next_run_at=None, created_at=now, updated_at=now,
    ))
    return get(conn, tenant_id, iid)


def get(conn: Connection, tenant_id: str, iid: str, *, for_update: bool = False) -> Integration:
    return _row(_raw(conn, tenant_id, iid, for_update=for_update))


def _raw(conn: Connection, tenant_id: str, iid: str, *, for_update: bool = False) -> Any:
    stmt = select(integration).where(integration.c.id == iid, integration.c.tenant_id == tenant_id,
                                     integration.c.deleted_at.is_(None))
    if for_update and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"integração {iid} não encontrada")
    return row


def list_(conn: Connection, tenant_id: str) -> list[Integration]:
    rows = conn.execute(select(integration).where(integration.c.tenant_id == tenant_id,
                                                  integration.c.deleted_at.is_(None))
                        .order_by(integration.c.created_at, integration.c.id))
    return [_row(r) for r in rows]


def credentials(conn: Connection, keyring: MasterKeyring, tenant_id: str, iid: str) -> Credentials:
    row = _raw(conn, tenant_id, iid)
    return unseal(keyring, iid, row.credentials_key_id, row.credentials_sealed)


def configure(conn: Connection, keyring: MasterKeyring, tenant_id: str, iid: str, *, now: datetime,
              name: str | None = None, settings: Mapping[str, Any] | None = None,
              mapping: Mapping[str, Any] | None = None, sync: Mapping[str, Any] | None = None,
              alerts: Mapping[str, Any] | None = None, credentials: Mapping[str, Any] | None = None) -> Integration:
    """Change the configuration. New credentials are merged (a field set to "" or null is removed)
    and, like any settings change, require a new connection test before the next activation."""
    row = _raw(conn, tenant_id, iid, for_update=True)
    current = _row(row)
    values: dict[str, Any] = {"updated_at": now}
    new_settings = dict(settings) if settings is not None else current.settings
    new_mapping = dict(mapping) if mapping is not None else current.mapping
    if settings is not None or mapping is not None:
        validate(row.connector, new_settings, new_mapping, now)
        values["mapping"] = new_mapping
        values["test_ok"] = None
    names = list(current.credential_names)
    if credentials is not None:
        merged = dict(unseal(keyring, iid, row.credentials_key_id, row.credentials_sealed).values)
        for k in credentials:
            if credentials[k] in (None, ""):
                merged.pop(str(k), None)
        merged.update(_check_credentials(row.connector, credentials))
        values["credentials_key_id"], values["credentials_sealed"] = (
            seal(keyring, iid, merged) if merged else (None, None))
        names = sorted(merged)
        values["test_ok"] = None
    values["settings"] = {**new_settings, "_credentials": names}
    if name is not None:
        if not 1 <= len(name.strip()) <= 120:
            raise IntegrationError("o nome da integração deve ter de 1 a 120 caracteres", path="name")
        values["name"] = name.strip()
    if sync is not None:
        sync_s = SyncSettings.from_json(sync)
        states.uf(sync_s.uf)
        values["sync"] = sync_s.to_json()
        if current.active:
            values["next_run_at"] = _next_run(sync_s, current.last_run_at, now)
    if alerts is not None:
        values["alerts"] = AlertSettings.from_json(alerts).to_json()
    conn.execute(update(integration).where(integration.c.id == iid).values(**values))
    return get(conn, tenant_id, iid)


def store_credentials(conn: Connection, keyring: MasterKeyring, iid: str, values: Mapping[str, str],
                      now: datetime) -> None:
    """Re-seal credentials a connector renewed (an OAuth refresh)."""
    row = conn.execute(select(integration.c.settings).where(integration.c.id == iid)).one()
    kid, sealed = seal(keyring, iid, values)
    settings = {**dict(row.settings), "_credentials": sorted(values)}
    conn.execute(update(integration).where(integration.c.id == iid).values(
        credentials_key_id=kid, credentials_sealed=sealed, settings=settings, updated_at=now))


def record_test(conn: Connection, iid: str, *, ok: bool, message: str, now: datetime) -> None:
    conn.execute(update(integration).where(integration.c.id == iid).values(
        tested_at=now, test_ok=ok, test_message=message, updated_at=now))


def set_active(conn: Connection, tenant_id: str, iid: str, active: bool, now: datetime) -> Integration:
    row = _raw(conn, tenant_id, iid, for_update=True)
    current = _row(row)
    if active and not current.test_ok:
        raise IntegrationError("teste a conexão com sucesso antes de ativar a integração",
                               code="INTEGRACAO_NAO_TESTADA", path="test")
    conn.execute(update(integration).where(integration.c.id == iid).values(
        active=active, updated_at=now,
        next_run_at=_next_run(current.sync, current.last_run_at, now) if active else None,
        consecutive_failures=current.consecutive_failures if active else 0,
        alerted=current.alerted if active else False,
    ))
    return get(conn, tenant_id, iid)


def delete(conn: Connection, tenant_id: str, iid: str, now: datetime) -> None:
    _raw(conn, tenant_id, iid)
    conn.execute(update(integration).where(integration.c.id == iid).values(
        deleted_at=now, active=False, next_run_at=None, credentials_key_id=None, credentials_sealed=None,
        updated_at=now))


def claim_due(conn: Connection, now: datetime, limit: int = 50) -> list[tuple[str, str]]:
    """Active scheduled/batch integrations whose time has come, each claimed by moving its
    ``next_run_at`` forward in this transaction (compare-and-set), so two scheduler processes never
    start the same run."""
    rows = conn.execute(select(integration.c.id, integration.c.tenant_id, integration.c.next_run_at,
                               integration.c.sync, integration.c.created_at)
                        .where(integration.c.active.is_(True), integration.c.deleted_at.is_(None),
                               integration.c.next_run_at.is_not(None), integration.c.next_run_at <= now)
                        .order_by(integration.c.next_run_at).limit(limit)).all()
    claimed = []
    for r in rows:
        following = _next_run(SyncSettings.from_json(r.sync), now, r.created_at)
        res = conn.execute(update(integration).where(and_(integration.c.id == r.id,
                                                          integration.c.next_run_at == r.next_run_at))
                           .values(next_run_at=following))
        if res.rowcount == 1:
            claimed.append((r.tenant_id, r.id))
    return claimed


RUN_LEASE = timedelta(minutes=15)


class RunInProgress(IntegrationError):
    code = "INTEGRACAO_EM_EXECUCAO"


def acquire_run(conn: Connection, iid: str, now: datetime) -> None:
    """Take the run lease (compare-and-set): one run of an integration at a time, across processes."""
    res = conn.execute(update(integration).where(
        integration.c.id == iid,
        or_(integration.c.run_lease_until.is_(None), integration.c.run_lease_until < now),
    ).values(run_lease_until=now + RUN_LEASE))
    if res.rowcount != 1:
        raise RunInProgress("uma sincronização desta integração já está em andamento; aguarde o término")


def release_run(conn: Connection, iid: str) -> None:
    conn.execute(update(integration).where(integration.c.id == iid).values(run_lease_until=None))


# --- records -----------------------------------------------------------------------------------
def upsert_records(conn: Connection, iid: str, records: Iterable[tuple[str, Mapping[str, Any]]],
                   now: datetime) -> int:
    """Queue our records; an unchanged payload already sent is left alone. Returns how many are pending."""
    queued = 0
    for key, payload in records:
        if not 1 <= len(key) <= 128:
            raise IntegrationError("a chave do registro deve ter de 1 a 128 caracteres", path="records.key")
        existing = conn.execute(select(integration_record.c.payload, integration_record.c.status).where(
            integration_record.c.integration_id == iid, integration_record.c.key == key)).first()
        data = json.loads(json.dumps(dict(payload), default=str))
        if existing is None:
            conn.execute(integration_record.insert().values(
                integration_id=iid, key=key, payload=data, status="pendente", attempts=0, created_at=now,
                updated_at=now))
            queued += 1
        elif existing.payload != data or existing.status in ("pendente", "erro"):
            conn.execute(update(integration_record).where(
                integration_record.c.integration_id == iid, integration_record.c.key == key).values(
                payload=data, status="conflito" if existing.status == "conflito" else "pendente", updated_at=now))
            queued += 1
    return queued


def records_for_run(conn: Connection, iid: str, *, two_way: bool) -> list[RecordState]:
    stmt = select(integration_record).where(integration_record.c.integration_id == iid)
    if not two_way:
        stmt = stmt.where(integration_record.c.status == "pendente")
    rows = conn.execute(stmt.order_by(integration_record.c.created_at, integration_record.c.key))
    return [RecordState(r.key, dict(r.payload), r.status, r.remote_id, r.synced_local_fp, r.synced_remote_fp)
            for r in rows]


def apply_updates(conn: Connection, iid: str, updates: Mapping[str, RecordUpdate], now: datetime) -> None:
    for key, u in updates.items():
        values: dict[str, Any] = {"status": u.status, "remote_id": u.remote_id, "synced_local_fp": u.synced_local_fp,
                                  "synced_remote_fp": u.synced_remote_fp, "last_error": u.error,
                                  "updated_at": now, "attempts": integration_record.c.attempts + 1}
        if u.payload is not None:
            values["payload"] = dict(u.payload)
        res = conn.execute(update(integration_record).where(
            integration_record.c.integration_id == iid, integration_record.c.key == key).values(**values))
        if res.rowcount == 0:  # received from the remote side: a record we did not have
            conn.execute(integration_record.insert().values(
                integration_id=iid, key=key, payload=dict(u.payload or {}), status=u.status, remote_id=u.remote_id,
                synced_local_fp=u.synced_local_fp, synced_remote_fp=u.synced_remote_fp, attempts=1,
                created_at=now, updated_at=now))


def resolve_conflict(conn: Connection, iid: str, key: str, keep: str, now: datetime) -> None:
    """Settle a conflict by choosing a side: ``ortho`` (ours is pushed over theirs on the next run)
    or ``externo`` (theirs is received over ours)."""
    if keep not in ("ortho", "externo"):
        raise IntegrationError("keep deve ser 'ortho' ou 'externo'", path="keep")
    row = conn.execute(select(integration_record.c.status).where(
        integration_record.c.integration_id == iid, integration_record.c.key == key)).first()
    if row is None or row.status != "conflito":
        raise NotFound(f"não há conflito pendente para o registro {key}")
    conn.execute(update(integration_record).where(
        integration_record.c.integration_id == iid, integration_record.c.key == key).values(
        status="manter_ortho" if keep == "ortho" else "manter_externo", updated_at=now))


def list_records(conn: Connection, iid: str, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    stmt = select(integration_record).where(integration_record.c.integration_id == iid)
    if status:
        stmt = stmt.where(integration_record.c.status == status)
    rows = conn.execute(stmt.order_by(integration_record.c.updated_at.desc()).limit(limit))
    return [{"key": r.key, "status": r.status, "remote_id": r.remote_id, "last_error": r.last_error,
             "attempts": r.attempts, "payload": r.payload, "updated_at": r.updated_at.isoformat()} for r in rows]


# --- runs --------------------------------------------------------------------------------------
def add_run(conn: Connection, item: Integration, result: RunResult, *, alert_sent: bool,
            failures: int, alerted: bool) -> int:
    log = result.log
    res = conn.execute(integration_run.insert().values(
        integration_id=item.id, tenant_id=item.tenant_id, trigger=log.trigger.value, outcome=log.outcome.value,
        started_at=log.started_at, finished_at=log.finished_at, duration_ms=log.duration_ms, sent=log.sent,
        received=log.received, errors=[e.to_json() for e in log.errors], conflicts=log.conflicts,
        alert_sent=alert_sent,
    ).returning(integration_run.c.id))
    values: dict[str, Any] = {"last_run_at": log.started_at, "consecutive_failures": failures, "alerted": alerted,
                              "updated_at": log.finished_at}
    if alert_sent:
        values["last_alert_at"] = log.finished_at
    if item.active and item.sync.mode.value in ("agendada", "lote"):
        values["next_run_at"] = _next_run(item.sync, log.started_at, item.created_at)
    conn.execute(update(integration).where(integration.c.id == item.id).values(**values))
    return int(res.scalar_one())


def list_runs(conn: Connection, item: Integration, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(select(integration_run).where(integration_run.c.integration_id == item.id)
                        .order_by(integration_run.c.id.desc()).limit(limit))
    out = []
    for r in rows:
        errors = [ProviderError.from_json(e) for e in r.errors]
        out.append({
            "id": r.id, "trigger": r.trigger, "outcome": r.outcome, "started_at": r.started_at.isoformat(),
            "duration_ms": r.duration_ms, "sent": r.sent, "received": r.received,
            "errors": list(r.errors), "conflicts": list(r.conflicts), "alert_sent": r.alert_sent,
            "log": render(started_at=r.started_at, outcome=Outcome(r.outcome), sent=r.sent, received=r.received,
                          duration_ms=r.duration_ms, errors=errors, conflicts=list(r.conflicts), tz=item.tz),
        })
    return out
