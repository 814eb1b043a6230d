"""Connector SDK: what a downstream-system connector declares and implements."""

from connectors.sdk._browser import CHROMIUM_ARGS, BrowserPool
from connectors.sdk._connector import (
    Amends,
    Application,
    ChecksLogin,
    Connector,
    Credentials,
    Decision,
    DeliveryContext,
    HumanQuestion,
    Receipt,
    TracksDecisions,
)
from connectors.sdk._forms import fill_by_labels, read_table
from connectors.sdk._health import TargetHealth, check_targets
from connectors.sdk._http import http_client, tls_context
from connectors.sdk._legacy import (
    SessionExpired,
    accept_dialogs,
    relogin_on_expiry,
    select_cascade,
    set_readonly_date,
)
from connectors.sdk._manifest import (
    DecisionPollDecl,
    FieldDecl,
    Manifest,
    OfficeHoursDecl,
    RetryPolicyDecl,
)
from connectors.sdk._registry import ENTRY_POINT_GROUP, load_connectors
from connectors.sdk._rest import API_KEY_STATUS, RestApi, api_key_target, retry_after, status_error
from connectors.sdk._tracing import SCRUBBED, DeliveryBrowsers, scrub_trace

__all__ = [
    "http_client",
    "tls_context",
    "API_KEY_STATUS",
    "Amends",
    "CHROMIUM_ARGS",
    "ENTRY_POINT_GROUP",
    "Application",
    "BrowserPool",
    "ChecksLogin",
    "Connector",
    "Credentials",
    "Decision",
    "DecisionPollDecl",
    "DeliveryBrowsers",
    "DeliveryContext",
    "FieldDecl",
    "HumanQuestion",
    "Manifest",
    "OfficeHoursDecl",
    "Receipt",
    "RestApi",
    "RetryPolicyDecl",
    "SessionExpired",
    "SCRUBBED",
    "TargetHealth",
    "TracksDecisions",
    "accept_dialogs",
    "api_key_target",
    "check_targets",
    "fill_by_labels",
    "load_connectors",
    "read_table",
    "relogin_on_expiry",
    "retry_after",
    "scrub_trace",
    "select_cascade",
    "set_readonly_date",
    "status_error",
]
