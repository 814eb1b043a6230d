"""`ctx.ask_human` inside a delivery: put the robot's question to the worker who submitted and
wait, the page held open and heartbeating, for her answer.

The question is kept in the store (the CAPTCHA image encrypted) and the delivery workflow is
signalled, so operators see NeedsHuman and the portal shows her the task. She answers through the
workflow's update, whose activity keeps the answer where this loop finds it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from temporalio import activity

from connectors.sdk import HumanQuestion, Manifest
from hub.crypto import FieldCipher
from hub.errors import HumanNeeded, HumanNotAnswered
from hub.store import (
    expire_human_task,
    human_task_answer,
    mark_delivery_running,
    mark_delivery_waiting,
    open_human_task,
    session_scope,
)
from workflows.delivery import ASKED_SIGNAL

log = logging.getLogger(__name__)
TIMED_OUT = "等待输入验证码超时，请重新报送"


class HumanAsker:
    """One delivery attempt's way to ask her; `heartbeat` keeps the attempt's last details
    (a receipt heartbeated before the question must survive the wait)."""

    def __init__(
        self,
        *,
        engine: Engine,
        cipher: FieldCipher,
        submission_id: str,
        manifest: Manifest,
        heartbeat: Callable[..., None],
        poll_s: float = 1.0,
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._submission_id = submission_id
        self._manifest = manifest
        self._heartbeat = heartbeat
        self._poll_s = poll_s
        self.last_details: tuple[Any, ...] = ()

    def heartbeat(self, *details: Any) -> None:
        self.last_details = details
        self._heartbeat(*details)

    async def __call__(self, question: HumanQuestion) -> str:
        workflow_id = activity.info().workflow_id
        if workflow_id is None:  # an activity run on its own: no delivery to show her
            raise HumanNeeded(f"{question.kind}: no delivery workflow to ask through")
        task_id = await asyncio.to_thread(self._open, question)
        await activity.client().get_workflow_handle(workflow_id).signal(ASKED_SIGNAL, task_id)
        log.info("delivery %s:%s waits for a person", self._submission_id, self._manifest.id)
        deadline = time.monotonic() + self._manifest.human_wait_s
        try:
            while time.monotonic() < deadline:
                self._heartbeat(*self.last_details)
                answer = await asyncio.to_thread(self._answer, task_id)
                if answer is not None:
                    return answer
                await asyncio.sleep(self._poll_s)
        finally:
            await asyncio.shield(asyncio.to_thread(self._close, task_id))
        if self._manifest.on_human_timeout == "retry":
            raise HumanNotAnswered(f"{question.kind} not answered in time")
        raise HumanNeeded(f"{question.kind} not answered in time", user_message=TIMED_OUT)

    def _open(self, question: HumanQuestion) -> str:
        with session_scope(self._engine) as session:
            task_id = open_human_task(
                session=session,
                cipher=self._cipher,
                submission_id=self._submission_id,
                target=self._manifest.id,
                kind=question.kind,
                prompt=question.prompt,
                image=question.image,
                image_type=_image_type(question.image),
                wait_s=self._manifest.human_wait_s,
            )
            mark_delivery_waiting(
                session=session,
                submission_id=self._submission_id,
                target=self._manifest.id,
                status="needs_human",
                message=question.prompt,
            )
            return task_id

    def _answer(self, task_id: str) -> str | None:
        with session_scope(self._engine) as session:
            return human_task_answer(session=session, cipher=self._cipher, task_id=task_id)

    def _close(self, task_id: str) -> None:
        """Answered or not, the question is over: no later answer is taken, and the delivery
        is back to 正在提交 (or ends as the attempt ends)."""
        with session_scope(self._engine) as session:
            expire_human_task(session=session, task_id=task_id)
            mark_delivery_running(
                session=session, submission_id=self._submission_id, target=self._manifest.id
            )


def _image_type(image: bytes | None) -> str | None:
    if image is None:
        return None
    return "image/jpeg" if image.startswith(b"\xff\xd8") else "image/png"
