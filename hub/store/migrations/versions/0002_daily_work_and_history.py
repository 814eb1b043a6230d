"""hierarchy, organizations, vehicles, events, tags, change history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:07:09.920465
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changerecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", AutoString(), nullable=False),
        sa.Column("entity_id", AutoString(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("changes", AutoString(), nullable=False),
        sa.Column("actor", AutoString(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("changerecord", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_changerecord_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_changerecord_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_changerecord_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_changerecord_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "region",
        sa.Column("code", AutoString(length=12), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("level", AutoString(), nullable=False),
        sa.Column("parent_code", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["region.code"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("credit_code", AutoString(length=18), nullable=True),
        sa.Column("address", AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_community_code"), ["community_code"], unique=False
        )

    op.create_table(
        "communityevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("detail", AutoString(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("house_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", AutoString(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["house_id"],
            ["house.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("communityevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_communityevent_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_communityevent_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "residenttag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("tag", AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "tag"),
    )
    with op.batch_alter_table("residenttag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_residenttag_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "vehicle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=False),
        sa.Column("plate_no", AutoString(), nullable=False),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("owner_resident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["community.code"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_resident_id"],
            ["resident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_community_code"), ["community_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vehicle_plate_no"), ["plate_no"], unique=False)

    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_code", AutoString(), nullable=True))
        batch_op.create_foreign_key(
            "fk_community_street_code_region", "region", ["street_code"], ["code"]
        )

    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ownership", AutoString(), nullable=False, server_default="自有")
        )


def downgrade() -> None:
    with op.batch_alter_table("house", schema=None) as batch_op:
        batch_op.drop_column("ownership")

    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_constraint("fk_community_street_code_region", type_="foreignkey")
        batch_op.drop_column("street_code")

    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_plate_no"))
        batch_op.drop_index(batch_op.f("ix_vehicle_community_code"))

    op.drop_table("vehicle")
    with op.batch_alter_table("residenttag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residenttag_resident_id"))

    op.drop_table("residenttag")
    with op.batch_alter_table("communityevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communityevent_resident_id"))
        batch_op.drop_index(batch_op.f("ix_communityevent_community_code"))

    op.drop_table("communityevent")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_community_code"))

    op.drop_table("organization")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_parent_code"))

    op.drop_table("region")
    with op.batch_alter_table("changerecord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changerecord_resident_id"))
        batch_op.drop_index(batch_op.f("ix_changerecord_entity_id"))
        batch_op.drop_index(batch_op.f("ix_changerecord_entity"))
        batch_op.drop_index(batch_op.f("ix_changerecord_community_code"))

    op.drop_table("changerecord")
