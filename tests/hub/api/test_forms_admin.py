"""表单管理: IT checks a pasted template (every problem listed, in Chinese, nothing published)
and publishes it; workers fill the new version from then on. Only it_admin may."""

from __future__ import annotations

from hub.forms import FORMS, FORMS_FOLDER
from tests.hub.api.conftest import Api

V1 = (FORMS_FOLDER / "elderly-allowance.toml").read_text(encoding="utf-8")
SHIPPED = FORMS["elderly-allowance"].version
NEXT = SHIPPED + 1
V2 = V1.replace(f"version = {SHIPPED}", f"version = {NEXT}", 1).replace(
    'title = "高龄津贴申请"', 'title = "高龄津贴申请（试行）"', 1
)


def _as_it(api: Api) -> dict[str, str]:
    return api.mint.headers("it-admin", roles=["it_admin"])


def _post(api: Api, source: str, act: str):
    return api.client.post(
        "/admin/forms",
        data={"source": source, "act": act},
        headers=_as_it(api),
        follow_redirects=False,
    )


def test_it_checks_then_publishes_and_workers_fill_the_new_version(api: Api):
    page = api.client.get("/admin/forms", headers=_as_it(api))
    assert page.status_code == 200
    assert "高龄津贴申请" in page.text and "随系统内置，尚未发布" in page.text

    broken = V2.replace('type = "tel"', 'type = "telephone"', 1) + (
        '\n[mappings.elderly_api]\nxm = "name"\n'
    )
    checked = _post(api, broken, "check")
    assert checked.status_code == 422
    assert "unknown type &#39;telephone&#39;" in checked.text  # the template's own problem
    assert "telephone" in checked.text and "未发布" in checked.text
    mapping_only = _post(api, V2 + '\n[mappings.elderly_api]\nxm = "name"\n', "publish")
    assert mapping_only.status_code == 422
    assert "目标 elderly_api 没有字段 xm" in mapping_only.text
    assert "elderly_api 的必填字段 id_number（公民身份号码）没有映射" in mapping_only.text

    assert _post(api, V2, "check").status_code == 200
    published = _post(api, V2, "publish")
    assert published.status_code == 303
    after = api.client.get(published.headers["location"], headers=_as_it(api)).text
    assert f"已发布：elderly-allowance 第 {NEXT} 版" in after
    assert "it-admin" in after and "高龄津贴申请（试行）" in after

    rid = int(api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"])
    form = api.client.get(f"/residents/{rid}/forms/elderly-allowance", headers=api.as_worker_a())
    assert "<h1>高龄津贴申请（试行）</h1>" in form.text
    again = _post(api, V2.replace("（试行）", "（正式）"), "publish")
    assert again.status_code == 422 and f"请把 version 改为 {NEXT + 1}" in again.text


def test_only_it_admin_may(api: Api):
    for headers in (api.as_worker_a(), api.as_operator()):
        assert api.client.get("/admin/forms", headers=headers).status_code == 403
        answer = api.client.post(
            "/admin/forms", data={"source": V2, "act": "publish"}, headers=headers
        )
        assert answer.status_code == 403
    assert f"第 {NEXT} 版" not in api.client.get("/admin/forms", headers=_as_it(api)).text
