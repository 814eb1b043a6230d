"""The local stack behind `make run` and the end-to-end tests."""

from hub.devstack._process import Service, ServiceFailed
from hub.devstack._stack import Stack, settings_env

__all__ = ["Service", "ServiceFailed", "Stack", "settings_env"]
