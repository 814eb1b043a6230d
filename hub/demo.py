"""Demo data: one street, two communities, their houses, households and residents, and each demo
worker's own account at the civil-affairs system, bound in the vault.

Idempotent: seeding a store that already has the communities changes nothing, and a worker who
already has an account there keeps hers. ID numbers are valid (GB 11643 check character) but
invented; region 320206 is 惠山区, 无锡市.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.idcard import age_on, check_character
from hub.store import (
    Community,
    CredentialBind,
    EventCreate,
    OrganizationCreate,
    Region,
    Resident,
    ResidentCreate,
    VehicleCreate,
    add_house_and_household,
    add_organization,
    add_vehicle,
    bind_credential,
    create_resident,
    current_credential,
    record_event,
    set_tags,
)
from hub.vault import Vault

STREET = "玉祁街道"
DISTRICT = "320206"
REGIONS = [
    Region(code="320000", name="江苏省", level="province"),
    Region(code="320200", name="无锡市", level="city", parent_code="320000"),
    Region(code="320206", name="惠山区", level="district", parent_code="320200"),
    Region(code="320206104000", name=STREET, level="street", parent_code="320206"),
    Region(code="320206104001", name="玉祁社区", level="community", parent_code="320206104000"),
    Region(code="320206104002", name="瑞星社区", level="community", parent_code="320206104000"),
]
STREET_CODE = "320206104000"
COMMUNITY_A = Community(
    code="320206104001",
    name="玉祁社区",
    street_name=STREET,
    district_code=DISTRICT,
    street_code=STREET_CODE,
)
COMMUNITY_B = Community(
    code="320206104002",
    name="瑞星社区",
    street_name=STREET,
    district_code=DISTRICT,
    street_code=STREET_CODE,
)
#: Demo tags by (community, index in its list); everyone 80 or older also gets 高龄.
_TAGS = {
    ("320206104001", 0): ["独居"],
    ("320206104001", 1): ["退役军人", "党员"],
    ("320206104001", 5): ["残疾人"],
    ("320206104001", 13): ["特困", "重点关注"],
    ("320206104002", 3): ["低保"],
    ("320206104002", 8): ["独居", "重点关注"],
}
#: Houses found unsafe in the last 房屋安全排查, by (community, index of the person living there).
_HOUSE_SAFETY = {
    ("320206104001", 5): "C级危房",
    ("320206104001", 9): "一般隐患",
    ("320206104002", 4): "一般隐患",
    ("320206104002", 12): "D级危房",
}
#: Others living in a demo resident's household, by (community, index of the resident): name,
#: birth date, sex, relation to the head, mobile. 董和平's family (低保) applies as a household.
_FAMILIES = {
    ("320206104002", 3): [
        ("钱素英", "19520708", "2", "配偶", "13951007082"),
        ("董建新", "19780315", "1", "子", "13951003315"),
    ],
}
_EVENTS = [
    ("320206104001", 0, "visit", "入户走访，了解独居老人生活情况"),
    ("320206104001", 13, "service", "代办医保报销材料"),
    ("320206104002", 8, "visit", "节前慰问"),
]

# (name, birth date, sex) — the first of each list is the one the walkthrough uses.
_PEOPLE_A = [
    ("𠮷祥英", "19420315", "2"),
    ("王建国", "19450708", "1"),
    ("李秀兰", "19380122", "2"),
    ("张德福", "19400911", "1"),
    ("陈桂芳", "19470503", "2"),
    ("周志明", "19520817", "1"),
    ("吴玉珍", "19360229", "2"),
    ("徐长生", "19431130", "1"),
    ("孙美华", "19560614", "2"),
    ("朱永强", "19600101", "1"),
    ("马淑珍", "19441009", "2"),
    ("胡宝根", "19390727", "1"),
    ("郭凤英", "19480218", "2"),
    ("何金海", "19251212", "1"),
    ("高翠兰", "19501105", "2"),
    ("林国平", "19630420", "1"),
    ("罗月娥", "19410806", "2"),
    ("梁振华", "19370313", "1"),
    ("宋丽娟", "19700925", "2"),
    ("郑荣根", "19460116", "1"),
    ("谢𪚥芬", "19421027", "2"),
    ("韩春生", "19580302", "1"),
]
_PEOPLE_B = [
    ("唐素琴", "19410419", "2"),
    ("冯志刚", "19440223", "1"),
    ("于桂兰", "19390804", "2"),
    ("董和平", "19501001", "1"),
    ("萧玉梅", "19460612", "2"),
    ("程金龙", "19380905", "1"),
    ("曹秀珍", "19430117", "2"),
    ("袁建华", "19550730", "1"),
    ("邓凤仙", "19261121", "2"),
    ("许国庆", "19491001", "1"),
    ("傅兰英", "19420508", "2"),
    ("沈长福", "19400214", "1"),
    ("曾美玲", "19620927", "2"),
    ("彭德胜", "19360618", "1"),
    ("吕秀英", "19450303", "2"),
    ("苏宝华", "19571208", "1"),
    ("卢桂香", "19441214", "2"),
    ("蒋志远", "19390421", "1"),
    ("蔡月琴", "19480830", "2"),
    ("贾振东", "19520509", "1"),
    ("丁惠芳", "19370726", "2"),
]


#: Organizations of each community: (community, name, kind, 统一社会信用代码, address).
_ORGANIZATIONS = [
    ("320206104001", "玉祁社区老年协会", "社会组织", None, "玉祁社区党群服务中心二楼"),
    (
        "320206104001",
        "无锡玉祁花园物业管理有限公司",
        "物业",
        "91320206MA1XK3QY2B",
        "玉祁花园1幢底商",
    ),
    ("320206104001", "玉祁便民理发店", "个体工商户", None, "玉祁社区3幢101室底商"),
    ("320206104002", "瑞星社区卫生服务站", "医疗机构", None, "瑞星社区4幢东侧"),
]
#: Each demo worker's login at the civil-affairs system, and her community. The passwords are the
#: simulator's (settings.simulators.civil_accounts), passed in by whoever seeds.
DEMO_CIVIL_LOGINS = {
    "worker-a": ("yuqi-wanghong", COMMUNITY_A.code),
    "worker-b": ("ruixing-lifang", COMMUNITY_B.code),
}
#: Vehicles: (community, index of the owner among its residents, plate, kind).
_VEHICLES = [
    ("320206104001", 9, "苏B3K2M7", "小型汽车"),
    ("320206104001", 15, "苏BD81526", "新能源小型汽车"),
    ("320206104002", 6, "苏B7G5N1", "小型汽车"),
]


def demo_id_number(birth: str, sex: str, seq: int) -> str:
    """A valid 18-character ID for region 320206: odd sequence for men, even for women."""
    order = seq * 2 + (1 if sex == "1" else 0)
    first17 = f"{DISTRICT}{birth}{order % 1000:03d}"
    return first17 + check_character(first17)


def seed_demo(
    *,
    session: Session,
    cipher: FieldCipher,
    vault: Vault,
    civil_accounts: Mapping[str, str],
    other_accounts: Mapping[str, Mapping[str, str]] | None = None,
) -> bool:
    """Seed the demo street, and bind each demo worker's civil-affairs account (login -> password
    in civil_accounts), and her accounts at other systems (connector id -> login -> password),
    where she has none. Returns False when the street was already there."""
    for region in REGIONS:
        if session.get(Region, region.code) is None:
            session.add(Region.model_validate(region))
    session.flush()
    seeded = session.get(Community, COMMUNITY_A.code) is None
    if seeded:
        _seed_street(session, cipher)
    for connector_id, accounts in {
        "civil_affairs": civil_accounts,
        **(other_accounts or {}),
    }.items():
        _bind_demo_accounts(session, vault, connector_id, accounts)
    return seeded


def _bind_demo_accounts(
    session: Session, vault: Vault, connector_id: str, accounts: Mapping[str, str]
) -> None:
    # Bound as verified without a test login: the simulator may not be up yet when the stack
    # seeds, and these are its own accounts. A kept store keeps what each worker bound herself.
    # The demo workers' login names are the same at every simulated system.
    for worker, (login, community) in DEMO_CIVIL_LOGINS.items():
        password = accounts.get(login)
        if password is None or current_credential(
            session=session, owner=worker, connector_id=connector_id
        ):
            continue
        bind_credential(
            session=session,
            vault=vault,
            community=community,
            owner=worker,
            connector_id=connector_id,
            data=CredentialBind.model_validate({"login_name": login, "password": password}),
            verified=True,
        )


def _seed_street(session: Session, cipher: FieldCipher) -> None:
    today = date.today()
    for community, people, seq0 in ((COMMUNITY_A, _PEOPLE_A, 10), (COMMUNITY_B, _PEOPLE_B, 200)):
        session.add(Community.model_validate(community))
        session.flush()
        for i, (name, birth, sex) in enumerate(people):
            resident = _seed_resident(session, cipher, community, i, name, birth, sex, seq0)
            for seq, (other, born, his_sex, relation, mobile) in enumerate(
                _FAMILIES.get((community.code, i), []), start=300
            ):
                create_resident(
                    session=session, cipher=cipher, community=community.code,
                    data=ResidentCreate(
                        name=other, id_number=demo_id_number(born, his_sex, seq), phone=mobile,
                        household_id=resident.household_id, relation_to_head=relation,
                    ),
                )  # fmt: skip
            tags = _TAGS.get((community.code, i), [])
            if age_on(resident.birth_date, today) >= 80:
                tags = ["高龄", *tags]
            set_tags(session=session, resident=resident, tags=tags)
            for code, index, kind, title in _EVENTS:
                if (code, index) == (community.code, i):
                    data = EventCreate(
                        kind=kind, title=title, occurred_on=today, resident_id=resident.id
                    )
                    record_event(session=session, data=data, community=code, recorded_by="demo")
            for code, index, plate, kind in _VEHICLES:
                if (code, index) == (community.code, i):
                    vehicle = VehicleCreate(
                        plate_no=plate, kind=kind, owner_resident_id=resident.id
                    )
                    add_vehicle(session=session, data=vehicle, community=code)
        for code, org_name, kind, credit_code, address in _ORGANIZATIONS:
            if code == community.code:
                org = OrganizationCreate(
                    name=org_name, kind=kind, credit_code=credit_code, address=address
                )
                add_organization(session=session, data=org, community=code)


def _seed_resident(
    session: Session,
    cipher: FieldCipher,
    community: Community,
    i: int,
    name: str,
    birth: str,
    sex: str,
    seq0: int,
) -> Resident:
    building, room = 1 + i // 6, 101 + (i % 6) * 100
    household = add_house_and_household(
        session=session,
        community=community.code,
        building=f"{building}幢",
        unit="1单元",
        room=f"{room}室",
        address=f"无锡市惠山区{STREET}{community.name}{building}幢1单元{room}室",
        safety_status=_HOUSE_SAFETY.get((community.code, i), "安全"),
    )
    return create_resident(
        session=session,
        cipher=cipher,
        community=community.code,
        data=ResidentCreate(
            name=name,
            id_number=demo_id_number(birth, sex, seq0 + i),
            phone=f"139{community.code[-2:]}{i:02d}{int(birth[4:8]):04d}"[:11],
            household_id=household.id,
        ),
    )
