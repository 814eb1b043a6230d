"""Form templates published as versions (issue #7): a version never changes once published, the
newest is what the hub offers, every older one stays readable, and a template whose mapping does
not fit its connector is refused with each problem named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from connectors.sdk import Manifest, load_connectors
from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.forms._template import FORMS_FOLDER, load_templates
from hub.store import (
    FormVersion,
    audit,
    form_versions,
    latest_templates,
    publish_form,
    published_template,
    session_scope,
)
from hub.store import _form_versions as form_versions_module
from tests.factories import make_store
from tests.hub.forms._trial_form import MAPPING, trial, with_tables

MANIFESTS: dict[str, Manifest] = {cid: c.manifest for cid, c in load_connectors().items()}


def publish(
    engine: Engine, cipher: FieldCipher, source: str, by: str = "it-li"
) -> tuple[FormVersion, bool]:
    with session_scope(engine, actor=by) as session:
        return publish_form(
            session, source=source, by=by, roles={"it_admin"}, cipher=cipher, manifests=MANIFESTS
        )


def refusal(engine: Engine, cipher: FieldCipher, source: str) -> str:
    """The user message of publishing source, which must be refused."""
    with pytest.raises(InvalidInput) as exc:
        publish(engine, cipher, source)
    return exc.value.user_message


def stored(engine: Engine) -> list[tuple[str, int, str]]:
    with Session(engine) as session:
        rows = session.exec(select(FormVersion).order_by(col(FormVersion.id))).all()
        return [(row.form_id, row.version, row.title) for row in rows]


def publications(engine: Engine) -> list[audit.AuditEntry]:
    with Session(engine) as session:
        query = select(audit.AuditEntry).where(audit.AuditEntry.action == "form_publish")
        return list(session.exec(query).all())


# ---- publishing ----------------------------------------------------------------------------


def test_every_bundled_template_publishes_and_is_the_latest_of_its_form(
    engine: Engine, cipher: FieldCipher
) -> None:
    paths = sorted(FORMS_FOLDER.glob("*.toml"))
    assert len(paths) == 7  # five applications, a collection, a questionnaire
    for path in paths:
        _, created = publish(engine, cipher, path.read_text(encoding="utf-8"))
        assert created, path

    with session_scope(engine) as session:
        assert latest_templates(session) == load_templates()
        rows = form_versions(session)
    assert {(row.form_id, row.version, row.published_by) for row in rows} == {
        (form_id, template.version, "it-li") for form_id, template in load_templates().items()
    }
    assert sorted(entry.subject for entry in publications(engine)) == sorted(
        f"form:{form_id}" for form_id in load_templates()
    )


def test_publishing_is_audited_with_the_version_and_targets(
    engine: Engine, cipher: FieldCipher
) -> None:
    publish(engine, cipher, trial(), by="it-wang")

    [entry] = publications(engine)
    assert (entry.actor, entry.roles, entry.subject) == ("it-wang", "it_admin", "form:trial")
    assert entry.community_code is None
    assert entry.detail == '{"targets":["elderly_api"],"version":1}'
    with session_scope(engine) as session:
        assert audit.verify(session, cipher=cipher).intact


def test_publishing_the_same_text_again_creates_nothing(
    engine: Engine, cipher: FieldCipher
) -> None:
    first, created = publish(engine, cipher, trial())
    again, created_again = publish(engine, cipher, trial(), by="someone-else")

    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.published_by == "it-li"
    assert stored(engine) == [("trial", 1, "试用表单")]
    assert len(publications(engine)) == 1


def test_a_published_version_with_other_text_is_refused_naming_form_and_version(
    engine: Engine, cipher: FieldCipher
) -> None:
    publish(engine, cipher, trial())

    message = refusal(engine, cipher, trial(title="试用表单（改）"))

    assert message == "表单 trial 第 1 版已发布且内容不同，请把 version 改为 2"
    assert stored(engine) == [("trial", 1, "试用表单")]
    assert len(publications(engine)) == 1


def test_changing_an_old_version_asks_for_the_one_after_the_newest(
    engine: Engine, cipher: FieldCipher
) -> None:
    publish(engine, cipher, trial(version=1))
    publish(engine, cipher, trial(version=2, title="试用表单二"))

    message = refusal(engine, cipher, trial(version=1, title="试用表单（改）"))

    assert "第 1 版已发布且内容不同" in message and "改为 3" in message


def test_a_version_below_the_newest_is_refused(engine: Engine, cipher: FieldCipher) -> None:
    publish(engine, cipher, trial(version=3))

    message = refusal(engine, cipher, trial(version=2))

    assert message == "表单 trial 已发布到第 3 版，不能再发布更低的第 2 版；请把 version 改为 4"
    assert stored(engine) == [("trial", 3, "试用表单")]


def test_a_higher_version_becomes_the_latest_and_the_old_stays_readable(
    engine: Engine, cipher: FieldCipher
) -> None:
    publish(engine, cipher, trial(version=1, title="试用表单"))
    _, created = publish(engine, cipher, trial(version=2, title="试用表单二"))

    assert created
    with session_scope(engine) as session:
        latest = latest_templates(session)["trial"]
        old = published_template(session, "trial", 1)
        versions = [(row.version, row.title) for row in form_versions(session, "trial")]
    assert (latest.version, latest.title) == (2, "试用表单二")
    assert (old.version, old.title) == (1, "试用表单")
    assert versions == [(2, "试用表单二"), (1, "试用表单")]


def test_a_version_never_published_is_not_found(engine: Engine, cipher: FieldCipher) -> None:
    publish(engine, cipher, trial(version=1))
    with session_scope(engine) as session, pytest.raises(NotFound):
        published_template(session, "trial", 2)


def test_a_race_lost_to_the_same_version_is_settled_by_its_unique_key(
    engine: Engine, cipher: FieldCipher, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(engine, cipher, trial())
    # Another process published between our look-up and our insert: the look-up saw nothing.
    real_row = form_versions_module._row
    looked: list[int] = []

    def first_look_misses(session: Session, form_id: str, version: int) -> FormVersion | None:
        looked.append(version)
        return None if len(looked) == 1 else real_row(session, form_id, version)

    monkeypatch.setattr(form_versions_module, "_row", first_look_misses)
    _, created = publish(engine, cipher, trial())
    looked.clear()
    message = refusal(engine, cipher, trial(title="试用表单（改）"))

    assert not created
    assert "已发布且内容不同" in message
    assert stored(engine) == [("trial", 1, "试用表单")]
    assert len(publications(engine)) == 1


def test_a_broken_template_is_refused_with_its_problems(
    engine: Engine, cipher: FieldCipher
) -> None:
    broken = trial().replace('type = "tel"', 'type = "telephone"')

    message = refusal(engine, cipher, broken)

    assert message.startswith("表单模板有误，未发布，共 1 处问题")
    assert "sections[0].fields[4] (phone): unknown type 'telephone'" in message
    assert stored(engine) == []


# ---- mappings against the connectors' fields ------------------------------------------------


def test_a_template_with_a_fitting_mapping_publishes_and_keeps_it(
    engine: Engine, cipher: FieldCipher
) -> None:
    publish(engine, cipher, with_tables(elderly_api=MAPPING))

    with session_scope(engine) as session:
        template = published_template(session, "trial", 1)
    assert template.targets == ["elderly_api"]
    assert template.mappings == {"elderly_api": MAPPING}


@pytest.mark.parametrize(
    ("tables", "named"),
    [
        (
            {"elderly_api": MAPPING | {"xm": "name"}},
            "目标 elderly_api 没有字段 xm；它声明的字段有：id_number、name",
        ),
        (
            {"elderly_api": MAPPING | {"birth_date": "address"}},
            "目标 elderly_api 的字段 birth_date：出生日期是日期，须取日期字段（可经 date 转换）"
            "或常量，而 address 是文本字段",
        ),
        (
            {"elderly_api": {k: v for k, v in MAPPING.items() if k != "applied_on"}},
            "目标 elderly_api 的必填字段 applied_on（申请日期）没有映射",
        ),
        (
            {"elderly_api": MAPPING, "nowhere": {"name": "name"}},
            "目标 nowhere 不是已安装的连接器；已安装的有："
            "city_data、civil_affairs、disability_allowance",
        ),
    ],
    ids=["unknown target field", "type mismatch", "required field unmapped", "unknown connector"],
)
def test_a_mapping_that_does_not_fit_its_connector_is_refused_naming_the_problem(
    engine: Engine, cipher: FieldCipher, tables: dict[str, dict[str, str]], named: str
) -> None:
    message = refusal(engine, cipher, with_tables(**tables))

    assert message.startswith("表单 trial 第 1 版未发布，共 1 处问题：\n- ")
    assert named in message
    assert stored(engine) == []
    assert publications(engine) == []


def test_every_problem_of_every_target_is_reported_at_once(
    engine: Engine, cipher: FieldCipher
) -> None:
    elderly = {k: v for k, v in MAPPING.items() if k != "applied_on"} | {"xm": "name"}
    source = with_tables(elderly_api=elderly, nowhere={"name": "name"})

    message = refusal(engine, cipher, source)

    assert "共 3 处问题" in message
    for named in ("没有字段 xm", "必填字段 applied_on", "目标 nowhere 不是已安装的连接器"):
        assert named in message


def test_a_target_listed_without_a_table_must_still_be_installed(
    engine: Engine, cipher: FieldCipher
) -> None:
    message = refusal(engine, cipher, trial(targets='targets = ["elderly_api", "nowhere"]'))
    assert "目标 nowhere 不是已安装的连接器" in message


# ---- reading back ----------------------------------------------------------------------------


def test_each_database_reads_its_own_text_of_a_version(tmp_path: Path) -> None:
    # The parsed templates are cached: the cache must not serve one store's text to another.
    stores = [make_store(tmp_path / name) for name in ("a", "b")]
    for (engine, cipher), title in zip(stores, ("甲表单", "乙表单"), strict=True):
        publish(engine, cipher, trial(title=title))
    try:
        titles = []
        for engine, _ in stores:
            with session_scope(engine) as session:
                titles.append(published_template(session, "trial", 1).title)
    finally:
        for engine, _ in stores:
            engine.dispose()
    assert titles == ["甲表单", "乙表单"]
