"""The Playwright traces a failed robot delivery left, as text a test can search for secrets."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.store import Evidence, load_evidence
from workflows.activities import TRACE_TYPE


def failure_traces(
    engine: Engine, cipher: FieldCipher, submission_id: str, community: str
) -> list[str]:
    """Each trace kept for the submission: every member of its zip, decoded, joined."""
    with Session(engine) as session:
        rows = session.exec(
            select(Evidence).where(
                Evidence.submission_id == submission_id, Evidence.content_type == TRACE_TYPE
            )
        ).all()
        blobs = [
            load_evidence(session=session, cipher=cipher, evidence_id=r.id, community=community)[0]
            for r in rows
        ]
    texts = []
    for blob in blobs:
        with zipfile.ZipFile(io.BytesIO(blob)) as trace:
            names = trace.namelist()
            assert "trace.trace" in names and "trace.network" in names, names
            texts.append("\n".join(trace.read(n).decode("utf-8", "replace") for n in names))
    return texts
