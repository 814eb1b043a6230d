"""The robot against the simulated veterans system, in a real Chromium, over real HTTP: it logs in
as the worker who submitted (she reads the CAPTCHA), walks the wizard in the frame, files once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import httpx
import pytest

from connectors.sdk import Application, BrowserPool
from connectors.veterans import connector
from connectors.veterans.tests._png import pixels
from connectors.veterans.tests._support import HERS, Person, config, records
from hub.clock import beijing_today
from hub.errors import BusinessRejection, RobotBroken, TargetUnavailable

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

#: Playwright paints masked elements in this colour unless told otherwise.
MASK = (255, 0, 255)


async def _deliver(
    base_url: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
):
    ctx = recorder.context(config(base_url), browsers=browsers, account=HERS)
    ctx.ask_human = Person(base_url)
    return await connector.deliver(ctx, veteran)


async def test_files_once_through_the_wizard_and_returns_the_receipt(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    person = Person(veterans)
    ctx.ask_human = person

    receipt = await connector.deliver(ctx, veteran)

    [record] = await records(veterans)
    assert receipt.receipt_no == record["receipt_no"]
    # Numbered by the day in China, which is not the machine's day between 16:00 and 24:00 UTC.
    assert receipt.receipt_no.startswith(f"TYJR{beijing_today():%Y%m%d}")
    assert not receipt.existing
    assert (record["name"], record["id_number"]) == ("𠮷建国", veteran.id_number)
    assert (record["ethnic_group"], record["discharge_type"], record["placement"]) == (
        "03",
        "4",
        "1",
    )
    assert (record["receives_pension"], record["hardship"]) == ("0", "因病致困")
    assert (record["enlisted_on"], record["discharged_on"]) == ("1986-12-01", "1990-12-01")
    assert record["submitted_by"] == HERS.login_name  # filed as her, not as a shared robot
    [question] = person.questions
    assert (question.kind, question.prompt) == ("captcha", "请输入图中的验证码")
    assert question.image is not None and question.image.startswith(b"\x89PNG")
    assert recorder.credential_reads == 1
    wizard = [h for h in recorder.heartbeats if h.get("step") == "wizard"]
    assert [h["page"] for h in wizard] == [1, 2, 3]
    assert recorder.heartbeats[-1] == {"step": "submitted", "receipt_no": receipt.receipt_no}
    [(shot, content_type)] = recorder.evidence
    assert content_type == "image/png" and shot.startswith(b"\x89PNG")
    assert ctx.evidence_ids == ["evidence-1"]


async def test_the_evidence_masks_the_personal_data_on_the_receipt_page(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    await _deliver(veterans, browsers, recorder, veteran)

    [(shot, _)] = recorder.evidence

    # Name and ID number, each covered by a box of the mask colour inside the frame.
    assert sum(1 for pixel in pixels(shot) if pixel == MASK) > 500


async def test_a_second_delivery_finds_the_record_instead_of_filing_again(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    first = await _deliver(veterans, browsers, recorder, veteran)
    # The retry of a worker that died after submitting but before its heartbeat reached the hub.
    retry = await _deliver(veterans, browsers, recorder, veteran)

    assert retry.existing
    assert retry.receipt_no == first.receipt_no
    assert len(await records(veterans)) == 1


async def test_a_heartbeated_receipt_is_returned_without_touching_the_target(
    veterans: str, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), previous={"receipt_no": "TYJR20261125000007"})
    person = Person(veterans)
    ctx.ask_human = person

    receipt = await connector.deliver(ctx, veteran)

    assert (receipt.receipt_no, receipt.existing) == ("TYJR20261125000007", True)
    assert await records(veterans) == []
    assert recorder.credential_reads == 0 and person.questions == []


@pytest.mark.parametrize(
    ("sex", "answers", "reason"),
    [
        # Her ID number's 17th digit is odd (male); step 1 refuses 女.
        ("2", {}, "性别与公民身份号码不一致"),
        ("1", {"discharged_on": "1986-11-30"}, "退役时间应晚于入伍时间"),
    ],
    ids=["step-1", "step-2"],
)
async def test_a_refused_step_is_a_business_rejection_in_the_systems_words(
    veterans: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    veteran: Application,
    sex: str,
    answers: dict[str, str],
    reason: str,
) -> None:
    refused = veteran.model_copy(update={"sex": sex, "answers": veteran.answers | answers})

    with pytest.raises(BusinessRejection) as raised:
        await _deliver(veterans, browsers, recorder, refused)

    assert raised.value.user_message == reason
    assert await records(veterans) == []
    assert recorder.evidence == []


@pytest.mark.parametrize(
    ("conditions", "message", "reads"),
    [
        ({"down": True}, "系统维护", 0),  # her account is not even read
        ({"error_rate": 1.0}, "系统繁忙", 0),
        ({"session_timeout_s": 0.000001}, "会话已过期", 1),  # logged in, then thrown out
    ],
    ids=["maintenance", "busy", "session-expired"],
)
async def test_a_system_that_cannot_serve_now_is_target_unavailable(
    veterans: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    veteran: Application,
    conditions: dict[str, object],
    message: str,
    reads: int,
) -> None:
    async with httpx.AsyncClient(base_url=veterans) as http:
        (await http.put("/_sim/conditions", json=conditions)).raise_for_status()

    with pytest.raises(TargetUnavailable, match=message):
        await _deliver(veterans, browsers, recorder, veteran)

    assert recorder.credential_reads == reads
    assert await records(veterans) == []


def test_mapping_is_pure_and_covers_the_manifest_fields(veteran: Application) -> None:
    before = veteran.model_dump()

    values = connector.map(veteran)

    assert set(values) == {field.name for field in connector.manifest.fields}
    # The robot fills the wizard by label, so every field's name must be its on-screen label.
    assert set(values) == {field.label for field in connector.manifest.fields}
    assert (values["姓名"], values["出生日期"], values["民族"]) == ("𠮷建国", "1968-04-12", "03")
    assert values["是否享受抚恤补助"] == "否"
    assert connector.map(veteran) == values
    assert veteran.model_dump() == before


async def _decide(base_url: str, receipt_no: str, body: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post(f"/_sim/applications/{receipt_no}/decision", json=body)
        answer.raise_for_status()


async def test_reads_the_reviewers_decision_from_the_search_page(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    receipt = await _deliver(veterans, browsers, recorder, veteran)
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    ctx.ask_human = Person(veterans)
    assert await connector.check_decision(ctx, veteran, receipt.receipt_no) is None

    await _decide(veterans, receipt.receipt_no, {"result": "approved"})
    decision = await connector.check_decision(ctx, veteran, receipt.receipt_no)

    [record] = await records(veterans)
    assert decision is not None
    assert (decision.result, decision.amount, decision.starts_on) == ("approved", None, None)
    assert decision.decided_on == date.fromisoformat(record["decided_on"])


async def test_a_refusal_comes_back_with_the_reviewers_reason(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    receipt = await _deliver(veterans, browsers, recorder, veteran)
    await _decide(veterans, receipt.receipt_no, {"result": "rejected", "reason": "档案不符"})
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    ctx.ask_human = Person(veterans)

    decision = await connector.check_decision(ctx, veteran, receipt.receipt_no)

    assert decision is not None
    assert (decision.result, decision.reason) == ("rejected", "档案不符")


async def test_a_receipt_the_search_does_not_show_means_the_robot_is_broken(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    ctx.ask_human = Person(veterans)

    with pytest.raises(RobotBroken):
        await connector.check_decision(ctx, veteran, "TYJR20260101999999")
