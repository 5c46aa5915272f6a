"""Writes for premiums: recording payments (one or a third-party batch), terminating memberships,
and officer cash deposits. The monthly cycle is in ``contributions.cycle``.

Every service is keyword-only, runs in one transaction, writes one audit event per change, posts the
fund journal through ``fund.services.post_journal`` and tells the member through
``notifications.services.notify`` (queued in the same transaction, sent after commit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from askesos.audit.services import audit_record
from askesos.contributions import rules
from askesos.contributions.models import (
    Channel,
    DepositReceipt,
    MemberCredit,
    MembershipStatusChange,
    OfficerDeposit,
    Payment,
    StatusChangeReason,
    ThirdPartyBatch,
)
from askesos.core.errors import DomainError, TransitionError
from askesos.core.money import format_rupiah
from askesos.lpa.models import FieldOfficer, Lpa
from askesos.membership.models import Membership, MembershipStatus, TerminationReason
from askesos.schemes.models import Payer, SchemeVersion
from askesos.schemes.selectors import version_in_force

# Fund accounts (askesos.fund chart of accounts).
CASH_OFFICERS, CASH_LPA, BANK = "1100", "1110", "1200"
PREMIUM_INCOME, THIRD_PARTY_INCOME = "4100", "4200"

_DEBIT_ACCOUNT = {
    Channel.CASH_OFFICER: CASH_OFFICERS,
    Channel.BANK_TRANSFER: BANK,
    Channel.EWALLET_QRIS: BANK,
}


def _post_journal(**kwargs: Any) -> Any:
    from askesos.fund.services import post_journal

    return post_journal(**kwargs)


def _notify(**kwargs: Any) -> Any:
    from askesos.notifications.services import notify

    return notify(**kwargs)


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    created: bool
    message: str


def _payment_message(payment: Payment) -> str:
    return _("%(amount)s received for %(period)s, receipt %(receipt)s") % {
        "amount": format_rupiah(payment.amount),
        "period": rules.format_period(payment.period_from, payment.period_to),
        "receipt": payment.receipt_number,
    }


def _shown(name: str, value: Any) -> str:
    """A recorded value as a person reads it in a conflict message."""
    if value is None:
        return "-"
    if name == "amount":
        return format_rupiah(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _replay(existing: Payment, wanted: dict[str, Any]) -> PaymentResult:
    """The same receipt again: a no-op if the data match, an error naming the differences if not."""
    differences = [
        _("%(field)s %(recorded)s recorded, %(now)s now")
        % {
            "field": Payment._meta.get_field(name).verbose_name,
            "recorded": _shown(name, have),
            "now": _shown(name, value),
        }
        for name, value in wanted.items()
        if (have := getattr(existing, name)) != value
    ]
    if differences:
        raise DomainError(
            _("Receipt %(receipt)s was already recorded with different data: %(diff)s.")
            % {"receipt": existing.receipt_number, "diff": "; ".join(differences)},
            code="receipt_conflict",
            field="receipt_number",
        )
    recorded = timezone.localtime(existing.recorded_at).date()
    message = _("Receipt %(receipt)s was already recorded on %(date)s.") % {
        "receipt": existing.receipt_number,
        "date": recorded.isoformat(),
    }
    return PaymentResult(existing, False, message)


def _channel_problem(
    *, channel: str, payer: str, collector: FieldOfficer | None, batch: ThirdPartyBatch | None
) -> DomainError | None:
    if channel not in Channel.values:
        return DomainError(_("Unknown payment channel."), code="invalid_channel", field="channel")
    if payer not in Payer.values:
        return DomainError(_("Unknown payer."), code="invalid_payer", field="payer")
    if channel == Channel.CASH_OFFICER and collector is None:
        return DomainError(
            _("A cash payment needs the officer who collected it."),
            code="collector_required",
            field="collector",
        )
    if (channel == Channel.THIRD_PARTY) != (batch is not None) or (batch is None) != (payer == Payer.MEMBER):
        return DomainError(
            _("Third-party payers (APBN, APBD, CSR) pay through a third-party batch; members pay directly."),
            code="invalid_payer",
            field="payer",
        )
    return None


def payment_record(
    *,
    actor: Any,
    membership_id: int,
    amount: int,
    channel: str,
    paid_on: dt.date,
    receipt_number: str,
    today: dt.date,
    collector: FieldOfficer | None = None,
    payer: str = Payer.MEMBER,
    carry_forward: bool = False,
    batch: ThirdPartyBatch | None = None,
) -> PaymentResult:
    """Record one premium payment: whole months at the premium in force on ``paid_on`` (PROGRAM.md §2),
    applied by ``rules.apply_payment`` (arrears first; reinstatement by the scheme's rule).

    Idempotent by ``receipt_number``: the same receipt with the same data returns ``created=False``;
    with other data it is a ``receipt_conflict`` error. A remainder that is not a whole month is refused
    unless ``carry_forward`` keeps it as member credit. Posts the fund journal (cash: 1100/4100,
    transfer or e-wallet: 1200/4100; third-party batches post once per batch) and queues the SMS.

    A known receipt is answered before any other check (a retry is never refused for a rule that
    changed since). The receipt check rides on the locking read of the membership, so a new payment
    costs 8 statements: that read, the payment, the membership update, its audit event, the journal
    entry, its lines and audit event, and the SMS.
    """
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise DomainError(_("Give the receipt number."), code="receipt_required", field="receipt_number")
    wanted = {
        "membership_id": membership_id,
        "amount": amount,
        "channel": channel,
        "payer": payer,
        "paid_on": paid_on,
        "collector_id": collector.pk if collector else None,
        "batch_id": batch.pk if batch else None,
    }
    problem = _channel_problem(channel=channel, payer=payer, collector=collector, batch=batch)
    if problem is None and paid_on > today:
        problem = DomainError(_("The payment date is in the future."), code="future_date", field="paid_on")
    try:
        with transaction.atomic():
            payment, created = _record(
                actor=actor,
                membership_id=membership_id,
                amount=amount,
                channel=channel,
                payer=payer,
                paid_on=paid_on,
                receipt_number=receipt_number,
                today=today,
                collector=collector,
                carry_forward=carry_forward,
                batch=batch,
                problem=problem,
            )
    except IntegrityError:
        # A concurrent post of the same receipt won the unique key between our check and our insert.
        existing = Payment.objects.filter(receipt_number=receipt_number).first()
        if existing is None:
            raise
        return _replay(existing, wanted)
    if not created:
        return _replay(payment, wanted)
    return PaymentResult(payment, True, _payment_message(payment))


def _version_field(name: str, on: dt.date) -> Subquery:
    """One field of the scheme version in force on ``on`` (``schemes.selectors.version_in_force``)."""
    return Subquery(
        SchemeVersion.objects.filter(scheme_id=OuterRef("scheme_id"), effective_from__lte=on)
        .order_by("-effective_from")
        .values(name)[:1]
    )


def _locked_membership(*, membership_id: int, receipt_number: str, paid_on: dt.date) -> Membership | None:
    """The membership, locked, with everything a payment needs in the same read: the credit balance,
    the phone, the LPA's region key, the scheme version in force, and whether the receipt (or its
    journal key) is already taken. ``None`` if there is no such membership."""
    from askesos.fund.models import JournalEntry

    return (
        Membership.objects.select_for_update(of=("self",))
        .annotate(
            _credit=F("credit__balance"),
            _phone=F("person__phone"),
            _lpa_region=F("lpa__kelurahan_id"),
            _premium=_version_field("premium_monthly", paid_on),
            _grace=_version_field("grace_months", paid_on),
            _reinstatement=_version_field("reinstatement_rule", paid_on),
            _max_advance=_version_field("max_advance_months", paid_on),
            _receipt_taken=Exists(Payment.objects.filter(receipt_number=receipt_number)),
            _journal_taken=Exists(JournalEntry.objects.filter(idempotency_key=f"payment:{receipt_number}")),
        )
        .filter(pk=membership_id)
        .first()
    )


def _record(
    *,
    actor: Any,
    membership_id: int,
    amount: int,
    channel: str,
    payer: str,
    paid_on: dt.date,
    receipt_number: str,
    today: dt.date,
    collector: FieldOfficer | None,
    carry_forward: bool,
    batch: ThirdPartyBatch | None,
    problem: DomainError | None,
) -> tuple[Payment, bool]:
    """Returns (payment, True) for a new payment, (the payment already recorded, False) for a known
    receipt; raises ``problem`` (a refused channel or date) only when the receipt is new."""
    membership = _locked_membership(
        membership_id=membership_id, receipt_number=receipt_number, paid_on=paid_on
    )
    if membership is None or membership._receipt_taken:  # type: ignore[attr-defined]
        existing = Payment.objects.filter(receipt_number=receipt_number).first()
        if existing is not None:
            return existing, False
    if problem is not None:
        raise problem
    if membership is None:
        raise Membership.DoesNotExist("Membership matching query does not exist.")
    if collector is not None and collector.lpa_id != membership.lpa_id:
        raise DomainError(
            _("The officer does not work for this member's LPA."),
            code="collector_other_lpa",
            field="collector",
        )
    premium = membership._premium  # type: ignore[attr-defined]
    if premium is None:
        raise DomainError(
            f"scheme {membership.scheme_id} has no rules in force on {paid_on:%Y-%m-%d}",
            code="no_scheme_version",
        )
    credit_row = membership._credit  # type: ignore[attr-defined]
    credit = credit_row if credit_row is not None else 0
    split = rules.split_amount(amount=amount, credit=credit, premium=premium, carry_forward=carry_forward)
    change = rules.apply_payment(
        paid_through=membership.paid_through,
        coverage_start=membership.coverage_start,
        status=membership.status,
        months=split.months,
        today=today,
        grace_months=membership._grace,  # type: ignore[attr-defined]
        reinstatement_rule=membership._reinstatement,  # type: ignore[attr-defined]
        max_advance_months=membership._max_advance,  # type: ignore[attr-defined]
    )
    now = timezone.now()
    payment = Payment.objects.create(
        membership_id=membership.pk,
        lpa_id=membership.lpa_id,
        region_id=membership.region_id,
        amount=amount,
        months_covered=split.months,
        period_from=change.period_from,
        period_to=change.period_to,
        channel=channel,
        payer=payer,
        paid_on=paid_on,
        collector=collector,
        batch=batch,
        receipt_number=receipt_number,
        credit_applied=split.credit_applied,
        credit_created=split.credit_created,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=now,
    )
    _apply_coverage(membership, change, today)
    if split.credit_applied or split.credit_created:
        balance = credit - split.credit_applied + split.credit_created
        if credit_row is None:
            MemberCredit.objects.create(membership_id=membership.pk, balance=balance)
        else:
            MemberCredit.objects.filter(pk=membership.pk).update(balance=balance, updated_at=now)
    audit_record(
        actor=actor,
        action="payment.record",
        obj=payment,
        object_type="contributions.payment",
        new={
            "membership": membership.member_number,
            "amount": amount,
            "months": split.months,
            "period_from": change.period_from,
            "period_to": change.period_to,
            "channel": channel,
            "credit_applied": split.credit_applied,
            "credit_created": split.credit_created,
        },
        region_id=membership.region_id,
        lpa_id=membership.lpa_id,
        at=now,
    )
    lpa_region = membership._lpa_region  # type: ignore[attr-defined]
    if batch is None:
        # The key names a receipt this transaction has just inserted under its unique constraint, so
        # it cannot race: no savepoint, and no lookup unless an entry with the key already existed.
        _post_journal(
            lpa_id=membership.lpa_id,
            on=paid_on,
            memo=f"Iuran {membership.member_number} kuitansi {receipt_number}",
            source_type="contributions.payment",
            source_id=str(payment.pk),
            lines=[(_DEBIT_ACCOUNT[Channel(channel)], amount, 0), (PREMIUM_INCOME, 0, amount)],
            idempotency_key=f"payment:{receipt_number}",
            actor=actor,
            region_id=lpa_region,
            key_is_new=not membership._journal_taken,  # type: ignore[attr-defined]
            savepoint=False,
        )
    phone = membership._phone  # type: ignore[attr-defined]
    if phone:
        _notify(
            to_phone=phone,
            template="payment_received",
            context={
                "amount": amount,
                "period_from": change.period_from,
                "period_to": change.period_to,
                "receipt": receipt_number,
            },
            related_type="contributions.payment",
            related_id=str(payment.pk),
            lpa_id=membership.lpa_id,
            region_id=lpa_region,
        )
    return payment, True


def _apply_coverage(membership: Membership, change: rules.CoverageChange, today: dt.date) -> None:
    fields: dict[str, Any] = {"paid_through": change.new_paid_through}
    if change.new_status != membership.status:
        fields.update(status=change.new_status, status_since=today)
    if change.reinstated:
        fields["reinstated_on"] = today
    Membership.objects.filter(pk=membership.pk).update(**fields)
    if change.new_status != membership.status:
        MembershipStatusChange.objects.create(
            membership_id=membership.pk,
            from_status=membership.status,
            to_status=change.new_status,
            on=today,
            reason=StatusChangeReason.REINSTATED if change.reinstated else StatusChangeReason.PAYMENT,
        )


def membership_terminate(
    *, actor: Any, membership: Membership, reason: str, on: dt.date, note: str = ""
) -> None:
    """End a membership for good (death, exit, age limit...): TERMINATED is final; later payments are
    refused and coverage ends after ``on``. Compare-and-set on the status read."""
    if reason not in TerminationReason.values:
        raise DomainError(_("Unknown termination reason."), code="invalid_reason", field="reason")
    old = membership.status
    if old == MembershipStatus.TERMINATED:
        raise TransitionError(_("The membership is already terminated."))
    with transaction.atomic():
        changed = Membership.objects.filter(pk=membership.pk, status=old).update(
            status=MembershipStatus.TERMINATED, status_since=on, terminated_on=on, termination_reason=reason
        )
        if changed != 1:
            raise TransitionError(
                _("The membership changed meanwhile; reload and try again."), code="conflict"
            )
        MembershipStatusChange.objects.create(
            membership_id=membership.pk,
            from_status=old,
            to_status=MembershipStatus.TERMINATED,
            on=on,
            reason=StatusChangeReason.AGE_LIMIT
            if reason == TerminationReason.AGE_LIMIT
            else StatusChangeReason.TERMINATED,
        )
        audit_record(
            actor=actor,
            action="membership.terminate",
            obj=membership,
            old={"status": old},
            new={"status": MembershipStatus.TERMINATED, "terminated_on": on, "reason": reason},
            reason=note,
            region_id=membership.region_id,
            lpa_id=membership.lpa_id,
        )
    membership.status, membership.terminated_on, membership.termination_reason = (
        MembershipStatus.TERMINATED,
        on,
        reason,
    )


# --- third-party batches -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    line: int
    member_number: str
    months: int


class BatchRejected(DomainError):
    """All-or-nothing: at least one row is wrong; ``errors`` lists (line, message) for every wrong row."""

    code = "batch_rejected"

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(_("The batch was not recorded: %(n)d rows have errors.") % {"n": len(errors)})
        self.errors = errors


def third_party_batch_record(
    *,
    actor: Any,
    lpa: Lpa,
    payer: str,
    payer_name: str,
    reference: str,
    paid_on: dt.date,
    total: int,
    rows: list[BatchRow],
    today: dt.date,
) -> ThirdPartyBatch:
    """A third party (APBN, APBD, CSR) pays for many members of one LPA in one transfer (PROGRAM.md §2).

    All or nothing: every row must name a member of this LPA once, with whole months the scheme allows,
    and the rows must add up to ``total``; otherwise ``BatchRejected`` lists every wrong row. One payment
    per member, one fund journal 1200/4200 for the whole transfer.
    """
    if payer == Payer.MEMBER or payer not in Payer.values:
        raise DomainError(_("Choose APBN, APBD or CSR as the payer."), code="invalid_payer", field="payer")
    if not rows:
        raise DomainError(_("The file has no rows."), code="empty_batch")
    if ThirdPartyBatch.objects.filter(lpa=lpa, payer=payer, reference=reference.strip()).exists():
        raise DomainError(
            _("Transfer %(ref)s was already recorded.") % {"ref": reference},
            code="duplicate_batch",
            field="reference",
        )
    members = dict(
        Membership.objects.filter(lpa=lpa, member_number__in=[r.member_number for r in rows]).values_list(
            "member_number", "id"
        )
    )
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for row in rows:
        if row.member_number not in members:
            errors.append((row.line, _("No member %(n)s in this LPA.") % {"n": row.member_number}))
        elif row.member_number in seen:
            errors.append((row.line, _("Member %(n)s appears twice.") % {"n": row.member_number}))
        seen.add(row.member_number)
    if errors:
        raise BatchRejected(errors)
    with transaction.atomic():
        batch = ThirdPartyBatch.objects.create(
            lpa=lpa,
            region_id=lpa.kelurahan_id,
            payer=payer,
            payer_name=payer_name.strip(),
            reference=reference.strip(),
            total=total,
            member_count=len(rows),
            paid_on=paid_on,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            recorded_at=timezone.now(),
        )
        paid = 0
        for row in rows:
            try:
                result = payment_record(
                    actor=actor,
                    membership_id=members[row.member_number],
                    amount=_premium_for(members[row.member_number], paid_on) * row.months,
                    channel=Channel.THIRD_PARTY,
                    payer=payer,
                    paid_on=paid_on,
                    receipt_number=f"TP{batch.pk}-{row.line}",
                    today=today,
                    batch=batch,
                )
                paid += result.payment.amount
            except DomainError as exc:
                errors.append((row.line, f"{row.member_number}: {exc.message}"))
        if not errors and paid != total:
            errors.append(
                (
                    0,
                    _("The rows add up to %(paid)s, not the transfer total %(total)s.")
                    % {"paid": format_rupiah(paid), "total": format_rupiah(total)},
                )
            )
        if errors:
            raise BatchRejected(errors)
        audit_record(
            actor=actor,
            action="third_party_batch.record",
            obj=batch,
            new={
                "payer": payer,
                "payer_name": batch.payer_name,
                "reference": batch.reference,
                "total": total,
                "members": len(rows),
            },
            region_id=batch.region_id,
            lpa_id=lpa.pk,
        )
        _post_journal(
            lpa_id=lpa.pk,
            on=paid_on,
            memo=f"{batch.get_payer_display()} {batch.payer_name} {batch.reference}",
            source_type="contributions.thirdpartybatch",
            source_id=str(batch.pk),
            lines=[(BANK, total, 0), (THIRD_PARTY_INCOME, 0, total)],
            idempotency_key=f"tp-batch:{batch.pk}",
            actor=actor,
        )
    return batch


def _premium_for(membership_id: int, on: dt.date) -> int:
    scheme_id = Membership.objects.filter(pk=membership_id).values_list("scheme_id", flat=True).get()
    return version_in_force(scheme_id, on).premium_monthly


# --- officer cash ------------------------------------------------------------------------------------


def deposit_submit(
    *,
    actor: Any,
    officer: FieldOfficer,
    amount: int,
    deposited_on: dt.date,
    today: dt.date,
    payment_ids: list[int] | None = None,
    note: str = "",
) -> OfficerDeposit:
    """An officer hands cash to the LPA: an amount, optionally naming the receipts it covers (then the
    receipts' total is kept, and a difference is flagged as variance when confirmed)."""
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount_not_positive", field="amount")
    if deposited_on > today:
        raise DomainError(_("The deposit date is in the future."), code="future_date", field="deposited_on")
    with transaction.atomic():
        receipts_total = None
        if payment_ids:
            payments = list(
                Payment.objects.select_for_update(of=("self",))
                .filter(
                    pk__in=payment_ids,
                    collector=officer,
                    channel=Channel.CASH_OFFICER,
                    deposit_link__isnull=True,
                )
                .values_list("pk", "amount")
            )
            if len(payments) != len(set(payment_ids)):
                raise DomainError(
                    _("Some receipts are not this officer's undeposited cash receipts."),
                    code="invalid_receipts",
                    field="payment_ids",
                )
            receipts_total = sum(a for _pk, a in payments)
        deposit = OfficerDeposit.objects.create(
            officer=officer,
            lpa_id=officer.lpa_id,
            amount=amount,
            deposited_on=deposited_on,
            receipts_total=receipts_total,
            note=note,
            submitted_at=timezone.now(),
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if payment_ids:
            DepositReceipt.objects.bulk_create(
                [DepositReceipt(deposit=deposit, payment_id=p) for p in set(payment_ids)]
            )
        audit_record(
            actor=actor,
            action="deposit.submit",
            obj=deposit,
            new={
                "officer": officer.pk,
                "amount": amount,
                "receipts_total": receipts_total,
                "on": deposited_on,
            },
            lpa_id=officer.lpa_id,
        )
    return deposit


def _deposit_transition(*, actor: Any, deposit: OfficerDeposit, new: str, reason: str = "") -> None:
    old = deposit.status
    if new not in OfficerDeposit.TRANSITIONS[OfficerDeposit.Status(old)]:
        raise TransitionError(_("A %(old)s deposit cannot become %(new)s.") % {"old": old, "new": new})
    now = timezone.now()
    changed = OfficerDeposit.objects.filter(pk=deposit.pk, status=old).update(
        status=new,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
        note=reason or deposit.note,
    )
    if changed != 1:
        raise TransitionError(_("The deposit changed meanwhile; reload and try again."), code="conflict")
    deposit.status, deposit.decided_at = new, now
    audit_record(
        actor=actor,
        action=f"deposit.{'confirm' if new == OfficerDeposit.Status.CONFIRMED else 'dispute'}",
        obj=deposit,
        old={"status": old},
        new={"status": new, "variance": deposit.variance},
        reason=reason,
        lpa_id=deposit.lpa_id,
    )


def deposit_confirm(*, actor: Any, deposit: OfficerDeposit, today: dt.date) -> None:
    """The LPA manager confirms the cash arrived: submitted → confirmed (compare-and-set), and the
    fund journal moves it from cash held by officers to cash at the LPA (1110/1100)."""
    with transaction.atomic():
        _deposit_transition(actor=actor, deposit=deposit, new=OfficerDeposit.Status.CONFIRMED)
        _post_journal(
            lpa_id=deposit.lpa_id,
            on=deposit.deposited_on,
            memo=f"Setoran petugas {deposit.officer_id}",
            source_type="contributions.officerdeposit",
            source_id=str(deposit.pk),
            lines=[(CASH_LPA, deposit.amount, 0), (CASH_OFFICERS, 0, deposit.amount)],
            idempotency_key=f"deposit:{deposit.pk}",
            actor=actor,
        )


def deposit_dispute(*, actor: Any, deposit: OfficerDeposit, reason: str) -> None:
    """The LPA manager disputes a deposit (cash short, wrong receipts): submitted → disputed; its
    receipts count as undeposited again."""
    if not reason.strip():
        raise DomainError(_("Say what is wrong with the deposit."), code="reason_required", field="reason")
    with transaction.atomic():
        _deposit_transition(actor=actor, deposit=deposit, new=OfficerDeposit.Status.DISPUTED, reason=reason)
        DepositReceipt.objects.filter(deposit=deposit).delete()
