"""Every bundled form is collected into the data-sharing platform through its own
`[mappings.city_data]` table (forms/*.toml): the table's fields, delivered by the connector,
make a record the simulated platform accepts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.city_data import connector
from connectors.city_data._mapping import to_target
from connectors.sdk import Application
from connectors.sdk.testing import DeliveryRecorder, sample_application, serve
from hub.forms import FORMS, target_fields
from simulators.city_data import create_app

API_KEY = "test-city-data-api-key"
#: What each form's table makes of the SDK's sample answers: business type, summary.
EXPECTED = {
    "elderly-allowance": ("高龄津贴", "90-99周岁"),
    "veterans-info": ("退役军人信息采集", ""),  # no hardship in the sample
    "disability-allowance": ("残疾人两项补贴", "困难残疾人生活补贴、重度残疾人护理补贴"),
    "minimum-living": ("最低生活保障", "因病丧失劳动能力，无固定收入"),
    "house-safety": ("房屋安全排查", "C；北侧承重墙斜向开裂，屋面渗漏"),
}


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[str]:
    with serve(create_app(db_path=tmp_path / "city_data.db", api_keys={API_KEY})) as base_url:
        yield base_url


def _snapshot(application: Application) -> dict[str, str]:
    """The application's values as a submission keeps them: one flat mapping, dates ISO."""
    facts = application.model_dump(exclude={"form_id", "answers", "mapped"}, mode="json")
    return facts | application.answers


async def _records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        records: list[dict[str, Any]] = (await http.get("/_sim/records")).json()
        return records


def test_the_five_resident_forms_go_to_the_platform() -> None:
    collected = {form_id for form_id, template in FORMS.items() if "city_data" in template.targets}

    assert collected == set(EXPECTED)


@pytest.mark.parametrize("form_id", sorted(EXPECTED))
async def test_the_forms_table_makes_a_record_the_platform_collects(
    form_id: str, platform: str, recorder: DeliveryRecorder
) -> None:
    application = sample_application(form_id)
    mapped = target_fields(FORMS[form_id], connector.manifest, _snapshot(application))
    assert mapped is not None, f"{form_id} has no [mappings.city_data] table"

    ctx = recorder.context({"base_url": platform, "api_key": API_KEY})
    receipt = await connector.deliver(ctx, application.model_copy(update={"mapped": mapped}))

    [record] = await _records(platform)
    assert receipt.receipt_no == record["receipt_no"]
    assert (record["business_type"], record["summary"]) == EXPECTED[form_id]
    assert (record["id_number"], record["business_date"]) == (
        application.id_number,
        application.applied_on.isoformat(),
    )
    # The connector's own mapping, for a version without the table, names the same business.
    assert to_target(application)["business_type"] == record["business_type"]
