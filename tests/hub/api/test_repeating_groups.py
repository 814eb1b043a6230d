"""A form with a repeating group (家庭成员): the portal draws its items and a blank one to add,
a bad item comes back with her values kept and the message beside its field, and the
submission keeps the items, in order, however the browser numbered them."""

from __future__ import annotations

import json
import re
import uuid

from connectors.sdk import Application, load_connectors
from hub import submitting
from hub.store import publish_form, session_scope, submission_data
from tests.factories import make_cipher
from tests.hub.api.conftest import Api
from tests.hub.forms._form_samples import HOUSEHOLD

TRIAL = HOUSEHOLD.replace('id = "household"', 'id = "household-trial"', 1)
WIFE = {"member_name": "王秀英", "id_number": "320206193607080025", "works": "no"}
HUSBAND = {"member_name": "陈建国", "id_number": "32020619680412027X", "works": "yes",
           "employer": "无锡某厂"}  # fmt: skip


def _setup(api: Api) -> int:
    with session_scope(api.state.engine) as session:
        publish_form(
            session, source=TRIAL, by="it-li", roles=("it_admin",), cipher=make_cipher(),
            manifests={cid: c.manifest for cid, c in load_connectors().items()},
        )  # fmt: skip
    return int(api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"])


def _flat(index: int, member: dict[str, str]) -> dict[str, str]:
    return {f"members.{index}.{key}": value for key, value in member.items()}


def test_the_form_draws_a_blank_item_and_keeps_a_bad_one_with_its_message(api: Api):
    rid = _setup(api)
    page = api.client.get(f"/residents/{rid}/forms/household-trial", headers=api.as_worker_a())
    assert page.status_code == 200
    assert 'data-group="members"' in page.text and "添加家庭成员" in page.text
    blank = re.search(r'<template class="blank-item">(.*?)</template>', page.text, re.S)
    assert blank is not None and 'name="members.__i__.member_name"' in blank.group(1)

    bad = {"csrf_token": "", "client_key": uuid.uuid4().hex, "has_card": "no", "note": "无",
           **_flat(0, {**WIFE, "member_name": "王"})}  # fmt: skip
    answer = api.client.post(
        f"/residents/{rid}/forms/household-trial", data=bad, headers=api.as_worker_a()
    )
    assert answer.status_code == 422
    item = re.search(r'<div class="item" data-index="0">.*?</div>\s*</div>', answer.text, re.S)
    assert item is not None
    assert 'name="members.0.member_name"' in answer.text and 'value="王"' in answer.text
    beside = re.search(
        r'data-field="members.0.member_name".*?<p class="field-error">(.*?)</p>', answer.text, re.S
    )
    assert beside is not None and beside.group(1) == "请填写成员姓名"


def test_the_submission_keeps_the_items_in_order_whatever_their_numbers(api: Api):
    rid = _setup(api)
    # Items 0 and 3: she added four and removed the two between.
    answers = {"has_card": "no", "note": "无", **_flat(3, HUSBAND), **_flat(0, WIFE)}
    with session_scope(api.state.engine) as session:
        made, _ = submitting.create(
            state=api.state, session=session, community="320206104001", username="worker-a",
            resident_id=rid, form_id="household-trial", client_key=uuid.uuid4().hex,
            answers=answers,
        )  # fmt: skip
        data = submission_data(cipher=api.state.cipher, submission=made)
    assert [m["member_name"] for m in data["members"]] == ["王秀英", "陈建国"]
    assert data["members"][1]["id_number"] == "32020619680412027X"
    application = Application.from_snapshot("household-trial", data)
    assert json.loads(application.answer("members"))[1]["employer"] == "无锡某厂"
