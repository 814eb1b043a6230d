"""portal sessions remember Keycloak's session id, for back-channel logout of one session

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("portalsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keycloak_sid", AutoString(), nullable=True))
        batch_op.create_index(batch_op.f("ix_portalsession_keycloak_sid"), ["keycloak_sid"])
        batch_op.create_index(batch_op.f("ix_portalsession_subject"), ["subject"])


def downgrade() -> None:
    with op.batch_alter_table("portalsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portalsession_subject"))
        batch_op.drop_index(batch_op.f("ix_portalsession_keycloak_sid"))
        batch_op.drop_column("keycloak_sid")
