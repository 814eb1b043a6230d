"""A new form, end to end: IT publishes it on 表单管理 with its own mapping for the city
platform and a repeating group; a worker finds it on a resident's page, adds a family member (a
name too short is refused by the page itself), submits once, and the platform receives the fields
the mapping made (the address with the community's name in front), not its connector's own
mapping; the hub keeps the family member with the submission."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from hub.crypto import FieldCipher
from hub.demo import demo_id_number
from hub.devstack import Stack
from hub.forms import FORMS, FORMS_FOLDER
from hub.store import Submission, make_engine, session_scope, submission_data
from tests.e2e._stack import portal_login, sim_records

pytestmark = pytest.mark.e2e

#: 吴玉珍 of 玉祁社区 (worker-a's community), 90 in the demo data; no other test files her.
WU, WU_ID = "吴玉珍", demo_id_number("19360229", "2", 16)
ACCOUNT = "6228480012345678929"
PILOT = (
    (
        (FORMS_FOLDER / "elderly-allowance.toml")
        .read_text(encoding="utf-8")
        .replace('id = "elderly-allowance"', 'id = "elderly-pilot"', 1)
        .replace(f"version = {FORMS['elderly-allowance'].version}", "version = 1", 1)  # a new form
        .replace('title = "高龄津贴申请"', 'title = "长寿补贴试点登记"', 1)
        .replace(
            'targets = ["civil_affairs", "elderly_api", "city_data"]',
            'targets = ["elderly_api", "city_data"]',
            1,
        )
    )
    + """
[mappings.elderly_api]
id_number = "id_number"
name = "name"
sex = "sex"
birth_date = "birth_date"
phone = "phone"
address = { from = ["community_name", "address"], transform = "join", sep = " " }
community_code = "community_code"
allowance_type = "allowance_type"
applied_on = "applied_on"

[[sections]]
title = "共同生活的家庭成员"
name = "members"
repeat = { min = 0, max = 3, item_label = "家庭成员" }

[[sections.fields]]
name = "member_name"
label = "成员姓名"
normalize = ["strip"]
min_length = 2
message = "请填写成员姓名"

[[sections.fields]]
name = "relation"
label = "与申请人关系"
type = "select"
options = [["10", "配偶"], ["20", "子"], ["30", "女"]]
"""
)


async def test_it_publishes_a_form_a_worker_fills_it_and_the_target_gets_its_mapping(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "it-admin", lands_on="/")
    try:
        await page.get_by_role("link", name="表单管理").click()
        await page.get_by_label("表单模板（TOML）").fill(PILOT)
        await page.get_by_role("button", name="检查").click()
        await expect(page.get_by_role("status")).to_contain_text("检查通过")
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已发布：elderly-pilot 第 1 版")
    finally:
        await context.close()

    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill(WU)
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile(r"^吴.珍")).click()
        await page.get_by_role("link", name="长寿补贴试点登记").click()
        address = await page.get_by_label("户籍地址").input_value()
        await page.get_by_label("开户银行").select_option("江苏银行")
        await page.get_by_label("银行账号").fill(ACCOUNT)
        await page.get_by_role("button", name="添加家庭成员").click()
        await page.get_by_label("成员姓名").fill("李")
        await page.get_by_label("与申请人关系").select_option("20")
        posted: list[str] = []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        await page.get_by_role("button", name=re.compile("提交")).click()
        await expect(page.get_by_text("请填写成员姓名")).to_be_visible()
        assert posted == []  # the page said it, from the template's rules
        await page.get_by_label("成员姓名").fill("李建华")
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        submission_id = page.url.rsplit("/", 1)[-1]
        await expect(page.locator("#overall")).to_have_text("已受理", timeout=120_000)
    finally:
        await context.close()

    [record] = [
        r for r in sim_records(stack.settings.simulators.api_url) if r["id_number"] == WU_ID
    ]
    assert address and record["address"] == f"玉祁社区 {address}"  # as the mapping made it
    assert record["allowance_type"] == "90-99"
    # The civil-affairs system is not among the pilot form's targets.
    assert not [
        r for r in sim_records(stack.settings.simulators.civil_url) if r["id_number"] == WU_ID
    ]
    # The data-sharing platform is, through the table the pilot kept from the bundled form.
    [collected] = [
        r for r in sim_records(stack.settings.simulators.city_data_url) if r["id_number"] == WU_ID
    ]
    assert (collected["business_type"], collected["summary"]) == ("高龄津贴", "90-99周岁")
    settings = stack.settings
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            submission = session.get(Submission, submission_id)
            assert submission is not None
            assert (submission.form_id, submission.form_version) == ("elderly-pilot", 1)
            data = submission_data(
                cipher=FieldCipher(**settings.crypto.model_dump()), submission=submission
            )
    finally:
        engine.dispose()
    assert data["members"] == [{"member_name": "李建华", "relation": "20"}]
