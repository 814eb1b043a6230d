"""What the veterans robot's tests share: accounts, a person who reads CAPTCHAs, the hooks."""

from __future__ import annotations

from typing import Any

import httpx

from connectors.sdk import Credentials, HumanQuestion

#: worker-a's own account at the system, and a colleague's: each files under her own name.
HERS = Credentials(login_name="yuqi-wanghong", password="Wanghong-2026!")
COLLEAGUES = Credentials(login_name="ruixing-lifang", password="Lifang-2026!")
WRONG_PASSWORD = Credentials(login_name=HERS.login_name, password="not-the-password")
ACCOUNTS = {a.login_name: a.password for a in (HERS, COLLEAGUES)}
# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: the name most likely to be mangled.
VETERAN_NAME = "𠮷建国"
# Region 320206, born 1968-04-12, sequence 027 (odd: male), check character X.
VETERAN_ID = "32020619680412027X"


class Person:
    """The worker answering the robot's questions in the portal. She reads the CAPTCHA off the
    image; here the simulator's hook, which knows the code the image was drawn from, stands in
    for her eyes. She misreads the first `misreads` images."""

    def __init__(self, base_url: str, *, misreads: int = 0) -> None:
        self.base_url = base_url
        self.misreads = misreads
        self.questions: list[HumanQuestion] = []

    async def __call__(self, question: HumanQuestion) -> str:
        self.questions.append(question)
        if len(self.questions) <= self.misreads:
            return "----"
        async with httpx.AsyncClient(base_url=self.base_url) as http:
            answer = await http.get("/_sim/captcha-answer")
            answer.raise_for_status()
            code: str = answer.json()["answer"]
            return code


async def records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        stored: list[dict[str, Any]] = response.json()
        return stored


def config(base_url: str) -> dict[str, str]:
    # No login in the configuration: the account is the submitting worker's, from the vault.
    return {"base_url": base_url}
