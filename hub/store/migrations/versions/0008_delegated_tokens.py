"""delegated tokens: a robot's short-lived single-sign-on token acting as the submitting worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegatedtoken",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=False),
        sa.Column("connector_id", AutoString(), nullable=False),
        sa.Column("owner_username", AutoString(), nullable=False),
        sa.Column("token_sealed", AutoString(), nullable=False),
        sa.Column("dek_wrapped", AutoString(), nullable=False),
        sa.Column("kek_id", AutoString(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id", "connector_id"),
    )


def downgrade() -> None:
    op.drop_table("delegatedtoken")
