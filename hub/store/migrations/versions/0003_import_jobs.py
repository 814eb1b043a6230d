"""import jobs: progress and outcome of ledger imports run in the background

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "importjob",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("created_by", AutoString(), nullable=False),
        sa.Column("state", AutoString(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", AutoString(), nullable=True),
        sa.Column("error", AutoString(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_importjob_community_code"), ["community_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("importjob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_importjob_community_code"))

    op.drop_table("importjob")
