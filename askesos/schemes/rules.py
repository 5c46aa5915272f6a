"""Pure rules for effective-dated scheme versions (no ORM, property-tested).

A scheme's rules change only from the first day of a month, and never retroactively: a version
already in force is history and is not edited (PROGRAM.md §2: "all editable, effective-dated").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from django.utils.translation import gettext as _

from askesos.core.months import add_months, month_start

# Fields of SchemeVersion a new version may change; everything else is bookkeeping.
VERSION_FIELDS = (
    "premium_monthly",
    "payers",
    "max_advance_months",
    "min_age",
    "max_age",
    "married_below_min_age",
    "income_floor",
    "income_ceiling",
    "breadwinner_required",
    "informal_required",
    "exit_age",
    "grace_months",
    "reinstatement_rule",
    "approval_threshold",
    "anti_selection_days",
    "placeholders",
    "note",
)
BENEFIT_FIELDS = (
    "amount",
    "amount_per_day",
    "max_days",
    "min_days_unable",
    "waiting_months",
    "deadline_days",
    "max_per_year",
    "income_multiple",
    "documents",
    "is_placeholder",
    "note",
)
MAX_ADVANCE_MONTHS_LIMIT = 12  # PROGRAM.md §2: advance payment 1-12 months (M)


class VersionState(StrEnum):
    PAST = "past"
    IN_FORCE = "in_force"
    FUTURE = "future"


def earliest_new_version_month(today: dt.date) -> dt.date:
    """The first month a new version may start: next month (today's month has already begun)."""
    return add_months(month_start(today), 1)


def effective_from_error(effective_from: dt.date, today: dt.date, *, has_versions: bool) -> str | None:
    """Why ``effective_from`` cannot start a new version, or None.

    A change applies from a first-of-month date strictly after today's month, so nobody is judged
    by a rule that did not exist when it happened. The first version of a new scheme may start in
    the past (it records rules that already applied, e.g. when seeding).
    """
    if effective_from.day != 1:
        return _("A new version must start on the first day of a month.")
    earliest = earliest_new_version_month(today)
    if has_versions and effective_from < earliest:
        return _("A new version must start in %(month)s or later; rules in force are never changed.") % {
            "month": earliest.strftime("%Y-%m")
        }
    return None


def in_force_index(starts: Sequence[dt.date], on: dt.date) -> int | None:
    """Index of the start date in force on ``on``: the latest start on or before it (any order)."""
    best: int | None = None
    for index, start in enumerate(starts):
        if start <= on and (best is None or start > starts[best]):
            best = index
    return best


def version_state(effective_from: dt.date, in_force_from: dt.date | None, today: dt.date) -> VersionState:
    """Where a version stands today, given the start date of the version in force today."""
    if effective_from > today:
        return VersionState.FUTURE
    if effective_from == in_force_from:
        return VersionState.IN_FORCE
    return VersionState.PAST


def version_values_errors(values: dict[str, object]) -> list[str]:
    """Plain-language problems with a version's values (the ones a form could get wrong)."""
    errors: list[str] = []
    premium = values.get("premium_monthly")
    if not isinstance(premium, int) or premium <= 0:
        errors.append(_("The monthly premium must be more than Rp 0."))
    min_age, max_age = values.get("min_age"), values.get("max_age")
    if isinstance(min_age, int) and isinstance(max_age, int) and min_age > max_age:
        errors.append(_("The minimum age must not be above the maximum age."))
    advance = values.get("max_advance_months")
    if not isinstance(advance, int) or not 1 <= advance <= MAX_ADVANCE_MONTHS_LIMIT:
        errors.append(_("Months paid in advance must be between 1 and 12."))
    floor, ceiling = values.get("income_floor"), values.get("income_ceiling")
    if isinstance(floor, int) and isinstance(ceiling, int) and ceiling < floor:
        errors.append(_("The maximum income must not be below the minimum income."))
    if not values.get("payers"):
        errors.append(_("At least one payer must be allowed."))
    return errors


def placeholders_after_change(
    placeholders: Sequence[str], changed_version_fields: Sequence[str], changed_benefit_fields: Sequence[str]
) -> list[str]:
    """A value the ministry sets is no longer a placeholder: drop the names of changed values.

    ``changed_benefit_fields`` are ``benefits.<claim type>.<field>`` names.
    """
    changed = set(changed_version_fields) | set(changed_benefit_fields)
    return [name for name in placeholders if name not in changed]
