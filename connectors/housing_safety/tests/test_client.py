"""The API client against the simulated housing-safety platform, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.types import ASGIApp

from connectors.housing_safety import connector
from connectors.sdk import Application
from connectors.sdk.testing import answering as _answering
from connectors.sdk.testing import api_config, free_port, lagging_lookup, post_json
from connectors.sdk.testing import sim_decide as _decide
from connectors.sdk.testing import sim_records as _records
from hub.errors import BusinessRejection, ConfigurationError, RobotBroken, TargetUnavailable
from simulators._conditions import Conditions
from simulators.housing_api import create_app
from tests._servers import HOST, serve

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

API_KEY = "test-housing-api-key"
KEY = "sub-0001:housing_safety"
PATH = "/api/v1/house-inspections"
# A few days back: never "in the future" for the platform, whatever the machine's time zone.
INSPECTED = date.today() - timedelta(days=3)


@pytest.fixture
def simulator(tmp_path: Path) -> ASGIApp:
    return create_app(db_path=tmp_path / "housing_api.db", api_keys={API_KEY})


@pytest.fixture
def platform(simulator: ASGIApp) -> Iterator[str]:
    """The simulated platform's base URL, with a fresh database."""
    with serve(simulator) as base_url:
        yield base_url


@pytest.fixture
def house() -> Application:
    """A C-level (局部危险) brick house; the owner has a rare character in her name."""
    return Application(
        form_id="house-safety",
        name="𠮷祥英",
        id_number="32020619420315124X",
        sex="2",
        birth_date=date(1942, 3, 15),
        phone="13901000315",
        address="江苏省无锡市梁溪区崇安寺街道健康路12号",
        community_code="320213001002",
        community_name="崇安寺街道健康社区",
        answers={
            "structure": "砖混",
            "built_year": "1985",
            "floors": "3",
            "safety_level": "C",
            "hazards": "北侧承重墙斜向开裂",
            "inspector": "王红",
        },
        applied_on=INSPECTED,
    )


def _config(base_url: str, api_key: str = API_KEY) -> dict[str, str]:
    return api_config(base_url, api_key)


async def _post(base_url: str, body: dict[str, str], key: str | None = None) -> httpx.Response:
    return await post_json(base_url, PATH, body, api_key=API_KEY, key=key)


async def test_files_once_and_heartbeats_the_receipt(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    receipt = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), house
    )

    [record] = await _records(platform)
    assert (receipt.receipt_no, receipt.existing) == (record["receipt_no"], False)
    assert receipt.receipt_no.startswith("FWAQ")
    assert {k: record[k] for k in connector.map(house)} == connector.map(house)
    assert (record["owner_name"], record["idempotency_key"]) == ("𠮷祥英", KEY)
    assert recorder.heartbeats[-1] == {"step": "submitted", "receipt_no": receipt.receipt_no}


async def test_a_retry_or_a_second_submission_finds_the_record_instead_of_filing_again(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    first = await connector.deliver(recorder.context(_config(platform), idempotency_key=KEY), house)
    retry = await connector.deliver(recorder.context(_config(platform), idempotency_key=KEY), house)
    other = recorder.context(_config(platform), idempotency_key="sub-0002:housing_safety")
    again = await connector.deliver(other, house)

    assert [r.receipt_no for r in (retry, again)] == [first.receipt_no] * 2
    assert retry.existing and again.existing
    assert len(await _records(platform)) == 1


async def test_a_receipt_read_by_an_earlier_attempt_is_returned_without_asking(
    recorder: DeliveryRecorder, house: Application
) -> None:
    # Nothing listens there: any request would fail.
    ctx = recorder.context(
        _config(f"http://{HOST}:9"), previous={"receipt_no": "FWAQ20261125000001"}
    )

    receipt = await connector.deliver(ctx, house)

    assert (receipt.receipt_no, receipt.existing) == ("FWAQ20261125000001", True)


async def test_the_idempotency_key_stops_a_duplicate_the_lookup_missed(
    simulator: ASGIApp, recorder: DeliveryRecorder, house: Application
) -> None:
    with serve(lagging_lookup(simulator, PATH)) as base_url:
        # An earlier attempt's POST arrived, but its answer never came back.
        earlier = await _post(base_url, connector.map(house), key=KEY)

        receipt = await connector.deliver(
            recorder.context(_config(base_url), idempotency_key=KEY), house
        )

        assert (receipt.receipt_no, receipt.existing) == (earlier.json()["receipt_no"], True)
        assert len(await _records(base_url)) == 1


async def test_the_same_house_inspected_on_another_day_is_filed_again(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    last_year = house.model_copy(update={"applied_on": INSPECTED - timedelta(days=365)})
    first = await connector.deliver(recorder.context(_config(platform)), last_year)

    now = await connector.deliver(recorder.context(_config(platform), idempotency_key=KEY), house)

    assert not now.existing and now.receipt_no != first.receipt_no
    assert len(await _records(platform)) == 2


async def test_a_refusal_is_a_business_rejection_with_the_platforms_reason(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    no_hazards = house.model_copy(update={"answers": house.answers | {"hazards": ""}})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(recorder.context(_config(platform)), no_hazards)

    assert raised.value.user_message == "安全等级为C级或D级时须填写隐患描述"
    assert await _records(platform) == []


@pytest.mark.parametrize(
    "config", [_config("http://127.0.0.1:9", api_key=""), _config("https://example.org")]
)
async def test_missing_key_or_a_host_outside_the_manifest_is_refused_before_sending(
    recorder: DeliveryRecorder, house: Application, config: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError):
        await connector.deliver(recorder.context(config), house)


async def test_a_wrong_api_key_is_a_configuration_error(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    with pytest.raises(ConfigurationError):
        await connector.deliver(recorder.context(_config(platform, api_key="nope")), house)

    assert await _records(platform) == []


async def test_over_the_rate_limit_is_target_unavailable(
    tmp_path: Path, recorder: DeliveryRecorder, house: Application
) -> None:
    app = create_app(db_path=tmp_path / "h.db", api_keys={API_KEY}, rate_limit_per_minute=1)
    with serve(app) as base_url:
        neighbour = connector.map(house) | {"owner_id_number": "320206193607080025"}
        assert (await _post(base_url, neighbour)).status_code == 201

        with pytest.raises(TargetUnavailable, match="429") as refused:
            await connector.deliver(recorder.context(_config(base_url)), house)
        # The platform's own wait comes back with the error, for the next attempt to honour.
        assert refused.value.retry_after_s is not None and 0 < refused.value.retry_after_s <= 60

        assert len(await _records(base_url)) == 1


async def test_a_platform_that_is_down_is_target_unavailable(
    tmp_path: Path, recorder: DeliveryRecorder, house: Application
) -> None:
    app = create_app(
        db_path=tmp_path / "h.db", api_keys={API_KEY}, conditions=Conditions(down=True)
    )
    with serve(app) as base_url:
        with pytest.raises(TargetUnavailable, match="503"):
            await connector.deliver(recorder.context(_config(base_url)), house)

        assert await _records(base_url) == []


async def test_an_unreachable_platform_is_target_unavailable(
    recorder: DeliveryRecorder, house: Application
) -> None:
    port = free_port(HOST)

    with pytest.raises(TargetUnavailable):
        await connector.deliver(recorder.context(_config(f"http://{HOST}:{port}")), house)


@pytest.mark.parametrize(
    ("status", "error"), [(500, TargetUnavailable), (502, TargetUnavailable), (418, RobotBroken)]
)
async def test_other_statuses_follow_the_error_table(
    status: int, error: type[Exception], recorder: DeliveryRecorder, house: Application
) -> None:
    with serve(_answering(status)) as base_url, pytest.raises(error):
        await connector.deliver(recorder.context(_config(base_url)), house)


def test_mapping_is_pure_and_covers_the_manifest_fields(house: Application) -> None:
    before = house.model_dump()

    body = connector.map(house)

    assert set(body) == {field.name for field in connector.manifest.fields}
    assert (body["owner_name"], body["inspected_on"]) == ("𠮷祥英", INSPECTED.isoformat())
    assert connector.map(house) == body and house.model_dump() == before


@pytest.mark.parametrize("reason", ["已现场复核", None])
async def test_a_review_comes_back_as_an_approval_without_an_amount(
    platform: str, recorder: DeliveryRecorder, house: Application, reason: str | None
) -> None:
    ctx = recorder.context(_config(platform))
    receipt = await connector.deliver(ctx, house)
    assert await connector.check_decision(ctx, house, receipt.receipt_no) is None

    await _decide(
        platform,
        receipt.receipt_no,
        {"result": "approved"} | ({"reason": reason} if reason else {}),
    )
    decision = await connector.check_decision(ctx, house, receipt.receipt_no)

    [record] = await _records(platform)
    assert decision is not None
    assert (decision.result, decision.amount, decision.starts_on) == ("approved", None, None)
    assert (decision.decided_on.isoformat(), decision.reason) == (record["decided_on"], reason)


async def test_a_refusal_comes_back_with_the_platforms_reason(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    ctx = recorder.context(_config(platform))
    receipt = await connector.deliver(ctx, house)
    await _decide(platform, receipt.receipt_no, {"result": "rejected", "reason": "等级评定有误"})

    decision = await connector.check_decision(ctx, house, receipt.receipt_no)

    assert decision is not None
    assert (decision.result, decision.reason) == ("rejected", "等级评定有误")


async def test_an_unknown_receipt_means_the_connector_is_broken(
    platform: str, recorder: DeliveryRecorder, house: Application
) -> None:
    with pytest.raises(RobotBroken):
        await connector.check_decision(
            recorder.context(_config(platform)), house, "FWAQ20260101999999"
        )
