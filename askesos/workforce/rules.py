"""Pure workforce rules (no ORM): honorarium arithmetic, training expiry, KPI ratios."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from askesos.core.months import add_months


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half up (non-negative arguments): 0.5 rupiah rounds up."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class HonorariumLines:
    base: int
    new_members: int
    collections: int
    total: int


def honorarium(
    *,
    base_monthly: int,
    base_min_new_members: int,
    per_new_member: int,
    collection_bp: int,
    new_members: int,
    collections: int,
) -> HonorariumLines:
    """An officer's honorarium for a month (HonorariumFormula): the base when new members reach the
    minimum, a fixed amount per new member, and ``collection_bp`` basis points of the premiums the
    officer collected, rounded half up to whole rupiah. Analogue source: PROGRAM.md §4."""
    base = base_monthly if new_members >= base_min_new_members else 0
    per_member = per_new_member * new_members
    share = round_half_up(collections * collection_bp, 10_000)
    return HonorariumLines(base, per_member, share, base + per_member + share)


def paid_on_time(month: dt.date, paid_on: dt.date) -> bool:
    """Paid by the 10th of the month after the one worked (the evaluation indicators use it)."""
    return paid_on <= add_months(month, 1).replace(day=10)


def training_expires_on(last_completed: dt.date, refresh_months: int | None) -> dt.date | None:
    """When a completed training stops counting: ``refresh_months`` after it (None: never)."""
    if not refresh_months:
        return None
    month = add_months(last_completed.replace(day=1), refresh_months)
    day = last_completed.day
    while True:  # 31 Jan + 1 month → 28/29 Feb
        try:
            return month.replace(day=day)
        except ValueError:
            day -= 1


def training_need(last_completed: dt.date | None, refresh_months: int | None, today: dt.date) -> str:
    """'missing' (never done), 'expired' (today is on or after the expiry date) or '' (fine)."""
    if last_completed is None:
        return "missing"
    expires = training_expires_on(last_completed, refresh_months)
    return "expired" if expires is not None and today >= expires else ""


def ratio_pct(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal, half up; None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
