"""The robot against the simulated 2008 system, in a real Chromium, over real HTTP, logging in
with the account of the worker who submitted (what the hub's vault hands out as ctx.credentials)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from connectors.disability_allowance import connector
from connectors.disability_allowance.tests.conftest import (
    COLLEAGUES,
    HERS,
    WRONG_PASSWORD,
    config,
    decide,
    records,
)
from connectors.sdk import Application, BrowserPool
from hub.errors import BusinessRejection, CredentialsRejected

if TYPE_CHECKING:
    from connectors.sdk.testing import DeliveryRecorder

#: How the system stores 𠮷祥英: Chromium posts 𠮷, which GBK lacks, as a character reference.
STORED_RARE_NAME = "&#134071;祥英"


async def test_files_once_as_her_and_returns_the_receipt(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=HERS)

    receipt = await connector.deliver(ctx, application)

    [record] = await records(disability)
    assert receipt.receipt_no == record["receipt_no"]
    assert str(receipt.receipt_no).startswith("CJBT") and not receipt.existing
    assert record["submitted_by"] == HERS.login_name
    assert (record["id_number"], record["disability_card_no"]) == (
        application.id_number,
        f"{application.id_number}41",
    )
    assert (record["subsidy_types"], record["township_code"]) == ("1,2", "320206104")
    assert record["address"] == "惠山区玉祁街道玉祁社区3幢101室"  # GBK both ways, intact
    assert record["applied_on"] == application.applied_on.isoformat()
    assert recorder.credential_reads == 1
    assert {"step": "submitted", "receipt_no": receipt.receipt_no} in recorder.heartbeats
    [(shot, content_type)] = recorder.evidence
    assert (content_type, shot[:4]) == ("image/png", b"\x89PNG")
    assert ctx.evidence_ids == ["evidence-1"]


async def test_a_rare_character_name_round_trips_and_is_found_again_without_a_duplicate(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    first = await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=HERS), application
    )
    # The retry of a worker that died after submitting but before its heartbeat reached the hub.
    retry = await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=HERS), application
    )

    [record] = await records(disability)
    assert record["name"] == STORED_RARE_NAME
    assert (retry.receipt_no, retry.existing) == (first.receipt_no, True)


async def test_a_heartbeated_receipt_is_returned_without_touching_the_target(
    disability: str, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(
        config(disability), browsers=None, previous={"receipt_no": "CJBT20261125000007"}
    )

    receipt = await connector.deliver(ctx, application)

    assert (receipt.receipt_no, receipt.existing) == ("CJBT20261125000007", True)
    assert await records(disability) == []
    assert recorder.credential_reads == 0  # her account is not even read when not needed


async def test_a_refused_earlier_application_does_not_stop_a_new_one(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    first = await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=HERS), application
    )
    await decide(disability, first.receipt_no, {"result": "rejected", "reason": "材料不全"})

    again = await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=HERS), application
    )

    assert not again.existing and again.receipt_no != first.receipt_no
    assert len(await records(disability)) == 2


async def test_a_standing_application_for_one_of_the_subsidies_is_not_filed_over(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    living_only = application.model_copy(
        update={"answers": application.answers | {"subsidy_types": "living"}}
    )
    first = await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=HERS), living_only
    )

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(
            recorder.context(config(disability), browsers=browsers, account=HERS), application
        )

    assert raised.value.user_message == (
        f"该残疾人已有困难残疾人生活补贴申请（受理编号{first.receipt_no}，状态已受理），请勿重复申请"
    )
    assert len(await records(disability)) == 1


@pytest.mark.parametrize(
    ("answers", "reasons"),
    [
        (
            {"disability_grade": "3", "disability_card_no": "32020619420315124X43"},
            "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请",
        ),
        (
            {"disability_category": "5", "bank_account": "1234"},
            "残疾证号与残疾类别不一致；银行账号应为16至19位数字",
        ),
    ],
)
async def test_the_systems_refusal_is_a_business_rejection_in_its_own_words(
    disability: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
    answers: dict[str, str],
    reasons: str,
) -> None:
    refused = application.model_copy(update={"answers": application.answers | answers})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(
            recorder.context(config(disability), browsers=browsers, account=HERS), refused
        )

    assert raised.value.user_message == reasons
    assert await records(disability) == []
    assert recorder.evidence == []


async def test_wrong_password_is_credentials_rejected(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=WRONG_PASSWORD)

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, application)

    assert await records(disability) == []


async def test_without_a_bound_account_the_robot_files_nothing(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=None)

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, application)

    assert await records(disability) == []


async def test_each_record_is_filed_under_the_account_of_the_worker_who_submitted(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    await connector.deliver(
        recorder.context(config(disability), browsers=browsers, account=COLLEAGUES), application
    )

    [record] = await records(disability)
    assert record["submitted_by"] == COLLEAGUES.login_name


async def test_check_login_accepts_her_account_and_files_nothing(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    await connector.check_login(
        recorder.context(config(disability), browsers=browsers, account=HERS)
    )

    assert recorder.credential_reads == 1
    assert await records(disability) == []


async def test_check_login_refuses_a_wrong_password(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=WRONG_PASSWORD)

    with pytest.raises(CredentialsRejected):
        await connector.check_login(ctx)


def test_mapping_is_pure_and_covers_the_manifest_fields(application: Application) -> None:
    before = application.model_dump()

    values = connector.map(application)

    assert set(values) == {field.name for field in connector.manifest.fields}
    assert set(values) == {field.label for field in connector.manifest.fields}
    assert values["补贴类型"] == "困难残疾人生活补贴、重度残疾人护理补贴"
    assert values["所在地区"] == "320206104"  # the township of community 320206104001
    assert values["姓名"] == "𠮷祥英"  # typed as it is; the browser makes it GBK-safe
    assert connector.map(application) == values
    assert application.model_dump() == before
