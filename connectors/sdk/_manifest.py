"""What a connector declares about itself: identity, kind, auth, hosts, fields, limits, retries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class FieldDecl(BaseModel):
    name: str
    label: str
    required: bool = True
    kind: Literal["text", "date", "code", "number"] = "text"


class RetryPolicyDecl(BaseModel):
    initial_interval_s: float = 2.0
    backoff: float = 2.0
    maximum_interval_s: float = 60.0
    maximum_attempts: int = 8


class Manifest(BaseModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,40}$")
    name: str  # Chinese name shown to workers
    version: str
    kind: Literal["robot", "api"]
    auth: Literal["sso", "vault", "api_key"]
    allowed_hosts: list[str]
    business_type: str
    fields: list[FieldDecl]
    concurrency: int = 1
    start_to_close_timeout_s: float = 180.0
    heartbeat_timeout_s: float = 60.0
    retry: RetryPolicyDecl = RetryPolicyDecl()
