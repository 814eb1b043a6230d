"""resident search: name pieces (truncated blind indexes), tag and household indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:00:00.000000

Rows that existed before this revision get their name pieces from
``python -m hub.store index-names`` (the key is not available to migrations).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "residentnametoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("token", AutoString(length=8), nullable=False),
        sa.ForeignKeyConstraint(["community_code"], ["community.code"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("residentnametoken", schema=None) as batch_op:
        batch_op.create_index(
            "ix_residentnametoken_lookup", ["community_code", "token", "resident_id"]
        )
        batch_op.create_index(batch_op.f("ix_residentnametoken_resident_id"), ["resident_id"])
    with op.batch_alter_table("residenttag", schema=None) as batch_op:
        batch_op.create_index("ix_residenttag_tag", ["tag", "resident_id"])
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_household_id"), ["household_id"])


def downgrade() -> None:
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_household_id"))
    with op.batch_alter_table("residenttag", schema=None) as batch_op:
        batch_op.drop_index("ix_residenttag_tag")
    with op.batch_alter_table("residentnametoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residentnametoken_resident_id"))
        batch_op.drop_index("ix_residentnametoken_lookup")
    op.drop_table("residentnametoken")
