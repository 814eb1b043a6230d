"""delivery error type: what ended a failed delivery, so the ops page lists those only IT can mend

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-26 10:00:00.000000

The two indexes serve the ops page: its list of failures (by error type) and its counts of the
last seven days (by updated_at).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_type", AutoString(), nullable=True))
        batch_op.create_index(batch_op.f("ix_delivery_error_type"), ["error_type"])
        batch_op.create_index(batch_op.f("ix_delivery_updated_at"), ["updated_at"])


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_updated_at"))
        batch_op.drop_index(batch_op.f("ix_delivery_error_type"))
        batch_op.drop_column("error_type")
