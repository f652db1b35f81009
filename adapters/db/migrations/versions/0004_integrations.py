"""integrations: registry, run logs, synced records (two-way cursors)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integration",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("connector", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("sync", sa.JSON(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("credentials_key_id", sa.String(length=64), nullable=True),
        sa.Column("credentials_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("tested_at", _TS, nullable=True),
        sa.Column("test_ok", sa.Boolean(), nullable=True),
        sa.Column("test_message", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("alerted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("last_alert_at", _TS, nullable=True),
        sa.Column("last_run_at", _TS, nullable=True),
        sa.Column("next_run_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("deleted_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_integration_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration")),
    )
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integration_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_integration_due", ["active", "next_run_at"], unique=False)

    op.create_table(
        "integration_run",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("integration_id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("alert_sent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"], ["integration.id"], name=op.f("fk_integration_run_integration_id_integration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_run")),
    )
    with op.batch_alter_table("integration_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integration_run_integration_id"), ["integration_id"], unique=False)

    op.create_table(
        "integration_record",
        sa.Column("integration_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("synced_local_fp", sa.String(length=64), nullable=True),
        sa.Column("synced_remote_fp", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"], ["integration.id"], name=op.f("fk_integration_record_integration_id_integration")
        ),
        sa.PrimaryKeyConstraint("integration_id", "key", name=op.f("pk_integration_record")),
    )
    with op.batch_alter_table("integration_record", schema=None) as batch_op:
        batch_op.create_index("ix_integration_record_status", ["integration_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("integration_record", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_record_status")
    op.drop_table("integration_record")
    with op.batch_alter_table("integration_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integration_run_integration_id"))
    op.drop_table("integration_run")
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_due")
        batch_op.drop_index(batch_op.f("ix_integration_tenant_id"))
    op.drop_table("integration")
