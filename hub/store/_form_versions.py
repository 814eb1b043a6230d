"""Form templates published as versions that never change (issue #7), and read back::

    row, created = publish_form(
        session,
        source=toml_text,           # a forms/*.toml file's text
        by="it-li",
        roles={"it_admin"},
        cipher=cipher,              # for the audit log
        manifests={cid: c.manifest for cid, c in load_connectors().items()},
    )

Publishing checks the template as hub.forms reads it, and each of its targets against the
installed connector's declared fields (hub/forms/_template_targets.py), then keeps the text.
The same text again is a no-op (created False), so the bundled forms may be published on every
start; other text under a published version, or a version below the newest, is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.store._audit import append as audit_append
from hub.store._models_forms import FormVersion

if TYPE_CHECKING:
    from connectors.sdk import Manifest
    from hub.forms._template_model import FormTemplate


def publish_form(
    session: Session,
    *,
    source: str,
    by: str,
    roles: Iterable[str],
    cipher: FieldCipher,
    manifests: Mapping[str, Manifest],
) -> tuple[FormVersion, bool]:
    """Publish a template's TOML text as its form's version: (the row, whether it was created).

    InvalidInput, every problem in its user_message: a broken template, a target that is no
    installed connector or whose mapping does not fit it, a published version with other text,
    a version below the newest. Audited (form_publish) when a version is created.
    """
    template = _checked(source, manifests)
    digest = hashlib.sha256(source.encode()).hexdigest()
    published = _row(session, template.id, template.version)
    if published is not None:
        return _unchanged(session, published, digest), False
    newest = _newest(session, template.id)
    if newest is not None and template.version < newest:
        raise InvalidInput(
            f"form {template.id}: version {template.version} is below the newest, {newest}",
            user_message=f"表单 {template.id} 已发布到第 {newest} 版，不能再发布更低的"
            f"第 {template.version} 版；请把 version 改为 {newest + 1}",
        )
    row = FormVersion(
        form_id=template.id,
        version=template.version,
        title=template.title,
        source=source,
        sha256=digest,
        published_by=by,
    )
    try:
        with session.begin_nested():  # the unique (form_id, version) settles a race we lost
            session.add(row)
            session.flush()
    except IntegrityError:
        published = _row(session, template.id, template.version)
        if published is None:
            raise
        return _unchanged(session, published, digest), False
    audit_append(
        session,
        cipher=cipher,
        actor=by,
        roles=roles,
        action="form_publish",
        community_code=None,
        subject=f"form:{template.id}",
        detail={"version": template.version, "targets": sorted(template.targets)},
    )
    return row, True


def published_template(session: Session, form_id: str, version: int) -> FormTemplate:
    """The template of one published version; NotFound if it was never published."""
    row = _row(session, form_id, version)
    if row is None:
        raise NotFound(f"form {form_id} version {version} is not published")
    return _parsed(row.source)


def is_published(session: Session, form_id: str, version: int) -> bool:
    return _row(session, form_id, version) is not None


def latest_templates(session: Session) -> dict[str, FormTemplate]:
    """The newest published version of each form, by form id."""
    newest = (
        select(col(FormVersion.form_id), func.max(FormVersion.version).label("version"))
        .group_by(col(FormVersion.form_id))
        .subquery()
    )
    rows = session.exec(
        select(FormVersion)
        .join(
            newest,
            and_(
                col(FormVersion.form_id) == newest.c.form_id,
                col(FormVersion.version) == newest.c.version,
            ),
        )
        .order_by(col(FormVersion.form_id))
    ).all()
    return {row.form_id: _parsed(row.source) for row in rows}


def form_versions(session: Session, form_id: str | None = None) -> list[FormVersion]:
    """The published versions of one form (or of every form, by id), newest first."""
    query = select(FormVersion).order_by(col(FormVersion.form_id), col(FormVersion.version).desc())
    if form_id is not None:
        query = query.where(FormVersion.form_id == form_id)
    return list(session.exec(query).all())


def _checked(source: str, manifests: Mapping[str, Manifest]) -> FormTemplate:
    # hub.forms reads the store (residents' facts, houses): imported when this module loads, it
    # and hub.store would each need the other finished first. So it is imported here, and in
    # _parsed, when a form is first published or read.
    from hub.forms._template_model import TemplateError
    from hub.forms._template_targets import target_problems

    try:
        template = _parsed(source)
    except TemplateError as exc:
        raise InvalidInput(
            exc.detail, user_message=_listed("表单模板有误，未发布", exc.problems)
        ) from None
    problems = target_problems(template, manifests)
    if problems:
        raise InvalidInput(
            f"form {template.id} version {template.version}: " + "; ".join(problems),
            user_message=_listed(f"表单 {template.id} 第 {template.version} 版未发布", problems),
        )
    return template


@lru_cache(maxsize=256)
def _parsed(source: str) -> FormTemplate:
    # Keyed by the text itself, not by (form_id, version): published text never changes, and two
    # databases (tests, a staging copy) may hold different text under the same version.
    from hub.forms._template_load import parse_template

    return parse_template(source, "模板")


def _unchanged(session: Session, published: FormVersion, digest: str) -> FormVersion:
    if published.sha256 == digest:
        return published
    newest = _newest(session, published.form_id) or published.version
    raise InvalidInput(
        f"form {published.form_id} version {published.version} is published with other content",
        user_message=f"表单 {published.form_id} 第 {published.version} 版已发布且内容不同，"
        f"请把 version 改为 {newest + 1}",
    )


def _row(session: Session, form_id: str, version: int) -> FormVersion | None:
    query = select(FormVersion).where(
        FormVersion.form_id == form_id, FormVersion.version == version
    )
    return session.exec(query).first()


def _newest(session: Session, form_id: str) -> int | None:
    query = select(func.max(FormVersion.version)).where(FormVersion.form_id == form_id)
    return session.exec(query).one()


def _listed(heading: str, problems: list[str]) -> str:
    return f"{heading}，共 {len(problems)} 处问题：\n" + "\n".join(f"- {p}" for p in problems)
