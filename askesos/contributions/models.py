"""Premiums and what follows from them: payments, member credit, coverage history (derived from
payments), status-change events, the monthly cycle, officer cash and deposits.

``Payment`` is the big table (hundreds of millions of rows a year nationally): it is kept narrow,
carries the scope columns ``region_id``/``lpa_id`` denormalised from the membership so scope is a
range filter without a join, and is meant to be range-partitioned by ``paid_on`` month in
PostgreSQL (docs/scaling, later). Every write goes through ``contributions.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from askesos.membership.models import MembershipStatus
from askesos.schemes.models import Payer


class Channel(models.TextChoices):
    CASH_OFFICER = "cash_officer", _("cash to a field officer")
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    EWALLET_QRIS = "ewallet_qris", _("e-wallet / QRIS")
    THIRD_PARTY = "third_party", _("third party (APBN/APBD/CSR)")


class ThirdPartyBatch(models.Model):
    """One transfer from a third party (state or regional budget, CSR donor) paying for many members.

    Each member paid for gets a ``Payment`` linked here; the fund journal is posted once per batch.
    """

    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+", verbose_name=_("LPA"))
    region_id = models.BigIntegerField(
        _("region key"), help_text=_("The LPA's kelurahan key (scope column).")
    )
    payer = models.CharField(_("payer"), max_length=8, choices=Payer.choices)
    payer_name = models.CharField(_("payer name"), max_length=150)
    reference = models.CharField(_("transfer reference"), max_length=60)
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    member_count = models.PositiveIntegerField(_("members paid for"))
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("third-party batch")
        verbose_name_plural = _("third-party batches")
        constraints = [
            models.UniqueConstraint(fields=["lpa", "payer", "reference"], name="tp_batch_reference_once"),
        ]
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.payer_name} {self.reference}"


class Payment(models.Model):
    """One premium payment for one membership, covering ``months_covered`` whole months.

    ``receipt_number`` is unique: posting the same receipt again is a no-op (idempotent retries from
    phones with bad connections). ``credit_applied`` is member credit used by this payment and
    ``credit_created`` the remainder carried forward; together with the payments they are the credit
    ledger (``MemberCredit`` holds the running balance).
    """

    # No single-column indexes on the foreign keys: every one is an extra B-tree insertion per payment.
    # membership and lpa are served by the composite indexes that start with them (Meta.indexes);
    # collector by the partial payment_collector_idx (a ``collector = X`` lookup implies NOT NULL);
    # batch by a partial index over batch payments only (almost every payment has none); recorded_by
    # by none (no query reads payments by who recorded them; users are deactivated, never deleted, and
    # deleting one who recorded payments is refused by PROTECT).
    membership = models.ForeignKey(
        "membership.Membership", on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    # lpa and collector are reference keys checked by the application (REFERENCE_KEYS_CHECKED_BY_THE_
    # APPLICATION, see registry.models.Person): the service copies the LPA from the locked membership
    # and refuses an officer of another LPA; LPAs and officers are never deleted (PROTECT). Without a
    # database check, concurrent payments of one LPA do not all lock its row (and the officer's).
    lpa = models.ForeignKey(
        "lpa.Lpa", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    region_id = models.BigIntegerField(_("region key"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    months_covered = models.PositiveSmallIntegerField(_("months covered"))
    period_from = models.DateField(_("first month covered"))
    period_to = models.DateField(_("last month covered"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    payer = models.CharField(_("payer"), max_length=8, choices=Payer.choices, default=Payer.MEMBER)
    paid_on = models.DateField(_("paid on"))
    collector = models.ForeignKey(
        "lpa.FieldOfficer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ThirdPartyBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        db_index=False,
    )
    # Unique through Meta.constraints, not unique=True: the same unique B-tree, without the extra
    # varchar_pattern_ops ("_like") index Django adds on PostgreSQL for unique=True CharFields (receipts
    # are only looked up exactly, never by prefix).
    receipt_number = models.CharField(_("receipt number"), max_length=32)
    credit_applied = models.PositiveIntegerField(_("credit used (Rp)"), default=0)
    credit_created = models.PositiveIntegerField(_("credit carried forward (Rp)"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["receipt_number"], name="payment_receipt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(months_covered__gte=1), name="payment_months_positive"),
            models.CheckConstraint(condition=Q(period_to__gte=F("period_from")), name="payment_period_order"),
        ]
        indexes = [
            models.Index(fields=["membership", "period_from"], name="payment_member_period_idx"),
            models.Index(fields=["lpa", "paid_on"], name="payment_lpa_paid_idx"),
            models.Index(fields=["region_id", "paid_on"], name="payment_region_paid_idx"),
            models.Index(
                fields=["collector", "paid_on"],
                name="payment_collector_idx",
                condition=Q(collector__isnull=False),
            ),
            models.Index(fields=["batch"], name="payment_batch_idx", condition=Q(batch__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class MemberCredit(models.Model):
    """Running balance of a member's carried-forward credit (the ledger is Payment.credit_*)."""

    membership = models.OneToOneField(
        "membership.Membership", on_delete=models.PROTECT, primary_key=True, related_name="credit"
    )
    balance = models.PositiveBigIntegerField(_("credit balance (Rp)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member credit")
        verbose_name_plural = _("member credits")

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.balance}"


class StatusChangeReason(models.TextChoices):
    CYCLE = "cycle", _("monthly cycle")
    PAYMENT = "payment", _("payment")
    REINSTATED = "reinstated", _("reinstated after lapse")
    TERMINATED = "terminated", _("terminated")
    AGE_LIMIT = "age_limit", _("age limit reached")


class MembershipStatusChange(models.Model):
    """An event row per status change of a membership (never edited)."""

    membership = models.ForeignKey(
        "membership.Membership", on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=MembershipStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=MembershipStatus.choices)
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=12, choices=StatusChangeReason.choices)
    cycle_month = models.DateField(_("cycle month"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            models.Index(fields=["membership", "on"], name="status_change_member_idx"),
            models.Index(fields=["cycle_month"], name="status_change_cycle_idx"),
        ]
        ordering = ["membership_id", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_status} → {self.to_status} on {self.on}"


class CycleRun(models.Model):
    """One run of the monthly cycle. ``last_id`` is the high-water mark of committed chunks, so a run
    killed half-way resumes where it stopped (each chunk is idempotent, so re-doing one is harmless)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    month = models.DateField(_("cycle month"))
    today = models.DateField(_("run as of"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    last_id = models.BigIntegerField(_("last membership id done"), default=0)
    max_id = models.BigIntegerField(_("highest membership id"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor_label = models.CharField(_("run by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("cycle run")
        verbose_name_plural = _("cycle runs")
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(status="running"), name="cycle_one_running_per_month"
            )
        ]
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status}"


class ReminderKind(models.TextChoices):
    DUE = "due", _("premium due")
    LAPSE_WARNING = "lapse_warning", _("about to lapse")


class CycleReminder(models.Model):
    """A reminder the cycle decided to send (one per member, month and kind: the idempotency key).
    The message itself goes to the notifications outbox."""

    cycle_month = models.DateField(_("cycle month"))
    membership = models.ForeignKey("membership.Membership", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=ReminderKind.choices)
    lpa_id = models.BigIntegerField(_("LPA id"))
    region_id = models.BigIntegerField(_("region key"))
    paid_through = models.DateField(_("paid through"))

    class Meta:
        verbose_name = _("cycle reminder")
        verbose_name_plural = _("cycle reminders")
        constraints = [
            models.UniqueConstraint(fields=["cycle_month", "membership", "kind"], name="cycle_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_month:%Y-%m} {self.membership_id} {self.kind}"


class FollowUpReason(models.TextChoices):
    DUE = "due", _("premium due this month")
    ARREARS = "arrears", _("in arrears")
    LAPSE_WARNING = "lapse_warning", _("lapses next month if unpaid")
    LAPSED = "lapsed", _("lapsed this cycle")


class FollowUpItem(models.Model):
    """A member an officer should visit this month, ranked by lapse risk (PROGRAM.md §5: members left
    because nobody contacted them). Replaced per month by the cycle."""

    cycle_month = models.DateField(_("cycle month"))
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.CASCADE, related_name="+")
    region_id = models.BigIntegerField(_("region key"))
    officer = models.ForeignKey(
        "lpa.FieldOfficer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    membership = models.ForeignKey("membership.Membership", on_delete=models.CASCADE, related_name="+")
    risk_score = models.PositiveSmallIntegerField(_("lapse risk (0-100)"))
    months_in_arrears = models.PositiveSmallIntegerField(_("months in arrears"))
    months_paid_last_12 = models.PositiveSmallIntegerField(_("months paid in the last 12 months"))
    reason = models.CharField(_("reason"), max_length=14, choices=FollowUpReason.choices)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        constraints = [
            models.UniqueConstraint(fields=["cycle_month", "membership"], name="followup_once_per_month"),
        ]
        indexes = [
            models.Index(fields=["lpa", "cycle_month", "-risk_score"], name="followup_lpa_risk_idx"),
            models.Index(fields=["officer", "cycle_month", "-risk_score"], name="followup_officer_risk_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_month:%Y-%m} {self.membership_id} ({self.risk_score})"


class OfficerDeposit(models.Model):
    """Cash a field officer hands over to the LPA. Submitted by the officer, then confirmed (or
    disputed) by the LPA manager; the fund journal 1110/1100 is posted on confirmation."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        CONFIRMED = "confirmed", _("confirmed")
        DISPUTED = "disputed", _("disputed")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.CONFIRMED, Status.DISPUTED},
        Status.CONFIRMED: set(),
        Status.DISPUTED: set(),
    }

    officer = models.ForeignKey("lpa.FieldOfficer", on_delete=models.PROTECT, related_name="+")
    lpa = models.ForeignKey("lpa.Lpa", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    deposited_on = models.DateField(_("deposited on"))
    receipts_total = models.PositiveBigIntegerField(
        _("total of the receipts covered (Rp)"),
        null=True,
        blank=True,
        help_text=_("Empty when the deposit was submitted as an amount only."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer deposit")
        verbose_name_plural = _("officer deposits")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_amount_positive")]
        indexes = [models.Index(fields=["officer", "status"], name="deposit_officer_status_idx")]
        ordering = ["-deposited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.officer_id}:{self.deposited_on}:{self.amount}"

    @property
    def variance(self) -> int | None:
        """Amount handed over minus the receipts it says it covers (None when amount-only)."""
        return None if self.receipts_total is None else self.amount - self.receipts_total


class DepositReceipt(models.Model):
    """A cash receipt covered by a deposit. A receipt is in at most one (non-disputed) deposit."""

    deposit = models.ForeignKey(OfficerDeposit, on_delete=models.CASCADE, related_name="receipts")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="deposit_link")

    def __str__(self) -> str:
        return f"{self.deposit_id}:{self.payment_id}"


def _register() -> None:
    from askesos.core.access import ScopeRule, register_scope

    direct = ScopeRule(region="region_id", lpa="lpa_id")
    register_scope(
        Payment, ScopeRule(region="region_id", lpa="lpa_id", member_user="membership__person__account_id")
    )
    register_scope(ThirdPartyBatch, direct)
    register_scope(FollowUpItem, direct)
    register_scope(CycleReminder, direct)
    via_membership = ScopeRule(
        region="membership__region_id", lpa="membership__lpa_id", member_user="membership__person__account_id"
    )
    register_scope(MemberCredit, via_membership)
    register_scope(MembershipStatusChange, via_membership)
    register_scope(OfficerDeposit, ScopeRule(region="lpa__kelurahan_id", lpa="lpa_id"))
    register_scope(CycleRun, ScopeRule())


_register()
