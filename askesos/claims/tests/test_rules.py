"""The pure rules: amounts, the payout split, and every check failing alone with its code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from askesos.claims import rules
from askesos.claims.rules import BenefitRules, ClaimFacts, HeirFacts

D = dt.date
HEIRS = (
    HeirFacts("Siti", "3175034101900001", 6000, "bank", "001"),
    HeirFacts("Andi", "3175031201100002", 4000),
)
SICK = BenefitRules(
    "sickness",
    amount=300_000,
    min_days_unable=10,
    max_per_year=1,
    waiting_months=3,
    deadline_days=90,
    documents=("ktp_member", "medical_letter"),
    anti_selection_days=30,
)
DEATH = BenefitRules(
    "death", amount=2_000_000, waiting_months=3, documents=("death_certificate",), anti_selection_days=30
)
CLEAN_SICK = ClaimFacts(
    "sickness",
    D(2026, 9, 1),
    D(2026, 9, 15),
    days=12,
    enrolled_on=D(2025, 1, 10),
    documents=frozenset({"ktp_member", "medical_letter"}),
)
CLEAN_DEATH = ClaimFacts(
    "death",
    D(2026, 9, 1),
    D(2026, 9, 15),
    enrolled_on=D(2025, 1, 10),
    heirs=HEIRS,
    documents=frozenset({"death_certificate"}),
)


def codes(facts: ClaimFacts, benefit: BenefitRules) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in rules.run_checks(facts, benefit)]


def test_it_passes_clean_claims():
    assert codes(CLEAN_SICK, SICK) == []
    assert codes(CLEAN_DEATH, DEATH) == []


@pytest.mark.parametrize(
    ("change", "benefit", "expected"),
    [
        ({"coverage": "not_covered", "coverage_reason": "lapsed"}, SICK, ("not_covered", "block")),
        ({"coverage": "grace", "paid_through": D(2026, 7, 1)}, SICK, ("in_grace", "warn")),
        ({"enrolled_on": D(2026, 7, 1)}, DEATH, ("waiting_period", "block")),
        ({"reported_on": D(2026, 12, 1)}, SICK, ("deadline_passed", "block")),
        ({"counted_in_year": 1}, SICK, ("yearly_limit", "block")),
        ({"duplicate_of": "KL0000001"}, SICK, ("duplicate_event", "block")),
        (
            {"terminated_on": D(2026, 8, 31), "termination_reason": "exit"},
            SICK,
            ("terminated_before_event", "block"),
        ),
        (
            {"deceased_on": D(2026, 8, 31), "terminated_on": D(2026, 8, 31), "termination_reason": "death"},
            SICK,
            ("already_deceased", "block"),
        ),
        ({"death_claimed_on": D(2026, 9, 1)}, DEATH, ("already_deceased", "block")),
        ({"enrolled_on": D(2025, 1, 10), "reinstated_on": D(2026, 8, 20)}, DEATH, None),
        ({"heirs": ()}, DEATH, ("no_heirs", "block")),
        ({"heirs": HEIRS[:1]}, DEATH, ("heir_shares", "block")),
        ({"heirs": (HeirFacts("Siti", "123", 10000),)}, DEATH, ("heir_details", "block")),
        (
            {"heirs": (HeirFacts("Siti", "3175034101900001", 10000, "bank", ""),)},
            DEATH,
            ("heir_details", "block"),
        ),
        ({"documents": frozenset({"ktp_member"})}, SICK, ("documents_missing", "block")),
        ({"days": 9}, SICK, ("min_days_unable", "block")),
    ],
)
def test_it_fails_each_check_alone_with_its_code(change, benefit, expected):
    base = CLEAN_DEATH if benefit is DEATH else CLEAN_SICK
    found = codes(dataclasses.replace(base, **change), benefit)
    if (
        expected is None
    ):  # reinstated 12 days before: waiting period restarts (block) and anti-selection (warn)
        assert found == [("waiting_period", "block"), ("anti_selection", "warn")]
    else:
        assert found == [expected]


def test_it_warns_on_anti_selection_alone_when_there_is_no_waiting_period():
    accident = BenefitRules("accident_death", amount=4_000_000, anti_selection_days=30)
    facts = dataclasses.replace(CLEAN_DEATH, claim_type="accident_death", enrolled_on=D(2026, 8, 20))
    findings = rules.run_checks(facts, accident)
    assert [(f.code, f.severity, dict(f.params)) for f in findings] == [
        ("anti_selection", "warn", {"since": "2026-08-20", "days": 12, "window": 30})
    ]


def test_it_lets_a_funeral_claim_share_the_death_date_but_nothing_after_it():
    funeral = BenefitRules("funeral", amount=1_000_000)
    same_day = dataclasses.replace(CLEAN_DEATH, claim_type="funeral", death_claimed_on=D(2026, 9, 1))
    assert codes(same_day, funeral) == []
    later = dataclasses.replace(same_day, event_date=D(2026, 9, 2))
    assert codes(later, funeral) == [("already_deceased", "block")]


def test_it_counts_the_waiting_period_from_reinstatement_to_the_same_day():
    facts = dataclasses.replace(CLEAN_DEATH, reinstated_on=D(2026, 5, 31), event_date=D(2026, 8, 30))
    assert rules.waiting_ends(facts, DEATH) == D(2026, 8, 31)
    assert [f.code for f in rules.run_checks(facts, DEATH)] == ["waiting_period"]
    assert rules.run_checks(dataclasses.replace(facts, event_date=D(2026, 8, 31)), DEATH) == []


def test_it_marks_which_blocks_may_be_overridden():
    assert rules.Finding("deadline_passed", "block").overridable is True
    assert rules.Finding("duplicate_event", "block").overridable is False
    assert rules.Finding("yearly_limit", "block").overridable is False
    assert rules.Finding("in_grace", "warn").overridable is False


def test_it_writes_plain_messages():
    with translation.override("en"):
        finding = rules.check_min_days(dataclasses.replace(CLEAN_SICK, days=3), SICK)
        shares = rules.check_heirs(dataclasses.replace(CLEAN_DEATH, heirs=HEIRS[:1]), DEATH)
        assert finding is not None
        assert shares is not None
        assert finding.message == "The member was unable to work for 3 days; the benefit needs at least 10."
        assert shares.message == "The heirs' shares add up to 60 %, not 100 %."


# --- amounts --------------------------------------------------------------------------------------------


def test_it_pays_per_day_up_to_the_cap():
    hospital = BenefitRules("hospital", amount_per_day=50_000, max_days=30)
    assert rules.claim_amount(hospital, days=7) == 350_000
    assert rules.claim_amount(hospital, days=30) == 1_500_000
    assert rules.claim_amount(hospital, days=45) == 1_500_000
    assert rules.max_amount(hospital) == 1_500_000


def test_it_pays_the_lump_sum_whatever_the_days():
    assert rules.claim_amount(SICK, days=12) == 300_000
    assert rules.claim_amount(SICK, days=None) == 300_000
    assert rules.claim_amount(DEATH, days=None) == 2_000_000


def test_it_pays_a_multiple_of_income():
    bpjs_accident = BenefitRules("accident_death", income_multiple=48)
    assert rules.claim_amount(bpjs_accident, days=None, monthly_income=1_250_000) == 60_000_000


# --- split ----------------------------------------------------------------------------------------------


def test_it_splits_by_largest_remainder():
    assert rules.split_by_shares(1_000_001, [3333, 3333, 3334]) == [333_300, 333_300, 333_401]
    assert rules.split_by_shares(100, [3333, 3333, 3334]) == [33, 33, 34]
    assert rules.split_by_shares(101, [5000, 5000]) == [51, 50]  # tie: the earlier heir gets the rupiah
    assert rules.split_by_shares(2_000_000, [6000, 4000]) == [1_200_000, 800_000]


def test_it_refuses_shares_that_do_not_make_100_percent():
    with pytest.raises(ValueError, match="10000"):
        rules.split_by_shares(100, [5000, 4000])


@settings(max_examples=200)
@given(
    amount=st.integers(min_value=0, max_value=10**12),
    cuts=st.lists(st.integers(min_value=1, max_value=9999), max_size=6, unique=True),
)
def test_it_always_splits_to_the_exact_amount(amount, cuts):
    points = [0, *sorted(cuts), 10_000]
    shares = [b - a for a, b in itertools.pairwise(points)]
    parts = rules.split_by_shares(amount, shares)
    assert sum(parts) == amount
    assert all(abs(p * 10_000 - amount * s) < 10_000 for p, s in zip(parts, shares, strict=True))


def test_it_ages_claims_against_the_target():
    assert rules.age_days(D(2026, 9, 1), D(2026, 9, 15)) == 14
    assert rules.is_overdue(D(2026, 9, 1), D(2026, 9, 15), 14) is False
    assert rules.is_overdue(D(2026, 9, 1), D(2026, 9, 16), 14) is True


def test_it_falls_back_to_paid_through_and_grace():
    kw: dict[str, Any] = {"coverage_start": D(2025, 2, 1), "grace_months": 3}
    assert (
        rules.coverage_from_paid_through(paid_through=D(2026, 9, 1), event_date=D(2026, 9, 30), **kw)[0]
        == "covered"
    )
    assert (
        rules.coverage_from_paid_through(paid_through=D(2026, 6, 1), event_date=D(2026, 9, 30), **kw)[0]
        == "grace"
    )
    assert rules.coverage_from_paid_through(paid_through=D(2026, 5, 1), event_date=D(2026, 9, 30), **kw)[
        0
    ] == ("not_covered")
    assert (
        rules.coverage_from_paid_through(paid_through=None, event_date=D(2026, 9, 30), **kw)[0]
        == "not_covered"
    )
    assert rules.coverage_from_paid_through(paid_through=D(2026, 9, 1), event_date=D(2025, 1, 30), **kw)[
        0
    ] == ("not_covered")
