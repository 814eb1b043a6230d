"""The community store's speed targets, ours beside a baseline measured in the same run.

    make bench                                                     # this and bench/startup.py
    PYTHONPATH=. .venv/bin/python bench/store.py                   # 100k SQLite, 1M PostgreSQL
    PYTHONPATH=. .venv/bin/python bench/store.py --postgres-rows 0 # SQLite only

Resident search (target: p95 < 50 ms with 100k residents in SQLite and 1M in PostgreSQL): the
store is filled with realistic residents (common surnames, 2% of names with characters outside
the BMP, households, tags) spread over communities of 50,000, and one community is searched the
way workers search: a surname, a full name, a given name, a full ID number, a tag, part of an
address. "ours" is `search_residents` (truncated blind indexes of name pieces, indexed tag and
address look-ups); the baseline is what the hub did before it: decrypt the community's names one
by one until enough match.

Ledger import (target: 100k rows in under a minute): a generated 100k-row .csv ledger checked and
applied by `hub.store.imports`, beside the naive way of registering people one at a time through
`create_resident` with a commit each (timed on 2,000 rows and scaled to 100k).

PostgreSQL is Debian's server, started in a throwaway cluster as the tests do (tests/_postgres.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.idcard import check_character, mask_name
from hub.store import (
    Community,
    Household,
    Resident,
    ResidentCreate,
    ResidentNameToken,
    ResidentPublic,
    ResidentTag,
    create_resident,
    imports,
    make_engine,
    migrate,
    search_residents,
    session_scope,
)
from hub.store._name_search import name_tokens
from hub.store._residents import new_resident_row, resident_name
from tests import _postgres
from tests.factories import ledger_of, make_cipher

PER_COMMUNITY = 50_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "秀英建国明华志强玉兰桂芳德福淑珍永军丽娟春生海涛红梅晓东金凤长林文静美玲国平振华月娥荣根宝珠小燕子涵浩然思雨梓萱一诺欣怡子轩雨泽"  # noqa: E501
RARE = "𠮷𪚥𠀾𡒄𣲙𤆬"  # CJK Extension B characters seen in real registers
ADDRESS_WORDS = "无锡市惠山区玉祁街道社区幢单元室0123456789"  # what the baseline never searched
TAGS = ["高龄", "独居", "空巢", "退役军人", "残疾人", "低保", "党员", "重点关注"]


@dataclass
class Person:
    id: int
    name: str
    id_number: str
    building: int


# ---- filling a store fast --------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    if rng.random() < 0.02:
        given = rng.choice(RARE) + given[1:]
    return rng.choice(SURNAMES[:30] if rng.random() < 0.7 else SURNAMES) + given


def _id_number(serial: int) -> str:
    birth = date.fromordinal(date(1930, 1, 1).toordinal() + serial % 30_000)
    first17 = f"320206{birth:%Y%m%d}{serial // 30_000 % 100:02d}{serial // 3_000_000}"
    return first17 + check_character(first17)


def fill(engine: Engine, cipher: FieldCipher, residents: int, seed: int = 7) -> list[Person]:
    """Store `residents` people in communities of PER_COMMUNITY; return the first community's."""
    rng = random.Random(seed)
    communities = max(1, residents // PER_COMMUNITY)
    first: list[Person] = []
    serial = 0
    with engine.begin() as conn:
        conn.execute(
            insert(Community),
            [
                {
                    "code": f"320206104{c:03d}",
                    "name": f"第{c}社区",
                    "street_name": "玉祁街道",
                    "district_code": "320206",
                }
                for c in range(1, communities + 1)
            ],
        )
    for c in range(1, communities + 1):
        code = f"320206104{c:03d}"
        count = residents // communities
        for chunk_start in range(0, count, 10_000):
            people, households, rows, tokens, tags = [], [], [], [], []
            for _ in range(min(10_000, count - chunk_start)):
                serial += 1
                building = rng.randint(1, 60)
                if serial % 3 == 1:
                    households.append(
                        {
                            "id": serial,
                            "community_code": code,
                            "address": f"无锡市惠山区玉祁街道{code[-3:]}社区{building}幢"
                            f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室",
                            "household_type": "家庭户",
                        }
                    )
                name, id_number = _name(rng), _id_number(serial)
                birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
                row = new_resident_row(
                    cipher=cipher,
                    community=code,
                    name=name,
                    id_number=id_number,
                    birth=birth,
                    sex="1" if int(id_number[16]) % 2 else "2",
                    phone=f"139{serial:08d}",
                    household_id=serial - (serial - 1) % 3,
                    relation_to_head="户主" if serial % 3 == 1 else "子女",
                )
                values = row.model_dump(exclude={"id"}) | {"id": serial}
                rows.append(values)
                tokens += [
                    {"resident_id": serial, "community_code": code, "token": t}
                    for t in name_tokens(cipher, name)
                ]
                if rng.random() < 0.3:
                    tags.append({"resident_id": serial, "tag": rng.choice(TAGS)})
                if c == 1:
                    people.append(Person(serial, name, id_number, building))
            with engine.begin() as conn:
                conn.execute(insert(Household), households)
                conn.execute(insert(Resident), rows)
                conn.execute(insert(ResidentNameToken), tokens)
                if tags:
                    conn.execute(insert(ResidentTag), tags)
            first += people
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return first


# ---- searching -------------------------------------------------------------------------------


def queries(people: list[Person], n: int, seed: int = 11) -> list[str]:
    """What workers type: mostly names and parts of names, sometimes an ID, a tag, a building."""
    rng = random.Random(seed)
    found: list[str] = []
    for _ in range(n):
        person = rng.choice(people)
        kind = rng.random()
        if kind < 0.35:
            found.append(person.name)
        elif kind < 0.55:
            found.append(person.name[0])  # a surname
        elif kind < 0.75:
            found.append(person.name[1:])  # a given name
        elif kind < 0.85:
            found.append(person.id_number)
        elif kind < 0.92:
            found.append(rng.choice(TAGS))
        else:
            found.append(f"{person.building}幢")
    return found


def baseline_search(
    *, session: Session, cipher: FieldCipher, community: str, query: str, limit: int = 50
) -> list[ResidentPublic]:
    """The hub's search before the name index: decrypt names in id order until `limit` match."""
    query = query.strip()
    id_index = cipher.blind_index(query.upper(), purpose="resident.id_number")
    results: list[ResidentPublic] = []
    today = date.today()
    stmt = select(Resident).where(Resident.community_code == community).order_by(col(Resident.id))
    for resident in session.exec(stmt):
        name = resident_name(cipher=cipher, resident=resident)
        if query in name or (len(query) == 18 and resident.id_number_index == id_index):
            household = session.get(Household, resident.household_id)
            results.append(
                ResidentPublic(
                    id=resident.id or 0,
                    name_masked=mask_name(name),
                    id_number_masked=resident.id_number_masked,
                    sex=resident.sex,
                    age=today.year - resident.birth_date.year,
                    address=household.address if household else None,
                )
            )
            if len(results) >= limit:
                break
    return results


def timings(
    engine: Engine, cipher: FieldCipher, search: Callable[..., list[ResidentPublic]], qs: list[str]
) -> list[float]:
    spent = []
    for q in qs:
        with Session(engine) as session:
            began = time.perf_counter()
            search(session=session, cipher=cipher, community="320206104001", query=q)
            spent.append((time.perf_counter() - began) * 1000)
    return spent


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def search_bench(name: str, url: str, residents: int, n_queries: int, n_baseline: int) -> None:
    engine = make_engine(url)
    cipher = make_cipher()
    migrate(url)
    began = time.perf_counter()
    people = fill(engine, cipher, residents)
    filled = time.perf_counter() - began
    qs = queries(people, n_queries)
    timings(engine, cipher, search_residents, qs[:20])  # warm caches and connections
    ours = timings(engine, cipher, search_residents, qs)
    base = timings(engine, cipher, baseline_search, qs[:n_baseline])
    # The same answers: both return the lowest-id matches (tags and addresses aside, which the
    # baseline never searched).
    with Session(engine) as session:
        for q in qs[:n_baseline]:
            if q in TAGS or set(q) & set(ADDRESS_WORDS):
                continue
            a = search_residents(session=session, cipher=cipher, community="320206104001", query=q)
            b = baseline_search(session=session, cipher=cipher, community="320206104001", query=q)
            assert [r.id for r in a] == [r.id for r in b], q
    engine.dispose()
    print(
        f"{name:<11} {residents:>10,} residents ({residents // PER_COMMUNITY or 1} communities, "
        f"filled in {filled:.0f} s)\n"
        f"  ours      p50 {p(ours, 50):7.1f} ms  p95 {p(ours, 95):7.1f} ms  "
        f"max {max(ours):7.1f} ms  over {len(ours)} searches\n"
        f"  baseline  p50 {p(base, 50):7.1f} ms  p95 {p(base, 95):7.1f} ms  "
        f"max {max(base):7.1f} ms  over {len(base)} searches",
        flush=True,
    )


# ---- importing -------------------------------------------------------------------------------


def import_bench(rows: int, naive_rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'import.db'}"
        migrate(url)
        engine = make_engine(url)
        cipher = make_cipher()
        with session_scope(engine) as session:
            session.add(
                Community(
                    code="320206104001",
                    name="玉祁社区",
                    street_name="玉祁街道",
                    district_code="320206",
                )
            )
        began = time.perf_counter()
        table = imports.read_table(ledger_of(rows), "台账.csv")
        mapping = imports.guess_mapping(table.headers)
        with Session(engine) as session:
            report = imports.check(
                table, mapping, session=session, cipher=cipher, community="320206104001"
            )
        checked = time.perf_counter()
        with session_scope(engine, actor="bench") as session:
            result = imports.apply(
                table,
                mapping,
                session=session,
                cipher=cipher,
                community="320206104001",
                skip_bad_rows=False,
            )
        applied = time.perf_counter()
        assert report.to_create == rows and result.created == rows
        naive = _naive_seconds(engine, cipher, naive_rows)
        engine.dispose()
    print(
        f"import      {rows:>10,} ledger rows (SQLite)\n"
        f"  ours      read+check {checked - began:5.1f} s  apply {applied - checked:5.1f} s  "
        f"total {applied - began:5.1f} s\n"
        f"  baseline  one create_resident and commit per row: {naive * rows / naive_rows:5.0f} s "
        f"per {rows:,} (timed on {naive_rows:,} rows)",
        flush=True,
    )


def _naive_seconds(engine: Engine, cipher: FieldCipher, rows: int) -> float:
    began = time.perf_counter()
    for i in range(rows):
        with session_scope(engine, actor="bench") as session:
            create_resident(
                session=session,
                cipher=cipher,
                data=ResidentCreate(name=f"逐条{i}", id_number=_id_number(5_000_000 + i)),
                community="320206104001",
            )
    return time.perf_counter() - began


# ---- main ------------------------------------------------------------------------------------


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'search.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-rows", type=int, default=100_000)
    parser.add_argument("--postgres-rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--baseline-queries", type=int, default=40)
    args = parser.parse_args()
    print("resident search, one community of 50,000 searched; target p95 < 50 ms", flush=True)
    if args.sqlite_rows:
        with _sqlite() as url:
            search_bench("SQLite", url, args.sqlite_rows, args.queries, args.baseline_queries)
    if args.postgres_rows:
        with _postgres.running_postgres() as url:
            search_bench("PostgreSQL", url, args.postgres_rows, args.queries, args.baseline_queries)
    if args.import_rows:
        print("ledger import; target < 60 s for 100k rows", flush=True)
        import_bench(args.import_rows, naive_rows=2_000)


if __name__ == "__main__":
    main()
