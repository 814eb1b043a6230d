"""Conditions: a simulated system slow, failing now and then, down for maintenance, or gone;
the /_sim/ hooks always answer."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from simulators._conditions import BUSY, MAINTENANCE, Conditions, add_conditions


def _system(
    conditions: Conditions, clock: Callable[[], datetime], seed: int = 7
) -> tuple[TestClient, Conditions]:
    app = FastAPI()

    @app.get("/page")
    def page() -> dict[str, bool]:
        return {"served": True}

    @app.get("/api/v1/thing")
    def thing() -> dict[str, bool]:
        return {"served": True}

    @app.get("/_sim/records")
    def records() -> list[str]:
        return []

    current = add_conditions(app, conditions, clock=clock, rng=random.Random(seed))
    return TestClient(app), current


def test_a_healthy_system_serves_everything(clock) -> None:
    client, _ = _system(Conditions(), clock)

    assert client.get("/page").json() == {"served": True}


def test_down_answers_503_in_html_for_pages_and_json_for_the_api(clock) -> None:
    client, _ = _system(Conditions(down=True), clock)

    page = client.get("/page")
    assert (page.status_code, page.headers["retry-after"]) == (503, "30")
    assert MAINTENANCE in page.text and page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/thing")
    assert api.status_code == 503 and api.json()["message"] == MAINTENANCE
    assert client.get("/_sim/records").status_code == 200  # tests can always count


@pytest.mark.parametrize(
    ("window", "at", "out"),
    [
        ("01:00-05:00", (3, 0), True),
        ("01:00-05:00", (5, 0), False),  # the end is open
        ("23:00-01:00", (0, 30), True),  # across midnight
        ("23:00-01:00", (12, 0), False),
    ],
)
def test_a_nightly_maintenance_window(clock, set_clock, window, at, out) -> None:
    client, _ = _system(Conditions(outages=[window]), clock)
    set_clock(clock().replace(hour=at[0], minute=at[1]))

    assert (client.get("/page").status_code == 503) is out


def test_an_error_rate_fails_about_that_share_of_requests_with_busy(clock) -> None:
    client, _ = _system(Conditions(error_rate=0.3), clock)

    answers = [client.get("/page") for _ in range(400)]

    failed = [a for a in answers if a.status_code == 503]
    assert 80 <= len(failed) <= 160  # 120 expected; the seed makes it repeatable
    assert all(BUSY in a.text for a in failed)


def test_latency_delays_pages_but_not_the_hooks(clock) -> None:
    client, _ = _system(Conditions(latency_ms=(200, 200)), clock)

    started = time.perf_counter()
    client.get("/page")
    slow = time.perf_counter() - started
    started = time.perf_counter()
    client.get("/_sim/records")
    fast = time.perf_counter() - started

    assert slow >= 0.2 > fast


def test_a_test_changes_them_at_run_time_and_bad_values_are_refused(clock) -> None:
    client, current = _system(Conditions(), clock)

    changed = client.put("/_sim/conditions", json={"down": True, "latency_ms": [0, 5]})

    assert changed.json()["down"] is True and current.latency_ms == (0, 5)
    assert client.get("/page").status_code == 503
    client.put("/_sim/conditions", json={"down": False})
    assert client.get("/page").status_code == 200
    refused = client.put("/_sim/conditions", json={"error_rate": 2, "down": True})
    assert refused.status_code == 422 and "error_rate" in refused.json()["message"]
    unknown = client.put("/_sim/conditions", json={"speed": "fast"})
    assert unknown.status_code == 422 and "unknown" in unknown.json()["message"]
    assert client.get("/_sim/conditions").json()["down"] is False
    assert client.get("/_sim/conditions").json()["error_rate"] == 0.0  # nothing half-applied


def test_a_malformed_outage_window_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        Conditions(outages=["nightly"])


@pytest.mark.parametrize(
    "system",
    ["civil_affairs", "elderly_api", "social_assistance", "housing_api", "disability", "veterans"],
)
def test_every_simulator_takes_conditions(system: str, tmp_path, clock) -> None:
    from simulators import (
        create_civil_affairs_app,
        create_disability_app,
        create_elderly_api_app,
        create_housing_api_app,
        create_social_assistance_app,
        create_veterans_app,
    )

    down = Conditions(down=True)
    db_path = tmp_path / f"{system}.db"
    app = {
        "civil_affairs": lambda: create_civil_affairs_app(
            db_path=db_path, accounts={}, clock=clock, conditions=down
        ),
        "elderly_api": lambda: create_elderly_api_app(
            db_path=db_path, api_keys={"k"}, clock=clock, conditions=down
        ),
        "disability": lambda: create_disability_app(
            db_path=db_path, accounts={}, clock=clock, conditions=down
        ),
        "veterans": lambda: create_veterans_app(
            db_path=db_path, accounts={}, clock=clock, conditions=down
        ),
        "housing_api": lambda: create_housing_api_app(
            db_path=db_path, api_keys={"k"}, clock=clock, conditions=down
        ),
        "social_assistance": lambda: create_social_assistance_app(
            db_path=db_path,
            issuer="http://127.0.0.1:8080/realms/community",
            client_id="social-assistance",
            client_secret="s",
            public_url="http://127.0.0.1:8103",
            clock=clock,
            conditions=down,
        ),
    }[system]()
    client = TestClient(app)

    assert client.get("/records", follow_redirects=False).status_code == 503
    assert client.get("/_sim/records").status_code == 200
    assert client.put("/_sim/conditions", json={"down": False}).status_code == 200
    assert client.get("/records", follow_redirects=False).status_code != 503
