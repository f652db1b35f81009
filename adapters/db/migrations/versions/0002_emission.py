"""emission pipeline: superseded attempts, fiscal events, inutilizações, contingency mode per emitter

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "document_attempt",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("chave", sa.String(length=44), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("tp_emis", sa.Integer(), nullable=False),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("protocol", sa.String(length=20), nullable=True),
        sa.Column("cstat", sa.Integer(), nullable=True),
        sa.Column("xmotivo", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_attempt_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_attempt")),
    )
    with op.batch_alter_table("document_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_attempt_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_document_attempt_resolution", ["resolution"], unique=False)

    op.create_table(
        "fiscal_event",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("chave", sa.String(length=44), nullable=False),
        sa.Column("tp_evento", sa.String(length=6), nullable=False),
        sa.Column("n_seq_evento", sa.Integer(), nullable=False),
        sa.Column("cstat", sa.Integer(), nullable=True),
        sa.Column("xmotivo", sa.Text(), nullable=True),
        sa.Column("protocol", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("proc_xml", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_fiscal_event_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_event")),
    )
    with op.batch_alter_table("fiscal_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fiscal_event_document_id"), ["document_id"], unique=False)

    op.create_table(
        "inutilizacao",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("emitter_id", sa.String(length=32), nullable=False),
        sa.Column("model", sa.Integer(), nullable=False),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("ano", sa.Integer(), nullable=False),
        sa.Column("n_ini", sa.Integer(), nullable=False),
        sa.Column("n_fin", sa.Integer(), nullable=False),
        sa.Column("xjust", sa.Text(), nullable=False),
        sa.Column("cstat", sa.Integer(), nullable=True),
        sa.Column("xmotivo", sa.Text(), nullable=True),
        sa.Column("protocol", sa.String(length=20), nullable=True),
        sa.Column("proc_xml", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["emitter_id"], ["emitter.id"], name=op.f("fk_inutilizacao_emitter_id_emitter")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_inutilizacao_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inutilizacao")),
    )
    with op.batch_alter_table("inutilizacao", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inutilizacao_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "emission_mode",
        sa.Column("emitter_id", sa.String(length=32), nullable=False),
        sa.Column("model", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("deadline_ms", sa.Integer(), server_default=sa.text("5000"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["emitter_id"], ["emitter.id"], name=op.f("fk_emission_mode_emitter_id_emitter")),
        sa.PrimaryKeyConstraint("emitter_id", "model", name=op.f("pk_emission_mode")),
    )


def downgrade() -> None:
    op.drop_table("emission_mode")
    with op.batch_alter_table("inutilizacao", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inutilizacao_tenant_id"))
    op.drop_table("inutilizacao")
    with op.batch_alter_table("fiscal_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fiscal_event_document_id"))
    op.drop_table("fiscal_event")
    with op.batch_alter_table("document_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_document_attempt_resolution")
        batch_op.drop_index(batch_op.f("ix_document_attempt_document_id"))
    op.drop_table("document_attempt")
