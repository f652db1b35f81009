"""pix charges: an optional client ``ref``, unique per tenant (a retried creation returns the same charge)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pix_charge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_pix_charge_ref", ["tenant_id", "ref"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("pix_charge", schema=None) as batch_op:
        batch_op.drop_index("ux_pix_charge_ref")
        batch_op.drop_column("ref")
