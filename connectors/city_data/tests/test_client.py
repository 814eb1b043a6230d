"""The API client against the simulated data-sharing platform, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from connectors.city_data import connector
from connectors.sdk import Application
from connectors.sdk.testing import (
    HOST,
    DeliveryRecorder,
    api_config,
    free_port,
    lagging_lookup,
    post_json,
    sample_application,
    serve,
)
from connectors.sdk.testing import answering as _answering
from connectors.sdk.testing import sim_records as _records
from hub.errors import BusinessRejection, ConfigurationError, RobotBroken, TargetUnavailable
from simulators._conditions import Conditions
from simulators.city_data import create_app

API_KEY = "test-city-data-api-key"
KEY = "sub-0001:city_data"
PATH = "/api/v1/records"


@pytest.fixture
def simulator(tmp_path: Path) -> ASGIApp:
    return create_app(db_path=tmp_path / "city_data.db", api_keys={API_KEY})


@pytest.fixture
def platform(simulator: ASGIApp) -> Iterator[str]:
    """The simulated platform's base URL, with a fresh database."""
    with serve(simulator) as base_url:
        yield base_url


def _config(base_url: str, api_key: str = API_KEY) -> dict[str, str]:
    return api_config(base_url, api_key)


async def _post(base_url: str, body: dict[str, str], key: str | None = None) -> httpx.Response:
    return await post_json(base_url, PATH, body, api_key=API_KEY, key=key)


async def test_collects_once_and_heartbeats_the_receipt(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    receipt = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )

    [record] = await _records(platform)
    assert (receipt.receipt_no, receipt.existing) == (record["receipt_no"], False)
    assert receipt.receipt_no.startswith("SJGJ-")
    assert {k: record[k] for k in connector.map(application)} == connector.map(application)
    assert (record["business_type"], record["name"]) == ("高龄津贴", "𠮷祥英")
    assert record["idempotency_key"] == KEY
    assert recorder.heartbeats[-1] == {"step": "submitted", "receipt_no": receipt.receipt_no}


async def test_a_retry_or_a_second_submission_finds_the_record_instead_of_filing_again(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    first = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )
    retry = await connector.deliver(
        recorder.context(_config(platform), idempotency_key=KEY), application
    )
    # Another submission of the same business: a new key, so only the look-up helps.
    other = recorder.context(_config(platform), idempotency_key="sub-0002:city_data")
    again = await connector.deliver(other, application)

    assert [r.receipt_no for r in (retry, again)] == [first.receipt_no] * 2
    assert retry.existing and again.existing
    assert len(await _records(platform)) == 1


async def test_a_receipt_read_by_an_earlier_attempt_is_returned_without_asking(
    recorder: DeliveryRecorder, application: Application
) -> None:
    # Nothing listens there: any request would fail.
    ctx = recorder.context(_config(f"http://{HOST}:9"), previous={"receipt_no": "SJGJ-2026-000001"})

    receipt = await connector.deliver(ctx, application)

    assert (receipt.receipt_no, receipt.existing) == ("SJGJ-2026-000001", True)


async def test_the_idempotency_key_stops_a_duplicate_the_lookup_missed(
    simulator: ASGIApp, recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(lagging_lookup(simulator, PATH)) as base_url:
        # An earlier attempt's POST arrived, but its answer never came back.
        earlier = await _post(base_url, connector.map(application), key=KEY)
        assert earlier.status_code == 201

        receipt = await connector.deliver(
            recorder.context(_config(base_url), idempotency_key=KEY), application
        )

        assert (receipt.receipt_no, receipt.existing) == (earlier.json()["receipt_no"], True)
        assert len(await _records(base_url)) == 1


async def test_the_same_key_for_a_different_body_is_a_broken_connector(
    simulator: ASGIApp, recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(lagging_lookup(simulator, PATH)) as base_url:
        changed = connector.map(application) | {"phone": "13900000000"}
        assert (await _post(base_url, changed, key=KEY)).status_code == 201

        with pytest.raises(RobotBroken):
            await connector.deliver(
                recorder.context(_config(base_url), idempotency_key=KEY), application
            )

        assert len(await _records(base_url)) == 1


async def test_another_business_or_another_day_of_the_same_person_is_collected_again(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    yesterday = application.model_copy(
        update={"applied_on": application.applied_on - timedelta(days=1)}
    )
    house = application.model_copy(update={"form_id": "house-safety"})

    for number, each in enumerate((application, yesterday, house)):
        ctx = recorder.context(_config(platform), idempotency_key=f"sub-{number}:city_data")
        assert not (await connector.deliver(ctx, each)).existing

    records = await _records(platform)
    assert [r["business_type"] for r in records] == ["高龄津贴", "高龄津贴", "房屋安全排查"]
    assert len({r["receipt_no"] for r in records}) == 3


async def test_what_the_forms_own_mapping_made_is_what_is_collected(
    platform: str, recorder: DeliveryRecorder
) -> None:
    house = sample_application("house-safety")
    mapped = connector.map(house) | {"summary": "C；北侧承重墙斜向开裂", "address": ""}
    from_template = house.model_copy(update={"mapped": mapped})

    await connector.deliver(recorder.context(_config(platform)), from_template)

    [record] = await _records(platform)
    assert {k: record[k] for k in mapped} == mapped
    assert (record["business_type"], record["summary"]) == ("房屋安全排查", "C；北侧承重墙斜向开裂")


async def test_a_refusal_is_a_business_rejection_with_the_platforms_reason(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    # Her ID number's 17th digit is even (female); the platform refuses 男.
    male = application.model_copy(update={"sex": "1"})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(recorder.context(_config(platform)), male)

    assert raised.value.user_message == "性别与公民身份号码不一致"
    assert await _records(platform) == []


@pytest.mark.parametrize(
    "config", [_config("http://127.0.0.1:9", api_key=""), _config("https://example.org")]
)
async def test_a_missing_key_or_a_host_outside_the_manifest_is_refused_before_sending(
    recorder: DeliveryRecorder, application: Application, config: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError):
        await connector.deliver(recorder.context(config), application)


async def test_a_wrong_api_key_is_a_configuration_error(
    platform: str, recorder: DeliveryRecorder, application: Application
) -> None:
    with pytest.raises(ConfigurationError):
        await connector.deliver(recorder.context(_config(platform, api_key="nope")), application)

    assert await _records(platform) == []


async def test_over_the_rate_limit_is_target_unavailable_with_the_platforms_wait(
    tmp_path: Path, recorder: DeliveryRecorder, application: Application
) -> None:
    app = create_app(db_path=tmp_path / "c.db", api_keys={API_KEY}, rate_limit_per_minute=1)
    with serve(app) as base_url:
        neighbour = connector.map(application) | {"id_number": "320206193607080025"}
        neighbour |= {"birth_date": "1936-07-08"}
        assert (await _post(base_url, neighbour)).status_code == 201

        with pytest.raises(TargetUnavailable, match="429") as refused:
            await connector.deliver(recorder.context(_config(base_url)), application)
        # The platform's own wait comes back with the error, for the next attempt to honour.
        assert refused.value.retry_after_s is not None and 0 < refused.value.retry_after_s <= 60

        assert len(await _records(base_url)) == 1


async def test_a_platform_that_is_down_is_target_unavailable(
    tmp_path: Path, recorder: DeliveryRecorder, application: Application
) -> None:
    app = create_app(
        db_path=tmp_path / "c.db", api_keys={API_KEY}, conditions=Conditions(down=True)
    )
    with serve(app) as base_url:
        with pytest.raises(TargetUnavailable, match="503"):
            await connector.deliver(recorder.context(_config(base_url)), application)

        assert await _records(base_url) == []


async def test_an_unreachable_platform_is_target_unavailable(
    recorder: DeliveryRecorder, application: Application
) -> None:
    port = free_port(HOST)

    with pytest.raises(TargetUnavailable):
        await connector.deliver(recorder.context(_config(f"http://{HOST}:{port}")), application)


@pytest.mark.parametrize(
    ("status", "error"), [(500, TargetUnavailable), (502, TargetUnavailable), (418, RobotBroken)]
)
async def test_other_statuses_follow_the_error_table(
    status: int, error: type[Exception], recorder: DeliveryRecorder, application: Application
) -> None:
    with serve(_answering(status)) as base_url, pytest.raises(error):
        await connector.deliver(recorder.context(_config(base_url)), application)


def test_mapping_is_pure_and_covers_the_manifest_fields(application: Application) -> None:
    before = application.model_dump()

    body = connector.map(application)

    assert set(body) == {field.name for field in connector.manifest.fields}
    assert body["business_date"] == application.applied_on.isoformat()
    assert (body["name"], body["birth_date"], body["summary"]) == ("𠮷祥英", "1942-03-15", "")
    assert connector.map(application) == body and application.model_dump() == before


def test_a_form_the_connector_has_no_business_type_for_is_for_it_to_map(
    application: Application,
) -> None:
    street_lights = application.model_copy(update={"form_id": "street-lights"})

    with pytest.raises(ConfigurationError, match="street-lights"):
        connector.map(street_lights)
