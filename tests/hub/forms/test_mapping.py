"""Per-target mappings as data (issue #7): every problem IT can write is reported at once,
naming the target and the field; a checked mapping produces the target's fields, the same as
the hand-written mapping modules of the connectors it replaces."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

import pytest

from connectors.elderly_api import _mapping as elderly_api_mapping
from connectors.elderly_api._manifest import MANIFEST as ELDERLY_API
from connectors.housing_safety import _mapping as housing_safety_mapping
from connectors.housing_safety._manifest import MANIFEST as HOUSING_SAFETY
from connectors.sdk import Application, FieldDecl, Manifest
from connectors.sdk.testing import sample_application
from hub.errors import ConfigurationError, InvalidInput
from hub.forms import FORMS
from hub.forms._mapping import apply_mapping, check_mapping, load_mapping

#: A target with a field of every kind, the optional one last.
TARGET = Manifest(
    id="test_target",
    name="测试平台",
    version="0.1.0",
    kind="api",
    auth="api_key",
    allowed_hosts=["localhost"],
    business_type="测试",
    fields=[
        FieldDecl(name="xm", label="姓名"),
        FieldDecl(name="xb", label="性别", kind="code"),
        FieldDecl(name="csrq", label="出生日期", kind="date"),
        FieldDecl(name="rk", label="家庭人口", kind="number"),
        FieldDecl(name="bz", label="备注", required=False),
    ],
)
FORM_FIELDS = {
    "name": "text",
    "id_number": "idcard",
    "sex": "select",
    "birth_date": "date",
    "phone": "tel",
    "address": "text",
    "household_size": "number",
    "monthly_income": "money",
    "relation": "select",
    "applied_on": "date",
}
VALID = {
    "xm": "name",
    "xb": "sex",
    "csrq": "birth_date",
    "rk": "household_size",
}


def problems_of(raw: dict[str, Any], manifest: Manifest = TARGET) -> list[str]:
    return check_mapping(manifest.id, raw, manifest=manifest, form_fields=FORM_FIELDS)


def the_problem(raw: dict[str, Any], field: str) -> str:
    """The one problem of raw, which must name the target and field."""
    problems = problems_of(raw)
    assert len(problems) == 1, problems
    assert "test_target" in problems[0]
    assert field in problems[0]
    return problems[0]


def with_field(field: str, rule: object) -> dict[str, Any]:
    return VALID | {field: rule}


# ---- what check_mapping reports ------------------------------------------------------------


def test_a_valid_mapping_has_no_problems() -> None:
    assert problems_of(VALID) == []


def test_a_mapping_using_every_transform_has_no_problems() -> None:
    assert problems_of(EVERY_TRANSFORM) == []


def test_a_target_field_the_connector_does_not_declare_is_named_with_those_it_does() -> None:
    problem = the_problem(with_field("xingming", "name"), "xingming")

    assert all(name in problem for name in ("xm", "xb", "csrq", "rk", "bz"))


def test_a_form_field_the_form_does_not_have_is_named() -> None:
    problem = the_problem(with_field("bz", "hobby"), "bz")

    assert "hobby" in problem


def test_each_missing_form_field_of_a_join_is_named() -> None:
    problem = the_problem(
        with_field("bz", {"from": ["phone", "fax", "email"], "transform": "join"}), "bz"
    )

    assert "表单没有字段 fax、email；" in problem


def test_an_unknown_transform_is_named_with_those_there_are() -> None:
    problem = the_problem(with_field("bz", {"from": "name", "transform": "upper"}), "bz")

    assert "upper" in problem and "address_part" in problem


def test_an_unknown_code_table_is_named_with_those_there_are() -> None:
    rule = {"from": "relation", "transform": "code", "table": "relations", "to": "name"}
    problem = the_problem(with_field("bz", rule), "bz")

    assert "relations" in problem and "relation、" in problem


def test_a_missing_transform_argument_is_named() -> None:
    problem = the_problem(with_field("csrq", {"from": "birth_date", "transform": "date"}), "csrq")

    assert "format" in problem


def test_an_unknown_transform_argument_is_named_with_those_it_takes() -> None:
    rule = {"from": "birth_date", "transform": "date", "format": "%Y%m%d", "fromat": "%Y"}
    problem = the_problem(with_field("csrq", rule), "csrq")

    assert "fromat" in problem and "format" in problem


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ({"from": "birth_date", "transform": "date", "format": "%Y%m%d %H"}, "%H"),
        ({"from": "address", "transform": "region", "level": "town"}, "township"),
        ({"from": "address", "transform": "address_part", "part": "road"}, "street"),
        ({"from": "sex", "transform": "code", "table": "sex", "to": "label"}, "to"),
        ({"from": "sex", "transform": "code", "map": {"1": 1}}, "map"),
        ({"from": "sex", "transform": "code", "map": {"1": "M"}, "table": "sex"}, "map"),
        ({"from": "sex", "transform": "code"}, "table"),
        ({"value": 1}, "value"),
        ({"from": ["name", "phone"], "transform": "join", "sep": 0}, "sep"),
    ],
)
def test_a_bad_transform_argument_is_named(rule: dict[str, Any], named: str) -> None:
    problem = the_problem(with_field("bz", rule), "bz")

    assert named in problem


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        (5, "from"),  # neither a field name nor a table
        ({"from": 5}, "from"),
        ({"from": []}, "from"),
        ({"from": "name", "transform": 3}, "transform"),
        ({"transform": "date", "format": "%Y"}, "from"),
        ({"from": ["name", "phone"]}, "join"),  # copy takes one field
        ({"value": "社区代办", "from": "name"}, "from"),
    ],
)
def test_a_rule_of_no_known_shape_is_reported(rule: object, named: str) -> None:
    problem = the_problem(with_field("bz", rule), "bz")

    assert named in problem


def test_a_date_field_fed_by_a_text_field_is_a_type_mismatch() -> None:
    problem = the_problem(with_field("csrq", "name"), "csrq")

    assert "出生日期是日期" in problem and "name 是文本字段" in problem


def test_a_number_field_fed_by_a_date_is_a_type_mismatch() -> None:
    problem = the_problem(with_field("rk", "applied_on"), "rk")

    assert "家庭人口是数字" in problem and "applied_on 是日期字段" in problem


def test_a_code_field_fed_by_free_text_is_a_type_mismatch() -> None:
    problem = the_problem(with_field("xb", "phone"), "xb")

    assert "性别是代码" in problem and "phone 是电话字段" in problem


def test_a_code_field_fed_by_a_join_is_a_type_mismatch() -> None:
    problem = the_problem(with_field("xb", {"from": ["sex"], "transform": "join"}), "xb")

    assert "join 转换得到的是文本" in problem


def test_a_date_transform_of_a_field_that_is_no_date_is_a_type_mismatch() -> None:
    rule = {"from": "phone", "transform": "date", "format": "%Y%m%d"}
    problem = the_problem(with_field("bz", rule), "bz")

    assert "phone 是电话字段" in problem


@pytest.mark.parametrize(
    "rule",
    [
        "birth_date",  # a date, copied
        {"from": "birth_date", "transform": "date", "format": "%Y年%-m月%-d日"},
        {"value": "2026-01-01"},
    ],
)
def test_a_date_field_takes_a_date_or_a_constant(rule: object) -> None:
    assert problems_of(with_field("csrq", rule)) == []


@pytest.mark.parametrize(
    "rule",
    [
        "sex",
        {"from": "sex", "transform": "code", "table": "sex", "to": "name"},
        {"from": "sex", "transform": "code", "map": {"1": "M", "2": "F"}},
        {"from": "community_code", "transform": "region", "level": "county"},
        {"value": "1"},
    ],
)
def test_a_code_field_takes_a_select_a_region_or_a_constant(rule: object) -> None:
    assert problems_of(with_field("xb", rule)) == []


@pytest.mark.parametrize("source", ["household_size", "monthly_income"])
def test_a_number_field_takes_a_number_or_money(source: str) -> None:
    assert problems_of(with_field("rk", source)) == []


def test_a_required_target_field_left_unmapped_is_named_with_its_label() -> None:
    raw = {key: rule for key, rule in VALID.items() if key != "csrq"}

    problem = the_problem(raw, "csrq")

    assert "出生日期" in problem


def test_an_optional_target_field_may_be_left_unmapped() -> None:
    assert "bz" not in VALID
    assert problems_of(VALID) == []


def test_every_problem_is_reported_at_once() -> None:
    raw = {
        "xm": "nmae",
        "xb": {"from": "sex", "transform": "codes"},
        "csrq": "phone",
        "extra": "name",
    }  # and rk unmapped

    problems = problems_of(raw)

    assert len(problems) == 5, problems
    for field in ("xm", "xb", "csrq", "extra", "rk"):
        assert sum(f"字段 {field}" in problem for problem in problems) == 1, field


def test_a_mapping_that_is_no_table_is_reported() -> None:
    not_a_table: Any = "xm"

    problems = check_mapping("test_target", not_a_table, manifest=TARGET, form_fields=FORM_FIELDS)

    assert len(problems) == 1 and "test_target" in problems[0]


def test_the_community_fields_are_there_whether_or_not_the_form_lists_them() -> None:
    raw = with_field("bz", {"from": ["community_name", "community_code"], "transform": "join"})

    assert "community_name" not in FORM_FIELDS
    assert problems_of(raw) == []


def test_load_mapping_refuses_a_mapping_with_problems_listing_them_all() -> None:
    with pytest.raises(ConfigurationError) as exc:
        load_mapping("test_target", {"xm": "nmae"}, manifest=TARGET, form_fields=FORM_FIELDS)

    assert "nmae" in exc.value.detail
    assert all(field in exc.value.detail for field in ("xb", "csrq", "rk"))


# ---- what apply_mapping produces -----------------------------------------------------------

EVERY_TRANSFORM = tomllib.loads(
    """
    xm = "name"
    xb = { from = "sex", transform = "code", map = { "1" = "M", "2" = "F" } }
    csrq = { from = "birth_date", transform = "date", format = "%Y年%-m月%-d日" }
    rk = { value = "1" }
    bz = { from = ["address", "phone"], transform = "join", sep = " " }
    """
)
TRANSFORMED = {
    "xingbie": ({"from": "sex", "transform": "code", "table": "sex", "to": "name"}, "女"),
    "xingbie_code": ({"from": "sex_name", "transform": "code", "table": "sex", "to": "code"}, "2"),
    "guanxi": (
        {"from": "relation", "transform": "code", "table": "relation", "to": "name"},
        "配偶",
    ),
    "sheng": ({"from": "address", "transform": "address_part", "part": "province"}, "江苏省"),
    "jiedao": ({"from": "address", "transform": "address_part", "part": "street"}, "堰桥街道"),
    "shi": ({"from": "community_code", "transform": "region", "level": "city"}, "320200"),
    "xiangzhen": (
        {"from": "community_code", "transform": "region", "level": "township"},
        "320206104",
    ),
    "sqrq": ({"from": "applied_on", "transform": "date", "format": "%Y%m%d"}, "20261125"),
    "qudao": ({"value": "社区代办"}, "社区代办"),
}
VALUES = {
    "name": "王秀英",
    "sex": "2",
    "sex_name": "女",
    "birth_date": "1936-07-08",
    "phone": "13812345678",
    "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
    "relation": "10",
    "household_size": "2",
    "monthly_income": "520.00",
    "community_code": "320206104001",
    "community_name": "玉祁社区",
    "applied_on": "2026-11-25",
}


def wide_target() -> Manifest:
    """TARGET with an optional text field for each rule of TRANSFORMED."""
    extra = [FieldDecl(name=name, label=name, required=False) for name in TRANSFORMED]
    return TARGET.model_copy(update={"fields": [*TARGET.fields, *extra]})


def load(raw: dict[str, Any], manifest: Manifest = TARGET) -> Any:
    form_fields = FORM_FIELDS | {"sex_name": "text"}
    return load_mapping(manifest.id, raw, manifest=manifest, form_fields=form_fields)


def test_a_mapping_produces_the_targets_fields() -> None:
    mapping = load(EVERY_TRANSFORM)

    assert apply_mapping(mapping, VALUES) == {
        "xm": "王秀英",
        "xb": "F",
        "csrq": "1936年7月8日",
        "rk": "1",
        "bz": "江苏省无锡市惠山区堰桥街道锡澄路88号 13812345678",
    }


@pytest.mark.parametrize("field", sorted(TRANSFORMED))
def test_each_transform_produces_what_the_target_expects(field: str) -> None:
    rule, expected = TRANSFORMED[field]
    mapping = load(VALID | {field: rule}, wide_target())

    assert apply_mapping(mapping, VALUES)[field] == expected


def test_a_blank_optional_value_stays_blank() -> None:
    rule = {"from": "relation", "transform": "code", "table": "relation", "to": "name"}
    mapping = load(VALID | {"guanxi": rule}, wide_target())

    assert apply_mapping(mapping, VALUES | {"relation": ""})["guanxi"] == ""


@pytest.mark.parametrize(
    ("values", "source"),
    [
        (VALUES | {"sex": "9"}, "sex"),  # not in the target's map
        (VALUES | {"birth_date": "1936-02-30"}, "birth_date"),
    ],
)
def test_a_value_that_cannot_be_transformed_is_refused_naming_the_field(
    values: dict[str, str], source: str
) -> None:
    mapping = load(EVERY_TRANSFORM)

    with pytest.raises(InvalidInput) as exc:
        apply_mapping(mapping, values)

    assert "test_target" in exc.value.user_message
    assert source in exc.value.user_message
    assert set(exc.value.field_errors) == {source}
    assert values[source] not in exc.value.user_message  # no personal data in the message


def test_a_code_not_in_its_table_is_refused() -> None:
    rule = {"from": "relation", "transform": "code", "table": "relation", "to": "name"}
    mapping = load(VALID | {"guanxi": rule}, wide_target())

    with pytest.raises(InvalidInput, match="guanxi"):
        apply_mapping(mapping, VALUES | {"relation": "19"})


def test_a_value_the_application_lacks_is_a_configuration_error() -> None:
    mapping = load(VALID)
    values = {key: value for key, value in VALUES.items() if key != "birth_date"}

    with pytest.raises(ConfigurationError, match="birth_date"):
        apply_mapping(mapping, values)


# ---- the same as the connectors' hand-written mappings -------------------------------------

# What forms/*.toml would hold for the two API targets, written as IT would write it.
HAND_WRITTEN_AS_DATA = {
    "elderly_api": """
        [targets.elderly_api]
        id_number = "id_number"
        name = "name"
        sex = "sex"
        birth_date = "birth_date"
        phone = "phone"
        address = "address"
        community_code = "community_code"
        allowance_type = "allowance_type"
        applied_on = "applied_on"
    """,
    "housing_safety": """
        [targets.housing_safety]
        address = "address"
        community_code = "community_code"
        owner_name = "name"
        owner_id_number = "id_number"
        phone = "phone"
        structure = "structure"
        built_year = "built_year"
        floors = "floors"
        safety_level = "safety_level"
        hazards = "hazards"
        inspected_on = "applied_on"
        inspector = "inspector"
    """,
}
CONNECTORS = {
    "elderly_api": (ELDERLY_API, elderly_api_mapping.to_target, "elderly-allowance"),
    "housing_safety": (HOUSING_SAFETY, housing_safety_mapping.to_target, "house-safety"),
}
SAMPLES: dict[str, dict[str, Any]] = {
    "as sampled": {},
    "another day": {"applied_on": date(2026, 1, 31)},
    "another resident": {
        "name": "陈建国",
        "id_number": "32020619680412027X",
        "sex": "1",
        "birth_date": date(1968, 4, 12),
        "address": "江苏省无锡市梁溪区崇安寺街道中山路5号",
        "community_code": "320213001002",
        "community_name": "崇安寺社区",
    },
}


def values_of(application: Application) -> dict[str, str]:
    """The application as the flat text values a mapping reads (dates ISO)."""
    common = application.model_dump(mode="json", exclude={"form_id", "answers"})
    return {**common, **application.answers}


@pytest.mark.parametrize("target", sorted(CONNECTORS))
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_the_data_mapping_produces_what_the_connectors_own_mapping_does(
    target: str, sample: str
) -> None:
    manifest, to_target, form_id = CONNECTORS[target]
    raw = tomllib.loads(HAND_WRITTEN_AS_DATA[target])["targets"][target]
    form_fields = {field.name: field.type for field in FORMS[form_id].fields}
    application = sample_application(form_id, **SAMPLES[sample])

    mapping = load_mapping(target, raw, manifest=manifest, form_fields=form_fields)

    assert apply_mapping(mapping, values_of(application)) == to_target(application)


def test_a_blank_hazards_answer_maps_as_the_connector_maps_it() -> None:
    answers = {**sample_application("house-safety").answers, "safety_level": "A", "hazards": ""}
    application = sample_application("house-safety", answers=answers)
    raw = tomllib.loads(HAND_WRITTEN_AS_DATA["housing_safety"])["targets"]["housing_safety"]
    form_fields = {field.name: field.type for field in FORMS["house-safety"].fields}

    mapping = load_mapping("housing_safety", raw, manifest=HOUSING_SAFETY, form_fields=form_fields)
    produced = apply_mapping(mapping, values_of(application))

    assert produced == housing_safety_mapping.to_target(application)
    assert produced["hazards"] == ""
