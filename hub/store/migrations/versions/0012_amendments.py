"""amendments: a submission may correct an earlier one (修改后重新报送), linked to it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-28 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amends_id", AutoString(), nullable=True))
        batch_op.create_index(batch_op.f("ix_submission_amends_id"), ["amends_id"])
        batch_op.create_foreign_key(
            "fk_submission_amends_id_submission", "submission", ["amends_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submission_amends_id_submission", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_submission_amends_id"))
        batch_op.drop_column("amends_id")
