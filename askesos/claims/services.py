"""Writes for claims: intake, documents, checks, and one service per status transition.

The state machine is ``models.TRANSITIONS``:

    submitted -> verified | returned | rejected       (LPA manager: VERIFY_CLAIMS)
    returned  -> submitted (resubmit, INTAKE_CLAIMS) | rejected (VERIFY_CLAIMS)
    verified  -> approved | returned | rejected       (Dinas Sosial: APPROVE_CLAIMS)
    approved  -> paid                                 (LPA manager: PAY_CLAIMS)

Approval: when the claim amount is at or below the approval threshold of the scheme version in force
on the event date, the LPA's verification also approves it (two transitions, two audit events, in one
transaction, route ``lpa``). Above the threshold the claim waits in ``verified`` for Dinas Sosial,
and the approver may not be the verifier (four eyes).

Blocking check findings stop verification unless the verifier writes a reason to override them
(stored on the claim, audited); findings in ``rules.NOT_OVERRIDABLE`` can never be overridden.

Every transition is a compare-and-set on the status read (``TransitionError`` if another user moved
the claim first), writes one audit event with the claim's region and LPA, and queues an SMS to the
claimant (template ``claim_status``). ``actor=None`` is the system (demo data): role checks are
skipped, everything else applies.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.accounts.permissions import Capability, has_capability
from askesos.audit.services import audit_record
from askesos.claims import rules, selectors
from askesos.claims.models import (
    TRANSITIONS,
    ApprovalRoute,
    Claim,
    ClaimAttachment,
    ClaimCheck,
    ClaimPayee,
    ClaimStatus,
    PayoutChannel,
)
from askesos.core.access import scoped
from askesos.core.errors import DomainError, TransitionError
from askesos.core.uploads import DOCUMENTS, EXTENSIONS, check_upload
from askesos.membership.models import Membership, MembershipStatus, TerminationReason
from askesos.schemes.selectors import version_in_force

CLAIMS_PAID, BANK, CASH_LPA = "5100", "1200", "1110"
S = ClaimStatus


# --- guards -----------------------------------------------------------------------------------------------


def _require(actor: Any, capability: Capability) -> None:
    if actor is not None and not has_capability(actor, capability):
        raise DomainError(_("Your role may not do this."), code="forbidden")


def _require_scope(actor: Any, claim: Claim) -> None:
    if actor is not None and not scoped(actor, Claim.objects.filter(pk=claim.pk)).exists():
        raise DomainError(_("This claim is outside your area."), code="out_of_scope")


def _same_user(a: Any, b_id: int | None) -> bool:
    return a is not None and b_id is not None and getattr(a, "pk", None) == b_id


# --- intake -----------------------------------------------------------------------------------------------


def _normalize_phone(raw: str) -> str:
    from askesos.notifications.rules import normalize_phone

    if not (raw or "").strip():
        return ""
    try:
        return normalize_phone(raw)
    except DomainError:
        raise DomainError(
            _("This is not a valid Indonesian phone number."), code="invalid_phone", field="claimant_phone"
        ) from None


def _payee_rows(claim: Claim) -> list[ClaimPayee]:
    """The member themself (sickness, hospital, disability) or the heirs by share (death, funeral).
    Heirs' amounts are split by the largest remainder; invalid shares leave amounts at 0 (the
    ``heir_shares`` check blocks such a claim)."""
    person = claim.membership.person
    if claim.claim_type not in rules.HEIR_PAID_TYPES:
        return [
            ClaimPayee(
                claim=claim,
                name=person.full_name,
                relation="self",
                share_bp=rules.FULL_SHARE_BP,
                amount=claim.amount,
                channel=PayoutChannel.CASH,
            )
        ]
    heirs = list(person.heirs.all())
    shares = [h.share_bp for h in heirs]
    try:
        amounts = rules.split_by_shares(claim.amount, shares)
    except ValueError:
        amounts = [0] * len(heirs)
    return [
        ClaimPayee(
            claim=claim,
            heir=h,
            name=h.full_name,
            relation=h.relation,
            share_bp=h.share_bp,
            amount=amount,
            channel=h.payout_channel,
            provider=h.provider,
            account_number=h.account_number,
        )
        for h, amount in zip(heirs, amounts, strict=True)
    ]


def _snapshot_payees(claim: Claim) -> None:
    ClaimPayee.objects.filter(claim=claim).delete()
    ClaimPayee.objects.bulk_create(_payee_rows(claim))


def claim_checks_run(*, claim: Claim) -> list[rules.Finding]:
    """Run every automatic check on the claim as it stands and store the findings (ClaimCheck rows
    replace the previous run). Called at intake, when documents change, on resubmission and at
    verification."""
    findings = rules.run_checks(
        selectors.claim_facts(claim),
        selectors.benefit_rules(claim.scheme_version, claim.benefit),
        labels=selectors.document_labels(),
    )
    now = timezone.now()
    with transaction.atomic():
        ClaimCheck.objects.filter(claim=claim).delete()
        ClaimCheck.objects.bulk_create(
            ClaimCheck(
                claim=claim,
                code=f.code,
                severity=f.severity,
                params=dict(f.params),
                overridable=f.overridable,
                checked_at=now,
            )
            for f in findings
        )
        Claim.objects.filter(pk=claim.pk).update(checks_run_at=now)
    claim.checks_run_at = now
    return findings


@transaction.atomic
def claim_submit(
    *,
    actor: Any,
    membership: Membership,
    claim_type: str,
    event_date: dt.date,
    today: dt.date,
    days: int | None = None,
    cause: str = "",
    place: str = "",
    claimant_name: str = "",
    claimant_phone: str = "",
) -> Claim:
    """Take a claim in. The benefit and its rules are those of the scheme version in force on the
    EVENT date (schemes.selectors.version_in_force), and the amount is fixed here by
    ``rules.claim_amount`` (lump sum, or per day x min(days, max_days))."""
    _require(actor, Capability.INTAKE_CLAIMS)
    if actor is not None and not scoped(actor, Membership.objects.filter(pk=membership.pk)).exists():
        raise DomainError(_("This member is outside your area."), code="out_of_scope")
    if event_date > today:
        raise DomainError(_("The event date is in the future."), code="event_in_future", field="event_date")
    version = version_in_force(membership.scheme_id, event_date)
    benefit = version.benefits.filter(claim_type=claim_type).first()
    if benefit is None:
        raise DomainError(
            _("The scheme in force on the event date has no such benefit."),
            code="no_benefit",
            field="claim_type",
        )
    if claim_type in rules.DAY_TYPES and not days:
        raise DomainError(_("Enter the number of days."), code="days_required", field="days")
    person = membership.person
    amount = rules.claim_amount(
        selectors.benefit_rules(version, benefit), days=days, monthly_income=person.monthly_income
    )
    if amount <= 0:
        raise DomainError(_("This benefit pays nothing for these details."), code="no_amount", field="days")
    if claim_type in rules.HEIR_PAID_TYPES:
        first_heir = person.heirs.order_by("id").first()
        default_name = first_heir.full_name if first_heir else ""
        default_phone = first_heir.phone if first_heir else ""
    else:
        default_name, default_phone = person.full_name, person.phone
    now = timezone.now()
    claim = Claim.objects.create(
        membership=membership,
        lpa_id=membership.lpa_id,
        region_id=membership.region_id,
        scheme_version=version,
        benefit=benefit,
        claim_type=claim_type,
        event_date=event_date,
        reported_on=today,
        days=days,
        cause=cause[:300],
        place=place[:200],
        claimant_name=(claimant_name or default_name or person.full_name)[:150],
        claimant_phone=_normalize_phone(claimant_phone or default_phone),
        amount=amount,
        status=S.SUBMITTED,
        status_changed_at=now,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=now,
    )
    _snapshot_payees(claim)
    claim_checks_run(claim=claim)
    audit_record(
        actor=actor,
        action="claim.submit",
        obj=claim,
        new={
            "member": membership.member_number,
            "type": claim_type,
            "event_date": event_date,
            "days": days,
            "amount": amount,
            "scheme_version": version.pk,
        },
        region_id=claim.region_id,
        lpa_id=claim.lpa_id,
    )
    _notify(claim, S.SUBMITTED)
    return claim


# --- documents --------------------------------------------------------------------------------------------


@transaction.atomic
def claim_document_add(*, actor: Any, claim: Claim, kind: str, upload: UploadedFile) -> ClaimAttachment:
    """Attach one checklist document while the claim is submitted or returned; re-runs the checks."""
    _require(actor, Capability.INTAKE_CLAIMS)
    _require_scope(actor, claim)
    if claim.status not in (S.SUBMITTED, S.RETURNED):
        raise TransitionError(_("Documents can be added only while the claim is submitted or returned."))
    if kind not in (claim.benefit.documents or []):
        raise DomainError(
            _("This document is not on the claim's checklist."), code="not_in_checklist", field="kind"
        )
    content_type = check_upload(upload, accept=DOCUMENTS).content_type
    attachment = ClaimAttachment(
        claim=claim,
        kind=kind,
        original_name=(upload.name or kind)[-200:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(f"{kind}-{uuid.uuid4().hex[:8]}{EXTENSIONS[content_type]}", upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="claim.document_add",
        obj=claim,
        new={
            "kind": kind,
            "file": attachment.file.name,
            "name": attachment.original_name,
            "type": content_type,
            "size": attachment.size,
        },
        region_id=claim.region_id,
        lpa_id=claim.lpa_id,
    )
    claim_checks_run(claim=claim)
    return attachment


# --- transitions ------------------------------------------------------------------------------------------


def _notify(claim: Claim, status: str) -> None:
    """SMS to the claimant through the outbox (template ``claim_status``; "returned" is shown as
    "incomplete" documents). No phone on file: nothing is queued."""
    if not claim.claimant_phone:
        return
    from askesos.notifications.services import notify

    notify(
        to_phone=claim.claimant_phone,
        template="claim_status",
        context={
            "claim_number": claim.number,
            "status": "incomplete" if status == S.RETURNED else str(status),
            "amount": claim.amount if status in (S.APPROVED, S.PAID) else 0,
        },
        related_type="claims.claim",
        related_id=str(claim.pk),
        lpa_id=claim.lpa_id,
    )


def _transition(
    *,
    actor: Any,
    claim: Claim,
    new: str,
    action: str,
    fields: Mapping[str, Any] | None = None,
    reason: str = "",
    notify: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Compare-and-set ``claim.status`` -> ``new`` along TRANSITIONS, audit it, tell the claimant."""
    old = claim.status
    if new not in TRANSITIONS.get(old, frozenset()):
        raise TransitionError(
            _("A claim cannot go from %(old)s to %(new)s.") % {"old": S(old).label, "new": S(new).label}
        )
    values = {"status": new, "status_changed_at": timezone.now(), **(fields or {})}
    if Claim.objects.filter(pk=claim.pk, status=old).update(**values) != 1:
        raise TransitionError(_("The claim changed meanwhile; reload and try again."), code="conflict")
    for name, value in values.items():
        setattr(claim, name, value)
    audit_record(
        actor=actor,
        action=action,
        obj=claim,
        old={"status": old},
        new={"status": new, **(extra or {})},
        reason=reason,
        region_id=claim.region_id,
        lpa_id=claim.lpa_id,
    )
    if notify:
        _notify(claim, new)


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def claim_verify(*, actor: Any, claim: Claim, today: dt.date, override_reason: str = "") -> Claim:
    """The LPA verifies a submitted claim after re-running the checks. Blocking findings need a
    written override reason (never for ``NOT_OVERRIDABLE`` codes). At or below the approval
    threshold of the event-date scheme version the verification also approves (route ``lpa``)."""
    _require(actor, Capability.VERIFY_CLAIMS)
    _require_scope(actor, claim)
    if claim.status != S.SUBMITTED:
        raise TransitionError(_("Only a submitted claim can be verified."))
    blocking = rules.blocking(claim_checks_run(claim=claim))
    hard = [f.code for f in blocking if not f.overridable]
    if hard:
        raise DomainError(
            _("Checks that cannot be overridden failed: %(codes)s.") % {"codes": ", ".join(hard)},
            code="blocked",
        )
    reason = override_reason.strip()
    if blocking and not reason:
        raise DomainError(
            _("Blocking checks failed; write why you override them, or return or reject the claim."),
            code="override_required",
            field="override_reason",
        )
    overridden = [f.code for f in blocking]
    now = timezone.now()
    auto_approve = claim.amount <= claim.scheme_version.approval_threshold
    _transition(
        actor=actor,
        claim=claim,
        new=S.VERIFIED,
        action="claim.verify",
        fields={
            "verified_by": _actor_or_none(actor),
            "verified_at": now,
            "override_reason": reason if overridden else "",
        },
        reason=reason if overridden else "",
        notify=not auto_approve,
        extra={"overridden": overridden, "amount": claim.amount},
    )
    if auto_approve:
        _transition(
            actor=actor,
            claim=claim,
            new=S.APPROVED,
            action="claim.approve",
            fields={
                "approval_route": ApprovalRoute.LPA,
                "approved_by": _actor_or_none(actor),
                "approved_at": now,
            },
            reason="at or below the approval threshold",
            extra={"route": ApprovalRoute.LPA, "threshold": claim.scheme_version.approval_threshold},
        )
    return claim


@transaction.atomic
def claim_approve(*, actor: Any, claim: Claim, today: dt.date, note: str = "") -> Claim:
    """Dinas Sosial approves a verified claim above the threshold; never the person who verified it."""
    _require(actor, Capability.APPROVE_CLAIMS)
    _require_scope(actor, claim)
    if _same_user(actor, claim.verified_by_id):
        raise DomainError(_("The approver may not be the person who verified the claim."), code="same_person")
    _transition(
        actor=actor,
        claim=claim,
        new=S.APPROVED,
        action="claim.approve",
        fields={
            "approval_route": ApprovalRoute.DINSOS,
            "approved_by": _actor_or_none(actor),
            "approved_at": timezone.now(),
            "decision_note": note,
        },
        reason=note,
        extra={"route": ApprovalRoute.DINSOS},
    )
    return claim


def _decider_capability(claim: Claim) -> Capability:
    """Who may return or reject: the LPA before verification, Dinas Sosial after it."""
    return Capability.APPROVE_CLAIMS if claim.status == S.VERIFIED else Capability.VERIFY_CLAIMS


def _reason_required(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError(_("A reason is required."), code="reason_required", field="reason")
    return text


@transaction.atomic
def claim_return(*, actor: Any, claim: Claim, reason: str, today: dt.date) -> Claim:
    """Send a submitted or verified claim back to the claimant for documents; verification is undone."""
    _require(actor, _decider_capability(claim))
    _require_scope(actor, claim)
    text = _reason_required(reason)
    _transition(
        actor=actor,
        claim=claim,
        new=S.RETURNED,
        action="claim.return",
        fields={"decision_note": text, "verified_by": None, "verified_at": None, "override_reason": ""},
        reason=text,
    )
    return claim


@transaction.atomic
def claim_resubmit(*, actor: Any, claim: Claim, today: dt.date) -> Claim:
    """The claimant's documents are in: back to submitted; payees (heirs may have been corrected in
    the registry) and checks are taken afresh."""
    _require(actor, Capability.INTAKE_CLAIMS)
    _require_scope(actor, claim)
    _transition(actor=actor, claim=claim, new=S.SUBMITTED, action="claim.resubmit")
    _snapshot_payees(claim)
    claim_checks_run(claim=claim)
    return claim


@transaction.atomic
def claim_reject(*, actor: Any, claim: Claim, reason: str, today: dt.date) -> Claim:
    """Reject with a reason (LPA before verification, Dinas Sosial after). Final."""
    _require(actor, _decider_capability(claim))
    _require_scope(actor, claim)
    text = _reason_required(reason)
    _transition(
        actor=actor,
        claim=claim,
        new=S.REJECTED,
        action="claim.reject",
        fields={"decision_note": text},
        reason=text,
    )
    return claim


@dataclass(frozen=True)
class Payout:
    reference: str
    channel: str = PayoutChannel.CASH
    provider: str = ""
    account_number: str = ""


def _journal_lines(payees: list[ClaimPayee], total: int) -> list[tuple[str, int, int]]:
    """Debit claims paid (5100); credit the LPA's cash box (1110) for cash and its bank (1200) for
    transfers and e-wallets."""
    cash = sum(p.amount for p in payees if p.channel == PayoutChannel.CASH)
    lines: list[tuple[str, int, int]] = [(CLAIMS_PAID, total, 0)]
    if total - cash:
        lines.append((BANK, 0, total - cash))
    if cash:
        lines.append((CASH_LPA, 0, cash))
    return lines


def _terminate_for_death(*, actor: Any, claim: Claim) -> None:
    """A paid death claim ends the membership (reason death, on the event date) through
    contributions.services.membership_terminate; already terminated memberships are left as they are."""
    membership = Membership.objects.get(pk=claim.membership_id)
    if membership.status == MembershipStatus.TERMINATED:
        return
    from askesos.contributions.services import membership_terminate

    membership_terminate(
        actor=actor,
        membership=membership,
        reason=TerminationReason.DEATH,
        on=claim.event_date,
        note=f"death claim {claim.number} paid",
    )


@transaction.atomic
def claim_pay(
    *, actor: Any, claim: Claim, paid_on: dt.date, payouts: Mapping[int, Payout], today: dt.date
) -> Claim:
    """Record the payout of an approved claim: each payee's reference (and account), the fund journal
    (idempotency key ``claim-payout-<id>``), and, for a death claim, the end of the membership."""
    _require(actor, Capability.PAY_CLAIMS)
    _require_scope(actor, claim)
    if paid_on > today:
        raise DomainError(_("The payout date is in the future."), code="paid_in_future", field="paid_on")
    payees = list(ClaimPayee.objects.filter(claim=claim).order_by("id"))
    if not payees or sum(p.amount for p in payees) != claim.amount:
        raise DomainError(_("The payees' amounts do not add up to the claim amount."), code="split_mismatch")
    limit = rules.max_amount(
        selectors.benefit_rules(claim.scheme_version, claim.benefit),
        monthly_income=claim.membership.person.monthly_income,
    )
    if limit is not None and claim.amount > limit:
        raise DomainError(_("The amount is above what the scheme pays."), code="over_limit")
    for payee in payees:
        payout = payouts.get(payee.pk)
        if payout is None or not payout.reference.strip():
            raise DomainError(
                _("Enter the payout reference for %(name)s.") % {"name": payee.name},
                code="reference_required",
            )
        if payout.channel not in PayoutChannel.values:
            raise DomainError(_("Unknown payout channel."), code="invalid_channel")
        if (
            payout.channel != PayoutChannel.CASH
            and not (payout.account_number or payee.account_number).strip()
        ):
            raise DomainError(
                _("Enter the account for %(name)s.") % {"name": payee.name}, code="account_required"
            )
        payee.payout_reference = payout.reference.strip()[:60]
        payee.channel = payout.channel
        payee.provider = (payout.provider or payee.provider)[:60]
        payee.account_number = (payout.account_number or payee.account_number)[:40]
        payee.paid_on = paid_on
    _transition(
        actor=actor,
        claim=claim,
        new=S.PAID,
        action="claim.pay",
        fields={"paid_by": _actor_or_none(actor), "paid_on": paid_on},
        notify=False,
        extra={
            "amount": claim.amount,
            "paid_on": paid_on,
            "payees": [{"name": p.name, "amount": p.amount, "reference": p.payout_reference} for p in payees],
        },
    )
    ClaimPayee.objects.bulk_update(
        payees, ["payout_reference", "channel", "provider", "account_number", "paid_on"]
    )
    from askesos.fund.services import post_journal

    entry = post_journal(
        lpa_id=claim.lpa_id,
        on=paid_on,
        memo=f"Claim {claim.number} payout ({claim.claim_type})",
        source_type="claim",
        source_id=str(claim.pk),
        lines=_journal_lines(payees, claim.amount),
        idempotency_key=f"claim-payout-{claim.pk}",
        actor=actor,
    )
    Claim.objects.filter(pk=claim.pk).update(journal_entry=entry)
    claim.journal_entry = entry
    if claim.is_death:
        _terminate_for_death(actor=actor, claim=claim)
    _notify(claim, S.PAID)
    return claim
