"""Custom search attributes: what operators filter the Temporal UI by.

Codes, ids and states only, never personal data: a community code names a place, a form id a
form, a target a connector. `ensure_search_attributes` registers them on a namespace that lacks
them (a fresh dev server or cluster); the worker calls it when it starts.
"""

from __future__ import annotations

import logging

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey

log = logging.getLogger(__name__)

COMMUNITY = SearchAttributeKey.for_keyword("CommunityCode")
FORM = SearchAttributeKey.for_keyword("FormId")
#: On a submission: every target it goes to; on a delivery: its one target.
TARGETS = SearchAttributeKey.for_keyword_list("TargetSystems")
TARGET = SearchAttributeKey.for_keyword("TargetSystem")
#: A delivery's state, as the store has it: running, waiting_hours, needs_login, succeeded, …
STATUS = SearchAttributeKey.for_keyword("DeliveryStatus")
#: True while a delivery waits for a person (to log in again, to answer a CAPTCHA).
NEEDS_HUMAN = SearchAttributeKey.for_bool("NeedsHuman")

ALL = (COMMUNITY, FORM, TARGETS, TARGET, STATUS, NEEDS_HUMAN)


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register whichever of ours the namespace lacks; returns their names."""
    known = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    have = set(known.custom_attributes) | set(known.system_attributes)
    missing = {
        # The SDK's enum has the API's numbers: KEYWORD 2, BOOL 5, KEYWORD_LIST 7.
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in ALL
        if key.name not in have
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
        log.info("registered search attributes %s", ", ".join(sorted(missing)))
    return sorted(missing)
