"""The service's tables (SQLAlchemy Core). Migrations in adapters/db/migrations create exactly this
(``tests/integration/db/test_migrations.py`` compares them with Alembic's autogenerate).

Times are stored as timezone-aware timestamps on PostgreSQL and as ISO-8601 text with offset on
SQLite (``UtcDateTime``), always in UTC; the local time of a document comes from ``states``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on both databases (naive values are refused)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database (pass an aware datetime)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:  # SQLite drops the offset of a DateTime: values are written in UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


tenant = Table(
    "tenant",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# One row per emitter (CNPJ) of a tenant. The searchable facts are columns; the full validated
# configuration (engine.nfe.build.emitter.Emitente without its secrets) is the JSON ``config``. The
# CSC and CSRT tokens are only stored encrypted (AES-256-GCM under the master keyring).
emitter = Table(
    "emitter",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("cnpj", String(14), nullable=False, unique=True),
    Column("ie", String(14), nullable=False),
    Column("crt", Integer, nullable=False),
    Column("razao_social", String(60), nullable=False),
    Column("uf", String(2), nullable=False),
    Column("c_mun", String(7), nullable=False),
    Column("ambiente", Integer, nullable=False),  # tpAmb: 1 produção, 2 homologação
    Column("serie_nfe", Integer, nullable=False),
    Column("serie_nfce", Integer, nullable=False),
    Column("config", JSON, nullable=False),
    Column("csc_id", String(6)),
    Column("secrets_key_id", String(64)),  # master key id that sealed ``secrets_ciphertext``
    Column("secrets_ciphertext", LargeBinary),  # {"csc": {...}, "csrt": {...}} sealed (AES-256-GCM)
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

# The certificate store's records (certificates/store.py), sealed by the master key.
certificate = Table(
    "certificate",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("emitter_id", String(32), nullable=False, index=True),
    Column("cnpj", String(14)),
    Column("subject", Text, nullable=False),
    Column("fingerprint_sha256", String(64), nullable=False),
    Column("not_before", UtcDateTime(), nullable=False),
    Column("not_after", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("false")),
    Column("key_id", String(64), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("pfx_ciphertext", LargeBinary, nullable=False),
    Column("password_ciphertext", LargeBinary, nullable=False),
    Column("warned_days", Integer),
    # At most one active certificate per emitter, even under concurrent writers.
    Index(
        "uq_certificate_one_active",
        "emitter_id",
        unique=True,
        sqlite_where=text("active"),
        postgresql_where=text("active"),
    ),
)

api_key = Table(
    "api_key",
    metadata,
    Column("id", String(16), primary_key=True),  # the public key id (prefix of the key)
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("label", String(120)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
)

# Append-only, hash-chained (adapters/db/audit.py). ``seq`` is gap-free per chain because it is
# taken from ``audit_head`` under its row lock.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("tenant_id", String(64), index=True),
    Column("actor", String(64), nullable=False),
    Column("request_id", String(64)),
    Column("action", String(64), nullable=False),
    Column("target", String(200)),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("last_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# Documents: the emission pipeline's state machine (received -> numbered -> signed -> sent ->
# authorized | rejected | denied | contingency -> cancelled). The signed XML is stored before it is
# sent and never re-serialised (design.md §6).
document = Table(
    "document",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False),
    Column("emitter_id", String(32), ForeignKey("emitter.id"), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("model", Integer, nullable=False),  # 55 NF-e, 65 NFC-e
    Column("series", Integer, nullable=False),
    Column("number", Integer),
    Column("chave", String(44), unique=True),
    Column("tp_emis", Integer, nullable=False, server_default=text("1")),
    Column("status", String(16), nullable=False),
    Column("request_json", Text),
    Column("signed_xml", LargeBinary),
    Column("protocol", String(20)),  # nProt
    Column("protocol_xml", LargeBinary),
    Column("cstat", Integer),
    Column("xmotivo", Text),
    Column("created_by", String(16)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("signed_at", UtcDateTime()),
    Column("sent_at", UtcDateTime()),
    Column("authorized_at", UtcDateTime()),
    Column("version", Integer, nullable=False, server_default=text("1")),
    UniqueConstraint("tenant_id", "ref"),
    UniqueConstraint("emitter_id", "model", "series", "number"),
    Index("ix_document_emitter_status", "emitter_id", "status"),
    Index("ix_document_emitter_created", "emitter_id", "created_at"),
)

document_event = Table(
    "document_event",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("document_id", String(32), ForeignKey("document.id"), nullable=False, index=True),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("cstat", Integer),
    Column("detail", Text),
    Column("request_id", String(64)),
)

# Gap-free numbers per (CNPJ, model, series): adapters/db/numbering.py.
numbering = Table(
    "numbering",
    metadata,
    Column("cnpj", String(14), nullable=False),
    Column("model", Integer, nullable=False),
    Column("series", Integer, nullable=False),
    Column("next_number", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    PrimaryKeyConstraint("cnpj", "model", "series"),
)

# Transactional outbox: written in the same transaction as the state change it announces.
outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("tenant_id", String(64)),
    Column("topic", String(64), nullable=False),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("available_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("dispatched_at", UtcDateTime()),
    Column("last_error", Text),
    Index("ix_outbox_pending", "dispatched_at", "available_at"),
)

# ---------------------------------------------------------------------------------------------------
# Emission pipeline (engine/emission, adapters/db/documents.py); migration 0002.

# Superseded transmissions of a document: the online NFC-e replaced by its off-line contingency
# (tpEmis 9, new number, Ajuste SINIEF 19/16 cl. 11ª § 2º) and earlier signed versions of a document
# that was rejected, corrected and re-sent under the same number. ``resolution``: pending (the
# online attempt may be at SEFAZ: consult, then cancel by substitution 110112 or void its number),
# cancelled, voided, not_found, superseded (a rejected version; history only).
document_attempt = Table(
    "document_attempt",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("document_id", String(32), ForeignKey("document.id"), nullable=False, index=True),
    Column("chave", String(44), nullable=False),
    Column("number", Integer, nullable=False),
    Column("tp_emis", Integer, nullable=False),
    Column("signed_xml", LargeBinary, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("resolution", String(16), nullable=False),
    Column("protocol", String(20)),
    Column("cstat", Integer),
    Column("xmotivo", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime()),
    Index("ix_document_attempt_resolution", "resolution"),
)

# Registered (or refused) events of a document: cancelamento 110111, substituição 110112, CC-e
# 110110. ``proc_xml`` is the procEventoNFe exactly as assembled from the signed event and SEFAZ's
# retEvento.
fiscal_event = Table(
    "fiscal_event",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("document_id", String(32), ForeignKey("document.id"), nullable=False, index=True),
    Column("chave", String(44), nullable=False),
    Column("tp_evento", String(6), nullable=False),
    Column("n_seq_evento", Integer, nullable=False),
    Column("cstat", Integer),
    Column("xmotivo", Text),
    Column("protocol", String(20)),
    Column("detail", Text),
    Column("proc_xml", LargeBinary),
    Column("created_by", String(16)),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Voided number ranges (NFeInutilizacao4); ``proc_xml`` is the procInutNFe when homologated (102).
inutilizacao = Table(
    "inutilizacao",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("emitter_id", String(32), ForeignKey("emitter.id"), nullable=False),
    Column("model", Integer, nullable=False),
    Column("series", Integer, nullable=False),
    Column("ano", Integer, nullable=False),
    Column("n_ini", Integer, nullable=False),
    Column("n_fin", Integer, nullable=False),
    Column("xjust", Text, nullable=False),
    Column("cstat", Integer),
    Column("xmotivo", Text),
    Column("protocol", String(20)),
    Column("proc_xml", LargeBinary),
    Column("created_by", String(16)),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Contingency mode per emitter and model (normal | offline for NFC-e | svc for NF-e) and the PDV's
# deadline for the online answer. A switch is written with its ``nfe.contingency`` outbox event.
emission_mode = Table(
    "emission_mode",
    metadata,
    Column("emitter_id", String(32), ForeignKey("emitter.id"), nullable=False),
    Column("model", Integer, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("since", UtcDateTime()),
    Column("reason", Text),
    Column("deadline_ms", Integer, nullable=False, server_default=text("5000")),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("emitter_id", "model"),
)

# ---------------------------------------------------------------------------------------------------
# Webhooks (engine/events, adapters/webhook_store.py, adapters/webhook_worker.py).

# A subscription of a tenant. Secrets and the optional Bearer token are sealed with the master
# keyring (certificates.store.MasterKeyring.wrap, AAD = the record and purpose). During a rotation the
# previous secret keeps signing too until ``previous_secret_until``. Deleted subscriptions keep their
# row (``deleted_at``) so the delivery history stays readable.
webhook_subscription = Table(
    "webhook_subscription",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("description", Text),
    Column("events", Text, nullable=False),  # JSON list of event types
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("disabled_reason", Text),
    Column("secret_key_id", String(64), nullable=False),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("secret_created_at", UtcDateTime(), nullable=False),
    Column("previous_secret_key_id", String(64)),
    Column("previous_secret_sealed", LargeBinary),
    Column("previous_secret_until", UtcDateTime()),
    Column("bearer_key_id", String(64)),
    Column("bearer_sealed", LargeBinary),
    Column("rotation_reminded_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("deleted_at", UtcDateTime()),
)

# One event for one subscription (the body is stored: every attempt sends the same bytes).
# status: pending (due at next_attempt_at; a claimed one is leased by moving next_attempt_at),
# delivered, dead (retries exhausted), disabled (the receiver answered 410 Gone or the subscription
# was deleted/disabled). Unique (subscription, event): the fan-out never creates a second copy.
webhook_delivery = Table(
    "webhook_delivery",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("subscription_id", String(32), ForeignKey("webhook_subscription.id"), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime()),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("last_duration_ms", Integer),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivered_at", UtcDateTime()),
    UniqueConstraint("subscription_id", "event_id"),
    Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
)

# Every HTTP attempt of a delivery (the history a clinic admin reads).
webhook_attempt = Table(
    "webhook_attempt",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("delivery_id", String(32), ForeignKey("webhook_delivery.id"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("status_code", Integer),
    Column("outcome", String(16), nullable=False),
    Column("error", Text),
)

# Integrations registry ("Configurações → Integrações"). ``settings``/``mapping``/``sync``/``alerts``
# are the non-secret configuration (JSON); the connector's credentials (OAuth tokens, API keys) are
# only stored sealed with the master keyring (AES-256-GCM, AAD bound to the integration id).
# ``consecutive_failures``/``alerted`` drive the failure alert (once per streak); ``next_run_at`` is
# the next scheduled/batch run computed from the sync settings (NULL: manual or real-time).
integration = Table(
    "integration",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("connector", String(64), nullable=False),
    Column("name", String(120), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("false")),
    Column("settings", JSON, nullable=False),
    Column("mapping", JSON, nullable=False),
    Column("sync", JSON, nullable=False),
    Column("alerts", JSON, nullable=False),
    Column("credentials_key_id", String(64)),
    Column("credentials_sealed", LargeBinary),
    Column("tested_at", UtcDateTime()),
    Column("test_ok", Boolean),
    Column("test_message", Text),
    Column("consecutive_failures", Integer, nullable=False, server_default=text("0")),
    Column("alerted", Boolean, nullable=False, server_default=text("false")),
    Column("last_alert_at", UtcDateTime()),
    Column("last_run_at", UtcDateTime()),
    Column("next_run_at", UtcDateTime()),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("deleted_at", UtcDateTime()),
    # A run in progress holds this lease (migration 0007): a manual run and a scheduled one never
    # overlap and send the same records twice; a crashed run's lease simply expires.
    Column("run_lease_until", UtcDateTime()),
    Index("ix_integration_due", "active", "next_run_at"),
)

# One sync run: the log a clinic admin reads (sent, received, duration, errors with the action).
integration_run = Table(
    "integration_run",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("integration_id", String(32), ForeignKey("integration.id"), nullable=False, index=True),
    Column("tenant_id", String(64), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("sent", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("conflicts", JSON, nullable=False),
    Column("alert_sent", Boolean, nullable=False, server_default=text("false")),
)

# The records an integration synchronises, keyed by our id, with the two-way cursor: the remote id
# and the fingerprints of both sides at the last successful sync (engine.integrations.conflicts).
integration_record = Table(
    "integration_record",
    metadata,
    Column("integration_id", String(32), ForeignKey("integration.id"), nullable=False),
    Column("key", String(128), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("remote_id", String(64)),
    Column("synced_local_fp", String(64)),
    Column("synced_remote_fp", String(64)),
    Column("last_error", Text),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("integration_id", "key"),
    Index("ix_integration_record_status", "integration_id", "status"),
)

# ---------------------------------------------------------------------------------------------------
# SPED EFD ICMS/IPI (adapters/sped_source.py); migration 0005.

# The establishment's EFD configuration (engine.sped.Estabelecimento without what the emitter record
# already says): IND_PERFIL/IND_ATIV (0000), the accountant (0100), E110/E116/E111 data, 1010.
# Set by the tenant's admin (PUT /v1/sped/config/{emitter}); JSON with money as strings.
sped_config = Table(
    "sped_config",
    metadata,
    Column("emitter_id", String(32), ForeignKey("emitter.id"), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("config", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# ---------------------------------------------------------------------------------------------------
# PIX in the service (issue 6; adapters/db/pix_store.py); migration 0005.

# One API Pix account per emitter: the PSP profile (engine/pix/data/psps.json), the environment, the
# receiving key (chave DICT), optional host overrides (a PSP's new host, the stand-in), and the
# credentials (client_id/secret, app key, client certificate PFX + password) sealed with the same
# envelope as certificates (engine.pix.psp_credentials). The webhook's secret path and HMAC secret are
# sealed too; only the path's sha256 is in clear, to find the account of an incoming notification.
pix_psp_account = Table(
    "pix_psp_account",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("emitter_id", String(32), ForeignKey("emitter.id"), nullable=False, unique=True),
    Column("profile", String(16), nullable=False),
    Column("environment", String(16), nullable=False),
    Column("chave", String(77), nullable=False),
    Column("base_url", Text),
    Column("token_url", Text),
    Column("client_id_hint", String(16), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("ciphertexts", JSON, nullable=False),  # field -> base64 of the sealed value
    Column("webhook_auth", String(8), nullable=False),  # mtls | hmac
    Column("hmac_header", String(64), nullable=False),
    Column("webhook_path_sha256", String(64), nullable=False, unique=True),
    Column("webhook_key_id", String(64), nullable=False),
    Column("webhook_sealed", LargeBinary, nullable=False),  # {"path": ..., "hmac_secret": ...}
    Column("webhook_url", Text),  # the URL registered at the PSP (PUT /webhook/{chave})
    Column("tested_at", UtcDateTime()),
    Column("test_ok", Boolean),
    Column("test_message", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Charges (cob / cobv) created at the PSP. Money as text "0.00" (exact on both databases, the API
# Pix's own format). ``status``: engine.pix.confirmation.ChargeStatus values.
pix_charge = Table(
    "pix_charge",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False, index=True),
    Column("emitter_id", String(32), nullable=False),
    Column("account_id", String(32), ForeignKey("pix_psp_account.id"), nullable=False),
    Column("profile", String(16), nullable=False),
    Column("txid", String(35), nullable=False, unique=True),
    Column("tipo", String(4), nullable=False),  # cob | cobv
    Column("valor", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("psp_status", String(32), nullable=False),
    Column("recebido", String(16), nullable=False),
    Column("devolvido", String(16), nullable=False),
    Column("devedor", JSON),
    Column("solicitacao_pagador", Text),
    Column("expiracao", Integer),
    Column("vencimento", String(10), nullable=False),  # local date (ISO) for reconciliation windows
    Column("location", Text),
    Column("brcode", Text, nullable=False),
    Column("document_ref", String(64)),
    Column("chave_acesso", String(44)),
    Column("created_by", String(64)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("paid_at", UtcDateTime()),
)

# Received pix, as the PSP confirmed them (GET /pix/{e2eid}); endToEndId makes a replay a no-op.
pix_received = Table(
    "pix_received",
    metadata,
    Column("end_to_end_id", String(32), primary_key=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("txid", String(35), nullable=False, index=True),
    Column("valor", String(16), nullable=False),
    Column("horario", UtcDateTime(), nullable=False),
    Column("info_pagador", Text),
    Column("devolucoes", JSON, nullable=False),
    Column("confirmed_at", UtcDateTime(), nullable=False),
)

# The PSP's notifications as received (inbox): answered at once, confirmed with the PSP afterwards.
pix_notification = Table(
    "pix_notification",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("account_id", String(32), ForeignKey("pix_psp_account.id"), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("status", String(16), nullable=False),  # pending | done | invalid
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("available_at", UtcDateTime(), nullable=False),
    Column("result", JSON),
    Column("last_error", Text),
    Index("ix_pix_notification_due", "status", "available_at"),
)

# Imported bank statements (engine/reconciliation): the file by the sha256 of its bytes, each line by
# its content hash; both per tenant, so re-importing changes nothing.
reconciliation_statement = Table(
    "reconciliation_statement",
    metadata,
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("formato", String(16), nullable=False),
    Column("filename", String(200)),
    Column("lines_total", Integer, nullable=False),
    Column("lines_new", Integer, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("tenant_id", "sha256"),
)

reconciliation_line = Table(
    "reconciliation_line",
    metadata,
    Column("tenant_id", String(64), ForeignKey("tenant.id"), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("statement_sha256", String(64), nullable=False),
    Column("data", String(10), nullable=False),  # ISO date: compares as text on both databases
    Column("line", JSON, nullable=False),
    PrimaryKeyConstraint("tenant_id", "hash"),
    Index("ix_reconciliation_line_data", "tenant_id", "data"),
)

# Migration 0008: the client's ``ref`` of a Pix charge (optional), unique per tenant — a retried or
# concurrent creation with the same ref finds the first charge (NULLs never collide: no ref, no
# idempotency).
pix_charge.append_column(Column("ref", String(64)))
Index("ux_pix_charge_ref", pix_charge.c.tenant_id, pix_charge.c.ref, unique=True)
