"""家庭成员 from the store: a section bound to her household opens with one item per other member,
their ID numbers masked and locked; the server takes those from the store whatever the browser
sends; a member she adds by hand is typed and checked; a member no longer of her household sends
her back to reopen the form."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlmodel import Session, col, select

from connectors.sdk import load_connectors
from hub import submitting
from hub.demo import COMMUNITY_A
from hub.errors import InvalidInput
from hub.forms._template_load import parse_template
from hub.forms._template_model import TemplateError
from hub.store import (
    Resident,
    ResidentCreate,
    create_resident,
    member_facts,
    publish_form,
    session_scope,
    submission_data,
)
from tests.factories import make_cipher
from tests.hub.api.conftest import Api

TRIAL = """\
id = "family-trial"
version = 1
title = "家庭情况登记（试用）"
targets = ["social_assistance"]

[[sections]]
title = "申请人"

[[sections.fields]]
name = "name"
label = "姓名"
locked = true
bind = "resident.name"

[[sections]]
title = "共同生活的家庭成员"
name = "members"
bind = "household.members"
repeat = { min = 0, max = 6, item_label = "家庭成员" }

[[sections.fields]]
name = "member_name"
label = "成员姓名"
locked = true
bind = "member.name"
min_length = 2
message = "请填写成员姓名"

[[sections.fields]]
name = "id_number"
label = "公民身份号码"
type = "idcard"
locked = true
masked = true
bind = "member.id_number"

[[sections.fields]]
name = "income"
label = "月收入（元）"
type = "money"
"""


#: Her husband and her son, moved into her household (the demo's households are one person each).
FAMILY = [
    ("陈建国", "320206195204120319", "配偶"),
    ("陈晓东", "320206197811030517", "子"),
]


def _setup(api: Api) -> tuple[int, list[tuple[int, str, str]]]:
    """A resident of 玉祁社区 and the others of her household (id, name, ID number)."""
    with session_scope(api.state.engine) as session:
        publish_form(
            session, source=TRIAL, by="it-li", roles=("it_admin",), cipher=make_cipher(),
            manifests={cid: c.manifest for cid, c in load_connectors().items()},
        )  # fmt: skip
    with session_scope(api.state.engine) as session:
        head = session.exec(
            select(Resident)
            .where(Resident.community_code == COMMUNITY_A.code)
            .order_by(col(Resident.id))
        ).first()
        assert head is not None and head.household_id is not None
        for name, id_number, relation in FAMILY:
            create_resident(
                session=session, cipher=api.state.cipher, community=COMMUNITY_A.code,
                data=ResidentCreate(
                    name=name, id_number=id_number, household_id=head.household_id,
                    relation_to_head=relation,
                ),
            )  # fmt: skip
        others = member_facts(session=session, cipher=api.state.cipher, resident=head)
    return head.id or 0, [(m.id, m.name, m.id_number) for m in others]


def _post(api: Api, rid: int, answers: dict[str, str]):
    data = {"csrf_token": "", "client_key": uuid.uuid4().hex, **answers}
    return api.client.post(
        f"/residents/{rid}/forms/family-trial",
        data=data,
        headers=api.as_worker_a(),
        follow_redirects=False,
    )


def test_the_form_opens_with_her_household_masked_and_locked(api: Api):
    rid, others = _setup(api)
    page = api.client.get(f"/residents/{rid}/forms/family-trial", headers=api.as_worker_a())

    assert page.status_code == 200
    items = re.findall(r'<div class="item" data-index="(\d+)">', page.text)
    assert len(items) == len(others) >= 2
    for index, (member_id, name, id_number) in enumerate(others):
        assert f'name="members.{index}.member_ref" value="{member_id}"' in page.text
        assert f'value="{name}"' in page.text  # shown, greyed
        assert id_number not in page.text  # masked
        assert f'value="{id_number[:4]}**********{id_number[-4:]}"' in page.text
        assert f'name="members.{index}.id_number"' not in page.text  # locked: never posted
    blank = re.search(r'<template class="blank-item">(.*?)</template>', page.text, re.S)
    assert blank is not None
    assert 'name="members.__i__.member_name"' in blank.group(1)  # typed when added by hand
    assert "member_ref" not in blank.group(1)


def test_members_from_the_store_are_filed_as_the_store_has_them(api: Api):
    rid, others = _setup(api)
    (first_id, first_name, first_number), (second_id, *_rest) = others[:2]
    answers = {
        "members.0.member_ref": str(first_id),
        "members.0.member_name": "冒名顶替",  # not an input on her page; ignored if sent
        "members.0.id_number": "110101199003070011",
        "members.0.income": "1200",
        "members.1.member_ref": str(second_id),
        "members.1.income": "0",
        "members.2.member_name": "赵小兰",  # added by hand: not in the store
        "members.2.id_number": "320206201003070720",
        "members.2.income": "0",
    }
    with session_scope(api.state.engine) as session:
        made, _ = submitting.create(
            state=api.state, session=session, community=COMMUNITY_A.code, username="worker-a",
            resident_id=rid, form_id="family-trial", client_key=uuid.uuid4().hex,
            answers=answers,
        )  # fmt: skip
        data = submission_data(cipher=api.state.cipher, submission=made)

    first, second, added = data["members"]
    assert (first["member_name"], first["id_number"], first["income"]) == (
        first_name,
        first_number,
        "1200",
    )
    assert second["member_name"] == others[1][1]
    assert (added["member_name"], added["id_number"]) == ("赵小兰", "320206201003070720")
    assert "member_ref" not in first


def test_a_member_added_by_hand_is_checked_as_typed(api: Api):
    rid, _ = _setup(api)

    answer = _post(api, rid, {"members.0.member_name": "赵", "members.0.income": "0"})

    assert answer.status_code == 422
    assert "请填写成员姓名" in answer.text
    assert 'name="members.0.id_number"' in answer.text  # hers to type: still an input


def test_someone_not_of_her_household_sends_her_back_to_reopen_the_form(api: Api):
    rid, others = _setup(api)
    with Session(api.state.engine) as session:
        stranger = session.exec(
            select(Resident).where(
                Resident.community_code == COMMUNITY_A.code,
                col(Resident.id).not_in([rid, *(m[0] for m in others)]),
            )
        ).first()
    assert stranger is not None

    answer = _post(api, rid, {"members.0.member_ref": str(stranger.id), "members.0.income": "0"})

    assert answer.status_code == 422
    assert "家庭成员信息已变动，请重新打开表单" in answer.text
    assert stranger.id_number_masked not in answer.text


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ('bind = "household.members"\n', ""),
            "a field of a repeating section binds to the store only in a section with "
            'bind = "household.members"',
        ),
        (('bind = "member.name"', 'bind = "member.nickname"'), "unknown member path"),
        (
            ('title = "申请人"\n', 'title = "申请人"\nbind = "household.members"\n'),
            "only a repeating section binds to the store",
        ),
        (('bind = "household.members"', 'bind = "household.pets"'), "bind: Input should be"),
    ],
)
def test_binding_a_section_is_checked_when_the_template_is_read(
    change: tuple[str, str], problem: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(TRIAL.replace(*change, 1), "t.toml")

    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_without_members_a_reference_is_refused_by_the_checks_alone() -> None:
    from hub.forms import validate_values

    template = parse_template(TRIAL, "t.toml")
    with pytest.raises(InvalidInput) as refused:
        validate_values(template, {"members": [{"member_ref": "7", "income": "0"}]})

    assert refused.value.field_errors == {"members": "家庭成员信息已变动，请重新打开表单"}
