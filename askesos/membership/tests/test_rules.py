from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askesos.membership.rules import (
    EligibilityRules,
    MemberNumberError,
    PersonFacts,
    age_on,
    check_eligibility,
    city_key_of,
    format_member_number,
    normalize_member_number,
    validate_member_number,
)

TODAY = dt.date(2026, 3, 15)
RULES = EligibilityRules(
    min_age=21,
    max_age=60,
    married_below_min_age=True,
    income_floor=300_000,
    income_ceiling=None,
    breadwinner_required=True,
    informal_required=True,
)
OK = PersonFacts(
    birth_date=dt.date(1990, 1, 10),
    is_married=False,
    monthly_income=1_000_000,
    is_breadwinner=True,
    is_informal=True,
    occupation_label="street vendor",
)


def messages(facts, rules=RULES):
    return [(f.code, f.message) for f in check_eligibility(facts, rules, TODAY)]


def with_(**changes):
    return PersonFacts(**{**OK.__dict__, **changes})


def test_it_finds_nothing_for_an_eligible_person():
    assert messages(OK) == []


def test_it_refuses_a_young_unmarried_person():
    assert messages(with_(birth_date=dt.date(2007, 1, 1))) == [
        ("age_below_min", "Age 19 is below the minimum of 21, and the person is not married.")
    ]


def test_it_accepts_a_young_married_person():
    assert messages(with_(birth_date=dt.date(2007, 1, 1), is_married=True)) == []


def test_it_refuses_a_young_married_person_when_the_scheme_does_not_allow_it():
    rules = EligibilityRules(**{**RULES.__dict__, "married_below_min_age": False})
    assert messages(with_(birth_date=dt.date(2007, 1, 1), is_married=True), rules) == [
        ("age_below_min", "Age 19 is below the minimum of 21.")
    ]


def test_it_refuses_a_person_above_the_maximum_age():
    assert messages(with_(birth_date=dt.date(1965, 3, 15))) == [
        ("age_above_max", "Age 61 is above the maximum of 60.")
    ]


def test_it_counts_age_on_the_day():
    assert age_on(dt.date(1966, 3, 16), TODAY) == 59
    assert age_on(dt.date(1966, 3, 15), TODAY) == 60
    assert messages(with_(birth_date=dt.date(1965, 3, 16))) == []
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 2, 28)) == 20
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 3, 1)) == 21


def test_it_refuses_income_below_the_floor():
    assert messages(with_(monthly_income=250_000)) == [
        ("income_below_min", "Monthly income Rp 250.000 is below the minimum of Rp 300.000.")
    ]


def test_it_refuses_income_above_a_ceiling():
    rules = EligibilityRules(**{**RULES.__dict__, "income_ceiling": 800_000})
    assert messages(with_(monthly_income=900_000), rules) == [
        ("income_above_max", "Monthly income Rp 900.000 is above the maximum of Rp 800.000.")
    ]


def test_it_refuses_a_person_who_is_not_the_breadwinner():
    assert messages(with_(is_breadwinner=False)) == [("not_breadwinner", "Must be the main breadwinner.")]


def test_it_refuses_formal_work():
    assert messages(with_(is_informal=False, occupation_label="formal-sector employee")) == [
        ("not_informal", "Occupation 'formal-sector employee' is not informal work.")
    ]


def test_it_refuses_an_existing_member():
    assert messages(with_(open_membership_number="3175-0000001-5")) == [
        ("already_member", "Already a member (number 3175-0000001-5).")
    ]


def test_it_refuses_a_nik_with_errors():
    assert messages(with_(nik_errors=("format",))) == [
        ("nik_invalid", "The NIK has errors; correct it in the registry first.")
    ]


def test_it_lists_every_failing_rule_at_once():
    facts = with_(monthly_income=0, is_breadwinner=False, is_informal=False, birth_date=dt.date(2010, 1, 1))
    assert [code for code, _ in messages(facts)] == [
        "age_below_min",
        "income_below_min",
        "not_breadwinner",
        "not_informal",
    ]


def test_it_skips_rules_the_scheme_does_not_require():
    rules = EligibilityRules(**{**RULES.__dict__, "breadwinner_required": False, "informal_required": False})
    assert messages(with_(is_breadwinner=False, is_informal=False), rules) == []


# --- member numbers --------------------------------------------------------------------------


def test_it_formats_a_member_number():
    assert format_member_number("3175", 123) == "3175-0000123-8"
    assert city_key_of(3175031001) == "3175"


def test_it_normalizes_typed_numbers():
    assert normalize_member_number(" 3175 0000123 8 ") == "3175-0000123-8"
    assert normalize_member_number("317500001238") == "3175-0000123-8"
    assert validate_member_number("3175.0000123.8") == "3175-0000123-8"
    assert normalize_member_number("3175-0000123-9") is None
    assert normalize_member_number("3175-000123-8") is None
    with pytest.raises(MemberNumberError):
        validate_member_number("3175-0000132-8")


def test_it_refuses_sequences_out_of_range():
    with pytest.raises(MemberNumberError):
        format_member_number("3175", 0)
    with pytest.raises(MemberNumberError):
        format_member_number("3175", 10_000_000)
    with pytest.raises(MemberNumberError):
        format_member_number("31", 1)


numbers = st.builds(
    format_member_number,
    st.integers(1100, 9999).map(str),
    st.integers(1, 9_999_999),
)


@given(numbers, st.data())
def test_it_detects_every_single_digit_change(number, data):
    digits = number.replace("-", "")
    position = data.draw(st.integers(0, len(digits) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != digits[position]]))
    typo = digits[:position] + replacement + digits[position + 1 :]
    assert normalize_member_number(digits) == number
    assert normalize_member_number(typo) is None


@given(numbers, st.data())
def test_it_detects_every_adjacent_transposition(number, data):
    digits = number.replace("-", "")
    position = data.draw(st.integers(0, len(digits) - 2))
    a, b = digits[position], digits[position + 1]
    if a == b:
        return
    swapped = digits[:position] + b + a + digits[position + 2 :]
    assert normalize_member_number(swapped) is None


def test_it_detects_all_transpositions_exhaustively_for_one_number():
    digits = format_member_number("3175", 1_234_567).replace("-", "")
    for position in range(len(digits) - 1):
        a, b = digits[position], digits[position + 1]
        if a != b:
            assert normalize_member_number(digits[:position] + b + a + digits[position + 2 :]) is None
