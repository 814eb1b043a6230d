"""audit log: hash-chained entries, the chain head, and triggers refusing updates and deletes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00.000000

The triggers keep the hub's own code (and a slip in a console) from changing the log; someone
who owns the database can still drop them, which is what the keyed hash chain is for.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

_POSTGRES_FUNCTION = """
CREATE FUNCTION auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END
$$
"""
_POSTGRES_TRIGGERS = {
    "auditentry_no_update": "BEFORE UPDATE ON auditentry FOR EACH ROW",
    "auditentry_no_delete": "BEFORE DELETE ON auditentry FOR EACH ROW",
    "auditentry_no_truncate": "BEFORE TRUNCATE ON auditentry FOR EACH STATEMENT",
}
_SQLITE_TRIGGERS = {
    "auditentry_no_update": "BEFORE UPDATE ON auditentry",
    "auditentry_no_delete": "BEFORE DELETE ON auditentry",
}


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", AutoString(), nullable=False),
        sa.Column("roles", AutoString(), nullable=False),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("community_code", AutoString(), nullable=True),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("detail", AutoString(), nullable=False),
        sa.Column("prev_hash", AutoString(length=64), nullable=False),
        sa.Column("hash", AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.create_index("ix_auditentry_community_at", ["community_code", "at"])
        batch_op.create_index("ix_auditentry_community_seq", ["community_code", "seq"])
    head = op.create_table(
        "auditchainhead",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])
    _create_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    # Dropping the table drops its triggers with it; PostgreSQL keeps the function.
    op.drop_table("auditchainhead")
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.drop_index("ix_auditentry_community_seq")
        batch_op.drop_index("ix_auditentry_community_at")
    op.drop_table("auditentry")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS auditentry_append_only()")


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        for name, when in _POSTGRES_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION auditentry_append_only()")
    elif dialect == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} BEGIN"
                " SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
