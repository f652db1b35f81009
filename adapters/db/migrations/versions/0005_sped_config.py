"""sped: the EFD ICMS/IPI configuration of each emitter (profile, accountant, apuração data)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sped_config",
        sa.Column("emitter_id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["emitter_id"], ["emitter.id"], name=op.f("fk_sped_config_emitter_id_emitter")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_sped_config_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("emitter_id", name=op.f("pk_sped_config")),
    )
    op.create_index(op.f("ix_sped_config_tenant_id"), "sped_config", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sped_config_tenant_id"), table_name="sped_config")
    op.drop_table("sped_config")
