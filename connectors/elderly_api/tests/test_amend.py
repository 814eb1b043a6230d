"""修改: amending what the connector filed at the simulated city platform, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.elderly_api import connector
from connectors.sdk import Amends, Application
from connectors.sdk.testing import DeliveryRecorder, serve
from hub.errors import BusinessRejection, RobotBroken
from simulators import create_elderly_api_app

API_KEY = "test-elderly-api-key"
KEY = "sub-0001:elderly_api"
NEW_PHONE = "13900000000"


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[str]:
    """The simulated platform's base URL, with a fresh database."""
    app = create_elderly_api_app(db_path=tmp_path / "elderly_api.db", api_keys={API_KEY})
    with serve(app) as base_url:
        yield base_url


def _config(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "api_key": API_KEY}


async def _records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        records: list[dict[str, Any]] = response.json()
        return records


async def _decide(base_url: str, receipt_no: str, body: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post(f"/_sim/applications/{receipt_no}/decision", json=body)
        answer.raise_for_status()


def test_the_connector_can_amend() -> None:
    assert isinstance(connector, Amends)


async def test_amending_replaces_the_filed_record_under_the_same_receipt(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    filed = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )
    corrected = application.model_copy(update={"phone": NEW_PHONE})

    receipt = await connector.amend(
        recorder.context(_config(platform)), corrected, filed.receipt_no
    )

    assert (receipt.receipt_no, receipt.existing) == (filed.receipt_no, False)
    [record] = await _records(platform)
    assert (record["receipt_no"], record["phone"]) == (filed.receipt_no, NEW_PHONE)
    assert record["amendments"] == 1
    assert record["name"] == application.name  # the rest as filed, 𠮷 intact
    assert recorder.heartbeats[-1] == {"step": "amended", "receipt_no": filed.receipt_no}


async def test_a_decided_application_is_refused_in_the_platforms_words(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    filed = await connector.deliver(recorder.context(_config(platform)), application)
    await _decide(platform, filed.receipt_no, {"result": "approved"})
    corrected = application.model_copy(update={"phone": NEW_PHONE})

    with pytest.raises(BusinessRejection) as raised:
        await connector.amend(recorder.context(_config(platform)), corrected, filed.receipt_no)

    assert raised.value.user_message == "该申请已审核，不能修改"
    [record] = await _records(platform)
    assert (record["phone"], record["amendments"]) == (application.phone, 0)
    assert {"step": "amended", "receipt_no": filed.receipt_no} not in recorder.heartbeats


async def test_another_allowance_type_is_refused_as_a_new_application(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    filed = await connector.deliver(recorder.context(_config(platform)), application)
    # Valid for her on her 90th birthday, but not as an amendment of her 80-89 application.
    answers = application.answers | {"allowance_type": "90-99"}
    later = application.model_copy(
        update={"answers": answers, "applied_on": _ninetieth_birthday(application)}
    )

    with pytest.raises(BusinessRejection) as raised:
        await connector.amend(recorder.context(_config(platform)), later, filed.receipt_no)

    assert "津贴类别不能修改" in raised.value.user_message
    [record] = await _records(platform)
    assert record["allowance_type"] == "80-89"


async def test_amending_a_receipt_the_platform_does_not_know_is_a_broken_connector(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    with pytest.raises(RobotBroken):
        await connector.amend(recorder.context(_config(platform)), application, "YL20260101999999")


async def test_a_retry_after_the_amendment_was_answered_sends_nothing(
    recorder: DeliveryRecorder, application: Application
) -> None:
    # Nothing listens at this address: any request would fail the test.
    previous = {"step": "amended", "receipt_no": "YL1"}
    ctx = recorder.context(_config("http://127.0.0.1:9"), previous=previous)

    receipt = await connector.amend(ctx, application, "YL1")

    assert receipt.receipt_no == "YL1"


def _ninetieth_birthday(application: Application) -> date:
    return application.birth_date.replace(year=application.birth_date.year + 90)
