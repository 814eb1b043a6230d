"""Data requests from above (数据下发/收集, issue #7): a street or district user (role requester)
sends a collection table or a questionnaire, both form templates (forms/, kind "collection" or
"questionnaire"), to communities under her region with a deadline.

- A collection's rows are made when it is sent: one per resident its `rows` select, filled from
  each community's store. Workers complete only what is missing, then report (上报).
- A questionnaire gets a link per community (/q/<token>) that residents fill without an account.
- The sender sees progress per community and downloads the merged table (.xlsx).

See docs/forms.md (data requests).
"""

from hub.requests._community import (
    Part,
    answer,
    community_part,
    community_row,
    is_open,
    questionnaire_part,
    report,
    save_row,
)
from hub.requests._send import REQUEST_KINDS, Sender, community_names, send_request
from hub.requests._values import check, shown, unseal
from hub.requests._views import (
    CommunityProgress,
    RowLine,
    community_requests,
    merged_table,
    progress,
    row_lines,
    sender_request,
    sent_requests,
)

__all__ = [
    "REQUEST_KINDS",
    "CommunityProgress",
    "Part",
    "RowLine",
    "Sender",
    "answer",
    "check",
    "community_names",
    "community_part",
    "community_requests",
    "community_row",
    "is_open",
    "merged_table",
    "progress",
    "questionnaire_part",
    "report",
    "row_lines",
    "save_row",
    "send_request",
    "sender_request",
    "sent_requests",
    "shown",
    "unseal",
]
