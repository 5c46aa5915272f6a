"""Pure membership rules (no ORM, property-tested): eligibility and member numbers.

Eligibility takes plain facts about a person and the scheme rules in force, and explains every
rule that fails in plain language (PROGRAM.md §2: age, income, breadwinner, informal work, NIK).

Member numbers are ``CCCC-NNNNNNN-D``: the 4-digit city key of the member's domicile, a 7-digit
sequence per city, and a Damm check digit over the 11 digits. Damm (not Luhn) because it detects
*every* single-digit error and *every* adjacent transposition, where Luhn misses 09↔90; it also
needs no weighting, so officers can't get it subtly wrong when checking by hand with a table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import damm

from askesos.core.money import format_rupiah

CITY_DIGITS = 4
SEQUENCE_DIGITS = 7
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1


# --- eligibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the eligibility rules need to know about a person, on the day of enrolment."""

    birth_date: dt.date
    is_married: bool
    monthly_income: int
    is_breadwinner: bool
    is_informal: bool
    occupation_label: str
    nik_errors: tuple[str, ...] = ()
    open_membership_number: str | None = None


@dataclass(frozen=True)
class EligibilityRules:
    """The enrolment rules of a scheme version (``SchemeVersion`` fields of the same names)."""

    min_age: int
    max_age: int
    married_below_min_age: bool
    income_floor: int
    income_ceiling: int | None
    breadwinner_required: bool
    informal_required: bool

    @classmethod
    def from_version(cls, version: object) -> EligibilityRules:
        return cls(**{name: getattr(version, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Finding:
    """One rule the person does not meet: a stable code and a sentence for people."""

    code: str
    message: str


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Whole years of age on ``today`` (a 29 February birthday counts from 1 March in common years)."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def _age_finding(facts: PersonFacts, rules: EligibilityRules, today: dt.date) -> Finding | None:
    age = age_on(facts.birth_date, today)
    if age > rules.max_age:
        return Finding(
            "age_above_max",
            _("Age %(age)d is above the maximum of %(max)d.") % {"age": age, "max": rules.max_age},
        )
    if age >= rules.min_age:
        return None
    if rules.married_below_min_age and facts.is_married:
        return None
    if rules.married_below_min_age:
        message = _("Age %(age)d is below the minimum of %(min)d, and the person is not married.")
    else:
        message = _("Age %(age)d is below the minimum of %(min)d.")
    return Finding("age_below_min", message % {"age": age, "min": rules.min_age})


def _income_finding(facts: PersonFacts, rules: EligibilityRules) -> Finding | None:
    values = {"income": format_rupiah(facts.monthly_income)}
    if facts.monthly_income < rules.income_floor:
        values["limit"] = format_rupiah(rules.income_floor)
        return Finding(
            "income_below_min", _("Monthly income %(income)s is below the minimum of %(limit)s.") % values
        )
    if rules.income_ceiling is not None and facts.monthly_income > rules.income_ceiling:
        values["limit"] = format_rupiah(rules.income_ceiling)
        return Finding(
            "income_above_max", _("Monthly income %(income)s is above the maximum of %(limit)s.") % values
        )
    return None


def check_eligibility(facts: PersonFacts, rules: EligibilityRules, today: dt.date) -> list[Finding]:
    """Every enrolment rule the person fails, in a fixed order; an empty list means eligible.

    Sources (PROGRAM.md §2): age 21-60 or married if younger (M, 2010); income at least
    Rp 300,000 a month (M, 2010); main breadwinner (H); informal work (§1, H); valid NIK (M); and one
    open membership per person. The limits themselves come from the scheme version in force.
    """
    findings: list[Finding] = []
    if facts.nik_errors:
        findings.append(Finding("nik_invalid", _("The NIK has errors; correct it in the registry first.")))
    if facts.open_membership_number:
        findings.append(
            Finding(
                "already_member",
                _("Already a member (number %(number)s).") % {"number": facts.open_membership_number},
            )
        )
    for finding in (_age_finding(facts, rules, today), _income_finding(facts, rules)):
        if finding is not None:
            findings.append(finding)
    if rules.breadwinner_required and not facts.is_breadwinner:
        findings.append(Finding("not_breadwinner", _("Must be the main breadwinner.")))
    if rules.informal_required and not facts.is_informal:
        findings.append(
            Finding(
                "not_informal",
                _("Occupation '%(occupation)s' is not informal work.")
                % {"occupation": facts.occupation_label},
            )
        )
    return findings


# --- member numbers ----------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-]")


class MemberNumberError(ValueError):
    pass


def city_key_of(region_key: int) -> str:
    """The 4-digit city part of a 10-digit region key: 3175011001 → "3175"."""
    return f"{region_key:010d}"[:CITY_DIGITS]


def format_member_number(city_key: str, sequence: int) -> str:
    """``3175`` and 123 → ``3175-0000123-D`` with D the Damm check digit of the 11 digits."""
    if not (len(city_key) == CITY_DIGITS and city_key.isdigit()):
        raise MemberNumberError(f"city key {city_key!r} is not 4 digits")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise MemberNumberError(f"sequence {sequence} is outside 1..{MAX_SEQUENCE}")
    body = f"{city_key}{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{city_key}-{body[CITY_DIGITS:]}-{damm.calc_check_digit(body)}"


def normalize_member_number(raw: str) -> str | None:
    """The canonical ``CCCC-NNNNNNN-D`` form of what someone typed, or None if it is not a valid
    member number (wrong length, not digits, or a check digit that does not match: a typo)."""
    digits = _SEPARATORS.sub("", raw or "")
    if len(digits) != CITY_DIGITS + SEQUENCE_DIGITS + 1 or not digits.isdigit():
        return None
    if not damm.is_valid(digits):
        return None
    return f"{digits[:CITY_DIGITS]}-{digits[CITY_DIGITS:-1]}-{digits[-1]}"


def validate_member_number(raw: str) -> str:
    """Like ``normalize_member_number`` but raises MemberNumberError with a reason for people."""
    number = normalize_member_number(raw)
    if number is None:
        raise MemberNumberError(_("This is not a valid member number; check it for a typo."))
    return number
