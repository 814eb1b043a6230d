"""Per-target mappings as data (issue #7): how one form's values become one target's fields.

A form template has a table for each target it maps itself (``[mappings.<connector_id>]``, or
``[targets.<connector_id>]`` when every target has one). Each key is a field the target's
connector declares (its manifest's ``fields``); each value says where that field's value comes
from::

    [mappings.elderly_api]
    id_number = "id_number"                         # shorthand: copy a form field
    birth_date = { from = "birth_date", transform = "date", format = "%Y%m%d" }
    sex = { from = "sex", transform = "code", table = "sex", to = "name" }      # "2" -> "女"
    gender = { from = "sex", transform = "code", map = { "1" = "M", "2" = "F" } }
    channel = { value = "社区代办" }                  # a constant
    address = { from = ["province", "city", "district", "detail"], transform = "join" }
    province = { from = "address", transform = "address_part", part = "province" }
    county = { from = "community_code", transform = "region", level = "county" }

The transforms and what they take besides ``from`` (one form field; join takes a list):

==============  ================================================================================
copy            the default: the form value as it is
const           ``value``: the text sent; no ``from`` (``{ value = … }`` alone means const)
code            ``table`` (sex, ethnic, relation, discharge_types, placements, yes_no) with
                ``to = "name"`` (code -> 名称) or ``to = "code"`` (名称 -> code); or instead
                ``map = { "form code" = "target code", … }`` for a target's own codes
date            ``format``: %Y, %m, %d, and %-m, %-d without the leading zero: "%Y%m%d",
                "%Y年%-m月%-d日"; %% is a percent sign
region          ``level``: province, city, county (6 digits, GB/T 2260), township (9 digits),
                community (12 digits), from a 6-, 9- or 12-digit region code
address_part    ``part``: province, city, district, street or detail of a mainland address
join            ``sep`` (default ""): the non-blank values of several fields, in order
==============  ================================================================================

Form values are text (dates ISO, YYYY-MM-DD); a blank value stays blank (but through const and
join). Besides its own fields every form offers community_code and community_name (HUB_FIELDS).
A target field's declared kind limits what may feed it: ``date`` a date field (copied or through
date), ``number`` a number or money field, ``code`` a select field (copied or through code), a
region or a constant; ``text`` anything. Constants fit every kind. Every field the connector
marks required must be mapped.

check_mapping tells IT every problem of a mapping at once, in Chinese; load_mapping refuses a
mapping with problems; apply_mapping turns one application's values into the target's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from hub.errors import ConfigurationError, InvalidInput
from hub.forms._transforms import TRANSFORMS, Transform, TransformError

if TYPE_CHECKING:
    from connectors.sdk import FieldDecl, Manifest

#: Fields every application carries, filled from the worker's community whether or not the form
#: lists them; these kinds win over a form's own. The community code is one of the hub's list of
#: communities, as a select's value is one of its options, so it may feed a target's code field.
HUB_FIELDS = {"community_code": "select", "community_name": "text"}

_FORM_KINDS = {
    "text": "文本",
    "select": "选项",
    "date": "日期",
    "tel": "电话",
    "number": "数字",
    "money": "金额",
    "textarea": "多行文本",
    "idcard": "身份证号",
}
_TARGET_KINDS = {"text": "文本", "date": "日期", "code": "代码", "number": "数字"}
#: What a copied form field is, in the target's terms.
_COPIED_AS = {"select": "code", "date": "date", "number": "number", "money": "number"}
_ACCEPTS = {
    "date": "日期字段（可经 date 转换）或常量",
    "number": "数字或金额字段，或常量",
    "code": "选项字段（可经 code 转换）、region 转换或常量",
}


class FieldRule(BaseModel):
    """Where one target field's value comes from."""

    model_config = ConfigDict(frozen=True)

    sources: tuple[str, ...] = ()
    transform: str = "copy"
    #: The transform's arguments (const's value among them), as the template wrote them.
    options: dict[str, Any] = {}

    @classmethod
    def from_toml(cls, raw: object) -> FieldRule:
        """From the template's value; a shape no rule has raises ValueError, in Chinese."""
        if isinstance(raw, str):
            return cls(sources=(raw,))
        if not isinstance(raw, dict):
            raise ValueError('应写成表单字段名（如 "name"），或 { from = …, transform = … }')
        transform = raw.get("transform", "const" if "value" in raw else "copy")
        if not isinstance(transform, str):
            raise ValueError('transform 应写成转换的名称，如 "date"')
        options = {key: value for key, value in raw.items() if key not in ("from", "transform")}
        return cls(sources=_sources(raw.get("from")), transform=transform, options=options)


class TargetMapping(BaseModel):
    """One target's table of a form template, checked (load_mapping)."""

    model_config = ConfigDict(frozen=True)

    target: str
    fields: dict[str, FieldRule]


def check_mapping(
    target_id: str,
    raw: Mapping[str, object],
    *,
    manifest: Manifest,
    form_fields: Mapping[str, str],
) -> list[str]:
    """Every problem of one target's table, in Chinese, each naming the target and the field.

    form_fields: the form's fields, name -> kind (text, select, date, tel, number, money,
    textarea, idcard); HUB_FIELDS are added, their kinds winning.
    """
    if not isinstance(raw, Mapping):
        return [f"目标 {target_id} 的映射应为一张表：[targets.{target_id}]"]
    declared = {decl.name: decl for decl in manifest.fields}
    kinds = {**form_fields, **HUB_FIELDS}
    problems = []
    for name, entry in raw.items():
        if name not in declared:
            listed = "、".join(declared)
            problems.append(f"目标 {target_id} 没有字段 {name}；它声明的字段有：{listed}")
        where = f"目标 {target_id} 的字段 {name}："
        problems += [where + problem for problem in _problems(entry, declared.get(name), kinds)]
    problems += [
        f"目标 {target_id} 的必填字段 {decl.name}（{decl.label}）没有映射"
        for decl in manifest.fields
        if decl.required and decl.name not in raw
    ]
    return problems


def load_mapping(
    target_id: str,
    raw: Mapping[str, object],
    *,
    manifest: Manifest,
    form_fields: Mapping[str, str],
) -> TargetMapping:
    """The checked mapping; ConfigurationError listing every problem when it has any."""
    problems = check_mapping(target_id, raw, manifest=manifest, form_fields=form_fields)
    if problems:
        raise ConfigurationError(
            f"mapping for {target_id}:\n" + "\n".join(problems),
            user_message=f"目标 {target_id} 的字段映射有误，请技术人员检查表单模板",
        )
    fields = {name: FieldRule.from_toml(entry) for name, entry in raw.items()}
    return TargetMapping(target=target_id, fields=fields)


def apply_mapping(mapping: TargetMapping, values: Mapping[str, str]) -> dict[str, str]:
    """The target's field values from one application's (form field -> text, dates ISO).

    A value the mapping cannot transform (a code not in its table, a bad date) raises
    InvalidInput naming the target's field, with field_errors on the form fields it read.
    """
    return {
        name: _apply(mapping.target, name, rule, values) for name, rule in mapping.fields.items()
    }


def _apply(target: str, name: str, rule: FieldRule, values: Mapping[str, str]) -> str:
    missing = [source for source in rule.sources if source not in values]
    if missing:
        # check_mapping knew the form has the field: the application and its form are out of step.
        raise ConfigurationError(f"mapping {target}.{name} reads {missing}, absent from the values")
    try:
        return TRANSFORMS[rule.transform].run([values[s] for s in rule.sources], rule.options)
    except TransformError as exc:
        sources = "、".join(rule.sources)
        raise InvalidInput(
            f"{target}.{name}: {rule.transform} of {sources}: {exc}",
            user_message=f"无法生成目标 {target} 的字段 {name}：{sources} {exc}",
            field_errors={source: str(exc) for source in rule.sources},
        ) from None


def _sources(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError('from 应为表单字段名，或字段名的列表，如 ["province", "city"]')


def _problems(entry: object, decl: FieldDecl | None, kinds: Mapping[str, str]) -> list[str]:
    try:
        rule = FieldRule.from_toml(entry)
    except ValueError as exc:
        return [str(exc)]
    transform = TRANSFORMS.get(rule.transform)
    if transform is None:
        return [f"没有转换 {rule.transform}；可用的转换有：{'、'.join(TRANSFORMS)}"]
    source_problems = _source_problems(rule, transform, kinds)
    type_problems = [] if source_problems or decl is None else _type_problems(rule, decl, kinds)
    return _argument_problems(rule, transform) + source_problems + type_problems


def _argument_problems(rule: FieldRule, transform: Transform) -> list[str]:
    allowed = (*transform.required, *transform.optional)
    known = f"（可用：{'、'.join(allowed)}）" if allowed else ""
    problems = [
        f"转换 {rule.transform} 没有参数 {key}{known}" for key in rule.options if key not in allowed
    ]
    missing = [key for key in transform.required if key not in rule.options]
    problems += [f"转换 {rule.transform} 须写参数 {key}" for key in missing]
    if not missing:  # the check reads the required arguments
        problems += transform.check(rule.options)
    return problems


def _source_problems(rule: FieldRule, transform: Transform, kinds: Mapping[str, str]) -> list[str]:
    problems = []
    count = len(rule.sources)
    if count < transform.min_sources:
        problems.append(f"转换 {rule.transform} 须用 from 写明取哪个表单字段")
    if transform.max_sources == 0 and count:
        problems.append("常量不取表单字段，请删去 from")
    elif transform.max_sources is not None and count > transform.max_sources:
        problems.append(f"转换 {rule.transform} 只取一个表单字段；要拼接多个字段请用 join")
    unknown = [source for source in rule.sources if source not in kinds]
    if unknown:
        problems.append(f"表单没有字段 {'、'.join(unknown)}；表单的字段有：{'、'.join(kinds)}")
    return problems


def _type_problems(rule: FieldRule, decl: FieldDecl, kinds: Mapping[str, str]) -> list[str]:
    problems = []
    first = rule.sources[0] if rule.sources else ""
    if rule.transform == "date" and kinds[first] != "date":
        problems.append(f"date 转换须取日期字段，而 {first} 是{_kind_name(kinds[first])}字段")
    produced = _produces(rule, kinds)
    if decl.kind != "text" and produced not in (decl.kind, "any"):
        if rule.transform in ("copy", "code"):
            found = f"{first} 是{_kind_name(kinds[first])}字段"
        else:
            found = f"{rule.transform} 转换得到的是{_TARGET_KINDS[produced]}"
        problems.append(
            f"{decl.label}是{_TARGET_KINDS[decl.kind]}，须取{_ACCEPTS[decl.kind]}，而 {found}"
        )
    return problems


def _produces(rule: FieldRule, kinds: Mapping[str, str]) -> str:
    """What the rule sends, in the target's kinds; "any" for a constant."""
    if rule.transform == "const":
        return "any"
    if rule.transform == "date":
        return "date"
    if rule.transform == "region":
        return "code"
    if rule.transform in ("copy", "code") and rule.sources:
        copied = _COPIED_AS.get(kinds[rule.sources[0]], "text")
        return copied if rule.transform == "copy" or copied == "code" else "text"
    return "text"


def _kind_name(kind: str) -> str:
    return _FORM_KINDS.get(kind, kind)
