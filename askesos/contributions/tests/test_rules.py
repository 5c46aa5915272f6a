from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askesos.contributions import rules
from askesos.core.errors import DomainError
from askesos.core.months import add_months

D = dt.date
months = st.integers(min_value=0, max_value=600).map(lambda i: add_months(D(2000, 1, 1), i))


@given(
    paid_through=months,
    month=months,
    grace=st.integers(0, 12),
    current=st.sampled_from(["active", "arrears", "lapsed", "pending"]),
)
def test_it_makes_status_a_function_of_months_unpaid_and_grace_only(paid_through, month, grace, current):
    status = rules.status_for(paid_through=paid_through, month=month, grace_months=grace, current=current)
    unpaid = rules.months_unpaid(paid_through, month)
    expected = "active" if unpaid == 0 else "arrears" if unpaid <= grace else "lapsed"
    assert status == expected
    # The same months unpaid from a shifted start give the same status.
    shifted = rules.status_for(
        paid_through=add_months(paid_through, 7),
        month=add_months(month, 7),
        grace_months=grace,
        current=current,
    )
    assert shifted == status


@given(paid_through=months, month=months, grace=st.integers(0, 12))
def test_it_agrees_with_the_bounds_the_cycle_uses(paid_through, month, grace):
    active_from, arrears_from = rules.status_bounds(month, grace)
    by_bounds = (
        "active" if paid_through >= active_from else "arrears" if paid_through >= arrears_from else "lapsed"
    )
    assert by_bounds == rules.status_for(
        paid_through=paid_through, month=month, grace_months=grace, current="active"
    )


@given(month=months, grace=st.integers(0, 12))
def test_it_keeps_terminated_and_never_paid_memberships(month, grace):
    assert (
        rules.status_for(paid_through=month, month=month, grace_months=grace, current="terminated")
        == "terminated"
    )
    assert (
        rules.status_for(paid_through=None, month=month, grace_months=grace, current="pending") == "pending"
    )


@given(
    paid_through=months,
    n=st.integers(1, 12),
    grace=st.integers(0, 6),
    rule=st.sampled_from([rules.REENROL_NEW_WAITING, rules.PAY_ARREARS_CONTINUE]),
)
def test_it_never_leaves_a_hole_within_grace_and_advances_by_the_months_paid(paid_through, n, grace, rule):
    today = add_months(paid_through, 2) if grace >= 2 else add_months(paid_through, grace)
    change = rules.apply_payment(
        paid_through=paid_through,
        coverage_start=D(1990, 1, 1),
        status="arrears",
        months=n,
        today=today,
        grace_months=grace,
        reinstatement_rule=rule,
        max_advance_months=24,
    )
    assert change.period_from == add_months(paid_through, 1)
    assert change.period_to == add_months(paid_through, n)
    assert change.reinstated is False


def test_it_reinstates_after_lapse_from_the_current_month():
    change = rules.apply_payment(
        paid_through=D(2026, 1, 1),
        coverage_start=D(2025, 1, 1),
        status="lapsed",
        months=2,
        today=D(2026, 9, 15),
        grace_months=3,
        reinstatement_rule=rules.REENROL_NEW_WAITING,
        max_advance_months=12,
    )
    assert change == rules.CoverageChange(D(2026, 9, 1), D(2026, 10, 1), D(2026, 10, 1), "active", True)


def test_it_counts_only_current_and_future_months_against_the_advance_limit():
    change = rules.apply_payment(
        paid_through=D(2026, 6, 1),
        coverage_start=D(2025, 1, 1),
        status="arrears",
        months=13,
        today=D(2026, 8, 1),
        grace_months=3,
        reinstatement_rule=rules.PAY_ARREARS_CONTINUE,
        max_advance_months=12,
    )
    assert (change.period_from, change.period_to) == (D(2026, 7, 1), D(2027, 7, 1))
    with pytest.raises(DomainError):
        rules.apply_payment(
            paid_through=D(2026, 6, 1),
            coverage_start=D(2025, 1, 1),
            status="arrears",
            months=14,
            today=D(2026, 8, 1),
            grace_months=3,
            reinstatement_rule=rules.PAY_ARREARS_CONTINUE,
            max_advance_months=12,
        )


@given(
    amount=st.integers(1, 200_000),
    credit=st.integers(0, 4_999),
    premium=st.sampled_from([5000, 10400, 16800]),
)
def test_it_splits_amounts_into_whole_months_and_credit(amount, credit, premium):
    if amount + credit < premium:
        with pytest.raises(DomainError, match="less than one month"):
            rules.split_amount(amount=amount, credit=credit, premium=premium, carry_forward=True)
        return
    split = rules.split_amount(amount=amount, credit=credit, premium=premium, carry_forward=True)
    assert split.months * premium + split.credit_created == amount + credit
    assert 0 <= split.credit_created < premium
    assert split.credit_applied == credit


def test_it_explains_a_non_whole_amount_with_credit():
    with pytest.raises(DomainError) as exc:
        rules.split_amount(amount=4000, credit=2000, premium=5000, carry_forward=False)
    assert exc.value.message == (
        "Rp 4.000 + credit Rp 2.000 is not a whole number of months at Rp 5.000; "
        "1 month = Rp 3.000, 2 months = Rp 8.000"
    )


@pytest.mark.parametrize(
    ("a", "b", "text"),
    [
        (D(2027, 1, 1), D(2027, 3, 1), "Jan\u2013Mar 2027"),
        (D(2027, 5, 1), D(2027, 5, 1), "Mei 2027"),
        (D(2026, 11, 1), D(2027, 1, 1), "Nov 2026\u2013Jan 2027"),
        (D(2027, 8, 1), D(2027, 12, 1), "Agu\u2013Des 2027"),
    ],
)
def test_it_formats_periods_with_indonesian_month_names(a, b, text):
    assert rules.format_period(a, b) == text


@given(unpaid=st.integers(1, 20), paid12=st.integers(0, 40), grace=st.integers(0, 6))
def test_it_keeps_risk_between_0_and_100_and_rising_with_arrears(unpaid, paid12, grace):
    score = rules.risk_score(months_in_arrears=unpaid, months_paid_last_12=paid12, grace_months=grace)
    assert 0 <= score <= 100
    assert (
        rules.risk_score(months_in_arrears=unpaid + 1, months_paid_last_12=paid12, grace_months=grace)
        >= score
    )
