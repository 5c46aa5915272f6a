"""Reads for premiums: coverage at a date (for claims), member history, arrears, follow-up lists,
officer cash books. Lists go through ``core.access.scoped``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce

from askesos.contributions.models import Channel, FollowUpItem, OfficerDeposit, Payment
from askesos.core.access import scoped
from askesos.core.months import add_months, month_start, months_between
from askesos.lpa.models import FieldOfficer
from askesos.membership.models import Membership, MembershipStatus
from askesos.schemes.selectors import version_in_force

COVERED, IN_GRACE, NOT_COVERED = "covered", "grace", "not_covered"


@dataclass(frozen=True)
class CoverageAnswer:
    state: str  # covered / grace / not_covered
    reason: str
    paid_through: dt.date | None  # last month paid by payments made on or before the date asked
    reinstated_on: dt.date | None

    @property
    def covered(self) -> bool:
        return self.state == COVERED


def covered_on(membership: Membership, on: dt.date) -> CoverageAnswer:
    """Was the member covered on ``on``? Judged from payment history as it stood that day (payments
    made later do not count, so arrears paid after an event do not buy cover for it), the scheme's
    grace in force then, and termination. Claims decide what "in grace" is worth."""
    month = month_start(on)
    if membership.terminated_on is not None and on > membership.terminated_on:
        return CoverageAnswer(NOT_COVERED, f"terminated on {membership.terminated_on:%Y-%m-%d}", None, None)
    if month < membership.coverage_start:
        return CoverageAnswer(
            NOT_COVERED, f"before coverage start {membership.coverage_start:%Y-%m}", None, None
        )
    paid_through = Payment.objects.filter(
        membership=membership, paid_on__lte=on, period_from__lte=month
    ).aggregate(last=Max("period_to"))["last"]
    reinstated = (
        membership.reinstated_on if membership.reinstated_on and membership.reinstated_on <= on else None
    )
    if paid_through is None:
        return CoverageAnswer(NOT_COVERED, "no premium paid for this month by that date", None, reinstated)
    if paid_through >= month:
        return CoverageAnswer(COVERED, f"paid through {paid_through:%Y-%m}", paid_through, reinstated)
    unpaid = months_between(paid_through, month)
    grace = version_in_force(membership.scheme_id, month).grace_months
    if unpaid <= grace:
        return CoverageAnswer(IN_GRACE, f"{unpaid} of {grace} grace months unpaid", paid_through, reinstated)
    return CoverageAnswer(
        NOT_COVERED, f"lapsed: {unpaid} months unpaid, grace {grace}", paid_through, reinstated
    )


@dataclass(frozen=True)
class MonthCell:
    month: dt.date
    paid: bool
    receipt: str


def coverage_timeline(membership: Membership, *, today: dt.date, months: int = 24) -> list[MonthCell]:
    """The last ``months`` months up to this month (and any paid ahead): paid or not, with the receipt."""
    current = month_start(today)
    last = max(current, membership.paid_through or current)
    first = max(add_months(current, -(months - 1)), membership.coverage_start)
    paid: dict[dt.date, str] = {}
    rows = Payment.objects.filter(membership=membership, period_to__gte=first, period_from__lte=last)
    for p_from, p_to, receipt in rows.values_list("period_from", "period_to", "receipt_number"):
        m = p_from
        while m <= p_to:
            paid[m] = receipt
            m = add_months(m, 1)
    cells = []
    m = first
    while m <= last:
        cells.append(MonthCell(m, m in paid, paid.get(m, "")))
        m = add_months(m, 1)
    return cells


def member_lookup(*, user: Any, query: str, limit: int = 20) -> list[Membership]:
    """Members in scope by exact member number, or by name (contains), live memberships first."""
    q = query.strip()
    if not q:
        return []
    base = scoped(user, Membership.objects.select_related("person", "lpa")).exclude(
        status=MembershipStatus.TERMINATED
    )
    exact = list(base.filter(member_number=q.upper())[:1])
    if exact:
        return exact
    return list(base.filter(person__full_name__icontains=q).order_by("person__full_name", "id")[:limit])


def member_payments(membership: Membership) -> QuerySet[Payment]:
    return membership.payments.select_related("collector").order_by("-paid_on", "-id")


def arrears_list(*, user: Any, status: str = "", lpa_id: int | None = None) -> QuerySet[Membership]:
    """Members in arrears or lapsed in scope, most months unpaid first (oldest paid_through first)."""
    statuses = (
        [status]
        if status in (MembershipStatus.ARREARS, MembershipStatus.LAPSED)
        else [MembershipStatus.ARREARS, MembershipStatus.LAPSED]
    )
    qs = scoped(user, Membership.objects.filter(status__in=statuses).select_related("person", "lpa"))
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    return qs.order_by("paid_through", "id")


def followup_list(
    *, user: Any, month: dt.date, officer: FieldOfficer | None = None
) -> QuerySet[FollowUpItem]:
    qs = scoped(user, FollowUpItem.objects.filter(cycle_month=month)).select_related(
        "membership__person", "officer"
    )
    if officer is not None:
        qs = qs.filter(Q(officer=officer) | Q(officer__isnull=True, lpa_id=officer.lpa_id))
    return qs.order_by("-risk_score", "membership_id")


@dataclass(frozen=True)
class CashBook:
    officer: FieldOfficer
    collected: int
    confirmed: int
    submitted: int
    balance: int  # collected - confirmed deposits: cash the officer still answers for
    held_since: dt.date | None  # oldest receipt not yet covered by deposits (first in, first out)
    held_too_long: bool
    variance_deposits: list[OfficerDeposit]


def cash_held_days() -> int:
    return int(getattr(settings, "ASKESOS_CASH_HELD_DAYS", 7))


def cash_book(officer: FieldOfficer, *, today: dt.date) -> CashBook:
    """Cash collected per receipt vs deposits handed to the LPA. Held time is first-in-first-out:
    deposits (submitted or confirmed) cover the oldest receipts first, whatever receipts they named;
    held longer than ``ASKESOS_CASH_HELD_DAYS`` (default 7) is flagged. A confirmed deposit whose amount
    differs from the receipts it named is flagged as variance."""
    cash = Payment.objects.filter(collector=officer, channel=Channel.CASH_OFFICER)
    collected = cash.aggregate(t=Coalesce(Sum("amount"), 0))["t"]
    deposits = OfficerDeposit.objects.filter(officer=officer)
    sums = dict(deposits.values("status").annotate(t=Sum("amount")).values_list("status", "t"))
    confirmed = sums.get(OfficerDeposit.Status.CONFIRMED, 0)
    submitted = sums.get(OfficerDeposit.Status.SUBMITTED, 0)
    covered = confirmed + submitted
    held_since = (
        cash.annotate(running=Window(Sum("amount"), order_by=["paid_on", "id"]))
        .filter(running__gt=covered)
        .order_by("paid_on", "id")
        .values_list("paid_on", flat=True)
        .first()
    )
    variance = [
        d
        for d in deposits.filter(status=OfficerDeposit.Status.CONFIRMED, receipts_total__isnull=False)
        if d.variance
    ]
    too_long = held_since is not None and (today - held_since).days > cash_held_days()
    return CashBook(
        officer, collected, confirmed, submitted, collected - confirmed, held_since, too_long, variance
    )


def undeposited_receipts(officer: FieldOfficer) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(collector=officer, channel=Channel.CASH_OFFICER, deposit_link__isnull=True)
        .select_related("membership")
        .order_by("paid_on", "id")
    )


def officers_in_scope(user: Any) -> QuerySet[FieldOfficer]:
    return scoped(user, FieldOfficer.objects.all()).order_by("lpa_id", "full_name")
