"""Demo claims in every state for existing demo memberships, made through the claim services (so
checks, payees, audit events, fund postings and terminations are all real).

Idempotent: each plan slot is tagged in the claim's cause (``Demo <n>``); running again creates only
the slots that are missing. Actions run as the system (``actor=None``): role checks are skipped, nothing else.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Sum

from askesos.claims import services
from askesos.claims.models import Claim, ClaimStatus
from askesos.core.errors import DomainError
from askesos.membership.models import Membership, MembershipStatus

S = ClaimStatus
DEMO_PDF = b"%PDF-1.4\n% Askesos demo document\n%%EOF\n"

# (claim type, days, target status, days before today, documents complete)
PLAN: tuple[tuple[str, int | None, str, int, bool], ...] = (
    ("sickness", 12, S.SUBMITTED, 3, True),
    ("hospital", 5, S.SUBMITTED, 20, False),
    ("sickness", 14, S.RETURNED, 10, False),
    ("hospital", 25, S.VERIFIED, 12, True),
    ("hospital", 8, S.APPROVED, 9, True),
    ("sickness", 11, S.PAID, 40, True),
    ("death", None, S.PAID, 30, True),
    ("hospital", 3, S.REJECTED, 25, True),
    ("death", None, S.VERIFIED, 6, True),
)


def _candidates(count: int, rng: random.Random, *, exclude: set[int]) -> list[Membership]:
    """Active demo members enrolled over a year ago (past any waiting period) whose heirs' shares make
    100 %, so every planned state is reachable."""
    qs = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .annotate(heir_count=Count("person__heirs"), heir_bp=Sum("person__heirs__share_bp"))
        .filter(heir_count__gt=0, heir_bp=10_000)
        .exclude(pk__in=exclude)
        .select_related("person")
        .order_by("pk")
    )
    pool = list(qs[: count * 5])
    rng.shuffle(pool)
    return sorted(pool[:count], key=lambda m: m.pk)


def _upload_all(claim: Claim) -> None:
    for kind in claim.benefit.documents or []:
        upload = SimpleUploadedFile(f"{kind}.pdf", DEMO_PDF, content_type="application/pdf")
        services.claim_document_add(actor=None, claim=claim, kind=kind, upload=upload)


def _advance(claim: Claim, target: str, *, today: dt.date) -> None:
    override = "Demo: reviewed by the LPA manager"
    if target == S.RETURNED:
        services.claim_return(actor=None, claim=claim, reason="Doctor's letter has no dates", today=today)
        return
    if target == S.REJECTED:
        services.claim_reject(
            actor=None, claim=claim, reason="Event before the membership began", today=today
        )
        return
    if target == S.SUBMITTED:
        return
    services.claim_verify(actor=None, claim=claim, today=today, override_reason=override)
    if target == S.VERIFIED:
        return
    if claim.status == S.VERIFIED:
        services.claim_approve(actor=None, claim=claim, today=today, note="Demo approval")
    if target == S.PAID:
        payouts = {
            p.pk: services.Payout(
                reference=f"DEMO-{claim.pk}-{p.pk}", channel=p.channel, account_number=p.account_number or ""
            )
            for p in claim.payees.all()
        }
        services.claim_pay(actor=None, claim=claim, paid_on=today, payouts=payouts, today=today)


def demo_claims(*, today: dt.date, seed: int = 2026) -> int:
    """Create the planned claims that do not exist yet (each plan slot is tagged ``Demo <n>`` in
    the claim's cause); returns how many were created."""
    rng = random.Random(seed)
    done = set(Claim.objects.filter(cause__startswith="Demo ").values_list("cause", flat=True))
    todo = [(i, spec) for i, spec in enumerate(PLAN, start=1) if f"Demo {i}" not in done]
    if not todo:
        return 0
    used = Claim.objects.filter(cause__startswith="Demo ").values_list("membership_id", flat=True)
    members = _candidates(len(todo), rng, exclude=set(used))
    created = 0
    for membership, (slot, (claim_type, days, target, ago, complete)) in zip(members, todo, strict=False):
        try:
            with transaction.atomic():
                claim = services.claim_submit(
                    actor=None,
                    membership=membership,
                    claim_type=claim_type,
                    days=days,
                    event_date=today - dt.timedelta(days=ago),
                    cause=f"Demo {slot}",
                    place="Jakarta Timur",
                    today=today,
                )
                if complete:
                    _upload_all(claim)
                _advance(claim, target, today=today)
        except DomainError:
            continue  # a member whose history makes this state unreachable: skip, stay idempotent
        created += 1
    return created
