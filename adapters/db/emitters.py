"""Emitters (the tenant's CNPJs) on the service database.

The configuration is ``engine.nfe.build.emitter.Emitente`` (validated by the engine's own model,
with pt-BR findings). Its secrets — the NFC-e CSC token and the CSRT of the infRespTec — never
reach the ``config`` JSON: they are sealed together with the master keyring (AES-256-GCM, AAD bound
to the emitter id) in ``secrets_ciphertext``. ``load_emitente`` rebuilds the full model for the
emission pipeline.

Every read and write is scoped by ``tenant_id``: an emitter of another tenant is "not found".
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update
from sqlalchemy.exc import IntegrityError

from adapters.db.engine import Database, DriverSql
from adapters.db.schema import emitter
from certificates.store import MasterKeyring
from engine.nfe.build.emitter import CSC, Emitente, parse_emitente


class EmitterConflict(Exception):
    code = "EMITENTE_DUPLICADO"


@dataclass(frozen=True, slots=True)
class EmitterRecord:
    id: str
    tenant_id: str
    cnpj: str
    config: dict[str, Any]  # Emitente as JSON, without secrets
    csc_id: str | None
    has_csrt: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int

    def as_json(self) -> dict[str, Any]:
        """The public view (no secret: the CSC shows only its id)."""
        return {
            "id": self.id,
            "cnpj": self.cnpj,
            "config": self.config,
            "csc": {"id": self.csc_id, "token_configurado": True} if self.csc_id else None,
            "csrt_configurado": self.has_csrt,
            "ativo": self.active,
            "criado_em": self.created_at.isoformat(),
            "atualizado_em": self.updated_at.isoformat(),
            "versao": self.version,
        }


def _secret_aad_id(emitter_id: str) -> str:
    return f"emitter-secrets:{emitter_id}"


def _split(emitente: Emitente) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public config, secrets) of the model."""
    config = emitente.model_dump(mode="json", exclude={"csc"}, exclude_none=True)
    secrets: dict[str, Any] = {}
    if emitente.csc is not None:
        secrets["csc"] = emitente.csc.model_dump(mode="json")
    resp = emitente.responsavel_tecnico
    if resp is not None and resp.csrt is not None:
        secrets["csrt"] = resp.csrt.model_dump(mode="json")
        config["responsavel_tecnico"].pop("csrt", None)
    return config, secrets


def _seal(keyring: MasterKeyring, emitter_id: str, secrets: dict[str, Any]) -> tuple[str | None, bytes | None]:
    if not secrets:
        return None, None
    return keyring.wrap(json.dumps(secrets, sort_keys=True).encode(), _secret_aad_id(emitter_id))


def _columns(emitente: Emitente) -> dict[str, Any]:
    return {
        "cnpj": emitente.cnpj,
        "ie": emitente.ie,
        "crt": emitente.crt,
        "razao_social": emitente.razao_social,
        "uf": emitente.endereco.uf,
        "c_mun": emitente.endereco.codigo_municipio,
        "ambiente": emitente.ambiente,
        "serie_nfe": emitente.series.nfe,
        "serie_nfce": emitente.series.nfce,
    }


def _record(row: Row[Any]) -> EmitterRecord:
    m = row._mapping
    config = m["config"] if isinstance(m["config"], dict) else json.loads(m["config"])
    return EmitterRecord(
        id=m["id"], tenant_id=m["tenant_id"], cnpj=m["cnpj"], config=config, csc_id=m["csc_id"],
        has_csrt=_has_csrt_marker(config),
        active=bool(m["active"]), created_at=m["created_at"], updated_at=m["updated_at"], version=int(m["version"]),
    )


def _has_csrt_marker(config: dict[str, Any]) -> bool:
    return bool(config.get("responsavel_tecnico", {}).get("csrt_configurado"))


def create_emitter(
    conn: Connection, *, tenant_id: str, emitente: Emitente, keyring: MasterKeyring, now: datetime
) -> EmitterRecord:
    emitter_id = uuid.uuid4().hex
    config, secrets = _split(emitente)
    if "csrt" in secrets:
        config["responsavel_tecnico"]["csrt_configurado"] = True
    key_id, sealed = _seal(keyring, emitter_id, secrets)
    try:
        with conn.begin_nested():
            conn.execute(
                emitter.insert().values(
                    id=emitter_id, tenant_id=tenant_id, config=config,
                    csc_id=emitente.csc.id if emitente.csc else None, secrets_key_id=key_id,
                    secrets_ciphertext=sealed, active=True, created_at=now, updated_at=now, version=1,
                    **_columns(emitente),
                )
            )
    except IntegrityError as exc:
        raise EmitterConflict(f"já existe um emitente com o CNPJ {emitente.cnpj}") from exc
    record = get_emitter(conn, tenant_id, emitter_id)
    assert record is not None
    return record


def get_emitter(conn: Connection, tenant_id: str, emitter_id: str) -> EmitterRecord | None:
    row = conn.execute(select(emitter).where(emitter.c.tenant_id == tenant_id, emitter.c.id == emitter_id)).first()
    return None if row is None else _record(row)


def list_emitters(conn: Connection, tenant_id: str) -> list[EmitterRecord]:
    rows = conn.execute(select(emitter).where(emitter.c.tenant_id == tenant_id).order_by(emitter.c.created_at)).all()
    return [_record(r) for r in rows]


def _secrets(keyring: MasterKeyring, row: Row[Any]) -> dict[str, Any]:
    if row.secrets_ciphertext is None:
        return {}
    plain = keyring.unwrap(row.secrets_key_id, bytes(row.secrets_ciphertext), _secret_aad_id(row.id))
    value: dict[str, Any] = json.loads(plain)
    return value


def load_emitente(conn: Connection, keyring: MasterKeyring, tenant_id: str, emitter_id: str) -> Emitente | None:
    """The full engine model, secrets included (for signing and the NFC-e QR code)."""
    loaded = load_emitente_versioned(conn, keyring, tenant_id, emitter_id)
    return None if loaded is None else loaded[0]


def load_emitente_versioned(
    conn: Connection, keyring: MasterKeyring, tenant_id: str, emitter_id: str
) -> tuple[Emitente, int] | None:
    """``load_emitente`` and the row's ``version`` read with it (every change bumps it: the key of a
    cached model, adapters.sefaz_wiring)."""
    row = conn.execute(select(emitter).where(emitter.c.tenant_id == tenant_id, emitter.c.id == emitter_id)).first()
    if row is None:
        return None
    data = dict(row.config)
    secrets = _secrets(keyring, row)
    resp = data.get("responsavel_tecnico")
    if isinstance(resp, dict):
        resp = {k: v for k, v in resp.items() if k != "csrt_configurado"}
        if "csrt" in secrets:
            resp["csrt"] = secrets["csrt"]
        data["responsavel_tecnico"] = resp
    if "csc" in secrets:
        data["csc"] = secrets["csc"]
    return parse_emitente(data), int(row.version)


# Built once (an immutable statement): SQLAlchemy then reuses its cache key and compiled form, so
# the per-request check costs one execution, not a statement construction.
# Run on every emission (adapters.sefaz_wiring): driver SQL, one indexed SELECT (at most one active
# certificate: the partial unique index ``uq_certificate_one_active``).
_STAMP = DriverSql(
    "SELECT e.version, c.id, e.cnpj FROM emitter e "
    "LEFT JOIN certificate c ON c.emitter_id = e.id AND c.active = :active "
    "WHERE e.tenant_id = :tenant_id AND e.id = :emitter_id"
)


@dataclass(frozen=True, slots=True)
class EmitterStamp:
    """What identifies the configuration an emission would use: the emitter row's version (bumped by
    every change, ``update_emitter``/``set_csc``) and the id of its active certificate (None: none)."""

    version: int
    certificate_id: str | None
    cnpj: str


def emitter_stamp(db: Database, tenant_id: str, emitter_id: str) -> EmitterStamp | None:
    """None when the tenant has no such emitter. One statement, consistent by itself (``Database.read_one``:
    no transaction round trips on PostgreSQL)."""
    row = db.read_one(_STAMP, {"tenant_id": tenant_id, "emitter_id": emitter_id, "active": True})
    return None if row is None else EmitterStamp(int(row[0]), row[1], row[2])


def update_emitter(
    conn: Connection, *, tenant_id: str, emitter_id: str, emitente: Emitente, keyring: MasterKeyring, now: datetime
) -> EmitterRecord | None:
    """Replace the configuration. The CNPJ cannot change (a new CNPJ is a new emitter); a CSC or CSRT
    absent from ``emitente`` keeps the stored one."""
    row = conn.execute(
        select(emitter).where(emitter.c.tenant_id == tenant_id, emitter.c.id == emitter_id).with_for_update()
    ).first()
    if row is None:
        return None
    if emitente.cnpj != row.cnpj:
        raise EmitterConflict("o CNPJ de um emitente não pode ser alterado; cadastre um novo emitente")
    config, secrets = _split(emitente)
    stored = _secrets(keyring, row)
    merged = {**stored, **secrets}
    if "csrt" in merged and isinstance(config.get("responsavel_tecnico"), dict):
        config["responsavel_tecnico"]["csrt_configurado"] = True
    elif "csrt" in merged and "responsavel_tecnico" not in config:
        merged.pop("csrt")
    key_id, sealed = _seal(keyring, emitter_id, merged)
    csc = merged.get("csc")
    conn.execute(
        update(emitter)
        .where(emitter.c.id == emitter_id)
        .values(
            config=config, csc_id=csc["id"] if csc else None, secrets_key_id=key_id, secrets_ciphertext=sealed,
            updated_at=now, version=emitter.c.version + 1, **_columns(emitente),
        )
    )
    return get_emitter(conn, tenant_id, emitter_id)


def set_csc(
    conn: Connection, *, tenant_id: str, emitter_id: str, csc: CSC, keyring: MasterKeyring, now: datetime
) -> EmitterRecord | None:
    """Store (replace) the NFC-e CSC: id in clear, token sealed."""
    row = conn.execute(
        select(emitter).where(emitter.c.tenant_id == tenant_id, emitter.c.id == emitter_id).with_for_update()
    ).first()
    if row is None:
        return None
    merged = {**_secrets(keyring, row), "csc": csc.model_dump(mode="json")}
    key_id, sealed = _seal(keyring, emitter_id, merged)
    conn.execute(
        update(emitter)
        .where(emitter.c.id == emitter_id)
        .values(csc_id=csc.id, secrets_key_id=key_id, secrets_ciphertext=sealed, updated_at=now,
                version=emitter.c.version + 1)
    )
    return get_emitter(conn, tenant_id, emitter_id)
