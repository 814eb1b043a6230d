"""The API client against the simulated city platform, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.types import ASGIApp

from connectors.elderly_api import connector
from connectors.sdk import Application
from connectors.sdk.testing import answering as _answering
from connectors.sdk.testing import api_config, free_port, lagging_lookup
from connectors.sdk.testing import sim_decide as _decide
from connectors.sdk.testing import sim_records as _records
from hub.errors import BusinessRejection, ConfigurationError, RobotBroken, TargetUnavailable
from simulators import create_elderly_api_app
from tests._servers import HOST, serve

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

API_KEY = "test-elderly-api-key"
KEY = "sub-0001:elderly_api"
PATH = "/api/v1/allowance-applications"


@pytest.fixture
def simulator(tmp_path: Path) -> ASGIApp:
    return create_elderly_api_app(db_path=tmp_path / "elderly_api.db", api_keys={API_KEY})


@pytest.fixture
def platform(simulator: ASGIApp) -> Iterator[str]:
    """The simulated platform's base URL, with a fresh database."""
    with serve(simulator) as base_url:
        yield base_url


def _config(base_url: str, api_key: str = API_KEY) -> dict[str, str]:
    return api_config(base_url, api_key)


async def test_delivers_once_and_returns_receipt(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    receipt = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )

    [record] = await _records(platform)
    assert receipt.receipt_no == record["receipt_no"]
    assert receipt.receipt_no.startswith("YL")
    assert not receipt.existing
    assert record["name"] == "𠮷祥英"
    assert record["idempotency_key"] == KEY
    assert {"step": "submitted", "receipt_no": receipt.receipt_no} in recorder.heartbeats


async def test_retry_after_lost_response_finds_the_record_instead_of_filing_again(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    first = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )
    # The retry of an attempt whose response was lost: same delivery, same idempotency key.
    retry = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )

    assert retry.existing
    assert retry.receipt_no == first.receipt_no
    assert len(await _records(platform)) == 1


async def test_a_receipt_heartbeated_by_an_earlier_attempt_is_returned_without_a_call(
    recorder: DeliveryRecorder, application: Application
) -> None:
    # Nothing listens at this address: any request would fail the test.
    ctx = recorder.context(
        _config("http://127.0.0.1:9"), idempotency_key=KEY, previous={"receipt_no": "YL1"}
    )

    receipt = await connector.deliver(ctx, application)

    assert (receipt.receipt_no, receipt.existing) == ("YL1", True)


async def test_person_already_on_the_platform_is_not_filed_again(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    first = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )
    # Another submission for the same person and allowance: a new key, so only the look-up helps.
    again = await connector.deliver(
        recorder.context(_config(platform), idempotency_key="sub-0002:elderly_api"), application
    )

    assert again.existing
    assert again.receipt_no == first.receipt_no
    assert len(await _records(platform)) == 1


async def test_replayed_post_with_same_key_creates_nothing(
    simulator: ASGIApp, recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(lagging_lookup(simulator, PATH)) as base_url:
        # An earlier attempt's POST arrived, but its answer never came back.
        async with httpx.AsyncClient(base_url=base_url) as http:
            earlier = await http.post(
                PATH,
                json=connector.map(application),
                headers={"X-API-Key": API_KEY, "Idempotency-Key": KEY},
            )
        assert earlier.status_code == 201

        # The look-up misses it, so only the Idempotency-Key stands between us and a duplicate.
        receipt = await connector.deliver(
            recorder.context(_config(base_url), idempotency_key=KEY), application
        )

        assert receipt.receipt_no == earlier.json()["receipt_no"]
        assert receipt.existing
        assert len(await _records(base_url)) == 1


async def test_same_key_for_a_different_body_is_a_broken_connector(
    simulator: ASGIApp, recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(lagging_lookup(simulator, PATH)) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as http:
            earlier = await http.post(
                PATH,
                json=connector.map(application) | {"phone": "13900000000"},
                headers={"X-API-Key": API_KEY, "Idempotency-Key": KEY},
            )
        assert earlier.status_code == 201

        with pytest.raises(RobotBroken):
            await connector.deliver(
                recorder.context(_config(base_url), idempotency_key=KEY), application
            )

        assert len(await _records(base_url)) == 1


async def test_platform_rejection_is_a_business_rejection_with_the_platforms_reason(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    # Her ID number's 17th digit is even (female); the platform refuses 男.
    male = application.model_copy(update={"sex": "1"})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(recorder.context(_config(platform), idempotency_key=KEY), male)

    assert "性别与公民身份号码不一致" in raised.value.user_message
    assert await _records(platform) == []


async def test_wrong_api_key_is_for_it_to_fix(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(_config(platform, api_key="not-the-key"), idempotency_key=KEY)

    with pytest.raises(ConfigurationError):
        await connector.deliver(ctx, application)

    assert await _records(platform) == []


async def test_unreachable_platform_is_target_unavailable(
    recorder: DeliveryRecorder, application: Application
) -> None:
    port = free_port(HOST)
    ctx = recorder.context(_config(f"http://{HOST}:{port}"), idempotency_key=KEY)

    with pytest.raises(TargetUnavailable):
        await connector.deliver(ctx, application)


@pytest.mark.parametrize("status", [429, 503])
async def test_busy_platform_is_target_unavailable(
    status: int, recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(_answering(status)) as base_url:
        ctx = recorder.context(_config(base_url), idempotency_key=KEY)

        with pytest.raises(TargetUnavailable):
            await connector.deliver(ctx, application)


def test_mapping_is_pure_and_covers_the_manifest_fields(application: Application) -> None:
    before = application.model_dump()

    body = connector.map(application)

    assert set(body) == {field.name for field in connector.manifest.fields}
    assert body["name"] == "𠮷祥英"
    assert body["birth_date"] == "1942-03-15"
    assert connector.map(application) == body
    assert application.model_dump() == before


async def test_reads_the_platforms_decision_by_receipt(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(_config(platform))
    receipt = await connector.deliver(ctx, application)
    assert await connector.check_decision(ctx, application, receipt.receipt_no) is None

    await _decide(platform, receipt.receipt_no, {"result": "approved"})
    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    [record] = await _records(platform)
    assert decision is not None
    assert (decision.result, decision.amount_per) == ("approved", "月")
    assert decision.amount == Decimal(record["monthly_amount"])
    assert decision.starts_on == date.fromisoformat(f"{record['start_month']}-01")
    assert decision.decided_on == date.fromisoformat(record["decided_on"])


async def test_a_refusal_comes_back_with_the_platforms_reason(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(_config(platform))
    receipt = await connector.deliver(ctx, application)
    await _decide(platform, receipt.receipt_no, {"result": "rejected", "reason": "户籍不在本市"})

    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    assert decision is not None
    assert (decision.result, decision.reason, decision.amount) == ("rejected", "户籍不在本市", None)


async def test_an_unknown_receipt_means_the_connector_is_broken(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    with pytest.raises(RobotBroken):
        await connector.check_decision(
            recorder.context(_config(platform)), application, "YL20260101999999"
        )
