"""A repeating section bound to the store (`bind = "household.members"`): one item per other
member of the resident's household, its fields bound to `member.*` paths.

An item that came from the store carries the member's id (`member_ref`, a number, not personal
data) through the page; its locked fields are then the store's, refilled by the server whatever
the browser sent, and shown masked where the template says. An item she adds by hand has no ref:
its fields, locked or not, are hers to type and are checked as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.store import ResidentFacts

#: What a repeating section may bind to.
GROUP_SOURCES = ("household.members",)
#: The posted key of an item's store reference: <group>.<index>.member_ref.
REF = "member_ref"

#: Member path -> its value as the form shows it ("" when the store does not know it).
MEMBER_PATHS: dict[str, Callable[[ResidentFacts], str]] = {
    "member.name": lambda m: m.name,
    "member.id_number": lambda m: m.id_number,
    "member.sex": lambda m: m.sex,
    "member.birth_date": lambda m: m.birth_date.isoformat(),
    "member.phone": lambda m: m.phone or "",
    "member.relation_to_head": lambda m: m.relation_to_head,
}
