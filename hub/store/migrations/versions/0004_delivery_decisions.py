"""delivery decisions: what a target decided after review (amount, start date, reason)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("decision", AutoString()),
    ("decision_amount_fen", sa.Integer()),
    ("decision_amount_per", AutoString()),
    ("decision_starts_on", sa.Date()),
    ("decided_on", sa.Date()),
    ("decision_reason", AutoString()),
)


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
