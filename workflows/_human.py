"""What a person's answer to a robot's question may be: pure, so the workflow's update validator,
the portal and the store all check it the same way."""

from __future__ import annotations

#: A CAPTCHA or an SMS code, or 确认 for a confirmation: short and printable.
MAX_ANSWER = 32


def clean_answer(answer: str) -> str:
    """The answer as the robot will type it; ValueError (its message in Chinese) if it can't be."""
    cleaned = answer.strip()
    if not cleaned:
        raise ValueError("请输入验证码")
    if len(cleaned) > MAX_ANSWER or not cleaned.isprintable():
        raise ValueError("输入内容不正确，请按图中内容输入")
    return cleaned
