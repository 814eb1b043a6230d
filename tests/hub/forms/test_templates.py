"""Form templates (`forms/*.toml`): the bundled ones load, and a broken one is refused with every
problem named at its place in the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.errors import ConfigurationError
from hub.forms._template import (
    FORMS_FOLDER,
    TemplateError,
    load_template,
    load_templates,
)

TRIAL = """\
id = "trial"
version = 2
title = "试用表单"
targets = ["civil_affairs"]

[[sections]]
title = "申请人"

[[sections.fields]]
name = "name"
label = "姓名"
locked = true
bind = "resident.name"

[[sections.fields]]
name = "has_card"
label = "是否持证"
type = "select"
options = "yes_no"

[[sections.fields]]
name = "card_no"
label = "证号"
visible_if = { field = "has_card", equals = "yes" }
"""


def write(folder: Path, text: str, name: str = "trial.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(TemplateError) as exc:
        load_template(path)
    return exc.value.problems


def test_every_bundled_template_loads_under_its_forms_id() -> None:
    templates = load_templates()

    assert sorted(templates) == [
        "collect-elderly-80",
        "disability-allowance",
        "elderly-allowance",
        "house-safety",
        "minimum-living",
        "survey-home-care",
        "veterans-info",
    ]
    assert {t.kind for t in templates.values()} == {"application", "collection", "questionnaire"}
    assert len(list(FORMS_FOLDER.glob("*.toml"))) == len(templates)


def test_the_trial_template_loads(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, TRIAL))

    assert (template.id, template.version, template.targets) == ("trial", 2, ["civil_affairs"])
    assert [f.name for f in template.fields] == ["name", "has_card", "card_no"]
    assert template.fields[1].choices == [("yes", "是"), ("no", "否")]
    assert template.mappings == {}


CARD = "sections[0].fields[2] (card_no)"
HAS_CARD = "sections[0].fields[1] (has_card)"
NAME = "sections[0].fields[0] (name)"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('label = "证号"', 'label = "证号"\nlable = "号码"', f"{CARD}: unknown key 'lable'"),
        ("version = 2", 'version = 2\ntitel = "x"', "unknown key 'titel'"),
        ("version = 2\n", "", "missing key 'version'"),
        ('type = "select"', 'type = "dropdown"', f"{HAS_CARD}: unknown type 'dropdown'"),
        (
            'name = "card_no"\n',
            'name = "has_card"\n',
            "sections[0].fields[2] (has_card): duplicate field name 'has_card'",
        ),
        (
            'field = "has_card"',
            'field = "has_crad"',
            f"{CARD}: visible_if refers to unknown field 'has_crad'"
            " (a field declared before this one)",
        ),
        (
            'field = "has_card"',
            'field = "name"',
            f"{CARD}: visible_if refers to locked field 'name'",
        ),
        (
            'bind = "resident.name"',
            'bind = "resident.nmae"',
            f"{NAME}: bind to unknown store path 'resident.nmae'",
        ),
        (
            "version = 2",
            'version = 2\nchecks = ["card_holdr"]',
            "checks[0]: unknown check 'card_holdr'",
        ),
        (
            "version = 2",
            'version = 2\nchecks = ["hazards_when_dangerous"]',
            "checks[0] (hazards_when_dangerous): needs field 'safety_level', which the form lacks",
        ),
        (
            'label = "证号"',
            'label = "证号"\noptions = "yes_no"',
            f"{CARD}: options on a text field (only a select field has options)",
        ),
        ('options = "yes_no"', 'options = "yes_on"', f"{HAS_CARD}: unknown code table 'yes_on'"),
        ('options = "yes_no"', "", f"{HAS_CARD}: a select field needs options"),
        (
            'label = "证号"',
            'label = "证号"\nmin = 3',
            f"{CARD}: min does not apply to a text field",
        ),
        ('label = "证号"', 'label = "证号"\npattern = "[0-9"', f"{CARD}: pattern: not a regular"),
        (
            'label = "证号"',
            'label = "证号"\nmin_length = 2\nmessage = "至少{min_lenght}个字"',
            f"{CARD}: message: unknown placeholder {{min_lenght}}",
        ),
        (
            'label = "证号"',
            'label = "证号"\nmessage = "不超过{max_length}个字"',
            f"{CARD}: message: placeholder {{max_length}}, but the field has no max_length",
        ),
        (
            'label = "证号"',
            'label = "证号"\nmessage = "格式{不对"',
            f"{CARD}: message: a lone brace (write {{{{ or }}}} for a brace itself)",
        ),
        (
            'label = "证号"',
            'label = "证号"\npattern_message = "格式不对"',
            f"{CARD}: pattern_message without pattern",
        ),
        ('bind = "resident.name"\n', "", f"{NAME}: a locked field needs bind (the store fills it)"),
        (
            'label = "证号"',
            'label = "证号"\ntype = "date"\nafter = "has_card"',
            f"{CARD}: after: 'has_card' is not a date field",
        ),
        (
            'label = "证号"',
            'label = "证号"\ntype = "date"\nmax = "tomorrow"',
            f"{CARD}: max: 'tomorrow' is not a bound of a date field",
        ),
        (
            'title = "申请人"',
            'title = "申请人"\nrepeat = { max = 3, item_label = "成员" }',
            "sections[0]: a repeating section needs a name (its values' key)",
        ),
        (
            'targets = ["civil_affairs"]',
            "targets = []",
            "targets: a form needs at least one target",
        ),
    ],
)
def test_each_problem_is_named_at_its_place(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert TRIAL.count(old) == 1
    path = write(tmp_path, TRIAL.replace(old, new))

    found = problems_of(path)

    assert any(p.startswith(f"{path}: {problem}") for p in found), found


def test_a_visible_if_on_a_later_field_is_refused(tmp_path: Path) -> None:
    later = TRIAL.replace('field = "has_card"', 'field = "extra"') + (
        '\n[[sections.fields]]\nname = "extra"\nlabel = "其他"\n'
    )

    assert problems_of(write(tmp_path, later)) == [
        f"{tmp_path / 'trial.toml'}: {CARD}: visible_if refers to unknown field 'extra'"
        " (a field declared before this one)"
    ]


def test_a_misspelt_code_table_is_named_with_its_file_section_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "forms").mkdir()
    text = (FORMS_FOLDER / "veterans.toml").read_text(encoding="utf-8")
    write(tmp_path / "forms", text.replace('"discharge_types"', '"dischage"'), "veterans.toml")
    monkeypatch.chdir(tmp_path)

    assert problems_of(Path("forms/veterans.toml")) == [
        "forms/veterans.toml: sections[1].fields[3] (discharge_type): unknown code table 'dischage'"
    ]


def test_every_problem_of_a_file_is_reported_in_one_error(tmp_path: Path) -> None:
    broken = (
        TRIAL.replace('type = "select"', 'type = "dropdown"')
        .replace('bind = "resident.name"', 'bind = "resident.nmae"')
        .replace('label = "证号"', 'label = "证号"\nlable = "号码"')
        .replace("version = 2", 'version = 2\nchecks = ["nothing"]')
    )

    with pytest.raises(ConfigurationError) as exc:  # an operator must mend the file
        load_template(write(tmp_path, broken))

    assert isinstance(exc.value, TemplateError)
    assert len(exc.value.problems) == 4
    assert "unknown type 'dropdown'" in str(exc.value)
    assert "unknown check 'nothing'" in str(exc.value)


def test_load_templates_reports_the_problems_of_every_file_and_a_reused_id(
    tmp_path: Path,
) -> None:
    write(tmp_path, TRIAL, "a.toml")
    write(tmp_path, TRIAL.replace("version = 2", "version = 3"), "b.toml")
    write(tmp_path, TRIAL.replace('options = "yes_no"', 'options = "yes_on"'), "c.toml")
    write(tmp_path, "id = [", "d.toml")

    with pytest.raises(TemplateError) as exc:
        load_templates(tmp_path)

    found = exc.value.problems
    assert found[0] == f"{tmp_path / 'b.toml'}: id: form id 'trial' is used by another file"
    assert found[1] == f"{tmp_path / 'c.toml'}: {HAS_CARD}: unknown code table 'yes_on'"
    assert found[2].startswith(f"{tmp_path / 'd.toml'}: ")
    assert len(found) == 3


def test_per_target_tables_are_kept_as_the_templates_mappings(tmp_path: Path) -> None:
    with_mappings = TRIAL.replace('targets = ["civil_affairs"]\n', "") + (
        '\n[targets.civil_affairs]\napplicant = "name"\n'
        '\n[targets.elderly_api]\nfields = { card = "card_no" }\n'
    )

    template = load_template(write(tmp_path, with_mappings))

    assert template.targets == ["civil_affairs", "elderly_api"]
    assert template.mappings == {
        "civil_affairs": {"applicant": "name"},
        "elderly_api": {"fields": {"card": "card_no"}},
    }


def test_mappings_tables_map_some_targets_and_leave_the_others_to_their_connector(
    tmp_path: Path,
) -> None:
    two = TRIAL.replace('["civil_affairs"]', '["civil_affairs", "elderly_api"]', 1)
    mapped = two + '\n[mappings.elderly_api]\nname = "name"\n'

    template = load_template(write(tmp_path, mapped))

    assert template.targets == ["civil_affairs", "elderly_api"]
    assert template.mappings == {"elderly_api": {"name": "name"}}
    stray = two + '\n[mappings.veterans]\nname = "name"\n'
    assert problems_of(write(tmp_path, stray)) == [
        f"{tmp_path / 'trial.toml'}: mappings.veterans: 'veterans' is not among the form's targets"
    ]


def test_a_bundled_template_copied_elsewhere_loads_the_same(tmp_path: Path) -> None:
    copy = Path(shutil.copy(FORMS_FOLDER / "house-safety.toml", tmp_path))

    assert load_template(copy) == load_templates()["house-safety"]
