"""credential vault: workers' own accounts at downstream systems, and every robot's use of them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("owner_username", AutoString(), nullable=False),
        sa.Column("connector_id", AutoString(), nullable=False),
        sa.Column("login_sealed", AutoString(), nullable=False),
        sa.Column("secret_sealed", AutoString(), nullable=False),
        sa.Column("dek_wrapped", AutoString(), nullable=False),
        sa.Column("kek_id", AutoString(), nullable=False),
        sa.Column("state", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["community_code"], ["community.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_username", "connector_id", "state"),
    )
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credential_community_code"), ["community_code"])
        batch_op.create_index(batch_op.f("ix_credential_owner_username"), ["owner_username"])

    op.create_table(
        "credentialuse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", AutoString(), nullable=False),
        sa.Column("owner_username", AutoString(), nullable=False),
        sa.Column("connector_id", AutoString(), nullable=False),
        sa.Column("activity", AutoString(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=True),
        sa.Column("outcome", AutoString(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credentialuse", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credentialuse_credential_id"), ["credential_id"])
        batch_op.create_index(
            "ix_credentialuse_owner", ["owner_username", "connector_id", "used_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("credentialuse", schema=None) as batch_op:
        batch_op.drop_index("ix_credentialuse_owner")
        batch_op.drop_index(batch_op.f("ix_credentialuse_credential_id"))
    op.drop_table("credentialuse")
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_owner_username"))
        batch_op.drop_index(batch_op.f("ix_credential_community_code"))
    op.drop_table("credential")
