"""The five TOML templates say what the five Python forms say: the same fields in the same order,
the same prefill, and for any answers the same field errors, messages and cleaned values, and
the same refusals against the store's facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.errors import InvalidInput
from hub.forms import SPECS, FormSpec, parse_answers, prefilled_values
from hub.forms._template import (
    FormTemplate,
    TemplateField,
    check_facts,
    load_templates,
    prefill_values,
    validate_values,
)
from hub.store import ResidentFacts
from tests.hub.forms._form_samples import (
    ID_NUMBER,
    OTHER_ID,
    TODAY,
    TOMORROW,
    TRICKY,
    VALID,
    facts,
)

TEMPLATES = load_templates()
# No deadline: a test never asserts on wall-clock time, and CI machines are busy.
GENEROUS = settings(max_examples=300, deadline=None)


def form_pairs() -> list[tuple[FormSpec, FormTemplate]]:
    return [(SPECS[form_id], TEMPLATES[form_id]) for form_id in sorted(SPECS)]


PAIRS = pytest.mark.parametrize(("form", "template"), form_pairs(), ids=sorted(SPECS))


def by_spec(form: FormSpec, raw: dict[str, str], store: ResidentFacts) -> tuple[object, ...]:
    try:
        parsed = parse_answers(form, raw)
    except InvalidInput as exc:
        return ("field errors", exc.field_errors)
    try:
        form.check(store, parsed)
    except InvalidInput as exc:
        return ("refused", exc.user_message, exc.field_errors)
    return ("accepted", parsed.model_dump())


def by_template(
    template: FormTemplate, raw: dict[str, str], store: ResidentFacts
) -> tuple[object, ...]:
    try:
        values = validate_values(template, raw)
    except InvalidInput as exc:
        return ("field errors", exc.field_errors)
    try:
        check_facts(template, store, values)
    except InvalidInput as exc:
        return ("refused", exc.user_message, exc.field_errors)
    return ("accepted", values)


def test_there_is_one_template_for_each_python_form() -> None:
    assert set(TEMPLATES) == set(SPECS)


def source(field: TemplateField) -> str:
    return "store" if field.locked else "prefill" if field.bind else "worker"


def kind(field: TemplateField) -> str:
    # The ID number is typed idcard in the templates; the Python forms had no such kind.
    return "text" if field.type == "idcard" else field.type


@PAIRS
def test_the_template_has_the_forms_fields_in_its_order(
    form: FormSpec, template: FormTemplate
) -> None:
    expected = [
        (f.name, f.label, f.kind, f.options, f.help, f.source, f.masked) for f in form.fields
    ]
    fields = template.fields
    got = [(f.name, f.label, kind(f), f.choices, f.help, source(f), f.masked) for f in fields]

    assert got == expected
    assert [f.name for f in fields if f.type == "idcard"] == ["id_number"]
    assert (template.title, template.version, template.targets) == (
        form.title,
        form.version,
        form.targets,
    )
    assert template.groups == []


@PAIRS
def test_locked_fields_are_bound_to_the_residents_own_facts(
    form: FormSpec, template: FormTemplate
) -> None:
    locked = {f.name: f.bind for f in template.fields if f.locked}

    assert locked == {f"{name}": f"resident.{name}" for name in locked}
    assert set(locked) == {f.name for f in form.fields if f.source == "store"}


@PAIRS
@GENEROUS
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    phone=st.sampled_from([None, "13901000315", ""]),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_the_template_opens_with_the_forms_prefill(
    form: FormSpec, template: FormTemplate, birth: date, phone: str | None, today: date
) -> None:
    store = facts(birth, phone=phone)

    assert prefill_values(template, facts=store, today=today) == prefilled_values(
        form, store, today
    )


def odd(valid: str) -> st.SearchStrategy[str | None]:
    """An answer left out, one of TRICKY, padded, any date, or any text at all."""
    return st.one_of(
        st.none(),
        st.sampled_from(TRICKY),
        st.sampled_from([" ", "\u3000", "\t"]).map(lambda pad: pad + valid + pad),
        st.dates(min_value=date(1900, 1, 1), max_value=TODAY + timedelta(days=3)).map(
            date.isoformat
        ),
        st.text(max_size=12),
    )


def answers(form_id: str) -> st.SearchStrategy[dict[str, str]]:
    """The valid answers with some of them (often few, so that the store checks are reached)
    replaced by odd ones."""
    valid = VALID[form_id]

    def replacing(names: set[str]) -> st.SearchStrategy[dict[str, str | None]]:
        return st.fixed_dictionaries(
            {name: odd(value) if name in names else st.just(value) for name, value in valid.items()}
        )

    return (
        st.sets(st.sampled_from(sorted(valid)))
        .flatmap(replacing)
        .map(lambda raw: {name: value for name, value in raw.items() if value is not None})
    )


stores = st.builds(
    facts,
    birth=st.one_of(
        st.dates(min_value=date(1900, 1, 1), max_value=date(2015, 12, 31)),
        # The edges of the 80/90/100 bands and of 16 on enlisting, for the valid answers' dates.
        st.sampled_from(
            [date(1946, 11, 25), date(1946, 11, 26), date(1936, 11, 25), date(1926, 11, 25)]
            + [date(1970, 12, 1), date(1970, 12, 2)]
        ),
    ),
    id_number=st.sampled_from([ID_NUMBER, OTHER_ID]),
)


@PAIRS
@GENEROUS
@given(data=st.data())
def test_any_answers_get_the_same_verdict_from_the_template(
    form: FormSpec, template: FormTemplate, data: st.DataObject
) -> None:
    raw = data.draw(answers(form.id), label="answers")
    store = data.draw(stores, label="facts")

    assert by_template(template, raw, store) == by_spec(form, raw, store)


CASES = [
    ("elderly-allowance", {}, date(1940, 1, 1)),
    ("elderly-allowance", {"phone": "12345", "applied_on": "25/11/2026"}, date(1940, 1, 1)),
    ("elderly-allowance", {"allowance_type": "90-99"}, date(1940, 1, 1)),
    ("elderly-allowance", {}, date(1946, 11, 26)),
    ("veterans-info", {"discharged_on": "1986-12-01"}, date(1960, 1, 1)),
    ("veterans-info", {"enlisted_on": TOMORROW, "discharged_on": TOMORROW}, date(1960, 1, 1)),
    ("veterans-info", {"discharged_on": TOMORROW}, date(1960, 1, 1)),
    ("veterans-info", {"unit": "某", "rank": "", "hardship": "困" * 501}, date(1960, 1, 1)),
    ("veterans-info", {}, date(1970, 12, 2)),
    ("disability-allowance", {"disability_card_no": f"{ID_NUMBER}51"}, date(1942, 3, 15)),
    ("disability-allowance", {"disability_card_no": f"{ID_NUMBER}42"}, date(1942, 3, 15)),
    (
        "disability-allowance",
        {"disability_grade": "3", "disability_card_no": f"{ID_NUMBER}43"},
        date(1942, 3, 15),
    ),
    (
        "disability-allowance",
        {"disability_grade": "x", "disability_card_no": f"{ID_NUMBER}4x"},
        date(1942, 3, 15),
    ),
    (
        "disability-allowance",
        {"disability_card_no": "32020619360708002541"},
        date(1942, 3, 15),
    ),
    ("minimum-living", {"household_size": " 02 ", "monthly_income": "1,000"}, date(1950, 1, 1)),
    ("minimum-living", {"application_reason": "没钱", "monthly_income": "-5"}, date(1950, 1, 1)),
    ("minimum-living", {"household_size": "003", "monthly_income": "00000001"}, date(1950, 1, 1)),
    ("minimum-living", {"household_size": "020", "monthly_income": "0000001.5"}, date(1950, 1, 1)),
    ("house-safety", {"safety_level": "D", "hazards": "   "}, date(1936, 7, 8)),
    ("house-safety", {"floors": "003", "built_year": "01985"}, date(1936, 7, 8)),
    ("house-safety", {"safety_level": "B", "hazards": "   "}, date(1936, 7, 8)),
    ("house-safety", {"applied_on": TOMORROW, "floors": "03"}, date(1936, 7, 8)),
    ("house-safety", {"built_year": str(TODAY.year + 1), "inspector": ""}, date(1936, 7, 8)),
]


@pytest.mark.parametrize(("form_id", "overrides", "birth"), CASES)
def test_the_known_cases_get_the_same_verdict_from_the_template(
    form_id: str, overrides: dict[str, str], birth: date
) -> None:
    raw = VALID[form_id] | overrides
    store = facts(birth)
    expected = by_spec(SPECS[form_id], raw, store)

    assert by_template(TEMPLATES[form_id], raw, store) == expected


def test_missing_answers_are_each_required_as_in_the_python_forms() -> None:
    for form_id, template in TEMPLATES.items():
        store = facts(date(1940, 1, 1))

        assert by_template(template, {}, store) == by_spec(SPECS[form_id], {}, store)
