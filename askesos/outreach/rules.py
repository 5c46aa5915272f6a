"""Pure outreach rules (no ORM): the lead state machine, the consent rule, the funnel arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from askesos.outreach.models import LeadStatus

S = LeadStatus

# Follow-up of a lead (PROGRAM.md §5: people join when somebody follows them up). ``enrolled`` is
# reached by linking the lead to a membership (``lead_link_enrolment`` / ``leads_match_enrolments``),
# which is allowed from every state except ``enrolled`` itself.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONTACTED, S.UNREACHABLE, S.DECLINED}),
    S.CONTACTED: frozenset({S.INTERESTED, S.DECLINED, S.UNREACHABLE}),
    S.INTERESTED: frozenset({S.DECLINED, S.UNREACHABLE}),
    S.UNREACHABLE: frozenset({S.CONTACTED}),
    S.DECLINED: frozenset({S.CONTACTED}),
    S.ENROLLED: frozenset(),
}

# Following up needs a way to reach the person: without consent there is no phone (see Lead).
NEEDS_CONTACT = frozenset({S.CONTACTED, S.INTERESTED})


def can_transition(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, frozenset())


def can_link(old: str) -> bool:
    return old != S.ENROLLED


def contact_fields(*, consent: bool, phone: str, nik: str) -> tuple[str, str]:
    """What may be stored: phone and NIK with consent, nothing without (Lead docstring)."""
    return (phone, nik) if consent else ("", "")


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half up (whole rupiah); both arguments non-negative."""
    return (2 * numerator + denominator) // (2 * denominator)


def cost_per_enrolment(cost: int, enrolled: int) -> int | None:
    """Rupiah spent per new member, rounded half up; None when nobody enrolled."""
    return round_half_up(cost, enrolled) if enrolled else None


def coverage_pct(members: int, workers: int) -> Decimal | None:
    """Members as a percentage of informal workers, 2 decimals (0.08 % in the thesis)."""
    if workers <= 0:
        return None
    return (Decimal(members) * 100 / Decimal(workers)).quantize(Decimal("0.01"))


def needs_outreach(
    *,
    members: int,
    workers: int,
    last_event: dt.date | None,
    today: dt.date,
    threshold_pct: Decimal,
    days: int,
) -> bool:
    """A kelurahan is highlighted when coverage is below the threshold AND no outreach event took
    place in the last ``days`` days (the event day counts as inside the window)."""
    low = workers > 0 and Decimal(members) * 100 < threshold_pct * workers
    quiet = last_event is None or (today - last_event).days >= days
    return low and quiet
