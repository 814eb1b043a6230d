"""The robot against the simulated 社会救助 system, in a real Chromium, over real HTTP, acting as
the worker who submitted with an access token for that system (what ctx.sso_token hands out):
filing exactly once, the system's refusals, the evidence. Tokens themselves: test_sso.py.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jwt
import pytest

from connectors.conftest import RARE_NAME
from connectors.sdk import Application, BrowserPool
from connectors.social_assistance import connector
from connectors.social_assistance.tests._support import (
    USER,
    TokenSource,
    delivery_context,
    records,
    simulator,
)
from hub.errors import BusinessRejection, RobotBroken, TargetUnavailable
from tests._servers import serve

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

ABOVE_STANDARD = "家庭月人均收入高于本地低保标准（1165元），不符合申请条件"
#: The colour Playwright paints masked elements with in a screenshot.
MASK_RGB = (255, 0, 255)


async def test_files_once_as_the_worker_and_returns_the_receipt(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    ctx = delivery_context(recorder, social_assistance, her_token, browsers=browsers)

    receipt = await connector.deliver(ctx, dibao)

    [record] = await records(social_assistance)
    assert receipt.receipt_no == record["receipt_no"]
    assert receipt.receipt_no.startswith("SHJZ")
    assert not receipt.existing
    assert record["submitted_by"] == USER  # filed as her, through her token
    assert {name: record[name] for name in _SIMULATOR_FIELDS} == {
        "name": RARE_NAME,
        "id_number": dibao.id_number,
        "sex": "2",
        "household_size": "2",
        "monthly_income": "520.00",
        "address": dibao.address,
        "community": dibao.community_name,
        "application_reason": dibao.answer("application_reason"),
        "phone": dibao.phone,
        "applied_on": dibao.applied_on.isoformat(),
    }
    assert her_token.reads == 1
    assert {"step": "submitted", "receipt_no": receipt.receipt_no} in recorder.heartbeats


_SIMULATOR_FIELDS = (
    "name",
    "id_number",
    "sex",
    "household_size",
    "monthly_income",
    "address",
    "community",
    "application_reason",
    "phone",
    "applied_on",
)


async def test_a_second_delivery_returns_the_existing_receipt_instead_of_filing_again(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    first = await connector.deliver(
        delivery_context(recorder, social_assistance, her_token, browsers=browsers), dibao
    )
    # The retry of a worker that died after submitting but before its heartbeat reached the hub.
    retry = await connector.deliver(
        delivery_context(recorder, social_assistance, her_token, browsers=browsers), dibao
    )

    assert retry.existing
    assert retry.receipt_no == first.receipt_no
    assert len(await records(social_assistance)) == 1


@pytest.mark.parametrize(("decision", "files_again"), [("approved", False), ("rejected", True)])
async def test_only_a_refused_earlier_application_lets_her_apply_again(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
    decision: str,
    files_again: bool,
) -> None:
    earlier = await connector.deliver(
        delivery_context(recorder, social_assistance, her_token, browsers=browsers), dibao
    )
    async with httpx.AsyncClient(base_url=social_assistance) as http:
        decided = await http.post(
            f"/_sim/applications/{earlier.receipt_no}/decision",
            json={"result": decision, "reason": "家庭财产超过规定标准"},
        )
        decided.raise_for_status()

    again = await connector.deliver(
        delivery_context(recorder, social_assistance, her_token, browsers=browsers), dibao
    )

    assert again.existing is not files_again
    assert (again.receipt_no != earlier.receipt_no) is files_again
    assert len(await records(social_assistance)) == (2 if files_again else 1)


async def test_heartbeated_receipt_is_returned_without_the_browser_or_her_token(
    social_assistance: str, recorder: DeliveryRecorder, her_token: TokenSource, dibao: Application
) -> None:
    previous = {"receipt_no": "SHJZ20261125000007"}
    ctx = delivery_context(recorder, social_assistance, her_token, browsers=None, previous=previous)

    receipt = await connector.deliver(ctx, dibao)

    assert (receipt.receipt_no, receipt.existing) == ("SHJZ20261125000007", True)
    assert await records(social_assistance) == []
    assert her_token.reads == 0


async def test_income_above_the_standard_is_a_business_rejection_in_the_systems_words(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    too_much = dibao.model_copy(update={"answers": {**dibao.answers, "monthly_income": "1500"}})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(
            delivery_context(recorder, social_assistance, her_token, browsers=browsers), too_much
        )

    assert raised.value.user_message == ABOVE_STANDARD
    assert await records(social_assistance) == []
    assert recorder.evidence == []
    assert not any(beat.get("step") == "submitted" for beat in recorder.heartbeats)


async def test_every_reason_the_system_gives_reaches_the_worker(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    # Her ID number's 17th digit is even (female); the system refuses 男 as well as the income.
    both = dibao.model_copy(
        update={"sex": "1", "answers": {**dibao.answers, "monthly_income": "1500"}}
    )

    ctx = delivery_context(recorder, social_assistance, her_token, browsers=browsers)

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(ctx, both)

    assert raised.value.user_message == f"性别与公民身份号码不一致；{ABOVE_STANDARD}"


async def test_the_confirmation_is_kept_as_evidence_with_the_resident_painted_over(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    ctx = delivery_context(recorder, social_assistance, her_token, browsers=browsers)

    await connector.deliver(ctx, dibao)

    [(shot, content_type)] = recorder.evidence
    assert content_type == "image/png"
    assert shot.startswith(b"\x89PNG")
    assert ctx.evidence_ids == ["evidence-1"]
    # The mask matched the 申请人 line: a mask whose locator finds nothing paints nothing.
    assert await _pixels_of_colour(browsers, shot, MASK_RGB) > 1000


class _KeycloakDown(jwt.PyJWKClient):
    """Signing keys that cannot be fetched: the system answers every page with 503."""

    def __init__(self) -> None:
        super().__init__("http://jwks.invalid/certs")

    def fetch_data(self) -> Any:
        raise jwt.PyJWKClientConnectionError("Keycloak unreachable")


async def test_a_system_answering_503_is_unavailable_and_files_nothing(
    tmp_path: Path,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    with serve(simulator(tmp_path, _KeycloakDown())) as base_url:
        ctx = delivery_context(recorder, base_url, her_token, browsers=browsers)
        with pytest.raises(TargetUnavailable):
            await connector.deliver(ctx, dibao)

        assert await records(base_url) == []


async def test_a_page_that_is_not_there_means_the_robot_is_broken(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    ctx = delivery_context(recorder, f"{social_assistance}/moved", her_token, browsers=browsers)

    with pytest.raises(RobotBroken):
        await connector.deliver(ctx, dibao)

    assert await records(social_assistance) == []


def test_mapping_is_pure_and_covers_the_manifest_fields(dibao: Application) -> None:
    before = dibao.model_dump()

    values = connector.map(dibao)

    assert set(values) == {field.name for field in connector.manifest.fields}
    # The robot fills the form by label, so every field's name must be its on-screen label.
    assert set(values) == {field.label for field in connector.manifest.fields}
    assert values["申请人姓名"] == RARE_NAME
    assert values["所属社区"] == dibao.community_name
    assert values["性别"] == "2"
    assert values["申请日期"] == dibao.applied_on.isoformat()
    assert connector.map(dibao) == values
    assert dibao.model_dump() == before


async def _pixels_of_colour(browsers: BrowserPool, png: bytes, rgb: tuple[int, int, int]) -> int:
    """How many pixels of the PNG have exactly this colour, decoded by the browser itself."""
    async with browsers.context() as context:
        page = await context.new_page()
        count: int = await page.evaluate(
            """async ([data, [r, g, b]]) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.createElement("canvas");
                canvas.width = image.width;
                canvas.height = image.height;
                const drawing = canvas.getContext("2d");
                drawing.drawImage(image, 0, 0);
                const pixels = drawing.getImageData(0, 0, image.width, image.height).data;
                let count = 0;
                for (let i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) count++;
                }
                return count;
            }""",
            [base64.b64encode(png).decode(), list(rgb)],
        )
        return count
