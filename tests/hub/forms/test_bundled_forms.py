"""The bundled forms on any answers and any resident: cleaned values or field errors in Chinese,
never anything else; cleaned values are taken again unchanged; what the browser sends for a
locked field is ignored; a refusal against the store is in Chinese; each form opens with the
store's values, the elderly allowance with the band its check demands; labels are Chinese and
her ID number is masked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.errors import InvalidInput
from hub.forms import FORMS, FormTemplate, check_facts, prefill_values, validate_values
from hub.idcard import age_on
from hub.store import ResidentFacts
from tests.hub.forms._bundled import CJK
from tests.hub.forms._form_samples import ID_NUMBER, OTHER_ID, TODAY, TRICKY, VALID, facts

# No deadline: a test never asserts on wall-clock time, and CI machines are busy.
GENEROUS = settings(max_examples=300, deadline=None)
SAMPLED = pytest.mark.parametrize("form_id", sorted(VALID))


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


def verdict(
    template: FormTemplate, raw: dict[str, str], store: ResidentFacts
) -> tuple[str, dict[str, Any], str]:
    """("accepted", values, ""), ("field errors", errors, "") or ("refused", errors, message)."""
    try:
        values = validate_values(template, raw)
    except InvalidInput as exc:
        return ("field errors", exc.field_errors, "")
    try:
        check_facts(template, store, values)
    except InvalidInput as exc:
        return ("refused", exc.field_errors, exc.user_message)
    return ("accepted", values, "")


def as_posted(values: dict[str, Any]) -> dict[str, str]:
    """Cleaned values as the browser would send them again (an empty optional date: not sent)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
        if value is not None
    }


@SAMPLED
@GENEROUS
@given(data=st.data())
def test_any_answers_get_cleaned_values_or_each_bad_fields_message_in_chinese(
    form_id: str, data: st.DataObject
) -> None:
    template = FORMS[form_id]
    raw = data.draw(answers(form_id), label="answers")
    store = data.draw(stores, label="facts")
    typed = {f.name: f for f in template.fields if not f.locked}

    outcome, found, message = verdict(template, raw, store)

    groups = {group.name for group in template.groups}
    if outcome == "accepted":
        always = {name for name, f in typed.items() if f.visible_if is None} | groups
        assert always <= set(found) <= set(typed) | groups
        for name, value in found.items():
            if name in groups:  # no items drawn: the generated answers fill no group
                assert value == []
                continue
            field = typed[name]
            if value in (None, ""):
                assert not field.required and value == (None if field.type == "date" else "")
            else:
                assert isinstance(value, date if field.type == "date" else str)
        assert validate_values(template, as_posted(found)) == found
    else:
        assert set(found) <= set(typed) | groups
        assert all(CJK.search(text) for text in found.values())
        assert CJK.search(message) if outcome == "refused" else found
    # What the browser sends for a locked field, the server does not read.
    locked = {f.name: "伪造" for f in template.fields if f.locked}
    assert verdict(template, raw | locked, store) == (outcome, found, message)


#: The applications a worker files for a resident, each dated and with her phone and address.
APPLICATIONS = [
    "disability-allowance",
    "elderly-allowance",
    "house-safety",
    "minimum-living",
    "veterans-info",
]


@pytest.mark.parametrize("form_id", APPLICATIONS)
@GENEROUS
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    phone=st.sampled_from([None, "13901000315", ""]),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_a_form_opens_with_her_phone_address_and_today(
    form_id: str, birth: date, phone: str | None, today: date
) -> None:
    store = facts(birth, phone=phone)

    opened = prefill_values(FORMS[form_id], facts=store, today=today)

    expected = {"phone": phone or "", "address": store.address, "applied_on": today.isoformat()}
    if form_id == "elderly-allowance":
        age = age_on(birth, today)
        band = "" if age < 80 else "80-89" if age < 90 else "90-99" if age < 100 else "100+"
        expected["allowance_type"] = band
    if form_id == "disability-allowance":
        expected["disability_card_no"] = store.id_number
    assert opened == expected


@GENEROUS
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(1960, 12, 31)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=TODAY),
)
def test_the_elderly_allowance_opens_with_the_band_its_check_demands(
    birth: date, today: date
) -> None:
    template = FORMS["elderly-allowance"]
    store = facts(birth)
    raw = VALID["elderly-allowance"] | prefill_values(template, facts=store, today=today)

    if age_on(birth, today) >= 80:
        assert verdict(template, raw, store)[0] == "accepted"
    else:  # no band to open with, and none she may choose
        assert raw["allowance_type"] == ""
        for band in ("80-89", "90-99", "100+"):
            refused = verdict(template, raw | {"allowance_type": band}, store)
            assert refused == ("refused", {}, "申请人未满80周岁，不符合高龄津贴条件")


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_label_is_in_chinese(form_id: str) -> None:
    template = FORMS[form_id]
    fields = [*template.fields, *(f for group in template.groups for f in group.fields)]

    assert fields
    assert all(CJK.search(f.label) for f in fields)


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_her_id_number_is_shown_masked(form_id: str) -> None:
    template = FORMS[form_id]
    shown = [f for f in template.fields if f.locked and f.bind == "resident.id_number"]

    assert all(f.masked for f in shown)
