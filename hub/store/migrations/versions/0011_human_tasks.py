"""human tasks: questions a robot puts to the worker who submitted (a CAPTCHA, an SMS code)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "humantask",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=False),
        sa.Column("target", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("prompt", AutoString(), nullable=False),
        sa.Column("image_enc", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", AutoString(), nullable=True),
        sa.Column("answer_enc", sa.LargeBinary(), nullable=True),
        sa.Column("state", AutoString(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answered_by", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_humantask_submission_id"), "humantask", ["submission_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_humantask_submission_id"), table_name="humantask")
    op.drop_table("humantask")
