"""robot logins: a robot's saved browser session per bound account, sealed in the vault

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-19 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robotlogin",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("owner_username", AutoString(), nullable=False),
        sa.Column("connector_id", AutoString(), nullable=False),
        sa.Column("state_sealed", AutoString(), nullable=False),
        sa.Column("dek_wrapped", AutoString(), nullable=False),
        sa.Column("kek_id", AutoString(), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("robotlogin")
