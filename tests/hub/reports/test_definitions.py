"""Report definitions are data: the shipped ones load; a broken one says which file and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub.reports import (
    FIELDS,
    REPORTS_DIR,
    DefinitionError,
    ReportDefinition,
    catalog,
    load_definitions,
)
from hub.reports._sources import _SOURCES

SHIPPED = {
    "elderly-80-by-building": "80周岁以上老人（按楼栋）",
    "households-by-type": "户籍类型统计（按户类型）",
    "house-safety": "房屋安全状况统计",
    "key-people": "重点人群名单（按标签）",
    "monthly-ledger": "月度工作台账",
}
GOOD: dict[str, Any] = {
    "id": "sample",
    "title": "样例",
    "source": "residents",
    "filters": [{"field": "age", "op": ">=", "value": 80}],
    "group_by": ["building"],
    "columns": [{"header": "楼栋", "field": "building"}, {"header": "人数", "aggregate": "count"}],
}


def write(folder: Path, data: dict[str, Any] | str, name: str = "sample") -> Path:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return folder


def test_shipped_definitions_load_with_their_chinese_titles(
    definitions: dict[str, ReportDefinition],
):
    assert {d.id: d.title for d in definitions.values()} == SHIPPED
    assert definitions["monthly-ledger"].params == ["month"]
    assert all(d.params == [] for i, d in definitions.items() if i != "monthly-ledger")


def test_every_field_of_the_vocabulary_can_be_read_from_its_source():
    assert set(FIELDS) == set(_SOURCES)
    for source, fields in FIELDS.items():
        assert set(fields) == set(_SOURCES[source][1]), source


def test_a_good_definition_loads(tmp_path: Path):
    assert list(load_definitions(write(tmp_path, GOOD))) == ["sample"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group_by": ["floor"]}, "group_by[0]: unknown field 'floor' for source 'residents'"),
        (
            {"filters": [{"field": "tag", "op": "in", "value": ["外星人"]}]},
            "filters[0].value: unknown value '外星人'",
        ),
        (
            {"filters": [{"field": "age", "op": ">=", "value": "80"}]},
            "filters[0].value: '80' is not a number for field 'age'",
        ),
        (
            {"filters": [{"field": "age", "op": "in", "value": 80}]},
            "filters[0]: operator 'in' takes a list",
        ),
        (
            {"filters": [{"field": "age", "op": "like", "value": 80}]},
            "filters[0].op: Input should be",
        ),
        ({"source": "cars"}, "source: Input should be 'residents', 'households'"),
        (
            {"columns": [{"header": "姓名", "field": "name"}]},
            "columns[0].field: unknown field 'name'",
        ),
        (
            {"columns": [{"header": "姓名", "field": "name_masked"}, GOOD["columns"][1]]},
            "columns[0].field: a counting report shows only its group_by fields",
        ),
        ({"columns": [GOOD["columns"][0]]}, "group_by: needs a count or sum column"),
        ({"sql": "SELECT * FROM resident"}, "sql: Extra inputs are not permitted"),
        ({"include_empty_groups": True}, "include_empty_groups: every group_by field"),
        ({"id": "other"}, "id: 'other' must match the file name"),
        (
            {"filters": [{"field": "birth_date", "op": "<", "value": "1940"}]},
            "filters[0].value: '1940' is not a date (YYYY-MM-DD)",
        ),
        (
            {"filters": [{"field": "age", "param": "month"}]},
            "filters[0].param: 'month' filters the field of that name, not 'age'",
        ),
        ({"group_by": ["tag"], "columns": [GOOD["columns"][1]], "total": True}, "total: "),
    ],
)
def test_a_broken_definition_names_the_file_and_the_field(
    tmp_path: Path, change: dict[str, Any], message: str
):
    write(tmp_path, GOOD | change)
    with pytest.raises(DefinitionError) as raised:
        load_definitions(tmp_path)
    assert str(tmp_path / "sample.json") in raised.value.detail
    assert message in raised.value.detail


def test_invalid_json_says_where(tmp_path: Path):
    write(tmp_path, '{"id": "sample",\n  "title": }')
    with pytest.raises(DefinitionError, match=r"sample.json: not valid JSON \(line 2, column 12\)"):
        load_definitions(tmp_path)


def test_a_missing_folder_is_an_error_not_an_empty_list(tmp_path: Path):
    with pytest.raises(DefinitionError, match="no such folder"):
        load_definitions(tmp_path / "nowhere")


def test_the_shipped_folder_is_where_the_catalog_looks():
    assert REPORTS_DIR.name == "definitions" and (REPORTS_DIR / "monthly-ledger.json").is_file()


def test_the_catalog_picks_up_a_new_file_without_a_restart(tmp_path: Path):
    write(tmp_path, GOOD)
    assert list(catalog(tmp_path)) == ["sample"]
    write(tmp_path, GOOD | {"id": "second", "title": "第二张"}, name="second")
    assert sorted(catalog(tmp_path)) == ["sample", "second"]
