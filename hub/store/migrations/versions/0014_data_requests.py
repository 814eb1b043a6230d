"""data requests: collection tables and questionnaires sent to communities, their rows

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_request",
        sa.Column("id", AutoString(length=32), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("form_id", AutoString(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("note", AutoString(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("region_code", AutoString(), nullable=False),
        sa.Column("sent_by", AutoString(), nullable=False),
        sa.Column("sent_by_name", AutoString(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_data_request_region_code", "data_request", ["region_code"])
    op.create_table(
        "data_request_community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", AutoString(length=32), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("link_token", AutoString(length=32), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("submitted_by", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["data_request.id"]),
        sa.ForeignKeyConstraint(["community_code"], ["community.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "community_code"),
        sa.UniqueConstraint("link_token"),
    )
    op.create_index(
        "ix_data_request_community_request_id", "data_request_community", ["request_id"]
    )
    op.create_index(
        "ix_data_request_community_community_code", "data_request_community", ["community_code"]
    )
    op.create_table(
        "data_request_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", AutoString(length=32), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("values_enc", AutoString(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("client_key", AutoString(length=64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["data_request.id"]),
        sa.ForeignKeyConstraint(["community_code"], ["community.code"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "client_key"),
    )
    op.create_index("ix_data_request_row_request_id", "data_request_row", ["request_id"])


def downgrade() -> None:
    op.drop_table("data_request_row")
    op.drop_table("data_request_community")
    op.drop_table("data_request")
