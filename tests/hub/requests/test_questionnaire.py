"""A questionnaire sent to two communities: a link each, answered by residents without an account,
each answer sheet kept once, counted per community and merged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.forms import FormTemplate
from hub.requests import answer, merged_table, progress, questionnaire_part, send_request
from hub.store import DataRequest, DataRequestRow
from tests.hub.requests.conftest import DEADLINE, RUIXING, STREET_USER, TODAY, YUQI

ANSWERS = {
    "age_band": "80+",
    "lives_with": "alone",
    "most_needed": "meals",
    "satisfaction": "4",
    "suggestions": "希望增加助餐点",
    "phone": "",
}


def sent(session: Session, cipher: FieldCipher, form: FormTemplate) -> DataRequest:
    return send_request(
        session, cipher=cipher, sender=STREET_USER, form=form, communities=[YUQI, RUIXING],
        deadline=DEADLINE, note="", today=TODAY,
    )  # fmt: skip


def links(session: Session, request: DataRequest) -> dict[str, str]:
    return {p.code: p.link_token or "" for p in progress(session, request)}


def test_each_community_gets_its_own_link_and_no_rows_until_residents_answer(
    demo: Engine, cipher: FieldCipher, questionnaire: FormTemplate
) -> None:
    with Session(demo) as session:
        request = sent(session, cipher, questionnaire)
        tokens = links(session, request)

        assert len(set(tokens.values())) == 2 and all(len(t) == 32 for t in tokens.values())
        for code, token in tokens.items():
            found, line = questionnaire_part(session, token)
            assert (found.id, line.community_code) == (request.id, code)
        assert session.exec(select(DataRequestRow)).all() == []
        with pytest.raises(NotFound):
            questionnaire_part(session, "0" * 32)


def test_an_answer_sheet_posted_twice_is_kept_once_and_counted_for_its_community(
    demo: Engine, cipher: FieldCipher, questionnaire: FormTemplate
) -> None:
    with Session(demo) as session:
        request = sent(session, cipher, questionnaire)
        part = questionnaire_part(session, links(session, request)[RUIXING])

        for _ in range(2):  # a double tap on 提交
            assert answer(
                session, cipher=cipher, part=part, form=questionnaire, posted=ANSWERS,
                client_key="page-key-0001", today=TODAY,
            ) == {}  # fmt: skip
        answer(
            session, cipher=cipher, part=part, form=questionnaire,
            posted=ANSWERS | {"most_needed": "medical"}, client_key="page-key-0002", today=TODAY,
        )  # fmt: skip
        session.commit()

        yuqi, ruixing = progress(session, request)
        assert (yuqi.rows, ruixing.rows) == (0, 2)
        assert ruixing.status(request, TODAY) == "已收到 2 份"
        table = merged_table(
            session, cipher=cipher, request=request, form=questionnaire, today=TODAY
        )
        needed = table.headers.index("您最需要的居家养老服务")
        assert [(r[0], r[needed]) for r in table.rows] == [
            ("瑞星社区", "助餐"),
            ("瑞星社区", "助医（陪诊、上门护理）"),
        ]


def test_a_wrong_answer_is_explained_and_nothing_is_kept(
    demo: Engine, cipher: FieldCipher, questionnaire: FormTemplate
) -> None:
    with Session(demo) as session:
        request = sent(session, cipher, questionnaire)
        part = questionnaire_part(session, links(session, request)[YUQI])

        errors = answer(
            session, cipher=cipher, part=part, form=questionnaire,
            posted=ANSWERS | {"age_band": "", "phone": "12345"}, client_key="page-key-0003",
            today=TODAY,
        )  # fmt: skip

        assert errors == {
            "age_band": "请选择您的年龄段",
            "phone": "手机号码应为以1开头的11位数字",
        }
        assert session.exec(select(DataRequestRow)).all() == []


def test_after_the_deadline_the_link_takes_no_answers(
    demo: Engine, cipher: FieldCipher, questionnaire: FormTemplate
) -> None:
    with Session(demo) as session:
        request = sent(session, cipher, questionnaire)
        part = questionnaire_part(session, links(session, request)[YUQI])

        with pytest.raises(InvalidInput) as closed:
            answer(
                session, cipher=cipher, part=part, form=questionnaire, posted=ANSWERS,
                client_key="page-key-0004", today=DEADLINE + timedelta(days=1),
            )  # fmt: skip

        assert closed.value.user_message == "本问卷已于截止日期结束，感谢您的关注"
        assert session.exec(select(DataRequestRow)).all() == []
