"""A small form for publishing tests: eight fields, enough for a complete mapping onto the
elderly_api connector (MAPPING), and its targets written as a list or as mapping tables."""

from __future__ import annotations

TRIAL = """\
id = "trial"
version = {version}
title = "{title}"
{targets}

[[sections]]
title = "申请人"

[[sections.fields]]
name = "name"
label = "姓名"
locked = true
bind = "resident.name"

[[sections.fields]]
name = "id_number"
label = "公民身份号码"
type = "idcard"
locked = true
bind = "resident.id_number"

[[sections.fields]]
name = "sex"
label = "性别"
type = "select"
options = [["1", "男"], ["2", "女"]]
locked = true
bind = "resident.sex"

[[sections.fields]]
name = "birth_date"
label = "出生日期"
type = "date"
locked = true
bind = "resident.birth_date"

[[sections.fields]]
name = "phone"
label = "联系电话"
type = "tel"

[[sections.fields]]
name = "address"
label = "户籍地址"

[[sections.fields]]
name = "allowance_type"
label = "津贴类别"
type = "select"
options = [["80-89", "80-89周岁"], ["90-99", "90-99周岁"]]

[[sections.fields]]
name = "applied_on"
label = "申请日期"
type = "date"
"""

#: The trial form's mapping onto the elderly_api connector, every field it declares mapped.
MAPPING = {
    "id_number": "id_number",
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "phone": "phone",
    "address": "address",
    "community_code": "community_code",
    "allowance_type": "allowance_type",
    "applied_on": "applied_on",
}


def trial(
    version: int = 1, title: str = "试用表单", targets: str = 'targets = ["elderly_api"]'
) -> str:
    return TRIAL.format(version=version, title=title, targets=targets)


def with_tables(**tables: dict[str, str]) -> str:
    """The trial form with one `[targets.<id>]` table per keyword (after the sections: TOML
    tables are named in full, so where they stand does not matter)."""
    text = trial(targets="")
    for target, mapping in tables.items():
        text += f"\n[targets.{target}]\n" + "".join(f'{k} = "{v}"\n' for k, v in mapping.items())
    return text
