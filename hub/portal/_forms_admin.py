"""表单管理, for IT: the forms workers fill and their published versions; a template pasted here
is checked (the template, and each target against its connector's fields) and published, as
`python -m hub.forms check|publish` do (docs/forms.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from hub.deps import ItAdmin, PortalSessionDep, SessionDep, StateDep
from hub.errors import InvalidInput
from hub.forms import FormTemplate, offered_forms
from hub.forms._template_targets import check_source
from hub.portal._render import page as _page
from hub.store import form_versions, is_published, publish_form

router = APIRouter(include_in_schema=False)
#: A template is a few kilobytes; this much is surely a mistake.
MAX_SOURCE = 200_000


@router.get("/admin/forms")
def forms_page(
    request: Request,
    user: ItAdmin,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    published: str = "",
) -> HTMLResponse:
    return _render(request, portal, session, notice=f"已发布：{published}" if published else "")


@router.post("/admin/forms")
def check_or_publish(
    request: Request,
    user: ItAdmin,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    source: Annotated[str, Form()] = "",
    act: Annotated[str, Form()] = "check",
) -> Response:
    manifests = {cid: c.manifest for cid, c in state.connectors.items()}
    if not source.strip() or len(source) > MAX_SOURCE:
        return _render(request, portal, session, source=source, problems=["请粘贴表单模板（TOML）"])
    if act != "publish":
        template, problems = check_source(source, "模板", manifests)
        notice = "" if problems or template is None else f"检查通过：{_named(template)}，可以发布"
        return _render(request, portal, session, source=source, problems=problems, notice=notice)
    try:
        row, created = publish_form(
            session, source=source, by=user.username, roles=user.roles, cipher=state.cipher,
            manifests=manifests,
        )  # fmt: skip
    except InvalidInput as exc:
        lines = (exc.user_message or "").splitlines()
        return _render(request, portal, session, source=source, problems=lines or ["发布失败"])
    word = f"{row.form_id} 第 {row.version} 版" + ("" if created else "（内容相同，未变）")
    return RedirectResponse(f"/admin/forms?published={word}", status_code=303)


def _named(template: FormTemplate) -> str:
    return f"{template.title}（{template.id} 第 {template.version} 版）"


def _render(
    request: Request,
    portal: Any,
    session: Session,
    *,
    source: str = "",
    problems: list[str] | None = None,
    notice: str = "",
) -> HTMLResponse:
    forms = offered_forms(session, kind=None)
    return _page(
        request,
        "forms_admin.html",
        portal,
        status_code=422 if problems else 200,
        forms=sorted(forms.values(), key=lambda f: f.id),
        published={f.id: is_published(session, f.id, f.version) for f in forms.values()},
        versions=form_versions(session),
        source=source,
        problems=problems or [],
        notice=notice,
    )
