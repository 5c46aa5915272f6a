"""Premium and coverage rules: pure functions, no ORM (property-tested in tests/test_rules.py).

Vocabulary. A *month* is a first-of-month date. ``paid_through`` is the last month paid (None before
the first payment). The *current month* is the month of "today". Months unpaid = months after
``paid_through`` up to and including the current month, so a member who paid through December is one
month unpaid on 1 January.

Status (PROGRAM.md §2; grace from BPJS TK, 3 months by default, a scheme setting):
- ACTIVE   paid_through ≥ current month (0 months unpaid);
- ARREARS  1..grace months unpaid (still covered as "in grace");
- LAPSED   more than grace months unpaid;
- PENDING  never paid; TERMINATED is final (death, exit, age limit) — neither is changed here.

Paying (``apply_payment``): months are applied in order from the first unpaid month, so after a gap
within grace the arrears months are paid first and coverage continues without a hole. After lapse the
scheme's ``ReinstatementRule`` decides:
- REENROL_NEW_WAITING: the arrears are forgiven (never covered); the payment covers from the current
  month, and the membership is reinstated today (claims apply a new waiting period from
  ``reinstated_on``);
- PAY_ARREARS_CONTINUE: the payment pays the oldest arrears first; the member is active (or in grace)
  again only once the arrears are paid down to within grace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from askesos.core.errors import DomainError
from askesos.core.money import format_rupiah
from askesos.core.months import add_months, month_start, months_between

ACTIVE = "active"
ARREARS = "arrears"
LAPSED = "lapsed"
PENDING = "pending"
TERMINATED = "terminated"
REENROL_NEW_WAITING = "reenrol_new_waiting"
PAY_ARREARS_CONTINUE = "pay_arrears_continue"

EN_DASH = "\u2013"
MONTH_ABBR_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def months_unpaid(paid_through: dt.date, month: dt.date) -> int:
    """Months after ``paid_through`` up to and including ``month`` (0 or less: paid ahead)."""
    return max(0, months_between(paid_through, month))


def status_for(*, paid_through: dt.date | None, month: dt.date, grace_months: int, current: str) -> str:
    """The status a membership should have in ``month``. TERMINATED and never-paid PENDING stay."""
    if current == TERMINATED:
        return TERMINATED
    if paid_through is None:
        return current if current in (PENDING, LAPSED) else PENDING
    unpaid = months_unpaid(paid_through, month)
    if unpaid == 0:
        return ACTIVE
    return ARREARS if unpaid <= grace_months else LAPSED


def status_bounds(month: dt.date, grace_months: int) -> tuple[dt.date, dt.date]:
    """(active_from, arrears_from) for the set-based cycle: ACTIVE if paid_through ≥ active_from,
    else ARREARS if paid_through ≥ arrears_from, else LAPSED. Equivalent to ``status_for``."""
    return month, add_months(month, -grace_months)


@dataclass(frozen=True)
class CoverageChange:
    period_from: dt.date
    period_to: dt.date
    new_paid_through: dt.date
    new_status: str
    reinstated: bool


def apply_payment(
    *,
    paid_through: dt.date | None,
    coverage_start: dt.date,
    status: str,
    months: int,
    today: dt.date,
    grace_months: int,
    reinstatement_rule: str,
    max_advance_months: int,
) -> CoverageChange:
    """Which months a payment of ``months`` covers and the status that follows (see module doc)."""
    if status == TERMINATED:
        raise DomainError(_("This membership is terminated; it cannot take payments."), code="terminated")
    if months < 1:
        raise DomainError(_("A payment must cover at least one month."), code="no_months", field="amount")
    current = month_start(today)
    first_unpaid = (
        coverage_start if paid_through is None else max(add_months(paid_through, 1), coverage_start)
    )
    lapsed = paid_through is not None and months_unpaid(paid_through, current) > grace_months
    reinstated = lapsed and reinstatement_rule == REENROL_NEW_WAITING
    period_from = max(current, coverage_start) if reinstated else first_unpaid
    period_to = add_months(period_from, months - 1)
    ahead = months_between(max(period_from, current), period_to) + 1 if period_to >= current else 0
    if ahead > max_advance_months:
        raise DomainError(
            _("At most %(max)d months from this month on may be paid at once; this one would cover %(n)d.")
            % {"max": max_advance_months, "n": ahead},
            code="too_many_months",
            field="amount",
        )
    new_status = status_for(paid_through=period_to, month=current, grace_months=grace_months, current=ACTIVE)
    return CoverageChange(period_from, period_to, period_to, new_status, reinstated)


@dataclass(frozen=True)
class AmountSplit:
    months: int
    credit_applied: int
    credit_created: int


def split_amount(*, amount: int, credit: int, premium: int, carry_forward: bool) -> AmountSplit:
    """Turn an amount (plus any credit) into whole months at ``premium``.

    Policy: a remainder is refused with the nearest whole-month amounts, unless the recorder chose
    "carry forward", which keeps it as member credit for the next payment.
    """
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount_not_positive", field="amount")
    total = amount + credit
    months, remainder = divmod(total, premium)
    if remainder and not carry_forward:
        lower, upper = months, months + 1
        options = [
            ngettext("%(n)d month = %(amount)s", "%(n)d months = %(amount)s", n)
            % {"n": n, "amount": format_rupiah(n * premium - credit)}
            for n in (lower, upper)
            if n >= 1 and n * premium - credit > 0
        ]
        paid = format_rupiah(amount) + (" + " + _("credit") + " " + format_rupiah(credit) if credit else "")
        raise DomainError(
            _("%(paid)s is not a whole number of months at %(premium)s; %(options)s")
            % {"paid": paid, "premium": format_rupiah(premium), "options": ", ".join(options)},
            code="not_whole_months",
            field="amount",
        )
    if months < 1:
        raise DomainError(
            _("%(paid)s is less than one month's premium (%(premium)s).")
            % {"paid": format_rupiah(amount), "premium": format_rupiah(premium)},
            code="no_months",
            field="amount",
        )
    return AmountSplit(months=months, credit_applied=credit, credit_created=remainder)


def format_period(period_from: dt.date, period_to: dt.date) -> str:
    """``Jan-Mar 2027``, ``Nov 2026-Jan 2027`` or ``Jan 2027`` with Indonesian month abbreviations."""
    a, b = MONTH_ABBR_ID[period_from.month - 1], MONTH_ABBR_ID[period_to.month - 1]
    if period_from == period_to:
        return f"{a} {period_from.year}"
    if period_from.year == period_to.year:
        return f"{a}{EN_DASH}{b} {period_to.year}"
    return f"{a} {period_from.year}{EN_DASH}{b} {period_to.year}"


def risk_score(*, months_in_arrears: int, months_paid_last_12: int, grace_months: int) -> int:
    """Lapse risk 0-100 for the officer's follow-up list: mostly how close the member is to lapsing,
    then how irregular their payments were over the last year (months paid by payments made in the
    last 12 months, so one annual payment counts as regular). The cycle computes the same formula
    in SQL (``RISK_*`` constants); keep them in step."""
    closeness = min(months_in_arrears, grace_months + 1) * RISK_PER_ARREARS_MONTH // max(grace_months + 1, 1)
    irregular = max(0, 12 - min(months_paid_last_12, 12)) * RISK_PER_MISSING_PAYMENT
    return min(100, closeness + irregular)


RISK_PER_ARREARS_MONTH = 70  # spread over grace+1 months
RISK_PER_MISSING_PAYMENT = 2  # at most 24 for a member with no payment in a year
