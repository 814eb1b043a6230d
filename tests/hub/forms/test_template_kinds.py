"""Collections and questionnaires (data requests): what the loader demands of each kind."""

from __future__ import annotations

import pytest

from hub.forms._template_load import parse_template
from hub.forms._template_model import TemplateError

HEAD = 'id = "check-80"\nversion = 1\ntitle = "核对"\n'
SECTION = """
[[sections]]
title = "老人"

[[sections.fields]]
name = "name"
label = "姓名"
locked = true
bind = "resident.name"

[[sections.fields]]
name = "health"
label = "健康状况"
type = "select"
options = [["good", "良好"], ["poor", "较差"]]
"""
ROWS = 'rows = { source = "residents", filters = [{ field = "age", op = ">=", value = 80 }] }\n'


def problems(text: str) -> list[str]:
    with pytest.raises(TemplateError) as exc:
        parse_template(text, "t.toml")
    return [p.removeprefix("t.toml: ") for p in exc.value.problems]


def test_a_collection_reads_with_its_rows_and_needs_no_targets() -> None:
    template = parse_template(HEAD + 'kind = "collection"\n' + ROWS + SECTION, "t.toml")

    assert (template.kind, template.targets) == ("collection", [])
    assert template.rows is not None
    assert template.rows.filters == [{"field": "age", "op": ">=", "value": 80}]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            'kind = "collection"\n',
            ['rows: a collection needs its rows, e.g. rows = { source = "residents" }'],
        ),
        (
            'kind = "collection"\ntargets = ["veterans"]\n' + ROWS,
            ["targets: a collection goes to no system; remove its targets"],
        ),
        (
            'targets = ["veterans"]\n' + ROWS,
            ['rows: only a collection (kind = "collection") has rows'],
        ),
        (
            'kind = "collection"\nrows = { filters = [{ field = "wealth", value = "high" }] }\n',
            ["rows.filters[0].field: unknown field 'wealth' for source 'residents' (known: "],
        ),
        (
            'kind = "collection"\n'
            'rows = { filters = [{ field = "age", op = ">=", value = "80" }] }\n',
            ["rows.filters[0].value: '80' is not a number for field 'age'"],
        ),
        (
            'kind = "collection"\nrows = { filters = [{ field = "age", op = "~", value = 80 }] }\n',
            ["rows.filters[0]: op: Input should be "],
        ),
        (
            'kind = "collection"\nrows = { filters = [{ field = "month", param = "month" }] }\n',
            ["rows.filters[0].param: a data request's rows take no parameters"],
        ),
        ('kind = "survey"\n', ["kind: Input should be "]),
    ],
)
def test_each_kind_is_held_to_its_shape(head: str, expected: list[str]) -> None:
    found = problems(HEAD + head + SECTION)

    assert len(found) == len(expected)
    for problem, start in zip(found, expected, strict=True):
        assert problem.startswith(start), problem


def test_a_questionnaire_reads_nothing_from_the_store() -> None:
    found = problems(HEAD + 'kind = "questionnaire"\n' + SECTION)

    assert found == [
        "sections[0] (name): a questionnaire is filled without an account and reads nothing "
        "from the store (no bind, no locked)"
    ]
