"""What 下一步 and 提交 check, with the messages the system shows.

Each step is checked on its own when leaving it, and all of them again on 提交. Step 2 reads the
birth date typed on step 1 (the draft holds both): nobody enlists before turning 16.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from simulators import _idcard
from simulators._rules import Problem, age_on, parse_date, person_problems
from simulators.veterans._form import FIELD_NAMES, STEPS, FormField, step

MIN_ENLISTING_AGE = 16


def step_problems(number: int, values: Mapping[str, str], today: date) -> list[Problem]:
    """Every reason step `number` cannot be left with these values, in screen order."""
    values = _blank_is_blank(values)
    fields = step(number).fields
    problems = [_missing(f) for f in fields if f.required and not values[f.name]]
    problems += [_too_long(f) for f in fields if len(values[f.name]) > f.max_length]
    problems += [
        Problem(f.name, f"{f.label}无效")
        for f in fields
        if f.options and values[f.name] and values[f.name] not in dict(f.options)
    ]
    if number == 1:
        problems += _person_problems(values)
    if number == 2:
        problems += _service_problems(values, today)
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    return sorted(problems, key=lambda p: order[p.field])


def all_problems(values: Mapping[str, str], today: date) -> list[Problem]:
    return [p for s in STEPS for p in step_problems(s.number, values, today)]


def _blank_is_blank(values: Mapping[str, str]) -> dict[str, str]:
    # Reported once as missing rather than again as malformed.
    return {name: (values.get(name) or "").strip() for name in FIELD_NAMES}


def _missing(field: FormField) -> Problem:
    verb = "选择" if field.options else "填写"
    return Problem(field.name, f"请{verb}{field.label}")


def _too_long(field: FormField) -> Problem:
    return Problem(field.name, f"{field.label}不能超过{field.max_length}个字")


def _person_problems(values: Mapping[str, str]) -> list[Problem]:
    problems = person_problems({**values, "applied_on": ""})
    birth_text = values["birth_date"]
    birth = parse_date(birth_text)
    if birth_text and birth is None:
        problems.append(Problem("birth_date", "出生日期格式应为YYYY-MM-DD"))
    elif _idcard.has_valid_shape(values["id_number"]) and birth not in (
        None,
        _idcard.birth_date_of(values["id_number"]),
    ):
        problems.append(Problem("birth_date", "出生日期与公民身份号码不一致"))
    return problems


def _service_problems(values: Mapping[str, str], today: date) -> list[Problem]:
    problems = []
    dates: dict[str, date] = {}
    for name, label in (("enlisted_on", "入伍时间"), ("discharged_on", "退役时间")):
        typed = values[name]
        parsed = parse_date(typed)
        if typed and parsed is None:
            problems.append(Problem(name, f"{label}格式应为YYYY-MM-DD"))
        elif parsed is not None and parsed > today:
            problems.append(Problem(name, f"{label}不能晚于当前日期"))
        elif parsed is not None:
            dates[name] = parsed
    enlisted, discharged = dates.get("enlisted_on"), dates.get("discharged_on")
    if enlisted and discharged and discharged <= enlisted:
        problems.append(Problem("discharged_on", "退役时间应晚于入伍时间"))
    birth = parse_date(values["birth_date"])
    if enlisted and birth and age_on(birth, enlisted) < MIN_ENLISTING_AGE:
        message = f"入伍时未满{MIN_ENLISTING_AGE}周岁，请核对入伍时间"
        problems.append(Problem("enlisted_on", message))
    return problems
