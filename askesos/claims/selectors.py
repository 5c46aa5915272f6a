"""Reads for claims: the facts the checks judge, queues per role with ageing, the register, the
timeline. Lists go through ``core.access.scoped``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.models import AuditEvent
from askesos.claims import rules
from askesos.claims.models import Claim, ClaimStatus
from askesos.core.access import scoped
from askesos.membership.models import Membership, TerminationReason
from askesos.schemes.models import Benefit, ClaimDocument, SchemeVersion

DEFAULT_SLA_DAYS = 14


def benefit_rules(version: SchemeVersion, benefit: Benefit) -> rules.BenefitRules:
    """The plain values of a benefit and its version (the version in force on the event date)."""
    return rules.BenefitRules(
        claim_type=benefit.claim_type,
        amount=benefit.amount,
        amount_per_day=benefit.amount_per_day,
        max_days=benefit.max_days,
        min_days_unable=benefit.min_days_unable,
        waiting_months=benefit.waiting_months,
        deadline_days=benefit.deadline_days,
        max_per_year=benefit.max_per_year,
        income_multiple=benefit.income_multiple,
        documents=tuple(benefit.documents or ()),
        anti_selection_days=version.anti_selection_days,
        grace_months=version.grace_months,
    )


def coverage_at(membership: Membership, on: dt.date, grace_months: int) -> tuple[str, str, dt.date | None]:
    """Cover on the event date from the contributions payment history (``covered_on``); without the
    contributions app, from ``paid_through`` and the grace months of the version in force."""
    try:
        from askesos.contributions.selectors import covered_on
    except ImportError:  # pragma: no cover - contributions is installed; kept for a slimmer deployment
        state, reason = rules.coverage_from_paid_through(
            paid_through=membership.paid_through,
            coverage_start=membership.coverage_start,
            event_date=on,
            grace_months=grace_months,
        )
        return state, reason, membership.paid_through
    answer = covered_on(membership, on)
    return answer.state, answer.reason, answer.paid_through


def _live_claims_of_person(person_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(membership__person_id=person_id).exclude(status=ClaimStatus.REJECTED)


def claim_facts(claim: Claim) -> rules.ClaimFacts:
    """Everything the checks need, read from the database as it stands now."""
    membership = claim.membership
    person = membership.person
    state, reason, paid_through = coverage_at(membership, claim.event_date, claim.scheme_version.grace_months)
    earlier = _live_claims_of_person(person.pk).filter(pk__lt=claim.pk)
    duplicate = (
        earlier.filter(membership_id=membership.pk, claim_type=claim.claim_type, event_date=claim.event_date)
        .order_by("pk")
        .first()
    )
    death_claimed_on = earlier.filter(claim_type__in=rules.DEATH_TYPES).aggregate(first=Min("event_date"))[
        "first"
    ]
    counted = (
        Claim.objects.filter(
            membership__person_id=person.pk,
            claim_type=claim.claim_type,
            event_date__year=claim.event_date.year,
            status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID],
        )
        .exclude(pk=claim.pk)
        .count()
    )
    deceased_on = (
        membership.terminated_on if membership.termination_reason == TerminationReason.DEATH else None
    )
    heirs = tuple(
        rules.HeirFacts(h.full_name, h.nik, h.share_bp, h.payout_channel, h.account_number)
        for h in person.heirs.all()
    )
    return rules.ClaimFacts(
        claim_type=claim.claim_type,
        event_date=claim.event_date,
        reported_on=claim.reported_on,
        days=claim.days,
        enrolled_on=membership.enrolled_on,
        reinstated_on=membership.reinstated_on,
        terminated_on=membership.terminated_on,
        termination_reason=membership.termination_reason,
        coverage=state,
        coverage_reason=reason,
        paid_through=paid_through,
        deceased_on=deceased_on,
        death_claimed_on=death_claimed_on,
        counted_in_year=counted,
        duplicate_of=duplicate.number if duplicate else "",
        heirs=heirs,
        documents=frozenset(claim.attachments.values_list("kind", flat=True)),
    )


def document_labels() -> dict[str, str]:
    return {k: str(v) for k, v in ClaimDocument.choices}


# --- queues, ageing, register ----------------------------------------------------------------------------


def sla_days(scheme_code: str) -> int:
    """Service-level target in days from submission to payment or rejection: per scheme
    (``ASKESOS_CLAIM_SLA_DAYS_BY_SCHEME = {"ASKESOS-KLASIK": 14}``) or ``ASKESOS_CLAIM_SLA_DAYS``."""
    by_scheme: dict[str, int] = getattr(settings, "ASKESOS_CLAIM_SLA_DAYS_BY_SCHEME", {}) or {}
    return int(by_scheme.get(scheme_code, getattr(settings, "ASKESOS_CLAIM_SLA_DAYS", DEFAULT_SLA_DAYS)))


def queue_statuses(user: Any) -> list[str]:
    """What waits on this user's role: intake sees submitted and returned claims (its own follow-up),
    verifiers what is submitted, payers what is approved, Dinas Sosial what is verified; read-only
    roles see every open claim."""
    statuses: list[str] = []
    if has_capability(user, Capability.INTAKE_CLAIMS):
        statuses += [ClaimStatus.SUBMITTED, ClaimStatus.RETURNED]
    if has_capability(user, Capability.VERIFY_CLAIMS):
        statuses += [ClaimStatus.SUBMITTED]
    if has_capability(user, Capability.PAY_CLAIMS):
        statuses += [ClaimStatus.APPROVED]
    if has_capability(user, Capability.APPROVE_CLAIMS):
        statuses += [ClaimStatus.VERIFIED]
    if not statuses:
        statuses = list(
            s.value
            for s in (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED, ClaimStatus.VERIFIED, ClaimStatus.APPROVED)
        )
    return list(dict.fromkeys(str(s) for s in statuses))


@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    age_days: int
    target_days: int

    @property
    def overdue(self) -> bool:
        return self.age_days > self.target_days


def claim_queue(*, user: Any, today: dt.date, status: str = "") -> list[QueueRow]:
    """The user's work list, oldest first, with each claim's age against its scheme's target."""
    statuses = queue_statuses(user)
    if status and status in statuses:
        statuses = [status]
    claims = (
        scoped(user, Claim.objects.filter(status__in=statuses))
        .select_related("membership__person", "membership__scheme", "lpa")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for claim in claims:
        submitted = claim.reported_on
        rows.append(QueueRow(claim, rules.age_days(submitted, today), sla_days(claim.membership.scheme.code)))
    return rows


def claim_register(
    *, user: Any, date_from: dt.date, date_to: dt.date, lpa_id: int | None = None, status: str = ""
) -> QuerySet[Claim]:
    """Claims reported in the period, inside the user's scope, for the register (PDF/XLSX)."""
    qs = Claim.objects.filter(reported_on__gte=date_from, reported_on__lte=date_to)
    if lpa_id:
        qs = qs.filter(lpa_id=lpa_id)
    if status:
        qs = qs.filter(status=status)
    return scoped(user, qs).select_related("membership__person", "lpa").order_by("reported_on", "pk")


def claim_timeline(claim: Claim) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type="claims.claim", object_id=str(claim.pk)).order_by("at", "id")
