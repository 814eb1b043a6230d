"""community store, submissions, deliveries, portal sessions

Revision ID: 0001
Revises:
Create Date: 2026-11-25 13:30:18.771478
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community",
        sa.Column("code", AutoString(length=12), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("street_name", AutoString(), nullable=False),
        sa.Column("district_code", AutoString(length=6), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "loginstate",
        sa.Column("state", AutoString(), nullable=False),
        sa.Column("code_verifier", AutoString(), nullable=False),
        sa.Column("nonce", AutoString(), nullable=False),
        sa.Column("return_to", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "portalsession",
        sa.Column("id_hash", AutoString(), nullable=False),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("username", AutoString(), nullable=False),
        sa.Column("profile_enc", AutoString(), nullable=False),
        sa.Column("tokens_enc", AutoString(), nullable=False),
        sa.Column("csrf_token", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_table(
        "house",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("building", AutoString(), nullable=False),
        sa.Column("unit", AutoString(), nullable=False),
        sa.Column("room", AutoString(), nullable=False),
        sa.Column("use", AutoString(), nullable=False),
        sa.Column("safety_status", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_house_community_code"), ["community_code"], unique=False
        )

    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("house_id", sa.Integer(), nullable=True),
        sa.Column("address", AutoString(), nullable=False),
        sa.Column("household_type", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["house_id"],
            ["house.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_community_code"), ["community_code"], unique=False
        )

    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("relation_to_head", AutoString(), nullable=False),
        sa.Column("name_enc", AutoString(), nullable=False),
        sa.Column("name_index", AutoString(), nullable=False),
        sa.Column("id_number_enc", AutoString(), nullable=False),
        sa.Column("id_number_index", AutoString(), nullable=False),
        sa.Column("id_number_masked", AutoString(), nullable=False),
        sa.Column("phone_enc", AutoString(), nullable=True),
        sa.Column("sex", AutoString(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resident_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resident_id_number_index"), ["id_number_index"], unique=True
        )
        batch_op.create_index(batch_op.f("ix_resident_name_index"), ["name_index"], unique=False)

    op.create_table(
        "submission",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("form_id", AutoString(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("client_key", AutoString(), nullable=False),
        sa.Column("data_enc", AutoString(), nullable=False),
        sa.Column("targets", AutoString(), nullable=False),
        sa.Column("created_by", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key"),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_submission_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=False),
        sa.Column("target", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("receipt_no", AutoString(), nullable=True),
        sa.Column("evidence_id", AutoString(), nullable=True),
        sa.Column("message", AutoString(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id", "target"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "evidence",
        sa.Column("id", AutoString(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=False),
        sa.Column("target", AutoString(), nullable=False),
        sa.Column("content_type", AutoString(), nullable=False),
        sa.Column("blob_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "residentevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("summary", AutoString(), nullable=False),
        sa.Column("submission_id", AutoString(), nullable=True),
        sa.Column("target", AutoString(), nullable=True),
        sa.Column("receipt_no", AutoString(), nullable=True),
        sa.Column("evidence_id", AutoString(), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("residentevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_residentevent_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_residentevent_resident_id"), ["resident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("residentevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residentevent_resident_id"))
        batch_op.drop_index(batch_op.f("ix_residentevent_community_code"))

    op.drop_table("residentevent")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_submission_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_submission_id"))

    op.drop_table("delivery")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_resident_id"))
        batch_op.drop_index(batch_op.f("ix_submission_community_code"))

    op.drop_table("submission")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_name_index"))
        batch_op.drop_index(batch_op.f("ix_resident_id_number_index"))
        batch_op.drop_index(batch_op.f("ix_resident_community_code"))

    op.drop_table("resident")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_community_code"))

    op.drop_table("household")
    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_house_community_code"))

    op.drop_table("house")
    op.drop_table("portalsession")
    op.drop_table("loginstate")
    op.drop_table("community")
