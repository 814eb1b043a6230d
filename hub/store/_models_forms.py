"""Published form templates (issue #7): each version of a form as IT published it, never changed.

A submission records the form id and version it was made with (Submission.form_id,
form_version); this table keeps the exact template of that version, so a submission can always
be read against the form it was filled in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from hub.store._models import utcnow


class FormVersion(SQLModel, table=True):
    """One published version of one form. Rows are only ever added (hub/store/_form_versions.py):
    a change to a form is a new version."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: str  # elderly-allowance
    version: int
    title: str
    source: str  # the template's TOML text, as published
    sha256: str = Field(max_length=64)  # of source (UTF-8), hex: what "the same content" means
    published_at: datetime = Field(default_factory=utcnow)
    published_by: str  # a username
