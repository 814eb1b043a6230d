"""People, households and houses: create, find and read, always scoped to one community."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.idcard import (
    age_on,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    validate_mobile,
)
from hub.store._models import Community, Household, Resident, ResidentNameToken, utcnow
from hub.store._models_daily import ResidentTag
from hub.store._name_search import candidates, index_names, normalise, query_tokens

#: Encryption contexts (AES-GCM associated data) of the resident's personal data: one place.
ID_CONTEXT = "resident.id_number"
NAME_CONTEXT = "resident.name"
PHONE_CONTEXT = "resident.phone"
_ID, _NAME, _PHONE = ID_CONTEXT, NAME_CONTEXT, PHONE_CONTEXT
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_LONGEST_TAG = 4  # 退役军人, 重点关注


class ResidentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str
    phone: str | None = None
    household_id: int | None = None
    relation_to_head: str = "户主"
    #: When given (a ledger column, a form field), checked against what the ID number says.
    sex: str | None = None
    birth_date: date | None = None


class ResidentUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    phone: str | None = None
    relation_to_head: str | None = Field(default=None, min_length=1, max_length=20)


class ResidentPublic(BaseModel):
    """What lists and the API show: names and ID numbers masked."""

    id: int
    name_masked: str
    id_number_masked: str
    sex: str
    age: int
    address: str | None


class ResidentFacts(BaseModel):
    """Everything the store knows about one resident, in clear: for prefill and delivery only."""

    id: int
    name: str
    id_number: str
    phone: str | None
    sex: str
    birth_date: date
    address: str | None
    community_code: str
    community_name: str
    relation_to_head: str = "户主"


def create_resident(
    *, session: Session, cipher: FieldCipher, data: ResidentCreate, community: str
) -> Resident:
    id_number, birth, sex = parse_id_number(data.id_number)
    _cross_check(data, birth, sex)
    phone = validate_mobile(data.phone) if data.phone else None
    id_index = id_number_index_of(cipher=cipher, id_number=id_number)
    if session.exec(select(Resident).where(Resident.id_number_index == id_index)).first():
        raise InvalidInput("duplicate id number", user_message="该公民身份号码已登记")
    resident = new_resident_row(
        cipher=cipher,
        community=community,
        name=data.name,
        id_number=id_number,
        birth=birth,
        sex=sex,
        phone=phone,
        household_id=data.household_id,
        relation_to_head=data.relation_to_head,
    )
    try:
        with session.begin_nested():  # the unique blind index settles a race the look-up missed
            session.add(resident)
            session.flush()
    except IntegrityError:
        raise InvalidInput("duplicate id number", user_message="该公民身份号码已登记") from None
    index_names(session, cipher, [(resident.id or 0, community, data.name)])
    return resident


def update_resident(
    *, session: Session, cipher: FieldCipher, resident: Resident, data: ResidentUpdate
) -> Resident:
    """Change what she or her ledger says has changed; the history records who did it."""
    phone = validate_mobile(data.phone) if data.phone is not None else None
    set_encrypted_fields(
        session=session, cipher=cipher, resident=resident, name=data.name, phone=phone
    )
    if data.relation_to_head is not None:
        resident.relation_to_head = data.relation_to_head
    resident.updated_at = utcnow()
    session.add(resident)
    session.flush()
    return resident


def new_resident_row(
    *,
    cipher: FieldCipher,
    community: str,
    name: str,
    id_number: str,
    birth: date,
    sex: str,
    phone: str | None,
    household_id: int | None,
    relation_to_head: str,
) -> Resident:
    """Her row, personal fields encrypted and indexed, not yet in a session. Checks nothing
    and queries nothing: callers validate first (the import builds 500 per flush)."""
    return Resident(
        community_code=community,
        household_id=household_id,
        relation_to_head=relation_to_head,
        name_enc=cipher.encrypt(name, context=_NAME),
        name_index=name_index_of(cipher=cipher, name=name),
        id_number_enc=cipher.encrypt(id_number, context=_ID),
        id_number_index=id_number_index_of(cipher=cipher, id_number=id_number),
        id_number_masked=mask_id_number(id_number),
        phone_enc=cipher.encrypt(phone, context=_PHONE) if phone else None,
        sex=sex,
        birth_date=birth,
    )


def set_encrypted_fields(
    *,
    session: Session,
    cipher: FieldCipher,
    resident: Resident,
    name: str | None,
    phone: str | None,
) -> None:
    """Replace her name and/or phone (None keeps it), the name's blind indexes in step."""
    if name is not None:
        resident.name_enc = cipher.encrypt(name, context=_NAME)
        resident.name_index = name_index_of(cipher=cipher, name=name)
        index_names(session, cipher, [(resident.id or 0, resident.community_code, name)])
    if phone is not None:
        resident.phone_enc = cipher.encrypt(phone, context=_PHONE)


def id_number_index_of(*, cipher: FieldCipher, id_number: str) -> str:
    """What she is found by (unique in the store) without decrypting anyone."""
    return cipher.blind_index(id_number, purpose=_ID)


def name_index_of(*, cipher: FieldCipher, name: str) -> str:
    return cipher.blind_index(name, purpose=_NAME)


def resident_name(*, cipher: FieldCipher, resident: Resident) -> str:
    return cipher.decrypt(resident.name_enc, context=_NAME)


def resident_id_number(*, cipher: FieldCipher, resident: Resident) -> str:
    return cipher.decrypt(resident.id_number_enc, context=_ID)


def decrypt_phone(*, cipher: FieldCipher, phone_enc: str) -> str:
    return cipher.decrypt(phone_enc, context=_PHONE)


def _cross_check(data: ResidentCreate, birth: date, sex: str) -> None:
    errors = {}
    if data.birth_date is not None and data.birth_date != birth:
        errors["birth_date"] = "出生日期与公民身份号码不一致"
    if data.sex is not None and data.sex not in (sex, {"1": "男", "2": "女"}[sex]):
        errors["sex"] = "性别与公民身份号码不一致"
    if errors:
        raise InvalidInput(
            "id cross-check", field_errors=errors, user_message=next(iter(errors.values()))
        )


def get_scoped_resident(*, session: Session, resident_id: int, community: str) -> Resident:
    """The resident, if she belongs to the caller's community; NotFound otherwise (no leak)."""
    resident = session.get(Resident, resident_id)
    if resident is None or resident.community_code != community:
        raise NotFound(f"resident {resident_id} not in scope")
    return resident


def search_residents(
    *, session: Session, cipher: FieldCipher, community: str, query: str = "", limit: int = 50
) -> list[ResidentPublic]:
    """Her community's residents found by a name or part of one, a full ID number, a tag (高龄,
    独居…) or part of an address; lowest id first. Nobody outside the results is decrypted."""
    text = normalise(query)
    ids: list[int | None]
    if not text:
        stmt = select(Resident.id).where(Resident.community_code == community)
        ids = list(session.exec(stmt.order_by(col(Resident.id)).limit(limit)))
    elif _ID_SHAPE.fullmatch(text.upper()):
        index = id_number_index_of(cipher=cipher, id_number=text.upper())
        stmt = select(Resident.id).where(
            Resident.community_code == community, Resident.id_number_index == index
        )
        ids = list(session.exec(stmt))
    else:
        found = set(_name_matches(session, cipher, community, text, limit))
        found |= set(_tag_matches(session, community, text, limit))
        found |= set(_address_matches(session, community, text, limit))
        # Each source gave its lowest `limit` ids, so these are the lowest of all matches.
        ids = list(sorted(found)[:limit])
    return _publics(session, cipher, [i for i in ids if i is not None])


def index_all_names(*, session: Session, cipher: FieldCipher, batch: int = 1000) -> int:
    """Give every resident without name pieces hers (rows from before the index existed)."""
    done = 0
    while True:
        missing = session.exec(
            select(Resident)
            .where(~col(Resident.id).in_(select(ResidentNameToken.resident_id)))
            .order_by(col(Resident.id))
            .limit(batch)
        ).all()
        if not missing:
            return done
        entries = [
            (r.id or 0, r.community_code, resident_name(cipher=cipher, resident=r)) for r in missing
        ]
        index_names(session, cipher, entries)
        done += len(missing)


def resident_public(*, session: Session, cipher: FieldCipher, resident: Resident) -> ResidentPublic:
    name = cipher.decrypt(resident.name_enc, context=_NAME)
    return _public(session, resident, name, date.today())


def resident_facts(*, session: Session, cipher: FieldCipher, resident: Resident) -> ResidentFacts:
    assert resident.id is not None
    community = session.get(Community, resident.community_code)
    assert community is not None
    return ResidentFacts(
        id=resident.id,
        name=cipher.decrypt(resident.name_enc, context=_NAME),
        id_number=cipher.decrypt(resident.id_number_enc, context=_ID),
        phone=cipher.decrypt(resident.phone_enc, context=_PHONE) if resident.phone_enc else None,
        sex=resident.sex,
        birth_date=resident.birth_date,
        address=_address(session, resident),
        community_code=community.code,
        community_name=community.name,
        relation_to_head=resident.relation_to_head,
    )


def member_facts(
    *, session: Session, cipher: FieldCipher, resident: Resident
) -> list[ResidentFacts]:
    """The others of her household, as the store knows them (for a form's family members)."""
    if resident.household_id is None:
        return []
    others = session.exec(
        select(Resident)
        .where(Resident.household_id == resident.household_id, Resident.id != resident.id)
        .order_by(col(Resident.id))
    )
    return [resident_facts(session=session, cipher=cipher, resident=other) for other in others]


def masked_phone(*, cipher: FieldCipher, resident: Resident) -> str | None:
    if not resident.phone_enc:
        return None
    return mask_phone(cipher.decrypt(resident.phone_enc, context=_PHONE))


def _name_matches(
    session: Session, cipher: FieldCipher, community: str, text: str, limit: int
) -> list[int]:
    tokens = query_tokens(cipher, text)
    matches: list[int] = []
    after = 0
    while len(matches) < limit:
        batch = candidates(session, community, tokens, after=after, limit=limit * 2)
        if not batch:
            break
        rows = session.exec(
            select(Resident.id, Resident.name_enc).where(col(Resident.id).in_(batch))
        ).all()
        for resident_id, name_enc in sorted(rows, key=lambda row: row[0] or 0):
            if text in normalise(cipher.decrypt(name_enc, context=_NAME)):
                matches.append(resident_id or 0)
        if len(batch) < limit * 2:
            break
        after = batch[-1]
    return matches[:limit]


def _tag_matches(session: Session, community: str, text: str, limit: int) -> list[int]:
    if len(text) > _LONGEST_TAG:
        return []
    stmt = (
        select(ResidentTag.resident_id)
        .join(Resident, col(Resident.id) == ResidentTag.resident_id)
        .where(ResidentTag.tag == text, Resident.community_code == community)
        .order_by(col(ResidentTag.resident_id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def _address_matches(session: Session, community: str, text: str, limit: int) -> list[int]:
    households = select(Household.id).where(
        Household.community_code == community,
        col(Household.address).contains(text, autoescape=True),
    )
    stmt = (
        select(Resident.id)
        .where(col(Resident.household_id).in_(households))
        .order_by(col(Resident.id))
        .limit(limit)
    )
    return [i for i in session.exec(stmt) if i is not None]


def _publics(session: Session, cipher: FieldCipher, ids: list[int]) -> list[ResidentPublic]:
    """Her public view for each id, in order: two queries, not one per resident."""
    if not ids:
        return []
    residents = {r.id: r for r in session.exec(select(Resident).where(col(Resident.id).in_(ids)))}
    household_ids = {r.household_id for r in residents.values() if r.household_id is not None}
    addresses = dict(
        session.exec(
            select(Household.id, Household.address).where(col(Household.id).in_(household_ids))
        ).all()
    )
    today = date.today()
    return [
        _public_row(
            residents[i],
            cipher.decrypt(residents[i].name_enc, context=_NAME),
            today,
            addresses.get(residents[i].household_id),
        )
        for i in ids
        if i in residents
    ]


def _address(session: Session, resident: Resident) -> str | None:
    if resident.household_id is None:
        return None
    household = session.get(Household, resident.household_id)
    return household.address if household else None


def _public(session: Session, resident: Resident, name: str, today: date) -> ResidentPublic:
    return _public_row(resident, name, today, _address(session, resident))


def _public_row(resident: Resident, name: str, today: date, address: str | None) -> ResidentPublic:
    assert resident.id is not None
    return ResidentPublic(
        id=resident.id,
        name_masked=mask_name(name),
        id_number_masked=resident.id_number_masked,
        sex=resident.sex,
        age=age_on(resident.birth_date, today),
        address=address,
    )
