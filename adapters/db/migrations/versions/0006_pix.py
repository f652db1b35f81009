"""pix: PSP accounts per emitter, charges, received pix, notification inbox; imported bank statements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pix_received",
        sa.Column("end_to_end_id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("txid", sa.String(length=35), nullable=False),
        sa.Column("valor", sa.String(length=16), nullable=False),
        sa.Column("horario", _TS, nullable=False),
        sa.Column("info_pagador", sa.Text(), nullable=True),
        sa.Column("devolucoes", sa.JSON(), nullable=False),
        sa.Column("confirmed_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("end_to_end_id", name=op.f("pk_pix_received")),
    )
    op.create_index(op.f("ix_pix_received_tenant_id"), "pix_received", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_pix_received_txid"), "pix_received", ["txid"], unique=False)
    op.create_table(
        "reconciliation_line",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("statement_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.String(length=10), nullable=False),
        sa.Column("line", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_reconciliation_line_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("tenant_id", "hash", name=op.f("pk_reconciliation_line")),
    )
    op.create_index("ix_reconciliation_line_data", "reconciliation_line", ["tenant_id", "data"], unique=False)
    op.create_table(
        "reconciliation_statement",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("formato", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("lines_total", sa.Integer(), nullable=False),
        sa.Column("lines_new", sa.Integer(), nullable=False),
        sa.Column("imported_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_reconciliation_statement_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "sha256", name=op.f("pk_reconciliation_statement")),
    )
    op.create_table(
        "pix_psp_account",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("emitter_id", sa.String(length=32), nullable=False),
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("chave", sa.String(length=77), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("token_url", sa.Text(), nullable=True),
        sa.Column("client_id_hint", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertexts", sa.JSON(), nullable=False),
        sa.Column("webhook_auth", sa.String(length=8), nullable=False),
        sa.Column("hmac_header", sa.String(length=64), nullable=False),
        sa.Column("webhook_path_sha256", sa.String(length=64), nullable=False),
        sa.Column("webhook_key_id", sa.String(length=64), nullable=False),
        sa.Column("webhook_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("tested_at", _TS, nullable=True),
        sa.Column("test_ok", sa.Boolean(), nullable=True),
        sa.Column("test_message", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["emitter_id"], ["emitter.id"], name=op.f("fk_pix_psp_account_emitter_id_emitter")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_pix_psp_account_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pix_psp_account")),
        sa.UniqueConstraint("emitter_id", name=op.f("uq_pix_psp_account_emitter_id")),
        sa.UniqueConstraint("webhook_path_sha256", name=op.f("uq_pix_psp_account_webhook_path_sha256")),
    )
    op.create_index(op.f("ix_pix_psp_account_tenant_id"), "pix_psp_account", ["tenant_id"], unique=False)
    op.create_table(
        "pix_charge",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("emitter_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("txid", sa.String(length=35), nullable=False),
        sa.Column("tipo", sa.String(length=4), nullable=False),
        sa.Column("valor", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("psp_status", sa.String(length=32), nullable=False),
        sa.Column("recebido", sa.String(length=16), nullable=False),
        sa.Column("devolvido", sa.String(length=16), nullable=False),
        sa.Column("devedor", sa.JSON(), nullable=True),
        sa.Column("solicitacao_pagador", sa.Text(), nullable=True),
        sa.Column("expiracao", sa.Integer(), nullable=True),
        sa.Column("vencimento", sa.String(length=10), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("brcode", sa.Text(), nullable=False),
        sa.Column("document_ref", sa.String(length=64), nullable=True),
        sa.Column("chave_acesso", sa.String(length=44), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("paid_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["pix_psp_account.id"], name=op.f("fk_pix_charge_account_id_pix_psp_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_pix_charge_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pix_charge")),
        sa.UniqueConstraint("txid", name=op.f("uq_pix_charge_txid")),
    )
    op.create_index(op.f("ix_pix_charge_tenant_id"), "pix_charge", ["tenant_id"], unique=False)
    op.create_table(
        "pix_notification",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("available_at", _TS, nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["pix_psp_account.id"], name=op.f("fk_pix_notification_account_id_pix_psp_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pix_notification")),
    )
    op.create_index("ix_pix_notification_due", "pix_notification", ["status", "available_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pix_notification_due", table_name="pix_notification")
    op.drop_table("pix_notification")
    op.drop_index(op.f("ix_pix_charge_tenant_id"), table_name="pix_charge")
    op.drop_table("pix_charge")
    op.drop_index(op.f("ix_pix_psp_account_tenant_id"), table_name="pix_psp_account")
    op.drop_table("pix_psp_account")
    op.drop_table("reconciliation_statement")
    op.drop_index("ix_reconciliation_line_data", table_name="reconciliation_line")
    op.drop_table("reconciliation_line")
    op.drop_index(op.f("ix_pix_received_txid"), table_name="pix_received")
    op.drop_index(op.f("ix_pix_received_tenant_id"), table_name="pix_received")
    op.drop_table("pix_received")
