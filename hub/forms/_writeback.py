"""New facts she typed, offered back to the store (issue #7: nobody types them twice).

A form field bound to a store path the hub can write (her mobile number, her household's
address) opens with what the store knows; when the value she submitted differs, her submission's
page offers to save it to the store, and saves only what she confirms. Saved through the store's
own edits, so the change history records who changed what.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.forms._template_model import FormTemplate
from hub.idcard import mask_phone
from hub.store import (
    Household,
    HouseholdUpdate,
    Resident,
    ResidentFacts,
    ResidentUpdate,
    update_household,
    update_resident,
)

Writer = Callable[[Session, FieldCipher, Resident, str], None]


def _phone(session: Session, cipher: FieldCipher, resident: Resident, value: str) -> None:
    update_resident(
        session=session, cipher=cipher, resident=resident, data=ResidentUpdate(phone=value)
    )


def _address(session: Session, cipher: FieldCipher, resident: Resident, value: str) -> None:
    household = session.get(Household, resident.household_id) if resident.household_id else None
    if household is None:
        raise InvalidInput("no household", user_message="该居民未登记户，地址无法保存")
    update_household(session=session, household=household, data=HouseholdUpdate(address=value))


@dataclass(frozen=True)
class _Path:
    read: Callable[[ResidentFacts], str]
    write: Writer
    #: How it is shown on the page: her phone number masked, like everywhere in lists.
    show: Callable[[str], str]
    #: What saving it means, for the page.
    where: str


WRITABLE: dict[str, _Path] = {
    "resident.phone": _Path(lambda f: f.phone or "", _phone, mask_phone, "居民联系电话"),
    "resident.address": _Path(lambda f: f.address or "", _address, str, "本户地址（全户共用）"),
}


@dataclass(frozen=True)
class NewFact:
    field: str  # the form field
    label: str
    shown: str  # what she submitted, as the page shows it
    was: str  # what the store has, as the page shows it ("" when it has nothing)
    where: str


def new_facts(
    template: FormTemplate, facts: ResidentFacts, values: Mapping[str, object]
) -> list[NewFact]:
    """The values she submitted that the store has otherwise (or not at all), in form order."""
    found = []
    for field in template.fields:
        path = WRITABLE.get(field.bind or "")
        typed = str(values.get(field.name) or "").strip()
        if field.locked or path is None or not typed or typed == path.read(facts):
            continue
        if field.bind == "resident.address" and facts.address is None:
            continue  # no household to hold it
        was = path.read(facts)
        found.append(
            NewFact(field.name, field.label, path.show(typed), path.show(was) if was else "",
                    path.where)
        )  # fmt: skip
    return found


def save_facts(
    *,
    session: Session,
    cipher: FieldCipher,
    resident: Resident,
    template: FormTemplate,
    facts: ResidentFacts,
    values: Mapping[str, object],
    chosen: Collection[str],
) -> list[str]:
    """Save the new facts she chose (form field names) to the store; their labels."""
    offered = {fact.field for fact in new_facts(template, facts, values)}
    if not chosen or not set(chosen) <= offered:
        raise InvalidInput("nothing to save", user_message="请勾选要保存到社区底座的信息")
    saved = []
    for field in template.fields:
        if field.name in chosen and field.bind is not None:
            WRITABLE[field.bind].write(session, cipher, resident, str(values[field.name]).strip())
            saved.append(field.label)
    return saved
