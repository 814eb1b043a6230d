"""Publishing a form's new version changes what workers fill, at once; a submission made before
is still read against the version it was made with."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from connectors.sdk import load_connectors
from hub import submitting
from hub.forms import FORMS, FORMS_FOLDER
from hub.store import Resident, Submission, make_engine, publish_form, session_scope
from tests.factories import add_submission, make_cipher
from tests.hub.api.conftest import Api

V1 = (FORMS_FOLDER / "elderly-allowance.toml").read_text(encoding="utf-8")
#: The version as bundled, and the one IT publishes next.
SHIPPED = FORMS["elderly-allowance"].version
NEXT = SHIPPED + 1
V2 = (
    V1.replace(f"version = {SHIPPED}", f"version = {NEXT}", 1)
    .replace('title = "高龄津贴申请"', 'title = "高龄津贴申请（2027版）"', 1)
    .replace('label = "银行账号"', 'label = "社会保障卡金融账户"', 1)
    .replace('message = "银行账号应为16-19位数字"', 'message = "社保卡账号应为16-19位数字"', 1)
)
ANSWERS = {
    "phone": "13912345678",
    "address": "玉祁街道1幢101室",
    "allowance_type": "80-89",
    "bank": "江苏银行",
    "bank_account": "6228480012345678901",
    "applied_on": date.today().isoformat(),
}


def _publish(api: Api, source: str) -> None:
    engine = make_engine(api.settings.database_url)
    manifests = {cid: c.manifest for cid, c in load_connectors().items()}
    try:
        with session_scope(engine) as session:
            publish_form(
                session, source=source, by="it-li", roles=("it_admin",), cipher=make_cipher(),
                manifests=manifests,
            )  # fmt: skip
    finally:
        engine.dispose()


def _an_elder_of_worker_a(api: Api) -> int:
    engine = make_engine(api.settings.database_url)
    try:
        with Session(engine) as session:
            for resident in session.exec(
                select(Resident).where(Resident.community_code == "320206104001")
            ):
                if resident.id is not None and resident.birth_date.year <= 1945:
                    return resident.id
        raise AssertionError("no resident of 80 or more in worker-a's community")
    finally:
        engine.dispose()


def test_a_new_version_is_what_workers_fill_and_older_submissions_keep_theirs(api: Api):
    resident_id = _an_elder_of_worker_a(api)
    engine = make_engine(api.settings.database_url)
    with session_scope(engine) as session:
        resident = session.get(Resident, resident_id)
        assert resident is not None
        before = add_submission(session, make_cipher(), resident, created_by="worker-a").id
    form_page = f"/residents/{resident_id}/forms/elderly-allowance"
    assert "<h1>高龄津贴申请</h1>" in api.client.get(form_page, headers=api.as_worker_a()).text

    _publish(api, V1)
    _publish(api, V2)

    page = api.client.get(form_page, headers=api.as_worker_a()).text
    assert "<h1>高龄津贴申请（2027版）</h1>" in page and "社会保障卡金融账户" in page
    assert (
        "高龄津贴申请（2027版）"
        in api.client.get(f"/residents/{resident_id}", headers=api.as_worker_a()).text
    )
    # The server checks with the new version's rules and words.
    bad = api.client.post(
        "/api/submissions",
        headers=api.as_worker_a(),
        json={"resident_id": resident_id, "form_id": "elderly-allowance",
              "client_key": uuid.uuid4().hex, "answers": {**ANSWERS, "bank_account": "12"}},
    )  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["field_errors"]["bank_account"] == "社保卡账号应为16-19位数字"
    # A submission made now records the new version.
    with session_scope(engine) as session:
        made, _ = submitting.create(
            state=api.state, session=session, community="320206104001", username="worker-a",
            resident_id=resident_id, form_id="elderly-allowance", client_key=uuid.uuid4().hex,
            answers=ANSWERS,
        )  # fmt: skip
        assert (made.form_id, made.form_version) == ("elderly-allowance", NEXT)
    # The one made before is shown as the form it was made with.
    old = api.client.get(f"/submissions/{before}", headers=api.as_worker_a()).text
    assert "<h1>高龄津贴申请 · 报送进度</h1>" in old
    with Session(engine) as session:
        kept = session.exec(select(Submission.form_version).where(Submission.id == before)).one()
        assert kept == SHIPPED
    engine.dispose()
