"""Every bundled form opens for a resident with what the store knows filled in, and refuses an
empty submission with a Chinese message beside each field she must type."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session, select

from hub.forms import FORMS, client_rules
from hub.store import Resident, make_engine, session_scope
from tests.factories import add_submission, application, make_cipher
from tests.hub.api.conftest import Api

CJK = re.compile(r"[\u4e00-\u9fff]")
#: The forms a worker files for a resident (collections and questionnaires are sent down).
APPLICATIONS = sorted(k for k, form in FORMS.items() if form.kind == "application")


def _resident_of_worker_a(api: Api) -> int:
    engine = make_engine(api.settings.database_url)
    try:
        with Session(engine) as session:
            resident = session.exec(
                select(Resident).where(Resident.community_code == "320206104001")
            ).first()
            assert resident is not None and resident.id is not None
            return resident.id
    finally:
        engine.dispose()


@pytest.mark.parametrize("form_id", APPLICATIONS)
def test_each_form_renders_every_field_with_the_store_facts_locked(api: Api, form_id: str):
    resident_id = _resident_of_worker_a(api)

    page = api.client.get(f"/residents/{resident_id}/forms/{form_id}", headers=api.as_worker_a())

    assert page.status_code == 200
    form = FORMS[form_id]
    assert f"<h1>{form.title}</h1>" in page.text
    for field in form.fields:
        assert f'for="f-{field.name}"' in page.text and field.label in page.text
    assert page.text.count('readonly class="locked"') + page.text.count("disabled") >= sum(
        1 for f in form.fields if f.locked
    )
    for section in form.sections:
        assert f"<legend>{section.title}</legend>" in page.text
    # The browser gets the template's rules, as the server will apply them.
    rules = json.loads(_between(page.text, '<script type="application/json" id="form-rules">'))
    assert rules == json.loads(json.dumps(client_rules(form)))
    # An optional field is neither marked required nor left unlabelled as optional.
    for field in form.fields:
        tag = _between(page.text, f'id="f-{field.name}"', ">")
        assert ("required" in tag.split()) == field.required, field.name
        if not field.required:
            assert f'{field.label}<span class="optional">（选填）</span>' in page.text


@pytest.mark.parametrize("form_id", APPLICATIONS)
def test_an_empty_submission_names_each_field_she_must_type(api: Api, form_id: str):
    resident_id = _resident_of_worker_a(api)

    answer = api.client.post(
        "/api/submissions",
        headers=api.as_worker_a(),
        json={"resident_id": resident_id, "form_id": form_id, "client_key": "k" * 22,
              "answers": {}},
    )  # fmt: skip

    assert answer.status_code == 422
    errors = answer.json()["field_errors"]
    typed = {f.name for f in FORMS[form_id].fields if not f.locked}
    required = {f.name for f in FORMS[form_id].fields if f.required and not f.locked}
    assert required <= set(errors) <= typed
    assert all(CJK.search(message) for message in errors.values())


def test_a_correction_opens_the_form_with_the_earlier_answers(api: Api):
    resident_id = _resident_of_worker_a(api)
    engine = make_engine(api.settings.database_url)
    try:
        with session_scope(engine) as session:
            resident = session.get(Resident, resident_id)
            assert resident is not None
            earlier = add_submission(
                session,
                make_cipher(),
                resident,
                created_by="worker-a",
                data={**application(), "bank_account": "6228480402564890026"},
            ).id
    finally:
        engine.dispose()

    page = api.client.get(
        f"/residents/{resident_id}/forms/elderly-allowance?amends={earlier}",
        headers=api.as_worker_a(),
    )

    assert page.status_code == 200
    assert "高龄津贴申请 · 修改" in page.text
    assert 'value="6228480402564890026"' in page.text  # what she sent before, to correct
    assert f'<input type="hidden" name="amends" value="{earlier}">' in page.text
    missing = api.client.get(
        f"/residents/{resident_id}/forms/elderly-allowance?amends={'0' * 32}",
        headers=api.as_worker_a(),
    )
    assert missing.status_code == 404


def _between(text: str, start: str, end: str = "</script>") -> str:
    after = text.split(start, 1)[1]
    return after.split(end, 1)[0]


@pytest.mark.parametrize("form_id", ["collect-elderly-80", "survey-home-care"])
def test_a_collection_or_questionnaire_is_no_form_to_file_for_a_resident(api: Api, form_id: str):
    resident_id = _resident_of_worker_a(api)

    page = api.client.get(f"/residents/{resident_id}/forms/{form_id}", headers=api.as_worker_a())
    listed = api.client.get(f"/residents/{resident_id}", headers=api.as_worker_a())

    assert page.status_code == 422 and "没有这个表单" in page.text
    assert f"/forms/{form_id}" not in listed.text and FORMS[form_id].title not in listed.text
