"""What each connector is told about its system: the built-in defaults, HUB_CONNECTORS over them."""

from __future__ import annotations

import pytest

from hub.connector_config import connector_configs
from hub.settings import Settings, SimulatorSettings


def test_built_in_connectors_point_at_the_simulators_by_default() -> None:
    settings = Settings(simulators=SimulatorSettings(housing_port=9104, city_data_port=9107))

    configs = connector_configs(settings)

    assert configs["housing_safety"]["base_url"] == "http://127.0.0.1:9104"
    assert configs["city_data"] == {
        "base_url": "http://127.0.0.1:9107",
        "api_key": "dev-city-data-api-key",
    }
    assert configs["social_assistance"]["sso_audience"] == "social-assistance"


def test_hub_connectors_overrides_key_by_key_and_adds_connectors_from_other_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "HUB_CONNECTORS",
        '{"housing_safety": {"base_url": "https://fwaq.example.gov.cn"},'
        ' "street_lights": {"base_url": "https://ld.example.gov.cn"}}',
    )

    configs = connector_configs(Settings())

    assert configs["housing_safety"] == {
        "base_url": "https://fwaq.example.gov.cn",
        "api_key": "dev-housing-api-key",  # kept: only base_url was given
    }
    assert configs["street_lights"] == {"base_url": "https://ld.example.gov.cn"}
