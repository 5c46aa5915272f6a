"""Reading the LPA fund: balances, the period statement and the dashboard ratios.

Balances are never stored; each read is one GROUP BY over ``JournalLine`` (lines carry ``lpa_id`` and
``on``), for one LPA or for every LPA in a user's scope at once. Amounts are in the account's normal
side: an asset or expense is debit minus credit, equity and income are credit minus debit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth

from askesos.core.access import scoped
from askesos.core.months import add_months, month_start
from askesos.fund import rules
from askesos.fund.models import JournalEntry, JournalLine
from askesos.lpa.models import Lpa

_CREDIT_NORMAL = frozenset(a.code for a in rules.CHART if a.normal_side == "credit")


def _normal(code: str, net_debit: int) -> int:
    return -net_debit if code in _CREDIT_NORMAL else net_debit


def lpas_in_scope(user: Any) -> QuerySet[Lpa]:
    return scoped(user, Lpa.objects.all()).order_by("code")


@dataclass
class FundFigures:
    """One LPA's figures for a period ``[start, end]`` (inclusive dates)."""

    lpa_id: int
    start: dt.date
    end: dt.date
    opening: dict[str, int] = field(default_factory=dict)  # account balances before ``start``
    flows: dict[str, int] = field(default_factory=dict)  # movements within the period
    claims_12m: int = 0  # claims paid in the 12 months ending with ``end``'s month

    def closing(self, code: str) -> int:
        return self.opening.get(code, 0) + self.flows.get(code, 0)

    @property
    def opening_cash(self) -> int:
        return sum(self.opening.get(c, 0) for c in rules.CASH_ACCOUNTS)

    @property
    def closing_cash(self) -> int:
        return sum(self.closing(c) for c in rules.CASH_ACCOUNTS)

    @property
    def capital_in(self) -> int:
        return self.flows.get(rules.SEED_CAPITAL, 0)

    @property
    def income(self) -> dict[str, int]:
        return {c: self.flows.get(c, 0) for c in rules.INCOME_ACCOUNTS}

    @property
    def expenses(self) -> dict[str, int]:
        return {c: self.flows.get(c, 0) for c in rules.EXPENSE_ACCOUNTS}

    @property
    def total_income(self) -> int:
        return sum(self.income.values())

    @property
    def total_expenses(self) -> int:
        return sum(self.expenses.values())

    @property
    def premiums(self) -> int:
        return self.flows.get(rules.PREMIUM_INCOME, 0)

    @property
    def claims(self) -> int:
        return self.flows.get(rules.CLAIMS_PAID, 0)

    @property
    def loss_ratio(self) -> Fraction | None:
        """Claims paid / member premium income (account 4100) over the period; ``None`` without premiums.
        Third-party contributions (4200) are left out so the ratio reads as the members' own risk pool."""
        return rules.ratio(self.claims, self.premiums)

    @property
    def reserve_months(self) -> Fraction | None:
        """Cash and bank at the end / average monthly claims over the last 12 months; ``None`` = no claims."""
        return rules.reserve_months(self.closing_cash, self.claims_12m)


def fund_figures(*, lpa_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, FundFigures]:
    """Opening balances, period movements and 12-month claims for many LPAs in one query."""
    ids = sorted(set(lpa_ids))
    year_start = add_months(month_start(end), -11)
    figures = {pk: FundFigures(lpa_id=pk, start=start, end=end) for pk in ids}
    if not ids:
        return figures
    net = F("debit") - F("credit")
    rows = (
        JournalLine.objects.filter(lpa_id__in=ids, on__lte=end)
        .values("lpa_id", "account_id")
        .annotate(
            before=Sum(net, filter=Q(on__lt=start)),
            during=Sum(net, filter=Q(on__gte=start)),
            year=Sum(net, filter=Q(on__gte=year_start, account_id=rules.CLAIMS_PAID)),
        )
        .order_by()
    )
    for row in rows:
        fig, code = figures[row["lpa_id"]], row["account_id"]
        fig.opening[code] = _normal(code, int(row["before"] or 0))
        fig.flows[code] = _normal(code, int(row["during"] or 0))
        if code == rules.CLAIMS_PAID:
            fig.claims_12m = int(row["year"] or 0)
    return figures


def lpa_fund_figures(*, lpa_id: int, start: dt.date, end: dt.date) -> FundFigures:
    return fund_figures(lpa_ids=[lpa_id], start=start, end=end)[lpa_id]


def monthly_series(*, lpa_ids: Iterable[int], end_month: dt.date, months: int = 12) -> list[dict[str, Any]]:
    """Premiums (4100) and claims paid (5100) per month, summed over ``lpa_ids``, oldest month first."""
    first = add_months(month_start(end_month), -(months - 1))
    last_day = add_months(month_start(end_month), 1) - dt.timedelta(days=1)
    series = {add_months(first, i): {"premiums": 0, "claims": 0} for i in range(months)}
    rows = (
        JournalLine.objects.filter(
            lpa_id__in=list(lpa_ids),
            on__gte=first,
            on__lte=last_day,
            account_id__in=[rules.PREMIUM_INCOME, rules.CLAIMS_PAID],
        )
        .annotate(month=TruncMonth("on"))
        .values("month", "account_id")
        .annotate(net=Sum(F("debit") - F("credit")))
        .order_by()
    )
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        key = "premiums" if row["account_id"] == rules.PREMIUM_INCOME else "claims"
        series[month][key] = _normal(row["account_id"], int(row["net"] or 0))
    return [{"month": m, **v} for m, v in series.items()]


def _premium_schedule(scheme_ids: Iterable[int]) -> dict[int, list[tuple[dt.date, int]]]:
    """Each scheme's versions as (effective_from, monthly premium), oldest first: one query. The rule
    is that of ``schemes.selectors.version_in_force`` (latest version effective on or before a date)."""
    from askesos.schemes.models import SchemeVersion

    schedule: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for scheme_id, since, premium in (
        SchemeVersion.objects.filter(scheme_id__in=list(scheme_ids))
        .order_by("effective_from")
        .values_list("scheme_id", "effective_from", "premium_monthly")
    ):
        schedule[scheme_id].append((since, premium))
    return schedule


def _premium_on(schedule: list[tuple[dt.date, int]], month: dt.date) -> int:
    in_force = [premium for since, premium in schedule if since <= month]
    return in_force[-1] if in_force else 0


def premiums_due(*, lpa_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """Premiums due per LPA for the months from ``start`` to ``end``.

    Definition: a membership owes the premium of its scheme version in force for each month of the
    period that it began covered and live: its coverage had started by that month, and it is
    ``active`` or ``arrears`` now, or it lapsed or was terminated after the month's first day
    (``status_since``; a member who died on 15 January owes January, one the cycle lapsed on
    1 February owes up to January). Pending memberships owe nothing. A member who lapsed and came
    back is counted by today's status for every month, and one terminated after lapsing owes the
    months until its termination: the approximation of a status read from the membership row (the
    status changes are not replayed). Two queries whatever the number of LPAs.
    """
    from askesos.membership.models import Membership, MembershipStatus

    ids = list(lpa_ids)
    due = dict.fromkeys(ids, 0)
    first, last = month_start(start), month_start(end)
    ended = [MembershipStatus.LAPSED, MembershipStatus.TERMINATED]
    groups = list(
        Membership.objects.filter(lpa_id__in=ids, coverage_start__lte=end)
        .filter(
            Q(status__in=[MembershipStatus.ACTIVE, MembershipStatus.ARREARS])
            | Q(status__in=ended, status_since__gt=first)
        )
        .annotate(
            until=Case(When(status__in=ended, then=F("status_since")), default=None, output_field=DateField())
        )
        .values("lpa_id", "scheme_id", "coverage_start", "until")
        .annotate(n=Count("id"))
        .order_by()
    )
    schedule = _premium_schedule({g["scheme_id"] for g in groups})
    months = [
        add_months(first, i) for i in range((last.year - first.year) * 12 + last.month - first.month + 1)
    ]
    for g in groups:
        for month in months:
            if month_start(g["coverage_start"]) <= month and (g["until"] is None or g["until"] > month):
                due[g["lpa_id"]] += g["n"] * _premium_on(schedule[g["scheme_id"]], month)
    return due


def collection_rate(collected: int, due: int) -> Fraction | None:
    """Premiums collected in the period (4100) / premiums due (``premiums_due``); ``None`` if none due."""
    return rules.ratio(collected, due)


@dataclass
class LpaFundRow:
    lpa: Lpa
    figures: FundFigures
    due: int

    @property
    def collection_rate(self) -> Fraction | None:
        return collection_rate(self.figures.premiums, self.due)


def fund_overview(*, user: Any, start: dt.date, end: dt.date) -> list[LpaFundRow]:
    """Every LPA in the user's scope with its figures for the period: four queries in all."""
    lpas = list(lpas_in_scope(user))
    ids = [lpa.pk for lpa in lpas]
    figures = fund_figures(lpa_ids=ids, start=start, end=end)
    due = premiums_due(lpa_ids=ids, start=start, end=end)
    return [LpaFundRow(lpa=lpa, figures=figures[lpa.pk], due=due[lpa.pk]) for lpa in lpas]


def journal_for(
    *, lpa_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[JournalEntry]:
    qs = JournalEntry.objects.filter(lpa_id=lpa_id).prefetch_related("lines").select_related("created_by")
    if start:
        qs = qs.filter(on__gte=start)
    if end:
        qs = qs.filter(on__lte=end)
    return qs.order_by("-on", "-id")
