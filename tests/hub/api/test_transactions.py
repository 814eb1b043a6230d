"""A request's writes are committed before its answer leaves: a failed commit is an error the
caller sees, and whoever follows a redirect reads what the request wrote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from tests.hub.api.conftest import Api

BODY = {"name": "玉祁社区舞蹈队", "kind": "社会组织"}


@pytest.fixture
def failing_commits() -> Iterator[None]:
    def refuse(session: OrmSession) -> None:
        if session.info.get("actor") == "worker-a":  # only the request's own transaction
            raise RuntimeError("the database refused the commit")

    event.listen(OrmSession, "before_commit", refuse)
    try:
        yield
    finally:
        event.remove(OrmSession, "before_commit", refuse)


def test_a_commit_that_fails_is_not_answered_as_success(api: Api, failing_commits: None):
    client = TestClient(api.client.app, raise_server_exceptions=False)

    answer = client.post("/api/organizations", json=BODY, headers=api.as_worker_a())

    assert answer.status_code == 500  # not 201 for a row that was never stored


def test_what_a_form_wrote_is_there_when_the_redirect_is_followed(api: Api):
    answer = api.client.post(
        "/organizations",
        data={"name": BODY["name"], "kind": BODY["kind"]},
        headers=api.as_worker_a(),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    listed = api.client.get(answer.headers["location"], headers=api.as_worker_a())
    assert BODY["name"] in listed.text
