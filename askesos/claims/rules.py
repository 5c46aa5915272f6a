"""Pure claim rules (no ORM): the amount, the payout split, and the automatic checks.

Every check takes plain facts (``ClaimFacts``, ``BenefitRules``) and returns ``None`` (passed) or a
``Finding`` with a stable reason code, a severity (``block`` stops verification unless the verifier
overrides it with a written reason; ``warn`` informs) and a translated message. Sources of each rule
are in its docstring; values come from the scheme version in force on the event date (PROGRAM.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from askesos.core.months import add_months, month_start, months_between

BLOCK, WARN = "block", "warn"
FULL_SHARE_BP = 10_000
DEATH_TYPES = frozenset({"death", "accident_death"})
HEIR_PAID_TYPES = frozenset({"death", "accident_death", "funeral"})  # the member has died: heirs are paid
DAY_TYPES = frozenset({"hospital", "sickness"})  # the details need a number of days

# Blocking findings a verifier may NOT override: they would pay a claim twice, pay more than the
# scheme allows in a year, pay for a member already dead, or leave no exact split between heirs.
NOT_OVERRIDABLE = frozenset(
    {"duplicate_event", "already_deceased", "yearly_limit", "no_heirs", "heir_shares"}
)

MESSAGES: dict[str, Any] = {
    "not_covered": gettext_lazy("The member was not covered on the event date (%(reason)s)."),
    "in_grace": gettext_lazy(
        "The event fell in the grace period: premiums were paid only through %(paid_through)s."
    ),
    "waiting_period": gettext_lazy(
        "The event is inside the waiting period: cover for this benefit starts on %(starts)s."
    ),
    "deadline_passed": gettext_lazy(
        "The claim was reported %(days)s days after the event; the deadline is %(deadline)s days."
    ),
    "yearly_limit": gettext_lazy(
        "The member already has %(count)s approved or paid claim(s) of this type in %(year)s; "
        "the limit is %(limit)s per year."
    ),
    "duplicate_event": gettext_lazy(
        "Another claim of this type for the same member and event date exists (%(other)s)."
    ),
    "terminated_before_event": gettext_lazy("The membership was terminated on %(on)s, before the event."),
    "already_deceased": gettext_lazy("The member is already recorded as deceased (%(on)s)."),
    "anti_selection": gettext_lazy(
        "The member enrolled or was reinstated on %(since)s, %(days)s days before the event "
        "(anti-selection window: %(window)s days)."
    ),
    "no_heirs": gettext_lazy("The member has no heirs recorded to receive the benefit."),
    "heir_shares": gettext_lazy("The heirs' shares add up to %(percent)s %%, not 100 %%."),
    "heir_details": gettext_lazy("Heir %(name)s lacks a valid NIK or payout account."),
    "documents_missing": gettext_lazy("Documents missing from the checklist: %(missing)s."),
    "min_days_unable": gettext_lazy(
        "The member was unable to work for %(days)s days; the benefit needs at least %(minimum)s."
    ),
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return message_for(self.code, self.params)

    @property
    def overridable(self) -> bool:
        return self.severity == BLOCK and self.code not in NOT_OVERRIDABLE


def message_for(code: str, params: Mapping[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % dict(params)
    except (KeyError, ValueError, TypeError):
        return str(template)


# --- facts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitRules:
    """The benefit and version values in force on the event date (schemes.Benefit / SchemeVersion)."""

    claim_type: str
    amount: int = 0
    amount_per_day: int = 0
    max_days: int | None = None
    min_days_unable: int | None = None
    waiting_months: int = 0
    deadline_days: int | None = None
    max_per_year: int | None = None
    income_multiple: int | None = None
    documents: tuple[str, ...] = ()
    anti_selection_days: int = 0
    grace_months: int = 3


@dataclass(frozen=True)
class HeirFacts:
    name: str
    nik: str
    share_bp: int
    channel: str = "tunai"
    account_number: str = ""


@dataclass(frozen=True)
class ClaimFacts:
    claim_type: str
    event_date: dt.date
    reported_on: dt.date
    days: int | None = None
    enrolled_on: dt.date = dt.date(2000, 1, 1)
    reinstated_on: dt.date | None = None
    terminated_on: dt.date | None = None
    termination_reason: str = ""
    coverage: str = "covered"  # covered / grace / not_covered (contributions.selectors.covered_on)
    coverage_reason: str = ""
    paid_through: dt.date | None = None
    deceased_on: dt.date | None = None  # the membership was terminated for death on this date
    death_claimed_on: dt.date | None = None  # event date of an earlier live death claim for the person
    counted_in_year: int = 0  # approved or paid claims of this type, this person, the event's year
    duplicate_of: str = ""  # number of a live claim with the same member, type and event date
    heirs: tuple[HeirFacts, ...] = ()
    documents: frozenset[str] = frozenset()


# --- amount and split ----------------------------------------------------------------------------------


def claim_amount(benefit: BenefitRules, *, days: int | None, monthly_income: int = 0) -> int:
    """What the benefit pays: per day x min(days, max_days) when it pays per day (hospitalisation),
    a multiple of the declared monthly income (BPJS TK accident death, 48x), else the lump sum."""
    if benefit.amount_per_day:
        paid_days = max(days or 0, 0)
        if benefit.max_days is not None:
            paid_days = min(paid_days, benefit.max_days)
        return benefit.amount_per_day * paid_days
    if benefit.income_multiple:
        return benefit.income_multiple * max(monthly_income, 0)
    return benefit.amount


def max_amount(benefit: BenefitRules, *, monthly_income: int = 0) -> int | None:
    """The most one claim of this benefit may pay (None: per day without a cap)."""
    if benefit.amount_per_day:
        return None if benefit.max_days is None else benefit.amount_per_day * benefit.max_days
    return claim_amount(benefit, days=None, monthly_income=monthly_income)


def split_by_shares(amount: int, shares_bp: Sequence[int]) -> list[int]:
    """Split integer rupiah by basis-point shares so the parts add up to ``amount`` exactly.

    Largest remainder (Hamilton): each heir first gets floor(amount x share / 10000); the rupiah left
    over go one each to the heirs with the largest fractional remainders, ties to the earlier heir.
    """
    if sum(shares_bp) != FULL_SHARE_BP or any(s <= 0 for s in shares_bp):
        raise ValueError("shares must be positive and add up to 10000 basis points")
    exact = [amount * s for s in shares_bp]
    parts = [e // FULL_SHARE_BP for e in exact]
    left = amount - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] % FULL_SHARE_BP), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


# --- checks --------------------------------------------------------------------------------------------


def check_coverage(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """Cover on the event date, judged by payments made by that day and the grace months in force
    (contributions.selectors.covered_on). Lapsed or before coverage start blocks; an event in grace
    is a warning (cover continues during grace, BPJS TK rule, PROGRAM.md §2)."""
    if f.coverage == "not_covered":
        return Finding("not_covered", BLOCK, {"reason": f.coverage_reason})
    if f.coverage == "grace":
        shown = f.paid_through.strftime("%Y-%m") if f.paid_through else "-"
        return Finding("in_grace", WARN, {"paid_through": shown})
    return None


def coverage_from_paid_through(
    *, paid_through: dt.date | None, coverage_start: dt.date, event_date: dt.date, grace_months: int
) -> tuple[str, str]:
    """Fallback when the payment history is unavailable: covered through ``paid_through``, then
    ``grace_months`` months of grace, then lapsed (same rule as covered_on, without payment dates)."""
    month = month_start(event_date)
    if month < coverage_start:
        return "not_covered", f"before coverage start {coverage_start:%Y-%m}"
    if paid_through is None:
        return "not_covered", "no premium paid"
    if paid_through >= month:
        return "covered", f"paid through {paid_through:%Y-%m}"
    unpaid = months_between(paid_through, month)
    if unpaid <= grace_months:
        return "grace", f"{unpaid} of {grace_months} grace months unpaid"
    return "not_covered", f"lapsed: {unpaid} months unpaid, grace {grace_months}"


def waiting_ends(f: ClaimFacts, b: BenefitRules) -> dt.date:
    """Cover for a benefit starts ``waiting_months`` after enrolment, or after the last reinstatement
    (a lapsed member re-enrols with a new waiting period, PROGRAM.md §2 default)."""
    start = f.reinstated_on if f.reinstated_on and f.reinstated_on > f.enrolled_on else f.enrolled_on
    return _add_months_to_day(start, b.waiting_months)


def _add_months_to_day(day: dt.date, months: int) -> dt.date:
    first = add_months(month_start(day), months)
    next_first = add_months(first, 1)
    last_day = (next_first - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def check_waiting_period(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    starts = waiting_ends(f, b)
    if b.waiting_months and f.event_date < starts:
        return Finding("waiting_period", BLOCK, {"starts": starts.isoformat()})
    return None


def check_deadline(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """Reported within ``deadline_days`` of the event (none for death, 90 days for sickness: §2)."""
    days = (f.reported_on - f.event_date).days
    if b.deadline_days is not None and days > b.deadline_days:
        return Finding("deadline_passed", BLOCK, {"days": days, "deadline": b.deadline_days})
    return None


def check_yearly_limit(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """At most ``max_per_year`` approved or paid claims per person per claim type in the event's
    calendar year (sickness grant: 1 per person per year, ILO, PROGRAM.md §2)."""
    if b.max_per_year is not None and f.counted_in_year >= b.max_per_year:
        params = {"count": f.counted_in_year, "year": f.event_date.year, "limit": b.max_per_year}
        return Finding("yearly_limit", BLOCK, params)
    return None


def check_duplicate(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """One live claim per member, claim type and event date (a rejected one does not count)."""
    return Finding("duplicate_event", BLOCK, {"other": f.duplicate_of}) if f.duplicate_of else None


def check_terminated(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """A membership terminated (for a reason other than death) before the event covers nothing."""
    if f.terminated_on is not None and f.terminated_on < f.event_date and f.termination_reason != "death":
        return Finding("terminated_before_event", BLOCK, {"on": f.terminated_on.isoformat()})
    return None


def check_deceased(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """No claim for an event after the member's death, and only one death claim per member (a
    natural-death and an accident-death claim for the same death would pay twice)."""
    if f.deceased_on is not None and f.event_date > f.deceased_on:
        return Finding("already_deceased", BLOCK, {"on": f.deceased_on.isoformat()})
    claimed = f.death_claimed_on
    if claimed is not None and (f.claim_type in DEATH_TYPES or f.event_date > claimed):
        return Finding("already_deceased", BLOCK, {"on": claimed.isoformat()})
    return None


def check_anti_selection(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """Enrolment or reinstatement shortly before the event suggests joining because of it. A warning,
    not a block: the waiting period already blocks natural causes, and for accidents (no waiting
    period) only a person can judge; the verifier sees it before deciding."""
    since = max(d for d in (f.enrolled_on, f.reinstated_on) if d is not None)
    days = (f.event_date - since).days
    if b.anti_selection_days and 0 <= days < b.anti_selection_days:
        return Finding(
            "anti_selection",
            WARN,
            {"since": since.isoformat(), "days": days, "window": b.anti_selection_days},
        )
    return None


def check_heirs(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """Death benefits go to the heirs (ahli waris) by share: at least one heir, shares adding up to
    100 % (10000 basis points), each with a 16-digit NIK and an account unless paid in cash."""
    if f.claim_type not in HEIR_PAID_TYPES:
        return None
    if not f.heirs:
        return Finding("no_heirs", BLOCK)
    total = sum(h.share_bp for h in f.heirs)
    if total != FULL_SHARE_BP:
        return Finding("heir_shares", BLOCK, {"percent": f"{total / 100:g}"})
    for heir in f.heirs:
        bad_nik = not (len(heir.nik) == 16 and heir.nik.isdigit())
        if bad_nik or (heir.channel != "tunai" and not heir.account_number):
            return Finding("heir_details", BLOCK, {"name": heir.name})
    return None


def check_documents(
    f: ClaimFacts, b: BenefitRules, labels: Mapping[str, str] | None = None
) -> Finding | None:
    """Every document on the benefit's checklist is uploaded (PROGRAM.md §3)."""
    missing = [d for d in b.documents if d not in f.documents]
    if not missing:
        return None
    names = [str((labels or {}).get(d, d)) for d in missing]
    return Finding("documents_missing", BLOCK, {"missing": "; ".join(names), "codes": missing})


def check_min_days(f: ClaimFacts, b: BenefitRules) -> Finding | None:
    """Sickness grant: at least ``min_days_unable`` days unable to work (10 days, L, PROGRAM.md §2)."""
    if b.min_days_unable and (f.days or 0) < b.min_days_unable:
        return Finding("min_days_unable", BLOCK, {"days": f.days or 0, "minimum": b.min_days_unable})
    return None


CHECKS: tuple[Callable[[ClaimFacts, BenefitRules], Finding | None], ...] = (
    check_coverage,
    check_waiting_period,
    check_deadline,
    check_yearly_limit,
    check_duplicate,
    check_terminated,
    check_deceased,
    check_anti_selection,
    check_heirs,
    check_documents,
    check_min_days,
)


def run_checks(f: ClaimFacts, b: BenefitRules, *, labels: Mapping[str, str] | None = None) -> list[Finding]:
    findings = []
    for check in CHECKS:
        finding = check_documents(f, b, labels) if check is check_documents else check(f, b)
        if finding is not None:
            findings.append(finding)
    return findings


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [x for x in findings if x.severity == BLOCK]


# --- ageing --------------------------------------------------------------------------------------------


def age_days(submitted_on: dt.date, today: dt.date) -> int:
    return max((today - submitted_on).days, 0)


def is_overdue(submitted_on: dt.date, today: dt.date, target_days: int) -> bool:
    """Open longer than the service-level target (days from submission to payment or decision)."""
    return age_days(submitted_on, today) > target_days
